// SPDX-License-Identifier: GPL-2.0
/*
 * imatap listen: follow the measurement log as it grows, from the imatap
 * module's event group (lib/follow.c) or by polling securityfs
 * (lib/filefollow.c), and print each entry once and in order.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "../lib/emit.h"
#include "../lib/filefollow.h"
#include "../lib/follow.h"
#include "../lib/state.h"
#include "imatap.h"

/* How often the state file is rewritten while entries arrive. */
#define STATE_SAVE_INTERVAL_MS	5000
#define DEFAULT_POLL_MS		1000
/* Requested group receive buffer; the kernel doubles it. */
#define DEFAULT_RCVBUF		(1 << 20)

struct listen_options {
	enum imatap_format format;
	struct imatap_filter filter;
	bool have_from;
	uint64_t from;
	uint64_t until;
	uint64_t count;
	const char *state_path;
	bool securityfs;
	const char *file;
	bool big_endian;
	unsigned int poll_ms;
	int rcvbuf;
};

struct listen {
	const struct listen_options *opt;
	struct imatap_emitter em;
	struct imatap_state state;	/* boot_id and the position last saved */
	uint64_t flushed_index;		/* entries before it reached stdout */
	uint64_t flushed_offset;
	struct timespec saved_at;
	int sigfd;
	int stop_signal;
	bool broken_pipe;
};

static void listen_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s listen [OPTIONS]\n"
		"\n"
		"Print every entry of the IMA measurement list from an index on, then\n"
		"each new entry as IMA adds it, once and in log order. Entries come from\n"
		"the imatap module's netlink event group; lost messages are repaired\n"
		"with a dump and reported on stderr, one line per repair.\n"
		"\n"
		"Output (default: the kernel's ascii_runtime_measurements lines):\n"
		"  --json              one JSON object per line, as 'imatap log --json'\n"
		"  --binary            binary_runtime_measurements records, byte for byte\n"
		"Position:\n"
		"  --from INDEX        first entry to print (default: 0, or the state file)\n"
		"  --until INDEX       stop before entry INDEX\n"
		"  --count N           stop after printing N entries\n"
		"  --state FILE        continue where FILE says the last run stopped, and\n"
		"                      record the next index in FILE on exit and every %d s\n"
		"Filters (repeat an option for alternatives; all kinds must match):\n"
		"  --pcr N             entries that extended PCR N\n"
		"  --template NAME     entries with template NAME (ima-sig, ima-ng, ...)\n"
		"  --path-prefix DIR   entries whose file name is DIR or lies under it;\n"
		"                      entries without a file name never match\n"
		"Source:\n"
		"  --securityfs        poll the binary log in securityfs instead of the\n"
		"                      module (for when the module is not loaded)\n"
		"  --file FILE         with --securityfs, poll FILE instead of\n"
		"                      " IMA_BINARY_LOG "\n"
		"  --interval MS       with --securityfs, milliseconds between polls\n"
		"                      (default %d)\n"
		"  --big-endian        with --securityfs, read a big-endian log\n"
		"  --rcvbuf BYTES      receive buffer of the group socket (default %d)\n"
		"  -h, --help          show this help\n"
		"\n"
		"The module's family needs CAP_NET_ADMIN. SIGINT, SIGTERM, a closed\n"
		"output pipe, --until and --count end the command with status 0 after\n"
		"writing the state file.\n"
		"Exit codes: 0 stopped, 2 usage, 3 malformed message or record,\n"
		"5 error (module not loaded, permission, I/O).\n",
		imatap_prog, STATE_SAVE_INTERVAL_MS / 1000, DEFAULT_POLL_MS,
		DEFAULT_RCVBUF);
}

static bool parse_u64(const char *option, const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno) {
		fprintf(stderr, "%s listen: invalid %s \"%s\": expected a decimal number\n",
			imatap_prog, option, text);
		return false;
	}
	return true;
}

