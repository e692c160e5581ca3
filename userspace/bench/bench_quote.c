// SPDX-License-Identifier: GPL-2.0
/*
 * Quote latency against a TPM and the helper's own share of it, for
 * batches of 1, 100 and 10,000 synthetic ima-ng entries. The TPM named
 * by $TPM2TOOLS_TCTI must be one the benchmark may extend and provision.
 *
 * Usage: bench_quote LOGFILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "../lib/ak.h"
#include "../lib/attest.h"
#include "../lib/batch.h"
#include "../lib/evidence.h"
#include "../lib/fileio.h"
#include "../lib/quote.h"

#define ROUNDS	5

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), compare_double);
	return v[n / 2];
}

/* Append one ima-ng record for a file named after i, and its digests. */
static void append_record(uint8_t **log, size_t *len, uint64_t i,
			  uint8_t sha1[20], uint8_t sha256[32])
{
	uint8_t data[256];
	char name[64];
	uint32_t word, pos = 0, name_len;
	size_t need;

	name_len = (uint32_t)snprintf(name, sizeof(name), "/usr/bin/bench-%llu",
				      (unsigned long long)i) + 1;
	word = 7 + 1 + 32;
	memcpy(data + pos, &word, 4);
	memcpy(data + pos + 4, "sha256:", 8);
	memset(data + pos + 12, (int)(i & 0xff), 32);
	pos += 4 + word;
	memcpy(data + pos, &name_len, 4);
	memcpy(data + pos + 4, name, name_len);
	pos += 4 + name_len;

	EVP_Digest(data, pos, sha1, NULL, EVP_sha1(), NULL);
	EVP_Digest(data, pos, sha256, NULL, EVP_sha256(), NULL);

	need = *len + 4 + 20 + 4 + 6 + 4 + pos;
	*log = realloc(*log, need);
	if (!*log)
		abort();
	word = 10;
	memcpy(*log + *len, &word, 4);
	memcpy(*log + *len + 4, sha1, 20);
	word = 6;
	memcpy(*log + *len + 24, &word, 4);
	memcpy(*log + *len + 28, "ima-ng", 6);
	memcpy(*log + *len + 34, &pos, 4);
	memcpy(*log + *len + 38, data, pos);
	*len = need;
}

static bool extend(struct imatap_tpm *tpm, const uint8_t sha1[20],
		   const uint8_t sha256[32], struct ima_error *err)
{
	ESYS_TR pcr = ESYS_TR_PCR0 + IMA_PCR;
	TPML_DIGEST_VALUES values = { .count = 2 };
	TSS2_RC rc;

	values.digests[0].hashAlg = TPM2_ALG_SHA1;
	memcpy(values.digests[0].digest.sha1, sha1, 20);
	values.digests[1].hashAlg = TPM2_ALG_SHA256;
	memcpy(values.digests[1].digest.sha256, sha256, 32);
	rc = Esys_PCR_Extend(tpm->esys, pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			     ESYS_TR_NONE, &values);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Esys_PCR_Extend", rc);
		return false;
	}
	return true;
}

/* The helper's own work in a quote: read and cut the log, encode. */
static bool helper_work(const char *path, const struct evidence *ev,
			const struct ima_pcr_set *quoted, double *ms,
			struct ima_error *err)
{
	double start = now_ms();
	struct batch_cut cut;
	uint8_t *log = NULL;
	size_t len = 0;
	char *text;
	bool ok;

	ok = ima_read_file(path, 1U << 30, &log, &len, err) &&
	     batch_find_cut(log, len, false, ev->batch.first_index,
			    ev->batch.start_banks, ev->batch.start_pcr10,
			    batch_meets_pcrs, quoted, &cut, err) &&
	     cut.found;
	text = ok ? evidence_encode(ev, err) : NULL;
	*ms = now_ms() - start;
	free(text);
	free(log);
	return ok && text;
}

/* The TPM's part: one quote and the PCR read that checks it. */
static bool tpm_work(struct imatap_tpm *tpm, const TPML_PCR_SELECTION *sel,
		     double *ms, struct ima_error *err)
{
	static const uint8_t nonce[16];
	struct tpm_quote quote;
	struct ima_pcr_set values;
	double start = now_ms();
	bool ok;

	ok = tpm_quote(tpm, IMATAP_AK_HANDLE, sel, nonce, sizeof(nonce), &quote,
		       err) &&
	     tpm_pcr_read(tpm, sel, &values, err);
	*ms = now_ms() - start;
	tpm_quote_free(&quote);
	return ok;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 1, 100, 10000 };
	static const uint8_t nonce[16];
	struct imatap_tpm tpm;
	struct ima_error err;
	TPM2B_PUBLIC *pub = NULL;
	TPML_PCR_SELECTION sel;
	struct evidence prev = { 0 }, ev;
	struct quote_summary sum;
	uint8_t *log = NULL, sha1[20], sha256[32];
	size_t log_len = 0;
	uint64_t next = 0;
	bool created;
	unsigned int s, i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_quote LOGFILE\n");
		return 2;
	}
	if (!tpm_open(&tpm, NULL, &err) ||
	    !tpm_ak_provision(&tpm, AK_ECC_P256, TPM_EK_RSA_HANDLE,
			      IMATAP_AK_HANDLE, &pub, &created, &err) ||
	    !tpm_pcr_selection(&tpm, BATCH_QUOTE_PCRS, &sel, &err))
		goto fail;
	free(pub);

	printf("%8s %12s %12s %12s %10s\n", "entries", "quote ms", "tpm ms",
	       "helper ms", "helper %");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct quote_request req = {
			.tpm = &tpm, .ak_handle = IMATAP_AK_HANDLE,
			.nonce = nonce, .nonce_len = sizeof(nonce),
			.source = QUOTE_SOURCE_FILE, .log_path = argv[1],
			.previous = next ? &prev : NULL,
		};
		struct quoted_pcrs quoted;
		double total, tpm_ms[ROUNDS], helper_ms[ROUNDS], t_tpm, t_helper;

		for (i = 0; i < sizes[s]; i++, next++) {
			append_record(&log, &log_len, next, sha1, sha256);
			if (!extend(&tpm, sha1, sha256, &err))
				goto fail;
		}
		if (!ima_write_file(argv[1], log, log_len, &err))
			goto fail;

		total = now_ms();
		if (!quote_batch(&req, &ev, &sum, &err))
			goto fail;
		total = now_ms() - total;
		if (ev.batch.entries != sizes[s]) {
			fprintf(stderr, "bench: batch has %llu entries, expected %u\n",
				(unsigned long long)ev.batch.entries, sizes[s]);
			return 1;
		}

		if (!quoted_pcrs_parse(ev.pcrs, ev.pcrs_len, &quoted, &err))
			goto fail;
		for (i = 0; i < ROUNDS; i++) {
			if (!tpm_work(&tpm, &sel, &tpm_ms[i], &err) ||
			    !helper_work(argv[1], &ev, &quoted.values,
					 &helper_ms[i], &err))
				goto fail;
		}
		quoted_pcrs_free(&quoted);
		t_tpm = median(tpm_ms, ROUNDS);
		t_helper = median(helper_ms, ROUNDS);
		printf("%8u %12.2f %12.2f %12.2f %9.1f%%\n", sizes[s], total,
		       t_tpm, t_helper, 100.0 * t_helper / t_tpm);

		evidence_free(&prev);
		prev = ev;
	}
	evidence_free(&prev);
	free(log);
	tpm_close(&tpm);
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", err.msg);
	return 1;
}
