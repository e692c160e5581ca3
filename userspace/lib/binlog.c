// SPDX-License-Identifier: GPL-2.0
/*
 * binary_runtime_measurements, as ima_measurements_show() writes it
 * (security/integrity/ima/ima_fs.c, Linux 6.1). Per record:
 *
 *	u32 PCR index
 *	20  SHA-1 template digest (zeros for a violation)
 *	u32 template name length, then the name without a NUL
 *	u32 template data length, then the data (absent for "ima")
 *	"ima" instead: the 20-byte digest, u32 length, name without NUL
 *
 * Integers are in the writer's byte order: little-endian on x86 and on any
 * kernel booted with ima_canonical_fmt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binlog.h"
#include "template.h"

#define READ_CHUNK		(256 * 1024)
#define HEADER_LEN		(4 + IMA_SHA1_SIZE + 4)
#define RECORD_MAX		(HEADER_LEN + IMA_TEMPLATE_NAME_MAX + 4 + \
				 IMA_TEMPLATE_DATA_MAX)

int ima_binlog_open_fd(struct ima_binlog *log, int fd, bool big_endian)
{
	memset(log, 0, sizeof(*log));
	log->fd = fd;
	log->big_endian = big_endian;
	log->cap = READ_CHUNK;
	log->buf = malloc(log->cap);
	log->owns_buf = true;
	return log->buf ? 0 : -ENOMEM;
}

void ima_binlog_open_mem(struct ima_binlog *log, const uint8_t *data,
			 size_t len, bool big_endian)
{
	memset(log, 0, sizeof(*log));
	log->fd = -1;
	log->big_endian = big_endian;
	log->eof = true;
	log->buf = (uint8_t *)data;
	log->cap = len;
	log->end = len;
}

void ima_binlog_close(struct ima_binlog *log)
{
	if (log->owns_buf)
		free(log->buf);
	log->buf = NULL;
}

/*
 * Make n bytes from buf[start] available. Returns 1 when they are, 0 at
 * the end of the log, -errno on a read or allocation failure.
 */
static int ensure(struct ima_binlog *log, size_t n)
{
	while (log->end - log->start < n) {
		ssize_t got;

		if (log->eof)
			return 0;
		if (log->cap - log->start < n) {
			memmove(log->buf, log->buf + log->start,
				log->end - log->start);
			log->end -= log->start;
			log->start = 0;
		}
		if (log->cap < n) {
			size_t cap = n + READ_CHUNK;
			uint8_t *buf = realloc(log->buf, cap);

			if (!buf)
				return -ENOMEM;
			log->buf = buf;
			log->cap = cap;
		}
		got = read(log->fd, log->buf + log->end, log->cap - log->end);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			log->eof = true;
		log->end += (size_t)got;
	}
	return 1;
}

static uint32_t bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

/* A hint for a header value that is plausible only in the other order. */
static const char *order_hint(const struct ima_binlog *log, uint32_t value,
			      uint32_t max)
{
	if (value <= max || bswap32(value) > max)
		return "";
	return log->big_endian ?
	       "; the log may be little-endian: try without --big-endian" :
	       "; the log may be big-endian: try --big-endian";
}

/* Set err for a failed ensure() and return the matching status. */
static enum ima_read_status short_read(struct ima_binlog *log,
				       const struct ima_record *rec, int rc,
				       size_t need, const char *what,
				       struct ima_error *err)
{
	if (rc < 0) {
		ima_error_set(err, rec, log->offset, "reading the log failed: %s",
			      strerror(-rc));
		return IMA_READ_IO_ERROR;
	}
	ima_error_set(err, rec, log->offset,
		      "incomplete record: the log ends after %zu of the %zu bytes needed for its %s",
		      log->end - log->start, need, what);
	return IMA_READ_INCOMPLETE;
}

static enum ima_read_status read_legacy(struct ima_binlog *log,
					struct ima_record *rec, size_t pos,
					struct ima_error *err)
{
	const uint8_t *p;
	uint32_t name_len;
	int rc;

	rc = ensure(log, pos + IMA_SHA1_SIZE + 4);
	if (rc <= 0)
		return short_read(log, rec, rc, pos + IMA_SHA1_SIZE + 4,
				  "file digest and name length", err);
	p = log->buf + log->start;
	name_len = ima_load_u32(p + pos + IMA_SHA1_SIZE, log->big_endian);
	if (name_len > IMA_EVENT_NAME_LEN_MAX) {
		ima_error_set(err, rec, log->offset + pos + IMA_SHA1_SIZE,
			      "\"ima\" template name length %u exceeds 255%s",
			      name_len,
			      order_hint(log, name_len, IMA_EVENT_NAME_LEN_MAX));
		return IMA_READ_MALFORMED;
	}
	rc = ensure(log, pos + IMA_SHA1_SIZE + 4 + name_len);
	if (rc <= 0)
		return short_read(log, rec, rc,
				  pos + IMA_SHA1_SIZE + 4 + name_len,
				  "file name", err);
	p = log->buf + log->start;

