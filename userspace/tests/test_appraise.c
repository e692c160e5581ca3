// SPDX-License-Identifier: GPL-2.0
/*
 * Appraisal verdicts: the captured debian61-imasig log against its
 * reference values, and each verdict on logs built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "../lib/appraise.h"
#include "../lib/binlog.h"
#include "../lib/imasig.h"
#include "logbuilder.h"

#define ENTRIES 23

static const char *policies_dir(void)
{
	static char dir[1024];
	const char *cases = getenv("IMATAP_CASES");

	if (!cases || !*cases)
		fail_msg("IMATAP_CASES is not set to the folder of captured logs");
	snprintf(dir, sizeof(dir), "%s/../policies", cases);
	return dir;
}

static void load(struct refs *r, const char *file, bool excludes)
{
	struct ima_error err = { "" };
	char path[1200];
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", policies_dir(), file);
	ok = excludes ? refs_load_excludes(r, path, &err) : refs_load(r, path, &err);
	if (!ok)
		fail_msg("%s", err.msg);
}

/* Appraise every record of a log; verdicts[i] is entry i's verdict. */
static void run(const uint8_t *data, size_t len, struct appraise *a,
		enum appraise_verdict *verdicts, size_t max)
{
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;
	enum ima_read_status st;
	size_t n = 0;

	ima_binlog_open_mem(&log, data, len, false);
	while ((st = ima_binlog_next(&log, &rec, &err)) == IMA_READ_RECORD) {
		uint64_t before[VERDICT_COUNT];
		int v;

		memcpy(before, a->counts, sizeof(before));
		assert_true(appraise_record(a, &rec));
		for (v = 0; v < VERDICT_COUNT; v++)
			if (a->counts[v] != before[v] && n < max)
				verdicts[n] = (enum appraise_verdict)v;
		n++;
	}
	assert_int_equal(st, IMA_READ_END);
	assert_true(appraise_finish(a));
	ima_binlog_close(&log);
}

static uint8_t *read_case_log(size_t *len)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/debian61-imasig/binary_runtime_measurements",
		 getenv("IMATAP_CASES"));
	return lb_read_file(path, len);
}

static void expect_verdicts(const enum appraise_verdict *got,
			    const enum appraise_verdict *want)
{
	size_t i;

	for (i = 0; i < ENTRIES; i++)
		if (got[i] != want[i])
			fail_msg("entry %zu: verdict %s, expected %s", i,
				 appraise_verdict_name(got[i]),
				 appraise_verdict_name(want[i]));
}

/* Expected verdicts of debian61-imasig against the JSON policy alone. */
static const enum appraise_verdict json_only[ENTRIES] = {
	VERDICT_MATCH, VERDICT_KEYRING, VERDICT_MATCH, VERDICT_MATCH,
	VERDICT_MATCH, VERDICT_MATCH, VERDICT_UNKNOWN, VERDICT_MATCH,
	VERDICT_VIOLATION, VERDICT_NOT_ALLOWED, VERDICT_VIOLATION,
	VERDICT_UNKNOWN, VERDICT_MATCH, VERDICT_MATCH, VERDICT_MATCH,
	VERDICT_MATCH, VERDICT_MATCH, VERDICT_MATCH, VERDICT_MATCH,
	VERDICT_MATCH, VERDICT_EXCLUDED, VERDICT_EXCLUDED, VERDICT_EXCLUDED,
};

static void case_json_policy_verdicts(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[ENTRIES];
	struct appraise a;
	struct refs r;
	size_t len;
	uint8_t *log = read_case_log(&len);

	(void)state;
	refs_init(&r);
	load(&r, "debian61-imasig.runtime-policy.json", false);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(log, len, &a, got, ENTRIES);
	assert_int_equal(a.entries, ENTRIES);
	expect_verdicts(got, json_only);
	assert_int_equal(a.claims[CLAIM_EXECUTABLES], AR4SI_CONTRAINDICATED);
	assert_string_equal(appraise_status(&a), "contraindicated");
	assert_int_equal(a.num_findings, 5);
	appraise_free(&a);
	refs_free(&r);
	free(log);
}

