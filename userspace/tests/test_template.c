// SPDX-License-Identifier: GPL-2.0
/* Templates and template fields: every built-in template, custom and
 * unknown ones, and the format rule of each field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/binlog.h"
#include "../lib/template.h"
#include "logbuilder.h"

static uint8_t sha256_digest[32] = { 0xaa, 0xbb, 0xcc };
static uint8_t dng[64], dngv2[80], dmodsig[64];
static uint32_t dng_len, dngv2_len, dmodsig_len;
static const uint8_t sig[] = { 0x03, 0x02, 0x04, 0xde, 0xad };
static const uint8_t evmsig[] = { 0x05, 0x02, 0x01 };

static int setup(void **state)
{
	(void)state;
	dng_len = lb_digest_ng(dng, "sha256:", sha256_digest, 32);
	dngv2_len = lb_digest_ng(dngv2, "ima:sha256:", sha256_digest, 32);
	dmodsig_len = lb_digest_ng(dmodsig, "sha256:", sha256_digest, 32);
	return 0;
}

/* Build one record and read it back. Returns the read status. */
static enum ima_read_status read_one(const char *name,
				     const struct lb_field *f,
				     unsigned int count, bool big_endian,
				     struct ima_record *rec,
				     struct ima_error *err)
{
	static struct logbuf lb;
	struct ima_binlog log;
	enum ima_read_status st;

	lb_free(&lb);
	lb_init(&lb, big_endian);
	lb_record(&lb, 10, name, f, count, false);
	ima_binlog_open_mem(&log, lb.data, lb.len, big_endian);
	st = ima_binlog_next(&log, rec, err);
	if (st == IMA_READ_RECORD)
		assert_int_equal(ima_binlog_next(&log, rec + 1, err),
				 IMA_READ_END);
	return st;
}

static void expect_ok(const char *name, const struct lb_field *f,
		      unsigned int count, struct ima_record *rec)
{
	struct ima_error err = { "" };

	if (read_one(name, f, count, false, rec, &err) != IMA_READ_RECORD)
		fail_msg("%s: %s", name, err.msg);
	assert_int_equal(rec->num_fields, count);
}

static void expect_rule(const char *name, const struct lb_field *f,
			unsigned int count, const char *text)
{
	struct ima_record rec[2];
	struct ima_error err = { "" };

	assert_int_equal(read_one(name, f, count, false, rec, &err),
			 IMA_READ_MALFORMED);
	if (!strstr(err.msg, text))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, text);
}

static void ima_sig_fields(void **state)
{
	struct ima_record rec[2];
	struct ima_file_digest fd;
	const uint8_t *name;
	size_t len;
	struct lb_field f[] = { { dng, dng_len }, { "/bin/a", 7 },
				{ sig, sizeof(sig) } };

	(void)state;
	expect_ok("ima-sig", f, 3, rec);
	assert_string_equal(rec->template_fmt, "d-ng|n-ng|sig");
	assert_int_equal(rec->fields[2].id, IMA_FIELD_SIG);
	assert_true(ima_record_file_digest(rec, IMA_FIELD_D_NG, &fd));
	assert_int_equal(fd.algo_len, 6);
	assert_memory_equal(fd.algo, "sha256", 6);
	assert_null(fd.type);
	assert_int_equal(fd.len, 32);
	assert_memory_equal(fd.value, sha256_digest, 32);
	assert_true(ima_record_name(rec, &name, &len));
	assert_int_equal(len, 6);
	assert_memory_equal(name, "/bin/a", 6);
}

static void ima_ngv2_and_sigv2_fields(void **state)
{
	struct ima_record rec[2];
	struct ima_file_digest fd;
	uint8_t verity[80];
	struct lb_field f[] = { { dngv2, dngv2_len }, { "/bin/a", 7 },
				{ sig, sizeof(sig) } };

	(void)state;
	expect_ok("ima-ngv2", f, 2, rec);
	assert_true(ima_record_file_digest(rec, IMA_FIELD_D_NGV2, &fd));
	assert_int_equal(fd.type_len, 3);
	assert_memory_equal(fd.type, "ima", 3);
	assert_memory_equal(fd.algo, "sha256", 6);

	f[0].len = lb_digest_ng(verity, "verity:sha256:", sha256_digest, 32);
	f[0].data = verity;
	expect_ok("ima-sigv2", f, 3, rec);
	assert_true(ima_record_file_digest(rec, IMA_FIELD_D_NGV2, &fd));
	assert_int_equal(fd.type_len, 6);
	assert_memory_equal(fd.type, "verity", 6);
}

static void ima_buf_fields(void **state)
{
	struct ima_record rec[2];
	struct lb_field f[] = { { dng, dng_len }, { "kexec-cmdline", 14 },
				{ "root=/dev/vda", 13 } };

	(void)state;
	expect_ok("ima-buf", f, 3, rec);
	assert_int_equal(rec->fields[2].id, IMA_FIELD_BUF);
	assert_int_equal(rec->fields[2].len, 13);
}

