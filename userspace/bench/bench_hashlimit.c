// SPDX-License-Identifier: GPL-2.0
/*
 * The hashing limit of a replay: the time OpenSSL takes to compute only
 * the digests that `imatap replay --pcrs sha256,FILE` must compute for a
 * log, on one thread, with the log already in memory and its record
 * boundaries already found. Per record that is the SHA-1 template digest
 * (checked against the log), the SHA-256 template digest and the SHA-256
 * extend of the native chain, or for a violation the extend alone. imatap
 * also keeps a second chain with zero-padded SHA-1 digests, to recognise
 * kernels before 5.8, which costs one more SHA-256 extend per record.
 *
 * Every digest goes through lib/bank.c's ima_digest_bytes() and
 * ima_extend(), the calls the replay makes, so the limit always measures
 * the hashing code imatap runs (EVP, or OpenSSL's SHA1_*() and SHA256_*()
 * where lib/bank.c bypasses EVP).
 *
 * Prints "minimum SECONDS" (three digests per record) and "with-padded
 * SECONDS" (four), each the fastest of ROUNDS runs, because other jobs on
 * a shared machine only ever slow a run down.
 *
 * Usage: bench_hashlimit LOG
 * LOG is a little-endian binary log without "ima" template records, such
 * as gen_log writes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/bank.h"

#define ROUNDS		7
#define SHA1_SIZE	20
#define SHA256_SIZE	32

struct span {
	size_t offset;		/* of the template data in the log */
	uint32_t len;
	bool violation;
};

struct hashers {
	struct ima_hasher sha1;
	struct ima_hasher sha256;
};

static uint32_t load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size);
		if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
			free(data);
			data = NULL;
		}
		*len = (size_t)size;
	}
	fclose(f);
	return data;
}

/* Find the template data of every record. Returns the count, or 0. */
static size_t find_spans(const uint8_t *log, size_t len, struct span **out)
{
	static const uint8_t zero[SHA1_SIZE];
	size_t pos = 0, count = 0, cap = 1024;
	struct span *spans = malloc(cap * sizeof(*spans));

	while (spans && pos + 4 + SHA1_SIZE + 4 <= len) {
		uint32_t name_len = load_u32(log + pos + 4 + SHA1_SIZE);
		size_t data_pos = pos + 4 + SHA1_SIZE + 4 + name_len + 4;
		uint32_t data_len;

		if (name_len > 255 || data_pos > len)
			break;
		data_len = load_u32(log + data_pos - 4);
		if (data_len > len - data_pos)
			break;
		if (count == cap) {
			struct span *grown;

			cap *= 2;
			grown = realloc(spans, cap * sizeof(*spans));
			if (!grown)
				break;
			spans = grown;
		}
		spans[count].offset = data_pos;
		spans[count].len = data_len;
		spans[count].violation = !memcmp(log + pos + 4, zero, SHA1_SIZE);
		count++;
		pos = data_pos + data_len;
	}
	if (!spans || pos != len) {
		fprintf(stderr, "bench_hashlimit: the log is not a little-endian log of ima-ng-like records (stopped at byte %zu of %zu)\n",
			pos, len);
		free(spans);
		return 0;
	}
	*out = spans;
	return count;
}

/* Compute the replay's digests once. Returns the seconds it took. */
static double run(struct hashers *h, const uint8_t *log,
		  const struct span *spans, size_t count, bool padded_chain)
{
	uint8_t pcr[SHA256_SIZE] = { 0 }, padded_pcr[SHA256_SIZE] = { 0 };
	uint8_t sha1[SHA1_SIZE], sha256[SHA256_SIZE];
	uint8_t padded[SHA256_SIZE] = { 0 };
	struct timespec t0, t1;
	bool ok = true;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count && ok; i++) {
		const uint8_t *data = log + spans[i].offset;

		if (spans[i].violation) {
			memset(sha256, 0xff, sizeof(sha256));
			memset(padded, 0xff, SHA1_SIZE);
		} else {
			ok = ima_digest_bytes(&h->sha1, data, spans[i].len,
					      sha1) &&
			     ima_digest_bytes(&h->sha256, data, spans[i].len,
					      sha256);
			memcpy(padded, sha1, SHA1_SIZE);
		}
		ok = ok && ima_extend(&h->sha256, pcr, sha256);
		if (padded_chain)
			ok = ok && ima_extend(&h->sha256, padded_pcr, padded);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!ok) {
		fprintf(stderr, "bench_hashlimit: OpenSSL digest failed\n");
		exit(1);
	}
	return (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double fastest_run(struct hashers *h, const uint8_t *log,
			  const struct span *spans, size_t count,
			  bool padded_chain)
{
	double t[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++)
		t[i] = run(h, log, spans, count, padded_chain);
	qsort(t, ROUNDS, sizeof(t[0]), compare_double);
	return t[0];
}

int main(int argc, char **argv)
{
	struct ima_error err = { 0 };
	struct hashers h;
	struct span *spans = NULL;
	size_t len = 0, count;
	uint8_t *log;

	if (argc != 2) {
		fprintf(stderr, "Usage: bench_hashlimit LOG\n");
		return 2;
	}
	if (!ima_hasher_init(&h.sha1, &ima_banks[0], &err) ||
	    !ima_hasher_init(&h.sha256, &ima_banks[1], &err)) {
		fprintf(stderr, "bench_hashlimit: %s\n", err.msg);
		return 1;
	}
	printf("path %s\n", h.sha256.direct ? "direct" : "evp");
	log = read_file(argv[1], &len);
	if (!log) {
		fprintf(stderr, "bench_hashlimit: reading %s failed: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	count = find_spans(log, len, &spans);
	if (!count)
		return 1;

	printf("records %zu\n", count);
	printf("minimum %.3f\n", fastest_run(&h, log, spans, count, false));
	printf("with-padded %.3f\n", fastest_run(&h, log, spans, count, true));

	free(spans);
	free(log);
	ima_hasher_free(&h.sha1);
	ima_hasher_free(&h.sha256);
	return 0;
}
