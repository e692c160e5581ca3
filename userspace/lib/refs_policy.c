// SPDX-License-Identifier: GPL-2.0
/*
 * Keylime runtime policy, version 1: a JSON object with
 *
 *	meta.version		1
 *	digests			{ path: [hex digest, ...] }
 *	excludes		[ regular expression, ... ]
 *	keyrings		{ keyring name: [hex key digest, ...] }
 *	ima-buf			{ event name: [hex digest, ...] }
 *	ima.ignored_keyrings	[ keyring name or "*", ... ]
 *	ima.log_hash_alg	template hash algorithm (not used here)
 *	verification-keys	a string holding JSON (imasig_keys.c)
 *
 * Other members ("release", "meta.generator", "ima.dm_policy" and members
 * of later versions) are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "imasig.h"
#include "jsonpull.h"
#include "refs.h"

static bool expect(struct json_pull *p, enum json_token tok,
		   enum json_token want, const char *what,
		   struct ima_error *err)
{
	if (tok == JSON_ERROR)
		return false;
	if (tok == want)
		return true;
	json_error(p, err, "%s must be %s, not %s", what,
		   json_token_name(want), json_token_name(tok));
	return false;
}

/* Read [hex, ...] and add each digest to name in t. */
static bool read_digest_list(struct json_pull *p, struct refs_table *t,
			     const char *name, size_t name_len, bool ima_name,
			     const char *what, struct ima_error *err)
{
	enum json_token tok = json_next(p, err);
	uint8_t digest[IMA_DIGEST_MAX];
	size_t len;

	if (!expect(p, tok, JSON_ARRAY_BEGIN, what, err))
		return false;
	while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
		if (!expect(p, tok, JSON_STRING, "each digest", err))
			return false;
		if (!hex_decode(p->text, digest, sizeof(digest), &len) ||
		    !refs_digest_size_valid(len)) {
			json_error(p, err, "invalid digest \"%.140s\": expected 32, 40, 56, 64, 96 or 128 hex digits",
				   p->text);
			return false;
		}
		if (!refs_table_add(t, name, name_len, digest, len, ima_name)) {
			json_error(p, err, "out of memory");
			return false;
		}
	}
	return true;
}

/* Read { name: [hex, ...], ... } into t. */
static bool read_digest_map(struct json_pull *p, struct refs_table *t,
			    bool ima_name, const char *what,
			    struct ima_error *err)
{
	enum json_token tok = json_next(p, err);
	char *name = NULL;
	size_t name_len;
	bool ok = false;

	if (!expect(p, tok, JSON_OBJECT_BEGIN, what, err))
		return false;
	while ((tok = json_next(p, err)) == JSON_KEY) {
		free(name);
		name_len = p->text_len;
		name = malloc(name_len + 1);
		if (!name) {
			json_error(p, err, "out of memory");
			goto out;
		}
		memcpy(name, p->text, name_len + 1);
		if (!read_digest_list(p, t, name, name_len, ima_name,
				      "the value of each member", err))
			goto out;
	}
	ok = tok == JSON_OBJECT_END;
out:
	free(name);
	return ok;
}

static bool read_excludes(struct json_pull *p, struct refs *r,
			  struct ima_error *err)
{
	enum json_token tok = json_next(p, err);
	char where[4200];

	if (!expect(p, tok, JSON_ARRAY_BEGIN, "\"excludes\"", err))
		return false;
	while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
		if (!expect(p, tok, JSON_STRING, "each exclude", err))
			return false;
		snprintf(where, sizeof(where), "%s:%lu:%lu", p->path,
			 p->tok_line, p->tok_column);
		if (!refs_add_exclude(r, p->text, where, err))
			return false;
	}
	return true;
}

static bool read_ima(struct json_pull *p, struct refs *r,
		     struct ima_error *err)
{
	enum json_token tok = json_next(p, err);

