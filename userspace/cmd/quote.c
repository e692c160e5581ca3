// SPDX-License-Identifier: GPL-2.0
/* imatap quote: quote the PCRs and write the next batch as evidence. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ak.h"
#include "../lib/fileio.h"
#include "../lib/hex.h"
#include "../lib/quote.h"
#include "imatap.h"

/* A TPM2B_DATA has room for the largest digest: 64 bytes for SHA-512. */
#define NONCE_MAX	64

static void quote_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s quote --nonce HEX [--previous EVIDENCE] [--output FILE]\n"
		"                   [--log FILE [--big-endian]] [--handle HANDLE] [--tcti CONF]\n"
		"\n"
		"Quote PCRs 0-10 of every allocated PCR bank in one TPM2_Quote with\n"
		"the nonce as qualifying data, and write the evidence of the log\n"
		"entries not yet covered: those after the batch in --previous, or\n"
		"from index 0 without it or after a reboot. The batch ends at the\n"
		"entry whose replay equals the quoted PCR 10; later entries wait for\n"
		"the next batch.\n"
		"\n"
		"Entries come from the imatap module's dump when it is loaded, else\n"
		"from " IMA_BINARY_LOG ".\n"
		"\n"
		"  --nonce HEX          qualifying data from the verifier, 1 to %d bytes\n"
		"  --previous EVIDENCE  the evidence of the previous batch, to continue its chain\n"
		"  --output FILE        where to write the evidence (default: standard output)\n"
		"  --log FILE           read entries from this binary log instead\n"
		"  --big-endian         the --log file is from a big-endian kernel without\n"
		"                       ima_canonical_fmt\n"
		"  --handle HANDLE      persistent handle of the attestation key (default 0x%08x)\n"
		"  --tcti CONF          TPM access (default: $%s, else the tpm2-tss default)\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit codes: 0 evidence written, 2 usage, 3 the previous evidence is\n"
		"malformed, 5 failure of the TPM, the log, I/O or OpenSSL.\n",
		imatap_prog, NONCE_MAX, IMATAP_AK_HANDLE, IMATAP_TCTI_ENV);
}

int cmd_quote(int argc, char **argv)
{
	static const struct option options[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "previous", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "log", required_argument, NULL, 'l' },
		{ "big-endian", no_argument, NULL, 'B' },
		{ "handle", required_argument, NULL, 'H' },
		{ "tcti", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t nonce[NONCE_MAX];
	size_t nonce_len = 0;
	const char *tcti = NULL, *output = "-", *previous_path = NULL;
	struct quote_request req = {
		.ak_handle = IMATAP_AK_HANDLE,
		.source = QUOTE_SOURCE_AUTO,
		.log_path = IMA_BINARY_LOG,
	};
	struct imatap_tpm tpm = { 0 };
	struct evidence previous = { 0 }, ev = { 0 };
	struct quote_summary sum;
	struct ima_error err;
	char *text = NULL;
	bool have_nonce = false;
	int opt, rc = IMATAP_EXIT_ERROR;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!hex_decode(optarg, nonce, sizeof(nonce), &nonce_len) ||
			    nonce_len == 0) {
				fprintf(stderr,
					"%s quote: invalid nonce \"%s\": expected 2 to %d hex digits\n",
					imatap_prog, optarg, 2 * NONCE_MAX);
				return IMATAP_EXIT_USAGE;
			}
			have_nonce = true;
			break;
		case 'p':
			previous_path = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'l':
			req.source = QUOTE_SOURCE_FILE;
			req.log_path = optarg;
			break;
		case 'B':
			req.big_endian = true;
			break;
		case 'H':
			if (!hex_parse_handle(optarg, &req.ak_handle)) {
				fprintf(stderr,
					"%s quote: invalid handle \"%s\": expected 8 hex digits such as 0x81010002\n",
					imatap_prog, optarg);
				return IMATAP_EXIT_USAGE;
			}
			break;
		case 'T':
			tcti = optarg;
			break;
		case 'h':
			quote_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			quote_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind != argc || !have_nonce) {
		if (!have_nonce)
			fprintf(stderr, "%s quote: --nonce is required\n",
				imatap_prog);
		quote_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	req.nonce = nonce;
	req.nonce_len = nonce_len;

	if (previous_path) {
		if (!evidence_read(previous_path, &previous, &err)) {
			rc = IMATAP_EXIT_MALFORMED;
			goto fail;
		}
		req.previous = &previous;
	}
	if (!tpm_open(&tpm, tcti, &err))
		goto fail;
	req.tpm = &tpm;
	if (!quote_batch(&req, &ev, &sum, &err))
		goto fail;
	text = evidence_encode(&ev, &err);
	if (!text || !ima_write_file(output, text, strlen(text), &err))
		goto fail;

	fprintf(stderr,
		"%s quote: batch of %llu entries from index %llu (%s%s), %llu entries wait for the next batch%s\n",
		imatap_prog, (unsigned long long)ev.batch.entries,
		(unsigned long long)ev.batch.first_index,
		sum.new_chain ? "new chain" : "continues the previous batch",
		sum.rebooted ? " after a reboot" : "",
		(unsigned long long)sum.waiting,
		sum.pcr10_moved ? "; PCR 10 moved on after the quote" : "");
	rc = IMATAP_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "%s quote: %s\n", imatap_prog, err.msg);
out:
	free(text);
	evidence_free(&ev);
	evidence_free(&previous);
	tpm_close(&tpm);
	return rc;
}
