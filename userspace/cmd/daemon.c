// SPDX-License-Identifier: GPL-2.0
/*
 * imatap daemon: quote new log entries in batches, appraise each batch and
 * keep both in a crash-safe journal. Documentation/daemon.rst describes
 * the journal, the recovery after a crash, the signals and the logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <linux/imatap.h>

#include "../lib/binlog.h"
#include "../lib/jws.h"
#include "../lib/schedule.h"
#include "daemon.h"
#include "imatap.h"

#define COUNT_PATH	"/sys/kernel/security/ima/runtime_measurements_count"
#define BOOT_ID_PATH	"/proc/sys/kernel/random/boot_id"
/* Minimum time between two reads of the entry count after wake-ups. */
#define WAKE_INTERVAL_MS	200
/* A quote at a stop that covers no entry yet is tried again after this. */
#define EMPTY_RETRY_MS		500

void dlog(const struct daemon *d, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void dlog(const struct daemon *d, int priority, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	syslog(priority, "%s", line);
	if (d->log_stderr)
		fprintf(stderr, "%s daemon: %s\n", imatap_prog, line);
}

uint64_t daemon_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void read_boot_id(char *out, size_t size)
{
	FILE *f = fopen(BOOT_ID_PATH, "re");

	out[0] = 0;
	if (!f)
		return;
	if (fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = 0;
	fclose(f);
}

/* Count the records of a log file, as --log reads it. */
static bool count_file_entries(const char *path, uint64_t *count,
			       struct ima_error *err)
{
	struct ima_binlog log;
	struct ima_record rec;
	enum ima_read_status st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      path, strerror(errno));
		return false;
	}
	*count = 0;
	if (ima_binlog_open_fd(&log, fd, false) < 0) {
		close(fd);
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	while ((st = ima_binlog_next(&log, &rec, err)) == IMA_READ_RECORD)
		(*count)++;
	ima_binlog_close(&log);
	close(fd);
	/* A record still being appended is counted once it is whole. */
	return st == IMA_READ_END || st == IMA_READ_INCOMPLETE;
}

/* The number of entries in the measurement list. */
static bool read_entry_count(const struct daemon *d, uint64_t *count,
			     struct ima_error *err)
{
	char buf[32];
	ssize_t n;
	int fd;

	if (d->log_file)
		return count_file_entries(d->log_file, count, err);
	fd = open(COUNT_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      COUNT_PATH, strerror(errno));
		return false;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "reading %s failed: %s",
			      COUNT_PATH, n < 0 ? strerror(errno) : "empty");
		return false;
	}
	buf[n] = 0;
	*count = strtoull(buf, NULL, 10);
	return true;
}

/*
 * Join the module's events group. Returns 1 when joined, 0 when the module
 * is not loaded, -1 on another failure with err set.
 */
static int join_events(struct daemon *d, struct ima_error *err)
{
	int group, rc;

	d->events = nl_socket_alloc();
	if (!d->events) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "allocating a netlink socket failed");
		return -1;
	}
	nl_socket_disable_seq_check(d->events);
	rc = genl_connect(d->events);
	group = rc < 0 ? rc : genl_ctrl_resolve_grp(d->events, IMATAP_GENL_NAME,
						     IMATAP_MCGRP_EVENTS);
	rc = group < 0 ? group : nl_socket_add_membership(d->events, group);
	if (rc >= 0)
		rc = nl_socket_set_nonblocking(d->events);
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "joining the netlink group %s/%s failed: %s",
			      IMATAP_GENL_NAME, IMATAP_MCGRP_EVENTS,
			      nl_geterror(rc));
		nl_socket_free(d->events);
		d->events = NULL;
		return rc == -NLE_OBJ_NOTFOUND ? 0 : -1;
	}
	return 1;
}

/* Drop the event messages queued on the socket: they only wake us up. */
static void drain_events(struct daemon *d)
{
	static uint8_t buf[16384];
	int fd = nl_socket_get_fd(d->events);

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		/* ENOBUFS means lost messages, which do not matter for a wake-up. */
		if (n < 0 && errno != ENOBUFS && errno != EINTR)
			break;
		if (n == 0)
			break;
	}
}

