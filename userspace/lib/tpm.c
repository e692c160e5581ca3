// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_rc.h>

#include "tpm.h"

void tpm_error_rc(struct ima_error *err, const char *call, TSS2_RC rc)
{
	ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s failed: %s (0x%x)",
		      call, Tss2_RC_Decode(rc), rc);
}

bool tpm_open(struct imatap_tpm *tpm, const char *conf,
	      struct ima_error *err)
{
	TSS2_RC rc;

	memset(tpm, 0, sizeof(*tpm));
	if (!conf)
		conf = getenv(IMATAP_TCTI_ENV);
	if (conf && !*conf)
		conf = NULL;

	rc = Tss2_TctiLdr_Initialize(conf, &tpm->tcti);
	if (rc != TSS2_RC_SUCCESS) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "opening the TPM through TCTI \"%s\" failed: Tss2_TctiLdr_Initialize: %s; pass --tcti or set "
			      IMATAP_TCTI_ENV,
			      conf ? conf : "(tctildr default)",
			      Tss2_RC_Decode(rc));
		return false;
	}
	rc = Esys_Initialize(&tpm->esys, tpm->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_Initialize", rc);
		Tss2_TctiLdr_Finalize(&tpm->tcti);
		return false;
	}
	return true;
}

void tpm_close(struct imatap_tpm *tpm)
{
	if (tpm->esys)
		Esys_Finalize(&tpm->esys);
	if (tpm->tcti)
		Tss2_TctiLdr_Finalize(&tpm->tcti);
}

void tpm_flush(struct imatap_tpm *tpm, ESYS_TR *handle)
{
	if (*handle == ESYS_TR_NONE)
		return;
	/*
	 * Without a resource manager (swtpm, mssim) a transient object or
	 * session stays loaded until flushed. A failed flush is harmless
	 * here: the handle is gone or the TPM is unreachable anyway.
	 */
	(void)Esys_FlushContext(tpm->esys, *handle);
	*handle = ESYS_TR_NONE;
}

bool tpm_pcr_selection(struct imatap_tpm *tpm, uint32_t pcr_mask,
		       TPML_PCR_SELECTION *sel, struct ima_error *err)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	uint32_t i;

	memset(sel, 0, sizeof(*sel));
	rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_GetCapability(TPM2_CAP_PCRS)", rc);
		return false;
	}

	for (i = 0; i < cap->data.assignedPCR.count; i++) {
		const TPMS_PCR_SELECTION *bank =
			&cap->data.assignedPCR.pcrSelections[i];
		TPMS_PCR_SELECTION *out = &sel->pcrSelections[sel->count];
		bool allocated = false;
		uint8_t j;

		for (j = 0; j < bank->sizeofSelect; j++)
			allocated |= bank->pcrSelect[j] != 0;
		if (!allocated || !ima_bank_by_alg(bank->hash))
			continue;
		out->hash = bank->hash;
		out->sizeofSelect = 3;
		out->pcrSelect[0] = pcr_mask & 0xff;
		out->pcrSelect[1] = (pcr_mask >> 8) & 0xff;
		out->pcrSelect[2] = (pcr_mask >> 16) & 0xff;
		sel->count++;
	}
	free(cap);

	if (sel->count == 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the TPM has no allocated PCR bank of sha1, sha256, sha384, sha512 or sm3");
		return false;
	}
	return true;
}

/* Store the digests TPM2_PCR_Read returned for the selection it reports. */
static bool store_pcr_values(const TPML_PCR_SELECTION *done,
			     const TPML_DIGEST *values, struct ima_pcr_set *set,
			     TPML_PCR_SELECTION *left, struct ima_error *err)
{
	uint32_t i, v = 0;
	unsigned int pcr;

	for (i = 0; i < done->count; i++) {
		const TPMS_PCR_SELECTION *s = &done->pcrSelections[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(s->hash);
		uint32_t k;

		for (pcr = 0; pcr < 8U * s->sizeofSelect; pcr++) {
			if (!(s->pcrSelect[pcr / 8] & (1U << (pcr % 8))))
				continue;
			if (!bank || v >= values->count ||
			    values->digests[v].size != bank->size ||
			    pcr >= TPM_PCR_COUNT) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "TPM2_PCR_Read returned digests that do not fit its selection");
				return false;
			}
			memcpy(set->value[ima_bank_index(bank)][pcr],
			       values->digests[v].buffer, bank->size);
			set->have[ima_bank_index(bank)][pcr] = true;
			v++;
			for (k = 0; k < left->count; k++)
				if (left->pcrSelections[k].hash == s->hash)
					left->pcrSelections[k].pcrSelect[pcr / 8] &=
						(uint8_t)~(1U << (pcr % 8));
		}
	}
	return true;
}