static void ima_modsig_fields(void **state)
{
	struct ima_record rec[2];
	struct ima_file_digest fd;
	struct lb_field f[] = { { dng, dng_len }, { "/lib/m.ko", 10 },
				{ NULL, 0 }, { dmodsig, dmodsig_len },
				{ "\x30\x82", 2 } };

	(void)state;
	expect_ok("ima-modsig", f, 5, rec);
	assert_int_equal(rec->fields[3].id, IMA_FIELD_D_MODSIG);
	assert_int_equal(rec->fields[4].id, IMA_FIELD_MODSIG);
	assert_true(ima_record_file_digest(rec, IMA_FIELD_D_MODSIG, &fd));
	assert_int_equal(fd.len, 32);

	/* Without an appended signature both modsig fields are empty. */
	f[3].len = 0;
	f[4].len = 0;
	expect_ok("ima-modsig", f, 5, rec);
	assert_false(ima_record_file_digest(rec, IMA_FIELD_D_MODSIG, &fd));
}

static void evm_sig_fields(void **state)
{
	struct ima_record rec[2];
	uint8_t lengths[8], uid[4], gid[4], mode[2] = { 0xed, 0x81 };
	struct lb_field f[] = {
		{ dng, dng_len }, { "/etc/x", 7 }, { evmsig, sizeof(evmsig) },
		{ "security.ima|security.selinux", 30 }, { lengths, 8 },
		{ "\x03\x01\x02" "abcdefgh", 11 }, { uid, 4 }, { gid, 4 },
		{ mode, 2 },
	};

	(void)state;
	lb_put_u32(lengths, 3, false);
	lb_put_u32(lengths + 4, 8, false);
	lb_put_u32(uid, 1000, false);
	lb_put_u32(gid, 100, false);
	expect_ok("evm-sig", f, 9, rec);
	assert_int_equal(rec->fields[3].id, IMA_FIELD_XATTRNAMES);
	assert_int_equal(rec->fields[6].id, IMA_FIELD_IUID);
	assert_int_equal(rec->fields[8].id, IMA_FIELD_IMODE);

	lb_put_u32(lengths + 4, 9, false);
	expect_rule("evm-sig", f, 9, "xattrlengths add up to 12 bytes but xattrvalues holds 11");
	lb_put_u32(lengths + 4, 8, false);
	f[4].len = 4;
	expect_rule("evm-sig", f, 9, "xattrlengths holds 1 lengths for 2 xattr names");
}

static void custom_template_fmt(void **state)
{
	struct ima_record rec[2];
	uint8_t uid[4] = { 1, 0, 0, 0 };
	uint8_t d[20] = { 9 };
	struct lb_field f[] = { { d, 20 }, { "/short", 7 }, { uid, 4 } };

	(void)state;
	expect_ok("d|n|iuid", f, 3, rec);
	assert_string_equal(rec->template_fmt, "d|n|iuid");
	assert_false(rec->legacy);
	assert_int_equal(rec->fields[0].id, IMA_FIELD_D);
	assert_int_equal(rec->fields[1].id, IMA_FIELD_N);
	assert_int_equal(rec->fields[2].id, IMA_FIELD_IUID);

	/* A single known field id is a one-field format. */
	expect_ok("n-ng", f + 1, 1, rec);
	assert_string_equal(rec->template_fmt, "n-ng");
}

static void unknown_field_kept_raw(void **state)
{
	struct ima_record rec[2];
	struct lb_field f[] = { { dng, dng_len }, { "/x", 3 },
				{ "\x00\x01\x02", 3 } };

	(void)state;
	expect_ok("d-ng|n-ng|newfield", f, 3, rec);
	assert_int_equal(rec->fields[2].id, IMA_FIELD_UNKNOWN);
	assert_string_equal(rec->fields[2].name, "newfield");
	assert_int_equal(rec->fields[2].len, 3);
}

static void unknown_template_kept_raw(void **state)
{
	struct ima_record rec[2];
	struct lb_field f[] = { { "anything", 8 }, { "", 0 },
				{ "\xff", 1 } };

	(void)state;
	expect_ok("ima-future", f, 3, rec);
	assert_string_equal(rec->template_fmt, "");
	assert_int_equal(rec->fields[0].id, IMA_FIELD_UNKNOWN);
	assert_string_equal(rec->fields[0].name, "");
	assert_int_equal(rec->data_len, 4 + 8 + 4 + 4 + 1);
}

