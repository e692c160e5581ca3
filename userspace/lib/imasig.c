// SPDX-License-Identifier: GPL-2.0
/* IMA file signature verification and its keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "fileio.h"
#include "imasig.h"

/* EVM_IMA_XATTR_DIGSIG and EVM_XATTR_PORTABLE_DIGSIG, version 2. */
#define DIGSIG_TYPE		3
#define DIGSIG_PORTABLE_TYPE	5
#define DIGSIG_VERSION_2	2
#define DIGSIG_HDR_LEN		9	/* type, version, hash, keyid, size */

/* enum hash_algo of include/uapi/linux/hash_info.h */
static const char *kernel_hash_name(uint8_t algo)
{
	switch (algo) {
	case 1: return "md5";
	case 2: return "sha1";
	case 4: return "sha256";
	case 5: return "sha384";
	case 6: return "sha512";
	case 7: return "sha224";
	default: return NULL;
	}
}

bool imasig_keyid(EVP_PKEY *pkey, uint32_t *keyid)
{
	unsigned char *der = NULL, sha1[SHA_DIGEST_LENGTH];
	int len = i2d_PublicKey(pkey, &der);

	if (len <= 0)
		return false;
	SHA1(der, (size_t)len, sha1);
	OPENSSL_free(der);
	*keyid = (uint32_t)sha1[16] << 24 | (uint32_t)sha1[17] << 16 |
		 (uint32_t)sha1[18] << 8 | sha1[19];
	return true;
}

bool imasig_add_key(struct refs *r, EVP_PKEY *pkey, uint32_t keyid)
{
	struct refs_key *grown = realloc(r->keys,
					 (r->num_keys + 1) * sizeof(*grown));

	if (!grown)
		return false;
	r->keys = grown;
	r->keys[r->num_keys].keyid = keyid;
	r->keys[r->num_keys].pkey = pkey;
	r->num_keys++;
	return true;
}

static void openssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_get_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, size, "%s", reason ? reason : "no reason given");
	ERR_clear_error();
}

bool refs_load_key(struct refs *r, const char *path, struct ima_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	BIO *bio = NULL;
	uint32_t keyid = 0;
	bool have_keyid = false, ok = false;
	char reason[160];

	if (!ima_read_file(path, 1 << 20, &data, &len, err))
		return false;
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		goto openssl_fail;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (cert) {
		/* The kernel finds a key by the certificate's SKID. */
		const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(cert);

		if (skid && ASN1_STRING_length(skid) >= 4) {
			const unsigned char *d = ASN1_STRING_get0_data(skid);
			int n = ASN1_STRING_length(skid);

			keyid = (uint32_t)d[n - 4] << 24 | (uint32_t)d[n - 3] << 16 |
				(uint32_t)d[n - 2] << 8 | d[n - 1];
			have_keyid = true;
		}
		pkey = X509_get_pubkey(cert);
	} else {
		ERR_clear_error();
		BIO_free(bio);
		bio = BIO_new_mem_buf(data, (int)len);
		if (bio)
			pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	if (!pkey)
		goto openssl_fail;
	if (!have_keyid && !imasig_keyid(pkey, &keyid))
		goto openssl_fail;
	if (!imasig_add_key(r, pkey, keyid)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	pkey = NULL;
	ok = true;
	goto out;
openssl_fail:
	openssl_reason(reason, sizeof(reason));
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "%s: not a PEM public key or X.509 certificate: %s",
		      path, reason);
out:
	EVP_PKEY_free(pkey);
	X509_free(cert);
	BIO_free(bio);
	free(data);
	return ok;
}

enum imasig_status imasig_verify(const struct refs *r, const uint8_t *sig,
				 size_t sig_len, const char *algo,
				 const uint8_t *digest, size_t digest_len,
				 char *why, size_t why_size)
{
	const char *sig_algo;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	uint32_t keyid;
	size_t size, i;
	enum imasig_status status = IMASIG_INVALID;

	if (sig_len == 0)
		return IMASIG_NONE;
	if (sig_len < DIGSIG_HDR_LEN ||
	    (sig[0] != DIGSIG_TYPE && sig[0] != DIGSIG_PORTABLE_TYPE) ||
	    sig[1] != DIGSIG_VERSION_2) {
		snprintf(why, why_size, "signature is not an IMA digsig version 2");
		return IMASIG_INVALID;
	}
	keyid = (uint32_t)sig[3] << 24 | (uint32_t)sig[4] << 16 |
		(uint32_t)sig[5] << 8 | sig[6];
	size = (size_t)sig[7] << 8 | sig[8];
	if (size != sig_len - DIGSIG_HDR_LEN) {
		snprintf(why, why_size, "signature size field %zu differs from the %zu bytes present",
			 size, sig_len - DIGSIG_HDR_LEN);
		return IMASIG_INVALID;
	}
	sig_algo = kernel_hash_name(sig[2]);
	if (!sig_algo || strcmp(sig_algo, algo) != 0) {
		snprintf(why, why_size, "signature hash algorithm %u is not the file digest's %s",
			 sig[2], algo);
		return IMASIG_INVALID;
	}
	for (i = 0; i < r->num_keys && !pkey; i++)
		if (r->keys[i].keyid == keyid)
			pkey = r->keys[i].pkey;
	if (!pkey) {
		snprintf(why, why_size, "no key with key id %08x", keyid);
		return IMASIG_NO_KEY;
	}

	ctx = EVP_PKEY_CTX_new(pkey, NULL);
	if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_get_digestbyname(sig_algo)) <= 0 ||
	    (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)) {
		char reason[160];

		openssl_reason(reason, sizeof(reason));
		snprintf(why, why_size, "key %08x cannot verify: %s", keyid, reason);
		goto out;
	}
	if (EVP_PKEY_verify(ctx, sig + DIGSIG_HDR_LEN, size, digest,
			    digest_len) == 1) {
		status = IMASIG_VERIFIED;
	} else {
		char reason[160];

		openssl_reason(reason, sizeof(reason));
		snprintf(why, why_size, "signature does not verify with key %08x: %s",
			 keyid, reason);
	}
