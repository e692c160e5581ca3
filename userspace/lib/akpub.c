// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <tss2/tss2_mu.h>

#include "akpub.h"
#include "bank.h"
#include "fileio.h"

/* Maximum key file size; a PEM or TPM2B_PUBLIC has a few hundred bytes. */
#define AK_FILE_MAX	(64 * 1024)

size_t tpm_hash_size(uint16_t hash_alg)
{
	const struct ima_bank_info *bank = ima_bank_by_alg(hash_alg);

	return bank ? bank->size : 0;
}

const char *tpm_hash_name(uint16_t hash_alg)
{
	const struct ima_bank_info *bank = ima_bank_by_alg(hash_alg);

	return bank ? bank->evp_name : NULL;
}

static EVP_PKEY *ecc_to_evp(const TPMS_ECC_POINT *point, uint16_t curve,
			    struct ima_error *err)
{
	uint8_t octets[1 + 2 * 66];
	const char *group;
	size_t field;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	switch (curve) {
	case TPM2_ECC_NIST_P256:
		group = "prime256v1";
		field = 32;
		break;
	case TPM2_ECC_NIST_P384:
		group = "secp384r1";
		field = 48;
		break;
	default:
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "ECC curve 0x%04x is not supported; use NIST P-256 or P-384",
			      curve);
		return NULL;
	}
	if (point->x.size > field || point->y.size > field) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "ECC point coordinates of %u and %u bytes exceed the %zu-byte field",
			      point->x.size, point->y.size, field);
		return NULL;
	}
	/* Uncompressed point: 0x04, then x and y left-padded to the field. */
	memset(octets, 0, sizeof(octets));
	octets[0] = 0x04;
	memcpy(octets + 1 + field - point->x.size, point->x.buffer,
	       point->x.size);
	memcpy(octets + 1 + 2 * field - point->y.size, point->y.buffer,
	       point->y.size);

	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      octets, 1 + 2 * field))
		goto fail;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto fail;
	goto out;
fail:
	ima_error_openssl(err, "building the EC public key");
	EVP_PKEY_free(pkey);
	pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

static EVP_PKEY *rsa_to_evp(const TPM2B_PUBLIC_KEY_RSA *modulus,
			    uint32_t exponent, struct ima_error *err)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;

	/* An exponent of 0 in a TPM key means the default, 65537. */
	if (exponent == 0)
		exponent = 65537;
	n = BN_bin2bn(modulus->buffer, modulus->size, NULL);
	e = BN_new();
	bld = OSSL_PARAM_BLD_new();
	if (!n || !e || !bld || !BN_set_word(e, exponent) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto fail;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto fail;
	goto out;
fail:
	ima_error_openssl(err, "building the RSA public key");
	EVP_PKEY_free(pkey);
	pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pkey;
}

/* name = nameAlg (big-endian u16) || H_nameAlg(marshalled TPMT_PUBLIC) */
static bool compute_name(struct ak_key *key, struct ima_error *err)
{
	uint8_t buf[sizeof(TPMT_PUBLIC)];
	uint16_t alg = key->pub.publicArea.nameAlg;
	const char *md = tpm_hash_name(alg);
	size_t off = 0, size = tpm_hash_size(alg);
	unsigned int out_len = 0;
	TSS2_RC rc;

	if (!md) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the key's name algorithm 0x%04x is not supported",
			      alg);
		return false;
	}
	rc = Tss2_MU_TPMT_PUBLIC_Marshal(&key->pub.publicArea, buf,
					 sizeof(buf), &off);
	if (rc != TSS2_RC_SUCCESS) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "Tss2_MU_TPMT_PUBLIC_Marshal failed: 0x%x", rc);
		return false;
	}
	key->name[0] = (uint8_t)(alg >> 8);
	key->name[1] = (uint8_t)alg;
	if (!EVP_Digest(buf, off, key->name + 2, &out_len,
			EVP_get_digestbyname(md), NULL) ||
	    out_len != size) {
		ima_error_openssl(err, "hashing the key's public area");
		return false;
	}
	key->name_len = 2 + size;
	return true;
}

bool ak_key_from_public(struct ak_key *key, const TPM2B_PUBLIC *pub,
			struct ima_error *err)
{
	const TPMT_PUBLIC *area = &pub->publicArea;
	const TPMA_OBJECT need = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT |
				 TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				 TPMA_OBJECT_SENSITIVEDATAORIGIN;

	memset(key, 0, sizeof(*key));
	key->pub = *pub;
	key->have_public = true;

