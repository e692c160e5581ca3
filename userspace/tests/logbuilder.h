/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds binary_runtime_measurements bytes for tests, with template
 * digests computed by one-shot OpenSSL calls independent of lib/.
 */
#ifndef IMATAP_TEST_LOGBUILDER_H
#define IMATAP_TEST_LOGBUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool big_endian;
};

struct lb_field {
	const void *data;
	uint32_t len;
};

void lb_init(struct logbuf *lb, bool big_endian);
void lb_free(struct logbuf *lb);
void lb_bytes(struct logbuf *lb, const void *data, size_t len);
void lb_u32(struct logbuf *lb, uint32_t v);
void lb_put_u32(uint8_t *p, uint32_t v, bool big_endian);

/* Serialize fields as (u32 length, bytes). Returns the length written. */
size_t lb_template_data(uint8_t *out, bool big_endian,
			const struct lb_field *fields, unsigned int count);

/*
 * Append a record of template name with the given fields. Its logged
 * digest is the SHA-1 of the template data, or zeros for a violation.
 */
void lb_record(struct logbuf *lb, uint32_t pcr, const char *name,
	       const struct lb_field *fields, unsigned int count,
	       bool violation);

/* Append an "ima" template record (digest d, name without NUL). */
void lb_legacy(struct logbuf *lb, uint32_t pcr, const uint8_t d[20],
	       const char *name, bool violation);

/* Write "<algo>:" NUL digest into out. Returns its length. */
uint32_t lb_digest_ng(uint8_t *out, const char *prefix,
		      const uint8_t *digest, uint32_t len);

/* One-shot digest with the named OpenSSL algorithm. */
void lb_hash(const char *algo, const void *data, size_t len, uint8_t *out);

/* Read a whole file, or abort the test program if that fails. */
uint8_t *lb_read_file(const char *path, size_t *len);

#endif
