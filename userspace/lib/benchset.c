// SPDX-License-Identifier: GPL-2.0
/* The benchmark-set loader. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

#include "benchset.h"
#include "fileio.h"
#include "hex.h"
#include "jsonpull.h"

#define BENCH_SET_FORMAT	1
#define BENCH_SET_MAX		(64U << 20)

const char *bench_category_name(enum bench_category c)
{
	static const char *const names[] = {
		[BENCH_EXECUTABLES] = "executables",
		[BENCH_CONFIGURATION] = "configuration",
		[BENCH_FILE_SYSTEM] = "file-system",
	};

	return names[c];
}

const char *bench_status_name(enum bench_status s)
{
	static const char *const names[] = {
		[BENCH_AFFIRMING] = "affirming",
		[BENCH_WARNING] = "warning",
		[BENCH_CONTRAINDICATED] = "contraindicated",
	};

	return names[s];
}

static void free_control(struct bench_control *c)
{
	size_t i;

	free(c->id);
	free(c->title);
	for (i = 0; i < c->num_require; i++) {
		free(c->require[i].path);
		free(c->require[i].digests);
		free(c->require[i].digest_lens);
	}
	free(c->require);
	for (i = 0; i < c->num_forbid; i++)
		free(c->forbid[i]);
	free(c->forbid);
}

void bench_set_free(struct bench_set *set)
{
	size_t i;

	free(set->name);
	free(set->title);
	free(set->policy);
	for (i = 0; i < set->num_controls; i++)
		free_control(&set->controls[i]);
	free(set->controls);
	memset(set, 0, sizeof(*set));
}

static bool want(struct json_pull *p, enum json_token tok,
		 enum json_token expected, const char *what,
		 struct ima_error *err)
{
	if (tok == JSON_ERROR)
		return false;
	if (tok == expected)
		return true;
	json_error(p, err, "%s must be %s, not %s", what,
		   json_token_name(expected), json_token_name(tok));
	return false;
}

static bool read_string(struct json_pull *p, const char *what, char **out,
			struct ima_error *err)
{
	if (!want(p, json_next(p, err), JSON_STRING, what, err))
		return false;
	if (strlen(p->text) != p->text_len) {
		json_error(p, err, "%s holds a NUL character", what);
		return false;
	}
	free(*out);
	*out = strdup(p->text);
	if (!*out) {
		json_error(p, err, "out of memory");
		return false;
	}
	return true;
}

/* A copy of a logged-form path: a space becomes '_', as IMA writes it. */
static bool read_path(struct json_pull *p, const char *what, char **out,
		      struct ima_error *err)
{
	char *c;

	if (!read_string(p, what, out, err))
		return false;
	for (c = *out; *c; c++)
		if (*c == ' ')
			*c = '_';
	return true;
}

static bool grow(void **array, size_t count, size_t size)
{
	void *grown = realloc(*array, (count + 1) * size);

	if (!grown)
		return false;
	*array = grown;
	memset((uint8_t *)grown + count * size, 0, size);
	return true;
}

/* Read a "require" item after its '{'. */
static bool read_require(struct json_pull *p, struct bench_require *req,
			 struct ima_error *err)
{
	unsigned long line = p->tok_line, column = p->tok_column;
	enum json_token tok;

	while ((tok = json_next(p, err)) == JSON_KEY) {
		if (strcmp(p->text, "path") == 0) {
			if (!read_path(p, "\"path\"", &req->path, err))
				return false;
		} else if (strcmp(p->text, "digests") == 0) {
			if (!want(p, json_next(p, err), JSON_ARRAY_BEGIN,
				  "\"digests\"", err))
				return false;
			while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
				size_t len, n = req->num_digests;

				if (!want(p, tok, JSON_STRING, "each digest", err))
					return false;
				if (!grow((void **)&req->digests, n, sizeof(*req->digests)) ||
				    !grow((void **)&req->digest_lens, n, 1)) {
					json_error(p, err, "out of memory");
					return false;
				}
				if (!hex_decode(p->text, req->digests[n],
						IMA_DIGEST_MAX, &len) ||
				    !refs_digest_size_valid(len)) {
					json_error(p, err, "invalid digest \"%.140s\": expected 32 to 128 hex digits",
						   p->text);
					return false;
				}
				req->digest_lens[n] = (uint8_t)len;
				req->num_digests++;
			}
		} else {
			json_error(p, err, "unknown member \"%.60s\" in a \"require\" item: expected \"path\" or \"digests\"",
				   p->text);
			return false;
		}
	}
	if (tok != JSON_OBJECT_END)
		return false;
	if (!req->path || !req->num_digests) {
		struct json_pull at = *p;

		at.tok_line = line;
		at.tok_column = column;
		json_error(&at, err, "a \"require\" item needs \"path\" and a non-empty \"digests\"");
		return false;
	}
	return true;
}