static bool parse_bounded(const char *option, const char *text,
			  uint64_t min, uint64_t max, uint64_t *value)
{
	if (!parse_u64(option, text, value))
		return false;
	if (*value < min || *value > max) {
		fprintf(stderr, "%s listen: %s %s is outside %llu-%llu\n",
			imatap_prog, option, text, (unsigned long long)min,
			(unsigned long long)max);
		return false;
	}
	return true;
}

enum option_id {
	OPT_JSON = 256, OPT_BINARY, OPT_FROM, OPT_UNTIL, OPT_COUNT, OPT_STATE,
	OPT_PCR, OPT_TEMPLATE, OPT_PATH_PREFIX, OPT_SECURITYFS, OPT_FILE,
	OPT_INTERVAL, OPT_BIG_ENDIAN, OPT_RCVBUF,
};

static bool parse_option(struct listen_options *o, int opt, const char *arg)
{
	struct ima_error err;
	uint64_t v;

	switch (opt) {
	case OPT_JSON:
	case OPT_BINARY:
		if (o->format != IMATAP_FORMAT_ASCII) {
			fprintf(stderr, "%s listen: give only one of --json and --binary\n",
				imatap_prog);
			return false;
		}
		o->format = opt == OPT_JSON ? IMATAP_FORMAT_JSON :
					      IMATAP_FORMAT_BINARY;
		return true;
	case OPT_FROM:
		o->have_from = true;
		return parse_u64("--from", arg, &o->from);
	case OPT_UNTIL:
		return parse_u64("--until", arg, &o->until);
	case OPT_COUNT:
		return parse_bounded("--count", arg, 1, UINT64_MAX, &o->count);
	case OPT_STATE:
		o->state_path = arg;
		return true;
	case OPT_SECURITYFS:
		o->securityfs = true;
		return true;
	case OPT_FILE:
		o->file = arg;
		return true;
	case OPT_BIG_ENDIAN:
		o->big_endian = true;
		return true;
	case OPT_INTERVAL:
		if (!parse_bounded("--interval", arg, 10, 3600000, &v))
			return false;
		o->poll_ms = (unsigned int)v;
		return true;
	case OPT_RCVBUF:
		if (!parse_bounded("--rcvbuf", arg, 1, INT_MAX / 2, &v))
			return false;
		o->rcvbuf = (int)v;
		return true;
	}

	if ((opt == OPT_PCR && imatap_filter_add_pcr(&o->filter, arg, &err)) ||
	    (opt == OPT_TEMPLATE &&
	     imatap_filter_add_template(&o->filter, arg, &err)) ||
	    (opt == OPT_PATH_PREFIX &&
	     imatap_filter_add_prefix(&o->filter, arg, &err)))
		return true;
	fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
	return false;
}

