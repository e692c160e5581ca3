// SPDX-License-Identifier: GPL-2.0
/*
 * The reference-value loaders: Keylime runtime policies, sha256sum
 * allowlists, exclude files and benchmark sets, good and malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../lib/benchset.h"
#include "../lib/imasig.h"
#include "../lib/refs.h"
#include "logbuilder.h"

#define D1 "3d9f2889d6782537624a4e1a10e68a2ddd53e0ee8bac02676f27308f42ec6bf6"
#define D2 "44c91857f34b1ec68e246ebcbad66c4b9380b41c3490c719bdfd6696ba7b40b5"

static void unhex(const char *hex, uint8_t *out)
{
	size_t i;

	for (i = 0; i < strlen(hex) / 2; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

static bool has(const struct refs_table *t, const char *name, size_t len,
		const char *hex)
{
	const struct refs_slot *s = refs_table_find(t, name, len);
	uint8_t d[64];

	if (!s)
		return false;
	unhex(hex, d);
	return refs_table_has_digest(t, s, d, strlen(hex) / 2);
}

static bool parse_policy(struct refs *r, const char *text,
			 struct ima_error *err)
{
	return refs_parse_policy(r, "p.json", text, strlen(text), err);
}

static void policy_loads_every_member(void **state)
{
	static const char text[] =
		"{\"meta\": {\"version\": 1, \"generator\": 0}, \"release\": 0,\n"
		" \"digests\": {\"/usr/bin/a b\": [\"" D1 "\", \"" D2 "\"],\n"
		"             \"/etc/x\": [\"" D2 "\"]},\n"
		" \"excludes\": [\"/sys/.*\", \"/proc\"],\n"
		" \"keyrings\": {\".ima\": [\"" D1 "\"]},\n"
		" \"ima-buf\": {\"kernel_version\": [\"" D2 "\"]},\n"
		" \"ima\": {\"ignored_keyrings\": [\".evm\"], \"log_hash_alg\": \"sha1\", \"dm_policy\": null},\n"
		" \"verification-keys\": \"\"}\n";
	struct ima_error err = { "" };
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_true(parse_policy(&r, text, &err));
	assert_int_equal(r.files.count, 2);
	assert_true(has(&r.files, "/usr/bin/a_b", 12, D1));
	assert_true(has(&r.files, "/usr/bin/a_b", 12, D2));
	assert_false(has(&r.files, "/usr/bin/a b", 12, D1));
	assert_true(has(&r.files, "/etc/x", 6, D2));
	assert_false(has(&r.files, "/etc/x", 6, D1));
	assert_true(has(&r.keyrings, ".ima", 4, D1));
	assert_true(has(&r.ima_buf, "kernel_version", 14, D2));
	assert_null(refs_table_find(&r.files, ".ima", 4));
	assert_int_equal(r.num_excludes, 2);
	assert_non_null(refs_excluded(&r, "/sys/kernel/x"));
	assert_non_null(refs_excluded(&r, "/proc/1/maps"));
	assert_null(refs_excluded(&r, "/usr/sys/x"));
	assert_true(refs_keyring_ignored(&r, ".evm"));
	assert_false(refs_keyring_ignored(&r, ".ima"));
	refs_free(&r);
}

static char *b64(const uint8_t *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* A Keylime "verification-keys" value with one key, encoded twice. */
static void policy_loads_verification_keys(void **state)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char *der = NULL;
	int der_len = i2d_PUBKEY(pkey, &der);
	char *key_b64 = b64(der, (size_t)der_len), *text;
	struct ima_error err = { "" };
	uint32_t keyid;
	struct refs r;

	(void)state;
	assert_true(imasig_keyid(pkey, &keyid));
	assert_true(asprintf(&text,
		"{\"meta\": {\"version\": 1}, \"verification-keys\": "
		"\"{\\\"ima\\\": \\\"{\\\\\\\"pubkeys\\\\\\\": [\\\\\\\"%s\\\\\\\"], \\\\\\\"keyids\\\\\\\": []}\\\"}\"}",
		key_b64) > 0);
	refs_init(&r);
	assert_true(parse_policy(&r, text, &err));
	assert_int_equal(r.num_keys, 1);
	assert_int_equal(r.keys[0].keyid, keyid);
	assert_int_equal(EVP_PKEY_eq(r.keys[0].pkey, pkey), 1);
	refs_free(&r);
	free(text);
	free(key_b64);
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
}

