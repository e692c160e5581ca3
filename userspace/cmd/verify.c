// SPDX-License-Identifier: GPL-2.0
/* imatap verify: check an evidence document; needs no TPM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/batch.h"
#include "../lib/fileio.h"
#include "../lib/hex.h"
#include "../lib/verify.h"
#include "../lib/view.h"
#include "imatap.h"

#define NONCE_MAX	64

static void verify_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s verify EVIDENCE --ak KEY [--nonce HEX] [--previous EVIDENCE]\n"
		"                    [--export-tpm2 DIR]\n"
		"\n"
		"Check a batch of evidence from imatap quote and name the first check\n"
		"that fails: attest, pcrs, pcr-selection, nonce, signature, pcr-digest,\n"
		"ak-name, template-digest, log, replay, previous, chain, clock\n"
		"(imatap-verify(8) describes each). Nothing is written to standard\n"
		"output unless every check passed.\n"
		"\n"
		"  --ak KEY             the attestation key: PEM, or TPM2B_PUBLIC as imatap\n"
		"                       provision and tpm2_createak write it\n"
		"  --nonce HEX          the nonce the quote must carry; without it freshness\n"
		"                       is not checked\n"
		"  --previous EVIDENCE  the batch before this one; without it the batch must\n"
		"                       start a chain at index 0\n"
		"  --export-tpm2 DIR    after every check passed, write quote.msg, quote.sig\n"
		"                       and quote.pcrs for tpm2_checkquote into DIR and print\n"
		"                       its command line\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit codes: 0 every check passed, 1 a check failed, 2 usage,\n"
		"3 the evidence is not a valid document, 5 I/O or OpenSSL failure.\n",
		imatap_prog);
}

/*
 * Write the PCR values in tpm2-tools' "serialized" form, as tpm2_quote -o
 * writes it: the TPML_PCR_SELECTION struct as it lies in memory, a UINT32
 * count, then that many TPML_DIGEST structs of up to 8 digests each, all
 * in host byte order. NOTE: tpm2_checkquote 5.4 rejects the other form,
 * bare values with -l, even as tpm2_pcrread -o writes it.
 */
static bool write_tpm2_pcrs(const char *path, const struct quoted_pcrs *q,
			    struct ima_error *err)
{
	TPML_DIGEST lists[TPM2_NUM_PCR_BANKS * TPM2_MAX_PCRS / 8 + 1];
	uint8_t buf[sizeof(TPML_PCR_SELECTION) + sizeof(uint32_t) +
		    sizeof(lists)];
	uint32_t count = 0, i;
	unsigned int pcr;
	size_t pos = 0;

	memset(lists, 0, sizeof(lists));
	for (i = 0; i < q->selection.count; i++) {
		const TPMS_PCR_SELECTION *s = &q->selection.pcrSelections[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(s->hash);

		for (pcr = 0; pcr < 8U * s->sizeofSelect; pcr++) {
			TPML_DIGEST *list = &lists[count / 8];
			TPM2B_DIGEST *d = &list->digests[list->count];

			if (!(s->pcrSelect[pcr / 8] & (1U << (pcr % 8))))
				continue;
			d->size = bank->size;
			memcpy(d->buffer,
			       q->values.value[ima_bank_index(bank)][pcr],
			       bank->size);
			list->count++;
			count++;
		}
	}
	memcpy(buf, &q->selection, sizeof(q->selection));
	pos = sizeof(q->selection);
	count = (count + 7) / 8;
	memcpy(buf + pos, &count, sizeof(count));
	pos += sizeof(count);
	memcpy(buf + pos, lists, count * sizeof(lists[0]));
	pos += count * sizeof(lists[0]);
	return ima_write_file(path, buf, pos, err);
}

/* Write the quote in the file formats tpm2_quote writes and checkquote reads. */
static bool export_tpm2(const char *dir, const char *ak_path,
			const struct evidence *ev,
			const struct verify_result *res, FILE *out,
			struct ima_error *err)
{
	char path[4096];
	uint16_t hash_alg;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "creating %s failed: %s", dir, strerror(errno));
		return false;
	}
	snprintf(path, sizeof(path), "%s/quote.msg", dir);
	if (!ima_write_file(path, ev->attest, ev->attest_len, err))
		return false;
	snprintf(path, sizeof(path), "%s/quote.sig", dir);
	if (!ima_write_file(path, ev->signature, ev->signature_len, err))
		return false;
	snprintf(path, sizeof(path), "%s/quote.pcrs", dir);
	if (!write_tpm2_pcrs(path, &res->pcrs, err))
		return false;

	/* The signature's hash is the second field of a TPMT_SIGNATURE. */
	hash_alg = (uint16_t)(ev->signature[2] << 8 | ev->signature[3]);
	fprintf(out, "tpm2_checkquote -u %s -m %s/quote.msg -s %s/quote.sig -f %s/quote.pcrs -g %s -q ",
		ak_path, dir, dir, dir, ima_bank_by_alg(hash_alg)->name);
	ima_write_hex(out, res->attest.extra.buffer, res->attest.extra.size);
	fprintf(out, "\n");
	return true;
}

