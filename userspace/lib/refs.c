// SPDX-License-Identifier: GPL-2.0
/*
 * Loading reference files into struct refs as a whole or not at all, and
 * the exclude expressions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

#include "fileio.h"
#include "refs.h"

/* Largest reference file read: far above a policy of 10 million paths. */
#define REFS_FILE_MAX	((size_t)4 << 30)
/* Maximum length of an exclude expression: far above any path pattern. */
#define REFS_EXCLUDE_MAX	4096

bool refs_digest_size_valid(size_t len)
{
	return len == 16 || len == 20 || len == 28 || len == 32 ||
	       len == 48 || len == 64;
}

void refs_init(struct refs *r)
{
	memset(r, 0, sizeof(*r));
}

static void free_excludes(struct refs_exclude *ex, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		regfree(&ex[i].re);
		free(ex[i].source);
		free(ex[i].where);
	}
	free(ex);
}

void refs_free(struct refs *r)
{
	size_t i;

	refs_table_free(&r->files);
	refs_table_free(&r->keyrings);
	refs_table_free(&r->ima_buf);
	free_excludes(r->excludes, r->num_excludes);
	for (i = 0; i < r->num_ignored; i++)
		free(r->ignored_keyrings[i]);
	free(r->ignored_keyrings);
	for (i = 0; i < r->num_keys; i++)
		EVP_PKEY_free(r->keys[i].pkey);
	free(r->keys);
	memset(r, 0, sizeof(*r));
}

static bool merge_table(struct refs_table *dst, const struct refs_table *src)
{
	size_t i;

	for (i = 0; i < src->slot_count; i++) {
		const struct refs_slot *s = &src->slots[i];
		uint64_t node;

		if (!s->key_off)
			continue;
		memcpy(&node, src->arena + s->key_off - 8, 8);
		while (node) {
			if (!refs_table_add(dst, (const char *)src->arena + s->key_off,
					    s->key_len, src->arena + node + 9,
					    src->arena[node + 8], false))
				return false;
			memcpy(&node, src->arena + node, 8);
		}
	}
	return true;
}

static bool append(void **array, size_t *count, const void *items,
		   size_t n, size_t size)
{
	uint8_t *grown;

	if (!n)
		return true;
	grown = realloc(*array, (*count + n) * size);
	if (!grown)
		return false;
	memcpy(grown + *count * size, items, n * size);
	*array = grown;
	*count += n;
	return true;
}

/*
 * Move everything in src into dst. With an empty dst the tables are
 * handed over as they are, so a large first policy is never copied.
 */
static bool refs_merge(struct refs *dst, struct refs *src)
{
	size_t n;

	if (dst->files.count == 0) {
		refs_table_free(&dst->files);
		dst->files = src->files;
		memset(&src->files, 0, sizeof(src->files));
	} else if (!merge_table(&dst->files, &src->files)) {
		return false;
	}
	if (!merge_table(&dst->keyrings, &src->keyrings) ||
	    !merge_table(&dst->ima_buf, &src->ima_buf))
		return false;

	n = src->num_excludes;
	if (!append((void **)&dst->excludes, &dst->num_excludes, src->excludes,
		    n, sizeof(*src->excludes)))
		return false;
	src->num_excludes = 0;
	n = src->num_ignored;
	if (!append((void **)&dst->ignored_keyrings, &dst->num_ignored,
		    src->ignored_keyrings, n, sizeof(char *)))
		return false;
	src->num_ignored = 0;
	n = src->num_keys;
	if (!append((void **)&dst->keys, &dst->num_keys, src->keys, n,
		    sizeof(*src->keys)))
		return false;
	src->num_keys = 0;
	return true;
}

enum refs_kind { REFS_AUTO, REFS_EXCLUDES };

static bool load(struct refs *r, const char *path, enum refs_kind kind,
		 struct ima_error *err)
{
	struct refs tmp;
	uint8_t *data = NULL, chain[64];
	size_t len = 0, i;
	bool ok = false;

	refs_init(&tmp);
	if (!ima_read_file(path, REFS_FILE_MAX, &data, &len, err))
		goto out;

	for (i = 0; i < len && strchr(" \t\r\n", data[i]); i++)
		;
	if (kind == REFS_EXCLUDES)
		ok = refs_parse_excludes(&tmp, path, (char *)data, len, err);
	else if (i < len && data[i] == '{')
		ok = refs_parse_policy(&tmp, path, (char *)data, len, err);
	else
		ok = refs_parse_allowlist(&tmp, path, (char *)data, len, err);
	if (!ok)
		goto out;

	/* Free the text before merging, so both never peak together. */
	memcpy(chain, r->policy_id, 32);
	SHA256(data, len, chain + 32);
	free(data);
	data = NULL;

