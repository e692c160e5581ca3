// SPDX-License-Identifier: GPL-2.0
/* The imatap entry point. One table drives both dispatch and usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "imatap.h"

const char *imatap_prog = "imatap";

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "log", cmd_log, "print the measurement list as the kernel's ASCII view or JSON" },
	{ "listen", cmd_listen, "follow new entries from the module's event stream or securityfs" },
	{ "replay", cmd_replay, "verify template digests and replay PCRs against reference values" },
	{ "provision", cmd_provision, "create or reuse the TPM attestation key and export it" },
	{ "quote", cmd_quote, "quote the PCRs and write the next batch of entries as evidence" },
	{ "verify", cmd_verify, "check evidence from quote; needs no TPM" },
	{ "appraise", cmd_appraise, "judge each entry against reference values and write an EAR" },
	{ "reference", cmd_reference, "generate a runtime policy from a golden tree" },
	{ "ear", cmd_ear, "verify an EAR attestation result signed as a JWS" },
	{ "daemon", cmd_daemon, "quote, appraise and journal new entries in batches" },
	{ "journal", cmd_journal, "verify a daemon journal as one unbroken chain" },
	{ "version", cmd_version, "print the version of imatap" },
	{ "help", cmd_help, "show this help, or a command's with 'help COMMAND'" },
};

#define SUBCOMMAND_COUNT (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s COMMAND [OPTIONS] [ARGS]\n\nCommands:\n",
		imatap_prog);
	for (i = 0; i < SUBCOMMAND_COUNT; i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fprintf(out,
		"\n'%s COMMAND --help' describes each command.\n"
		"\nExit codes:\n"
		"  0  success\n"
		"  1  mismatch: a template digest, PCR bank or evidence check did not match,\n"
		"     or an appraisal is not affirming\n"
		"  2  usage: invalid command line or PCR value file\n"
		"  3  malformed: the log breaks a format rule\n"
		"  4  incomplete: the log ends inside a record; complete records passed\n"
		"  5  error: I/O, memory or OpenSSL failure\n",
		imatap_prog);
}

/* "help" alone lists the commands; "help COMMAND" is "COMMAND --help". */
int cmd_help(int argc, char **argv)
{
	char *help_argv[] = { NULL, "--help", NULL };
	size_t i;

	if (argc < 2) {
		usage(stdout);
		return IMATAP_EXIT_OK;
	}
	for (i = 0; i < SUBCOMMAND_COUNT; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0 &&
		    subcommands[i].run != cmd_help) {
			help_argv[0] = argv[1];
			return subcommands[i].run(2, help_argv);
		}
	}
	usage(stdout);
	return IMATAP_EXIT_OK;
}

/*
 * Print "imatap VERSION" for "version" and "--version". The module reports
 * the same VERSION in its status reply.
 */
int cmd_version(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		printf("Usage: %s version\n\nPrint the version of the helper, "
		       "which the kernel module and packages share.\n",
		       imatap_prog);
		return IMATAP_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "%s version: unexpected argument \"%s\"; it takes none\n",
			imatap_prog, argv[1]);
		return IMATAP_EXIT_USAGE;
	}
	printf("%s %s\n", imatap_prog, IMATAP_VERSION);
	return IMATAP_EXIT_OK;
}

int imatap_open_log(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "%s: cannot open %s: %s\n", imatap_prog, path,
			strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);

	for (i = 0; i < SUBCOMMAND_COUNT; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);

	fprintf(stderr, "%s: unknown command \"%s\"; run '%s help' for the list\n",
		imatap_prog, argv[1], imatap_prog);
	return IMATAP_EXIT_USAGE;
}
