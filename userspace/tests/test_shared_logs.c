// SPDX-License-Identifier: GPL-2.0
/*
 * Logs captured from Debian 12's kernel 6.1 with a software TPM (sha1 and
 * sha256 banks), in $IMATAP_CASES. Each contains 23 entries with two
 * violations. Its PCR values were read before the log was copied, so
 * sha1 matches after entry 20 and sha256 after entry 21.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/binlog.h"
#include "../lib/replay.h"
#include "../lib/view.h"
#include "logbuilder.h"

#define ENTRIES		23
#define VIOLATIONS	2
#define SHA1_MATCH	20
#define SHA256_MATCH	21

static const char *cases_dir(void)
{
	const char *dir = getenv("IMATAP_CASES");

	if (!dir || !*dir)
		fail_msg("IMATAP_CASES is not set to the folder of captured logs");
	return dir;
}

static uint8_t *read_case(const char *folder, const char *file, size_t *len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s/%s", cases_dir(), folder, file);
	return lb_read_file(path, len);
}

struct outcome {
	unsigned int records;
	enum ima_read_status status;
	struct ima_error err;
	struct ima_replay *replay;
	char *ascii;
	size_t ascii_len;
	unsigned int json_lines;
	unsigned int ngv2_ima;		/* records whose d-ngv2 type is "ima" */
};

/* Read a whole log: replay it against ref and render both views. */
static void run_log(const uint8_t *data, size_t len,
		    const struct ima_pcr_set *ref, struct outcome *o)
{
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_file_digest fd;
	char *json = NULL;
	size_t json_len = 0, i;
	FILE *ascii_out, *json_out;

	memset(o, 0, sizeof(*o));
	o->replay = calloc(1, sizeof(*o->replay));
	assert_non_null(o->replay);
	assert_true(ima_replay_init(o->replay, 3, ref, &o->err));
	ascii_out = open_memstream(&o->ascii, &o->ascii_len);
	json_out = open_memstream(&json, &json_len);
	assert_non_null(ascii_out);
	assert_non_null(json_out);

	ima_binlog_open_mem(&log, data, len, false);
	while ((o->status = ima_binlog_next(&log, &rec, &o->err)) ==
	       IMA_READ_RECORD) {
		o->records++;
		assert_true(ima_replay_record(o->replay, &rec, &o->err));
		assert_int_equal(ima_view_ascii(ascii_out, &rec), 0);
		assert_int_equal(ima_view_json(json_out, &rec), 0);
		if (ima_record_file_digest(&rec, IMA_FIELD_D_NGV2, &fd) &&
		    fd.type_len == 3 && memcmp(fd.type, "ima", 3) == 0)
			o->ngv2_ima++;
	}
	fclose(ascii_out);
	fclose(json_out);
	for (i = 0; i < json_len; i++)
		o->json_lines += json[i] == '\n';
	free(json);
}

static void free_outcome(struct outcome *o)
{
	ima_replay_free(o->replay);
	free(o->replay);
	free(o->ascii);
}

static void read_reference(struct ima_pcr_set *ref, const char *folder,
			   bool evmctl_form)
{
	char path[1024];
	struct ima_error err;

	memset(ref, 0, sizeof(*ref));
	if (!evmctl_form) {
		snprintf(path, sizeof(path), "%s/%s/pcrs.txt", cases_dir(),
			 folder);
		assert_true(ima_pcrs_read_file(ref, path, NULL, &err));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/evmctl-pcrs-sha1.txt",
		 cases_dir(), folder);
	assert_true(ima_pcrs_read_file(ref, path, &ima_banks[0], &err));
	snprintf(path, sizeof(path), "%s/%s/evmctl-pcrs-sha256.txt",
		 cases_dir(), folder);
	assert_true(ima_pcrs_read_file(ref, path, &ima_banks[1], &err));
}

