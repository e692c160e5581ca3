// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *prog_name = "imatap-vm";

static void vreport(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(1);
}

int parse_u64_option(const char *option, const char *text, uint64_t *value)
{
	unsigned long long parsed;
	char *end;

	if (text[0] < '0' || text[0] > '9') {
		report("invalid value '%s' for %s: expected a decimal number",
		       text, option);
		return -1;
	}
	errno = 0;
	parsed = strtoull(text, &end, 10);
	if (errno || *end) {
		report("invalid value '%s' for %s: expected a decimal number",
		       text, option);
		return -1;
	}
	*value = parsed;
	return 0;
}

const char *errno_text(int err)
{
	static char text[128];
	const char *name = strerrorname_np(err);

	snprintf(text, sizeof(text), "%s (%s)", name ? name : "unknown errno",
		 strerror(err));
	return text;
}

void *read_whole_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t capacity = 4096, used = 0;
	char *buf = malloc(capacity);

	if (!f)
		fail("cannot open %s: %s", path, strerror(errno));
	if (!buf)
		fail("out of memory reading %s", path);
	for (;;) {
		size_t n = fread(buf + used, 1, capacity - used, f);

		used += n;
		if (used < capacity)
			break;
		capacity *= 2;
		buf = realloc(buf, capacity);
		if (!buf)
			fail("out of memory reading %s", path);
	}
	if (ferror(f))
		fail("cannot read %s: %s", path, strerror(errno));
	fclose(f);
	*size = used;
	return buf;
}
