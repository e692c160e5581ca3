// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "attest.h"
#include "bank.h"
#include "wire.h"

static bool parse_selection(struct wire *w, TPML_PCR_SELECTION *sel,
			    const char *where, struct ima_error *err)
{
	uint32_t i;

	memset(sel, 0, sizeof(*sel));
	sel->count = wire_u32(w);
	if (w->ok && sel->count > TPM2_NUM_PCR_BANKS) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: TPML_PCR_SELECTION count %u exceeds %u",
			      where, sel->count, TPM2_NUM_PCR_BANKS);
		return false;
	}
	for (i = 0; w->ok && i < sel->count; i++) {
		TPMS_PCR_SELECTION *s = &sel->pcrSelections[i];
		const uint8_t *bits;

		s->hash = wire_u16(w);
		s->sizeofSelect = wire_u8(w);
		if (w->ok && s->sizeofSelect > TPM2_PCR_SELECT_MAX) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s: sizeofSelect %u exceeds %u", where,
				      s->sizeofSelect, TPM2_PCR_SELECT_MAX);
			return false;
		}
		if (wire_take(w, s->sizeofSelect, &bits))
			memcpy(s->pcrSelect, bits, s->sizeofSelect);
	}
	if (!w->ok)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: the PCR selection is truncated", where);
	return w->ok;
}

bool attest_parse(const uint8_t *data, size_t len, struct quote_attest *a,
		  struct ima_error *err)
{
	struct wire w;

	memset(a, 0, sizeof(*a));
	wire_init(&w, data, len);

	/*
	 * Checked first: a restricted key signs data that starts with
	 * TPM_GENERATED_VALUE only when the TPM made it. Without this check
	 * an external structure signed with TPM2_Sign could pass as a quote.
	 */
	a->magic = wire_u32(&w);
	a->type = wire_u16(&w);
	if (!w.ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: %zu bytes are too short for magic and type",
			      len);
		return false;
	}
	if (a->magic != TPM2_GENERATED_VALUE) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: magic 0x%08x is not TPM_GENERATED_VALUE 0x%08x",
			      a->magic, TPM2_GENERATED_VALUE);
		return false;
	}
	if (a->type != TPM2_ST_ATTEST_QUOTE) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: type 0x%04x is not TPM_ST_ATTEST_QUOTE 0x%04x",
			      a->type, TPM2_ST_ATTEST_QUOTE);
		return false;
	}

	wire_tpm2b(&w, sizeof(a->signer.name), a->signer.name,
		   &a->signer.size);
	wire_tpm2b(&w, sizeof(a->extra.buffer), a->extra.buffer,
		   &a->extra.size);
	a->clock.clock = wire_u64(&w);
	a->clock.resetCount = wire_u32(&w);
	a->clock.restartCount = wire_u32(&w);
	a->clock.safe = wire_u8(&w);
	a->firmware = wire_u64(&w);
	if (!w.ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: qualifiedSigner, extraData or clockInfo is truncated or oversized");
		return false;
	}
	if (!parse_selection(&w, &a->selection, "attest", err))
		return false;
	wire_tpm2b(&w, sizeof(a->pcr_digest.buffer), a->pcr_digest.buffer,
		   &a->pcr_digest.size);
	if (!w.ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: pcrDigest is truncated or oversized");
		return false;
	}
	if (w.pos != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "attest: %zu bytes follow the TPMS_ATTEST",
			      len - w.pos);
		return false;
	}
	return true;
}

bool signature_parse(const uint8_t *data, size_t len,
		     struct quote_signature *sig, struct ima_error *err)
{
	struct wire w;

	memset(sig, 0, sizeof(*sig));
	wire_init(&w, data, len);
	sig->sig_alg = wire_u16(&w);
	sig->hash_alg = wire_u16(&w);
	if (!w.ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: %zu bytes are too short for a TPMT_SIGNATURE",
			      len);
		return false;
	}
	switch (sig->sig_alg) {
	case TPM2_ALG_RSASSA:
		wire_tpm2b(&w, sizeof(sig->rsa), sig->rsa, &sig->rsa_len);
		break;
	case TPM2_ALG_ECDSA:
		wire_tpm2b(&w, sizeof(sig->r), sig->r, &sig->r_len);
		wire_tpm2b(&w, sizeof(sig->s), sig->s, &sig->s_len);
		break;
	default:
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: algorithm 0x%04x is neither RSASSA nor ECDSA",
			      sig->sig_alg);
		return false;
	}
	if (!w.ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: a signature value is truncated or oversized");
		return false;
	}
	if (w.pos != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: %zu bytes follow the TPMT_SIGNATURE",
			      len - w.pos);
		return false;
	}
	return true;
}