static char *write_temp(const char *text, size_t len);

/* Write a PEM file with fn and return its path. */
static char *write_pem(int (*fn)(FILE *, void *), void *object)
{
	char *path = strdup("/tmp/imatap-test-key-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	assert_int_equal(fn(f, object), 1);
	fclose(f);
	return path;
}

static int pem_pubkey(FILE *f, void *key)
{
	return PEM_write_PUBKEY(f, key);
}

static int pem_cert(FILE *f, void *cert)
{
	return PEM_write_X509(f, cert);
}

/* A PEM key gets its computed key id; a certificate its SKID's last 4 bytes. */
static void key_files_load(void **state)
{
	static const uint8_t skid[20] = { [16] = 0xde, 0xad, 0xbe, 0xef };
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
	X509 *cert = X509_new();
	struct ima_error err = { "" };
	char *key_path, *cert_path, *bad_path;
	uint32_t keyid;
	struct refs r;

	(void)state;
	assert_true(imasig_keyid(pkey, &keyid));
	assert_int_equal(ASN1_OCTET_STRING_set(id, skid, sizeof(skid)), 1);
	assert_int_equal(X509_set_version(cert, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(cert), 1), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(cert), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(cert), 3600));
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN",
						    MBSTRING_ASC, (const unsigned char *)"ima", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(cert, X509_get_subject_name(cert)), 1);
	assert_int_equal(X509_set_pubkey(cert, pkey), 1);
	assert_int_equal(X509_add1_ext_i2d(cert, NID_subject_key_identifier, id, 0, 0), 1);
	assert_true(X509_sign(cert, pkey, EVP_sha256()) > 0);
	key_path = write_pem(pem_pubkey, pkey);
	cert_path = write_pem(pem_cert, cert);
	bad_path = write_temp("not a key\n", 10);

	refs_init(&r);
	assert_true(refs_load_key(&r, key_path, &err));
	if (!refs_load_key(&r, cert_path, &err))
		fail_msg("%s", err.msg);
	assert_false(refs_load_key(&r, bad_path, &err));
	assert_non_null(strstr(err.msg, bad_path));
	assert_int_equal(r.num_keys, 2);
	assert_int_equal(r.keys[0].keyid, keyid);
	assert_int_equal(r.keys[1].keyid, 0xdeadbeef);
	assert_int_equal(EVP_PKEY_eq(r.keys[1].pkey, pkey), 1);
	refs_free(&r);
	unlink(key_path);
	unlink(cert_path);
	unlink(bad_path);
	free(key_path);
	free(cert_path);
	free(bad_path);
	ASN1_OCTET_STRING_free(id);
	X509_free(cert);
	EVP_PKEY_free(pkey);
}

struct bad_case {
	const char *text;
	const char *where;	/* expected message prefix */
	const char *what;	/* a part of the message */
};

static void policy_rejects_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"meta\": {\"version\": 1},\n \"digests\": {\"/a\": [\"zz\"]}}",
		  "p.json:2:21: ", "invalid digest" },
		{ "{\"meta\": {\"version\": 1},\n \"digests\": {\"/a\": [\"" D1 "\",]}}",
		  "p.json:2:88: ", "expected a value" },
		{ "{\"digests\": {}}", "p.json:1:16: ", "version" },
		{ "{\"meta\": {\"version\": 2}}", "p.json:1:22: ", "version 2" },
		{ "{\"meta\": {\"version\": 1},\n  \"excludes\": [\"/a(\"]}",
		  "p.json:2:16: ", "invalid regular expression" },
		{ "{\"meta\": {\"version\": 1}, \"digests\": {\"/a", "p.json:1:41: ",
		  "unterminated string" },
		{ "{\"meta\": {\"version\": 1}, \"digests\": []}", "p.json:1:37: ",
		  "must be an object" },
		{ "{\"meta\": {\"version\": 1}} x", "p.json:1:26: ", "after the JSON value" },
		{ "{\"meta\": {\"version\": 1}, \"verification-keys\": \"[1]\"}",
		  "p.json:1:47: ", "verification-keys" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ima_error err = { "" };
		struct refs r;

		refs_init(&r);
		assert_false(parse_policy(&r, cases[i].text, &err));
		if (strncmp(err.msg, cases[i].where, strlen(cases[i].where)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i,
				 err.msg, cases[i].where);
		if (!strstr(err.msg, cases[i].what))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
				 cases[i].what);
		refs_free(&r);
	}
}

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/imatap-test-refs-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* A rejected file leaves the values loaded before it untouched. */
static void load_rejects_file_whole(void **state)
{
	static const char good[] = D1 "  /bin/a\n";
	static const char bad[] = D2 "  /bin/b\n" D2 "  /bin/c\nnothex  /bin/d\n";
	char *good_path = write_temp(good, sizeof(good) - 1);
	char *bad_path = write_temp(bad, sizeof(bad) - 1);
	struct ima_error err = { "" };
	uint8_t id[32];
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_true(refs_load(&r, good_path, &err));
	memcpy(id, r.policy_id, sizeof(id));
	assert_false(refs_load(&r, bad_path, &err));
	assert_non_null(strstr(err.msg, ":3:1: invalid digest"));
	assert_int_equal(r.files.count, 1);
	assert_null(refs_table_find(&r.files, "/bin/b", 6));
	assert_memory_equal(r.policy_id, id, sizeof(id));
	assert_int_equal(r.files_loaded, 1);
	refs_free(&r);
	unlink(good_path);
	unlink(bad_path);
	free(good_path);
	free(bad_path);
}