static void log_start(const struct daemon *d)
{
	char name[2 * sizeof(d->ak.name) + 1], policy[65], source[128];

	daemon_hex(d->ak.name, d->ak.name_len, name);
	daemon_hex(d->rs->policy_id, 32, policy);
	if (d->log_file)
		snprintf(source, sizeof(source), "%s polled every %lu s",
			 d->log_file, d->cfg.poll_seconds);
	else if (d->events)
		snprintf(source, sizeof(source), "events of the imatap module");
	else
		snprintf(source, sizeof(source),
			 "%s polled every %lu s (imatap module not loaded)",
			 COUNT_PATH, d->cfg.poll_seconds);
	dlog(d, LOG_INFO, "started: config %s, journal %s, chain %u %s entry %llu, wake-ups from %s, attestation key 0x%08x %s (name %s), batches of %lu entries or %lu s, policy sha256:%s%s%s, EAR %s",
	     d->config_path ? d->config_path : "(none)", d->cfg.journal,
	     d->chain, d->have_last ? "continues at" : "starts at",
	     (unsigned long long)d->next_index, source, d->cfg.ak_handle,
	     d->ak_created ? "created" : "reused", name,
	     d->cfg.batch_entries, d->cfg.batch_seconds, policy,
	     d->rs->set.name ? ", benchmark set " : "",
	     d->rs->set.name ? d->rs->set.name : "",
	     d->cfg.ear_key ? d->cfg.ear_key : "off");
}

/*
 * Send a state such as "READY=1" to systemd when it started us as
 * Type=notify (sd_notify(3)): one datagram to the socket $NOTIFY_SOCKET
 * names, where a leading '@' means the abstract namespace.
 */
static void notify_systemd(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(addr.sun_path))
		return;
	memcpy(addr.sun_path, path, len);
	if (addr.sun_path[0] == '@')
		addr.sun_path[0] = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Quote what waits at a stop. A quote that covers nothing yet is retried. */
static bool final_batch(struct daemon *d)
{
	struct ima_error err;
	uint64_t count;
	int attempt, rc = 0;

	for (attempt = 0; attempt < 10; attempt++) {
		if (!read_entry_count(d, &count, &err)) {
			dlog(d, LOG_ERR, "the last batch failed: %s", err.msg);
			return false;
		}
		if (count <= d->next_index)
			return true;
		rc = daemon_make_batch(d, &err);
		if (rc < 0) {
			dlog(d, LOG_ERR, "the last batch from entry %llu failed: %s",
			     (unsigned long long)d->next_index, err.msg);
			return false;
		}
		if (rc == 0)
			usleep(EMPTY_RETRY_MS * 1000);
	}
	return true;
}

/*
 * Wait for wake-ups and signals and cut batches. Returns the exit code
 * after SIGTERM or SIGINT.
 */
static int run(struct daemon *d)
{
	struct batch_schedule sched = {
		.batch_entries = d->cfg.batch_entries,
		.batch_ms = (uint64_t)d->cfg.batch_seconds * 1000,
	};
	uint64_t last_check = 0, count = 0;
	bool check = true;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = d->sigfd, .events = POLLIN },
			{ .fd = d->events ? nl_socket_get_fd(d->events) : -1,
			  .events = POLLIN },
		};
		struct signalfd_siginfo si;
		uint64_t now = daemon_now_ms(), wait_ms = 0, timeout;
		enum batch_decision decision;
		struct ima_error err;

		if (check && now - last_check >= WAKE_INTERVAL_MS) {
			if (!read_entry_count(d, &count, &err))
				dlog(d, LOG_ERR, "%s", err.msg);
			last_check = now;
			check = false;
		}
		if (count > d->next_index && !d->first_seen_ms)
			d->first_seen_ms = now;
		decision = batch_decide(&sched, count > d->next_index ?
						count - d->next_index : 0,
					d->first_seen_ms, now, &wait_ms);
		if (decision == BATCH_NOW && now >= d->retry_at_ms) {
			daemon_batch_now(d, now);
			check = true;
			continue;
		}

		/* Sleep until the next deadline, wake-up or signal. */
		timeout = d->events ? sched.batch_ms : d->cfg.poll_seconds * 1000;
		if (decision == BATCH_WAIT && wait_ms < timeout)
			timeout = wait_ms;
		/* A batch is due, but a failed one waits for its retry. */
		if (decision == BATCH_NOW)
			timeout = d->retry_at_ms - now;
		if (check && WAKE_INTERVAL_MS - (now - last_check) < timeout)
			timeout = WAKE_INTERVAL_MS - (now - last_check);
		if (poll(fds, d->events ? 2 : 1, (int)timeout) < 0 &&
		    errno != EINTR) {
			dlog(d, LOG_ERR, "poll failed: %s", strerror(errno));
			return IMATAP_EXIT_ERROR;
		}
		if (fds[1].revents & POLLIN)
			drain_events(d);
		/* Every wake-up and timeout reads the count again. */
		check = true;

		while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				notify_systemd("RELOADING=1");
				daemon_reload(d);
				notify_systemd("READY=1");
				continue;
			}
			dlog(d, LOG_INFO, "%s received: writing the last batch",
			     si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
			notify_systemd("STOPPING=1");
			if (!final_batch(d))
				return IMATAP_EXIT_ERROR;
			return IMATAP_EXIT_OK;
		}
	}
}