static void case_all_references_verdicts(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[ENTRIES], want[ENTRIES];
	struct appraise a;
	struct refs r;
	size_t len;
	uint8_t *log = read_case_log(&len);

	(void)state;
	memcpy(want, json_only, sizeof(want));
	want[6] = VERDICT_MATCH;
	refs_init(&r);
	load(&r, "debian61-imasig.runtime-policy.json", false);
	load(&r, "debian61-imasig.allowlist", false);
	load(&r, "debian61-imasig.excludes", true);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(log, len, &a, got, ENTRIES);
	expect_verdicts(got, want);
	appraise_free(&a);
	refs_free(&r);
	free(log);
}

/* With --violations=warn a violation makes a warning, not a failure. */
static void case_violations_warn(void **state)
{
	struct appraise_options opt = { .violations_warn = true };
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;
	struct appraise a;
	struct refs r;
	unsigned int i;
	size_t len;
	uint8_t *data = read_case_log(&len);

	(void)state;
	refs_init(&r);
	load(&r, "debian61-imasig.runtime-policy.json", false);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	/* Entries 0-8 but the unknown file 6: all match but violation 8. */
	ima_binlog_open_mem(&log, data, len, false);
	for (i = 0; i < 9; i++) {
		assert_int_equal(ima_binlog_next(&log, &rec, &err), IMA_READ_RECORD);
		if (i != 6)
			assert_true(appraise_record(&a, &rec));
	}
	ima_binlog_close(&log);
	assert_true(appraise_finish(&a));
	assert_int_equal(a.counts[VERDICT_VIOLATION], 1);
	assert_int_equal(a.num_findings, 1);
	assert_int_equal(a.claims[CLAIM_EXECUTABLES], AR4SI_UNSAFE);
	assert_string_equal(appraise_status(&a), "warning");
	appraise_free(&a);
	refs_free(&r);
	free(data);
}

/* Append an ima-sig record for name with file digest d (sha256). */
static void add_file(struct logbuf *lb, const char *name, const uint8_t *d,
		     const uint8_t *sig, uint32_t sig_len)
{
	uint8_t dng[80];
	struct lb_field f[3] = {
		{ dng, lb_digest_ng(dng, "sha256:", d, 32) },
		{ name, (uint32_t)strlen(name) + 1 },
		{ sig, sig_len },
	};

	lb_record(lb, 10, "ima-sig", f, 3, false);
}

static void add_buf(struct logbuf *lb, const char *name, const void *buf,
		    uint32_t len)
{
	uint8_t d[32], dng[80];
	struct lb_field f[3];

	lb_hash("sha256", buf, len, d);
	f[0].data = dng;
	f[0].len = lb_digest_ng(dng, "sha256:", d, 32);
	f[1].data = name;
	f[1].len = (uint32_t)strlen(name) + 1;
	f[2].data = buf;
	f[2].len = len;
	lb_record(lb, 10, "ima-buf", f, 3, false);
}

static void digest_of(const char *text, uint8_t *d)
{
	lb_hash("sha256", text, strlen(text), d);
}

static void add_ref(struct refs *r, const char *name, const char *content)
{
	uint8_t d[32];

	digest_of(content, d);
	assert_true(refs_table_add(&r->files, name, strlen(name), d, 32, true));
}

/* A zero file digest never matches, even a listed digest of zeros. */
static void zero_digest_is_measurement_failed(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[1];
	uint8_t zero[32] = { 0 };
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_true(refs_table_add(&r.files, "/bin/busybox", 12, zero, 32, false));
	lb_init(&lb, false);
	add_file(&lb, "/bin/busybox", zero, NULL, 0);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 1);
	assert_int_equal(got[0], VERDICT_MEASUREMENT_FAILED);
	assert_int_equal(a.claims[CLAIM_EXECUTABLES], AR4SI_UNSAFE);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

/* ima-buf names are looked up among keyrings and ima-buf, never paths. */
static void buffers_use_their_own_namespace(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[3];
	struct logbuf lb;
	struct appraise a;
	struct refs r;
	uint8_t d[32];

	(void)state;
	refs_init(&r);
	/* The key's digest listed under a file path of the same name. */
	lb_hash("sha256", "key", 3, d);
	assert_true(refs_table_add(&r.files, ".ima", 4, d, 32, false));
	lb_hash("sha256", "6.1.0", 5, d);
	assert_true(refs_table_add(&r.ima_buf, "kernel_version", 14, d, 32, false));
	lb_hash("sha256", "other key", 9, d);
	assert_true(refs_table_add(&r.keyrings, ".builtin_trusted_keys", 21, d, 32, false));
	lb_init(&lb, false);
	add_buf(&lb, ".ima", "key", 3);
	add_buf(&lb, "kernel_version", "6.1.0", 5);
	add_buf(&lb, ".builtin_trusted_keys", "key", 3);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 3);
	assert_int_equal(got[0], VERDICT_UNKNOWN);
	assert_int_equal(got[1], VERDICT_MATCH);
	assert_int_equal(got[2], VERDICT_NOT_ALLOWED);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