/* DER-encode an ECDSA (r, s) pair for EVP_DigestVerify. */
static bool ecdsa_der(const struct quote_signature *sig, uint8_t **der,
		      int *der_len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig->r, sig->r_len, NULL);
	BIGNUM *s = BN_bin2bn(sig->s, sig->s_len, NULL);
	bool ok = false;

	*der = NULL;
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;
	*der_len = i2d_ECDSA_SIG(es, der);
	ok = *der_len > 0;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

bool signature_verify(const struct ak_key *key,
		      const struct quote_signature *sig,
		      const uint8_t *attest, size_t attest_len,
		      struct ima_error *err)
{
	const char *md = tpm_hash_name(key->hash_alg);
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *der = NULL;
	const uint8_t *value;
	size_t value_len;
	int der_len = 0, rc;
	bool ok = false;

	if (sig->sig_alg != key->sig_alg || sig->hash_alg != key->hash_alg) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: scheme 0x%04x with hash 0x%04x is not the key's scheme 0x%04x with hash 0x%04x",
			      sig->sig_alg, sig->hash_alg, key->sig_alg,
			      key->hash_alg);
		return false;
	}
	if (sig->sig_alg == TPM2_ALG_ECDSA) {
		if (!ecdsa_der(sig, &der, &der_len)) {
			ima_error_openssl(err, "encoding the ECDSA signature");
			return false;
		}
		value = der;
		value_len = (size_t)der_len;
	} else {
		value = sig->rsa;
		value_len = sig->rsa_len;
	}

	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL,
					    key->pkey, NULL) != 1) {
		ima_error_openssl(err, "EVP_DigestVerifyInit_ex");
		goto out;
	}
	if (sig->sig_alg == TPM2_ALG_RSASSA &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		ima_error_openssl(err, "setting PKCS#1 v1.5 padding");
		goto out;
	}
	ERR_clear_error();
	rc = EVP_DigestVerify(ctx, value, value_len, attest, attest_len);
	if (rc != 1) {
		unsigned long code = ERR_peek_last_error();
		const char *reason = code ? ERR_reason_error_string(code) : NULL;

		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "signature: %s does not verify with the attestation key: %s",
			      sig->sig_alg == TPM2_ALG_ECDSA ? "ECDSA" : "RSASSA",
			      reason ? reason : "bad signature");
		ERR_clear_error();
		goto out;
	}
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}

static unsigned int selection_bank_size(const TPMS_PCR_SELECTION *s,
					 const char *where,
					 struct ima_error *err)
{
	const struct ima_bank_info *bank = ima_bank_by_alg(s->hash);

	if (!bank)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: PCR bank 0x%04x is not supported", where,
			      s->hash);
	return bank ? bank->size : 0;
}

bool quoted_pcrs_parse(const uint8_t *data, size_t len,
		       struct quoted_pcrs *q, struct ima_error *err)
{
	uint32_t i;
	unsigned int pcr;
	struct wire w;

	memset(q, 0, sizeof(*q));
	wire_init(&w, data, len);
	if (!parse_selection(&w, &q->selection, "pcrs", err))
		return false;

	q->concat_len = len - w.pos;
	q->concat = malloc(q->concat_len ? q->concat_len : 1);
	if (!q->concat) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "pcrs: out of memory");
		return false;
	}
	memcpy(q->concat, data + w.pos, q->concat_len);

	for (i = 0; i < q->selection.count; i++) {
		const TPMS_PCR_SELECTION *s = &q->selection.pcrSelections[i];
		unsigned int size = selection_bank_size(s, "pcrs", err);
		unsigned int b;

		if (!size)
			goto fail;
		b = ima_bank_index(ima_bank_by_alg(s->hash));
		for (pcr = 0; pcr < 8U * s->sizeofSelect; pcr++) {
			const uint8_t *value;

			if (!(s->pcrSelect[pcr / 8] & (1U << (pcr % 8))))
				continue;
			if (q->values.have[b][pcr]) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "pcrs: bank 0x%04x is selected twice",
					      s->hash);
				goto fail;
			}
			if (!wire_take(&w, size, &value)) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "pcrs: the value of PCR %u in bank 0x%04x is missing",
					      pcr, s->hash);
				goto fail;
			}
			memcpy(q->values.value[b][pcr], value, size);
			q->values.have[b][pcr] = true;
		}
	}
	if (w.pos != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "pcrs: %zu bytes follow the selected PCR values",
			      len - w.pos);
		goto fail;
	}
	return true;
fail:
	quoted_pcrs_free(q);
	return false;
}

