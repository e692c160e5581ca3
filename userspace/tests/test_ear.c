// SPDX-License-Identifier: GPL-2.0
/* EAR claims and their ES256 JWS: encoding, signing and verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../lib/b64url.h"
#include "../lib/ear.h"
#include "../lib/jws.h"

static const uint8_t policy_id[32] = { 0xab, 0xcd };
static const uint8_t nonce[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static json_object *member(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("claim \"%s\" is missing", key);
	return v;
}

static char *encode(const int *claims)
{
	struct ear_params p = {
		.iat = 1700000000, .nonce = nonce, .nonce_len = sizeof(nonce),
		.policy_id = policy_id,
	};
	struct ima_error err = { "" };
	struct appraise a;
	char *json;

	memset(&a, 0, sizeof(a));
	memcpy(a.claims, claims, sizeof(a.claims));
	json = ear_encode(&a, &p, &err);
	if (!json)
		fail_msg("%s", err.msg);
	return json;
}

static void ear_has_veraison_claims(void **state)
{
	const int claims[CLAIM_COUNT] = {
		[CLAIM_CONFIGURATION] = AR4SI_CONTRAINDICATED,
		[CLAIM_EXECUTABLES] = AR4SI_UNRECOGNIZED_RT,
	};
	char *json = encode(claims), *nonce_b64 = b64url_encode(nonce, sizeof(nonce));
	json_object *root = json_tokener_parse(json), *sub, *tv, *v;

	(void)state;
	assert_non_null(root);
	assert_string_equal(json_object_get_string(member(root, "eat_profile")),
			    "tag:github.com,2023:veraison/ear");
	assert_int_equal(json_object_get_int64(member(root, "iat")), 1700000000);
	assert_string_equal(json_object_get_string(member(root, "eat_nonce")), nonce_b64);
	v = member(root, "ear.verifier-id");
	assert_true(json_object_is_type(member(v, "developer"), json_type_string));
	assert_true(json_object_is_type(member(v, "build"), json_type_string));
	sub = member(member(root, "submods"), EAR_SUBMOD);
	assert_string_equal(json_object_get_string(member(sub, "ear.status")),
			    "contraindicated");
	assert_string_equal(json_object_get_string(member(sub, "ear.appraisal-policy-id")),
			    "sha256:abcd000000000000000000000000000000000000000000000000000000000000");
	tv = member(sub, "ear.trustworthiness-vector");
	assert_int_equal(json_object_get_int(member(tv, "configuration")), 96);
	assert_int_equal(json_object_get_int(member(tv, "executables")), 33);
	assert_false(json_object_object_get_ex(tv, "file-system", NULL));
	json_object_put(root);
	free(nonce_b64);
	free(json);
}

static void ear_status_follows_worst_tier(void **state)
{
	static const struct {
		int claims[CLAIM_COUNT];
		const char *status;
	} cases[] = {
		{ { [CLAIM_EXECUTABLES] = 2 }, "affirming" },
		{ { [CLAIM_EXECUTABLES] = 2, [CLAIM_FILE_SYSTEM] = 32 }, "warning" },
		{ { [CLAIM_EXECUTABLES] = 33, [CLAIM_CONFIGURATION] = 96 }, "contraindicated" },
		{ { 99, 99, 99 }, "contraindicated" },
	};
	struct ima_error err = { "" };
	struct ear_summary s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *json = encode(cases[i].claims);

		assert_true(ear_decode(json, strlen(json), &s, &err));
		assert_string_equal(s.status, cases[i].status);
		free(json);
	}
}

static void ear_decode_rejects_wrong_status(void **state)
{
	static const char json[] =
		"{\"eat_profile\":\"tag:github.com,2023:veraison/ear\",\"iat\":1,"
		"\"ear.verifier-id\":{},\"submods\":{\"imatap\":{\"ear.status\":\"affirming\","
		"\"ear.trustworthiness-vector\":{\"executables\":96}}}}";
	static const char other_profile[] =
		"{\"eat_profile\":\"tag:example.com,2023:x\",\"iat\":1}";
	struct ima_error err = { "" };
	struct ear_summary s;

	(void)state;
	assert_false(ear_decode(json, sizeof(json) - 1, &s, &err));
	assert_non_null(strstr(err.msg, "worst tier"));
	assert_false(ear_decode(other_profile, sizeof(other_profile) - 1, &s, &err));
	assert_non_null(strstr(err.msg, "eat_profile"));
}

static char *write_key(EVP_PKEY *key, bool private_key)
{
	char *path = strdup("/tmp/imatap-test-ear-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	if (private_key)
		assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_PUBKEY(f, key), 1);
	fclose(f);
	return path;
}

struct keys {
	EVP_PKEY *sign;
	EVP_PKEY *verify;
	EVP_PKEY *other;
	char *paths[3];
};

static int keys_setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	EVP_PKEY *gen = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct ima_error err = { "" };

	k->paths[0] = write_key(gen, true);
	k->paths[1] = write_key(gen, false);
	k->paths[2] = write_key(other, false);
	k->sign = jws_load_key(k->paths[0], true, &err);
	k->verify = jws_load_key(k->paths[1], false, &err);
	k->other = jws_load_key(k->paths[2], false, &err);
	EVP_PKEY_free(gen);
	EVP_PKEY_free(other);
	*state = k;
	return k->sign && k->verify && k->other ? 0 : -1;
}

static int keys_teardown(void **state)
{
	struct keys *k = *state;
	int i;

	EVP_PKEY_free(k->sign);
	EVP_PKEY_free(k->verify);
	EVP_PKEY_free(k->other);
	for (i = 0; i < 3; i++) {
		unlink(k->paths[i]);
		free(k->paths[i]);
	}
	free(k);
	return 0;
}

static void jws_round_trip(void **state)
{
	static const char payload[] = "{\"eat_profile\":\"x\"}";
	struct keys *k = *state;
	struct ima_error err = { "" };
	char *token = NULL, *out = NULL, *header;
	size_t out_len = 0;

	assert_true(jws_sign_es256(k->sign, payload, sizeof(payload) - 1, &token, &err));
	header = b64url_encode((const uint8_t *)"{\"alg\":\"ES256\",\"typ\":\"JWT\"}", 27);
	assert_int_equal(strncmp(token, header, strlen(header)), 0);
	assert_true(jws_verify_es256(k->verify, token, strlen(token), &out, &out_len, &err));
	assert_string_equal(out, payload);
	assert_int_equal(out_len, sizeof(payload) - 1);
	free(out);
	free(header);
	free(token);
}

/* Change one character of each part in turn, and the key. */
static void jws_rejects_tampered_token(void **state)
{
	static const char payload[] = "{\"ear.status\":\"contraindicated\"}";
	struct keys *k = *state;
	struct ima_error err = { "" };
	char *token = NULL, *copy, *out = NULL;
	size_t out_len, len, positions[3], i;

	assert_true(jws_sign_es256(k->sign, payload, sizeof(payload) - 1, &token, &err));
	len = strlen(token);
	positions[0] = 5;
	positions[1] = (size_t)(strchr(token, '.') - token) + 3;
	positions[2] = len - 5;
	for (i = 0; i < 3; i++) {
		copy = strdup(token);
		copy[positions[i]] = copy[positions[i]] == 'A' ? 'B' : 'A';
		assert_false(jws_verify_es256(k->verify, copy, len, &out, &out_len, &err));
		assert_null(out);
		free(copy);
	}
	assert_false(jws_verify_es256(k->other, token, len, &out, &out_len, &err));
	assert_non_null(strstr(err.msg, "does not verify"));
	free(token);
}

