// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "b64url.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *b64url_encode(const uint8_t *data, size_t len)
{
	char *out = malloc(len / 3 * 4 + 4 + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | data[i + 1] << 8 |
			     data[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		out[o++] = alphabet[data[i] >> 2];
		out[o++] = alphabet[(data[i] & 3) << 4];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 8 | data[i + 1];

		out[o++] = alphabet[v >> 10];
		out[o++] = alphabet[(v >> 4) & 63];
		out[o++] = alphabet[(v & 15) << 2];
	}
	out[o] = 0;
	return out;
}

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

bool b64url_decode(const char *text, size_t text_len, uint8_t **data,
		   size_t *len)
{
	size_t rest = text_len % 4, i, o = 0;
	uint8_t *out;
	uint32_t acc = 0;
	unsigned int bits = 0;

	*data = NULL;
	*len = 0;
	if (rest == 1)
		return false;
	out = malloc(text_len / 4 * 3 + 3);
	if (!out)
		return false;
	for (i = 0; i < text_len; i++) {
		int v = sextet(text[i]);

		if (v < 0)
			goto fail;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	/* The bits left over must be zero for the encoding to be canonical. */
	if (acc != 0)
		goto fail;
	*data = out;
	*len = o;
	return true;
fail:
	free(out);
	return false;
}