static void allowlist_decodes_escapes(void **state)
{
	static const char text[] =
		"# a comment\n"
		D1 "  /bin/plain\n"
		"\\" D1 "  /tmp/nl\\nname\n"
		"\\" D2 "  /tmp/back\\\\slash\n"
		D2 " */bin/binary mode\n"
		D1 "  /tmp/bin\xff\xfe\n"
		"\n"
		D2 "  /no/newline/at/end";
	struct ima_error err = { "" };
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_true(refs_parse_allowlist(&r, "a.txt", text, sizeof(text) - 1, &err));
	assert_int_equal(r.files.count, 6);
	assert_true(has(&r.files, "/bin/plain", 10, D1));
	assert_true(has(&r.files, "/tmp/nl\nname", 12, D1));
	assert_true(has(&r.files, "/tmp/back\\slash", 15, D2));
	assert_true(has(&r.files, "/bin/binary_mode", 16, D2));
	assert_true(has(&r.files, "/tmp/bin\xff\xfe", 10, D1));
	assert_true(has(&r.files, "/no/newline/at/end", 18, D2));
	refs_free(&r);
}

static void allowlist_rejects_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "abc  /x\n", "a.txt:1:1: ", "invalid digest" },
		{ D1 "\n" D1 " /x\n", "a.txt:1:65: ", "two spaces" },
		{ D1 "  /a\n" D1 "-/x\n", "a.txt:2:1: ", "invalid digest" },
		{ "\\" D1 "  /a\\tb\n", "a.txt:1:70: ", "invalid escape" },
		{ "\\" D1 "  /a\\\n", "a.txt:1:70: ", "backslash ends the line" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ima_error err = { "" };
		struct refs r;

		refs_init(&r);
		assert_false(refs_parse_allowlist(&r, "a.txt", cases[i].text,
						  strlen(cases[i].text), &err));
		if (strncmp(err.msg, cases[i].where, strlen(cases[i].where)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i,
				 err.msg, cases[i].where);
		if (!strstr(err.msg, cases[i].what))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
				 cases[i].what);
		refs_free(&r);
	}
}

static void excludes_anchor_at_start(void **state)
{
	static const char text[] = "# comment\n/var/log/.*\n\n(/tmp|/run)/\n";
	struct ima_error err = { "" };
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_true(refs_parse_excludes(&r, "x.txt", text, sizeof(text) - 1, &err));
	assert_int_equal(r.num_excludes, 2);
	assert_string_equal(r.excludes[1].where, "x.txt:4:1");
	assert_non_null(refs_excluded(&r, "/var/log/syslog"));
	assert_non_null(refs_excluded(&r, "/run/x"));
	assert_null(refs_excluded(&r, "/home/var/log/x"));
	assert_null(refs_excluded(&r, "/usr/tmp/x"));
	refs_free(&r);
}

static void excludes_reject_bad_expression(void **state)
{
	static const char text[] = "/ok\n/also/ok\na)|(b\n";
	struct ima_error err = { "" };
	struct refs r;

	(void)state;
	refs_init(&r);
	assert_false(refs_parse_excludes(&r, "x.txt", text, sizeof(text) - 1, &err));
	assert_non_null(strstr(err.msg, "x.txt:3:1: invalid regular expression"));
	refs_free(&r);
}

