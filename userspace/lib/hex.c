// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "hex.h"

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hex_decode(const char *text, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(text), i;

	if (n % 2 || n / 2 > max)
		return false;
	for (i = 0; i < n / 2; i++) {
		int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return true;
}

bool hex_parse_handle(const char *text, uint32_t *handle)
{
	uint32_t v = 0;
	size_t i;

	if (strncmp(text, "0x", 2) == 0 || strncmp(text, "0X", 2) == 0)
		text += 2;
	if (strlen(text) != 8)
		return false;
	for (i = 0; i < 8; i++) {
		int d = digit(text[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*handle = v;
	return true;
}
