/* SPDX-License-Identifier: GPL-2.0 */
/* base64url without padding (RFC 4648, section 5), as CMW records use it. */
#ifndef IMATAP_B64URL_H
#define IMATAP_B64URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encode len bytes into a new NUL-terminated string; NULL if out of memory. */
char *b64url_encode(const uint8_t *data, size_t len);

/*
 * Decode text into a new buffer. Fails on padding, characters outside the
 * base64url alphabet, a length of 1 mod 4, and nonzero unused bits, so
 * every byte string has exactly one accepted encoding.
 */
bool b64url_decode(const char *text, size_t text_len, uint8_t **data,
		   size_t *len);

#endif
