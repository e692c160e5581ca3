// SPDX-License-Identifier: GPL-2.0
/* imatap provision: create or reuse the attestation key and export it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "../lib/ak.h"
#include "../lib/akpub.h"
#include "../lib/fileio.h"
#include "../lib/hex.h"
#include "../lib/view.h"
#include "imatap.h"

static void provision_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s provision [--ecc | --rsa] [--handle HANDLE] [--ek-handle HANDLE]\n"
		"                       [--tcti CONF] [--output PREFIX]\n"
		"\n"
		"Create an attestation key (a restricted signing key) under the\n"
		"endorsement key and make it persistent, or reuse the key already at\n"
		"the handle. Write its public part as PREFIX.pem (SubjectPublicKeyInfo)\n"
		"and PREFIX.pub (TPM2B_PUBLIC), its TPM name as PREFIX.name, and print\n"
		"the name in hex.\n"
		"\n"
		"  --ecc              ECC NIST P-256, ECDSA with SHA-256 (default)\n"
		"  --rsa              RSA 2048, RSASSA PKCS#1 v1.5 with SHA-256\n"
		"  --handle HANDLE    persistent handle of the key (default 0x%08x)\n"
		"  --ek-handle HANDLE persistent handle of the EK (default 0x%08x); without\n"
		"                     an EK there, a transient one is made from the TCG\n"
		"                     default RSA template\n"
		"  --tcti CONF        TPM access, e.g. device:/dev/tpmrm0 or\n"
		"                     swtpm:host=127.0.0.1,port=2321 (default: $%s,\n"
		"                     else the tpm2-tss default)\n"
		"  --output PREFIX    file name prefix (default \"ak\")\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit codes: 0 key ready, 2 usage, 5 TPM, I/O or OpenSSL failure.\n",
		imatap_prog, IMATAP_AK_HANDLE, TPM_EK_RSA_HANDLE, IMATAP_TCTI_ENV);
}

static bool export_key(const struct ak_key *key, const char *prefix,
		       struct ima_error *err)
{
	uint8_t pub[sizeof(TPM2B_PUBLIC)];
	size_t off = 0;
	char *path = NULL;
	bool ok = false;
	TSS2_RC rc;

	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&key->pub, pub, sizeof(pub), &off);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Tss2_MU_TPM2B_PUBLIC_Marshal", rc);
		return false;
	}
	if (asprintf(&path, "%s.pem", prefix) < 0)
		goto nomem;
	if (!ak_key_write_pem(key, path, err))
		goto out;
	free(path);
	if (asprintf(&path, "%s.pub", prefix) < 0)
		goto nomem;
	if (!ima_write_file(path, pub, off, err))
		goto out;
	free(path);
	if (asprintf(&path, "%s.name", prefix) < 0)
		goto nomem;
	ok = ima_write_file(path, key->name, key->name_len, err);
	goto out;
nomem:
	path = NULL;
	ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
out:
	free(path);
	return ok;
}

int cmd_provision(int argc, char **argv)
{
	static const struct option options[] = {
		{ "ecc", no_argument, NULL, 'e' },
		{ "rsa", no_argument, NULL, 'r' },
		{ "handle", required_argument, NULL, 'H' },
		{ "ek-handle", required_argument, NULL, 'E' },
		{ "tcti", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t ak_handle = IMATAP_AK_HANDLE, ek_handle = TPM_EK_RSA_HANDLE;
	enum ak_kind kind = AK_ECC_P256;
	const char *tcti = NULL, *prefix = "ak";
	struct imatap_tpm tpm = { 0 };
	struct ak_key key = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	struct ima_error err;
	bool created;
	int opt, rc = IMATAP_EXIT_ERROR;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'e':
			kind = AK_ECC_P256;
			break;
		case 'r':
			kind = AK_RSA_2048;
			break;
		case 'H':
		case 'E':
			if (!hex_parse_handle(optarg, opt == 'H' ? &ak_handle
								 : &ek_handle)) {
				fprintf(stderr,
					"%s provision: invalid handle \"%s\": expected 8 hex digits such as 0x81010002\n",
					imatap_prog, optarg);
				return IMATAP_EXIT_USAGE;
			}
			break;
		case 'T':
			tcti = optarg;
			break;
		case 'o':
			prefix = optarg;
			break;
		case 'h':
			provision_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			provision_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		provision_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	if ((ak_handle >> 24) != TPM2_HT_PERSISTENT) {
		fprintf(stderr,
			"%s provision: handle 0x%08x is not a persistent handle (0x81xxxxxx)\n",
			imatap_prog, ak_handle);
		return IMATAP_EXIT_USAGE;
	}

	if (!tpm_open(&tpm, tcti, &err))
		goto fail;
	if (!tpm_ak_provision(&tpm, kind, ek_handle, ak_handle, &pub, &created,
			      &err))
		goto fail;
	if (!ak_key_from_public(&key, pub, &err) ||
	    !export_key(&key, prefix, &err))
		goto fail;

	printf("%s attestation key at 0x%08x, name ",
	       created ? "created" : "reused", ak_handle);
	ima_write_hex(stdout, key.name, key.name_len);
	printf("\n");
	rc = IMATAP_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "%s provision: %s\n", imatap_prog, err.msg);
out:
	ak_key_free(&key);
	free(pub);
	tpm_close(&tpm);
	return rc;
}
