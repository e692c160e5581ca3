/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry filters of imatap listen: PCR, template name and path prefix.
 * Values of one kind are alternatives; kinds combine, so an entry passes
 * when it matches one value of every kind given.
 */
#ifndef IMATAP_FILTER_H
#define IMATAP_FILTER_H

#include "record.h"

#define IMATAP_FILTER_VALUES_MAX 16	/* values per kind */

struct imatap_filter {
	uint64_t pcrs;			/* bit n: PCR n passes; 0 for any */
	unsigned int num_templates;
	const char *templates[IMATAP_FILTER_VALUES_MAX];
	unsigned int num_prefixes;
	const char *prefixes[IMATAP_FILTER_VALUES_MAX];
};

/*
 * Add one --pcr, --template or --path-prefix value. The strings must
 * outlive the filter. Fails with err set on an invalid value or when a
 * kind has IMATAP_FILTER_VALUES_MAX values already.
 */
bool imatap_filter_add_pcr(struct imatap_filter *f, const char *text,
			   struct ima_error *err);
bool imatap_filter_add_template(struct imatap_filter *f, const char *name,
				struct ima_error *err);
bool imatap_filter_add_prefix(struct imatap_filter *f, const char *prefix,
			      struct ima_error *err);

/*
 * Whether name (len bytes, no NUL) lies under the directory prefix: it
 * equals prefix or continues it after a '/' ("/usr/bin" matches
 * "/usr/bin/ls" but not "/usr/bin2"). A prefix that ends in '/' matches
 * every name that starts with it.
 */
bool imatap_path_has_prefix(const uint8_t *name, size_t len,
			    const char *prefix);

/*
 * Whether rec passes. An entry without an n or n-ng field, or with an
 * empty one, never passes a path-prefix filter.
 */
bool imatap_filter_match(const struct imatap_filter *f,
			 const struct ima_record *rec);

#endif
