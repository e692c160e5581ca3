// SPDX-License-Identifier: GPL-2.0
/*
 * base64url, the evidence document's JSON encoding and decoding, and the
 * whole-file writes that store evidence.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/b64url.h"
#include "../lib/evidence.h"
#include "../lib/fileio.h"

static void b64url_round_trips_every_length(void **state)
{
	uint8_t data[64], *back = NULL;
	size_t len, back_len, i;
	char *text;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 250);
	for (len = 0; len <= sizeof(data); len++) {
		text = b64url_encode(data, len);
		assert_non_null(text);
		assert_null(strchr(text, '='));
		assert_true(b64url_decode(text, strlen(text), &back, &back_len));
		assert_int_equal(back_len, len);
		assert_memory_equal(back, data, len);
		free(back);
		free(text);
	}
}

static void b64url_uses_url_alphabet(void **state)
{
	static const uint8_t data[] = { 0xfb, 0xff };
	char *text;

	(void)state;
	text = b64url_encode(data, sizeof(data));
	assert_string_equal(text, "-_8");
	free(text);
}

static void b64url_rejects_noncanonical(void **state)
{
	static const char *const bad[] = {
		"AA==",		/* padding */
		"A",		/* length 1 mod 4 */
		"AB+/",		/* standard alphabet */
		"AB",		/* unused bits set: "AA" is 0x00 */
		"AA A",		/* space */
	};
	uint8_t *data;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(b64url_decode(bad[i], strlen(bad[i]), &data, &len));
}

static uint8_t *copy(const char *s, size_t *len)
{
	*len = strlen(s);
	return (uint8_t *)strdup(s);
}

static void fill(struct evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->attest = copy("attest bytes", &ev->attest_len);
	ev->signature = copy("signature", &ev->signature_len);
	ev->pcrs = copy("pcrs", &ev->pcrs_len);
	ev->log = copy("", &ev->log_len);
	ev->batch.first_index = 42;
	ev->batch.entries = 7;
	ev->batch.start_banks = 3;
	memset(ev->batch.start_pcr10[0], 0x11, 20);
	memset(ev->batch.start_pcr10[1], 0x22, 32);
	ev->batch.ak_name_len = 34;
	memset(ev->batch.ak_name, 0x0b, 34);
	strcpy(ev->batch.boot_id, "5f0c4a49-1b53-4b5e-9e49-1f6b9a9d1f77");
	strcpy(ev->batch.kernel_release, "6.1.0-57-amd64");
	strcpy(ev->batch.hostname, "host \"with\" quotes/and\\slashes");
	strcpy(ev->batch.time, "2026-12-04T20:00:00Z");
	strcpy(ev->batch.source, "file");
}

static void evidence_round_trip(void **state)
{
	struct evidence ev, back;
	struct ima_error err;
	char *text;

	(void)state;
	fill(&ev);
	text = evidence_encode(&ev, &err);
	assert_non_null(text);
	assert_true(evidence_decode(text, strlen(text), &back, &err));
	assert_int_equal(back.attest_len, ev.attest_len);
	assert_memory_equal(back.attest, ev.attest, ev.attest_len);
	assert_memory_equal(back.signature, ev.signature, ev.signature_len);
	assert_int_equal(back.log_len, 0);
	assert_int_equal(back.batch.first_index, 42);
	assert_int_equal(back.batch.entries, 7);
	assert_int_equal(back.batch.start_banks, 3);
	assert_memory_equal(back.batch.start_pcr10[1], ev.batch.start_pcr10[1], 32);
	assert_int_equal(back.batch.ak_name_len, 34);
	assert_string_equal(back.batch.hostname, ev.batch.hostname);
	assert_false(back.batch.big_endian);
	evidence_free(&back);
	evidence_free(&ev);
	free(text);
}

/* Encode ev, replace the first occurrence of from with to, and decode. */
static bool decode_edited(const char *from, const char *to,
			  struct ima_error *err)
{
	struct evidence ev, back;
	char *text, *at, *edited;
	bool ok;

	fill(&ev);
	text = evidence_encode(&ev, err);
	assert_non_null(text);
	at = strstr(text, from);
	assert_non_null(at);
	assert_true(asprintf(&edited, "%.*s%s%s", (int)(at - text), text, to,
			     at + strlen(from)) > 0);
	ok = evidence_decode(edited, strlen(edited), &back, err);
	if (ok)
		evidence_free(&back);
	evidence_free(&ev);
	free(text);
	free(edited);
	return ok;
}

static void evidence_rejects_wrong_media_type(void **state)
{
	struct ima_error err;

	(void)state;
	assert_false(decode_edited("vnd.imatap.tpms-attest", "octet-stream", &err));
	assert_non_null(strstr(err.msg, "\"attest\""));
}

static void evidence_rejects_other_indicator(void **state)
{
	struct ima_error err;

	(void)state;
	assert_false(decode_edited(", 4]", ", 8]", &err));
	assert_non_null(strstr(err.msg, "evidence"));
}