	/*
	 * A quote is worth trusting only from a key the TPM generated, that
	 * cannot leave it and signs only what the TPM itself produced.
	 */
	if ((area->objectAttributes & need) != need ||
	    (area->objectAttributes & TPMA_OBJECT_DECRYPT)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the key is not an attestation key: attributes 0x%08x lack restricted, sign, fixedTPM, fixedParent or sensitiveDataOrigin, or have decrypt",
			      area->objectAttributes);
		return false;
	}

	if (area->type == TPM2_ALG_ECC) {
		const TPMS_ECC_PARMS *ecc = &area->parameters.eccDetail;

		if (ecc->scheme.scheme != TPM2_ALG_ECDSA) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the ECC key's scheme 0x%04x is not ECDSA",
				      ecc->scheme.scheme);
			return false;
		}
		key->sig_alg = TPM2_ALG_ECDSA;
		key->hash_alg = ecc->scheme.details.ecdsa.hashAlg;
		key->pkey = ecc_to_evp(&area->unique.ecc, ecc->curveID, err);
	} else if (area->type == TPM2_ALG_RSA) {
		const TPMS_RSA_PARMS *rsa = &area->parameters.rsaDetail;

		if (rsa->scheme.scheme != TPM2_ALG_RSASSA) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the RSA key's scheme 0x%04x is not RSASSA",
				      rsa->scheme.scheme);
			return false;
		}
		key->sig_alg = TPM2_ALG_RSASSA;
		key->hash_alg = rsa->scheme.details.rsassa.hashAlg;
		key->pkey = rsa_to_evp(&area->unique.rsa, rsa->exponent, err);
	} else {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the key type 0x%04x is neither RSA nor ECC",
			      area->type);
		return false;
	}
	if (!key->pkey)
		return false;
	if (!tpm_hash_name(key->hash_alg)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the key's scheme hash 0x%04x is not supported",
			      key->hash_alg);
		ak_key_free(key);
		return false;
	}
	if (!compute_name(key, err)) {
		ak_key_free(key);
		return false;
	}
	return true;
}

/* Fix the scheme of a PEM key to the one its type is provisioned with. */
static bool pem_scheme(struct ak_key *key, const char *path,
		       struct ima_error *err)
{
	char group[32] = "";
	size_t len = 0;

	if (EVP_PKEY_is_a(key->pkey, "RSA")) {
		key->sig_alg = TPM2_ALG_RSASSA;
		key->hash_alg = TPM2_ALG_SHA256;
		return true;
	}
	if (EVP_PKEY_is_a(key->pkey, "EC") &&
	    EVP_PKEY_get_utf8_string_param(key->pkey,
					   OSSL_PKEY_PARAM_GROUP_NAME, group,
					   sizeof(group), &len)) {
		key->sig_alg = TPM2_ALG_ECDSA;
		if (strcmp(group, "prime256v1") == 0) {
			key->hash_alg = TPM2_ALG_SHA256;
			return true;
		}
		if (strcmp(group, "secp384r1") == 0) {
			key->hash_alg = TPM2_ALG_SHA384;
			return true;
		}
	}
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "%s: the key is neither RSA nor EC on P-256 or P-384",
		      path);
	return false;
}

bool ak_key_load(struct ak_key *key, const char *path,
		 struct ima_error *err)
{
	static const char pem_start[] = "-----BEGIN";
	TPM2B_PUBLIC pub = { 0 };
	uint8_t *data = NULL;
	size_t len = 0, off = 0;
	bool ok = false;
	TSS2_RC rc;

	memset(key, 0, sizeof(*key));
	if (!ima_read_file(path, AK_FILE_MAX, &data, &len, err))
		return false;

	if (len >= sizeof(pem_start) - 1 &&
	    memcmp(data, pem_start, sizeof(pem_start) - 1) == 0) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		key->pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)
				: NULL;
		BIO_free(bio);
		if (!key->pkey) {
			ima_error_openssl(err, "reading the PEM public key");
			goto out;
		}
		ok = pem_scheme(key, path, err);
		goto out;
	}

	rc = Tss2_MU_TPM2B_PUBLIC_Unmarshal(data, len, &off, &pub);
	if (rc != TSS2_RC_SUCCESS || off != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s is neither a PEM public key nor a TPM2B_PUBLIC (%s)",
			      path,
			      rc != TSS2_RC_SUCCESS ? "Tss2_MU_TPM2B_PUBLIC_Unmarshal failed"
						    : "bytes follow the structure");
		goto out;
	}
	ok = ak_key_from_public(key, &pub, err);
out:
	if (!ok)
		ak_key_free(key);
	free(data);
	return ok;
}

void ak_key_free(struct ak_key *key)
{
	EVP_PKEY_free(key->pkey);
	key->pkey = NULL;
}

bool ak_key_write_pem(const struct ak_key *key, const char *path,
		      struct ima_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long len;
	bool ok = false;

	if (!bio || !PEM_write_bio_PUBKEY(bio, key->pkey)) {
		ima_error_openssl(err, "writing the PEM public key");
		goto out;
	}
	len = BIO_get_mem_data(bio, &pem);
	ok = ima_write_file(path, pem, (size_t)len, err);
out:
	BIO_free(bio);
	return ok;
}
