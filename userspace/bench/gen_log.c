// SPDX-License-Identifier: GPL-2.0
/*
 * Write a synthetic little-endian binary_runtime_measurements for the
 * log-engine benchmark, and the PCR values it replays to in the evmctl
 * form ("PCR-10: HEX", PCRs 0-23), one file per bank.
 *
 * Records alternate between ima-ng and ima-sig, all in PCR 10, with
 * sha256 file digests. Every ima-sig record carries a 265-byte signature
 * (a version 2 header and 256 bytes, the size of an RSA-2048 signature)
 * filled with pseudo-random bytes. File names are built from common
 * directory prefixes and pseudo-random components, 10 to about 200 bytes,
 * about 50 on average. One record in 10,000 is a violation. The output
 * depends only on the record count.
 *
 * Usage: gen_log COUNT LOG SHA256_PCRS SHA1_PCRS
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define PCR_INDEX		10
#define PCR_COUNT		24
#define SIG_LEN			265
#define VIOLATION_EVERY		10000

static const char *const prefixes[] = {
	"/usr/bin/", "/usr/sbin/", "/usr/lib/x86_64-linux-gnu/",
	"/usr/lib/python3/dist-packages/", "/usr/share/locale/",
	"/etc/", "/usr/lib/systemd/system/", "/var/lib/dpkg/info/",
	"/usr/lib/modules/6.1.0-27-amd64/kernel/drivers/",
	"/usr/share/perl/5.36.0/", "/home/user/.cache/",
};

/* xorshift64*: deterministic, so every run writes the same log. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void fill_random(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(rng_next() >> 56);
}

/* Write a NUL-terminated path into out. Returns its length with the NUL. */
static uint32_t make_path(char *out)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
	const char *prefix = prefixes[rng_next() % (sizeof(prefixes) /
						      sizeof(prefixes[0]))];
	size_t len = strlen(prefix), parts = 1 + rng_next() % 3, i, j;

	memcpy(out, prefix, len);
	for (i = 0; i < parts; i++) {
		/* Mostly short components, sometimes a long one. */
		size_t n = 3 + rng_next() % (rng_next() % 8 ? 16 : 60);

		if (i)
			out[len++] = '/';
		for (j = 0; j < n; j++)
			out[len++] = alphabet[rng_next() % (sizeof(alphabet) - 1)];
	}
	out[len++] = '\0';
	return (uint32_t)len;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Serialize the template data of one record. Returns its length. */
static uint32_t make_template_data(uint8_t *data, bool sig)
{
	char path[512];
	uint32_t pos = 0, path_len = make_path(path);

	put_u32(data, 7 + 1 + 32);
	memcpy(data + 4, "sha256:", 8);
	fill_random(data + 12, 32);
	pos = 4 + 40;
	put_u32(data + pos, path_len);
	memcpy(data + pos + 4, path, path_len);
	pos += 4 + path_len;
	if (!sig)
		return pos;

	put_u32(data + pos, SIG_LEN);
	data[pos + 4] = 0x03;			/* EVM_IMA_XATTR_DIGSIG */
	data[pos + 5] = 0x02;			/* signature version 2 */
	data[pos + 6] = 0x04;			/* HASH_ALGO_SHA256 */
	fill_random(data + pos + 7, 4);		/* key id */
	data[pos + 11] = 0x01;			/* big-endian length 256 */
	data[pos + 12] = 0x00;
	fill_random(data + pos + 13, SIG_LEN - 9);
	return pos + 4 + SIG_LEN;
}

static void digest(const EVP_MD *md, const void *a, size_t a_len,
		   const void *b, size_t b_len, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex2(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, a, a_len) ||
	    (b_len && !EVP_DigestUpdate(ctx, b, b_len)) ||
	    !EVP_DigestFinal_ex(ctx, out, NULL)) {
		fprintf(stderr, "gen_log: OpenSSL digest failed\n");
		exit(1);
	}
	EVP_MD_CTX_free(ctx);
}

static int write_pcrs(const char *path, const uint8_t *pcr10, size_t size)
{
	FILE *f = fopen(path, "w");
	unsigned int p;
	size_t i;

	if (!f) {
		fprintf(stderr, "gen_log: creating %s failed: %s\n", path,
			strerror(errno));
		return -1;
	}
	for (p = 0; p < PCR_COUNT; p++) {
		fprintf(f, "PCR-%02u: ", p);
		for (i = 0; i < size; i++)
			fprintf(f, "%02x", p == PCR_INDEX ? pcr10[i] : 0);
		fprintf(f, "\n");
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_log: writing %s failed: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t data[4096];
	uint8_t pcr256[32] = { 0 }, pcr1[20] = { 0 };
	uint8_t t256[32], t1[20], head[4 + 20 + 4 + 7 + 4];
	EVP_MD *sha256, *sha1;
	unsigned long long count, i;
	char *end;
	FILE *log;

	if (argc != 5) {
		fprintf(stderr, "Usage: gen_log COUNT LOG SHA256_PCRS SHA1_PCRS\n");
		return 2;
	}
	count = strtoull(argv[1], &end, 10);
	if (*end || count == 0) {
		fprintf(stderr, "gen_log: invalid record count \"%s\"\n",
			argv[1]);
		return 2;
	}
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	log = fopen(argv[2], "wb");
	if (!sha256 || !sha1 || !log) {
		fprintf(stderr, "gen_log: fetching SHA-256 and SHA-1 or creating %s failed\n",
			argv[2]);
		return 1;
	}

	for (i = 0; i < count; i++) {
		bool sig = i & 1;
		const char *name = sig ? "ima-sig" : "ima-ng";
		uint32_t name_len = (uint32_t)strlen(name);
		uint32_t len = make_template_data(data, sig);
		bool violation = i % VIOLATION_EVERY == VIOLATION_EVERY - 1;

		if (violation) {
			memset(t1, 0xff, sizeof(t1));
			memset(t256, 0xff, sizeof(t256));
		} else {
			digest(sha1, data, len, NULL, 0, t1);
			digest(sha256, data, len, NULL, 0, t256);
		}
		digest(sha1, pcr1, 20, t1, 20, pcr1);
		digest(sha256, pcr256, 32, t256, 32, pcr256);

		/* A violation logs a zero digest and extends with 0xff. */
		put_u32(head, PCR_INDEX);
		if (violation)
			memset(head + 4, 0, 20);
		else
			memcpy(head + 4, t1, 20);
		put_u32(head + 24, name_len);
		memcpy(head + 28, name, name_len);
		put_u32(head + 28 + name_len, len);
		if (fwrite(head, 1, 32 + name_len, log) != 32 + name_len ||
		    fwrite(data, 1, len, log) != len) {
			fprintf(stderr, "gen_log: writing %s failed: %s\n",
				argv[2], strerror(errno));
			return 1;
		}
	}
	if (fclose(log) != 0) {
		fprintf(stderr, "gen_log: writing %s failed: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	EVP_MD_free(sha256);
	EVP_MD_free(sha1);
	if (write_pcrs(argv[3], pcr256, 32) || write_pcrs(argv[4], pcr1, 20))
		return 1;
	return 0;
}
