// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

bool imatap_filter_add_pcr(struct imatap_filter *f, const char *text,
			   struct ima_error *err)
{
	unsigned long pcr;
	char *end;

	errno = 0;
	pcr = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno ||
	    pcr >= IMA_PCR_COUNT) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "invalid PCR \"%s\": expected a number from 0 to %u",
			      text, IMA_PCR_COUNT - 1);
		return false;
	}
	f->pcrs |= 1ULL << pcr;
	return true;
}

static bool add_value(const char **values, unsigned int *count,
		      const char *value, const char *option,
		      struct ima_error *err)
{
	if (!value[0]) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s needs a non-empty value", option);
		return false;
	}
	if (*count >= IMATAP_FILTER_VALUES_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "more than %d %s values", IMATAP_FILTER_VALUES_MAX,
			      option);
		return false;
	}
	values[(*count)++] = value;
	return true;
}

bool imatap_filter_add_template(struct imatap_filter *f, const char *name,
				struct ima_error *err)
{
	return add_value(f->templates, &f->num_templates, name, "--template",
			 err);
}

bool imatap_filter_add_prefix(struct imatap_filter *f, const char *prefix,
			      struct ima_error *err)
{
	return add_value(f->prefixes, &f->num_prefixes, prefix,
			 "--path-prefix", err);
}

bool imatap_path_has_prefix(const uint8_t *name, size_t len,
			    const char *prefix)
{
	size_t n = strlen(prefix);

	if (n == 0 || len < n || memcmp(name, prefix, n) != 0)
		return false;
	return len == n || prefix[n - 1] == '/' || name[n] == '/';
}

static bool template_matches(const struct imatap_filter *f,
			     const struct ima_record *rec)
{
	unsigned int i;

	for (i = 0; i < f->num_templates; i++)
		if (strcmp(rec->template_name, f->templates[i]) == 0)
			return true;
	return f->num_templates == 0;
}

static bool path_matches(const struct imatap_filter *f,
			 const struct ima_record *rec)
{
	const uint8_t *name;
	size_t len;
	unsigned int i;

	if (f->num_prefixes == 0)
		return true;
	if (!ima_record_name(rec, &name, &len) || len == 0)
		return false;
	for (i = 0; i < f->num_prefixes; i++)
		if (imatap_path_has_prefix(name, len, f->prefixes[i]))
			return true;
	return false;
}

bool imatap_filter_match(const struct imatap_filter *f,
			 const struct ima_record *rec)
{
	if (f->pcrs && (rec->pcr >= IMA_PCR_COUNT ||
			!(f->pcrs & (1ULL << rec->pcr))))
		return false;
	return template_matches(f, rec) && path_matches(f, rec);
}
