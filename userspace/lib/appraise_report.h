/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outputs of an appraisal: the report for a terminal and the posture
 * summary in JSON (Documentation/appraisal.rst describes its members).
 */
#ifndef IMATAP_APPRAISE_REPORT_H
#define IMATAP_APPRAISE_REPORT_H

#include <stdio.h>

#include "appraise.h"

#define APPRAISE_LOG_DIGEST_SIZE	32	/* SHA-256 */

/* Facts about the appraised input besides the verdicts. */
struct appraise_input_info {
	const uint8_t *log_digest;	/* SHA-256 of the log bytes, or NULL */
	const struct ima_pcr_set *pcrs;	/* PCRs of verified evidence, or NULL */
};

/*
 * Write the report: failing entries first with index, path (bytes outside
 * printable ASCII as \xHH) and reason, then the controls, the verdict
 * counts, the claims, the log digest and the status.
 */
void appraise_report_text(FILE *out, const struct appraise *a,
			  const struct appraise_input_info *info);

/* The posture summary as JSON ending in a newline; NULL if out of memory. */
char *appraise_report_json(const struct appraise *a,
			   const struct appraise_input_info *info);

#endif
