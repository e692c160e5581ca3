// SPDX-License-Identifier: GPL-2.0
/*
 * SHA1_Init() and SHA256_Init() are deprecated since OpenSSL 3.0. Its
 * default provider implements SHA-1 and SHA-256 with them (sha2_prov.c),
 * so calling them directly runs the same code without EVP's allocation.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>

#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/sha.h>

#include "bank.h"

/* TPM algorithm ids from the TCG Algorithm Registry. */
const struct ima_bank_info ima_banks[IMA_BANK_COUNT] = {
	{ "sha1", TPM_ALG_SHA1, 20, "SHA1" },
	{ "sha256", TPM_ALG_SHA256, 32, "SHA256" },
	{ "sha384", TPM_ALG_SHA384, 48, "SHA384" },
	{ "sha512", TPM_ALG_SHA512, 64, "SHA512" },
	{ "sm3", TPM_ALG_SM3_256, 32, "SM3" },
};

const struct ima_bank_info *ima_bank_by_name(const char *name, size_t len)
{
	unsigned int i;

	if ((len == 7 && (strncmp(name, "sm3_256", 7) == 0 ||
			  strncmp(name, "sm3-256", 7) == 0)))
		return &ima_banks[4];
	for (i = 0; i < IMA_BANK_COUNT; i++)
		if (strlen(ima_banks[i].name) == len &&
		    strncmp(ima_banks[i].name, name, len) == 0)
			return &ima_banks[i];
	return NULL;
}

const struct ima_bank_info *ima_bank_by_alg(uint16_t tpm_alg)
{
	unsigned int i;

	for (i = 0; i < IMA_BANK_COUNT; i++)
		if (ima_banks[i].tpm_alg == tpm_alg)
			return &ima_banks[i];
	return NULL;
}

void ima_error_openssl(struct ima_error *err, const char *what)
{
	unsigned long code = ERR_get_error();
	const char *reason = code ? ERR_reason_error_string(code) : NULL;

	ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s failed: %s", what,
		      reason ? reason : "no OpenSSL error reason");
	ERR_clear_error();
}

#if defined(OPENSSL_NO_DEPRECATED_3_0) || defined(OPENSSL_NO_SHA)
#define IMA_DIRECT_BUILT false
#else
#define IMA_DIRECT_BUILT true
#endif

bool ima_hasher_direct_possible(const struct ima_bank_info *bank,
				const EVP_MD *md)
{
	const OSSL_PROVIDER *prov = md ? EVP_MD_get0_provider(md) : NULL;
	const char *name = prov ? OSSL_PROVIDER_get0_name(prov) : NULL;

	/*
	 * Bypass EVP only where it would run the default provider's code. A
	 * FIPS provider, or a hardware one set in openssl.cnf, keeps EVP.
	 */
	return IMA_DIRECT_BUILT && name && strcmp(name, "default") == 0 &&
	       (bank->tpm_alg == TPM_ALG_SHA1 ||
		bank->tpm_alg == TPM_ALG_SHA256);
}

#if IMA_DIRECT_BUILT
/* Hash a and then b (b_len may be 0) into out without EVP. */
static bool direct_digest(const struct ima_hasher *h, const void *a,
			  size_t a_len, const void *b, size_t b_len,
			  uint8_t *out)
{
	if (h->bank->tpm_alg == TPM_ALG_SHA1) {
		SHA_CTX c;

		return SHA1_Init(&c) && SHA1_Update(&c, a, a_len) &&
		       SHA1_Update(&c, b, b_len) && SHA1_Final(out, &c);
	} else {
		SHA256_CTX c;

		return SHA256_Init(&c) && SHA256_Update(&c, a, a_len) &&
		       SHA256_Update(&c, b, b_len) && SHA256_Final(out, &c);
	}
}
#else
static bool direct_digest(const struct ima_hasher *h, const void *a,
			  size_t a_len, const void *b, size_t b_len,
			  uint8_t *out)
{
	(void)h, (void)a, (void)a_len, (void)b, (void)b_len, (void)out;
	return false;
}
#endif

