/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verification of an evidence document: every check a verifier makes,
 * in order, each with a name that the report prints when it fails.
 * Documentation/evidence.rst lists them.
 */
#ifndef IMATAP_VERIFY_H
#define IMATAP_VERIFY_H

#include "attest.h"
#include "evidence.h"

struct verify_request {
	const struct ak_key *ak;
	const uint8_t *nonce;		/* NULL: freshness is not checked */
	size_t nonce_len;
	const struct evidence *previous;	/* NULL: the batch must start a chain */
};

struct verify_result {
	const char *failed_check;	/* NULL when every check passed */
	struct ima_error err;
	struct quote_attest attest;
	struct quoted_pcrs pcrs;	/* free with verify_result_free() */
	bool new_chain;			/* the batch starts at index 0 */
	bool rebooted;			/* ... after a TPM reset */
};

/*
 * Run every check on ev. Returns true only if all passed; otherwise
 * res->failed_check names the first that failed and res->err explains why.
 */
bool verify_evidence(const struct evidence *ev,
		     const struct verify_request *req,
		     struct verify_result *res);
void verify_result_free(struct verify_result *res);

#endif