static void digest_field_rules(void **state)
{
	uint8_t bad[64];
	struct lb_field f[] = { { bad, 0 }, { "/x", 3 } };

	(void)state;
	memcpy(bad, "sha256", 6);	/* no colon, no NUL */
	f[0].len = 6;
	expect_rule("ima-ng", f, 2, "field 0 (d-ng) has no NUL after its algorithm prefix");
	memcpy(bad, "sha256\0", 7);
	f[0].len = 7 + 32;
	expect_rule("ima-ng", f, 2, "prefix does not end in ':'");
	f[0].len = lb_digest_ng(bad, "sha256:", sha256_digest, 20);
	expect_rule("ima-ng", f, 2, "digest length does not match its algorithm");
	f[0].len = lb_digest_ng(bad, "SHA256:", sha256_digest, 32);
	expect_rule("ima-ng", f, 2, "algorithm name is empty or not [a-z0-9_-]");
	f[0].len = lb_digest_ng(bad, ":", sha256_digest, 32);
	expect_rule("ima-ng", f, 2, "prefix does not end in ':'");
	f[0].len = 0;
	expect_rule("ima-ng", f, 2, "field 0 (d-ng) is empty");
	f[0].len = lb_digest_ng(bad, "sha256:", sha256_digest, 32);
	expect_rule("ima-ngv2", f, 2, "prefix is not <type>:<algorithm>:");
	f[0].len = lb_digest_ng(bad, ":sha256:", sha256_digest, 32);
	expect_rule("ima-ngv2", f, 2, "digest type is empty");

	/* An algorithm the table lacks is accepted at any digest length. */
	f[0].len = lb_digest_ng(bad, "newhash:", sha256_digest, 5);
	{
		struct ima_record rec[2];

		expect_ok("ima-ng", f, 2, rec);
	}
	f[0].data = sha256_digest;
	f[0].len = 19;
	expect_rule("d|n-ng", f, 2, "field 0 (d) is not a 20-byte SHA-1 or 16-byte MD5 digest");
}

static void name_field_rules(void **state)
{
	char longname[258];
	struct lb_field f[] = { { dng, dng_len }, { "/x", 2 } };

	(void)state;
	expect_rule("ima-ng", f, 2, "field 1 (n-ng) is not one NUL-terminated string");
	f[1].data = "/a\0b";
	f[1].len = 5;
	expect_rule("ima-ng", f, 2, "field 1 (n-ng) is not one NUL-terminated string");
	f[1].len = 0;
	expect_rule("ima-ng", f, 2, "field 1 (n-ng) is empty");

	memset(longname, 'a', 256);
	longname[256] = '\0';
	f[1].data = longname;
	f[1].len = 257;
	expect_rule("d-ng|n", f, 2, "field 1 (n) is longer than 255 bytes");
	{
		struct ima_record rec[2];

		expect_ok("ima-ng", f, 2, rec);
	}
}

static void other_field_rules(void **state)
{
	uint8_t three[3] = { 1, 2, 3 };
	struct lb_field f[] = { { dng, dng_len }, { "/x", 3 },
				{ "\x04sig", 4 } };

	(void)state;
	expect_rule("ima-sig", f, 3, "field 2 (sig) does not start with signature type 3, 5 or 6");
	f[2].data = "\x03sig";
	expect_rule("d-ng|n-ng|evmsig", f, 3, "field 2 (evmsig) does not start with signature type 5");
	f[2].data = three;
	f[2].len = 3;
	expect_rule("d-ng|n-ng|iuid", f, 3, "field 2 (iuid) is not empty or 4 bytes");
	expect_rule("d-ng|n-ng|igid", f, 3, "field 2 (igid) is not empty or 4 bytes");
	expect_rule("d-ng|n-ng|imode", f, 3, "field 2 (imode) is not empty or 2 bytes");
	expect_rule("d-ng|n-ng|xattrlengths", f, 3, "is not a list of 4-byte lengths");
	expect_rule("d-ng|n-ng|xattrnames", f, 3, "field 2 (xattrnames) is not one NUL-terminated string");
}

static void field_id_names_round_trip(void **state)
{
	enum ima_field_id id;

	(void)state;
	for (id = IMA_FIELD_D; id <= IMA_FIELD_XATTRVALUES; id++) {
		const char *name = ima_field_id_name(id);

		assert_int_equal(ima_field_id_lookup(name, strlen(name)), id);
	}
	assert_int_equal(ima_field_id_lookup("d-n", 3), IMA_FIELD_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ima_sig_fields),
		cmocka_unit_test(ima_ngv2_and_sigv2_fields),
		cmocka_unit_test(ima_buf_fields),
		cmocka_unit_test(ima_modsig_fields),
		cmocka_unit_test(evm_sig_fields),
		cmocka_unit_test(custom_template_fmt),
		cmocka_unit_test(unknown_field_kept_raw),
		cmocka_unit_test(unknown_template_kept_raw),
		cmocka_unit_test(digest_field_rules),
		cmocka_unit_test(name_field_rules),
		cmocka_unit_test(other_field_rules),
		cmocka_unit_test(field_id_names_round_trip),
	};

	return cmocka_run_group_tests_name("template", tests, setup, NULL);
}