/* alg "none" and any other algorithm are rejected without a try. */
static void jws_rejects_other_algorithms(void **state)
{
	struct keys *k = *state;
	struct ima_error err = { "" };
	char *h = b64url_encode((const uint8_t *)"{\"alg\":\"none\"}", 14);
	char *p = b64url_encode((const uint8_t *)"{}", 2), *token, *out = NULL;
	size_t out_len;

	assert_true(asprintf(&token, "%s.%s.", h, p) > 0);
	assert_false(jws_verify_es256(k->verify, token, strlen(token), &out, &out_len, &err));
	assert_non_null(strstr(err.msg, "ES256"));
	free(token);
	free(h);
	free(p);
}

static void jws_key_must_be_p256(void **state)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	char *path = write_key(rsa, true);
	struct ima_error err = { "" };

	(void)state;
	assert_null(jws_load_key(path, true, &err));
	assert_non_null(strstr(err.msg, "P-256"));
	unlink(path);
	free(path);
	EVP_PKEY_free(rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ear_has_veraison_claims),
		cmocka_unit_test(ear_status_follows_worst_tier),
		cmocka_unit_test(ear_decode_rejects_wrong_status),
		cmocka_unit_test(jws_round_trip),
		cmocka_unit_test(jws_rejects_tampered_token),
		cmocka_unit_test(jws_rejects_other_algorithms),
		cmocka_unit_test(jws_key_must_be_p256),
	};

	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