/* Parse the command line; returns -1 to go on or an exit code. */
static int parse_options(int argc, char **argv, struct listen_options *o)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "binary", no_argument, NULL, OPT_BINARY },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "pcr", required_argument, NULL, OPT_PCR },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		{ "path-prefix", required_argument, NULL, OPT_PATH_PREFIX },
		{ "securityfs", no_argument, NULL, OPT_SECURITYFS },
		{ "file", required_argument, NULL, OPT_FILE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "big-endian", no_argument, NULL, OPT_BIG_ENDIAN },
		{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool interval_set = false;
	int opt;

	memset(o, 0, sizeof(*o));
	o->until = UINT64_MAX;
	o->poll_ms = DEFAULT_POLL_MS;
	o->rcvbuf = DEFAULT_RCVBUF;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			listen_usage(stdout);
			return IMATAP_EXIT_OK;
		}
		if (opt == '?') {
			listen_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
		interval_set |= opt == OPT_INTERVAL;
		if (!parse_option(o, opt, optarg))
			return IMATAP_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "%s listen: unexpected argument \"%s\"\n",
			imatap_prog, argv[optind]);
		return IMATAP_EXIT_USAGE;
	}
	if (!o->securityfs && (o->file || interval_set || o->big_endian)) {
		fprintf(stderr, "%s listen: --file, --interval and --big-endian need --securityfs\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	if (o->format == IMATAP_FORMAT_BINARY && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s listen: --binary writes binary records; redirect the output to a file or a pipe\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	if (!o->file)
		o->file = IMA_BINARY_LOG;
	return -1;
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Write the flushed position to the state file if it moved. */
static bool save_state(struct listen *l)
{
	struct ima_error err;

	if (!l->opt->state_path ||
	    (l->state.next_index == l->flushed_index &&
	     l->saved_at.tv_sec != 0))
		return true;
	l->state.next_index = l->flushed_index;
	l->state.next_offset = l->flushed_offset;
	clock_gettime(CLOCK_MONOTONIC, &l->saved_at);
	if (imatap_state_write(l->opt->state_path, &l->state, &err))
		return true;
	fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
	return false;
}

/*
 * Flush stdout. A closed pipe stops the command cleanly; the state then
 * keeps the position of the last successful flush.
 */
static bool flush_output(struct listen *l)
{
	if (l->broken_pipe)
		return true;
	if (fflush(stdout) != 0) {
		if (errno == EPIPE) {
			l->broken_pipe = true;
			return true;
		}
		fprintf(stderr, "%s listen: writing the output failed: %s\n",
			imatap_prog, strerror(errno));
		return false;
	}
	l->flushed_index = l->em.next_index;
	l->flushed_offset = l->em.next_offset;
	return true;
}

static bool write_failed(struct listen *l, struct ima_error *err)
{
	if (errno == EPIPE) {
		l->broken_pipe = true;
		return false;
	}
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "writing the output failed: %s", strerror(errno));
	return true;
}

static enum imatap_follow_result on_nl_entry(const struct imatap_nl_entry *entry,
					     void *arg, struct ima_error *err)
{
	struct listen *l = arg;

	switch (imatap_emit_nl_entry(&l->em, entry, err)) {
	case IMATAP_EMIT_OK:
		return IMATAP_FOLLOW_OK;
	case IMATAP_EMIT_STOP:
		return IMATAP_FOLLOW_STOPPED;
	case IMATAP_EMIT_MALFORMED:
		return IMATAP_FOLLOW_MALFORMED;
	default:
		return write_failed(l, err) ? IMATAP_FOLLOW_ERROR :
					      IMATAP_FOLLOW_STOPPED;
	}
}

static enum imatap_file_read_status on_file_record(const struct ima_record *rec,
						   const uint8_t *raw,
						   size_t raw_len, void *arg,
						   struct ima_error *err)
{
	struct listen *l = arg;

	switch (imatap_emit_record(&l->em, rec, raw, raw_len, err)) {
	case IMATAP_EMIT_OK:
		return IMATAP_FILE_READ_OK;
	case IMATAP_EMIT_STOP:
		return IMATAP_FILE_READ_STOP;
	case IMATAP_EMIT_MALFORMED:
		return IMATAP_FILE_READ_MALFORMED;
	default:
		return write_failed(l, err) ? IMATAP_FILE_READ_ERROR :
					      IMATAP_FILE_READ_STOP;
	}
}

static const char *repair_cause(const struct imatap_repair *r, char *buf,
				size_t size)
{
	switch (r->cause) {
	case IMATAP_REPAIR_ENOBUFS:
		return "the group socket's receive buffer overflowed (ENOBUFS)";
	case IMATAP_REPAIR_GAP:
		snprintf(buf, size, "the group sent entry %llu while entry %llu was due",
			 (unsigned long long)r->loss.seen_index,
			 (unsigned long long)r->from_index);
		return buf;
	default:
		snprintf(buf, size, "the group sent entry %llu at data offset %u while offset %u was due",
			 (unsigned long long)r->loss.seen_index,
			 r->loss.seen_offset, r->loss.expected_offset);
		return buf;
	}
}

static void on_repair(const struct imatap_repair *r, void *arg)
{
	char cause[160];

	(void)arg;
	fprintf(stderr, "%s listen: messages lost: %s; repaired with a dump of %llu entries from index %llu\n",
		imatap_prog, repair_cause(r, cause, sizeof(cause)),
		(unsigned long long)r->entries,
		(unsigned long long)r->from_index);
}

/*
 * Flush, save the state when it is due, and wait up to wait_ms (-1:
 * forever) for fd (-1: none) or a signal. Returns false to stop.
 */
static bool wait_for_input(struct listen *l, int fd, int wait_ms, bool *ok)
{
	struct pollfd fds[2] = {
		{ .fd = l->sigfd, .events = POLLIN },
		{ .fd = fd, .events = POLLIN },
	};
	int64_t since = ms_since(&l->saved_at);
	bool dirty;

	*ok = flush_output(l);
	if (!*ok || l->broken_pipe)
		return false;
	dirty = l->opt->state_path &&
		l->state.next_index != l->flushed_index;
	if (dirty && since >= STATE_SAVE_INTERVAL_MS) {
		*ok = save_state(l);
		if (!*ok)
			return false;
		dirty = false;
	}
	if (dirty && (wait_ms < 0 ||
		      wait_ms > STATE_SAVE_INTERVAL_MS - since))
		wait_ms = (int)(STATE_SAVE_INTERVAL_MS - since);

	while (poll(fds, fd >= 0 ? 2 : 1, wait_ms) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "%s listen: poll failed: %s\n",
				imatap_prog, strerror(errno));
			*ok = false;
			return false;
		}
	}
	if (fds[0].revents & POLLIN) {
		struct signalfd_siginfo info;

		if (read(l->sigfd, &info, sizeof(info)) == sizeof(info))
			l->stop_signal = (int)info.ssi_signo;
		return false;
	}
	return true;
}

