// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of imatap listen: entry order and loss bookkeeping,
 * filters, the state file and the output of each format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/imatap.h>

#include "../lib/bank.h"
#include "../lib/binlog.h"
#include "../lib/emit.h"
#include "../lib/filter.h"
#include "../lib/sequencer.h"
#include "../lib/state.h"
#include "../lib/view.h"
#include "logbuilder.h"

/* Template data of an ima-ng entry for name, little-endian. */
static uint32_t ima_ng_data(uint8_t *out, const char *name)
{
	uint8_t digest[32], dng[64];
	struct lb_field f[2];

	memset(digest, 0x5a, sizeof(digest));
	f[0].data = dng;
	f[0].len = lb_digest_ng(dng, "sha256:", digest, sizeof(digest));
	f[1].data = name;
	f[1].len = (uint32_t)strlen(name) + 1;
	return (uint32_t)lb_template_data(out, false, f, 2);
}

/* A chunk of an ima-ng entry whose template data is data. */
static struct imatap_nl_chunk chunk_of(uint64_t index, const uint8_t *data,
				       uint32_t data_len, uint32_t offset,
				       uint32_t len)
{
	struct imatap_nl_chunk c;

	memset(&c, 0, sizeof(c));
	c.header.index = index;
	c.header.pcr = 10;
	c.header.flags = IMATAP_ENTRY_F_CANONICAL;
	strcpy(c.header.template_name, "ima-ng");
	strcpy(c.header.template_fmt, "d-ng|n-ng");
	c.header.num_digests = 1;
	c.header.digests[0].tpm_alg = TPM_ALG_SHA1;
	c.header.digests[0].len = 20;
	memset(c.header.digests[0].value, (int)(index & 0xff), 20);
	c.header.data_len = data_len;
	c.offset = offset;
	c.data = data + offset;
	c.len = len;
	return c;
}

static struct imatap_nl_chunk whole(uint64_t index, const uint8_t *data,
				    uint32_t data_len)
{
	return chunk_of(index, data, data_len, 0, data_len);
}

static void seq_dump_then_group_repeats(void **state)
{
	uint8_t data[300];
	uint32_t len = ima_ng_data(data, "/bin/sh");
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	imatap_seq_init(&seq, 5);
	c = whole(5, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_COMPLETE);
	assert_int_equal(seq.as.entry.index, 5);
	c = whole(6, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_COMPLETE);
	assert_int_equal(seq.next, 7);

	/* The group sends 5 and 6 again: the dump already delivered them. */
	c = whole(5, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_REPEAT);
	c = whole(6, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_REPEAT);
	c = whole(7, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_COMPLETE);
	assert_int_equal(seq.next, 8);
	imatap_seq_free(&seq);
}

static void seq_group_gap_is_loss(void **state)
{
	uint8_t data[300];
	uint32_t len = ima_ng_data(data, "/bin/sh");
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	imatap_seq_init(&seq, 10);
	c = whole(13, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_LOST);
	assert_int_equal(seq.loss.kind, IMATAP_LOSS_GAP);
	assert_int_equal(seq.loss.seen_index, 13);
	assert_int_equal(seq.next, 10);

	/* The repair dump then delivers from 10 on. */
	c = whole(10, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_COMPLETE);
	imatap_seq_free(&seq);
}

static void seq_group_lost_chunk(void **state)
{
	uint8_t data[600];
	char name[400];
	uint32_t len;
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	len = ima_ng_data(data, name);
	imatap_seq_init(&seq, 0);
	c = chunk_of(0, data, len, 0, 100);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_PARTIAL);
	/* The chunk at 100 is missing. */
	c = chunk_of(0, data, len, 200, len - 200);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_LOST);
	assert_int_equal(seq.loss.kind, IMATAP_LOSS_CHUNK);
	assert_int_equal(seq.loss.seen_offset, 200);
	assert_int_equal(seq.loss.expected_offset, 100);
	assert_false(seq.as.active);

	/* A next entry that starts while one is unfinished: lost tail. */
	c = chunk_of(0, data, len, 0, 100);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_PARTIAL);
	c = chunk_of(1, data, len, 0, 100);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_LOST);
	assert_int_equal(seq.loss.kind, IMATAP_LOSS_GAP);

	/* A middle chunk without its start. */
	c = chunk_of(0, data, len, 100, 100);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_LOST);
	assert_int_equal(seq.loss.kind, IMATAP_LOSS_CHUNK);
	imatap_seq_free(&seq);
}