void quoted_pcrs_free(struct quoted_pcrs *q)
{
	free(q->concat);
	q->concat = NULL;
	q->concat_len = 0;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

bool quoted_pcrs_encode(const TPML_PCR_SELECTION *selection,
			const struct ima_pcr_set *set, uint8_t **data,
			size_t *len, struct ima_error *err)
{
	size_t cap = 4 + TPM2_NUM_PCR_BANKS * (3 + TPM2_PCR_SELECT_MAX) +
		     TPM2_NUM_PCR_BANKS * TPM2_MAX_PCRS * IMA_DIGEST_MAX;
	uint8_t *p = malloc(cap);
	size_t pos = 0;
	unsigned int pcr;
	uint32_t i;

	*data = NULL;
	if (!p) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "pcrs: out of memory");
		return false;
	}
	p[pos++] = (uint8_t)(selection->count >> 24);
	p[pos++] = (uint8_t)(selection->count >> 16);
	p[pos++] = (uint8_t)(selection->count >> 8);
	p[pos++] = (uint8_t)selection->count;
	for (i = 0; i < selection->count; i++) {
		const TPMS_PCR_SELECTION *s = &selection->pcrSelections[i];

		put_u16(p + pos, s->hash);
		pos += 2;
		p[pos++] = s->sizeofSelect;
		memcpy(p + pos, s->pcrSelect, s->sizeofSelect);
		pos += s->sizeofSelect;
	}
	for (i = 0; i < selection->count; i++) {
		const TPMS_PCR_SELECTION *s = &selection->pcrSelections[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(s->hash);

		for (pcr = 0; bank && pcr < 8U * s->sizeofSelect; pcr++) {
			unsigned int b = ima_bank_index(bank);

			if (!(s->pcrSelect[pcr / 8] & (1U << (pcr % 8))))
				continue;
			if (pcr >= IMA_PCR_COUNT || !set->have[b][pcr]) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "pcrs: no value for PCR %u of bank %s",
					      pcr, bank->name);
				free(p);
				return false;
			}
			memcpy(p + pos, set->value[b][pcr], bank->size);
			pos += bank->size;
		}
	}
	*data = p;
	*len = pos;
	return true;
}

static bool selected(const TPMS_PCR_SELECTION *s, unsigned int pcr)
{
	return pcr / 8 < s->sizeofSelect &&
	       (s->pcrSelect[pcr / 8] & (1U << (pcr % 8)));
}

bool pcr_selection_equal(const TPML_PCR_SELECTION *a,
			 const TPML_PCR_SELECTION *b)
{
	unsigned int pcr;
	uint32_t i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		const TPMS_PCR_SELECTION *x = &a->pcrSelections[i];
		const TPMS_PCR_SELECTION *y = &b->pcrSelections[i];

		if (x->hash != y->hash)
			return false;
		for (pcr = 0; pcr < 8 * TPM2_PCR_SELECT_MAX; pcr++)
			if (selected(x, pcr) != selected(y, pcr))
				return false;
	}
	return true;
}

bool pcr_digest(uint16_t hash_alg, const struct quoted_pcrs *q,
		uint8_t *out, size_t *out_len, struct ima_error *err)
{
	const char *md = tpm_hash_name(hash_alg);
	unsigned int n = 0;

	if (!md) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "PCR digest: hash 0x%04x is not supported",
			      hash_alg);
		return false;
	}
	if (!EVP_Digest(q->concat, q->concat_len, out, &n,
			EVP_get_digestbyname(md), NULL)) {
		ima_error_openssl(err, "hashing the PCR values");
		return false;
	}
	*out_len = n;
	return true;
}

bool pcr_set_digest(uint16_t hash_alg, const TPML_PCR_SELECTION *selection,
		    const struct ima_pcr_set *set, uint8_t *out,
		    size_t *out_len, struct ima_error *err)
{
	const char *md = tpm_hash_name(hash_alg);
	EVP_MD_CTX *ctx;
	unsigned int pcr, n = 0;
	bool ok = false;
	uint32_t i;

	if (!md) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "PCR digest: hash 0x%04x is not supported",
			      hash_alg);
		return false;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_get_digestbyname(md), NULL)) {
		ima_error_openssl(err, "hashing the PCR values");
		goto out;
	}
	for (i = 0; i < selection->count; i++) {
		const TPMS_PCR_SELECTION *s = &selection->pcrSelections[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(s->hash);

		for (pcr = 0; pcr < 8U * s->sizeofSelect; pcr++) {
			if (!selected(s, pcr))
				continue;
			if (!bank || pcr >= IMA_PCR_COUNT ||
			    !set->have[ima_bank_index(bank)][pcr]) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "PCR digest: no value for PCR %u of bank 0x%04x",
					      pcr, s->hash);
				goto out;
			}
			if (!EVP_DigestUpdate(ctx,
					      set->value[ima_bank_index(bank)][pcr],
					      bank->size)) {
				ima_error_openssl(err, "hashing the PCR values");
				goto out;
			}
		}
	}
	if (!EVP_DigestFinal_ex(ctx, out, &n)) {
		ima_error_openssl(err, "hashing the PCR values");
		goto out;
	}
	*out_len = n;
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	return ok;
}