static void check_folder(const char *folder, bool evmctl_form)
{
	struct ima_pcr_set *ref = malloc(sizeof(*ref));
	struct outcome o;
	size_t len, ascii_len;
	uint8_t *data = read_case(folder, "binary_runtime_measurements", &len);
	uint8_t *ascii = read_case(folder, "ascii_runtime_measurements",
				   &ascii_len);

	assert_non_null(ref);
	read_reference(ref, folder, evmctl_form);
	run_log(data, len, ref, &o);
	assert_int_equal(o.status, IMA_READ_END);
	assert_int_equal(o.records, ENTRIES);
	assert_int_equal(o.replay->violations, VIOLATIONS);
	assert_int_equal(o.replay->verified, ENTRIES - VIOLATIONS);
	assert_int_equal(o.replay->failed, 0);
	assert_int_equal(o.replay->extended, 1ULL << 10);

	assert_int_equal(ima_replay_matched_style(o.replay, 0),
			 IMA_STYLE_NATIVE);
	assert_int_equal(o.replay->banks[0].chain[0].matched_after, SHA1_MATCH);
	assert_int_equal(ima_replay_matched_style(o.replay, 1),
			 IMA_STYLE_NATIVE);
	assert_int_equal(o.replay->banks[1].chain[0].matched_after,
			 SHA256_MATCH);

	/* The kernel's text file has one more entry after these 23. */
	assert_true(o.ascii_len < ascii_len);
	assert_memory_equal(o.ascii, ascii, o.ascii_len);
	assert_memory_equal(ascii + o.ascii_len, "10 ", 3);
	assert_int_equal(o.json_lines, ENTRIES);
	if (strcmp(folder, "debian61-ngv2") == 0)
		assert_true(o.ngv2_ima > 0);

	free_outcome(&o);
	free(data);
	free(ascii);
	free(ref);
}

static void imasig_log(void **state)
{
	(void)state;
	check_folder("debian61-imasig", false);
}

static void ngv2_log(void **state)
{
	(void)state;
	check_folder("debian61-ngv2", false);
}

static void imang_log(void **state)
{
	(void)state;
	check_folder("debian61-imang", false);
}

static void evmctl_pcr_files(void **state)
{
	(void)state;
	check_folder("debian61-imasig", true);
	check_folder("debian61-ngv2", true);
	check_folder("debian61-imang", true);
}

static void truncated_tail_log(void **state)
{
	struct outcome o;
	size_t len;
	uint8_t *data = read_case("malformed", "truncated-tail.bin", &len);

	(void)state;
	run_log(data, len, NULL, &o);
	assert_int_equal(o.records, ENTRIES - 1);
	assert_int_equal(o.status, IMA_READ_INCOMPLETE);
	assert_non_null(strstr(o.err.msg, "record 22 at byte"));
	assert_non_null(strstr(o.err.msg, "incomplete record"));
	assert_int_equal(o.replay->failed, 0);
	assert_int_equal(o.replay->verified, ENTRIES - 1 - VIOLATIONS);
	free_outcome(&o);
	free(data);
}

static void tampered_entry5_log(void **state)
{
	struct outcome o;
	size_t len;
	uint8_t *data = read_case("malformed", "tampered-entry5.bin", &len);
	struct ima_pcr_set *ref = malloc(sizeof(*ref));

	(void)state;
	assert_non_null(ref);
	read_reference(ref, "debian61-imasig", false);
	run_log(data, len, ref, &o);
	assert_int_equal(o.status, IMA_READ_END);
	assert_int_equal(o.records, ENTRIES);
	assert_int_equal(o.replay->failed, 1);
	assert_int_equal(o.replay->failures[0].index, 5);
	assert_int_equal(o.replay->verified, ENTRIES - VIOLATIONS - 1);

	/* SHA-1 replays the logged digests, which were left alone; sha256
	 * has no logged digest and replays the tampered data. */
	assert_int_equal(ima_replay_matched_style(o.replay, 0),
			 IMA_STYLE_NATIVE);
	assert_int_equal(o.replay->banks[0].chain[0].matched_after, SHA1_MATCH);
	assert_int_equal(ima_replay_matched_style(o.replay, 1),
			 IMA_STYLE_COUNT);
	free_outcome(&o);
	free(data);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imasig_log),
		cmocka_unit_test(ngv2_log),
		cmocka_unit_test(imang_log),
		cmocka_unit_test(evmctl_pcr_files),
		cmocka_unit_test(truncated_tail_log),
		cmocka_unit_test(tampered_entry5_log),
	};

	return cmocka_run_group_tests_name("shared_logs", tests, NULL, NULL);
}