static void ignored_keyring_is_excluded(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[1];
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	refs_init(&r);
	r.ignored_keyrings = malloc(sizeof(char *));
	r.ignored_keyrings[0] = strdup(".ima");
	r.num_ignored = 1;
	lb_init(&lb, false);
	add_buf(&lb, ".ima", "key", 3);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 1);
	assert_int_equal(got[0], VERDICT_EXCLUDED);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

/* Build an IMA digsig v2 over digest: the kernel's signature_v2_hdr. */
static size_t sign_digest(EVP_PKEY *key, uint32_t keyid, const uint8_t *d,
			  uint8_t *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	size_t sig_len = 512;

	assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
	assert_true(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0);
	assert_int_equal(EVP_PKEY_sign(ctx, out + 9, &sig_len, d, 32), 1);
	EVP_PKEY_CTX_free(ctx);
	out[0] = 3;		/* EVM_IMA_XATTR_DIGSIG */
	out[1] = 2;		/* version 2 */
	out[2] = 4;		/* HASH_ALGO_SHA256 */
	out[3] = (uint8_t)(keyid >> 24);
	out[4] = (uint8_t)(keyid >> 16);
	out[5] = (uint8_t)(keyid >> 8);
	out[6] = (uint8_t)keyid;
	out[7] = (uint8_t)(sig_len >> 8);
	out[8] = (uint8_t)sig_len;
	return sig_len + 9;
}

static void signature_verdicts(void **state)
{
	EVP_PKEY *keys[2] = {
		EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048),
		EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"),
	};
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[4];
	uint8_t d[32], sig_rsa[600], sig_ec[200];
	uint32_t id_rsa, id_ec;
	size_t rsa_len, ec_len;
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	assert_true(imasig_keyid(keys[0], &id_rsa));
	assert_true(imasig_keyid(keys[1], &id_ec));
	digest_of("signed file", d);
	rsa_len = sign_digest(keys[0], id_rsa, d, sig_rsa);
	ec_len = sign_digest(keys[1], id_ec, d, sig_ec);

	refs_init(&r);
	assert_true(imasig_add_key(&r, keys[0], id_rsa));
	lb_init(&lb, false);
	add_file(&lb, "/usr/bin/signed", d, sig_rsa, (uint32_t)rsa_len);
	add_file(&lb, "/usr/bin/ec-signed", d, sig_ec, (uint32_t)ec_len);
	sig_rsa[rsa_len - 1] ^= 1;
	add_file(&lb, "/usr/bin/tampered", d, sig_rsa, (uint32_t)rsa_len);
	add_file(&lb, "/usr/bin/unsigned", d, NULL, 0);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 4);
	assert_int_equal(got[0], VERDICT_SIGNATURE);
	/* No key with the EC key's id: falls back to the digest lists. */
	assert_int_equal(got[1], VERDICT_UNKNOWN);
	assert_non_null(strstr(a.findings[0].reason, "no key with key id"));
	assert_int_equal(got[2], VERDICT_UNKNOWN);
	assert_non_null(strstr(a.findings[1].reason, "does not verify"));
	assert_int_equal(got[3], VERDICT_UNKNOWN);
	appraise_free(&a);

	assert_true(imasig_add_key(&r, keys[1], id_ec));
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 4);
	assert_int_equal(got[1], VERDICT_SIGNATURE);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

/* A template without file digest and name cannot be judged. */
static void unknown_template_is_indeterminate(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[1];
	struct lb_field f[1] = { { "x", 1 } };
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	refs_init(&r);
	lb_init(&lb, false);
	lb_record(&lb, 10, "my-template", f, 1, false);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 1);
	assert_int_equal(got[0], VERDICT_INDETERMINATE);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

