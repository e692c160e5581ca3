/* SPDX-License-Identifier: GPL-2.0 */
/* Text views of a record: the kernel's ASCII log line and JSON. */
#ifndef IMATAP_VIEW_H
#define IMATAP_VIEW_H

#include <stdio.h>

#include "record.h"

/*
 * Write rec as ima_ascii_measurements_show() does: byte for byte the line
 * of ascii_runtime_measurements. File names are written raw, so a name
 * with a newline spans two lines, as in the kernel's file. Returns 0 or
 * -1 with errno set by stdio.
 */
int ima_view_ascii(FILE *out, const struct ima_record *rec);

/* Write rec as one JSON object and a newline (Documentation/imatap-json.rst). */
int ima_view_json(FILE *out, const struct ima_record *rec);

/*
 * Whether len bytes are valid UTF-8 without NUL (RFC 3629: no overlong
 * forms, surrogates or code points above U+10FFFF).
 */
bool ima_is_utf8(const uint8_t *p, size_t len);

/* Write len bytes as lowercase hex. */
void ima_write_hex(FILE *out, const uint8_t *data, size_t len);

#endif
