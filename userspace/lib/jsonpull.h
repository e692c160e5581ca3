/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pull parser for JSON (RFC 8259) that reports the line and column of
 * every token, so that loaders of large reference files can name the
 * position of a bad value and never build a document tree in memory.
 */
#ifndef IMATAP_JSONPULL_H
#define IMATAP_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Deepest nesting of objects and arrays accepted. */
#define JSON_DEPTH_MAX	64

enum json_token {
	JSON_OBJECT_BEGIN,
	JSON_OBJECT_END,
	JSON_ARRAY_BEGIN,
	JSON_ARRAY_END,
	JSON_KEY,		/* an object member name, in text/len */
	JSON_STRING,		/* a string value, in text/len */
	JSON_NUMBER,		/* the number's source text, in text/len */
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
	JSON_END,		/* the document ended after one value */
	JSON_ERROR,		/* err holds the message */
};

struct json_pull {
	const char *path;	/* names the input in messages */
	const char *src;
	size_t len;
	size_t pos;
	unsigned long line;	/* of src[pos], from 1 */
	size_t line_start;	/* offset of the first byte of the line */

	/* Container stack: 'o' object, 'a' array. */
	char stack[JSON_DEPTH_MAX];
	unsigned int depth;
	bool need_value;	/* after a key and its colon */
	bool have_item;		/* the current container holds an item */
	bool done;

	/* The last token: its position and, for strings, decoded bytes. */
	unsigned long tok_line;
	unsigned long tok_column;
	char *text;		/* NUL-terminated; may contain NUL bytes */
	size_t text_len;
	size_t text_cap;
};

/* Start parsing the len bytes at src; path names them in messages. */
void json_pull_init(struct json_pull *p, const char *path, const char *src,
		    size_t len);
void json_pull_free(struct json_pull *p);

/*
 * Read the next token. Strings are unescaped, \u escapes become UTF-8
 * (a surrogate pair one code point), and raw bytes of 0x80 and above are
 * passed through unchecked, so a path with non-UTF-8 bytes loads as is.
 */
enum json_token json_next(struct json_pull *p, struct ima_error *err);

/* Skip the rest of a value whose first token was tok. */
bool json_skip(struct json_pull *p, enum json_token tok,
	       struct ima_error *err);

/* Set err to "PATH:LINE:COLUMN: " and the message, at the last token. */
void json_error(const struct json_pull *p, struct ima_error *err,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

const char *json_token_name(enum json_token tok);

#endif
