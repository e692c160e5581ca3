// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_rc.h>

#include "ak.h"

#define AK_ATTRIBUTES	(TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT | \
			 TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
			 TPMA_OBJECT_SENSITIVEDATAORIGIN | \
			 TPMA_OBJECT_USERWITHAUTH)

/* The templates tpm2_createak uses for -G ecc -s ecdsa and -G rsa -s rsassa. */
static void ak_template(enum ak_kind kind, TPM2B_PUBLIC *t)
{
	memset(t, 0, sizeof(*t));
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes = AK_ATTRIBUTES;
	if (kind == AK_ECC_P256) {
		TPMS_ECC_PARMS *ecc = &t->publicArea.parameters.eccDetail;

		t->publicArea.type = TPM2_ALG_ECC;
		ecc->symmetric.algorithm = TPM2_ALG_NULL;
		ecc->scheme.scheme = TPM2_ALG_ECDSA;
		ecc->scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		ecc->curveID = TPM2_ECC_NIST_P256;
		ecc->kdf.scheme = TPM2_ALG_NULL;
	} else {
		TPMS_RSA_PARMS *rsa = &t->publicArea.parameters.rsaDetail;

		t->publicArea.type = TPM2_ALG_RSA;
		rsa->symmetric.algorithm = TPM2_ALG_NULL;
		rsa->scheme.scheme = TPM2_ALG_RSASSA;
		rsa->scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
		rsa->keyBits = 2048;
		rsa->exponent = 0;
	}
}

/*
 * The TCG EK Credential Profile's default RSA 2048 EK template (low
 * range), whose authPolicy is PolicySecret(TPM_RH_ENDORSEMENT).
 */
static void ek_template(TPM2B_PUBLIC *t)
{
	static const uint8_t policy_a_sha256[32] = {
		0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8,
		0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
		0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64,
		0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
	};
	TPMS_RSA_PARMS *rsa = &t->publicArea.parameters.rsaDetail;

	memset(t, 0, sizeof(*t));
	t->publicArea.type = TPM2_ALG_RSA;
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes =
		TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
	t->publicArea.authPolicy.size = sizeof(policy_a_sha256);
	memcpy(t->publicArea.authPolicy.buffer, policy_a_sha256,
	       sizeof(policy_a_sha256));
	rsa->symmetric.algorithm = TPM2_ALG_AES;
	rsa->symmetric.keyBits.aes = 128;
	rsa->symmetric.mode.aes = TPM2_ALG_CFB;
	rsa->scheme.scheme = TPM2_ALG_NULL;
	rsa->keyBits = 2048;
	rsa->exponent = 0;
	t->publicArea.unique.rsa.size = 256;
}

static bool matches_kind(const TPMT_PUBLIC *area, enum ak_kind kind)
{
	if ((area->objectAttributes & AK_ATTRIBUTES) != AK_ATTRIBUTES)
		return false;
	if (kind == AK_ECC_P256)
		return area->type == TPM2_ALG_ECC &&
		       area->parameters.eccDetail.curveID == TPM2_ECC_NIST_P256 &&
		       area->parameters.eccDetail.scheme.scheme == TPM2_ALG_ECDSA;
	return area->type == TPM2_ALG_RSA &&
	       area->parameters.rsaDetail.keyBits == 2048 &&
	       area->parameters.rsaDetail.scheme.scheme == TPM2_ALG_RSASSA;
}

/* Load the EK from ek_handle, or create a transient one (*transient). */
static bool get_ek(struct imatap_tpm *tpm, TPM2_HANDLE ek_handle,
		   ESYS_TR *ek, bool *transient, struct ima_error *err)
{
	TPM2B_SENSITIVE_CREATE sensitive = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION no_pcrs = { 0 };
	TPM2B_PUBLIC tmpl;
	bool exists;
	TSS2_RC rc;

	*transient = false;
	if (!tpm_persistent_exists(tpm, ek_handle, &exists, err))
		return false;
	if (exists) {
		rc = Esys_TR_FromTPMPublic(tpm->esys, ek_handle, ESYS_TR_NONE,
					   ESYS_TR_NONE, ESYS_TR_NONE, ek);
		if (rc != TSS2_RC_SUCCESS) {
			tpm_error_rc(err, "Esys_TR_FromTPMPublic(EK)", rc);
			return false;
		}
		return true;
	}

	ek_template(&tmpl);
	rc = Esys_CreatePrimary(tpm->esys, ESYS_TR_RH_ENDORSEMENT,
				ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&sensitive, &tmpl, &outside, &no_pcrs, ek,
				NULL, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_CreatePrimary(EK)", rc);
		return false;
	}
	*transient = true;
	return true;
}

