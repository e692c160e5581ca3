// SPDX-License-Identifier: GPL-2.0
/*
 * The line formats: sha256sum output as an allowlist, and exclude files.
 *
 * An allowlist line is "<hex>  <path>" or "<hex> *<path>" (binary mode),
 * as sha256sum and its siblings print it. When the name contains a newline,
 * a carriage return or a backslash, GNU coreutils starts the line with
 * '\' and writes those as \n, \r and \\. Other bytes, non-UTF-8 ones too,
 * are raw. Empty lines and lines starting with '#' are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "refs.h"

struct line {
	const char *path;
	unsigned long number;
	const char *start;
	size_t len;
};

static bool line_error(const struct line *l, const char *at,
		       struct ima_error *err, const char *what)
{
	ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s:%lu:%zu: %s", l->path,
		      l->number, (size_t)(at - l->start) + 1, what);
	return false;
}

/* Decode the name after an escaped line's separator into out. */
static bool unescape(const struct line *l, const char *name, size_t len,
		     char *out, size_t *out_len, struct ima_error *err)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (name[i] != '\\') {
			out[n++] = name[i];
			continue;
		}
		if (i + 1 == len)
			return line_error(l, name + i, err,
					  "a backslash ends the line: expected \\\\, \\n or \\r");
		switch (name[++i]) {
		case '\\': out[n++] = '\\'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		default:
			return line_error(l, name + i - 1, err,
					  "invalid escape: expected \\\\, \\n or \\r");
		}
	}
	*out_len = n;
	return true;
}

static bool parse_allowlist_line(struct refs *r, const struct line *l,
				 char *name_buf, struct ima_error *err)
{
	const char *p = l->start, *end = l->start + l->len, *hex;
	char hex_text[2 * IMA_DIGEST_MAX + 1];
	uint8_t digest[IMA_DIGEST_MAX];
	size_t hex_len, digest_len, name_len;
	bool escaped = false;

	if (*p == '\\') {
		escaped = true;
		p++;
	}
	hex = p;
	while (p < end && *p != ' ')
		p++;
	hex_len = (size_t)(p - hex);
	if (hex_len == 0 || hex_len >= sizeof(hex_text))
		return line_error(l, hex, err,
				  "expected a hex digest of 32 to 128 digits");
	memcpy(hex_text, hex, hex_len);
	hex_text[hex_len] = '\0';
	if (!hex_decode(hex_text, digest, sizeof(digest), &digest_len) ||
	    !refs_digest_size_valid(digest_len))
		return line_error(l, hex, err,
				  "invalid digest: expected 32, 40, 56, 64, 96 or 128 hex digits");
	if (end - p < 3 || p[0] != ' ' || (p[1] != ' ' && p[1] != '*'))
		return line_error(l, p, err,
				  "expected two spaces or \" *\" between the digest and the name");
	p += 2;
	if (escaped) {
		if (!unescape(l, p, (size_t)(end - p), name_buf, &name_len, err))
			return false;
	} else {
		memcpy(name_buf, p, (size_t)(end - p));
		name_len = (size_t)(end - p);
	}
	if (!refs_table_add(&r->files, name_buf, name_len, digest, digest_len,
			    true)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s:%lu: out of memory",
			      l->path, l->number);
		return false;
	}
	return true;
}

/* Call fn on each line that is neither empty nor a '#' comment. */
static bool for_each_line(struct refs *r, const char *path, const char *text,
			  size_t len,
			  bool (*fn)(struct refs *, const struct line *, char *,
				     struct ima_error *),
			  struct ima_error *err)
{
	struct line l = { .path = path };
	char *buf = malloc(len + 1);
	size_t pos = 0;
	bool ok = true;

	if (!buf) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: out of memory", path);
		return false;
	}
	while (ok && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;

		l.number++;
		l.start = text + pos;
		l.len = line_len;
		pos += line_len + 1;
		if (line_len == 0 || l.start[0] == '#')
			continue;
		ok = fn(r, &l, buf, err);
	}
	free(buf);
	return ok;
}

bool refs_parse_allowlist(struct refs *r, const char *path,
			  const char *text, size_t len,
			  struct ima_error *err)
{
	return for_each_line(r, path, text, len, parse_allowlist_line, err);
}

static bool parse_exclude_line(struct refs *r, const struct line *l,
			       char *buf, struct ima_error *err)
{
	char where[4200];

	if (memchr(l->start, '\0', l->len))
		return line_error(l, memchr(l->start, '\0', l->len), err,
				  "NUL byte in an expression");
	memcpy(buf, l->start, l->len);
	buf[l->len] = '\0';
	snprintf(where, sizeof(where), "%s:%lu:1", l->path, l->number);
	return refs_add_exclude(r, buf, where, err);
}

bool refs_parse_excludes(struct refs *r, const char *path, const char *text,
			 size_t len, struct ima_error *err)
{
	return for_each_line(r, path, text, len, parse_exclude_line, err);
}