	ok = refs_merge(r, &tmp);
	if (!ok) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: out of memory adding the reference values",
			      path);
		goto out;
	}
	SHA256(chain, sizeof(chain), r->policy_id);
	r->files_loaded++;
out:
	free(data);
	refs_free(&tmp);
	return ok;
}

bool refs_load(struct refs *r, const char *path, struct ima_error *err)
{
	return load(r, path, REFS_AUTO, err);
}

bool refs_load_excludes(struct refs *r, const char *path,
			struct ima_error *err)
{
	return load(r, path, REFS_EXCLUDES, err);
}

/*
 * Find a quantifier that follows another ("a++", "a*{2}"). POSIX leaves
 * its meaning undefined, and glibc compiles a run of them into automata
 * of exponential size, so a short line could exhaust memory. Returns the
 * offset of the second quantifier, or -1.
 */
static long repeated_quantifier(const char *s)
{
	bool after_quantifier = false;
	size_t i;

	for (i = 0; s[i]; i++) {
		bool quantifier = false;

		if (s[i] == '\\' && s[i + 1]) {
			i++;
		} else if (s[i] == '[') {
			/* Skip a bracket expression; ']' first is a member. */
			i += (s[i + 1] == '^') ? 2 : 1;
			if (s[i] == ']')
				i++;
			while (s[i] && s[i] != ']')
				i++;
			if (!s[i])
				return -1;
		} else if (s[i] == '*' || s[i] == '+' || s[i] == '?' || s[i] == '{') {
			if (after_quantifier)
				return (long)i;
			quantifier = true;
			if (s[i] == '{')
				while (s[i + 1] && s[i] != '}')
					i++;
		}
		after_quantifier = quantifier;
	}
	return -1;
}

/*
 * The length of the literal text every match of the anchored expression
 * starts with: the characters before the first special one, less the
 * last if a quantifier follows it. An alternation anywhere gives 0.
 */
static size_t literal_prefix(const char *s)
{
	size_t n = strcspn(s, ".[]()*+?{}|^$\\");

	if (strchr(s, '|'))
		return 0;
	if (n && (s[n] == '*' || s[n] == '?' || s[n] == '{'))
		n--;
	return n;
}

bool refs_add_exclude(struct refs *r, const char *source, const char *where,
		      struct ima_error *err)
{
	struct refs_exclude ex = { 0 };
	char *anchored = NULL, msg[256];
	long at;
	int rc;

	if (strlen(source) > REFS_EXCLUDE_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: regular expression of %zu bytes is longer than the limit of %d",
			      where, strlen(source), REFS_EXCLUDE_MAX);
		return false;
	}
	at = repeated_quantifier(source);
	if (at >= 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: invalid regular expression \"%.200s\": quantifier '%c' at offset %ld follows another; use one quantifier or a group",
			      where, source, source[at], at);
		return false;
	}

	/* Compile the expression alone first, so "a)|(b" is rejected. */
	rc = regcomp(&ex.re, source, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		regfree(&ex.re);
		if (asprintf(&anchored, "^(%s)", source) < 0) {
			anchored = NULL;
			rc = REG_ESPACE;
		} else {
			rc = regcomp(&ex.re, anchored, REG_EXTENDED | REG_NOSUB);
		}
	}
	free(anchored);
	if (rc != 0) {
		regerror(rc, NULL, msg, sizeof(msg));
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: invalid regular expression \"%s\": %s (expressions are POSIX extended, see imatap-appraise(8))",
			      where, source, msg);
		return false;
	}
	ex.source = strdup(source);
	ex.where = strdup(where);
	ex.prefix_len = literal_prefix(source);
	if (!ex.source || !ex.where ||
	    !append((void **)&r->excludes, &r->num_excludes, &ex, 1,
		    sizeof(ex))) {
		regfree(&ex.re);
		free(ex.source);
		free(ex.where);
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: out of memory",
			      where);
		return false;
	}
	return true;
}

const struct refs_exclude *refs_excluded(const struct refs *r,
					 const char *path)
{
	size_t i;

	for (i = 0; i < r->num_excludes; i++) {
		const struct refs_exclude *ex = &r->excludes[i];

		/* regexec() is slow: most paths fail the literal prefix. */
		if (strncmp(path, ex->source, ex->prefix_len) != 0)
			continue;
		if (regexec(&ex->re, path, 0, NULL, 0) == 0)
			return ex;
	}
	return NULL;
}

bool refs_keyring_ignored(const struct refs *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->num_ignored; i++)
		if (strcmp(r->ignored_keyrings[i], "*") == 0 ||
		    strcmp(r->ignored_keyrings[i], name) == 0)
			return true;
	return false;
}