bool ima_hasher_init(struct ima_hasher *h, const struct ima_bank_info *bank,
		     struct ima_error *err)
{
	memset(h, 0, sizeof(*h));
	h->bank = bank;
	h->md = EVP_MD_fetch(NULL, bank->evp_name, NULL);
	if (!h->md) {
		ima_error_openssl(err, bank->evp_name);
		return false;
	}
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex2(h->ctx, h->md, NULL)) {
		ima_error_openssl(err, "EVP_DigestInit_ex2");
		ima_hasher_free(h);
		return false;
	}
	h->direct = ima_hasher_direct_possible(bank, h->md);
	return true;
}

void ima_hasher_free(struct ima_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	h->ctx = NULL;
	h->md = NULL;
}

bool ima_template_digest(struct ima_hasher *h, const struct ima_record *rec,
			 uint8_t *out)
{
	static const uint8_t zeros[IMA_EVENT_NAME_LEN_MAX + 1];
	const struct ima_field *d = &rec->fields[0];
	const struct ima_field *n = &rec->fields[1];

	if (!rec->legacy && h->direct)
		return direct_digest(h, rec->data, rec->data_len, NULL, 0, out);
	/*
	 * A NULL type reuses the fetched digest. OpenSSL 3.0 still frees and
	 * allocates the provider's digest context on every init, one
	 * allocation per digest, measured with CRYPTO_set_mem_functions().
	 */
	if (!EVP_DigestInit_ex2(h->ctx, NULL, NULL))
		return false;
	if (!rec->legacy) {
		if (!EVP_DigestUpdate(h->ctx, rec->data, rec->data_len))
			return false;
		return EVP_DigestFinal_ex(h->ctx, out, NULL);
	}
	if (rec->num_fields != 2 || n->len > IMA_EVENT_NAME_LEN_MAX + 1)
		return false;
	return EVP_DigestUpdate(h->ctx, d->data, d->len) &&
	       EVP_DigestUpdate(h->ctx, n->data, n->len) &&
	       EVP_DigestUpdate(h->ctx, zeros, sizeof(zeros) - n->len) &&
	       EVP_DigestFinal_ex(h->ctx, out, NULL);
}

bool ima_template_hashed_bytes(const struct ima_record *rec, uint8_t *out,
			       size_t cap, size_t *len)
{
	const struct ima_field *d = &rec->fields[0];
	const struct ima_field *n = &rec->fields[1];

	if (!rec->legacy) {
		if (rec->data_len > cap)
			return false;
		memcpy(out, rec->data, rec->data_len);
		*len = rec->data_len;
		return true;
	}
	if (rec->num_fields != 2 || n->len > IMA_EVENT_NAME_LEN_MAX + 1 ||
	    d->len + IMA_EVENT_NAME_LEN_MAX + 1 > cap)
		return false;
	memcpy(out, d->data, d->len);
	memcpy(out + d->len, n->data, n->len);
	memset(out + d->len + n->len, 0, IMA_EVENT_NAME_LEN_MAX + 1 - n->len);
	*len = d->len + IMA_EVENT_NAME_LEN_MAX + 1;
	return true;
}

bool ima_digest_bytes(struct ima_hasher *h, const uint8_t *data, size_t len,
		      uint8_t *out)
{
	if (h->direct)
		return direct_digest(h, data, len, NULL, 0, out);
	return EVP_DigestInit_ex2(h->ctx, NULL, NULL) &&
	       EVP_DigestUpdate(h->ctx, data, len) &&
	       EVP_DigestFinal_ex(h->ctx, out, NULL);
}

bool ima_extend(struct ima_hasher *h, uint8_t *pcr, const uint8_t *digest)
{
	if (h->direct)
		return direct_digest(h, pcr, h->bank->size, digest,
				     h->bank->size, pcr);
	return EVP_DigestInit_ex2(h->ctx, NULL, NULL) &&
	       EVP_DigestUpdate(h->ctx, pcr, h->bank->size) &&
	       EVP_DigestUpdate(h->ctx, digest, h->bank->size) &&
	       EVP_DigestFinal_ex(h->ctx, pcr, NULL);
}
