/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Appraisal of measurement-list entries against reference values and
 * benchmark sets, one record at a time, and the AR4SI trustworthiness
 * claims that follow from it. Documentation/appraisal.rst defines every
 * verdict and claim value.
 */
#ifndef IMATAP_APPRAISE_H
#define IMATAP_APPRAISE_H

#include "benchset.h"
#include "pcrs.h"
#include "refs.h"

enum appraise_verdict {
	/* Passing verdicts. */
	VERDICT_MATCH,			/* the digest is listed for the path */
	VERDICT_EXCLUDED,		/* an exclude expression matched */
	VERDICT_SIGNATURE,		/* the ima-sig signature verified */
	VERDICT_KEYRING,		/* ima-buf key listed for its keyring */
	/* Failing verdicts. */
	VERDICT_UNKNOWN,		/* no reference value for the name */
	VERDICT_NOT_ALLOWED,		/* the digest is not in the list */
	VERDICT_DENIED,			/* a benchmark set forbids the path */
	VERDICT_VIOLATION,		/* IMA logged a ToMToU/open_writers */
	VERDICT_MEASUREMENT_FAILED,	/* all-zero file digest */
	VERDICT_INDETERMINATE,		/* a template without file digest */
	VERDICT_COUNT,
};

/* AR4SI trustworthiness claims made here, indexes of claims[]. */
enum ar4si_claim {
	CLAIM_CONFIGURATION,
	CLAIM_EXECUTABLES,
	CLAIM_FILE_SYSTEM,
	CLAIM_COUNT,
};

#define AR4SI_NO_CLAIM		0
#define AR4SI_APPROVED		2
#define AR4SI_UNSAFE		32	/* also: unrecognized files */
#define AR4SI_UNRECOGNIZED_RT	33
#define AR4SI_CONTRAINDICATED	96
#define AR4SI_CRYPTO_FAILED	99

/* A failing entry, kept for the report. */
struct appraise_finding {
	uint64_t index;
	enum appraise_verdict verdict;
	enum bench_category category;
	char *path;		/* the logged name, NUL-terminated */
	size_t path_len;	/* may hold a newline or non-UTF-8 bytes */
	char *reason;
	bool currently_good;	/* the path's last measurement passed */
};

/* The state of one control after the log was appraised. */
struct control_result {
	enum bench_status status;
	bool failed;		/* status is at or beyond fail_on */
	char *reason;		/* why the status is not affirming */
};

struct appraise_options {
	bool violations_warn;	/* a violation warns instead of failing */
	/* Quoted PCRs from verified evidence: boot_aggregate is checked. */
	const struct ima_pcr_set *quoted;
};

struct appraise_path_slot;

struct appraise {
	const struct refs *refs;
	const struct bench_set *set;
	struct appraise_options opt;

	uint64_t entries;
	uint64_t counts[VERDICT_COUNT];
	struct appraise_finding *findings;
	size_t num_findings;
	size_t cap_findings;

	/* Paths with a failing entry -> state, open addressing. */
	struct appraise_path_slot *bad_paths;
	size_t bad_slot_count;
	size_t bad_count;

	/* Per control, per required path: measured, any bad, last good. */
	uint8_t **require_state;
	bool *forbid_seen;
	struct control_result *controls;

	/* Claims raised by the records alone; appraise_finish() starts here. */
	int record_claims[CLAIM_COUNT];
	int claims[CLAIM_COUNT];
	bool evidence_failed;
	char evidence_reason[600];

	/* Scratch for the NUL-terminated name of the current record. */
	char *name;
	size_t name_cap;
};

/* set may be NULL. Returns false only when out of memory. */
bool appraise_init(struct appraise *a, const struct refs *refs,
		   const struct bench_set *set,
		   const struct appraise_options *opt);
void appraise_free(struct appraise *a);

/* Judge one record. Returns false only when out of memory. */
bool appraise_record(struct appraise *a, const struct ima_record *rec);

/*
 * Mark the evidence as failed verification: every claim becomes
 * AR4SI_CRYPTO_FAILED, whatever the entries' verdicts.
 */
void appraise_evidence_failed(struct appraise *a, const char *check,
			      const char *why);

/*
 * Settle the controls and claims after the last record. More records may
 * follow, and a later call settles them again over every record so far,
 * as the daemon does after each batch. Returns false only when out of
 * memory.
 */
bool appraise_finish(struct appraise *a);

const char *appraise_verdict_name(enum appraise_verdict v);
bool appraise_verdict_passes(enum appraise_verdict v);

/* The AR4SI tier of a claim value: "none", "affirming", "warning", ... */
const char *ar4si_tier(int value);
/* The EAR status of all claims: the worst tier. */
const char *appraise_status(const struct appraise *a);
const char *ar4si_claim_name(enum ar4si_claim c);

#endif
