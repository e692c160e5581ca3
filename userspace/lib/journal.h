/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's journal: a directory with one record file per quoted
 * batch, written crash-safely, and the walk that checks its records as
 * chains. Documentation/daemon.rst describes the layout.
 *
 * A record is an evidence document (evidence.h) with three more CMW
 * records: the nonce, the appraisal result and, when an EAR signing key
 * is configured, the EAR. imatap verify and appraise read a record as
 * evidence, because they ignore unknown members.
 */
#ifndef IMATAP_JOURNAL_H
#define IMATAP_JOURNAL_H

#include "akpub.h"
#include "verify.h"

#define JOURNAL_TYPE_NONCE	"application/vnd.imatap.nonce"
#define JOURNAL_TYPE_APPRAISAL	"application/vnd.imatap.appraisal+json"
#define JOURNAL_TYPE_EAR	"application/eat+jwt"
/* CMW indicator bit for attestation results. */
#define CMW_IND_ATTESTATION_RESULT	8

#define JOURNAL_NONCE_SIZE	32
#define JOURNAL_NONCE_MAX	64
/* "BBBBBB-IIIIIIIIIIII.json": chain number and first index, zero-padded. */
#define JOURNAL_NAME_SIZE	32
#define JOURNAL_CHAIN_MAX	999999U
#define JOURNAL_DAMAGED_DIR	"damaged"

struct journal_record {
	struct evidence ev;
	uint8_t nonce[JOURNAL_NONCE_MAX];
	size_t nonce_len;
	char *appraisal;	/* JSON object text, or NULL */
	char *ear;		/* compact JWS, or NULL */
};

void journal_record_free(struct journal_record *rec);

/* Encode rec as the record file's text; NULL with err set on failure. */
char *journal_record_encode(const struct journal_record *rec,
			    struct ima_error *err);
/* Decode a record. The appraisal and EAR may be absent. */
bool journal_record_decode(const char *text, size_t len,
			   struct journal_record *rec, struct ima_error *err);
bool journal_record_read(int dirfd, const char *name,
			 struct journal_record *rec, struct ima_error *err);

/* Write the name of the record of chain number chain that starts at first. */
void journal_record_name(char name[JOURNAL_NAME_SIZE], unsigned int chain,
			 uint64_t first);
/* Parse a record name; false for every other name. */
bool journal_parse_name(const char *name, unsigned int *chain,
			uint64_t *first);

/*
 * Write data as dirfd/name: to a temporary file whose name starts with a
 * dot, fsynced, then renamed over name, then the directory fsynced. After
 * a crash at any point either the old or the new file is there, and
 * perhaps a temporary file.
 */
bool journal_write_file(int dirfd, const char *name, const void *data,
			size_t len, struct ima_error *err);

struct journal_name {
	char name[JOURNAL_NAME_SIZE];
	unsigned int chain;
	uint64_t first;
};

/* The files of a journal directory. */
struct journal_listing {
	struct journal_name *records;	/* sorted by chain, then first index */
	size_t count;
	unsigned int temp_files;	/* names starting with a dot */
	unsigned int temp_removed;
	unsigned int unknown;		/* other names, besides ak.* and damaged */
	char first_unknown[256];
};

/*
 * List dirfd. With remove_temp, temporary files are deleted: they are
 * records or keys that a crash left before their rename.
 */
bool journal_list(int dirfd, bool remove_temp, struct journal_listing *out,
		  struct ima_error *err);
void journal_listing_free(struct journal_listing *l);

/* Records[begin, end) of the listing that share one chain number. */
void journal_chain_bounds(const struct journal_listing *l, size_t begin,
			  size_t *end);

/* Called for each record of a chain that passed every check. */
typedef bool journal_record_fn(const struct journal_record *rec,
			       const struct verify_result *res, void *arg,
			       struct ima_error *err);

/* The outcome of a walk along one chain. */
struct journal_walk {
	size_t good;			/* records that passed, from the first */
	bool failed;			/* records[good] failed a check */
	struct ima_error why;		/* ... and why */
	struct journal_record last;	/* the last good record */
	uint64_t next_index;		/* the entry after the last good one */
};

/*
 * Check records[begin, end) of l, one chain, in order. Each must decode,
 * carry an appraisal, contain at least one entry and start at the entry
 * its name gives. Each must also verify with ak and its own nonce: the
 * first as the start of a chain at entry 0, each other as the
 * continuation of the one before. Stops at the first that fails. Returns false only when fn or
 * reading the directory fails (then err is set).
 */
bool journal_walk_chain(int dirfd, const struct journal_listing *l,
			size_t begin, size_t end, const struct ak_key *ak,
			journal_record_fn *fn, void *arg,
			struct journal_walk *walk, struct ima_error *err);
void journal_walk_free(struct journal_walk *walk);

/* Move dirfd/name into the damaged subdirectory, made when missing. */
bool journal_set_aside(int dirfd, const char *name, struct ima_error *err);

/* The state a daemon continues from after journal_recover(). */
struct journal_recovery {
	unsigned int temp_removed;
	unsigned int unknown;		/* files that are not records */
	char first_unknown[256];
	size_t set_aside;		/* records moved to damaged/ */
	struct ima_error why;		/* why the first of them failed */
	unsigned int chain;		/* the chain number to write to */
	bool resume;			/* the chain goes on after last */
	struct journal_record last;
	uint64_t next_index;
};

/*
 * Prepare a journal for writing after a start or a crash: remove
 * temporary files, check the last chain with journal_walk_chain(), and
 * move its records from the first that fails on into damaged/. When the
 * good records are of the boot boot_id, the chain resumes after them, and
 * fn was called for each. Otherwise the next chain number starts at
 * entry 0.
 * Returns false on I/O failure, a failure of fn, or a journal with
 * JOURNAL_CHAIN_MAX chains.
 */
bool journal_recover(int dirfd, const struct ak_key *ak, const char *boot_id,
		     journal_record_fn *fn, void *arg,
		     struct journal_recovery *out, struct ima_error *err);
void journal_recovery_free(struct journal_recovery *r);

#endif