static void daemon_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s daemon [--config FILE] [--stderr] [OPTIONS]\n"
		"\n"
		"Quote new IMA log entries in batches with the TPM attestation key,\n"
		"appraise each batch against reference values, and keep every batch,\n"
		"its nonce and its appraisal in a crash-safe journal. Runs in the\n"
		"foreground and logs to syslog. SIGHUP reloads the reference values;\n"
		"SIGTERM and SIGINT write a last batch of what waits and exit.\n"
		"\n"
		"  --config FILE          configuration file (default %s)\n"
		"  --stderr               log to standard error as well as to syslog\n"
		"  --log FILE             read entries from this binary log file, polled,\n"
		"                         instead of securityfs; for tests\n"
		"\n"
		"These options override the key of the same name in the file\n"
		"(imatap.conf(5)); a list option replaces the file's list:\n"
		"  --journal DIR          journal directory (default %s)\n"
		"  --tcti CONF            TPM access (default: $%s, else the tpm2-tss default)\n"
		"  --ak-handle HANDLE     persistent handle of the attestation key (default 0x%08x)\n"
		"  --ek-handle HANDLE     persistent handle of the endorsement key (default 0x%08x)\n"
		"  --ak-type TYPE         ecc (default) or rsa, when the key is created\n"
		"  --batch-entries N      cut a batch once N entries wait (default %d)\n"
		"  --batch-seconds S      ... or once the oldest waiting entry waited S seconds\n"
		"                         (default %d)\n"
		"  --poll-seconds S       without the imatap module, read the entry count every\n"
		"                         S seconds (default %d)\n"
		"  --reference FILE       Keylime runtime policy or sha256sum allowlist; repeatable\n"
		"  --exclude FILE         exclude file; repeatable\n"
		"  --signature-key FILE   PEM key or certificate for ima-sig signatures; repeatable\n"
		"  --benchmark-set FILE   benchmark set\n"
		"  --ear-key KEY          P-256 private key (PEM) that signs an EAR per batch\n"
		"  --violations MODE      fail (default) or warn\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit codes: 0 stopped by a signal after the last batch, 2 usage or\n"
		"configuration error, 3 a malformed reference file, 5 TPM, journal or\n"
		"I/O failure.\n",
		imatap_prog, CONF_DEFAULT_PATH, CONF_DEFAULT_JOURNAL,
		IMATAP_TCTI_ENV, IMATAP_AK_HANDLE, TPM_EK_RSA_HANDLE,
		CONF_DEFAULT_BATCH_ENTRIES, CONF_DEFAULT_BATCH_SECONDS,
		CONF_DEFAULT_POLL_SECONDS);
}

enum { OPT_CONFIG = 256, OPT_STDERR, OPT_LOG, OPT_KEY };

