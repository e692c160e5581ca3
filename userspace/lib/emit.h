/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output of imatap listen: each entry, in log order, as the kernel's
 * ASCII line, as JSON (Documentation/imatap-json.rst) or as its
 * binary_runtime_measurements record, after the filters. The emitter also
 * keeps the position in the log (index and byte offset of the next entry),
 * which every entry advances whether or not it is written.
 */
#ifndef IMATAP_EMIT_H
#define IMATAP_EMIT_H

#include <stdio.h>

#include "filter.h"
#include "nlclient.h"

enum imatap_format {
	IMATAP_FORMAT_ASCII,
	IMATAP_FORMAT_JSON,
	IMATAP_FORMAT_BINARY,
};

enum imatap_emit_status {
	IMATAP_EMIT_OK,
	IMATAP_EMIT_STOP,	/* --until or --count reached after this entry */
	IMATAP_EMIT_MALFORMED,	/* err names the entry and the rule */
	IMATAP_EMIT_WRITE_ERROR, /* errno is set */
};

struct imatap_emitter {
	FILE *out;
	enum imatap_format format;
	const struct imatap_filter *filter;
	uint64_t first_index;	/* entries before it are counted, not written */
	uint64_t until_index;	/* stop before this entry; UINT64_MAX: never */
	uint64_t max_written;	/* stop after writing this many; 0: never */

	uint64_t next_index;	/* the next entry of the log */
	uint64_t next_offset;	/* its byte offset in the binary log */
	uint64_t written;	/* entries written so far */

	uint8_t *buf;		/* binary record of a netlink entry */
	size_t cap;
};

/*
 * Start at the entry next_index, which begins at byte next_offset of the
 * binary log. The caller sets the filter and stop fields afterwards.
 */
void imatap_emitter_init(struct imatap_emitter *em, FILE *out,
			 enum imatap_format format, uint64_t next_index,
			 uint64_t next_offset);
void imatap_emitter_free(struct imatap_emitter *em);

/* Whether the emitter has reached --until or --count. */
bool imatap_emitter_done(const struct imatap_emitter *em);

/*
 * Handle the log record rec, whose binary log bytes are raw. It must be
 * the entry at em->next_index and em->next_offset.
 */
enum imatap_emit_status imatap_emit_record(struct imatap_emitter *em,
					   const struct ima_record *rec,
					   const uint8_t *raw, size_t raw_len,
					   struct ima_error *err);

/*
 * Handle a netlink entry: build its binary log record, check it as
 * "imatap log" checks a record of binary_runtime_measurements, then
 * continue as imatap_emit_record(). Output is therefore the same as
 * "imatap log" of the kernel's binary log, including JSON's
 * template_digests, which carries only the SHA-1 digest the binary log
 * holds.
 */
enum imatap_emit_status imatap_emit_nl_entry(struct imatap_emitter *em,
					     const struct imatap_nl_entry *entry,
					     struct ima_error *err);

#endif
