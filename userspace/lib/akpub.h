/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation key public parts: TPM2B_PUBLIC and PEM, their conversion to
 * OpenSSL keys, TPM names, and the one signing scheme each key allows.
 * Needs no TPM.
 */
#ifndef IMATAP_AKPUB_H
#define IMATAP_AKPUB_H

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "record.h"

/*
 * An attestation key as a verifier has it. sig_alg and hash_alg are the
 * only scheme its quotes may use: the scheme in the key's TPM template,
 * or for a PEM key the one imatap provision and tpm2_createak give that
 * key type (ECDSA with SHA-256 for P-256, SHA-384 for P-384; RSASSA
 * PKCS#1 v1.5 with SHA-256 for RSA).
 */
struct ak_key {
	EVP_PKEY *pkey;
	uint16_t sig_alg;		/* TPM2_ALG_ECDSA or TPM2_ALG_RSASSA */
	uint16_t hash_alg;		/* TPM2_ALG_SHA256, ... */
	bool have_public;		/* loaded from a TPM2B_PUBLIC */
	TPM2B_PUBLIC pub;
	uint8_t name[2 + 64];		/* nameAlg || H(TPMT_PUBLIC) */
	size_t name_len;
};

/*
 * Check that pub is a restricted signing key with a fixed ECDSA or RSASSA
 * scheme, as an attestation key must be, and fill key from it.
 */
bool ak_key_from_public(struct ak_key *key, const TPM2B_PUBLIC *pub,
			struct ima_error *err);

/*
 * Load a key from path: a PEM public key ("-----BEGIN PUBLIC KEY-----")
 * or a marshalled TPM2B_PUBLIC as tpm2_createak -u and imatap provision
 * write it.
 */
bool ak_key_load(struct ak_key *key, const char *path,
		 struct ima_error *err);
void ak_key_free(struct ak_key *key);

/* Write the key as a PEM SubjectPublicKeyInfo to path. */
bool ak_key_write_pem(const struct ak_key *key, const char *path,
		      struct ima_error *err);

/* Digest size of a TPM hash algorithm, 0 if unknown. */
size_t tpm_hash_size(uint16_t hash_alg);
/* OpenSSL digest name of a TPM hash algorithm, NULL if unknown. */
const char *tpm_hash_name(uint16_t hash_alg);

#endif