static const char set_text[] =
	"{\"imatap-benchmark-set\": 1, \"name\": \"test-set\", \"controls\": [\n"
	" {\"id\": \"5.2.1\", \"title\": \"sshd config\", \"category\": \"configuration\",\n"
	"  \"fail-on\": \"warning\",\n"
	"  \"require\": [{\"path\": \"/etc/ssh/sshd_config\", \"digests\": [\"%s\"]}]},\n"
	" {\"id\": \"2.1\", \"title\": \"no nc\", \"forbid\": [\"/usr/bin/nc\"]},\n"
	" {\"id\": \"1.1\", \"title\": \"fstab\", \"category\": \"file-system\",\n"
	"  \"require\": [{\"path\": \"/etc/fstab\", \"digests\": [\"%s\"]}]}]}";

static void load_set(struct bench_set *set)
{
	uint8_t d[32];
	char hex1[65], hex2[65], *text;
	struct ima_error err = { "" };
	int i;

	digest_of("good sshd", d);
	for (i = 0; i < 32; i++)
		sprintf(hex1 + 2 * i, "%02x", d[i]);
	digest_of("fstab", d);
	for (i = 0; i < 32; i++)
		sprintf(hex2 + 2 * i, "%02x", d[i]);
	assert_true(asprintf(&text, set_text, hex1, hex2) > 0);
	if (!bench_set_parse(set, "set.json", text, strlen(text), &err))
		fail_msg("%s", err.msg);
	free(text);
}

/*
 * Two batches with a settlement after each: a required path measured in
 * the second batch clears the warning the first settlement gave.
 */
static void finish_again_after_more_records(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[2];
	struct bench_set set = { 0 };
	uint8_t d[32];
	struct logbuf first, second;
	struct appraise a;
	struct refs r;

	(void)state;
	load_set(&set);
	refs_init(&r);
	lb_init(&first, false);
	lb_init(&second, false);
	digest_of("fstab", d);
	add_file(&first, "/etc/fstab", d, NULL, 0);
	digest_of("good sshd", d);
	add_file(&second, "/etc/ssh/sshd_config", d, NULL, 0);
	assert_true(appraise_init(&a, &r, &set, &opt));

	run(first.data, first.len, &a, got, 1);
	assert_int_equal(a.controls[0].status, BENCH_WARNING);
	assert_non_null(a.controls[0].reason);
	assert_int_equal(a.claims[CLAIM_CONFIGURATION], AR4SI_UNSAFE);
	assert_string_equal(appraise_status(&a), "warning");

	run(second.data, second.len, &a, got, 1);
	assert_int_equal(got[0], VERDICT_MATCH);
	assert_int_equal(a.entries, 2);
	assert_int_equal(a.controls[0].status, BENCH_AFFIRMING);
	assert_null(a.controls[0].reason);
	assert_int_equal(a.claims[CLAIM_CONFIGURATION], AR4SI_APPROVED);
	assert_string_equal(appraise_status(&a), "affirming");
	appraise_free(&a);
	bench_set_free(&set);
	lb_free(&first);
	lb_free(&second);
	refs_free(&r);
}

/* A changed configuration file, then restored; a forbidden program. */
static void set_controls_and_restored_files(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[5];
	struct bench_set set = { 0 };
	uint8_t d[32];
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	load_set(&set);
	refs_init(&r);
	add_ref(&r, "/usr/bin/nc", "nc");
	lb_init(&lb, false);
	digest_of("bad sshd", d);
	add_file(&lb, "/etc/ssh/sshd_config", d, NULL, 0);
	digest_of("good sshd", d);
	add_file(&lb, "/etc/ssh/sshd_config", d, NULL, 0);
	digest_of("nc", d);
	add_file(&lb, "/usr/bin/nc", d, NULL, 0);
	digest_of("unknown", d);
	add_file(&lb, "/usr/local/bin/x", d, NULL, 0);
	assert_true(appraise_init(&a, &r, &set, &opt));
	run(lb.data, lb.len, &a, got, 4);
	assert_int_equal(got[0], VERDICT_NOT_ALLOWED);
	assert_int_equal(got[1], VERDICT_MATCH);
	assert_int_equal(got[2], VERDICT_DENIED);
	assert_int_equal(got[3], VERDICT_UNKNOWN);
	assert_true(a.findings[0].currently_good);
	assert_false(a.findings[1].currently_good);
	/* 5.2.1: bad since boot, good now, fails on warnings. */
	assert_int_equal(a.controls[0].status, BENCH_WARNING);
	assert_true(a.controls[0].failed);
	assert_int_equal(a.controls[1].status, BENCH_CONTRAINDICATED);
	assert_true(a.controls[1].failed);
	/* 1.1: /etc/fstab was never measured. */
	assert_int_equal(a.controls[2].status, BENCH_WARNING);
	assert_false(a.controls[2].failed);
	/* The claim keeps what was loaded since boot: the bad config. */
	assert_int_equal(a.claims[CLAIM_CONFIGURATION], AR4SI_CONTRAINDICATED);
	assert_int_equal(a.claims[CLAIM_EXECUTABLES], AR4SI_CONTRAINDICATED);
	assert_int_equal(a.claims[CLAIM_FILE_SYSTEM], AR4SI_UNSAFE);
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
	bench_set_free(&set);
}

