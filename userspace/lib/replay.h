/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Template-digest verification and PCR replay, one record at a time.
 */
#ifndef IMATAP_REPLAY_H
#define IMATAP_REPLAY_H

#include "bank.h"
#include "binlog.h"
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
	bool padded;			/* the padded SHA-1 chain is replayed */
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

/*
 * Template-digest hashers, one set per thread: SHA-1 and one for each
 * replayed bank other than SHA-1 (bank[i] for banks[i]).
 */
struct ima_replay_hashers {
	struct ima_hasher sha1;
	struct ima_hasher bank[IMA_BANK_COUNT];
};

/*
 * Template digests of one record: SHA-1 and, in bank[i], the digest in
 * the algorithm of replayed bank i other than SHA-1. Unset for violations.
 */
struct ima_replay_digests {
	uint8_t sha1[IMA_SHA1_SIZE];
	uint8_t bank[IMA_BANK_COUNT][IMA_DIGEST_MAX];
};

/* The parts of a record that replaying it reads besides its digests. */
struct ima_replay_entry {
	uint64_t index;
	uint64_t offset;
	uint32_t pcr;
	bool violation;
	unsigned int num_digests;
	const struct ima_digest *digests;	/* logged template digests */
};

struct ima_replay {
	struct ima_replay_hashers hashers;
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
 * ima_replay_record() in two steps, so that the first can run on another
 * thread. ima_replay_hash() computes the template digests of the bytes
 * ima_template_hashed_bytes() returns, with hashers set up for r by
 * ima_replay_hashers_init(). ima_replay_apply() then checks and extends,
 * and must be called in log order.
 */
bool ima_replay_hashers_init(const struct ima_replay *r,
			     struct ima_replay_hashers *hs,
			     struct ima_error *err);
void ima_replay_hashers_free(struct ima_replay_hashers *hs);
bool ima_replay_hash(struct ima_replay_hashers *hs, const uint8_t *bytes,
		     size_t len, struct ima_replay_digests *out);
void ima_replay_entry_of(const struct ima_record *rec,
			 struct ima_replay_entry *e);
bool ima_replay_apply(struct ima_replay *r, const struct ima_replay_entry *e,
		      const struct ima_replay_digests *d,
		      struct ima_error *err);

/*
 * Read every record of log and replay it as ima_replay_record() does,
 * with the template digests computed on a second thread when the process
 * may use two CPUs. Returns the status that ended the reading, with err
 * set as ima_binlog_next() sets it, or IMA_READ_IO_ERROR with err set if
 * replaying failed. On IMA_READ_END and IMA_READ_INCOMPLETE every complete
 * record has been replayed.
 */
enum ima_read_status ima_replay_log(struct ima_replay *r,
				    struct ima_binlog *log,
				    struct ima_error *err);

/*
 * Stop replaying the padded SHA-1 chain in the banks that have reference
 * values, before the first record. A caller that can read the log again
 * calls this, and when ima_replay_needs_padded() returns true at the end,
 * replays the whole log anew with a new ima_replay, which replays both
 * chains. Banks without reference values keep the chain because the
 * report prints its values.
 */
void ima_replay_skip_padded(struct ima_replay *r);

/*
 * Whether a bank skipped the padded SHA-1 chain and its native chain did
 * not match, so that the padded chain could still match. A bank that
 * extends a PCR without reference value matches in neither chain.
 */
bool ima_replay_needs_padded(const struct ima_replay *r);

/*
 * The style whose chain matched in bank b, or IMA_STYLE_COUNT if none did.
 * For SHA-1 both styles are the same and NATIVE is returned.
 */
enum ima_extend_style ima_replay_matched_style(const struct ima_replay *r,
					       unsigned int b);

#endif