static bool selection_empty(const TPML_PCR_SELECTION *sel)
{
	uint32_t i;
	uint8_t j;

	for (i = 0; i < sel->count; i++)
		for (j = 0; j < sel->pcrSelections[i].sizeofSelect; j++)
			if (sel->pcrSelections[i].pcrSelect[j])
				return false;
	return true;
}

bool tpm_pcr_read(struct imatap_tpm *tpm, const TPML_PCR_SELECTION *sel,
		  struct ima_pcr_set *set, struct ima_error *err)
{
	TPML_PCR_SELECTION left = *sel;
	unsigned int rounds;
	bool ok = true;

	memset(set, 0, sizeof(*set));
	/* TPM2_PCR_Read returns at most 8 digests per call. */
	for (rounds = 0; ok && !selection_empty(&left); rounds++) {
		TPML_PCR_SELECTION *done = NULL;
		TPML_DIGEST *values = NULL;
		UINT32 counter;
		TSS2_RC rc;

		if (rounds > 8 * TPM2_NUM_PCR_BANKS) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "TPM2_PCR_Read returned no progress on the selection");
			return false;
		}
		rc = Esys_PCR_Read(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &left, &counter, &done,
				   &values);
		if (rc != TSS2_RC_SUCCESS) {
			tpm_error_rc(err, "Esys_PCR_Read", rc);
			return false;
		}
		if (selection_empty(done)) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "TPM2_PCR_Read returned no PCR of the selection");
			ok = false;
		} else {
			ok = store_pcr_values(done, values, set, &left, err);
		}
		free(done);
		free(values);
	}
	return ok;
}

bool tpm_persistent_exists(struct imatap_tpm *tpm, TPM2_HANDLE handle,
			   bool *exists, struct ima_error *err)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1,
				&more, &cap);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_GetCapability(TPM2_CAP_HANDLES)", rc);
		return false;
	}
	*exists = cap->data.handles.count > 0 &&
		  cap->data.handles.handle[0] == handle;
	free(cap);
	return true;
}

bool tpm_read_public(struct imatap_tpm *tpm, TPM2_HANDLE handle,
		     TPM2B_PUBLIC **pub, TPM2B_NAME **name,
		     struct ima_error *err)
{
	ESYS_TR object = ESYS_TR_NONE;
	TPM2B_NAME *qualified = NULL;
	TSS2_RC rc;

	*pub = NULL;
	*name = NULL;
	rc = Esys_TR_FromTPMPublic(tpm->esys, handle, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &object);
	if (rc != TSS2_RC_SUCCESS) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "no object at handle 0x%08x: Esys_TR_FromTPMPublic failed: %s",
			      handle, Tss2_RC_Decode(rc));
		return false;
	}
	rc = Esys_ReadPublic(tpm->esys, object, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, pub, name, &qualified);
	free(qualified);
	/* Closing the ESYS_TR of a persistent object leaves it in the TPM. */
	Esys_TR_Close(tpm->esys, &object);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_ReadPublic", rc);
		return false;
	}
	return true;
}

bool tpm_quote(struct imatap_tpm *tpm, TPM2_HANDLE ak_handle,
	       const TPML_PCR_SELECTION *sel, const uint8_t *nonce,
	       size_t nonce_len, struct tpm_quote *quote,
	       struct ima_error *err)
{
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
	TPM2B_DATA qualifying = { 0 };
	ESYS_TR ak = ESYS_TR_NONE;
	TSS2_RC rc;

	memset(quote, 0, sizeof(*quote));
	if (nonce_len > sizeof(qualifying.buffer)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the nonce has %zu bytes; a TPM2B_DATA holds at most %zu",
			      nonce_len, sizeof(qualifying.buffer));
		return false;
	}
	qualifying.size = (UINT16)nonce_len;
	memcpy(qualifying.buffer, nonce, nonce_len);

	rc = Esys_TR_FromTPMPublic(tpm->esys, ak_handle, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &ak);
	if (rc != TSS2_RC_SUCCESS) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "no attestation key at handle 0x%08x (run imatap provision): Esys_TR_FromTPMPublic failed: %s",
			      ak_handle, Tss2_RC_Decode(rc));
		return false;
	}
	/* TPM2_ALG_NULL: sign with the scheme fixed in the key's template. */
	rc = Esys_Quote(tpm->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			ESYS_TR_NONE, &qualifying, &scheme, sel,
			&quote->attest, &quote->signature);
	Esys_TR_Close(tpm->esys, &ak);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_Quote", rc);
		return false;
	}
	return true;
}

void tpm_quote_free(struct tpm_quote *quote)
{
	free(quote->attest);
	free(quote->signature);
	quote->attest = NULL;
	quote->signature = NULL;
}
