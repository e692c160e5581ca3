// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

bool ima_read_file(const char *path, size_t max, uint8_t **data,
		   size_t *len, struct ima_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	size_t cap = 4096, used = 0;
	uint8_t *buf = NULL;
	bool ok = false;
	int fd;

	*data = NULL;
	*len = 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      path, strerror(errno));
		return false;
	}
	buf = malloc(cap + 1);
	if (!buf)
		goto out_nomem;

	for (;;) {
		ssize_t n;

		if (used == cap) {
			uint8_t *bigger;

			if (cap > max) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "%s is larger than the limit of %zu bytes",
					      path, max);
				goto out;
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger)
				goto out_nomem;
			buf = bigger;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "reading %s failed: %s", path,
				      strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s is larger than the limit of %zu bytes", path,
			      max);
		goto out;
	}
	buf[used] = 0;
	*data = buf;
	*len = used;
	buf = NULL;
	ok = true;
	goto out;

out_nomem:
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "reading %s failed: out of memory", path);
out:
	free(buf);
	if (!is_stdin)
		close(fd);
	return ok;
}

static bool write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool ima_write_file(const char *path, const void *data, size_t len,
		    struct ima_error *err)
{
	char *tmp = NULL;
	bool ok = false;
	int fd = -1;

	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, len))
			return true;
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing to standard output failed: %s",
			      strerror(errno));
		return false;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing %s failed: out of memory", path);
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "creating a temporary file for %s failed: %s",
			      path, strerror(errno));
		goto out;
	}
	if (!write_all(fd, data, len) || fchmod(fd, 0644) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing %s failed: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing %s failed: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "renaming %s to %s failed: %s", tmp, path,
			      strerror(errno));
		unlink(tmp);
		goto out;
	}
	ok = true;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return ok;
}
