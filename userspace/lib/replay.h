/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Template-digest verification and PCR replay, one record at a time.
 */
#ifndef IMATAP_REPLAY_H
#define IMATAP_REPLAY_H

#include "bank.h"
#include "pcrs.h"

/*
 * How the kernel extends a non-SHA-1 bank: since Linux 5.8 with the
 * template digest computed in the bank's algorithm, before that with the
 * SHA-1 template digest zero-padded to the bank's size.
 */
enum ima_extend_style {
	IMA_STYLE_NATIVE,
	IMA_STYLE_PADDED_SHA1,
	IMA_STYLE_COUNT,
};

struct ima_replay_chain {
	uint8_t pcr[IMA_PCR_COUNT][IMA_DIGEST_MAX];
	unsigned int mismatched;	/* extended PCRs unequal to reference */
	bool matched;
	uint64_t matched_after;		/* index of the record that matched */
};

struct ima_replay_bank {
	const struct ima_bank_info *info;
	struct ima_hasher hasher;
	bool compare;			/* reference values were given */
	int missing_pcr;		/* extended PCR without reference, or -1 */
	struct ima_replay_chain chain[IMA_STYLE_COUNT];
};

/* A template-digest check that failed, kept for the report. */
struct ima_digest_failure {
	uint64_t index;
	uint64_t offset;
	uint16_t tpm_alg;
	uint8_t len;
	uint8_t logged[IMA_DIGEST_MAX];
	uint8_t computed[IMA_DIGEST_MAX];
};

#define IMA_FAILURES_KEPT 16

struct ima_replay {
	struct ima_hasher sha1;
	unsigned int num_banks;
	struct ima_replay_bank banks[IMA_BANK_COUNT];
	const struct ima_pcr_set *reference;

	uint64_t extended;		/* bit n: some record extended PCR n */
	uint64_t records;
	uint64_t violations;
	uint64_t verified;		/* template digests recomputed and equal */
	uint64_t padded_slots;		/* slots holding padded SHA-1 */
	uint64_t unchecked_slots;	/* slots of algorithms OpenSSL lacks */
	uint64_t failed;
	struct ima_digest_failure failures[IMA_FAILURES_KEPT];
};

/*
 * Set up a replay of the banks in bank_mask (bit i: ima_banks[i]), compared
 * against reference (NULL: compute only). The SHA-1 digest is always
 * computed because the log's template digests are SHA-1.
 */
bool ima_replay_init(struct ima_replay *r, unsigned int bank_mask,
		     const struct ima_pcr_set *reference,
		     struct ima_error *err);
void ima_replay_free(struct ima_replay *r);

/* Verify the record's template digests and extend every bank with it. */
bool ima_replay_record(struct ima_replay *r, const struct ima_record *rec,
		       struct ima_error *err);

/*
 * The style whose chain matched in bank b, or IMA_STYLE_COUNT if none did.
 * For SHA-1 both styles are the same and NATIVE is returned.
 */
enum ima_extend_style ima_replay_matched_style(const struct ima_replay *r,
					       unsigned int b);

#endif
