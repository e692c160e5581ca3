/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything an appraisal judges against, loaded together: reference
 * files, exclude files, signature keys and a benchmark set, and the
 * appraisal policy id that names them in an EAR.
 */
#ifndef IMATAP_REFSET_H
#define IMATAP_REFSET_H

#include "benchset.h"
#include "refs.h"

struct refset_files {
	const char *const *references;
	size_t num_references;
	const char *const *excludes;
	size_t num_excludes;
	const char *const *keys;	/* PEM keys or certificates for ima-sig */
	size_t num_keys;
	const char *set;		/* a benchmark set, or NULL */
};

struct refset {
	struct refs refs;
	struct bench_set set;		/* set.name is NULL without a set */
	/*
	 * SHA-256 chained over the SHA-256 of each reference file in the
	 * order loaded, then, with a set, hashed with the set file's.
	 */
	uint8_t policy_id[32];
};

/*
 * Load the set first (and its runtime policy), then the references,
 * excludes and keys. On failure err names the file and, for a malformed
 * one, the line and column. *malformed is false when a file cannot be read.
 */
bool refset_load(struct refset *rs, const struct refset_files *files,
		 bool *malformed, struct ima_error *err);
void refset_free(struct refset *rs);

#endif
