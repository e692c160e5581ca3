// SPDX-License-Identifier: GPL-2.0
/* The ASCII view (as ima_ascii_measurements_show() writes it) and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/binlog.h"
#include "../lib/view.h"
#include "logbuilder.h"

static const uint8_t digest32[32] = { 0xde, 0xad, 0xbe, 0xef };
#define DIGEST32_HEX "deadbeef00000000000000000000000000000000000000000000000000000000"

static struct logbuf lb;
static struct ima_record rec;

/* Build a one-record log and read it into rec. */
static void build(const char *name, const struct lb_field *f,
		  unsigned int count, bool big_endian, bool violation)
{
	struct ima_binlog log;
	struct ima_error err;

	lb_free(&lb);
	lb_init(&lb, big_endian);
	lb_record(&lb, 10, name, f, count, violation);
	ima_binlog_open_mem(&log, lb.data, lb.len, big_endian);
	if (ima_binlog_next(&log, &rec, &err) != IMA_READ_RECORD)
		fail_msg("%s", err.msg);
}

/* Render rec with view; the caller frees the text. */
static char *render(int (*view)(FILE *, const struct ima_record *),
		    size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	assert_non_null(out);
	assert_int_equal(view(out, &rec), 0);
	fclose(out);
	return text;
}

/* The SHA-1 template digest lb_record() logged, in hex. */
static void logged_hex(char *out)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 20; i++) {
		out[2 * i] = digits[rec.digests[0].value[i] >> 4];
		out[2 * i + 1] = digits[rec.digests[0].value[i] & 15];
	}
	out[40] = '\0';
}

static void assert_ascii(const char *fields)
{
	char expected[4096], hex[41];
	size_t len;
	char *text = render(ima_view_ascii, &len);

	logged_hex(hex);
	snprintf(expected, sizeof(expected), "10 %s %s %s\n", hex,
		 rec.template_name, fields);
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(text, expected, len);
	free(text);
}

static void ascii_ima_sig_empty_sig(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/bin/a_b", 9 }, { NULL, 0 },
	};

	(void)state;
	build("ima-sig", f, 3, false, false);
	/* An empty field still prints its space. */
	assert_ascii("sha256:" DIGEST32_HEX " /bin/a_b ");
}

static void ascii_ima_sig_with_sig(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/bin/a", 7 }, { "\x03\x02\xab", 3 },
	};

	(void)state;
	build("ima-sig", f, 3, false, false);
	assert_ascii("sha256:" DIGEST32_HEX " /bin/a 0302ab");
}

static void ascii_ngv2_prefix(void **state)
{
	uint8_t dng[80];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "verity:sha256:", digest32, 32) },
		{ "/v", 3 },
	};

	(void)state;
	build("ima-ngv2", f, 2, false, false);
	assert_ascii("verity:sha256:" DIGEST32_HEX " /v");
}

static void ascii_odd_name_bytes_raw(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/tmp/nl\nname\xff\xfe\x01", 16 },
	};

	(void)state;
	build("ima-ng", f, 2, false, false);
	assert_ascii("sha256:" DIGEST32_HEX " /tmp/nl\nname\xff\xfe\x01");
}

static void ascii_buf_hex(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ ".ima", 5 }, { "\x00\x10\xff", 3 },
	};

	(void)state;
	build("ima-buf", f, 3, false, false);
	assert_ascii("sha256:" DIGEST32_HEX " .ima 0010ff");
}

static void ascii_evm_sig_numbers(void **state)
{
	uint8_t dng[64], lengths[4], uid[4], gid[4], mode[2];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/e", 3 }, { "\x05\x01", 2 }, { "security.ima", 13 },
		{ lengths, 4 }, { "\x03\x04", 2 }, { uid, 4 }, { gid, 4 },
		{ mode, 2 },
	};
	unsigned int order;

	(void)state;
	for (order = 0; order < 2; order++) {
		bool be = order == 1;

		lb_put_u32(lengths, 2, be);
		lb_put_u32(uid, 1000, be);
		lb_put_u32(gid, 70000, be);
		mode[be ? 0 : 1] = 0x81;
		mode[be ? 1 : 0] = 0xa4;
		build("evm-sig", f, 9, be, false);
		assert_ascii(be ?
			     "sha256:" DIGEST32_HEX " /e 0501 security.ima 00000002 0304 1000 70000 33188" :
			     "sha256:" DIGEST32_HEX " /e 0501 security.ima 02000000 0304 1000 70000 33188");
	}
}

