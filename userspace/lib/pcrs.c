// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcrs.h"

/* PCR value files are a few KiB, so anything larger is not one. */
#define PCR_FILE_MAX	(64 * 1024)

unsigned int ima_pcr_set_banks(const struct ima_pcr_set *set)
{
	unsigned int mask = 0, b, p;

	for (b = 0; b < IMA_BANK_COUNT; b++)
		for (p = 0; p < TPM_PCR_COUNT; p++)
			if (set->have[b][p])
				mask |= 1U << b;
	return mask;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex digits, allowing spaces between bytes. Returns bytes or -1. */
static int parse_hex(const char *p, const char *end, uint8_t *out,
		     size_t max)
{
	size_t n = 0;

	for (;;) {
		int hi, lo;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end)
			return (int)n;
		if (end - p < 2 || n == max)
			return -1;
		hi = hex_value(p[0]);
		lo = hex_value(p[1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
}

/* Parse a decimal PCR index of one or two digits. */
static const char *parse_index(const char *p, const char *end,
			       unsigned int *index)
{
	unsigned int v = 0, digits = 0;

	while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
		v = v * 10 + (unsigned int)(*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || digits > 2)
		return NULL;
	*index = v;
	return p;
}

static bool parse_line(struct ima_pcr_set *set, const char *line,
		       const char *end, const char *path, unsigned int lineno,
		       const struct ima_bank_info *default_bank,
		       struct ima_error *err)
{
	const struct ima_bank_info *bank = default_bank;
	uint8_t value[IMA_DIGEST_MAX];
	const char *p = line, *alg;
	unsigned int index, b;
	int len;

	if (end - p < 4 || strncmp(p, "PCR", 3) != 0)
		goto invalid;
	p += 3;
	if (*p == '-') {
		/* PCR-10: hex, bank from the caller */
		p = parse_index(p + 1, end, &index);
		if (!p)
			goto invalid;
		if (!bank) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s line %u: 'PCR-NN:' lines name no bank; give the file as --pcrs ALG,%s",
				      path, lineno, path);
			return false;
		}
	} else {
		/* PCR10-sha256: hex */
		p = parse_index(p, end, &index);
		if (!p || p == end || *p != '-')
			goto invalid;
		alg = ++p;
		while (p < end && *p != ':' && *p != ' ')
			p++;
		bank = ima_bank_by_name(alg, (size_t)(p - alg));
		if (!bank) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "%s line %u: unknown bank \"%.*s\"; known are sha1, sha256, sha384, sha512, sm3",
				      path, lineno, (int)(p - alg), alg);
			return false;
		}
	}
	if (p == end || *p != ':')
		goto invalid;
	if (index >= TPM_PCR_COUNT) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s line %u: PCR index %u is outside 0-23", path,
			      lineno, index);
		return false;
	}
	len = parse_hex(p + 1, end, value, sizeof(value));
	if (len != bank->size) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s line %u: PCR %u of bank %s needs %u hex bytes",
			      path, lineno, index, bank->name, bank->size);
		return false;
	}

	b = ima_bank_index(bank);
	if (set->have[b][index] &&
	    memcmp(set->value[b][index], value, bank->size) != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s line %u: a second, different value for PCR %u of bank %s",
			      path, lineno, index, bank->name);
		return false;
	}
	set->have[b][index] = true;
	memcpy(set->value[b][index], value, bank->size);
	return true;

invalid:
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "%s line %u: expected 'PCR-NN: HEX' or 'PCRNN-ALG: HEX'",
		      path, lineno);
	return false;
}

bool ima_pcrs_parse(struct ima_pcr_set *set, const char *text, size_t len,
		    const char *path, const struct ima_bank_info *bank,
		    struct ima_error *err)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;

		lineno++;
		while (line_end > p && (line_end[-1] == '\r' ||
					line_end[-1] == ' '))
			line_end--;
		if (line_end > p && *p != '#' &&
		    !parse_line(set, p, line_end, path, lineno, bank, err))
			return false;
		p = eol ? eol + 1 : end;
	}
	return true;
}

/* Read a whole small file. Returns bytes read, or -errno. */
static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < size) {
		got = read(fd, buf + len, size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (got < 0)
		got = -errno;
	close(fd);
	if (got < 0)
		return got;
	return (ssize_t)len;
}

bool ima_pcrs_read_file(struct ima_pcr_set *set, const char *path,
			const struct ima_bank_info *bank,
			struct ima_error *err)
{
	char *text = malloc(PCR_FILE_MAX + 1);
	ssize_t len;
	bool ok = false;

	if (!text) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	len = read_small_file(path, text, PCR_FILE_MAX + 1);
	if (len < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot read %s: %s",
			      path, strerror((int)-len));
		goto out;
	}
	if (len > PCR_FILE_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s is larger than %u bytes; it is not a PCR value file",
			      path, PCR_FILE_MAX);
		goto out;
	}
	ok = ima_pcrs_parse(set, text, (size_t)len, path, bank, err);
out:
	free(text);
	return ok;
}

bool ima_pcrs_read_sysfs(struct ima_pcr_set *set, const char *dir,
			 struct ima_error *err)
{
	char path[4096], text[256];
	unsigned int b, p;
	bool any = false;

	for (b = 0; b < IMA_BANK_COUNT; b++) {
		const struct ima_bank_info *bank = &ima_banks[b];
		struct stat st;

		snprintf(path, sizeof(path), "%s/pcr-%s", dir, bank->name);
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		any = true;
		for (p = 0; p < TPM_PCR_COUNT; p++) {
			ssize_t len;
			int n;

			snprintf(path, sizeof(path), "%s/pcr-%s/%u", dir,
				 bank->name, p);
			len = read_small_file(path, text, sizeof(text));
			if (len < 0) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "cannot read %s: %s", path,
					      strerror((int)-len));
				return false;
			}
			while (len > 0 && (text[len - 1] == '\n' ||
					   text[len - 1] == ' '))
				len--;
			n = parse_hex(text, text + len, set->value[b][p],
				      IMA_DIGEST_MAX);
			if (n != bank->size) {
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "%s does not hold %u hex bytes",
					      path, bank->size);
				return false;
			}
			set->have[b][p] = true;
		}
	}
	if (!any)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s has no pcr-<alg> directories; is a TPM 2.0 present (Linux 5.12 or later)? Give the values with --pcrs FILE",
			      dir);
	return any;
}
