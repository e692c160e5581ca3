/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON Web Signature (RFC 7515) in compact serialization, ES256 only
 * (ECDSA with P-256 and SHA-256, RFC 7518 section 3.4), with OpenSSL.
 */
#ifndef IMATAP_JWS_H
#define IMATAP_JWS_H

#include <openssl/evp.h>

#include "record.h"

/*
 * Load a P-256 key from a PEM file: a private key for signing, a public
 * or private key for verification. Other curves and key types fail.
 */
EVP_PKEY *jws_load_key(const char *path, bool private_key,
		       struct ima_error *err);

/* Sign payload as header {"alg":"ES256","typ":"JWT"}; token is malloc'd. */
bool jws_sign_es256(EVP_PKEY *key, const char *payload, size_t len,
		    char **token, struct ima_error *err);

/*
 * Verify a compact token with key. The header must name alg ES256; no
 * other algorithm is tried. On success *payload is the decoded payload,
 * NUL-terminated and malloc'd.
 */
bool jws_verify_es256(EVP_PKEY *key, const char *token, size_t token_len,
		      char **payload, size_t *payload_len,
		      struct ima_error *err);

#endif
