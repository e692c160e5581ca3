/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records of IMA's binary_runtime_measurements, as Linux 6.1 writes them on
 * x86-64 (ima_measurements_show() in security/integrity/ima/ima_fs.c). All
 * integers are little-endian u32:
 *
 *   PCR, 20-byte SHA-1 template digest, template name length, template name
 *   (no NUL), template data length, template data.
 *
 * The template data is, per field, a u32 length and the field bytes. The
 * "ima" template (fields d|n) differs: the template data length is absent,
 * the d field is written without its length word, and the n field's length
 * is the name's strlen() without the NUL.
 */
#ifndef IMATAP_VM_BINLOG_H
#define IMATAP_VM_BINLOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BINLOG_SHA1_SIZE 20

/* An entry as the module sends it: template data with every length word. */
struct binlog_entry {
	uint32_t pcr;
	const uint8_t *sha1;		/* BINLOG_SHA1_SIZE bytes */
	const char *template_name;
	const uint8_t *data;
	uint32_t data_len;
};

/*
 * Write one record for the entry to out. Return 0, BINLOG_BAD_DATA with a
 * reason in err when "ima" template data does not split into its two
 * fields (nothing is written then), or BINLOG_WRITE_FAILED.
 */
#define BINLOG_BAD_DATA (-1)
#define BINLOG_WRITE_FAILED (-2)
int binlog_write_entry(FILE *out, const struct binlog_entry *entry,
		       char *err, size_t err_size);

/* One record parsed from a binary log. Pointers point into the log buffer. */
struct binlog_record {
	size_t offset;			/* of the record in the log */
	size_t size;			/* of the whole record */
	uint32_t pcr;
	const uint8_t *sha1;
	const char *template_name;	/* not NUL-terminated */
	uint32_t template_name_len;
	const uint8_t *name;		/* event name field, NULL if none */
	uint32_t name_len;		/* without a trailing NUL */
};

/*
 * Parse the record at *pos in log[0..size) and advance *pos past it. Return
 * 1 for a record, 0 at the end of the log, or -1 with a reason in err when
 * the record is truncated or its fields overrun it.
 */
int binlog_next_record(const uint8_t *log, size_t size, size_t *pos,
		       struct binlog_record *record, char *err,
		       size_t err_size);

#endif
