// SPDX-License-Identifier: GPL-2.0
/* The binary log reader: framing, byte order, limits, incomplete tails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/binlog.h"
#include "logbuilder.h"

static const uint8_t digest32[32] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
	0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};

/* Append an ima-ng record for name with a sha256 file digest. */
static void add_ima_ng(struct logbuf *lb, const char *name)
{
	uint8_t dng[64];
	struct lb_field f[2] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ name, (uint32_t)strlen(name) + 1 },
	};

	lb_record(lb, 10, "ima-ng", f, 2, false);
}

struct read_result {
	unsigned int records;
	enum ima_read_status status;
	struct ima_error err;
	struct ima_record last;
};

static void read_all(const uint8_t *data, size_t len, bool big_endian,
		     struct read_result *res)
{
	struct ima_binlog log;
	struct ima_record rec;

	memset(res, 0, sizeof(*res));
	ima_binlog_open_mem(&log, data, len, big_endian);
	while ((res->status = ima_binlog_next(&log, &rec, &res->err)) ==
	       IMA_READ_RECORD) {
		res->records++;
		res->last = rec;
	}
	ima_binlog_close(&log);
}

static void assert_malformed(const struct logbuf *lb, bool big_endian,
			     unsigned int good, const char *text)
{
	struct read_result res;

	read_all(lb->data, lb->len, big_endian, &res);
	assert_int_equal(res.records, good);
	assert_int_equal(res.status, IMA_READ_MALFORMED);
	if (!strstr(res.err.msg, text))
		fail_msg("message \"%s\" lacks \"%s\"", res.err.msg, text);
}

static void empty_log_ends(void **state)
{
	struct read_result res;

	(void)state;
	read_all((const uint8_t *)"", 0, false, &res);
	assert_int_equal(res.records, 0);
	assert_int_equal(res.status, IMA_READ_END);
}

static void ima_ng_record_decodes(void **state)
{
	struct logbuf lb;
	struct read_result res;

	(void)state;
	lb_init(&lb, false);
	add_ima_ng(&lb, "/bin/sh");
	add_ima_ng(&lb, "/etc/passwd");
	read_all(lb.data, lb.len, false, &res);
	assert_int_equal(res.status, IMA_READ_END);
	assert_int_equal(res.records, 2);
	assert_int_equal(res.last.index, 1);
	assert_int_equal(res.last.pcr, 10);
	assert_string_equal(res.last.template_name, "ima-ng");
	assert_string_equal(res.last.template_fmt, "d-ng|n-ng");
	assert_int_equal(res.last.num_fields, 2);
	assert_int_equal(res.last.fields[0].id, IMA_FIELD_D_NG);
	assert_int_equal(res.last.fields[1].id, IMA_FIELD_N_NG);
	assert_memory_equal(res.last.fields[1].data, "/etc/passwd", 12);
	assert_false(res.last.violation);
	/* second record starts after the first: 4+20+4+6+4+(4+40)+(4+8) */
	assert_int_equal(res.last.offset, 94);
	lb_free(&lb);
}

static void big_endian_log_decodes(void **state)
{
	struct logbuf lb;
	struct read_result res;

	(void)state;
	lb_init(&lb, true);
	add_ima_ng(&lb, "/bin/sh");
	read_all(lb.data, lb.len, true, &res);
	assert_int_equal(res.status, IMA_READ_END);
	assert_int_equal(res.records, 1);
	assert_int_equal(res.last.pcr, 10);
	assert_true(res.last.big_endian);
	assert_int_equal(res.last.fields[1].len, 8);
	lb_free(&lb);
}

static void big_endian_read_as_little(void **state)
{
	struct logbuf lb;

	(void)state;
	lb_init(&lb, true);
	add_ima_ng(&lb, "/bin/sh");
	assert_malformed(&lb, false, 0, "try --big-endian");
	assert_malformed(&lb, false, 0, "record 0 at byte 0: PCR index");
	lb_free(&lb);
}

static void little_endian_read_as_big(void **state)
{
	struct logbuf lb;

	(void)state;
	lb_init(&lb, false);
	add_ima_ng(&lb, "/bin/sh");
	assert_malformed(&lb, true, 0, "try without --big-endian");
	lb_free(&lb);
}

