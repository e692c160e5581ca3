/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of the imatap helper and their shared exit codes. */
#ifndef IMATAP_CMD_H
#define IMATAP_CMD_H

/*
 * Exit codes. When several apply, the highest in this order wins: error,
 * usage, malformed, mismatch, incomplete.
 */
enum imatap_exit {
	IMATAP_EXIT_OK = 0,		/* success; replay: all checks passed */
	IMATAP_EXIT_MISMATCH = 1,	/* a template digest or PCR bank differs */
	IMATAP_EXIT_USAGE = 2,		/* invalid command line */
	IMATAP_EXIT_MALFORMED = 3,	/* the log breaks a format rule */
	IMATAP_EXIT_INCOMPLETE = 4,	/* the log ends inside a record */
	IMATAP_EXIT_ERROR = 5,		/* I/O, memory or OpenSSL failure */
};

#define IMA_BINARY_LOG \
	"/sys/kernel/security/ima/binary_runtime_measurements"

extern const char *imatap_prog;

int cmd_log(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_quote(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_appraise(int argc, char **argv);
int cmd_reference(int argc, char **argv);
int cmd_ear(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Open path for reading ("-" is stdin). Returns an fd or -1 after a message. */
int imatap_open_log(const char *path);

#endif
