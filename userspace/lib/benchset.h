/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark sets: named groups of controls (for example CIS Benchmark
 * recommendations), each listing the measurements it requires. The JSON
 * format and its schema are in Documentation/appraisal.rst.
 */
#ifndef IMATAP_BENCHSET_H
#define IMATAP_BENCHSET_H

#include "refs.h"

/* The trustworthiness claim of AR4SI that a control's paths count in. */
enum bench_category {
	BENCH_EXECUTABLES,
	BENCH_CONFIGURATION,
	BENCH_FILE_SYSTEM,
};

/* Outcomes, ordered from best to worst. */
enum bench_status {
	BENCH_AFFIRMING,
	BENCH_WARNING,
	BENCH_CONTRAINDICATED,
};

/* A path that must have been measured with one of the digests. */
struct bench_require {
	char *path;		/* as IMA logs it: a space as '_' */
	uint8_t (*digests)[IMA_DIGEST_MAX];
	uint8_t *digest_lens;
	size_t num_digests;
};

struct bench_control {
	char *id;
	char *title;
	enum bench_category category;
	/* The control fails at this status or worse. */
	enum bench_status fail_on;
	struct bench_require *require;
	size_t num_require;
	char **forbid;		/* paths that must not be measured */
	size_t num_forbid;
};

struct bench_set {
	char *name;
	char *title;
	char *policy;		/* the runtime policy path, or NULL */
	struct bench_control *controls;
	size_t num_controls;
	uint8_t digest[32];	/* SHA-256 of the set file */
};

/*
 * Read a set from path. A relative "runtime-policy" is resolved against
 * the set file's folder. On failure err names the file, line and column
 * and nothing is kept.
 */
bool bench_set_load(struct bench_set *set, const char *path,
		    struct ima_error *err);
bool bench_set_parse(struct bench_set *set, const char *path,
		     const char *text, size_t len, struct ima_error *err);
void bench_set_free(struct bench_set *set);

const char *bench_category_name(enum bench_category c);
const char *bench_status_name(enum bench_status s);

#endif