static bool read_enum(struct json_pull *p, const char *what,
		      const char *const *names, int count, int *out,
		      struct ima_error *err)
{
	int i;

	if (!want(p, json_next(p, err), JSON_STRING, what, err))
		return false;
	for (i = 0; i < count; i++) {
		if (strcmp(p->text, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	json_error(p, err, "invalid %s \"%.60s\": expected %s", what, p->text,
		   count == 3 ? "\"executables\", \"configuration\" or \"file-system\""
			      : "\"warning\" or \"contraindicated\"");
	return false;
}

static bool read_control_member(struct json_pull *p, struct bench_control *c,
				struct ima_error *err)
{
	static const char *const categories[] = {
		"executables", "configuration", "file-system",
	};
	static const char *const fail_on[] = { "warning", "contraindicated" };
	enum json_token tok;
	int v;

	if (strcmp(p->text, "id") == 0)
		return read_string(p, "\"id\"", &c->id, err);
	if (strcmp(p->text, "title") == 0)
		return read_string(p, "\"title\"", &c->title, err);
	if (strcmp(p->text, "category") == 0) {
		if (!read_enum(p, "\"category\"", categories, 3, &v, err))
			return false;
		c->category = (enum bench_category)v;
		return true;
	}
	if (strcmp(p->text, "fail-on") == 0) {
		if (!read_enum(p, "\"fail-on\"", fail_on, 2, &v, err))
			return false;
		c->fail_on = v == 0 ? BENCH_WARNING : BENCH_CONTRAINDICATED;
		return true;
	}
	if (strcmp(p->text, "require") == 0) {
		if (!want(p, json_next(p, err), JSON_ARRAY_BEGIN, "\"require\"", err))
			return false;
		while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
			if (!want(p, tok, JSON_OBJECT_BEGIN,
				  "each \"require\" item", err))
				return false;
			if (!grow((void **)&c->require, c->num_require,
				  sizeof(*c->require))) {
				json_error(p, err, "out of memory");
				return false;
			}
			c->num_require++;
			if (!read_require(p, &c->require[c->num_require - 1], err))
				return false;
		}
		return true;
	}
	if (strcmp(p->text, "forbid") == 0) {
		if (!want(p, json_next(p, err), JSON_ARRAY_BEGIN, "\"forbid\"", err))
			return false;
		while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
			if (!want(p, tok, JSON_STRING, "each \"forbid\" path", err))
				return false;
			if (!grow((void **)&c->forbid, c->num_forbid, sizeof(char *))) {
				json_error(p, err, "out of memory");
				return false;
			}
			c->num_forbid++;
			c->forbid[c->num_forbid - 1] = strdup(p->text);
			if (!c->forbid[c->num_forbid - 1]) {
				json_error(p, err, "out of memory");
				return false;
			}
			for (char *s = c->forbid[c->num_forbid - 1]; *s; s++)
				if (*s == ' ')
					*s = '_';
		}
		return true;
	}
	json_error(p, err, "unknown member \"%.60s\" in a control", p->text);
	return false;
}

static bool read_control(struct json_pull *p, struct bench_control *c,
			 struct ima_error *err)
{
	unsigned long line = p->tok_line, column = p->tok_column;
	enum json_token tok;

