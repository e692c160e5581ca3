/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Follow a binary measurement list that grows, such as securityfs's
 * binary_runtime_measurements, by reading what was appended since the
 * last read. A record cut off by the end of the data is kept until the
 * rest arrives.
 */
#ifndef IMATAP_FILEFOLLOW_H
#define IMATAP_FILEFOLLOW_H

#include "record.h"

struct imatap_file_follow {
	int fd;
	const char *path;
	bool big_endian;
	uint8_t *buf;		/* bytes read but not yet parsed */
	size_t start, end, cap;
	uint64_t index;		/* index of the record at buf[start] */
	uint64_t offset;	/* its byte offset in the file */
};

enum imatap_file_read_status {
	IMATAP_FILE_READ_OK,	/* every complete record was handled */
	IMATAP_FILE_READ_STOP,	/* the callback asked to stop */
	IMATAP_FILE_READ_MALFORMED, /* a record breaks a rule; err names it */
	IMATAP_FILE_READ_ERROR,	/* I/O or memory, or the callback failed */
};

/*
 * Called for each record with its bytes in the file. Return OK to go on,
 * STOP to stop, or MALFORMED or ERROR with err set.
 */
typedef enum imatap_file_read_status (*imatap_file_record_fn)(
	const struct ima_record *rec, const uint8_t *raw, size_t raw_len,
	void *arg, struct ima_error *err);

/*
 * Open path and position it at byte offset, where the record index
 * starts (0 and 0 for the whole file). path must outlive the follower.
 */
bool imatap_file_follow_open(struct imatap_file_follow *ff, const char *path,
			     bool big_endian, uint64_t index, uint64_t offset,
			     struct ima_error *err);
void imatap_file_follow_close(struct imatap_file_follow *ff);

/* Read to the current end of the file and hand out each complete record. */
enum imatap_file_read_status imatap_file_follow_read(
	struct imatap_file_follow *ff, imatap_file_record_fn fn, void *arg,
	struct ima_error *err);

#endif
