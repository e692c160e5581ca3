// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-addkey: make ima-buf measurements at will by adding an X.509
 * certificate to COUNT new keyrings named "PREFIX-PID-I".
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "keys.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --cert FILE [--count N] [--prefix NAME]\n"
		"  --cert FILE    DER X.509 certificate to add as an asymmetric key\n"
		"  --count N      number of new keyrings, one entry each (default 1)\n"
		"  --prefix NAME  keyring name prefix (default imatap-addkey)\n"
		"Prints the name of each keyring, which is the entry's event name.\n",
		prog_name);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert_path = NULL, *prefix = "imatap-addkey";
	uint64_t count = 1, i;
	size_t cert_size;
	void *cert;
	int opt;

	prog_name = "imatap-addkey";
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cert_path = optarg;
			break;
		case 'n':
			if (parse_u64_option("--count", optarg, &count))
				return 1;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!cert_path || optind != argc) {
		usage(stderr);
		return 1;
	}

	cert = read_whole_file(cert_path, &cert_size);
	for (i = 0; i < count; i++) {
		char name[256];

		snprintf(name, sizeof(name), "%s-%ld-%" PRIu64, prefix,
			 (long)getpid(), i);
		if (add_cert_in_new_keyring(name, cert, cert_size))
			return 1;
		printf("%s\n", name);
	}
	free(cert);
	return 0;
}
