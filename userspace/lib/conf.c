// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fileio.h"
#include "hex.h"

enum conf_key {
	KEY_JOURNAL,
	KEY_TCTI,
	KEY_AK_HANDLE,
	KEY_EK_HANDLE,
	KEY_AK_TYPE,
	KEY_BATCH_ENTRIES,
	KEY_BATCH_SECONDS,
	KEY_POLL_SECONDS,
	KEY_REFERENCE,
	KEY_EXCLUDE,
	KEY_SIGNATURE_KEY,
	KEY_BENCHMARK_SET,
	KEY_EAR_KEY,
	KEY_VIOLATIONS,
	KEY_COUNT,
};

static const char *const key_names[KEY_COUNT] = {
	[KEY_JOURNAL] = "journal",
	[KEY_TCTI] = "tcti",
	[KEY_AK_HANDLE] = "ak_handle",
	[KEY_EK_HANDLE] = "ek_handle",
	[KEY_AK_TYPE] = "ak_type",
	[KEY_BATCH_ENTRIES] = "batch_entries",
	[KEY_BATCH_SECONDS] = "batch_seconds",
	[KEY_POLL_SECONDS] = "poll_seconds",
	[KEY_REFERENCE] = "reference",
	[KEY_EXCLUDE] = "exclude",
	[KEY_SIGNATURE_KEY] = "signature_key",
	[KEY_BENCHMARK_SET] = "benchmark_set",
	[KEY_EAR_KEY] = "ear_key",
	[KEY_VIOLATIONS] = "violations",
};

_Static_assert(KEY_COUNT <= 16, "struct daemon_config.lines has 16 slots");

/* Inclusive limits of the integer keys. */
#define BATCH_ENTRIES_MAX	1000000UL
#define SECONDS_MAX		86400UL

static int find_key(const char *name)
{
	int i;

	for (i = 0; i < KEY_COUNT; i++)
		if (strcmp(name, key_names[i]) == 0)
			return i;
	return -1;
}

bool conf_key_repeatable(const char *key)
{
	int k = find_key(key);

	return k == KEY_REFERENCE || k == KEY_EXCLUDE ||
	       k == KEY_SIGNATURE_KEY;
}

bool conf_init(struct daemon_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->journal = strdup(CONF_DEFAULT_JOURNAL);
	cfg->ak_handle = IMATAP_AK_HANDLE;
	cfg->ek_handle = TPM_EK_RSA_HANDLE;
	cfg->ak_kind = AK_ECC_P256;
	cfg->batch_entries = CONF_DEFAULT_BATCH_ENTRIES;
	cfg->batch_seconds = CONF_DEFAULT_BATCH_SECONDS;
	cfg->poll_seconds = CONF_DEFAULT_POLL_SECONDS;
	return cfg->journal != NULL;
}

static void list_clear(struct conf_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void conf_free(struct daemon_config *cfg)
{
	free(cfg->journal);
	free(cfg->tcti);
	free(cfg->benchmark_set);
	free(cfg->ear_key);
	list_clear(&cfg->references);
	list_clear(&cfg->excludes);
	list_clear(&cfg->signature_keys);
	memset(cfg, 0, sizeof(*cfg));
}

static bool list_add(struct conf_list *l, const char *value)
{
	char **items = realloc(l->items, (l->count + 1) * sizeof(*items));

	if (!items)
		return false;
	l->items = items;
	l->items[l->count] = strdup(value);
	if (!l->items[l->count])
		return false;
	l->count++;
	return true;
}

static bool replace_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return false;
	free(*field);
	*field = copy;
	return true;
}