/* A policy session satisfying the EK's PolicySecret(TPM_RH_ENDORSEMENT). */
static bool start_ek_session(struct imatap_tpm *tpm, ESYS_TR *session,
			     struct ima_error *err)
{
	TPMT_SYM_DEF symmetric = { .algorithm = TPM2_ALG_NULL };
	TSS2_RC rc;

	rc = Esys_StartAuthSession(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   NULL, TPM2_SE_POLICY, &symmetric,
				   TPM2_ALG_SHA256, session);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_StartAuthSession", rc);
		return false;
	}
	rc = Esys_PolicySecret(tpm->esys, ESYS_TR_RH_ENDORSEMENT, *session,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       NULL, NULL, NULL, 0, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_PolicySecret(TPM_RH_ENDORSEMENT)", rc);
		tpm_flush(tpm, session);
		return false;
	}
	return true;
}

static bool create_ak(struct imatap_tpm *tpm, enum ak_kind kind,
		      TPM2_HANDLE ek_handle, TPM2_HANDLE ak_handle,
		      struct ima_error *err)
{
	TPM2B_SENSITIVE_CREATE sensitive = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION no_pcrs = { 0 };
	TPM2B_PRIVATE *private = NULL;
	TPM2B_PUBLIC *public = NULL;
	TPM2B_PUBLIC tmpl;
	ESYS_TR ek = ESYS_TR_NONE, session = ESYS_TR_NONE;
	ESYS_TR ak = ESYS_TR_NONE, persistent = ESYS_TR_NONE;
	bool ek_transient = false, ok = false;
	TSS2_RC rc;

	ak_template(kind, &tmpl);
	if (!get_ek(tpm, ek_handle, &ek, &ek_transient, err))
		goto out;

	if (!start_ek_session(tpm, &session, err))
		goto out;
	rc = Esys_Create(tpm->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE,
			 &sensitive, &tmpl, &outside, &no_pcrs, &private,
			 &public, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_Create(AK)", rc);
		goto out;
	}
	/* The TPM resets a policy session after use, so satisfy the policy anew. */
	tpm_flush(tpm, &session);
	if (!start_ek_session(tpm, &session, err))
		goto out;
	rc = Esys_Load(tpm->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE,
		       private, public, &ak);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_Load(AK)", rc);
		goto out;
	}
	rc = Esys_EvictControl(tpm->esys, ESYS_TR_RH_OWNER, ak,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       ak_handle, &persistent);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_EvictControl(AK)", rc);
		goto out;
	}
	Esys_TR_Close(tpm->esys, &persistent);
	ok = true;
out:
	tpm_flush(tpm, &session);
	tpm_flush(tpm, &ak);
	if (ek_transient)
		tpm_flush(tpm, &ek);
	else if (ek != ESYS_TR_NONE)
		Esys_TR_Close(tpm->esys, &ek);
	free(private);
	free(public);
	return ok;
}

bool tpm_ak_provision(struct imatap_tpm *tpm, enum ak_kind kind,
		      TPM2_HANDLE ek_handle, TPM2_HANDLE ak_handle,
		      TPM2B_PUBLIC **pub, bool *created,
		      struct ima_error *err)
{
	TPM2B_NAME *name = NULL;
	bool exists;

	*pub = NULL;
	*created = false;
	if (!tpm_persistent_exists(tpm, ak_handle, &exists, err))
		return false;
	if (!exists) {
		if (!create_ak(tpm, kind, ek_handle, ak_handle, err))
			return false;
		*created = true;
	}
	if (!tpm_read_public(tpm, ak_handle, pub, &name, err))
		return false;
	free(name);

	if (!matches_kind(&(*pub)->publicArea, kind)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "handle 0x%08x holds a key that is not a restricted %s signing key; choose another --handle or remove it with tpm2_evictcontrol -c 0x%08x",
			      ak_handle,
			      kind == AK_ECC_P256 ? "ECC P-256 ECDSA" : "RSA 2048 RSASSA",
			      ak_handle);
		free(*pub);
		*pub = NULL;
		return false;
	}
	return true;
}