/* The options named like configuration keys, with '-' for '_'. */
static const struct option daemon_options[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "stderr", no_argument, NULL, OPT_STDERR },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "journal", required_argument, NULL, OPT_KEY },
	{ "tcti", required_argument, NULL, OPT_KEY },
	{ "ak-handle", required_argument, NULL, OPT_KEY },
	{ "ek-handle", required_argument, NULL, OPT_KEY },
	{ "ak-type", required_argument, NULL, OPT_KEY },
	{ "batch-entries", required_argument, NULL, OPT_KEY },
	{ "batch-seconds", required_argument, NULL, OPT_KEY },
	{ "poll-seconds", required_argument, NULL, OPT_KEY },
	{ "reference", required_argument, NULL, OPT_KEY },
	{ "exclude", required_argument, NULL, OPT_KEY },
	{ "signature-key", required_argument, NULL, OPT_KEY },
	{ "benchmark-set", required_argument, NULL, OPT_KEY },
	{ "ear-key", required_argument, NULL, OPT_KEY },
	{ "violations", required_argument, NULL, OPT_KEY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Read the configuration file, then apply the options over it. Returns
 * -1 to go on, or an exit code.
 */
static int configure(struct daemon *d, int argc, char **argv)
{
	struct ima_error err;
	bool explicit = false;
	int opt, index, pass;

	/* Pass 0 finds --config, --stderr and --help; pass 1 applies the rest. */
	for (pass = 0; pass < 2; pass++) {
		optind = 0;	/* glibc: rescan from argv[1] */
		while ((opt = getopt_long(argc, argv, "h", daemon_options,
					  &index)) != -1) {
			char key[32], where[48];
			size_t i;

			if (opt == 'h') {
				daemon_usage(stdout);
				return IMATAP_EXIT_OK;
			}
			if (opt == '?') {
				daemon_usage(stderr);
				return IMATAP_EXIT_USAGE;
			}
			if (pass == 0 && opt == OPT_CONFIG) {
				d->config_path = optarg;
				explicit = true;
			} else if (pass == 0 && opt == OPT_STDERR) {
				d->log_stderr = true;
			} else if (pass == 0 && opt == OPT_LOG) {
				d->log_file = optarg;
			} else if (pass == 1 && opt == OPT_KEY) {
				snprintf(key, sizeof(key), "%s",
					 daemon_options[index].name);
				for (i = 0; key[i]; i++)
					if (key[i] == '-')
						key[i] = '_';
				snprintf(where, sizeof(where), "--%s",
					 daemon_options[index].name);
				if (!conf_set_option(&d->cfg, key, optarg,
						     where, &err)) {
					fprintf(stderr, "%s daemon: %s\n",
						imatap_prog, err.msg);
					return IMATAP_EXIT_USAGE;
				}
			}
		}
		if (optind != argc) {
			daemon_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
		if (pass == 1)
			break;
		if (!explicit && access(CONF_DEFAULT_PATH, F_OK) == 0)
			d->config_path = CONF_DEFAULT_PATH;
		if (d->config_path && !conf_load(&d->cfg, d->config_path, &err)) {
			fprintf(stderr, "%s daemon: %s\n", imatap_prog, err.msg);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (!d->cfg.references.count && !d->cfg.benchmark_set) {
		fprintf(stderr, "%s daemon: no reference values: set reference or benchmark_set in %s, or give --reference\n",
			imatap_prog, d->config_path ? d->config_path : CONF_DEFAULT_PATH);
		return IMATAP_EXIT_USAGE;
	}
	return -1;
}

/* Prepare everything before the loop. Returns -1 to go on, or an exit code. */
static int start(struct daemon *d)
{
	struct ima_error err;
	bool malformed = false;

	/* Signals wait in the signalfd from here on, also during recovery. */
	d->sigfd = open_signals();
	if (d->sigfd < 0) {
		dlog(d, LOG_ERR, "start failed: signalfd failed: %s",
		     strerror(errno));
		return IMATAP_EXIT_ERROR;
	}
	d->rs = calloc(1, sizeof(*d->rs));
	if (!d->rs || !daemon_load_refset(&d->cfg, d->rs, &malformed, &err)) {
		if (!d->rs)
			snprintf(err.msg, sizeof(err.msg), "out of memory");
		dlog(d, LOG_ERR, "loading reference values failed: %s", err.msg);
		free(d->rs);
		d->rs = NULL;
		return malformed ? IMATAP_EXIT_MALFORMED : IMATAP_EXIT_ERROR;
	}
	if (!chain_appraisal_init(&d->ca, d->rs, d->cfg.violations_warn)) {
		snprintf(err.msg, sizeof(err.msg), "out of memory");
		goto fail;
	}
	if (d->cfg.ear_key) {
		d->ear_key = jws_load_key(d->cfg.ear_key, true, &err);
		if (!d->ear_key)
			goto fail;
	}
	read_boot_id(d->boot_id, sizeof(d->boot_id));
	if (!daemon_open_journal(d, &err) || !daemon_setup_key(d, &err) ||
	    !daemon_recover_journal(d, &err))
		goto fail;
	if (!d->log_file && join_events(d, &err) < 0)
		dlog(d, LOG_WARNING, "%s; polling the entry count instead",
		     err.msg);
	log_start(d);
	notify_systemd("READY=1");
	return -1;
fail:
	dlog(d, LOG_ERR, "start failed: %s", err.msg);
	return IMATAP_EXIT_ERROR;
}

static void stop(struct daemon *d)
{
	journal_record_free(&d->last);
	chain_appraisal_free(&d->ca);
	if (d->rs) {
		refset_free(d->rs);
		free(d->rs);
	}
	EVP_PKEY_free(d->ear_key);
	ak_key_free(&d->ak);
	tpm_close(&d->tpm);
	if (d->events)
		nl_socket_free(d->events);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->dirfd >= 0)
		close(d->dirfd);
	conf_free(&d->cfg);
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { .dirfd = -1, .sigfd = -1 };
	int rc;

	if (!conf_init(&d.cfg)) {
		fprintf(stderr, "%s daemon: out of memory\n", imatap_prog);
		return IMATAP_EXIT_ERROR;
	}
	rc = configure(&d, argc, argv);
	if (rc >= 0) {
		conf_free(&d.cfg);
		return rc;
	}
	openlog("imatap", LOG_PID, LOG_DAEMON);
	rc = start(&d);
	if (rc < 0) {
		rc = run(&d);
		dlog(&d, rc ? LOG_ERR : LOG_INFO,
		     "stopped: %llu batches written since start, chain %u ends before entry %llu",
		     (unsigned long long)d.batches, d.chain,
		     (unsigned long long)d.next_index);
	}
	stop(&d);
	closelog();
	return rc;
}
