/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMA file signatures (the "sig" field of ima-sig): the signature_v2_hdr
 * of security/integrity/integrity.h and its verification over the file
 * digest with the key of the same IMA key id.
 */
#ifndef IMATAP_IMASIG_H
#define IMATAP_IMASIG_H

#include "jsonpull.h"
#include "refs.h"

enum imasig_status {
	IMASIG_NONE,		/* the entry holds no signature */
	IMASIG_VERIFIED,	/* a key with its key id verified it */
	IMASIG_NO_KEY,		/* no key has the signature's key id */
	IMASIG_INVALID,		/* malformed, or the key rejects it */
};

/*
 * The IMA key id of a public key: the last 4 bytes of the SHA-1 of its
 * PKCS#1 RSAPublicKey or X9.62 uncompressed point, as evmctl and Keylime
 * compute it.
 */
bool imasig_keyid(EVP_PKEY *pkey, uint32_t *keyid);

/* Add pkey under keyid; takes the reference to pkey on success. */
bool imasig_add_key(struct refs *r, EVP_PKEY *pkey, uint32_t keyid);

/*
 * Verify sig (the field's bytes) over the file digest of algorithm algo
 * ("sha256"). why explains IMASIG_NO_KEY and IMASIG_INVALID.
 */
enum imasig_status imasig_verify(const struct refs *r, const uint8_t *sig,
				 size_t sig_len, const char *algo,
				 const uint8_t *digest, size_t digest_len,
				 char *why, size_t why_size);

/*
 * Parse the "verification-keys" string of a Keylime runtime policy, the
 * current token of p: JSON mapping a keyring name to a JSON string of
 * {"pubkeys": [base64 DER SubjectPublicKeyInfo], "keyids": [integer]}.
 */
bool imasig_parse_keylime_keys(struct refs *r, struct json_pull *p,
			       struct ima_error *err);

#endif
