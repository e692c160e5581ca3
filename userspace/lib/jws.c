// SPDX-License-Identifier: GPL-2.0
/* Compact JWS with ES256. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "b64url.h"
#include "fileio.h"
#include "jws.h"

#define JWS_HEADER	"{\"alg\":\"ES256\",\"typ\":\"JWT\"}"
#define ES256_COORD	32	/* bytes of r and of s */

static void openssl_error(struct ima_error *err, const char *what)
{
	unsigned long e = ERR_get_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: %s", what,
		      reason ? reason : "no reason given");
	ERR_clear_error();
}

EVP_PKEY *jws_load_key(const char *path, bool private_key,
		       struct ima_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	char curve[64];
	size_t curve_len = 0;

	if (!ima_read_file(path, 1 << 20, &data, &len, err))
		return NULL;
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio)
		pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!pkey && !private_key && bio) {
		ERR_clear_error();
		BIO_free(bio);
		bio = BIO_new_mem_buf(data, (int)len);
		if (bio)
			pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	if (!pkey) {
		char what[4200];

		snprintf(what, sizeof(what), "%s: not a PEM %s key", path,
			 private_key ? "private" : "public or private");
		openssl_error(err, what);
		goto out;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
					    curve, sizeof(curve), &curve_len) ||
	    strcmp(curve, "prime256v1") != 0) {
		ERR_clear_error();
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: ES256 needs a P-256 (prime256v1) EC key; create one with 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256'",
			      path);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	BIO_free(bio);
	free(data);
	return pkey;
}

/* Convert a DER ECDSA-Sig-Value to r || s of 32 bytes each. */
static bool der_to_raw(const uint8_t *der, size_t len, uint8_t *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *s;
	bool ok;

	if (!sig)
		return false;
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, raw, ES256_COORD) == ES256_COORD &&
	     BN_bn2binpad(s, raw + ES256_COORD, ES256_COORD) == ES256_COORD;
	ECDSA_SIG_free(sig);
	return ok;
}

static int raw_to_der(const uint8_t *raw, unsigned char **der)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, ES256_COORD, NULL);
	BIGNUM *s = BN_bin2bn(raw + ES256_COORD, ES256_COORD, NULL);
	int len = -1;

	if (sig && r && s && ECDSA_SIG_set0(sig, r, s)) {
		r = s = NULL;
		len = i2d_ECDSA_SIG(sig, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return len;
}

bool jws_sign_es256(EVP_PKEY *key, const char *payload, size_t len,
		    char **token, struct ima_error *err)
{
	char *header = b64url_encode((const uint8_t *)JWS_HEADER,
				     strlen(JWS_HEADER));
	char *body = b64url_encode((const uint8_t *)payload, len);
	char *input = NULL, *sig_b64 = NULL;
	uint8_t der[80], raw[2 * ES256_COORD];
	size_t der_len = sizeof(der);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = false;

	*token = NULL;
	if (!header || !body || !ctx ||
	    asprintf(&input, "%s.%s", header, body) < 0) {
		input = NULL;
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, der, &der_len, (const uint8_t *)input,
			   strlen(input)) != 1) {
		openssl_error(err, "signing the EAR with ES256 failed");
		goto out;
	}
	if (!der_to_raw(der, der_len, raw)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "OpenSSL returned an ECDSA signature that is not P-256");
		goto out;
	}
	sig_b64 = b64url_encode(raw, sizeof(raw));
	if (!sig_b64 || asprintf(token, "%s.%s", input, sig_b64) < 0) {
		*token = NULL;
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	free(header);
	free(body);
	free(input);
	free(sig_b64);
	return ok;
}

/* The header must be a JSON object whose "alg" is exactly "ES256". */
static bool check_header(const uint8_t *json, size_t len,
			 struct ima_error *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj = tok ? json_tokener_parse_ex(tok, (const char *)json,
						       (int)len) : NULL;
	json_object *alg;
	bool ok = obj && json_object_is_type(obj, json_type_object) &&
		  json_object_object_get_ex(obj, "alg", &alg) &&
		  json_object_is_type(alg, json_type_string) &&
		  strcmp(json_object_get_string(alg), "ES256") == 0 &&
		  !json_object_object_get_ex(obj, "crit", NULL);

	if (!ok)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the JWS header is not a JSON object with \"alg\": \"ES256\" (and without \"crit\")");
	json_object_put(obj);
	json_tokener_free(tok);
	return ok;
}

bool jws_verify_es256(EVP_PKEY *key, const char *token, size_t token_len,
		      char **payload, size_t *payload_len,
		      struct ima_error *err)
{
	const char *dot1, *dot2;
	uint8_t *header = NULL, *body = NULL, *sig = NULL;
	size_t header_len, body_len, sig_len;
	unsigned char *der = NULL;
	EVP_MD_CTX *ctx = NULL;
	int der_len;
	bool ok = false;

	*payload = NULL;
	while (token_len && strchr(" \t\r\n", token[token_len - 1]))
		token_len--;
	dot1 = memchr(token, '.', token_len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', token_len - (size_t)(dot1 + 1 - token)) : NULL;
	if (!dot2 || memchr(dot2 + 1, '.', token_len - (size_t)(dot2 + 1 - token))) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "not a compact JWS: expected three base64url parts separated by '.'");
		return false;
	}
	if (!b64url_decode(token, (size_t)(dot1 - token), &header, &header_len) ||
	    !b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &body, &body_len) ||
	    !b64url_decode(dot2 + 1, token_len - (size_t)(dot2 + 1 - token), &sig,
			   &sig_len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "a part of the JWS is not valid base64url");
		goto out;
	}
	if (!check_header(header, header_len, err))
		goto out;
	if (sig_len != 2 * ES256_COORD) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the ES256 signature has %zu bytes, not 64", sig_len);
		goto out;
	}
	der_len = raw_to_der(sig, &der);
	ctx = EVP_MD_CTX_new();
	if (der_len <= 0 || !ctx ||
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) != 1) {
		openssl_error(err, "setting up ES256 verification failed");
		goto out;
	}
	switch (EVP_DigestVerify(ctx, der, (size_t)der_len,
				 (const uint8_t *)token, (size_t)(dot2 - token))) {
	case 1:
		break;
	case 0:
		ERR_clear_error();
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the JWS signature does not verify with the key: the token was changed or another key signed it");
		goto out;
	default:
		openssl_error(err, "verifying the JWS signature failed");
		goto out;
	}
	*payload = malloc(body_len + 1);
	if (!*payload) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	memcpy(*payload, body, body_len);
	(*payload)[body_len] = '\0';
	*payload_len = body_len;
	ok = true;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	free(header);
	free(body);
	free(sig);
	return ok;
}