/* The literal-prefix shortcut agrees with the expression itself. */
static void excludes_prefix_shortcut(void **state)
{
	static const struct {
		const char *expression;
		const char *path;
		bool excluded;
	} cases[] = {
		{ "/sys/.*", "/sys/kernel", true },
		{ "/sys/.*", "/sy", false },
		{ "/tmpx*/a", "/tmp/a", true },
		{ "/tmpx?/a", "/tmp/a", true },
		{ "/tmpx{0,1}/a", "/tmp/a", true },
		{ "/tmpx+/a", "/tmpxx/a", true },
		{ "/tmpx+/a", "/tmp/a", false },
		{ "/a|/b", "/b/c", true },
		{ "/var/log", "/var/log2", true },
		{ "/var/log$", "/var/log2", false },
		{ "\\/x", "/x", true },
	};
	struct ima_error err = { "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct refs r;
		bool got;

		refs_init(&r);
		assert_true(refs_add_exclude(&r, cases[i].expression, "x:1:1", &err));
		got = refs_excluded(&r, cases[i].path) != NULL;
		if (got != cases[i].excluded)
			fail_msg("\"%s\" on %s: excluded %d, expected %d",
				 cases[i].expression, cases[i].path, got,
				 cases[i].excluded);
		refs_free(&r);
	}
}

/* Runs of quantifiers compile to huge automata in glibc: rejected. */
static void excludes_reject_repeated_quantifier(void **state)
{
	static const char *const bad[] = { "/a++", "/a*{2}", "/a?*", "/b{1,2}+" };
	static const char *const good[] = { "/a[+*]+", "/(a+)+", "\\*+", "/x{1,2}" };
	struct ima_error err = { "" };
	struct refs r;
	size_t i;

	(void)state;
	refs_init(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (refs_add_exclude(&r, bad[i], "x.txt:1:1", &err))
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_non_null(strstr(err.msg, "follows another"));
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!refs_add_exclude(&r, good[i], "x.txt:1:1", &err))
			fail_msg("\"%s\" was rejected: %s", good[i], err.msg);
	assert_int_equal(r.num_excludes, 4);
	refs_free(&r);
}

static void shared_policies_load(void **state)
{
	const char *cases = getenv("IMATAP_CASES");
	char path[1024];
	struct ima_error err = { "" };
	struct refs r;

	(void)state;
	if (!cases || !*cases)
		fail_msg("IMATAP_CASES is not set to the folder of captured logs");
	refs_init(&r);
	snprintf(path, sizeof(path), "%s/../policies/debian61-imasig.runtime-policy.json", cases);
	assert_true(refs_load(&r, path, &err));
	assert_int_equal(r.files.count, 14);
	assert_true(has(&r.files, "/tmp/d/name_with_spaces", 23,
			"73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac"));
	snprintf(path, sizeof(path), "%s/../policies/debian61-imasig.allowlist", cases);
	assert_true(refs_load(&r, path, &err));
	assert_int_equal(r.files.count, 15);
	snprintf(path, sizeof(path), "%s/../policies/debian61-imasig.excludes", cases);
	assert_true(refs_load_excludes(&r, path, &err));
	assert_int_equal(r.num_excludes, 2);
	assert_int_equal(r.files_loaded, 3);
	refs_free(&r);
}

/* Many names: the table grows and finds each with its own digest. */
static void table_holds_many_names(void **state)
{
	struct refs_table t = { 0 };
	uint8_t d[32] = { 0 };
	char name[32];
	unsigned int i, missing = 0, wrong = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		snprintf(name, sizeof(name), "/usr/lib/f%u", i);
		memcpy(d, &i, sizeof(i));
		assert_true(refs_table_add(&t, name, strlen(name), d, 32, true));
	}
	assert_int_equal(t.count, 50000);
	for (i = 0; i < 50000; i++) {
		const struct refs_slot *s;

		snprintf(name, sizeof(name), "/usr/lib/f%u", i);
		memcpy(d, &i, sizeof(i));
		s = refs_table_find(&t, name, strlen(name));
		if (!s)
			missing++;
		else if (!refs_table_has_digest(&t, s, d, 32))
			wrong++;
	}
	assert_int_equal(missing, 0);
	assert_int_equal(wrong, 0);
	assert_null(refs_table_find(&t, "/usr/lib/f50000", 15));
	refs_table_free(&t);
}

