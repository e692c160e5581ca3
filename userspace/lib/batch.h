/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Batches of log entries bound to a quote: replaying PCR 10 from the
 * values a batch starts from, and finding where a log meets quoted values.
 */
#ifndef IMATAP_BATCH_H
#define IMATAP_BATCH_H

#include "attest.h"
#include "replay.h"

/* The PCR IMA extends (CONFIG_IMA_MEASURE_PCR_IDX); entries elsewhere are rejected. */
#define IMA_PCR			10
/* PCRs quoted with it: 0-9 feed boot_aggregate. */
#define BATCH_QUOTE_PCRS	0x7ffU

struct batch_replay {
	struct ima_replay replay;
	uint64_t records;
};

/*
 * Start a replay of PCR 10 on the banks in bank_mask from start (indexed
 * like ima_banks). The kernel extends each bank with the template digest
 * in that bank's algorithm, as Linux does since 5.8.
 */
bool batch_replay_init(struct batch_replay *br, unsigned int bank_mask,
		       const uint8_t start[IMA_BANK_COUNT][IMA_DIGEST_MAX],
		       struct ima_error *err);
void batch_replay_free(struct batch_replay *br);

/*
 * Verify rec's template digest and extend PCR 10 with it. Fails on a
 * digest mismatch and on a record for another PCR, which the quote does
 * not cover.
 */
bool batch_replay_record(struct batch_replay *br,
			 const struct ima_record *rec,
			 struct ima_error *err);

/* PCR 10 of bank i (an ima_banks index) as replayed so far. */
const uint8_t *batch_replay_pcr(const struct batch_replay *br,
				unsigned int bank);

/*
 * Whether PCR 10 equals quoted in every bank of the replay; on a
 * mismatch, *bank is the first bank that differs.
 */
bool batch_replay_matches(const struct batch_replay *br,
			  const struct ima_pcr_set *quoted,
			  unsigned int *bank);

/* Where a batch lies within a binary log. */
struct batch_cut {
	bool found;
	size_t begin;		/* byte offset of record first_index */
	size_t end;		/* byte offset after the batch's last record */
	uint64_t entries;
	uint64_t available;	/* records from first_index to the log's end */
};

/*
 * Whether the replay so far meets what the batch must end at: sets *meets
 * and returns true, or returns false with err set.
 */
typedef bool batch_meets_fn(const struct batch_replay *br, const void *arg,
			    bool *meets, struct ima_error *err);

/* A batch_meets_fn: PCR 10 equals the struct ima_pcr_set arg in every bank. */
bool batch_meets_pcrs(const struct batch_replay *br, const void *arg,
		      bool *meets, struct ima_error *err);

/*
 * A quote a batch must replay to. PCR 10 moves on while IMA measures, so
 * the PCRs read after the quote may be newer than the quoted ones; PCRs
 * 0-9 stay put after boot.
 */
struct batch_quote_target {
	const TPML_PCR_SELECTION *selection;	/* the quote's */
	/* The PCRs as read after the quote; PCR 10 takes replayed values. */
	struct ima_pcr_set *values;
	uint16_t hash_alg;		/* the quote's signing hash */
	TPM2B_DIGEST digest;		/* the quote's pcrDigest */
	bool read_is_quoted;		/* values hash to digest as read */
};

/*
 * A batch_meets_fn for a struct batch_quote_target. When the values read
 * hash to the quote's digest, PCR 10 must equal the value read. Otherwise
 * PCR 10 changed after the quote: each replayed PCR 10 joins PCRs 0-9 as
 * read, and they must hash to the digest as the TPM hashed them. On a
 * match, values contains the quoted PCRs.
 */
bool batch_meets_quote(const struct batch_replay *br, const void *arg,
		       bool *meets, struct ima_error *err);

/*
 * Replay the records of log from index first_index on, starting from
 * start, and stop after the first record at which meets(arg) holds.
 * cut->found is false when no record does; an empty batch is found when
 * start already meets it. Fails on a malformed log or a failed template
 * digest.
 */
bool batch_find_cut(const uint8_t *log, size_t len, bool big_endian,
		    uint64_t first_index, unsigned int bank_mask,
		    const uint8_t start[IMA_BANK_COUNT][IMA_DIGEST_MAX],
		    batch_meets_fn *meets, const void *arg,
		    struct batch_cut *cut, struct ima_error *err);

#endif