/* A header whose PCR and name length are fine in both orders. */
static void wrong_order_name_length(void **state)
{
	struct logbuf lb;
	uint8_t data[8] = { 0 };

	(void)state;
	lb_init(&lb, false);
	lb_bytes(&lb, data, 4);		/* PCR 0 reads the same both ways */
	lb_bytes(&lb, digest32, 20);
	lb_bytes(&lb, "\x00\x00\x00\x04", 4);	/* name length 4, big-endian */
	lb_bytes(&lb, "abcd", 4);
	assert_malformed(&lb, false, 0, "try --big-endian");
	assert_malformed(&lb, false, 0, "template name length 67108864");
	lb_free(&lb);
}

static void incomplete_at_every_byte(void **state)
{
	struct logbuf lb;
	struct read_result res;
	char expected[64];
	size_t first, cut;

	(void)state;
	lb_init(&lb, false);
	add_ima_ng(&lb, "/bin/first");
	first = lb.len;
	add_ima_ng(&lb, "/bin/second");
	snprintf(expected, sizeof(expected),
		 "record 1 at byte %zu: incomplete record", first);
	for (cut = first + 1; cut < lb.len; cut++) {
		read_all(lb.data, cut, false, &res);
		assert_int_equal(res.records, 1);
		assert_int_equal(res.status, IMA_READ_INCOMPLETE);
		if (!strstr(res.err.msg, expected))
			fail_msg("cut %zu: %s", cut, res.err.msg);
	}
	read_all(lb.data, lb.len, false, &res);
	assert_int_equal(res.status, IMA_READ_END);
	assert_int_equal(res.records, 2);
	lb_free(&lb);
}

static void pcr_index_out_of_range(void **state)
{
	struct logbuf lb;
	uint8_t zero[20] = { 0 };

	(void)state;
	lb_init(&lb, false);
	add_ima_ng(&lb, "/a");
	lb_u32(&lb, 64);
	lb_bytes(&lb, zero, 20);
	assert_malformed(&lb, false, 1, "record 1 at byte 89: PCR index 64 is outside 0-63");
	lb_free(&lb);
}

static void header_with_name_length(struct logbuf *lb, uint32_t len)
{
	uint8_t zero[20] = { 0 };

	lb_u32(lb, 10);
	lb_bytes(lb, zero, 20);
	lb_u32(lb, len);
}

static void template_name_lengths_hostile(void **state)
{
	static const uint32_t lengths[] = { 0, 256, 0x7fffffff, 0xffffffff };
	struct logbuf lb;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		lb_init(&lb, false);
		header_with_name_length(&lb, lengths[i]);
		lb_bytes(&lb, "ima-ng", 6);
		assert_malformed(&lb, false, 0, "record 0 at byte 24: template name length");
		lb_free(&lb);
	}
}

static void template_data_length_hostile(void **state)
{
	static const uint32_t lengths[] = { (1U << 20) + 1, 0xfffffff0,
					    0xffffffff };
	struct logbuf lb;
	char expected[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		lb_init(&lb, false);
		header_with_name_length(&lb, 6);
		lb_bytes(&lb, "ima-ng", 6);
		lb_u32(&lb, lengths[i]);
		snprintf(expected, sizeof(expected),
			 "record 0 at byte 34: template data length %u exceeds the 1 MiB limit",
			 lengths[i]);
		assert_malformed(&lb, false, 0, expected);
		lb_free(&lb);
	}
}

static void bad_template_names(void **state)
{
	static const char *const names[] = {
		"ima ng", "ima\x01ng", "ima\xffng", "d-ng||n-ng", "|d-ng",
		"d-ng|", "d-ng|n-ng|abcdefghijklmnopq",
		"d|d|d|d|d|d|d|d|d|d|d|d|d|d|d|d",
	};
	struct logbuf lb;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		lb_init(&lb, false);
		header_with_name_length(&lb, (uint32_t)strlen(names[i]));
		lb_bytes(&lb, names[i], strlen(names[i]));
		lb_u32(&lb, 0);
		assert_malformed(&lb, false, 0, "record 0 at byte");
		lb_free(&lb);
	}
}

