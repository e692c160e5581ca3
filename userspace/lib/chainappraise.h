/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Appraisal of a chain of batches, batch by batch, as the daemon makes
 * it. One appraisal runs over every entry since the chain's first batch,
 * so that boot_aggregate (only in the first batch), the benchmark
 * controls and "currently good" cover the whole log so far. Each batch's
 * result is that appraisal settled after the batch, with the batch's own
 * verdict counts.
 */
#ifndef IMATAP_CHAINAPPRAISE_H
#define IMATAP_CHAINAPPRAISE_H

#include <openssl/evp.h>

#include "appraise.h"
#include "evidence.h"
#include "refset.h"
#include "verify.h"

struct chain_appraisal {
	const struct refset *rs;
	struct appraise a;
	bool violations_warn;
	uint64_t next_index;	/* the entry the next batch must start at */
};

/* The result of one batch. */
struct batch_appraisal {
	uint64_t first_index;
	uint64_t entries;
	uint64_t counts[VERDICT_COUNT];	/* verdicts of this batch's entries */
	uint64_t failing;		/* this batch's failing entries */
	size_t first_finding;		/* a.findings[] of the first of them */
	const char *status;		/* of every entry of the chain so far */
};

/* rs must outlive ca. Returns false only when out of memory. */
bool chain_appraisal_init(struct chain_appraisal *ca, const struct refset *rs,
			  bool violations_warn);
void chain_appraisal_free(struct chain_appraisal *ca);

/*
 * Judge the entries of the chain's next batch. res is the batch's
 * verification; when a check failed, every claim becomes 99 from this
 * batch on. Fails on a batch that does not start where the previous one
 * ended, a malformed log, or when out of memory.
 */
bool chain_appraise_batch(struct chain_appraisal *ca,
			  const struct evidence *ev,
			  const struct verify_result *res,
			  struct batch_appraisal *out, struct ima_error *err);

/*
 * The batch result as the journal stores it: a JSON object with status,
 * verdict counts, claims, the policy id and up to max_listed failing
 * entries of the batch.
 */
char *batch_appraisal_json(const struct chain_appraisal *ca,
			   const struct batch_appraisal *b, size_t max_listed,
			   struct ima_error *err);

/*
 * One log line about a result: status, failing entries of the batch by
 * verdict and up to max_listed of their names, with bytes outside
 * printable ASCII as \xHH.
 */
void batch_appraisal_summary(const struct chain_appraisal *ca,
			     const struct batch_appraisal *b,
			     size_t max_listed, char *out, size_t size);

/* Sign the chain's claims now as an EAR with eat_nonce nonce. */
bool chain_appraisal_ear(const struct chain_appraisal *ca, EVP_PKEY *key,
			 const uint8_t *nonce, size_t nonce_len,
			 char **token, struct ima_error *err);

#endif