/* Every claim is 99 when the evidence failed, even if entries passed. */
static void failed_evidence_sets_crypto_failed(void **state)
{
	struct appraise_options opt = { 0 };
	enum appraise_verdict got[1];
	uint8_t d[32];
	struct logbuf lb;
	struct appraise a;
	struct refs r;
	int c;

	(void)state;
	refs_init(&r);
	add_ref(&r, "/bin/sh", "sh");
	lb_init(&lb, false);
	digest_of("sh", d);
	add_file(&lb, "/bin/sh", d, NULL, 0);
	assert_true(appraise_init(&a, &r, NULL, &opt));
	appraise_evidence_failed(&a, "signature", "the quote signature does not verify");
	run(lb.data, lb.len, &a, got, 1);
	assert_int_equal(got[0], VERDICT_MATCH);
	for (c = 0; c < CLAIM_COUNT; c++)
		assert_int_equal(a.claims[c], AR4SI_CRYPTO_FAILED);
	assert_string_equal(appraise_status(&a), "contraindicated");
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

/* boot_aggregate against the SHA-256 of quoted PCRs 0-9. */
static void boot_aggregate_checks_quoted_pcrs(void **state)
{
	struct appraise_options opt = { 0 };
	struct ima_pcr_set pcrs;
	enum appraise_verdict got[2];
	uint8_t concat[10 * 32], agg[32], other[32];
	unsigned int b = ima_bank_index(ima_bank_by_name("sha256", 6)), i;
	struct logbuf lb;
	struct appraise a;
	struct refs r;

	(void)state;
	memset(&pcrs, 0, sizeof(pcrs));
	for (i = 0; i < 10; i++) {
		pcrs.have[b][i] = true;
		memset(pcrs.value[b][i], (int)i + 1, 32);
		memcpy(concat + 32 * i, pcrs.value[b][i], 32);
	}
	SHA256(concat, sizeof(concat), agg);
	memcpy(other, agg, 32);
	other[0] ^= 1;
	refs_init(&r);
	lb_init(&lb, false);
	add_file(&lb, "boot_aggregate", agg, NULL, 0);
	add_file(&lb, "boot_aggregate", other, NULL, 0);
	opt.quoted = &pcrs;
	assert_true(appraise_init(&a, &r, NULL, &opt));
	run(lb.data, lb.len, &a, got, 2);
	assert_int_equal(got[0], VERDICT_MATCH);
	assert_int_equal(got[1], VERDICT_NOT_ALLOWED);
	assert_non_null(strstr(a.findings[0].reason, "quoted PCRs 0-9"));
	appraise_free(&a);
	lb_free(&lb);
	refs_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(case_json_policy_verdicts),
		cmocka_unit_test(case_all_references_verdicts),
		cmocka_unit_test(case_violations_warn),
		cmocka_unit_test(zero_digest_is_measurement_failed),
		cmocka_unit_test(buffers_use_their_own_namespace),
		cmocka_unit_test(ignored_keyring_is_excluded),
		cmocka_unit_test(signature_verdicts),
		cmocka_unit_test(unknown_template_is_indeterminate),
		cmocka_unit_test(set_controls_and_restored_files),
		cmocka_unit_test(finish_again_after_more_records),
		cmocka_unit_test(failed_evidence_sets_crypto_failed),
		cmocka_unit_test(boot_aggregate_checks_quoted_pcrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
