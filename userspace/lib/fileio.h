/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-file reads and writes for keys, evidence and exported quotes. */
#ifndef IMATAP_FILEIO_H
#define IMATAP_FILEIO_H

#include "record.h"

/*
 * Read all of path ("-" is stdin) into a new buffer with a NUL byte after
 * the data, failing if it holds more than max bytes.
 */
bool ima_read_file(const char *path, size_t max, uint8_t **data,
		   size_t *len, struct ima_error *err);

/*
 * Write data to path ("-" is stdout) through a temporary file renamed
 * over it, so that a reader never sees a partial file.
 */
bool ima_write_file(const char *path, const void *data, size_t len,
		    struct ima_error *err);

/*
 * Replace name, relative to the directory dirfd (or AT_FDCWD), with data:
 * write a hidden temporary file beside it, mode 0644 less the umask,
 * and rename it over name. With durable, fsync the file before the rename
 * and the directory after it, so that after a crash name has either the
 * old or the new data. A temporary file is removed on failure.
 */
bool ima_replace_file_at(int dirfd, const char *name, const void *data,
			 size_t len, bool durable, struct ima_error *err);

#endif
