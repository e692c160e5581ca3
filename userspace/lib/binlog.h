/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming reader for binary_runtime_measurements. It reads through one
 * buffer that grows only for a record larger than any before, so memory
 * stays flat in the log size.
 */
#ifndef IMATAP_BINLOG_H
#define IMATAP_BINLOG_H

#include "record.h"

enum ima_read_status {
	IMA_READ_RECORD,	/* *rec holds the next record */
	IMA_READ_END,		/* the log ended after a complete record */
	IMA_READ_INCOMPLETE,	/* the log ends inside a record */
	IMA_READ_MALFORMED,	/* a record breaks a format rule */
	IMA_READ_IO_ERROR,	/* read() or malloc() failed */
};

struct ima_binlog {
	int fd;			/* -1 for an in-memory log */
	bool big_endian;
	bool eof;
	uint8_t *buf;
	size_t cap;
	size_t start;		/* first unparsed byte in buf */
	size_t end;		/* end of the bytes read into buf */
	bool owns_buf;
	uint64_t offset;	/* log offset of buf[start] */
	uint64_t index;		/* index of the next record */
};

/* Read from fd, which the caller closes after ima_binlog_close(). */
int ima_binlog_open_fd(struct ima_binlog *log, int fd, bool big_endian);
/* Read the len bytes at data, which must outlive the reader. */
void ima_binlog_open_mem(struct ima_binlog *log, const uint8_t *data,
			 size_t len, bool big_endian);
void ima_binlog_close(struct ima_binlog *log);

/*
 * Read the next record into *rec. On IMA_READ_INCOMPLETE, MALFORMED and
 * IO_ERROR, err says what and where; reading further is not possible.
 */
enum ima_read_status ima_binlog_next(struct ima_binlog *log,
				     struct ima_record *rec,
				     struct ima_error *err);

#endif