static void print_result(FILE *out, const struct evidence *ev,
			 const struct verify_result *res, bool nonce_checked)
{
	unsigned int b;

	if (ev->batch.entries)
		fprintf(out, "verified: entries %llu-%llu (%llu)",
			(unsigned long long)ev->batch.first_index,
			(unsigned long long)(ev->batch.first_index +
					     ev->batch.entries - 1),
			(unsigned long long)ev->batch.entries);
	else
		fprintf(out, "verified: no new entries at index %llu",
			(unsigned long long)ev->batch.first_index);
	fprintf(out, ", %s%s\n",
		res->new_chain ? "starts a chain" : "continues the previous batch",
		res->rebooted ? " after a TPM reset" : "");
	for (b = 0; b < IMA_BANK_COUNT; b++) {
		if (!res->pcrs.values.have[b][IMA_PCR])
			continue;
		fprintf(out, "pcr%u-%s: ", IMA_PCR, ima_banks[b].name);
		ima_write_hex(out, res->pcrs.values.value[b][IMA_PCR],
			      ima_banks[b].size);
		fprintf(out, "\n");
	}
	fprintf(out, "clock: %llu ms, reset count %u, restart count %u\n",
		(unsigned long long)res->attest.clock.clock,
		res->attest.clock.resetCount, res->attest.clock.restartCount);
	if (!nonce_checked)
		fprintf(out, "nonce: not checked (no --nonce)\n");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{ "ak", required_argument, NULL, 'a' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "previous", required_argument, NULL, 'p' },
		{ "export-tpm2", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ak_path = NULL, *previous_path = NULL, *export_dir = NULL;
	uint8_t nonce[NONCE_MAX];
	struct verify_request req = { 0 };
	struct verify_result res = { 0 };
	struct evidence ev = { 0 }, previous = { 0 };
	struct ak_key key = { 0 };
	struct ima_error err;
	char *report = NULL;
	size_t report_len = 0;
	FILE *out = NULL;
	int opt, rc = IMATAP_EXIT_ERROR;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'a':
			ak_path = optarg;
			break;
		case 'n':
			if (!hex_decode(optarg, nonce, sizeof(nonce),
					&req.nonce_len) || req.nonce_len == 0) {
				fprintf(stderr,
					"%s verify: invalid nonce \"%s\": expected 2 to %d hex digits\n",
					imatap_prog, optarg, 2 * NONCE_MAX);
				return IMATAP_EXIT_USAGE;
			}
			req.nonce = nonce;
			break;
		case 'p':
			previous_path = optarg;
			break;
		case 'x':
			export_dir = optarg;
			break;
		case 'h':
			verify_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			verify_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !ak_path) {
		if (!ak_path)
			fprintf(stderr, "%s verify: --ak is required\n",
				imatap_prog);
		verify_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}

	if (!ak_key_load(&key, ak_path, &err))
		goto fail;
	if (!evidence_read(argv[optind], &ev, &err) ||
	    (previous_path && !evidence_read(previous_path, &previous, &err))) {
		rc = IMATAP_EXIT_MALFORMED;
		goto fail;
	}
	req.ak = &key;
	req.previous = previous_path ? &previous : NULL;

	if (!verify_evidence(&ev, &req, &res)) {
		fprintf(stderr, "%s verify: %s: check %s failed: %s\n",
			imatap_prog, argv[optind], res.failed_check,
			res.err.msg);
		rc = IMATAP_EXIT_MISMATCH;
		goto out;
	}

	/* Every check passed: only now write anything. */
	out = open_memstream(&report, &report_len);
	if (!out) {
		ima_error_set(&err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto fail;
	}
	print_result(out, &ev, &res, req.nonce != NULL);
	if (export_dir && !export_tpm2(export_dir, ak_path, &ev, &res, out,
				       &err))
		goto fail;
	if (fclose(out) != 0) {
		out = NULL;
		ima_error_set(&err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto fail;
	}
	out = NULL;
	if (fwrite(report, 1, report_len, stdout) != report_len ||
	    fflush(stdout) != 0) {
		ima_error_set(&err, NULL, IMA_OFFSET_NONE,
			      "writing the output failed");
		goto fail;
	}
	rc = IMATAP_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "%s verify: %s\n", imatap_prog, err.msg);
out:
	if (out)
		fclose(out);
	free(report);
	verify_result_free(&res);
	evidence_free(&ev);
	evidence_free(&previous);
	ak_key_free(&key);
	return rc;
}
