/* SPDX-License-Identifier: GPL-2.0 */
/* Attestation key provisioning under the endorsement key. */
#ifndef IMATAP_AK_H
#define IMATAP_AK_H

#include "tpm.h"

/* Persistent handles: the TCG EK credential profile's RSA EK, our AK. */
#define TPM_EK_RSA_HANDLE	0x81010001U
#define IMATAP_AK_HANDLE	0x81010002U

enum ak_kind {
	AK_ECC_P256,	/* ECDSA with SHA-256 */
	AK_RSA_2048,	/* RSASSA PKCS#1 v1.5 with SHA-256 */
};

/*
 * Make sure a restricted signing key of the given kind sits at ak_handle,
 * creating it as a child of the EK at ek_handle if the handle is free
 * (then *created is true). Without an EK at ek_handle a transient RSA EK is
 * made from the TCG default template. Fails if ak_handle holds another
 * kind of key. Sets *pub to the key's public area, for the caller to free.
 */
bool tpm_ak_provision(struct imatap_tpm *tpm, enum ak_kind kind,
		      TPM2_HANDLE ek_handle, TPM2_HANDLE ak_handle,
		      TPM2B_PUBLIC **pub, bool *created,
		      struct ima_error *err);

#endif
