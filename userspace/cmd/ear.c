// SPDX-License-Identifier: GPL-2.0
/* imatap ear verify: check an EAR attestation result signed as a JWS. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ear.h"
#include "../lib/fileio.h"
#include "../lib/jws.h"
#include "imatap.h"

static void ear_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s ear verify TOKEN --key KEY\n"
		"\n"
		"Check an EAR attestation result from imatap appraise --ear: the ES256\n"
		"signature with KEY (a PEM P-256 public or private key) and the claims\n"
		"(eat_profile, iat, ear.verifier-id, submods.%s with an ear.status that is\n"
		"the worst tier of its trustworthiness vector). TOKEN \"-\" reads standard\n"
		"input. On success print the status and claims.\n"
		"\n"
		"  --key KEY    the key that signed the token\n"
		"  -h, --help   show this help\n"
		"\n"
		"Exit codes: 0 the token verified, 1 its signature or claims are invalid,\n"
		"2 usage, 5 I/O or OpenSSL failure.\n",
		imatap_prog, EAR_SUBMOD);
}

static void print_summary(FILE *out, const struct ear_summary *s,
			  const char *payload)
{
	int c;

	fprintf(out, "verified: %s\n", s->status);
	for (c = 0; c < CLAIM_COUNT; c++)
		if (s->have_claim[c])
			fprintf(out, "%s: %d (%s)\n", ar4si_claim_name((enum ar4si_claim)c),
				s->claims[c], ar4si_tier(s->claims[c]));
	fprintf(out, "iat: %lld\n", s->iat);
	if (s->policy_id[0])
		fprintf(out, "ear.appraisal-policy-id: %s\n", s->policy_id);
	fprintf(out, "claims: %s\n", payload);
}

int cmd_ear(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL;
	struct ear_summary summary;
	struct ima_error err;
	EVP_PKEY *key = NULL;
	uint8_t *token = NULL;
	size_t token_len = 0, payload_len = 0;
	char *payload = NULL;
	int opt, rc = IMATAP_EXIT_ERROR;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'k':
			key_path = optarg;
			break;
		case 'h':
			ear_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			ear_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc || strcmp(argv[optind], "verify") != 0 ||
	    !key_path) {
		if (!key_path)
			fprintf(stderr, "%s ear: --key is required\n", imatap_prog);
		ear_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}

	key = jws_load_key(key_path, false, &err);
	if (!key)
		goto fail;
	if (!ima_read_file(argv[optind + 1], EAR_MAX, &token, &token_len, &err))
		goto fail;
	if (!jws_verify_es256(key, (const char *)token, token_len, &payload,
			      &payload_len, &err) ||
	    !ear_decode(payload, payload_len, &summary, &err)) {
		fprintf(stderr, "%s ear: %s: %s\n", imatap_prog, argv[optind + 1],
			err.msg);
		rc = IMATAP_EXIT_MISMATCH;
		goto out;
	}
	print_summary(stdout, &summary, payload);
	rc = fflush(stdout) == 0 ? IMATAP_EXIT_OK : IMATAP_EXIT_ERROR;
	goto out;
fail:
	fprintf(stderr, "%s ear: %s\n", imatap_prog, err.msg);
out:
	EVP_PKEY_free(key);
	free(token);
	free(payload);
	return rc;
}
