// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binlog.h"
#include "filefollow.h"

#define READ_CHUNK (256 * 1024)

bool imatap_file_follow_open(struct imatap_file_follow *ff, const char *path,
			     bool big_endian, uint64_t index, uint64_t offset,
			     struct ima_error *err)
{
	memset(ff, 0, sizeof(*ff));
	ff->path = path;
	ff->big_endian = big_endian;
	ff->index = index;
	ff->offset = offset;
	ff->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ff->fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      path, strerror(errno));
		return false;
	}
	/* securityfs's measurement files support seeking (seq_lseek). */
	if (offset && lseek(ff->fd, (off_t)offset, SEEK_SET) != (off_t)offset) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "cannot seek %s to byte %llu: %s", path,
			      (unsigned long long)offset, strerror(errno));
		close(ff->fd);
		ff->fd = -1;
		return false;
	}
	return true;
}

void imatap_file_follow_close(struct imatap_file_follow *ff)
{
	if (ff->fd >= 0)
		close(ff->fd);
	ff->fd = -1;
	free(ff->buf);
	ff->buf = NULL;
}

/* Append what the file has now; returns bytes read, 0 at its end, -1. */
static ssize_t read_more(struct imatap_file_follow *ff, struct ima_error *err)
{
	ssize_t n;

	if (ff->start > 0) {
		memmove(ff->buf, ff->buf + ff->start, ff->end - ff->start);
		ff->end -= ff->start;
		ff->start = 0;
	}
	if (ff->cap - ff->end < READ_CHUNK) {
		size_t cap = ff->end + READ_CHUNK;
		uint8_t *buf = realloc(ff->buf, cap);

		if (!buf) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "reading %s failed: out of memory",
				      ff->path);
			return -1;
		}
		ff->buf = buf;
		ff->cap = cap;
	}
	do {
		n = read(ff->fd, ff->buf + ff->end, ff->cap - ff->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "reading %s failed: %s", ff->path,
			      strerror(errno));
		return -1;
	}
	ff->end += (size_t)n;
	return n;
}

/* Hand out the complete records in buf. */
static enum imatap_file_read_status parse_records(
	struct imatap_file_follow *ff, imatap_file_record_fn fn, void *arg,
	struct ima_error *err)
{
	enum imatap_file_read_status rc;
	struct ima_binlog reader;
	struct ima_record rec;
	enum ima_read_status st;

	for (;;) {
		ima_binlog_open_mem(&reader, ff->buf + ff->start,
				    ff->end - ff->start, ff->big_endian);
		reader.index = ff->index;
		reader.offset = ff->offset;
		st = ima_binlog_next(&reader, &rec, err);
		if (st == IMA_READ_END || st == IMA_READ_INCOMPLETE)
			return IMATAP_FILE_READ_OK;
		if (st != IMA_READ_RECORD) {
			char msg[sizeof(err->msg)];

			memcpy(msg, err->msg, sizeof(msg));
			ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: %.*s",
				      ff->path, (int)sizeof(msg) - 64, msg);
			return IMATAP_FILE_READ_MALFORMED;
		}
		rc = fn(&rec, ff->buf + ff->start, reader.start, arg, err);
		ff->start += reader.start;
		ff->index++;
		ff->offset += reader.start;
		if (rc != IMATAP_FILE_READ_OK)
			return rc;
	}
}

enum imatap_file_read_status imatap_file_follow_read(
	struct imatap_file_follow *ff, imatap_file_record_fn fn, void *arg,
	struct ima_error *err)
{
	enum imatap_file_read_status rc;
	ssize_t n;

	do {
		n = read_more(ff, err);
		if (n < 0)
			return IMATAP_FILE_READ_ERROR;
		rc = parse_records(ff, fn, arg, err);
		if (rc != IMATAP_FILE_READ_OK)
			return rc;
	} while (n > 0);
	return IMATAP_FILE_READ_OK;
}