static void evidence_rejects_missing_member(void **state)
{
	struct ima_error err;

	(void)state;
	assert_false(decode_edited("\"signature\":", "\"signatures\":", &err));
	assert_non_null(strstr(err.msg, "\"signature\""));
}

static void evidence_rejects_collection_type(void **state)
{
	struct ima_error err;

	(void)state;
	assert_false(decode_edited("imatap.org", "example.org", &err));
	assert_non_null(strstr(err.msg, "__cmwc_t"));
}

static void evidence_rejects_padded_value(void **state)
{
	struct ima_error err;

	(void)state;
	/* "pcrs" encodes as "cGNycw"; padding makes it non-canonical. */
	assert_false(decode_edited("\"cGNycw\"", "\"cGNycw==\"", &err));
	assert_non_null(strstr(err.msg, "base64url"));
}

static void evidence_rejects_trailing_data(void **state)
{
	struct evidence ev, back;
	struct ima_error err;
	char *text, *longer;

	(void)state;
	fill(&ev);
	text = evidence_encode(&ev, &err);
	assert_true(asprintf(&longer, "%s{}", text) > 0);
	assert_false(evidence_decode(longer, strlen(longer), &back, &err));
	assert_non_null(strstr(err.msg, "invalid JSON"));
	evidence_free(&ev);
	free(text);
	free(longer);
}

static void evidence_rejects_every_truncation(void **state)
{
	struct evidence ev, back;
	struct ima_error err;
	char *text;
	size_t len, cut;

	(void)state;
	fill(&ev);
	text = evidence_encode(&ev, &err);
	len = strlen(text);
	/* The document ends with "}\n": every shorter prefix is invalid. */
	for (cut = 0; cut + 1 < len; cut++)
		assert_false(evidence_decode(text, cut, &back, &err));
	evidence_free(&ev);
	free(text);
}

static void evidence_rejects_deep_nesting(void **state)
{
	struct evidence back;
	struct ima_error err;
	char text[256];

	(void)state;
	memset(text, '[', 200);
	text[200] = 0;
	assert_false(evidence_decode(text, strlen(text), &back, &err));
}

/* Count the entries of dir other than "." and "..". */
static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void assert_file_is(const char *path, const char *text)
{
	struct ima_error err;
	uint8_t *data;
	size_t len;

	assert_true(ima_read_file(path, 1024, &data, &len, &err));
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	free(data);
}

static void write_file_replaces_whole(void **state)
{
	char dir[] = "/tmp/imatap-fileio-XXXXXX", path[64];
	struct ima_error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_true(ima_write_file(path, "first version", 13, &err));
	assert_true(ima_write_file(path, "second", 6, &err));
	assert_file_is(path, "second");
	/* No temporary file is left beside it. */
	assert_int_equal(count_entries(dir), 1);
	unlink(path);
	rmdir(dir);
}

static void replace_file_at_durable_in_subdir(void **state)
{
	char dir[] = "/tmp/imatap-fileio-XXXXXX", path[64];
	struct ima_error err;
	int dirfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	assert_true(ima_replace_file_at(dirfd, "sub/x", "data", 4, true,
					&err));
	assert_true(ima_replace_file_at(dirfd, "top", "t", 1, true, &err));
	snprintf(path, sizeof(path), "%s/sub/x", dir);
	assert_file_is(path, "data");
	snprintf(path, sizeof(path), "%s/top", dir);
	assert_file_is(path, "t");
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(count_entries(path), 1);
	assert_int_equal(count_entries(dir), 2);

	assert_int_equal(unlinkat(dirfd, "sub/x", 0), 0);
	assert_int_equal(unlinkat(dirfd, "sub", AT_REMOVEDIR), 0);
	assert_int_equal(unlinkat(dirfd, "top", 0), 0);
	close(dirfd);
	rmdir(dir);
}

static void write_file_missing_dir_fails(void **state)
{
	char dir[] = "/tmp/imatap-fileio-XXXXXX", path[64];
	struct ima_error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing/out", dir);
	assert_false(ima_write_file(path, "x", 1, &err));
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_int_equal(count_entries(dir), 0);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64url_round_trips_every_length),
		cmocka_unit_test(b64url_uses_url_alphabet),
		cmocka_unit_test(b64url_rejects_noncanonical),
		cmocka_unit_test(evidence_round_trip),
		cmocka_unit_test(evidence_rejects_wrong_media_type),
		cmocka_unit_test(evidence_rejects_other_indicator),
		cmocka_unit_test(evidence_rejects_missing_member),
		cmocka_unit_test(evidence_rejects_collection_type),
		cmocka_unit_test(evidence_rejects_padded_value),
		cmocka_unit_test(evidence_rejects_trailing_data),
		cmocka_unit_test(evidence_rejects_every_truncation),
		cmocka_unit_test(evidence_rejects_deep_nesting),
		cmocka_unit_test(write_file_replaces_whole),
		cmocka_unit_test(replace_file_at_durable_in_subdir),
		cmocka_unit_test(write_file_missing_dir_fails),
	};

	return cmocka_run_group_tests_name("evidence", tests, NULL, NULL);
}