	/* NOTE: an "ima" entry hashed with MD5 has a 16-byte digest here,
	 * which the log does not mark; such logs are read as SHA-1 ones. */
	rec->num_fields = 2;
	rec->fields[0] = (struct ima_field){
		.id = IMA_FIELD_D, .name = "d", .len = IMA_SHA1_SIZE,
		.data = p + pos, .data_offset = (uint32_t)pos,
	};
	rec->fields[1] = (struct ima_field){
		.id = IMA_FIELD_N, .name = "n", .len = name_len,
		.data = p + pos + IMA_SHA1_SIZE + 4,
		.data_offset = (uint32_t)(pos + IMA_SHA1_SIZE + 4),
	};
	rec->data = NULL;
	rec->data_len = 0;
	log->index++;
	log->start += pos + IMA_SHA1_SIZE + 4 + name_len;
	log->offset += pos + IMA_SHA1_SIZE + 4 + name_len;

	if (!ima_field_check(rec, &rec->fields[0],
			     rec->offset + rec->fields[0].data_offset, err) ||
	    !ima_field_check(rec, &rec->fields[1],
			     rec->offset + rec->fields[1].data_offset, err))
		return IMA_READ_MALFORMED;
	return IMA_READ_RECORD;
}

static bool is_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

enum ima_read_status ima_binlog_next(struct ima_binlog *log,
				     struct ima_record *rec,
				     struct ima_error *err)
{
	const uint8_t *p;
	uint32_t name_len, data_len;
	size_t pos;
	int rc;

	rec->index = log->index;
	rec->offset = log->offset;
	rec->big_endian = log->big_endian;
	rec->num_fields = 0;

	rc = ensure(log, 1);
	if (rc < 0)
		return short_read(log, rec, rc, 1, "PCR index", err);
	if (rc == 0)
		return IMA_READ_END;

	/* Check each header field as soon as its bytes are there, so that
	 * a hostile value is reported even in a truncated record. */
	rc = ensure(log, 4);
	if (rc <= 0)
		return short_read(log, rec, rc, 4, "PCR index", err);
	rec->pcr = ima_load_u32(log->buf + log->start, log->big_endian);
	if (rec->pcr >= IMA_PCR_COUNT) {
		ima_error_set(err, rec, log->offset,
			      "PCR index %u is outside 0-%u%s", rec->pcr,
			      IMA_PCR_COUNT - 1,
			      order_hint(log, rec->pcr, IMA_PCR_COUNT - 1));
		return IMA_READ_MALFORMED;
	}
	rc = ensure(log, HEADER_LEN);
	if (rc <= 0)
		return short_read(log, rec, rc, HEADER_LEN,
				  "template digest and name length", err);
	p = log->buf + log->start;

	rec->num_digests = 1;
	rec->digests[0].tpm_alg = 0x0004;	/* TPM_ALG_SHA1 */
	rec->digests[0].len = IMA_SHA1_SIZE;
	memcpy(rec->digests[0].value, p + 4, IMA_SHA1_SIZE);
	rec->violation = is_zero(p + 4, IMA_SHA1_SIZE);

	name_len = ima_load_u32(p + 4 + IMA_SHA1_SIZE, log->big_endian);
	if (name_len == 0 || name_len > IMA_TEMPLATE_NAME_MAX) {
		ima_error_set(err, rec, log->offset + 4 + IMA_SHA1_SIZE,
			      "template name length %u is outside 1-%u%s",
			      name_len, IMA_TEMPLATE_NAME_MAX,
			      order_hint(log, name_len, IMA_TEMPLATE_NAME_MAX));
		return IMA_READ_MALFORMED;
	}
	rc = ensure(log, HEADER_LEN + name_len);
	if (rc <= 0)
		return short_read(log, rec, rc, HEADER_LEN + name_len,
				  "template name", err);
	p = log->buf + log->start;
	if (!ima_template_resolve(rec, p + HEADER_LEN, name_len,
				  log->offset + HEADER_LEN, err))
		return IMA_READ_MALFORMED;
	pos = HEADER_LEN + name_len;

	if (rec->legacy)
		return read_legacy(log, rec, pos, err);

	rc = ensure(log, pos + 4);
	if (rc <= 0)
		return short_read(log, rec, rc, pos + 4,
				  "template data length", err);
	p = log->buf + log->start;
	data_len = ima_load_u32(p + pos, log->big_endian);
	if (data_len > IMA_TEMPLATE_DATA_MAX) {
		ima_error_set(err, rec, log->offset + pos,
			      "template data length %u exceeds the 1 MiB limit%s",
			      data_len,
			      order_hint(log, data_len, IMA_TEMPLATE_DATA_MAX));
		return IMA_READ_MALFORMED;
	}
	pos += 4;
	rc = ensure(log, pos + data_len);
	if (rc <= 0)
		return short_read(log, rec, rc, pos + data_len,
				  "template data", err);
	p = log->buf + log->start;

	rec->data = p + pos;
	rec->data_len = data_len;
	log->index++;
	log->start += pos + data_len;
	log->offset += pos + data_len;
	if (!ima_template_split(rec, pos, err))
		return IMA_READ_MALFORMED;
	return IMA_READ_RECORD;
}