/* A decimal integer from min to max, without sign or trailing bytes. */
static bool parse_ulong(const char *text, unsigned long min,
			unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/*
 * Store value under key k. Errors start with where: "FILE:LINE" or
 * "--option".
 */
static bool set_value(struct daemon_config *cfg, int k, const char *value,
		      const char *where, struct ima_error *err)
{
	unsigned long max = SECONDS_MAX, *number = NULL;
	uint32_t *handle = NULL;
	bool ok = true;

	switch (k) {
	case KEY_JOURNAL:
		ok = replace_string(&cfg->journal, value);
		break;
	case KEY_TCTI:
		ok = replace_string(&cfg->tcti, value);
		break;
	case KEY_BENCHMARK_SET:
		ok = replace_string(&cfg->benchmark_set, value);
		break;
	case KEY_EAR_KEY:
		ok = replace_string(&cfg->ear_key, value);
		break;
	case KEY_REFERENCE:
		ok = list_add(&cfg->references, value);
		break;
	case KEY_EXCLUDE:
		ok = list_add(&cfg->excludes, value);
		break;
	case KEY_SIGNATURE_KEY:
		ok = list_add(&cfg->signature_keys, value);
		break;
	case KEY_AK_HANDLE:
		handle = &cfg->ak_handle;
		break;
	case KEY_EK_HANDLE:
		handle = &cfg->ek_handle;
		break;
	case KEY_AK_TYPE:
		if (strcmp(value, "ecc") != 0 && strcmp(value, "rsa") != 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s: invalid ak_type \"%s\": expected ecc or rsa",
				      where, value);
			return false;
		}
		cfg->ak_kind = strcmp(value, "rsa") == 0 ? AK_RSA_2048
							 : AK_ECC_P256;
		break;
	case KEY_VIOLATIONS:
		if (strcmp(value, "fail") != 0 && strcmp(value, "warn") != 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s: invalid violations \"%s\": expected fail or warn",
				      where, value);
			return false;
		}
		cfg->violations_warn = strcmp(value, "warn") == 0;
		break;
	case KEY_BATCH_ENTRIES:
		number = &cfg->batch_entries;
		max = BATCH_ENTRIES_MAX;
		break;
	case KEY_BATCH_SECONDS:
		number = &cfg->batch_seconds;
		break;
	case KEY_POLL_SECONDS:
		number = &cfg->poll_seconds;
		break;
	}

	if (handle && (!hex_parse_handle(value, handle) ||
		       (*handle >> 24) != 0x81)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: invalid %s \"%s\": expected a persistent handle, 8 hex digits such as 0x81010002",
			      where, key_names[k], value);
		return false;
	}
	if (number && !parse_ulong(value, 1, max, number)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: invalid %s \"%s\": expected an integer from 1 to %lu",
			      where, key_names[k], value, max);
		return false;
	}
	if (!ok)
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: out of memory",
			      where);
	return ok;
}

/* Cut leading and trailing blanks and return the start within s. */
static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\r'))
		s[--len] = 0;
	return s;
}

static bool parse_line(struct daemon_config *cfg, const char *path,
		       unsigned int line, char *text, struct ima_error *err)
{
	char where[300], *eq, *key, *value;
	int k;

	snprintf(where, sizeof(where), "%s:%u", path, line);
	key = trim(text);
	if (!*key || *key == '#')
		return true;
	eq = strchr(key, '=');
	if (!eq) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: expected \"key = value\", got \"%.80s\"",
			      where, key);
		return false;
	}
	*eq = 0;
	value = trim(eq + 1);
	key = trim(key);
	k = find_key(key);
	if (k < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: unknown key \"%.80s\"; imatap.conf(5) lists the keys",
			      where, key);
		return false;
	}
	if (!*value) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: %s has no value", where, key);
		return false;
	}
	if (!conf_key_repeatable(key)) {
		if (cfg->lines[k]) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s: %s is already set on line %u",
				      where, key, cfg->lines[k]);
			return false;
		}
		cfg->lines[k] = line;
	}
	return set_value(cfg, k, value, where, err);
}

bool conf_parse(struct daemon_config *cfg, const char *path,
		const char *text, size_t len, struct ima_error *err)
{
	unsigned int line = 0;
	size_t pos = 0;
	char *buf = NULL;
	bool ok = true;

	while (ok && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		line++;
		if (memchr(text + pos, '\0', end - pos)) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s:%u: the line holds a NUL byte",
				      path, line);
			ok = false;
			break;
		}
		buf = strndup(text + pos, end - pos);
		if (!buf) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s:%u: out of memory", path, line);
			return false;
		}
		ok = parse_line(cfg, path, line, buf, err);
		free(buf);
		pos = end + 1;
	}
	return ok;
}

bool conf_load(struct daemon_config *cfg, const char *path,
	       struct ima_error *err)
{
	uint8_t *text = NULL;
	size_t len = 0;
	bool ok;

	if (!ima_read_file(path, CONF_FILE_MAX, &text, &len, err))
		return false;
	ok = conf_parse(cfg, path, (const char *)text, len, err);
	free(text);
	return ok;
}

bool conf_set_option(struct daemon_config *cfg, const char *key,
		     const char *value, const char *where,
		     struct ima_error *err)
{
	int k = find_key(key);

	if (k < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: unknown key %s",
			      where, key);
		return false;
	}
	if (conf_key_repeatable(key) && !(cfg->lists_replaced & (1U << k))) {
		/* The first option of a list replaces the file's values. */
		list_clear(k == KEY_REFERENCE ? &cfg->references :
			   k == KEY_EXCLUDE ? &cfg->excludes :
					      &cfg->signature_keys);
		cfg->lists_replaced |= 1U << k;
	}
	return set_value(cfg, k, value, where, err);
}