	if (!expect(p, tok, JSON_OBJECT_BEGIN, "\"ima\"", err))
		return false;
	while ((tok = json_next(p, err)) == JSON_KEY) {
		if (strcmp(p->text, "ignored_keyrings") != 0) {
			if (!json_skip(p, json_next(p, err), err))
				return false;
			continue;
		}
		tok = json_next(p, err);
		if (!expect(p, tok, JSON_ARRAY_BEGIN, "\"ignored_keyrings\"", err))
			return false;
		while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
			char **grown;

			if (!expect(p, tok, JSON_STRING, "each ignored keyring", err))
				return false;
			grown = realloc(r->ignored_keyrings,
					(r->num_ignored + 1) * sizeof(char *));
			if (!grown || !(grown[r->num_ignored] = strdup(p->text))) {
				if (grown)
					r->ignored_keyrings = grown;
				json_error(p, err, "out of memory");
				return false;
			}
			r->ignored_keyrings = grown;
			r->num_ignored++;
		}
	}
	return tok == JSON_OBJECT_END;
}

static bool read_meta(struct json_pull *p, struct ima_error *err,
		      bool *have_version)
{
	enum json_token tok = json_next(p, err);

	if (!expect(p, tok, JSON_OBJECT_BEGIN, "\"meta\"", err))
		return false;
	while ((tok = json_next(p, err)) == JSON_KEY) {
		if (strcmp(p->text, "version") != 0) {
			if (!json_skip(p, json_next(p, err), err))
				return false;
			continue;
		}
		tok = json_next(p, err);
		if (!expect(p, tok, JSON_NUMBER, "\"version\"", err))
			return false;
		if (strcmp(p->text, "1") != 0) {
			json_error(p, err, "unsupported runtime policy version %s: only version 1 is read",
				   p->text);
			return false;
		}
		*have_version = true;
	}
	return tok == JSON_OBJECT_END;
}

static bool read_member(struct json_pull *p, struct refs *r,
			const char *name, bool *have_version,
			struct ima_error *err)
{
	if (strcmp(name, "meta") == 0)
		return read_meta(p, err, have_version);
	if (strcmp(name, "digests") == 0)
		return read_digest_map(p, &r->files, true, "\"digests\"", err);
	if (strcmp(name, "excludes") == 0)
		return read_excludes(p, r, err);
	if (strcmp(name, "keyrings") == 0)
		return read_digest_map(p, &r->keyrings, false, "\"keyrings\"", err);
	if (strcmp(name, "ima-buf") == 0)
		return read_digest_map(p, &r->ima_buf, false, "\"ima-buf\"", err);
	if (strcmp(name, "ima") == 0)
		return read_ima(p, r, err);
	if (strcmp(name, "verification-keys") == 0) {
		enum json_token tok = json_next(p, err);

		if (!expect(p, tok, JSON_STRING, "\"verification-keys\"", err))
			return false;
		return imasig_parse_keylime_keys(r, p, err);
	}
	return json_skip(p, json_next(p, err), err);
}

bool refs_parse_policy(struct refs *r, const char *path, const char *text,
		       size_t len, struct ima_error *err)
{
	struct json_pull p;
	enum json_token tok;
	bool have_version = false, ok = false;
	char *name = NULL;

	json_pull_init(&p, path, text, len);
	tok = json_next(&p, err);
	if (!expect(&p, tok, JSON_OBJECT_BEGIN, "a runtime policy", err))
		goto out;
	while ((tok = json_next(&p, err)) == JSON_KEY) {
		free(name);
		name = strdup(p.text);
		if (!name) {
			json_error(&p, err, "out of memory");
			goto out;
		}
		if (!read_member(&p, r, name, &have_version, err))
			goto out;
	}
	if (tok != JSON_OBJECT_END)
		goto out;
	tok = json_next(&p, err);
	if (tok == JSON_ERROR)
		goto out;
	if (!have_version) {
		json_error(&p, err, "\"meta\": {\"version\": 1} is missing: is this a Keylime runtime policy?");
		goto out;
	}
	ok = true;
out:
	free(name);
	json_pull_free(&p);
	return ok;
}
