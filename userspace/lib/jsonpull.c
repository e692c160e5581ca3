// SPDX-License-Identifier: GPL-2.0
/* A JSON pull parser with line and column positions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpull.h"

void json_pull_init(struct json_pull *p, const char *path, const char *src,
		    size_t len)
{
	memset(p, 0, sizeof(*p));
	p->path = path;
	p->src = src;
	p->len = len;
	p->line = 1;
}

void json_pull_free(struct json_pull *p)
{
	free(p->text);
	p->text = NULL;
}

static void verror(const char *path, unsigned long line, unsigned long column,
		   struct ima_error *err, const char *fmt, va_list ap)
{
	int n = snprintf(err->msg, sizeof(err->msg), "%s:%lu:%lu: ", path,
			 line, column);

	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return;
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
}

void json_error(const struct json_pull *p, struct ima_error *err,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(p->path, p->tok_line, p->tok_column, err, fmt, ap);
	va_end(ap);
}

/* An error at the current read position, not at the token start. */
static enum json_token fail_here(struct json_pull *p, struct ima_error *err,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(p->path, p->line, (unsigned long)(p->pos - p->line_start + 1),
	       err, fmt, ap);
	va_end(ap);
	return JSON_ERROR;
}

const char *json_token_name(enum json_token tok)
{
	static const char *const names[] = {
		[JSON_OBJECT_BEGIN] = "an object", [JSON_OBJECT_END] = "'}'",
		[JSON_ARRAY_BEGIN] = "an array", [JSON_ARRAY_END] = "']'",
		[JSON_KEY] = "a member name", [JSON_STRING] = "a string",
		[JSON_NUMBER] = "a number", [JSON_TRUE] = "true",
		[JSON_FALSE] = "false", [JSON_NULL] = "null",
		[JSON_END] = "the end of the file", [JSON_ERROR] = "an error",
	};

	return names[tok];
}

static void skip_space(struct json_pull *p)
{
	while (p->pos < p->len) {
		char c = p->src[p->pos];

		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

static bool text_put(struct json_pull *p, const char *data, size_t n)
{
	if (p->text_len + n + 1 > p->text_cap) {
		size_t cap = p->text_cap ? p->text_cap : 256;
		char *text;

		while (cap < p->text_len + n + 1)
			cap *= 2;
		text = realloc(p->text, cap);
		if (!text)
			return false;
		p->text = text;
		p->text_cap = cap;
	}
	memcpy(p->text + p->text_len, data, n);
	p->text_len += n;
	p->text[p->text_len] = '\0';
	return true;
}

static int hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t utf8_encode(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Read \uXXXX at p->pos (after the backslash and 'u'). */
static bool read_u_escape(struct json_pull *p, struct ima_error *err)
{
	unsigned long cp;
	char utf8[4];
	int hi, lo;

	if (p->len - p->pos < 4 || (hi = hex4(p->src + p->pos)) < 0) {
		fail_here(p, err, "invalid \\u escape: expected 4 hex digits");
		return false;
	}
	p->pos += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff) {
		fail_here(p, err, "invalid \\u escape: a low surrogate without a high one");
		return false;
	}
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (p->len - p->pos < 6 || p->src[p->pos] != '\\' ||
		    p->src[p->pos + 1] != 'u' ||
		    (lo = hex4(p->src + p->pos + 2)) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff) {
			fail_here(p, err, "invalid \\u escape: a high surrogate must be followed by a low one");
			return false;
		}
		p->pos += 6;
		cp = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) +
		     (unsigned long)(lo - 0xdc00);
	} else {
		cp = (unsigned long)hi;
	}
	if (!text_put(p, utf8, utf8_encode(cp, utf8))) {
		fail_here(p, err, "out of memory");
		return false;
	}
	return true;
}

static enum json_token read_string(struct json_pull *p, bool key,
				   struct ima_error *err)
{
	p->text_len = 0;
	if (!text_put(p, "", 0))
		return fail_here(p, err, "out of memory");
	p->pos++;	/* the opening quote */
	for (;;) {
		size_t run = p->pos;
		char c;

		/* Copy a run of plain bytes at once. */
		while (run < p->len && p->src[run] != '"' &&
		       p->src[run] != '\\' &&
		       (unsigned char)p->src[run] >= 0x20)
			run++;
		if (run > p->pos && !text_put(p, p->src + p->pos, run - p->pos))
			return fail_here(p, err, "out of memory");
		p->pos = run;
		if (p->pos >= p->len)
			return fail_here(p, err, "unterminated string");
		c = p->src[p->pos];
		if (c == '"') {
			p->pos++;
			return key ? JSON_KEY : JSON_STRING;
		}
		if (c != '\\')
			return fail_here(p, err, "control character 0x%02x in a string: write it as \\u%04x",
					 (unsigned char)c, (unsigned char)c);
		if (++p->pos >= p->len)
			return fail_here(p, err, "unterminated string");
		c = p->src[p->pos++];
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (!read_u_escape(p, err))
				return JSON_ERROR;
			continue;
		default:
			p->pos--;
			return fail_here(p, err, "invalid escape \\%c in a string", c);
		}
		if (!text_put(p, &c, 1))
			return fail_here(p, err, "out of memory");
	}
}