static const char set_text[] =
	"{\"imatap-benchmark-set\": 1, \"name\": \"debian12-cis-l1\",\n"
	" \"title\": \"CIS Debian 12 L1\", \"runtime-policy\": \"p.json\",\n"
	" \"controls\": [\n"
	"  {\"id\": \"5.1.1\", \"title\": \"sshd config\", \"category\": \"configuration\",\n"
	"   \"fail-on\": \"warning\",\n"
	"   \"require\": [{\"path\": \"/etc/ssh/sshd config\", \"digests\": [\"" D2 "\"]}]},\n"
	"  {\"id\": \"2.2.1\", \"title\": \"no telnet\", \"forbid\": [\"/usr/bin/telnet\"]}\n"
	" ]}\n";

static void benchset_loads(void **state)
{
	struct ima_error err = { "" };
	struct bench_set set = { 0 };

	(void)state;
	assert_true(bench_set_parse(&set, "s.json", set_text, sizeof(set_text) - 1, &err));
	assert_string_equal(set.name, "debian12-cis-l1");
	assert_string_equal(set.policy, "p.json");
	assert_int_equal(set.num_controls, 2);
	assert_string_equal(set.controls[0].id, "5.1.1");
	assert_int_equal(set.controls[0].category, BENCH_CONFIGURATION);
	assert_int_equal(set.controls[0].fail_on, BENCH_WARNING);
	assert_int_equal(set.controls[0].num_require, 1);
	assert_string_equal(set.controls[0].require[0].path, "/etc/ssh/sshd_config");
	assert_int_equal(set.controls[0].require[0].num_digests, 1);
	assert_int_equal(set.controls[1].category, BENCH_EXECUTABLES);
	assert_int_equal(set.controls[1].fail_on, BENCH_CONTRAINDICATED);
	assert_int_equal(set.controls[1].num_forbid, 1);
	assert_string_equal(set.controls[1].forbid[0], "/usr/bin/telnet");
	bench_set_free(&set);
}

static void benchset_rejects_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"imatap-benchmark-set\": 1, \"name\": \"s\", \"controls\": [\n"
		  "  {\"id\": \"1\", \"title\": \"t\", \"category\": \"kernel\", \"forbid\": [\"/x\"]}]}",
		  "s.json:2:41: ", "invalid \"category\"" },
		{ "{\"imatap-benchmark-set\": 1, \"name\": \"s\", \"controls\": [\n"
		  "  {\"title\": \"t\", \"forbid\": [\"/x\"]}]}",
		  "s.json:2:3: ", "needs \"id\"" },
		{ "{\"imatap-benchmark-set\": 1, \"name\": \"s\", \"controls\": [\n"
		  "  {\"id\": \"1\", \"title\": \"t\", \"require\": [{\"path\": \"/x\", \"digests\": [\"12\"]}]}]}",
		  "s.json:2:68: ", "invalid digest" },
		{ "{\"imatap-benchmark-set\": 2}", "s.json:1:26: ", "format 2" },
		{ "{\"name\": \"s\", \"controls\": []}", "s.json:1:30: ", "needs" },
		{ "{\"imatap-benchmark-set\": 1, \"name\": \"s\", \"extra\": 1}",
		  "s.json:1:42: ", "unknown member" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ima_error err = { "" };
		struct bench_set set = { 0 };

		assert_false(bench_set_parse(&set, "s.json", cases[i].text,
					     strlen(cases[i].text), &err));
		assert_null(set.name);
		if (strncmp(err.msg, cases[i].where, strlen(cases[i].where)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i,
				 err.msg, cases[i].where);
		if (!strstr(err.msg, cases[i].what))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
				 cases[i].what);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_loads_every_member),
		cmocka_unit_test(policy_loads_verification_keys),
		cmocka_unit_test(policy_rejects_malformed),
		cmocka_unit_test(key_files_load),
		cmocka_unit_test(load_rejects_file_whole),
		cmocka_unit_test(allowlist_decodes_escapes),
		cmocka_unit_test(allowlist_rejects_malformed),
		cmocka_unit_test(excludes_anchor_at_start),
		cmocka_unit_test(excludes_reject_bad_expression),
		cmocka_unit_test(excludes_prefix_shortcut),
		cmocka_unit_test(excludes_reject_repeated_quantifier),
		cmocka_unit_test(shared_policies_load),
		cmocka_unit_test(table_holds_many_names),
		cmocka_unit_test(benchset_loads),
		cmocka_unit_test(benchset_rejects_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