static void append_raw_record(struct logbuf *lb, const char *name,
			      const uint8_t *data, uint32_t len)
{
	header_with_name_length(lb, (uint32_t)strlen(name));
	lb_bytes(lb, name, strlen(name));
	lb_u32(lb, len);
	lb_bytes(lb, data, len);
}

static void field_length_past_data(void **state)
{
	struct logbuf lb;
	uint8_t data[12];

	(void)state;
	lb_put_u32(data, 9, false);	/* 9 bytes claimed, 8 present */
	memcpy(data + 4, "sha1:\0ab", 8);
	lb_init(&lb, false);
	append_raw_record(&lb, "ima-ng", data, sizeof(data));
	assert_malformed(&lb, false, 0, "record 0 at byte 38: field 0 length 9 exceeds the 8 bytes left");
	lb_free(&lb);
}

static void field_length_word_cut(void **state)
{
	struct logbuf lb;
	uint8_t data[6] = { 0, 0, 0, 0, 1, 2 };

	(void)state;
	lb_init(&lb, false);
	append_raw_record(&lb, "ima-ng", data, sizeof(data));
	assert_malformed(&lb, false, 0, "field 1 length word is cut off");
	lb_free(&lb);
}

static void fields_fewer_than_template(void **state)
{
	struct logbuf lb;
	uint8_t dng[64];
	struct lb_field f[1] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
	};

	(void)state;
	lb_init(&lb, false);
	lb_record(&lb, 10, "ima-ng", f, 1, false);
	assert_malformed(&lb, false, 0, "template ima-ng has 2 fields but the template data holds 1");
	lb_free(&lb);
}

static void fields_more_than_template(void **state)
{
	struct logbuf lb;
	uint8_t dng[64];
	struct lb_field f[3] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/x", 3 },
		{ "extra", 5 },
	};

	(void)state;
	lb_init(&lb, false);
	lb_record(&lb, 10, "ima-ng", f, 3, false);
	assert_malformed(&lb, false, 0, "template data continues for 9 bytes after its 2 fields");
	lb_free(&lb);
}

static void empty_template_data(void **state)
{
	struct logbuf lb;

	(void)state;
	lb_init(&lb, false);
	append_raw_record(&lb, "ima-sig", NULL, 0);
	assert_malformed(&lb, false, 0, "template ima-sig has 3 fields but the template data holds 0");
	lb_free(&lb);
}

static void legacy_template_decodes(void **state)
{
	struct logbuf lb;
	struct read_result res;
	uint8_t d[20];

	(void)state;
	memset(d, 0xab, sizeof(d));
	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, "/usr/bin/legacy", false);
	add_ima_ng(&lb, "/after");
	read_all(lb.data, lb.len, false, &res);
	assert_int_equal(res.status, IMA_READ_END);
	assert_int_equal(res.records, 2);

	read_all(lb.data, 4 + 20 + 4 + 3 + 20 + 4 + 15, false, &res);
	assert_int_equal(res.records, 1);
	assert_true(res.last.legacy);
	assert_null(res.last.data);
	assert_int_equal(res.last.fields[0].id, IMA_FIELD_D);
	assert_memory_equal(res.last.fields[0].data, d, 20);
	assert_int_equal(res.last.fields[1].len, 15);
	assert_memory_equal(res.last.fields[1].data, "/usr/bin/legacy", 15);
	lb_free(&lb);
}

static void legacy_name_too_long(void **state)
{
	struct logbuf lb;
	uint8_t d[20] = { 1 };
	char name[257];

	(void)state;
	memset(name, 'a', 256);
	name[256] = '\0';
	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, name, false);
	assert_malformed(&lb, false, 0, "record 0 at byte 51: \"ima\" template name length 256 exceeds 255");
	lb_free(&lb);
}

static void legacy_name_with_nul(void **state)
{
	struct logbuf lb;
	uint8_t d[20] = { 1 };

	(void)state;
	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, "/a", false);
	lb.data[lb.len - 1] = '\0';
	assert_malformed(&lb, false, 0, "field 1 (n) contains a NUL byte");
	lb_free(&lb);
}