static void seq_chunks_join_in_order(void **state)
{
	uint8_t data[600];
	char name[400];
	uint32_t len;
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	len = ima_ng_data(data, name);
	imatap_seq_init(&seq, 0);
	c = chunk_of(0, data, len, 0, 256);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_PARTIAL);
	c = chunk_of(0, data, len, 256, len - 256);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_COMPLETE);
	assert_int_equal(seq.as.entry.data_len, len);
	assert_memory_equal(seq.as.entry.data, data, len);
	imatap_seq_free(&seq);
}

static void seq_dump_out_of_order_is_malformed(void **state)
{
	uint8_t data[300];
	uint32_t len = ima_ng_data(data, "/bin/sh");
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	imatap_seq_init(&seq, 3);
	c = whole(4, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_MALFORMED);
	assert_non_null(strstr(err.msg, "entry 4"));
	assert_non_null(strstr(err.msg, "entry 3"));
	c = whole(2, data, len);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_DUMP, &err),
			 IMATAP_SEQ_MALFORMED);
	assert_int_equal(seq.next, 3);
	imatap_seq_free(&seq);
}

static void seq_changed_chunk_is_malformed(void **state)
{
	uint8_t data[600];
	char name[400];
	uint32_t len;
	struct imatap_sequencer seq;
	struct imatap_nl_chunk c;
	struct ima_error err;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	len = ima_ng_data(data, name);
	imatap_seq_init(&seq, 0);
	c = chunk_of(0, data, len, 0, 256);
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_PARTIAL);
	c = chunk_of(0, data, len, 256, len - 256);
	c.header.pcr = 11;
	assert_int_equal(imatap_seq_add(&seq, &c, IMATAP_SEQ_GROUP, &err),
			 IMATAP_SEQ_MALFORMED);
	imatap_seq_free(&seq);
}

static void filter_path_prefix_is_directory(void **state)
{
	const uint8_t *ls = (const uint8_t *)"/usr/bin/ls";
	const uint8_t *bin2 = (const uint8_t *)"/usr/bin2/x";
	const uint8_t *dir = (const uint8_t *)"/usr/bin";

	(void)state;
	assert_true(imatap_path_has_prefix(ls, 11, "/usr/bin"));
	assert_true(imatap_path_has_prefix(ls, 11, "/usr/bin/"));
	assert_true(imatap_path_has_prefix(dir, 8, "/usr/bin"));
	assert_false(imatap_path_has_prefix(bin2, 11, "/usr/bin"));
	assert_false(imatap_path_has_prefix(dir, 8, "/usr/bin/"));
	assert_true(imatap_path_has_prefix(ls, 11, "/"));
	assert_false(imatap_path_has_prefix(ls, 11, "/usr/bin/ls/"));
}

/* Read the one record of the log in lb into rec. */
static void read_record(struct logbuf *lb, struct ima_record *rec)
{
	struct ima_binlog log;
	struct ima_error err;

	ima_binlog_open_mem(&log, lb->data, lb->len, false);
	if (ima_binlog_next(&log, rec, &err) != IMA_READ_RECORD)
		fail_msg("%s", err.msg);
}

static void filter_matches_kinds(void **state)
{
	uint8_t dng[64], digest[32] = { 1 };
	struct lb_field f[3] = {
		{ dng, 0 }, { "/etc/passwd", 12 }, { "", 0 },
	};
	struct imatap_filter filter;
	struct ima_error err;
	struct ima_record rec;
	struct logbuf lb;

	(void)state;
	f[0].len = lb_digest_ng(dng, "sha256:", digest, 32);
	lb_init(&lb, false);
	lb_record(&lb, 10, "ima-sig", f, 3, false);
	read_record(&lb, &rec);

	memset(&filter, 0, sizeof(filter));
	assert_true(imatap_filter_match(&filter, &rec));
	assert_true(imatap_filter_add_pcr(&filter, "11", &err));
	assert_false(imatap_filter_match(&filter, &rec));
	assert_true(imatap_filter_add_pcr(&filter, "10", &err));
	assert_true(imatap_filter_match(&filter, &rec));

	assert_true(imatap_filter_add_template(&filter, "ima-ng", &err));
	assert_false(imatap_filter_match(&filter, &rec));
	assert_true(imatap_filter_add_template(&filter, "ima-sig", &err));
	assert_true(imatap_filter_match(&filter, &rec));

	assert_true(imatap_filter_add_prefix(&filter, "/usr", &err));
	assert_false(imatap_filter_match(&filter, &rec));
	assert_true(imatap_filter_add_prefix(&filter, "/etc", &err));
	assert_true(imatap_filter_match(&filter, &rec));
	lb_free(&lb);
}

