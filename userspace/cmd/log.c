// SPDX-License-Identifier: GPL-2.0
/* imatap log: print binary_runtime_measurements as text. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/binlog.h"
#include "../lib/view.h"
#include "imatap.h"

static void log_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s log [--json] [--big-endian] [FILE|-]\n"
		"\n"
		"Print each record of a binary IMA measurement list (default\n"
		IMA_BINARY_LOG ")\n"
		"as the kernel's ascii_runtime_measurements line, byte for byte.\n"
		"Records are printed as they are read; on a malformed record the\n"
		"output stops before it.\n"
		"\n"
		"  --json        one JSON object per line instead (imatap-log(8))\n"
		"  --big-endian  read a log written by a big-endian kernel without\n"
		"                ima_canonical_fmt (default: little-endian)\n"
		"  -h, --help    show this help\n"
		"\n"
		"Exit codes: 0 printed, 3 malformed, 4 ends in an incomplete record,\n"
		"5 I/O error, 2 usage.\n",
		imatap_prog);
}

static int print_records(struct ima_binlog *log, const char *path, bool json)
{
	static char outbuf[1 << 16];
	struct ima_record rec;
	struct ima_error err;
	enum ima_read_status st;
	int rc;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	while ((st = ima_binlog_next(log, &rec, &err)) == IMA_READ_RECORD) {
		rc = json ? ima_view_json(stdout, &rec) :
			    ima_view_ascii(stdout, &rec);
		if (rc < 0)
			break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s log: writing the output failed\n",
			imatap_prog);
		return IMATAP_EXIT_ERROR;
	}

	switch (st) {
	case IMA_READ_END:
		return IMATAP_EXIT_OK;
	case IMA_READ_INCOMPLETE:
		fprintf(stderr, "%s log: %s: %s\n", imatap_prog, path, err.msg);
		return IMATAP_EXIT_INCOMPLETE;
	case IMA_READ_MALFORMED:
		fprintf(stderr, "%s log: %s: %s\n", imatap_prog, path, err.msg);
		return IMATAP_EXIT_MALFORMED;
	default:
		fprintf(stderr, "%s log: %s: %s\n", imatap_prog, path, err.msg);
		return IMATAP_EXIT_ERROR;
	}
}

int cmd_log(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "big-endian", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = IMA_BINARY_LOG;
	struct ima_binlog log;
	bool json = false, big_endian = false;
	int opt, fd, rc;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'B':
			big_endian = true;
			break;
		case 'h':
			log_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			log_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "%s log: expected at most one FILE\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	if (optind < argc)
		path = argv[optind];

	fd = imatap_open_log(path);
	if (fd < 0)
		return IMATAP_EXIT_ERROR;
	if (ima_binlog_open_fd(&log, fd, big_endian) < 0) {
		fprintf(stderr, "%s log: out of memory\n", imatap_prog);
		rc = IMATAP_EXIT_ERROR;
		goto out;
	}
	rc = print_records(&log, path, json);
	ima_binlog_close(&log);
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
