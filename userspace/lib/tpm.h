/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM access through tpm2-tss ESAPI: opening a TCTI, reading PCRs and
 * quoting them. Every error names the ESAPI call and the return code as
 * Tss2_RC_Decode() decodes it.
 */
#ifndef IMATAP_TPM_H
#define IMATAP_TPM_H

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "pcrs.h"

/* Environment variable naming the TCTI, as tpm2-tools reads it. */
#define IMATAP_TCTI_ENV		"TPM2TOOLS_TCTI"

struct imatap_tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

/*
 * Open the TPM through the TCTI conf ("device:/dev/tpmrm0",
 * "swtpm:host=127.0.0.1,port=2321", "mssim:"). A NULL conf takes
 * $TPM2TOOLS_TCTI, and without it the tctildr default list.
 */
bool tpm_open(struct imatap_tpm *tpm, const char *conf,
	      struct ima_error *err);
void tpm_close(struct imatap_tpm *tpm);

/* Set err to "CALL failed: <decoded rc>". */
void tpm_error_rc(struct ima_error *err, const char *call, TSS2_RC rc);

/* Flush a transient object or session; ESYS_TR_NONE is ignored. */
void tpm_flush(struct imatap_tpm *tpm, ESYS_TR *handle);

/*
 * Build the selection of PCRs in pcr_mask (bit n: PCR n) on every bank
 * that is allocated in the TPM and known to ima_banks, in the TPM's bank
 * order.
 */
bool tpm_pcr_selection(struct imatap_tpm *tpm, uint32_t pcr_mask,
		       TPML_PCR_SELECTION *sel, struct ima_error *err);

/* Read every PCR in sel into set. */
bool tpm_pcr_read(struct imatap_tpm *tpm, const TPML_PCR_SELECTION *sel,
		  struct ima_pcr_set *set, struct ima_error *err);

/* A signed quote as the TPM returned it. */
struct tpm_quote {
	TPM2B_ATTEST *attest;
	TPMT_SIGNATURE *signature;
};

/*
 * Quote sel with the key at persistent handle ak_handle, with nonce as
 * qualifying data and the key's own signing scheme.
 */
bool tpm_quote(struct imatap_tpm *tpm, TPM2_HANDLE ak_handle,
	       const TPML_PCR_SELECTION *sel, const uint8_t *nonce,
	       size_t nonce_len, struct tpm_quote *quote,
	       struct ima_error *err);
void tpm_quote_free(struct tpm_quote *quote);

/* Set *exists to whether a persistent object sits at handle. */
bool tpm_persistent_exists(struct imatap_tpm *tpm, TPM2_HANDLE handle,
			   bool *exists, struct ima_error *err);

/* Read the public area and name of the object at a persistent handle. */
bool tpm_read_public(struct imatap_tpm *tpm, TPM2_HANDLE handle,
		     TPM2B_PUBLIC **pub, TPM2B_NAME **name,
		     struct ima_error *err);

#endif