static enum json_token read_number(struct json_pull *p,
				   struct ima_error *err)
{
	size_t start = p->pos, digits;

	if (p->src[p->pos] == '-')
		p->pos++;
	digits = p->pos;
	while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
		p->pos++;
	if (p->pos == digits ||
	    (p->src[digits] == '0' && p->pos - digits > 1))
		return fail_here(p, err, "invalid number");
	if (p->pos < p->len && p->src[p->pos] == '.') {
		digits = ++p->pos;
		while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
			p->pos++;
		if (p->pos == digits)
			return fail_here(p, err, "invalid number: no digit after '.'");
	}
	if (p->pos < p->len && (p->src[p->pos] == 'e' || p->src[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->src[p->pos] == '+' || p->src[p->pos] == '-'))
			p->pos++;
		digits = p->pos;
		while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
			p->pos++;
		if (p->pos == digits)
			return fail_here(p, err, "invalid number: no digit in the exponent");
	}
	p->text_len = 0;
	if (!text_put(p, p->src + start, p->pos - start))
		return fail_here(p, err, "out of memory");
	return JSON_NUMBER;
}

static enum json_token read_word(struct json_pull *p, const char *word,
				 enum json_token tok, struct ima_error *err)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->src + p->pos, word, n) != 0)
		return fail_here(p, err, "invalid literal: expected a value");
	p->pos += n;
	return tok;
}

static enum json_token read_value(struct json_pull *p, struct ima_error *err)
{
	char c = p->src[p->pos];

	switch (c) {
	case '{':
	case '[':
		if (p->depth == JSON_DEPTH_MAX)
			return fail_here(p, err, "nested deeper than %d levels",
					 JSON_DEPTH_MAX);
		p->stack[p->depth++] = c == '{' ? 'o' : 'a';
		p->have_item = false;
		p->pos++;
		return c == '{' ? JSON_OBJECT_BEGIN : JSON_ARRAY_BEGIN;
	case '"':
		return read_string(p, false, err);
	case 't':
		return read_word(p, "true", JSON_TRUE, err);
	case 'f':
		return read_word(p, "false", JSON_FALSE, err);
	case 'n':
		return read_word(p, "null", JSON_NULL, err);
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return read_number(p, err);
		return fail_here(p, err, "unexpected character '%c': expected a value", c);
	}
}

static enum json_token close_container(struct json_pull *p, char c)
{
	p->depth--;
	p->have_item = true;
	p->pos++;
	if (p->depth == 0)
		p->done = true;
	return c == '}' ? JSON_OBJECT_END : JSON_ARRAY_END;
}

enum json_token json_next(struct json_pull *p, struct ima_error *err)
{
	char top, c;

	skip_space(p);
	p->tok_line = p->line;
	p->tok_column = (unsigned long)(p->pos - p->line_start + 1);

	if (p->done) {
		if (p->pos < p->len)
			return fail_here(p, err, "unexpected data after the JSON value");
		return JSON_END;
	}
	if (p->pos >= p->len)
		return fail_here(p, err, "unexpected end of the file");

	c = p->src[p->pos];
	if (p->depth == 0) {
		enum json_token tok = read_value(p, err);

		if (tok != JSON_OBJECT_BEGIN && tok != JSON_ARRAY_BEGIN &&
		    tok != JSON_ERROR)
			p->done = true;
		return tok;
	}

	top = p->stack[p->depth - 1];
	if (p->need_value) {
		p->need_value = false;
		p->have_item = true;
		return read_value(p, err);
	}
	if ((top == 'o' && c == '}') || (top == 'a' && c == ']'))
		return close_container(p, c);
	if (p->have_item) {
		if (c != ',')
			return fail_here(p, err, "expected ',' or '%c'",
					 top == 'o' ? '}' : ']');
		p->pos++;
		skip_space(p);
		p->tok_line = p->line;
		p->tok_column = (unsigned long)(p->pos - p->line_start + 1);
		if (p->pos >= p->len)
			return fail_here(p, err, "unexpected end of the file");
		c = p->src[p->pos];
	}
	if (top == 'a') {
		p->have_item = true;
		return read_value(p, err);
	}

	if (c != '"')
		return fail_here(p, err, "expected a member name in double quotes");
	if (read_string(p, true, err) == JSON_ERROR)
		return JSON_ERROR;
	skip_space(p);
	if (p->pos >= p->len || p->src[p->pos] != ':')
		return fail_here(p, err, "expected ':' after the member name");
	p->pos++;
	skip_space(p);
	if (p->pos >= p->len)
		return fail_here(p, err, "unexpected end of the file");
	p->need_value = true;
	return JSON_KEY;
}

bool json_skip(struct json_pull *p, enum json_token tok,
	       struct ima_error *err)
{
	unsigned int depth;

	if (tok != JSON_OBJECT_BEGIN && tok != JSON_ARRAY_BEGIN)
		return tok != JSON_ERROR && tok != JSON_END;
	depth = 1;
	while (depth > 0) {
		tok = json_next(p, err);
		if (tok == JSON_ERROR)
			return false;
		if (tok == JSON_OBJECT_BEGIN || tok == JSON_ARRAY_BEGIN)
			depth++;
		else if (tok == JSON_OBJECT_END || tok == JSON_ARRAY_END)
			depth--;
	}
	return true;
}