static void filter_prefix_needs_a_name(void **state)
{
	uint8_t dng[64], digest[32] = { 1 };
	struct lb_field f[2] = { { dng, 0 }, { "", 1 } };
	struct imatap_filter filter;
	struct ima_error err;
	struct ima_record rec;
	struct logbuf lb;

	(void)state;
	/* An ima-ng entry with an empty name, and an unknown template. */
	f[0].len = lb_digest_ng(dng, "sha256:", digest, 32);
	lb_init(&lb, false);
	lb_record(&lb, 10, "ima-ng", f, 2, false);
	read_record(&lb, &rec);
	memset(&filter, 0, sizeof(filter));
	assert_true(imatap_filter_add_prefix(&filter, "/", &err));
	assert_false(imatap_filter_match(&filter, &rec));

	lb_free(&lb);
	lb_init(&lb, false);
	lb_record(&lb, 10, "vendor-template", f, 2, false);
	read_record(&lb, &rec);
	assert_false(imatap_filter_match(&filter, &rec));
	lb_free(&lb);
}

static void filter_rejects_bad_values(void **state)
{
	struct imatap_filter filter;
	struct ima_error err;
	int i;

	(void)state;
	memset(&filter, 0, sizeof(filter));
	assert_false(imatap_filter_add_pcr(&filter, "64", &err));
	assert_non_null(strstr(err.msg, "\"64\""));
	assert_false(imatap_filter_add_pcr(&filter, "-1", &err));
	assert_false(imatap_filter_add_pcr(&filter, "10x", &err));
	assert_false(imatap_filter_add_pcr(&filter, "", &err));
	assert_false(imatap_filter_add_template(&filter, "", &err));
	for (i = 0; i < IMATAP_FILTER_VALUES_MAX; i++)
		assert_true(imatap_filter_add_prefix(&filter, "/x", &err));
	assert_false(imatap_filter_add_prefix(&filter, "/x", &err));
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_listen.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

#define BOOT_ID "0123abcd-4567-89ab-cdef-0123456789ab"

static void state_round_trip(void **state)
{
	struct imatap_state out = { BOOT_ID, 1234, 567890 }, in;
	struct ima_error err;
	char path[128], cmd[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/state", tmpdir);
	assert_int_equal(imatap_state_read(path, &in, &err),
			 IMATAP_STATE_MISSING);
	assert_true(imatap_state_write(path, &out, &err));
	assert_int_equal(imatap_state_read(path, &in, &err), IMATAP_STATE_OK);
	assert_string_equal(in.boot_id, BOOT_ID);
	assert_int_equal(in.next_index, 1234);
	assert_int_equal(in.next_offset, 567890);

	out.next_index = 1235;
	assert_true(imatap_state_write(path, &out, &err));
	assert_int_equal(imatap_state_read(path, &in, &err), IMATAP_STATE_OK);
	assert_int_equal(in.next_index, 1235);
	/* No temporary file is left behind. */
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) = 1", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void state_rejects_bad_files(void **state)
{
	static const char *const bad[] = {
		"",
		"imatap-listen-state 2\nboot_id " BOOT_ID "\nnext_index 1\nnext_offset 2\n",
		"imatap-listen-state 1\nboot_id " BOOT_ID "\nnext_index 1\n",
		"imatap-listen-state 1\nboot_id " BOOT_ID "\nnext_index x\nnext_offset 2\n",
		"imatap-listen-state 1\nboot_id nope\nnext_index 1\nnext_offset 2\n",
		"imatap-listen-state 1\nboot_id " BOOT_ID "\nnext_index 1\nnext_index 1\nnext_offset 2\n",
		"imatap-listen-state 1\nboot_id " BOOT_ID "\nnext_index 99999999999999999999\nnext_offset 2\n",
		"boot_id " BOOT_ID "\nimatap-listen-state 1\nnext_index 1\nnext_offset 2\n",
	};
	struct imatap_state in;
	struct ima_error err;
	char path[128];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad", tmpdir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(path, bad[i]);
		if (imatap_state_read(path, &in, &err) != IMATAP_STATE_INVALID)
			fail_msg("state file %zu was accepted", i);
		assert_non_null(strstr(err.msg, path));
	}
}

static void state_reads_boot_id(void **state)
{
	char path[128], id[IMATAP_BOOT_ID_SIZE];
	struct ima_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/boot_id", tmpdir);
	write_text(path, BOOT_ID "\n");
	assert_true(imatap_read_boot_id(path, id, &err));
	assert_string_equal(id, BOOT_ID);
	write_text(path, "not a boot id\n");
	assert_false(imatap_read_boot_id(path, id, &err));
}

/* Emit entries 0..2 of names through the emitter, as netlink entries. */
static char *emit_three(enum imatap_format format,
			const struct imatap_filter *filter, size_t *len,
			struct imatap_emitter *em)
{
	static const char *const names[] = { "/bin/a", "/etc/b", "/bin/c" };
	uint8_t data[300];
	struct ima_error err;
	char *text = NULL;
	FILE *out = open_memstream(&text, len);
	int i;

	assert_non_null(out);
	imatap_emitter_init(em, out, format, 0, 0);
	em->filter = filter;
	for (i = 0; i < 3; i++) {
		struct imatap_nl_chunk c;
		uint32_t n = ima_ng_data(data, names[i]);

		c = whole((uint64_t)i, data, n);
		c.header.data = data;
		if (imatap_emit_nl_entry(em, &c.header, &err) != IMATAP_EMIT_OK)
			fail_msg("%s", err.msg);
	}
	fclose(out);
	return text;
}

/* The same three entries as a binary log, rendered by the log's views. */
static char *log_view(const uint8_t *log_data, size_t log_len,
		      int (*view)(FILE *, const struct ima_record *),
		      size_t *len)
{
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	ima_binlog_open_mem(&log, log_data, log_len, false);
	while (ima_binlog_next(&log, &rec, &err) == IMA_READ_RECORD)
		view(out, &rec);
	fclose(out);
	return text;
}

static void emit_formats_equal_log(void **state)
{
	struct imatap_emitter em;
	char *binary, *text, *expected;
	size_t binary_len, len, expected_len;

	(void)state;
	binary = emit_three(IMATAP_FORMAT_BINARY, NULL, &binary_len, &em);
	assert_int_equal(em.next_index, 3);
	assert_int_equal(em.next_offset, binary_len);
	assert_int_equal(em.written, 3);
	imatap_emitter_free(&em);

	text = emit_three(IMATAP_FORMAT_ASCII, NULL, &len, &em);
	imatap_emitter_free(&em);
	expected = log_view((uint8_t *)binary, binary_len, ima_view_ascii,
			    &expected_len);
	assert_int_equal(len, expected_len);
	assert_memory_equal(text, expected, len);
	assert_non_null(strstr(text, "10 0000000000000000000000000000000000000000 ima-ng sha256:5a5a"));
	assert_non_null(strstr(text, " /etc/b\n"));
	free(text);
	free(expected);

	text = emit_three(IMATAP_FORMAT_JSON, NULL, &len, &em);
	imatap_emitter_free(&em);
	expected = log_view((uint8_t *)binary, binary_len, ima_view_json,
			    &expected_len);
	assert_int_equal(len, expected_len);
	assert_memory_equal(text, expected, len);
	assert_non_null(strstr(text, "{\"index\":1,\"offset\":"));
	assert_non_null(strstr(text, "\"template_digests\":{\"sha1\":"));
	free(text);
	free(expected);
	free(binary);
}

static void emit_filter_keeps_position(void **state)
{
	struct imatap_filter filter;
	struct imatap_emitter em;
	struct ima_error err;
	size_t all_len, len;
	char *all, *text;

	(void)state;
	all = emit_three(IMATAP_FORMAT_BINARY, NULL, &all_len, &em);
	imatap_emitter_free(&em);
	memset(&filter, 0, sizeof(filter));
	assert_true(imatap_filter_add_prefix(&filter, "/etc", &err));
	text = emit_three(IMATAP_FORMAT_JSON, &filter, &len, &em);
	assert_int_equal(em.written, 1);
	assert_int_equal(em.next_index, 3);
	assert_int_equal(em.next_offset, all_len);
	assert_non_null(strstr(text, "\"name\":\"/etc/b\""));
	assert_null(strstr(text, "/bin/"));
	imatap_emitter_free(&em);
	free(text);
	free(all);
}

static void emit_stops_at_until_and_count(void **state)
{
	uint8_t data[300];
	uint32_t n = ima_ng_data(data, "/bin/x");
	struct imatap_emitter em;
	struct imatap_nl_chunk c;
	struct ima_error err;
	FILE *out = fopen("/dev/null", "w");

	(void)state;
	imatap_emitter_init(&em, out, IMATAP_FORMAT_ASCII, 4, 1000);
	em.first_index = 5;
	em.until_index = 7;
	c = whole(4, data, n);
	c.header.data = data;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_OK);
	assert_int_equal(em.written, 0);
	c = whole(5, data, n);
	c.header.data = data;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_OK);
	c = whole(6, data, n);
	c.header.data = data;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_STOP);
	assert_int_equal(em.written, 2);
	assert_true(imatap_emitter_done(&em));

	em.until_index = UINT64_MAX;
	em.max_written = 3;
	c = whole(7, data, n);
	c.header.data = data;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_STOP);
	imatap_emitter_free(&em);
	fclose(out);
}

