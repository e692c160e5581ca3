/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPMS_ATTEST of a quote and TPMT_SIGNATURE: parsing the TPM's big-endian
 * encoding (TPM 2.0 Library, Part 2: Structures) and the checks a verifier
 * makes on them. Needs no TPM.
 */
#ifndef IMATAP_ATTEST_H
#define IMATAP_ATTEST_H

#include <tss2/tss2_tpm2_types.h>

#include "akpub.h"
#include "pcrs.h"

/* The fields of a TPMS_ATTEST whose type is TPM_ST_ATTEST_QUOTE. */
struct quote_attest {
	uint32_t magic;
	uint16_t type;
	TPM2B_NAME signer;	/* qualifiedSigner */
	TPM2B_DATA extra;	/* extraData: the nonce */
	TPMS_CLOCK_INFO clock;
	uint64_t firmware;
	TPML_PCR_SELECTION selection;
	TPM2B_DIGEST pcr_digest;
};

/*
 * Parse a TPMS_ATTEST. Fails, naming the rule, if the magic is not
 * TPM_GENERATED_VALUE, the type is not TPM_ST_ATTEST_QUOTE, a size field
 * exceeds its structure or the bytes run short or long.
 */
bool attest_parse(const uint8_t *data, size_t len, struct quote_attest *a,
		  struct ima_error *err);

/* A TPMT_SIGNATURE with an RSASSA or ECDSA signature. */
struct quote_signature {
	uint16_t sig_alg;
	uint16_t hash_alg;
	uint8_t rsa[512];	/* RSASSA: the signature */
	uint16_t rsa_len;
	uint8_t r[66], s[66];	/* ECDSA: r and s */
	uint16_t r_len, s_len;
};

bool signature_parse(const uint8_t *data, size_t len,
		     struct quote_signature *sig, struct ima_error *err);

/*
 * Verify sig over the attest bytes with key, which accepts exactly the
 * scheme and hash fixed in key: a signature of any other scheme fails
 * without being tried.
 */
bool signature_verify(const struct ak_key *key,
		      const struct quote_signature *sig,
		      const uint8_t *attest, size_t attest_len,
		      struct ima_error *err);

/*
 * The PCR values a quote carries: a marshalled TPML_PCR_SELECTION
 * followed by the values of the selected PCRs, bank by bank in selection
 * order and PCR by PCR in ascending order, each as long as its bank's
 * digest.
 */
struct quoted_pcrs {
	TPML_PCR_SELECTION selection;
	struct ima_pcr_set values;
	/* The values in selection order, as TPM2_Quote hashes them. */
	uint8_t *concat;
	size_t concat_len;
};

bool quoted_pcrs_parse(const uint8_t *data, size_t len,
		       struct quoted_pcrs *q, struct ima_error *err);
void quoted_pcrs_free(struct quoted_pcrs *q);

/* Encode selection and set in the format quoted_pcrs_parse() reads. */
bool quoted_pcrs_encode(const TPML_PCR_SELECTION *selection,
			const struct ima_pcr_set *set, uint8_t **data,
			size_t *len, struct ima_error *err);

/* Whether two selections list the same banks, in order, and PCRs. */
bool pcr_selection_equal(const TPML_PCR_SELECTION *a,
			 const TPML_PCR_SELECTION *b);

/* Hash the concatenated PCR values with hash_alg into out. */
bool pcr_digest(uint16_t hash_alg, const struct quoted_pcrs *q,
		uint8_t *out, size_t *out_len, struct ima_error *err);

/*
 * The same digest straight from a set: the values selection picks, in
 * the order TPM2_Quote hashes them. Fails if the set lacks one.
 */
bool pcr_set_digest(uint16_t hash_alg, const TPML_PCR_SELECTION *selection,
		    const struct ima_pcr_set *set, uint8_t *out,
		    size_t *out_len, struct ima_error *err);

#endif
