// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "emit.h"
#include "view.h"

void imatap_emitter_init(struct imatap_emitter *em, FILE *out,
			 enum imatap_format format, uint64_t next_index,
			 uint64_t next_offset)
{
	memset(em, 0, sizeof(*em));
	em->out = out;
	em->format = format;
	em->until_index = UINT64_MAX;
	em->next_index = next_index;
	em->next_offset = next_offset;
}

void imatap_emitter_free(struct imatap_emitter *em)
{
	free(em->buf);
	em->buf = NULL;
	em->cap = 0;
}

bool imatap_emitter_done(const struct imatap_emitter *em)
{
	return em->next_index >= em->until_index ||
	       (em->max_written && em->written >= em->max_written);
}

static int write_record(struct imatap_emitter *em,
			const struct ima_record *rec, const uint8_t *raw,
			size_t raw_len)
{
	switch (em->format) {
	case IMATAP_FORMAT_JSON:
		return ima_view_json(em->out, rec);
	case IMATAP_FORMAT_BINARY:
		if (fwrite(raw, 1, raw_len, em->out) != raw_len)
			return -1;
		return 0;
	default:
		return ima_view_ascii(em->out, rec);
	}
}

enum imatap_emit_status imatap_emit_record(struct imatap_emitter *em,
					   const struct ima_record *rec,
					   const uint8_t *raw, size_t raw_len,
					   struct ima_error *err)
{
	if (rec->index != em->next_index || rec->offset != em->next_offset) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "record %llu at byte %llu arrived where record %llu at byte %llu was due",
			      (unsigned long long)rec->index,
			      (unsigned long long)rec->offset,
			      (unsigned long long)em->next_index,
			      (unsigned long long)em->next_offset);
		return IMATAP_EMIT_MALFORMED;
	}
	if (rec->index >= em->first_index &&
	    (!em->filter || imatap_filter_match(em->filter, rec))) {
		errno = 0;
		if (write_record(em, rec, raw, raw_len) < 0) {
			if (!errno)
				errno = EIO;
			return IMATAP_EMIT_WRITE_ERROR;
		}
		em->written++;
	}
	em->next_index++;
	em->next_offset += raw_len;
	return imatap_emitter_done(em) ? IMATAP_EMIT_STOP : IMATAP_EMIT_OK;
}

enum imatap_emit_status imatap_emit_nl_entry(struct imatap_emitter *em,
					     const struct imatap_nl_entry *entry,
					     struct ima_error *err)
{
	struct ima_binlog reader;
	struct ima_record rec;
	enum ima_read_status st;
	size_t len = 0;
	bool big_endian;

	if (entry->index != em->next_index) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu arrived where entry %llu was due",
			      (unsigned long long)entry->index,
			      (unsigned long long)em->next_index);
		return IMATAP_EMIT_MALFORMED;
	}
	if (!imatap_nl_entry_to_binlog(entry, &em->buf, &len, &em->cap,
				       &big_endian, err))
		return IMATAP_EMIT_MALFORMED;

	ima_binlog_open_mem(&reader, em->buf, len, big_endian);
	reader.index = em->next_index;
	reader.offset = em->next_offset;
	st = ima_binlog_next(&reader, &rec, err);
	if (st == IMA_READ_RECORD && reader.start != len) {
		ima_error_set(err, &rec, IMA_OFFSET_NONE,
			      "the record ends %zu bytes before its template data",
			      len - reader.start);
		st = IMA_READ_MALFORMED;
	}
	ima_binlog_close(&reader);
	if (st != IMA_READ_RECORD)
		return IMATAP_EMIT_MALFORMED;
	return imatap_emit_record(em, &rec, em->buf, len, err);
}