out:
	EVP_PKEY_CTX_free(ctx);
	return status;
}

/* Add the keys of one keyring: {"pubkeys": [...], "keyids": [...]}. */
static bool add_keyring(struct refs *r, json_object *ring, const char **bad)
{
	json_object *pubkeys, *keyids = NULL;
	size_t i, n;

	if (json_object_is_type(ring, json_type_string)) {
		json_object *inner = json_tokener_parse(json_object_get_string(ring));
		bool ok;

		if (!inner) {
			*bad = "a keyring is not valid JSON";
			return false;
		}
		ok = add_keyring(r, inner, bad);
		json_object_put(inner);
		return ok;
	}
	if (!json_object_is_type(ring, json_type_object) ||
	    !json_object_object_get_ex(ring, "pubkeys", &pubkeys) ||
	    !json_object_is_type(pubkeys, json_type_array)) {
		*bad = "a keyring has no \"pubkeys\" array";
		return false;
	}
	json_object_object_get_ex(ring, "keyids", &keyids);
	n = json_object_array_length(pubkeys);
	for (i = 0; i < n; i++) {
		const char *b64 = json_object_get_string(json_object_array_get_idx(pubkeys, i));
		size_t b64_len = b64 ? strlen(b64) : 0;
		unsigned char *der = malloc(b64_len + 4);
		const unsigned char *q = der;
		EVP_PKEY *pkey = NULL;
		uint32_t keyid;
		int der_len;

		if (!der) {
			*bad = "out of memory";
			return false;
		}
		der_len = b64 ? EVP_DecodeBlock(der, (const unsigned char *)b64,
					       (int)b64_len) : -1;
		/* EVP_DecodeBlock counts the padding as zero bytes. */
		if (der_len > 0 && b64_len >= 1 && b64[b64_len - 1] == '=')
			der_len--;
		if (der_len > 0 && b64_len >= 2 && b64[b64_len - 2] == '=')
			der_len--;
		if (der_len > 0)
			pkey = d2i_PUBKEY(NULL, &q, der_len);
		free(der);
		if (!pkey) {
			ERR_clear_error();
			*bad = "a public key is not base64 DER SubjectPublicKeyInfo";
			return false;
		}
		if (keyids && json_object_is_type(keyids, json_type_array) &&
		    i < json_object_array_length(keyids))
			keyid = (uint32_t)json_object_get_int64(json_object_array_get_idx(keyids, i));
		else if (!imasig_keyid(pkey, &keyid)) {
			EVP_PKEY_free(pkey);
			*bad = "cannot compute the key id of a public key";
			return false;
		}
		if (!imasig_add_key(r, pkey, keyid)) {
			EVP_PKEY_free(pkey);
			*bad = "out of memory";
			return false;
		}
	}
	return true;
}

bool imasig_parse_keylime_keys(struct refs *r, struct json_pull *p,
			       struct ima_error *err)
{
	json_object *obj, *outer;
	const char *bad = NULL;
	bool ok = true;

	if (p->text_len == 0)
		return true;
	outer = json_tokener_parse(p->text);
	obj = outer;
	/* Keylime may store it encoded twice, as a JSON string of JSON. */
	if (obj && json_object_is_type(obj, json_type_string))
		obj = json_tokener_parse(json_object_get_string(outer));
	else if (obj)
		json_object_get(obj);
	json_object_put(outer);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_error(p, err, "\"verification-keys\" does not hold a JSON object of keyrings");
		json_object_put(obj);
		return false;
	}
	json_object_object_foreach(obj, name, ring) {
		(void)name;
		if (!add_keyring(r, ring, &bad)) {
			json_error(p, err, "\"verification-keys\": keyring \"%s\": %s",
				   name, bad);
			ok = false;
			break;
		}
	}
	json_object_put(obj);
	return ok;
}
