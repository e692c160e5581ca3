/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounds-checked big-endian reader for TPM structures. Every read checks
 * the bytes left first. After the first failed read every later read fails
 * too, so a parser may check ok once at the end of a step.
 */
#ifndef IMATAP_WIRE_H
#define IMATAP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire {
	const uint8_t *data;
	size_t len;
	size_t pos;
	bool ok;
};

static inline void wire_init(struct wire *w, const uint8_t *data, size_t len)
{
	w->data = data;
	w->len = len;
	w->pos = 0;
	w->ok = true;
}

static inline bool wire_take(struct wire *w, size_t n, const uint8_t **p)
{
	if (!w->ok || w->len - w->pos < n) {
		w->ok = false;
		return false;
	}
	*p = w->data + w->pos;
	w->pos += n;
	return true;
}

static inline uint8_t wire_u8(struct wire *w)
{
	const uint8_t *p;

	return wire_take(w, 1, &p) ? p[0] : 0;
}

static inline uint16_t wire_u16(struct wire *w)
{
	const uint8_t *p;

	return wire_take(w, 2, &p) ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t wire_u32(struct wire *w)
{
	const uint8_t *p;

	if (!wire_take(w, 4, &p))
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t wire_u64(struct wire *w)
{
	uint64_t hi = wire_u32(w);

	return hi << 32 | wire_u32(w);
}

/* A TPM2B: a u16 size, at most max, then that many bytes. */
static inline bool wire_tpm2b(struct wire *w, size_t max, uint8_t *out,
			      uint16_t *size)
{
	const uint8_t *p;
	uint16_t n = wire_u16(w);

	if (!w->ok || n > max || !wire_take(w, n, &p)) {
		w->ok = false;
		*size = 0;
		return false;
	}
	memcpy(out, p, n);
	*size = n;
	return true;
}

#endif
