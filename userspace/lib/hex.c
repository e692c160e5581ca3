// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "hex.h"

/*
 * Hex digit values plus one, so that 0 marks any other byte. A table
 * because reference files contain millions of digests to decode.
 */
static const uint8_t digit_value[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int digit(char c)
{
	return digit_value[(unsigned char)c] - 1;
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