static void legacy_incomplete_tail(void **state)
{
	struct logbuf lb;
	struct read_result res;
	uint8_t d[20] = { 1 };
	size_t cut;

	(void)state;
	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, "/legacy", false);
	for (cut = 1; cut < lb.len; cut++) {
		read_all(lb.data, cut, false, &res);
		assert_int_equal(res.status, IMA_READ_INCOMPLETE);
		assert_int_equal(res.records, 0);
	}
	lb_free(&lb);
}

static void zero_digest_is_violation(void **state)
{
	struct logbuf lb;
	struct read_result res;
	uint8_t dng[64], zero[32] = { 0 };
	struct lb_field f[2] = {
		{ dng, lb_digest_ng(dng, "sha256:", zero, 32) },
		{ "/etc/x", 7 },
	};

	(void)state;
	lb_init(&lb, false);
	lb_record(&lb, 10, "ima-ng", f, 2, true);
	read_all(lb.data, lb.len, false, &res);
	assert_int_equal(res.records, 1);
	assert_true(res.last.violation);
	lb_free(&lb);
}

/* Read from a file descriptor, so that records cross the reader's buffer. */
static void large_records_through_fd(void **state)
{
	struct logbuf lb;
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;
	enum ima_read_status st;
	uint8_t dng[64], *buf = calloc(1, 1U << 20);
	const uint32_t sizes[] = { 1000, 300000, (1U << 20) - 4 - 40 - 4 - 4 - 2 - 4, 7 };
	unsigned int i, count = 0;
	char path[] = "/tmp/imatap-test-XXXXXX";
	int fd;

	(void)state;
	assert_non_null(buf);
	lb_init(&lb, false);
	for (i = 0; i < 4; i++) {
		struct lb_field f[3] = {
			{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
			{ "/k", 3 },
			{ buf, sizes[i] },
		};

		memset(buf, (int)i + 1, sizes[i]);
		lb_record(&lb, 10, "ima-buf", f, 3, false);
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, lb.data, lb.len), (ssize_t)lb.len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);

	assert_int_equal(ima_binlog_open_fd(&log, fd, false), 0);
	while ((st = ima_binlog_next(&log, &rec, &err)) == IMA_READ_RECORD) {
		assert_int_equal(rec.fields[2].len, sizes[count]);
		assert_int_equal(rec.fields[2].data[0], count + 1);
		assert_int_equal(rec.fields[2].data[sizes[count] - 1],
				 count + 1);
		count++;
	}
	assert_int_equal(st, IMA_READ_END);
	assert_int_equal(count, 4);
	ima_binlog_close(&log);
	close(fd);
	free(buf);
	lb_free(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_log_ends),
		cmocka_unit_test(ima_ng_record_decodes),
		cmocka_unit_test(big_endian_log_decodes),
		cmocka_unit_test(big_endian_read_as_little),
		cmocka_unit_test(little_endian_read_as_big),
		cmocka_unit_test(wrong_order_name_length),
		cmocka_unit_test(incomplete_at_every_byte),
		cmocka_unit_test(pcr_index_out_of_range),
		cmocka_unit_test(template_name_lengths_hostile),
		cmocka_unit_test(template_data_length_hostile),
		cmocka_unit_test(bad_template_names),
		cmocka_unit_test(field_length_past_data),
		cmocka_unit_test(field_length_word_cut),
		cmocka_unit_test(fields_fewer_than_template),
		cmocka_unit_test(fields_more_than_template),
		cmocka_unit_test(empty_template_data),
		cmocka_unit_test(legacy_template_decodes),
		cmocka_unit_test(legacy_name_too_long),
		cmocka_unit_test(legacy_name_with_nul),
		cmocka_unit_test(legacy_incomplete_tail),
		cmocka_unit_test(zero_digest_is_violation),
		cmocka_unit_test(large_records_through_fd),
	};

	return cmocka_run_group_tests_name("binlog", tests, NULL, NULL);
}