static int follow_result_exit(enum imatap_follow_result rc,
			      const struct ima_error *err)
{
	switch (rc) {
	case IMATAP_FOLLOW_OK:
	case IMATAP_FOLLOW_STOPPED:
		return IMATAP_EXIT_OK;
	case IMATAP_FOLLOW_NO_FAMILY:
		fprintf(stderr, "%s listen: the imatap module is not loaded (no generic netlink family \"imatap\"); load it, or follow the securityfs log with --securityfs\n",
			imatap_prog);
		return IMATAP_EXIT_ERROR;
	case IMATAP_FOLLOW_NO_PERMISSION:
		fprintf(stderr, "%s listen: %s; the imatap family needs CAP_NET_ADMIN: run as root\n",
			imatap_prog, err->msg);
		return IMATAP_EXIT_ERROR;
	case IMATAP_FOLLOW_MALFORMED:
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err->msg);
		return IMATAP_EXIT_MALFORMED;
	default:
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err->msg);
		return IMATAP_EXIT_ERROR;
	}
}

static int run_netlink(struct listen *l, uint64_t start_index)
{
	struct imatap_follow f;
	struct ima_error err = { "" };
	enum imatap_follow_result rc;
	bool ok = true;

	rc = imatap_follow_open(&f, l->opt->rcvbuf, &err);
	f.on_entry = on_nl_entry;
	f.on_repair = on_repair;
	f.arg = l;
	if (rc == IMATAP_FOLLOW_OK && !imatap_emitter_done(&l->em))
		rc = imatap_follow_catch_up(&f, start_index, &err);
	while (rc == IMATAP_FOLLOW_OK && !imatap_emitter_done(&l->em) &&
	       wait_for_input(l, imatap_follow_fd(&f), -1, &ok))
		rc = imatap_follow_read(&f, &err);
	imatap_follow_close(&f);
	if (!ok)
		return IMATAP_EXIT_ERROR;
	return follow_result_exit(rc, &err);
}