static void ascii_empty_modsig_fields(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/m", 3 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
	};

	(void)state;
	build("ima-modsig", f, 5, false, false);
	assert_ascii("sha256:" DIGEST32_HEX " /m   ");
}

static void ascii_violation_and_pcr(void **state)
{
	static const uint8_t zero[32];
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", zero, 32) },
		{ "/etc/x", 7 },
	};
	char *text;
	size_t len;
	const char *expected = " 5 0000000000000000000000000000000000000000 ima-ng sha256:0000000000000000000000000000000000000000000000000000000000000000 /etc/x\n";

	(void)state;
	lb_free(&lb);
	lb_init(&lb, false);
	lb_record(&lb, 5, "ima-ng", f, 2, true);
	{
		struct ima_binlog log;
		struct ima_error err;

		ima_binlog_open_mem(&log, lb.data, lb.len, false);
		assert_int_equal(ima_binlog_next(&log, &rec, &err),
				 IMA_READ_RECORD);
	}
	text = render(ima_view_ascii, &len);
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(text, expected, len);
	free(text);
}

static void ascii_legacy_template(void **state)
{
	struct ima_binlog log;
	struct ima_error err;
	uint8_t d[20];
	char *text, hex[41], expected[256];
	size_t len;

	(void)state;
	memset(d, 0x11, sizeof(d));
	lb_free(&lb);
	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, "/usr/bin/old", false);
	ima_binlog_open_mem(&log, lb.data, lb.len, false);
	assert_int_equal(ima_binlog_next(&log, &rec, &err), IMA_READ_RECORD);
	text = render(ima_view_ascii, &len);
	logged_hex(hex);
	snprintf(expected, sizeof(expected),
		 "10 %s ima 1111111111111111111111111111111111111111 /usr/bin/old\n",
		 hex);
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(text, expected, len);
	free(text);
}

static void json_full_record(void **state)
{
	uint8_t dng[64];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/bin/a", 7 }, { "\x03\x02", 2 },
	};
	char expected[4096], hex[41];
	char *text;
	size_t len;

	(void)state;
	build("ima-sig", f, 3, false, false);
	text = render(ima_view_json, &len);
	logged_hex(hex);
	snprintf(expected, sizeof(expected),
		 "{\"index\":0,\"offset\":0,\"pcr\":10,\"template\":\"ima-sig\","
		 "\"template_fmt\":\"d-ng|n-ng|sig\",\"template_digest\":\"%s\","
		 "\"template_digests\":{\"sha1\":\"%s\"},\"violation\":false,"
		 "\"file_digest\":{\"algorithm\":\"sha256\",\"digest\":\"" DIGEST32_HEX "\"},"
		 "\"name\":\"/bin/a\",\"signature\":\"0302\",\"buffer\":null,"
		 "\"modsig_digest\":null,\"modsig\":null,\"evmsig\":null,"
		 "\"xattr_names\":null,\"xattr_lengths\":null,\"xattr_values\":null,"
		 "\"uid\":null,\"gid\":null,\"mode\":null,\"fields\":["
		 "{\"id\":\"d-ng\",\"data\":\"7368613235363a00" DIGEST32_HEX "\"},"
		 "{\"id\":\"n-ng\",\"data\":\"2f62696e2f6100\"},"
		 "{\"id\":\"sig\",\"data\":\"0302\"}]}\n",
		 hex, hex);
	assert_string_equal(text, expected);
	free(text);
}

/* The "name" or "name_hex" member that JSON writes for a name. */
static void assert_json_name(const char *name, size_t name_len,
			     const char *member)
{
	uint8_t dng[64], buf[300];
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ buf, (uint32_t)name_len + 1 },
	};
	char *text;
	size_t len;

	memcpy(buf, name, name_len);
	buf[name_len] = '\0';
	build("ima-ng", f, 2, false, false);
	text = render(ima_view_json, &len);
	if (!strstr(text, member))
		fail_msg("%s lacks %s", text, member);
	free(text);
}

