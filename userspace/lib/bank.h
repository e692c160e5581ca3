/* SPDX-License-Identifier: GPL-2.0 */
/* PCR banks and template-digest hashing with OpenSSL. */
#ifndef IMATAP_BANK_H
#define IMATAP_BANK_H

#include <openssl/evp.h>

#include "record.h"

#define TPM_ALG_SHA1	0x0004
#define TPM_ALG_SHA256	0x000b
#define TPM_ALG_SHA384	0x000c
#define TPM_ALG_SHA512	0x000d
#define TPM_ALG_SM3_256	0x0012

struct ima_bank_info {
	const char *name;	/* kernel hash_algo_name: pcr-<name> in sysfs */
	uint16_t tpm_alg;
	uint8_t size;
	const char *evp_name;
};

#define IMA_BANK_COUNT 5
extern const struct ima_bank_info ima_banks[IMA_BANK_COUNT];

/* Look a bank up by name ("sha256"; "sm3_256" and "sm3-256" for sm3). */
const struct ima_bank_info *ima_bank_by_name(const char *name, size_t len);
const struct ima_bank_info *ima_bank_by_alg(uint16_t tpm_alg);
static inline unsigned int ima_bank_index(const struct ima_bank_info *bank)
{
	return (unsigned int)(bank - ima_banks);
}

/*
 * A digest context, reused for every record. With OpenSSL's default
 * provider, SHA-1 and SHA-256 bypass EVP (direct), because EVP allocates
 * on every init (Documentation/performance.rst).
 */
struct ima_hasher {
	const struct ima_bank_info *bank;
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	bool direct;
};

/*
 * Fetch the bank's digest from the default OpenSSL provider. Returns false
 * if the provider lacks it (SM3 in some builds), with a message in err.
 */
bool ima_hasher_init(struct ima_hasher *h, const struct ima_bank_info *bank,
		     struct ima_error *err);
void ima_hasher_free(struct ima_hasher *h);

/*
 * Return whether a hasher for bank with md may bypass EVP: SHA-1 or
 * SHA-256 from the default provider, in an OpenSSL built with its
 * deprecated functions. Tests clear h->direct to compare both paths.
 */
bool ima_hasher_direct_possible(const struct ima_bank_info *bank,
				const EVP_MD *md);

/*
 * Compute the template digest of rec with the hasher's algorithm: the hash
 * of the template data, or for "ima" of the 20-byte digest and the name
 * zero-padded to 256 bytes (ima_calc_field_array_hash_tfm()).
 */
bool ima_template_digest(struct ima_hasher *h, const struct ima_record *rec,
			 uint8_t *out);

/*
 * Copy the bytes whose hash is rec's template digest into out, which has
 * room for cap bytes, and set *len. Returns false if they do not fit or
 * the "ima" record is invalid.
 */
bool ima_template_hashed_bytes(const struct ima_record *rec, uint8_t *out,
			       size_t cap, size_t *len);

/* Hash len bytes at data with the hasher's algorithm. */
bool ima_digest_bytes(struct ima_hasher *h, const uint8_t *data, size_t len,
		      uint8_t *out);

/* pcr = H(pcr || digest), both of the bank's size. */
bool ima_extend(struct ima_hasher *h, uint8_t *pcr, const uint8_t *digest);

/* Copy OpenSSL's last error reason into err. */
void ima_error_openssl(struct ima_error *err, const char *what);

#endif