static int run_securityfs(struct listen *l, uint64_t start_index,
			  uint64_t start_offset)
{
	struct imatap_file_follow ff;
	struct ima_error err;
	enum imatap_file_read_status rc = IMATAP_FILE_READ_OK;
	bool ok = true;

	if (!imatap_file_follow_open(&ff, l->opt->file, l->opt->big_endian,
				     start_index, start_offset, &err)) {
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
		return IMATAP_EXIT_ERROR;
	}
	while (!imatap_emitter_done(&l->em)) {
		rc = imatap_file_follow_read(&ff, on_file_record, l, &err);
		if (rc != IMATAP_FILE_READ_OK ||
		    !wait_for_input(l, -1, (int)l->opt->poll_ms, &ok))
			break;
	}
	imatap_file_follow_close(&ff);
	if (!ok)
		return IMATAP_EXIT_ERROR;
	switch (rc) {
	case IMATAP_FILE_READ_OK:
	case IMATAP_FILE_READ_STOP:
		return IMATAP_EXIT_OK;
	case IMATAP_FILE_READ_MALFORMED:
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
		return IMATAP_EXIT_MALFORMED;
	default:
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
		return IMATAP_EXIT_ERROR;
	}
}

/*
 * Choose where reading starts. Without a known byte offset for --from,
 * reading starts at entry 0 and the emitter skips the entries before it,
 * so that JSON offsets and the state stay exact.
 */
static int load_start(struct listen *l, uint64_t *index, uint64_t *offset)
{
	const struct listen_options *o = l->opt;
	struct imatap_state saved;
	struct ima_error err;

	*index = 0;
	*offset = 0;
	if (!o->state_path)
		return -1;
	if (!imatap_read_boot_id(IMATAP_BOOT_ID_PATH, l->state.boot_id, &err)) {
		fprintf(stderr, "%s listen: %s\n", imatap_prog, err.msg);
		return IMATAP_EXIT_ERROR;
	}
	switch (imatap_state_read(o->state_path, &saved, &err)) {
	case IMATAP_STATE_MISSING:
		return -1;
	case IMATAP_STATE_OK:
		break;
	default:
		fprintf(stderr, "%s listen: %s; remove it or give another --state FILE\n",
			imatap_prog, err.msg);
		return IMATAP_EXIT_ERROR;
	}
	if (strcmp(saved.boot_id, l->state.boot_id) != 0) {
		fprintf(stderr, "%s listen: state file %s is from an earlier boot (boot_id %s); starting at entry 0\n",
			imatap_prog, o->state_path, saved.boot_id);
		return -1;
	}
	if (!o->have_from) {
		*index = saved.next_index;
		*offset = saved.next_offset;
	}
	return -1;
}

/* Block SIGINT and SIGTERM for a signalfd; a closed pipe gives EPIPE. */
static int open_signalfd(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	return fd;
}

int cmd_listen(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct listen_options opt;
	struct listen l = { .opt = &opt };
	uint64_t start_index, start_offset;
	int rc;

	rc = parse_options(argc, argv, &opt);
	if (rc >= 0)
		return rc;
	rc = load_start(&l, &start_index, &start_offset);
	if (rc >= 0)
		return rc;
	l.sigfd = open_signalfd();
	if (l.sigfd < 0) {
		fprintf(stderr, "%s listen: setting up signal handling failed: %s\n",
			imatap_prog, strerror(errno));
		return IMATAP_EXIT_ERROR;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	imatap_emitter_init(&l.em, stdout, opt.format, start_index,
			    start_offset);
	l.em.filter = &opt.filter;
	l.em.first_index = opt.have_from ? opt.from : start_index;
	l.em.until_index = opt.until;
	l.em.max_written = opt.count;
	l.flushed_index = start_index;
	l.flushed_offset = start_offset;

	if (opt.securityfs)
		rc = run_securityfs(&l, start_index, start_offset);
	else
		rc = run_netlink(&l, start_index);

	if (!flush_output(&l) && rc == IMATAP_EXIT_OK)
		rc = IMATAP_EXIT_ERROR;
	if (!save_state(&l) && rc == IMATAP_EXIT_OK)
		rc = IMATAP_EXIT_ERROR;
	imatap_emitter_free(&l.em);
	close(l.sigfd);
	return rc;
}
