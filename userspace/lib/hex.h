/* SPDX-License-Identifier: GPL-2.0 */
/* Hex strings on the command line: nonces and handles. */
#ifndef IMATAP_HEX_H
#define IMATAP_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode an even number of hex digits (either case, no prefix) into out,
 * which has room for max bytes. Fails on any other character or on overflow.
 */
bool hex_decode(const char *text, uint8_t *out, size_t max, size_t *len);

/* Parse a TPM handle: 8 hex digits with an optional 0x prefix. */
bool hex_parse_handle(const char *text, uint32_t *handle);

#endif