static void json_name_escapes(void **state)
{
	(void)state;
	assert_json_name("/a\"b\\c", 6, "\"name\":\"/a\\\"b\\\\c\"");
	assert_json_name("/nl\nx\ty\r", 8, "\"name\":\"/nl\\nx\\ty\\r\"");
	assert_json_name("/c\x01\x1f\x7f", 5, "\"name\":\"/c\\u0001\\u001f\\u007f\"");
	assert_json_name("/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80", 15,
			 "\"name\":\"/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80\"");
}

static void json_name_not_utf8(void **state)
{
	(void)state;
	assert_json_name("/bin\xff\xfe", 6, "\"name_hex\":\"2f62696efffe\"");
	/* overlong '/' */
	assert_json_name("/\xc0\xaf", 3, "\"name_hex\":\"2fc0af\"");
	/* UTF-16 surrogate U+D800 */
	assert_json_name("/\xed\xa0\x80", 4, "\"name_hex\":\"2feda080\"");
	/* past U+10FFFF */
	assert_json_name("/\xf4\x90\x80\x80", 5, "\"name_hex\":\"2ff4908080\"");
	/* cut-off sequence at the end */
	assert_json_name("/\xe2\x82", 3, "\"name_hex\":\"2fe282\"");
}

static void json_evm_sig_members(void **state)
{
	uint8_t dng[64], lengths[8], uid[4], gid[4], mode[2] = { 0xa4, 0x81 };
	struct lb_field f[] = {
		{ dng, lb_digest_ng(dng, "sha256:", digest32, 32) },
		{ "/e", 3 }, { "\x05\x01", 2 }, { "security.ima|user.x", 20 },
		{ lengths, 8 }, { "\x03\x04\x05", 3 }, { uid, 4 }, { gid, 4 },
		{ mode, 2 },
	};
	char *text;
	size_t len;

	(void)state;
	lb_put_u32(lengths, 2, false);
	lb_put_u32(lengths + 4, 1, false);
	lb_put_u32(uid, 0, false);
	lb_put_u32(gid, 4294967295U, false);
	build("evm-sig", f, 9, false, false);
	text = render(ima_view_json, &len);
	assert_non_null(strstr(text, "\"evmsig\":\"0501\",\"xattr_names\":\"security.ima|user.x\",\"xattr_lengths\":[2,1],\"xattr_values\":\"030405\",\"uid\":0,\"gid\":4294967295,\"mode\":33188,"));
	free(text);
}

static void json_unknown_template(void **state)
{
	struct lb_field f[] = { { "\x01\x02", 2 } };
	char *text;
	size_t len;

	(void)state;
	build("ima-future", f, 1, false, false);
	text = render(ima_view_json, &len);
	assert_non_null(strstr(text, "\"template\":\"ima-future\",\"template_fmt\":null,"));
	assert_non_null(strstr(text, "\"file_digest\":null,\"name\":null,"));
	assert_non_null(strstr(text, "\"fields\":[{\"id\":null,\"data\":\"0102\"}]}"));
	free(text);
}

static int teardown(void **state)
{
	(void)state;
	lb_free(&lb);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_ima_sig_empty_sig),
		cmocka_unit_test(ascii_ima_sig_with_sig),
		cmocka_unit_test(ascii_ngv2_prefix),
		cmocka_unit_test(ascii_odd_name_bytes_raw),
		cmocka_unit_test(ascii_buf_hex),
		cmocka_unit_test(ascii_evm_sig_numbers),
		cmocka_unit_test(ascii_empty_modsig_fields),
		cmocka_unit_test(ascii_violation_and_pcr),
		cmocka_unit_test(ascii_legacy_template),
		cmocka_unit_test(json_full_record),
		cmocka_unit_test(json_name_escapes),
		cmocka_unit_test(json_name_not_utf8),
		cmocka_unit_test(json_evm_sig_members),
		cmocka_unit_test(json_unknown_template),
	};

	return cmocka_run_group_tests_name("view", tests, NULL, teardown);
}