	c->fail_on = BENCH_CONTRAINDICATED;
	while ((tok = json_next(p, err)) == JSON_KEY)
		if (!read_control_member(p, c, err))
			return false;
	if (tok != JSON_OBJECT_END)
		return false;
	if (!c->id || !c->title || (!c->num_require && !c->num_forbid)) {
		struct json_pull at = *p;

		at.tok_line = line;
		at.tok_column = column;
		json_error(&at, err, "a control needs \"id\", \"title\" and at least one \"require\" or \"forbid\" entry");
		return false;
	}
	return true;
}

static bool read_controls(struct json_pull *p, struct bench_set *set,
			  struct ima_error *err)
{
	enum json_token tok;

	if (!want(p, json_next(p, err), JSON_ARRAY_BEGIN, "\"controls\"", err))
		return false;
	while ((tok = json_next(p, err)) != JSON_ARRAY_END) {
		if (!want(p, tok, JSON_OBJECT_BEGIN, "each control", err))
			return false;
		if (!grow((void **)&set->controls, set->num_controls,
			  sizeof(*set->controls))) {
			json_error(p, err, "out of memory");
			return false;
		}
		set->num_controls++;
		if (!read_control(p, &set->controls[set->num_controls - 1], err))
			return false;
	}
	return true;
}

static bool read_set_member(struct json_pull *p, struct bench_set *set,
			    bool *have_format, struct ima_error *err)
{
	if (strcmp(p->text, "imatap-benchmark-set") == 0) {
		if (!want(p, json_next(p, err), JSON_NUMBER,
			  "\"imatap-benchmark-set\"", err))
			return false;
		if (strcmp(p->text, "1") != 0) {
			json_error(p, err, "unsupported benchmark-set format %s: only 1 is read",
				   p->text);
			return false;
		}
		*have_format = true;
		return true;
	}
	if (strcmp(p->text, "name") == 0)
		return read_string(p, "\"name\"", &set->name, err);
	if (strcmp(p->text, "title") == 0)
		return read_string(p, "\"title\"", &set->title, err);
	if (strcmp(p->text, "runtime-policy") == 0)
		return read_string(p, "\"runtime-policy\"", &set->policy, err);
	if (strcmp(p->text, "controls") == 0)
		return read_controls(p, set, err);
	json_error(p, err, "unknown member \"%.60s\" in a benchmark set", p->text);
	return false;
}

bool bench_set_parse(struct bench_set *set, const char *path,
		     const char *text, size_t len, struct ima_error *err)
{
	struct bench_set tmp = { 0 };
	struct json_pull p;
	enum json_token tok;
	bool have_format = false, ok = false;

	json_pull_init(&p, path, text, len);
	if (!want(&p, json_next(&p, err), JSON_OBJECT_BEGIN, "a benchmark set", err))
		goto out;
	while ((tok = json_next(&p, err)) == JSON_KEY)
		if (!read_set_member(&p, &tmp, &have_format, err))
			goto out;
	if (tok != JSON_OBJECT_END || json_next(&p, err) == JSON_ERROR)
		goto out;
	if (!have_format || !tmp.name || !tmp.num_controls) {
		json_error(&p, err, "a benchmark set needs \"imatap-benchmark-set\": 1, \"name\" and \"controls\"");
		goto out;
	}
	SHA256((const uint8_t *)text, len, tmp.digest);
	*set = tmp;
	memset(&tmp, 0, sizeof(tmp));
	ok = true;
out:
	bench_set_free(&tmp);
	json_pull_free(&p);
	return ok;
}

bool bench_set_load(struct bench_set *set, const char *path,
		    struct ima_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	char *dir = NULL, *resolved = NULL;
	bool ok = false;

	if (!ima_read_file(path, BENCH_SET_MAX, &data, &len, err))
		return false;
	if (!bench_set_parse(set, path, (const char *)data, len, err))
		goto out;
	ok = true;
	if (set->policy && set->policy[0] != '/') {
		dir = strdup(path);
		if (!dir || asprintf(&resolved, "%s/%s", dirname(dir), set->policy) < 0) {
			resolved = NULL;
			ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
			bench_set_free(set);
			ok = false;
			goto out;
		}
		free(set->policy);
		set->policy = resolved;
	}
out:
	free(dir);
	free(data);
	return ok;
}