static void emit_rejects_bad_entries(void **state)
{
	uint8_t data[300];
	uint32_t n = ima_ng_data(data, "/bin/x");
	struct imatap_emitter em;
	struct imatap_nl_chunk c;
	struct ima_error err;
	FILE *out = fopen("/dev/null", "w");

	(void)state;
	imatap_emitter_init(&em, out, IMATAP_FORMAT_ASCII, 0, 0);
	/* Not the entry due. */
	c = whole(1, data, n);
	c.header.data = data;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_MALFORMED);
	/* Template data whose field lengths run past its end. */
	c = whole(0, data, n);
	c.header.data = data;
	c.header.data_len = n - 1;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_MALFORMED);
	assert_non_null(strstr(err.msg, "record 0"));
	/* No SHA-1 digest slot. */
	c = whole(0, data, n);
	c.header.data = data;
	c.header.digests[0].tpm_alg = TPM_ALG_SHA256;
	assert_int_equal(imatap_emit_nl_entry(&em, &c.header, &err),
			 IMATAP_EMIT_MALFORMED);
	assert_int_equal(em.next_index, 0);
	assert_int_equal(em.written, 0);
	imatap_emitter_free(&em);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seq_dump_then_group_repeats),
		cmocka_unit_test(seq_group_gap_is_loss),
		cmocka_unit_test(seq_group_lost_chunk),
		cmocka_unit_test(seq_chunks_join_in_order),
		cmocka_unit_test(seq_dump_out_of_order_is_malformed),
		cmocka_unit_test(seq_changed_chunk_is_malformed),
		cmocka_unit_test(filter_path_prefix_is_directory),
		cmocka_unit_test(filter_matches_kinds),
		cmocka_unit_test(filter_prefix_needs_a_name),
		cmocka_unit_test(filter_rejects_bad_values),
		cmocka_unit_test(state_round_trip),
		cmocka_unit_test(state_rejects_bad_files),
		cmocka_unit_test(state_reads_boot_id),
		cmocka_unit_test(emit_formats_equal_log),
		cmocka_unit_test(emit_filter_keeps_position),
		cmocka_unit_test(emit_stops_at_until_and_count),
		cmocka_unit_test(emit_rejects_bad_entries),
	};

	return cmocka_run_group_tests_name("listen", tests, make_tmpdir,
					   remove_tmpdir);
}
