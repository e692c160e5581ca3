// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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

/* Create the temporary file ".BASE.XXXXXX" beside name in dirfd. */
static int open_temp(int dirfd, const char *name, char *tmp, size_t size)
{
	static const char alphabet[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *base = strrchr(name, '/');
	int dir_len = base ? (int)(base - name + 1) : 0;
	unsigned int attempt;

	base = base ? base + 1 : name;
	for (attempt = 0; attempt < 16; attempt++) {
		uint8_t r[6];
		char suffix[7];
		int i, fd, n;

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		for (i = 0; i < 6; i++)
			suffix[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
		suffix[6] = 0;
		n = snprintf(tmp, size, "%.*s.%s.%s", dir_len, name, base,
			     suffix);
		if (n < 0 || (size_t)n >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* fsync the directory of name, so that a rename in it is durable. */
static bool sync_dir_of(int dirfd, const char *name)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX] = ".";
	size_t len;
	bool ok;
	int fd;

	if (!slash && dirfd != AT_FDCWD)
		return fsync(dirfd) == 0;
	if (slash) {
		len = slash == name ? 1 : (size_t)(slash - name);
		if (len >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return false;
		}
		memcpy(dir, name, len);
		dir[len] = 0;
	}
	fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

bool ima_replace_file_at(int dirfd, const char *name, const void *data,
			 size_t len, bool durable, struct ima_error *err)
{
	char tmp[PATH_MAX];
	int fd;

	fd = open_temp(dirfd, name, tmp, sizeof(tmp));
	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "creating a temporary file for %s failed: %s",
			      name, strerror(errno));
		return false;
	}
	if (!write_all(fd, data, len) || (durable && fsync(fd) < 0)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing %s failed: %s", tmp, strerror(errno));
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return false;
	}
	if (close(fd) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "writing %s failed: %s", tmp, strerror(errno));
		unlinkat(dirfd, tmp, 0);
		return false;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "renaming %s to %s failed: %s", tmp, name,
			      strerror(errno));
		unlinkat(dirfd, tmp, 0);
		return false;
	}
	if (durable && !sync_dir_of(dirfd, name)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "syncing the directory of %s after writing it failed: %s",
			      name, strerror(errno));
		return false;
	}
	return true;
}

bool ima_write_file(const char *path, const void *data, size_t len,
		    struct ima_error *err)
{
	if (strcmp(path, "-") != 0)
		return ima_replace_file_at(AT_FDCWD, path, data, len, false,
					   err);
	if (write_all(STDOUT_FILENO, data, len))
		return true;
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "writing to standard output failed: %s", strerror(errno));
	return false;
}
