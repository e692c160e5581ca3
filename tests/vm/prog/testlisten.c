// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-testlisten: a test client of the imatap generic netlink family.
 *
 * --status prints the module's status attributes. --dump-from N writes the
 * entries from index N on in binary_runtime_measurements format. --follow
 * joins the events group, dumps to catch up, then writes every entry from
 * the group once and in index order, repairing losses with dumps. --join
 * only joins the group, so that a test can check the permission.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/imatap.h>

#include "binlog.h"
#include "common.h"
#include "msgparse.h"

/* Exit statuses, also listed in usage(). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* usage, I/O or setup error */
	EXIT_REJECTED = 2,	/* the kernel rejected a request or the join */
	EXIT_MALFORMED = 3,	/* the module sent an invalid message */
	EXIT_NO_FAMILY = 4,	/* no imatap family: module not loaded */
};

/* Template data larger than this is reported as malformed. */
#define MAX_TEMPLATE_DATA (16U << 20)

/* Receive buffer for group messages: several netlink messages of a page. */
#define EVENT_BUFFER_SIZE (256U << 10)

enum source { FROM_DUMP, FROM_GROUP };

enum chunk_result {
	CHUNK_OK,
	CHUNK_LOST,	/* group only: a gap or a lost chunk, repair by dump */
	CHUNK_BAD,	/* malformed: the error is already reported */
};

struct stats {
	uint64_t from_dump;	/* entries written from dumps */
	uint64_t from_group;	/* entries written from the group */
	uint64_t repeats;	/* group messages for entries already written */
	uint64_t enobufs;	/* ENOBUFS from recv() on the group socket */
	uint64_t gaps;		/* index gaps or lost chunks on the group */
	uint64_t repairs;	/* dumps run to repair a loss */
	uint64_t repaired;	/* entries written by those dumps */
	uint64_t malformed;	/* invalid messages */
};

/* Template data of the entry being reassembled from chunks. */
struct assembly {
	bool active;
	uint64_t index;
	uint32_t pcr;
	char *template_name;
	uint8_t sha1[BINLOG_SHA1_SIZE];
	uint32_t data_len;
	uint32_t filled;
	uint8_t *data;
};

struct listener {
	struct nl_sock *requests;	/* commands and dumps */
	struct nl_sock *events;		/* joined to the events group */
	int family;
	int group;
	FILE *out;
	const char *out_path;
	uint64_t first;			/* index of the first entry written */
	uint64_t next;			/* index of the next entry to write */
	uint64_t until;			/* stop when next reaches it */
	/* Output offset of each entry written, to cut the output at until. */
	long *offsets;
	size_t offsets_capacity;
	const char *until_file;
	const char *ready_file;
	unsigned long sleep_us;
	uint64_t messages;		/* netlink messages parsed so far */
	struct assembly entry;
	struct stats stats;
};

/* State of one request on the requests socket. */
struct request {
	struct listener *listener;
	uint8_t cmd;
	uint64_t dump_start;
	int kernel_errno;	/* from an NLMSG_ERROR reply, 0 if none */
	bool failed;		/* a reply was malformed or not written */
	bool replied;		/* a GET_STATUS reply arrived */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s MODE [OPTIONS]\n"
		"Modes:\n"
		"  --status          print every status attribute as a \"key value\" line\n"
		"  --dump-from N     dump the entries from index N on to --out, exit at the end\n"
		"  --follow          join the events group, dump from --from to catch up, then\n"
		"                    write every new entry once, in index order, to --out\n"
		"  --join            join the events group and exit (permission check)\n"
		"Options:\n"
		"  --out FILE        output in binary_runtime_measurements format\n"
		"  --from N          first index for --follow (default 0)\n"
		"  --until N         with --follow, stop once entries up to index N-1 are written;\n"
		"                    the output ends with entry N-1\n"
		"  --until-file FILE with --follow, read N for --until from FILE on SIGUSR1\n"
		"  --ready-file FILE with --follow, create FILE once joined and caught up\n"
		"  --rcvbuf BYTES    SO_RCVBUF of the group socket (default 1048576; the\n"
		"                    kernel caps it at net.core.rmem_max)\n"
		"  --sleep-us US     sleep US microseconds after each group message\n"
		"--follow stops at --until, SIGINT or SIGTERM and prints statistics as\n"
		"\"key value\" lines on stdout.\n"
		"Exit status: 0 success, 1 usage or I/O error, 2 the kernel rejected a\n"
		"request (errno printed), 3 malformed message, 4 family not found.\n",
		prog_name);
}

static void report_malformed(struct listener *l, const struct entry_msg *msg,
			     const char *reason)
{
	l->stats.malformed++;
	if (msg->index != UINT64_MAX)
		report("message %" PRIu64 " (entry index %" PRIu64 "): %s",
		       l->messages, msg->index, reason);
	else
		report("message %" PRIu64 ": %s", l->messages, reason);
}

static void discard_assembly(struct assembly *a)
{
	free(a->template_name);
	free(a->data);
	memset(a, 0, sizeof(*a));
}

/* Remember where entry l->next starts in the output. */
static void record_offset(struct listener *l)
{
	size_t slot = l->next - l->first;

	if (slot >= l->offsets_capacity) {
		l->offsets_capacity = l->offsets_capacity ? 2 * l->offsets_capacity : 4096;
		l->offsets = realloc(l->offsets, l->offsets_capacity * sizeof(long));
		if (!l->offsets)
			fail("out of memory for %zu entry offsets", l->offsets_capacity);
	}
	l->offsets[slot] = ftell(l->out);
	if (l->offsets[slot] < 0)
		fail("ftell on %s failed: %s", l->out_path, strerror(errno));
}

/*
 * --until can arrive after later entries were written (the test sets it
 * from a snapshot taken while the log grows): cut those entries off.
 */
static void cut_output_at_until(struct listener *l)
{
	if (l->next <= l->until || l->until < l->first)
		return;
	if (fflush(l->out) ||
	    ftruncate(fileno(l->out), l->offsets[l->until - l->first]))
		fail("cannot cut %s after entry %" PRIu64 ": %s", l->out_path,
		     l->until - 1, strerror(errno));
	l->next = l->until;
}

/* Write the assembled entry. Return CHUNK_OK or CHUNK_BAD. */
static enum chunk_result write_assembled_entry(struct listener *l,
					       enum source source)
{
	struct binlog_entry entry = {
		.pcr = l->entry.pcr,
		.sha1 = l->entry.sha1,
		.template_name = l->entry.template_name,
		.data = l->entry.data,
		.data_len = l->entry.data_len,
	};
	struct entry_msg where = { .index = l->entry.index };
	char err[256];
	int rc;

	record_offset(l);
	rc = binlog_write_entry(l->out, &entry, err, sizeof(err));
	if (rc == BINLOG_WRITE_FAILED)
		fail("entry %" PRIu64 ": cannot write to %s: %s",
		     l->entry.index, l->out_path, strerror(errno));
	discard_assembly(&l->entry);
	if (rc == BINLOG_BAD_DATA) {
		report_malformed(l, &where, err);
		return CHUNK_BAD;
	}

	if (source == FROM_DUMP)
		l->stats.from_dump++;
	else
		l->stats.from_group++;
	l->next++;
	return CHUNK_OK;
}

static enum chunk_result start_assembly(struct listener *l,
					const struct entry_msg *msg)
{
	struct assembly *a = &l->entry;

	if (msg->data_len > MAX_TEMPLATE_DATA) {
		char reason[128];

		snprintf(reason, sizeof(reason),
			 "IMATAP_A_ENTRY_DATA_LEN %u exceeds the %u bytes this program accepts",
			 msg->data_len, MAX_TEMPLATE_DATA);
		report_malformed(l, msg, reason);
		return CHUNK_BAD;
	}
	a->template_name = strdup(msg->template_name);
	a->data = malloc(msg->data_len ? msg->data_len : 1);
	if (!a->template_name || !a->data)
		fail("out of memory for entry %" PRIu64, msg->index);
	a->active = true;
	a->index = msg->index;
	a->pcr = msg->pcr;
	memcpy(a->sha1, msg->sha1, BINLOG_SHA1_SIZE);
	a->data_len = msg->data_len;
	a->filled = 0;
	return CHUNK_OK;
}

static bool chunk_matches_assembly(const struct assembly *a,
				   const struct entry_msg *msg)
{
	return msg->data_len == a->data_len && msg->pcr == a->pcr &&
	       strcmp(msg->template_name, a->template_name) == 0 &&
	       memcmp(msg->sha1, a->sha1, BINLOG_SHA1_SIZE) == 0;
}

/*
 * Add one entry message to the output. A dump must deliver exactly the
 * entry at l->next, chunk after chunk. The group may skip entries or chunks
 * after a loss, which the caller repairs with a dump.
 */
static enum chunk_result accept_chunk(struct listener *l,
				      const struct entry_msg *msg,
				      enum source source)
{
	struct assembly *a = &l->entry;
	char reason[256];

	if (msg->index != l->next) {
		if (source == FROM_GROUP && msg->index < l->next) {
			l->stats.repeats++;
			return CHUNK_OK;
		}
		if (source == FROM_GROUP) {
			discard_assembly(a);
			l->stats.gaps++;
			return CHUNK_LOST;
		}
		snprintf(reason, sizeof(reason), "dump sent index %" PRIu64 ", expected %" PRIu64,
			 msg->index, l->next);
		report_malformed(l, msg, reason);
		return CHUNK_BAD;
	}

	if (!a->active) {
		if (msg->data_offset != 0) {
			if (source == FROM_GROUP) {
				l->stats.gaps++;
				return CHUNK_LOST;
			}
			snprintf(reason, sizeof(reason), "dump starts the entry with IMATAP_A_ENTRY_DATA_OFFSET %u, expected 0",
				 msg->data_offset);
			report_malformed(l, msg, reason);
			return CHUNK_BAD;
		}
		if (start_assembly(l, msg) != CHUNK_OK)
			return CHUNK_BAD;
	} else if (!chunk_matches_assembly(a, msg)) {
		report_malformed(l, msg, "chunk's PCR, template name, SHA-1 digest or data length differ from the entry's first chunk");
		discard_assembly(a);
		return CHUNK_BAD;
	} else if (msg->data_offset != a->filled) {
		if (source == FROM_GROUP) {
			discard_assembly(a);
			l->stats.gaps++;
			return CHUNK_LOST;
		}
		snprintf(reason, sizeof(reason), "IMATAP_A_ENTRY_DATA_OFFSET %u, expected %u after the previous chunk",
			 msg->data_offset, a->filled);
		report_malformed(l, msg, reason);
		discard_assembly(a);
		return CHUNK_BAD;
	}

	memcpy(a->data + a->filled, msg->chunk, msg->chunk_len);
	a->filled += msg->chunk_len;
	if (a->filled == a->data_len)
		return write_assembled_entry(l, source);
	return CHUNK_OK;
}

static int on_request_error(struct sockaddr_nl *from, struct nlmsgerr *error,
			    void *arg)
{
	struct request *req = arg;

	(void)from;
	req->kernel_errno = -error->error;
	return NL_STOP;
}

static int on_request_reply(struct nl_msg *nlmsg, void *arg)
{
	struct request *req = arg;
	struct listener *l = req->listener;
	struct nlmsghdr *nlh = nlmsg_hdr(nlmsg);
	struct entry_msg msg;
	char err[256];

	l->messages++;
	if (req->cmd == IMATAP_CMD_GET_STATUS) {
		req->replied = true;
		if (print_status_msg(nlh, stdout, err, sizeof(err))) {
			report("message %" PRIu64 ": %s", l->messages, err);
			l->stats.malformed++;
			req->failed = true;
			return NL_STOP;
		}
		return NL_OK;
	}

	if (parse_entry_msg(nlh, IMATAP_CMD_GET_ENTRIES, &msg, err, sizeof(err))) {
		report_malformed(l, &msg, err);
		req->failed = true;
		return NL_STOP;
	}
	if (accept_chunk(l, &msg, FROM_DUMP) != CHUNK_OK) {
		req->failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * Send a GET_STATUS request or a GET_ENTRIES dump from req->dump_start and
 * process the replies. Return EXIT_OK or the exit status for the failure.
 */
static int run_request(struct listener *l, struct request *req)
{
	struct nl_msg *msg = nlmsg_alloc();
	const char *command_name = req->cmd == IMATAP_CMD_GET_STATUS ?
			   "IMATAP_CMD_GET_STATUS" : "IMATAP_CMD_GET_ENTRIES";
	int flags = req->cmd == IMATAP_CMD_GET_ENTRIES ? NLM_F_DUMP : 0;
	int rc;

	if (!msg)
		fail("out of memory for a netlink message");
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, l->family, 0, flags,
			 req->cmd, IMATAP_GENL_VERSION))
		fail("cannot build the %s request", command_name);
	if (req->cmd == IMATAP_CMD_GET_ENTRIES &&
	    nla_put_u64(msg, IMATAP_A_START_INDEX, req->dump_start))
		fail("cannot add IMATAP_A_START_INDEX to the request");

	nl_socket_modify_cb(l->requests, NL_CB_VALID, NL_CB_CUSTOM,
			    on_request_reply, req);
	nl_socket_modify_err_cb(l->requests, NL_CB_CUSTOM, on_request_error,
				req);
	rc = nl_send_auto(l->requests, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		report("cannot send %s: %s", command_name, nl_geterror(rc));
		return EXIT_ERROR;
	}
	rc = nl_recvmsgs_default(l->requests);

	if (req->kernel_errno) {
		report("%s rejected by the kernel: %s", command_name,
		       errno_text(req->kernel_errno));
		return EXIT_REJECTED;
	}
	if (req->failed)
		return l->stats.malformed ? EXIT_MALFORMED : EXIT_ERROR;
	if (rc < 0) {
		report("receiving the reply to %s failed: %s", command_name,
		       nl_geterror(rc));
		return EXIT_ERROR;
	}
	if (req->cmd == IMATAP_CMD_GET_STATUS && !req->replied) {
		report("no reply to %s", command_name);
		return EXIT_ERROR;
	}
	if (req->cmd == IMATAP_CMD_GET_ENTRIES && l->entry.active) {
		report("dump from %" PRIu64 " ended inside entry %" PRIu64 " after %u of %u bytes",
		       req->dump_start, l->entry.index, l->entry.filled,
		       l->entry.data_len);
		l->stats.malformed++;
		return EXIT_MALFORMED;
	}
	return EXIT_OK;
}

static int run_dump(struct listener *l, uint64_t start)
{
	struct request req = {
		.listener = l,
		.cmd = IMATAP_CMD_GET_ENTRIES,
		.dump_start = start,
	};

	return run_request(l, &req);
}

static struct nl_sock *open_genl_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (!sk)
		fail("out of memory for a netlink socket");
	rc = genl_connect(sk);
	if (rc < 0)
		fail("cannot open a generic netlink socket: %s", nl_geterror(rc));
	return sk;
}

/* Open the request socket and resolve the family. Return an exit status. */
static int connect_family(struct listener *l)
{
	l->requests = open_genl_socket();
	nl_socket_disable_auto_ack(l->requests);
	l->family = genl_ctrl_resolve(l->requests, IMATAP_GENL_NAME);
	if (l->family < 0) {
		report("generic netlink family \"%s\" not found (%s): is the module loaded?",
		       IMATAP_GENL_NAME, nl_geterror(l->family));
		return EXIT_NO_FAMILY;
	}
	return EXIT_OK;
}

/*
 * Open the group socket and join the events group. setsockopt() is called
 * directly so that the errno of a refused join reaches the report as is.
 */
static int join_events(struct listener *l, int rcvbuf)
{
	int fd, rc;

	l->group = genl_ctrl_resolve_grp(l->requests, IMATAP_GENL_NAME,
					 IMATAP_MCGRP_EVENTS);
	if (l->group < 0) {
		report("multicast group \"%s\" of family \"%s\" not found: %s",
		       IMATAP_MCGRP_EVENTS, IMATAP_GENL_NAME,
		       nl_geterror(l->group));
		return EXIT_NO_FAMILY;
	}

	l->events = nl_socket_alloc();
	if (!l->events)
		fail("out of memory for a netlink socket");
	rc = genl_connect(l->events);
	if (rc < 0)
		fail("cannot open a generic netlink socket: %s", nl_geterror(rc));
	/* After connecting: libnl needs the file descriptor for setsockopt(). */
	rc = nl_socket_set_buffer_size(l->events, rcvbuf, 0);
	if (rc < 0)
		fail("cannot set SO_RCVBUF to %d: %s", rcvbuf, nl_geterror(rc));

	fd = nl_socket_get_fd(l->events);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &l->group,
		       sizeof(l->group))) {
		report("joining group %s/%s failed: %s", IMATAP_GENL_NAME,
		       IMATAP_MCGRP_EVENTS, errno_text(errno));
		return EXIT_REJECTED;
	}
	rc = nl_socket_set_nonblocking(l->events);
	if (rc < 0)
		fail("cannot make the group socket non-blocking: %s",
		     nl_geterror(rc));
	return EXIT_OK;
}

static int repair_by_dump(struct listener *l, uint64_t seen_index)
{
	uint64_t before = l->next;
	int rc;

	discard_assembly(&l->entry);
	l->stats.repairs++;
	rc = run_dump(l, l->next);
	if (rc != EXIT_OK)
		return rc;
	l->stats.repaired += l->next - before;
	if (seen_index != UINT64_MAX && l->next <= seen_index) {
		report("dump from %" PRIu64 " ended at index %" PRIu64 " although the group already sent index %" PRIu64,
		       before, l->next, seen_index);
		l->stats.malformed++;
		return EXIT_MALFORMED;
	}
	return EXIT_OK;
}

/* Process one buffer from the group socket. Return an exit status. */
static int process_group_buffer(struct listener *l, const void *buf, int len)
{
	const struct nlmsghdr *nlh;
	int remaining = len;

	for (nlh = buf; nlmsg_ok(nlh, remaining);
	     nlh = nlmsg_next((struct nlmsghdr *)nlh, &remaining)) {
		struct entry_msg msg;
		char err[256];
		int rc;

		if (nlh->nlmsg_type != l->family)
			continue;
		l->messages++;
		if (parse_entry_msg(nlh, IMATAP_CMD_NEW_ENTRY, &msg, err,
				    sizeof(err))) {
			report_malformed(l, &msg, err);
			rc = repair_by_dump(l, UINT64_MAX);
		} else {
			switch (accept_chunk(l, &msg, FROM_GROUP)) {
			case CHUNK_OK:
				rc = EXIT_OK;
				break;
			case CHUNK_LOST:
				rc = repair_by_dump(l, msg.index);
				break;
			default:
				rc = repair_by_dump(l, UINT64_MAX);
				break;
			}
		}
		if (rc != EXIT_OK)
			return rc;
		if (l->sleep_us)
			usleep(l->sleep_us);
		if (l->next >= l->until)
			break;
	}
	if (remaining > 0 && l->next < l->until) {
		report("group socket: %d bytes after the last message do not form a netlink message",
		       remaining);
		l->stats.malformed++;
		return repair_by_dump(l, UINT64_MAX);
	}
	return EXIT_OK;
}

/* Read the group socket until it is empty. Return an exit status. */
static int drain_group(struct listener *l, uint8_t *buf)
{
	int fd = nl_socket_get_fd(l->events);

	while (l->next < l->until) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t n;
		int rc;

		n = recvfrom(fd, buf, EVENT_BUFFER_SIZE, MSG_TRUNC,
			     (struct sockaddr *)&from, &from_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return EXIT_OK;
		if (n < 0 && errno == ENOBUFS) {
			l->stats.enobufs++;
			rc = repair_by_dump(l, UINT64_MAX);
			if (rc != EXIT_OK)
				return rc;
			continue;
		}
		if (n < 0) {
			report("recv on the group socket failed: %s",
			       errno_text(errno));
			return EXIT_ERROR;
		}
		if (n > (ssize_t)EVENT_BUFFER_SIZE) {
			report("group message of %zd bytes exceeds the %u-byte buffer",
			       n, EVENT_BUFFER_SIZE);
			return EXIT_ERROR;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel sends to the group */
		rc = process_group_buffer(l, buf, n);
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

static void read_until_file(struct listener *l)
{
	char text[64] = "";
	FILE *f = fopen(l->until_file, "r");

	if (!f) {
		report("cannot open --until-file %s: %s", l->until_file,
		       strerror(errno));
		return;
	}
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	if (parse_u64_option("--until-file", text, &l->until))
		report("keeping --until at %" PRIu64, l->until);
}

static int create_ready_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs("ready\n", f) == EOF || fclose(f)) {
		report("cannot create --ready-file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void print_stats(const struct listener *l, const char *stop_reason)
{
	printf("stopped %s\n", stop_reason);
	printf("next_index %" PRIu64 "\n", l->next);
	printf("from_dump %" PRIu64 "\n", l->stats.from_dump);
	printf("from_group %" PRIu64 "\n", l->stats.from_group);
	printf("repeats %" PRIu64 "\n", l->stats.repeats);
	printf("enobufs %" PRIu64 "\n", l->stats.enobufs);
	printf("gaps %" PRIu64 "\n", l->stats.gaps);
	printf("repairs %" PRIu64 "\n", l->stats.repairs);
	printf("repaired %" PRIu64 "\n", l->stats.repaired);
	printf("malformed %" PRIu64 "\n", l->stats.malformed);
	fflush(stdout);
}

static int open_signalfd(void)
{
	sigset_t signals;
	int fd;

	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &signals, NULL))
		fail("cannot block signals: %s", strerror(errno));
	fd = signalfd(-1, &signals, SFD_CLOEXEC);
	if (fd < 0)
		fail("signalfd failed: %s", strerror(errno));
	return fd;
}

static int follow(struct listener *l, uint64_t from, int rcvbuf)
{
	const char *stop_reason = "at --until";
	int sigfd = open_signalfd();
	uint8_t *buf = malloc(EVENT_BUFFER_SIZE);
	int rc;

	if (!buf)
		fail("out of memory for the receive buffer");
	rc = join_events(l, rcvbuf);
	if (rc != EXIT_OK)
		return rc;
	l->first = from;
	l->next = from;
	rc = run_dump(l, from);
	if (rc != EXIT_OK)
		return rc;
	if (fflush(l->out))
		fail("cannot write to %s: %s", l->out_path, strerror(errno));
	if (l->ready_file && create_ready_file(l->ready_file))
		return EXIT_ERROR;

	while (l->next < l->until) {
		struct pollfd fds[2] = {
			{ .fd = nl_socket_get_fd(l->events), .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll failed: %s", strerror(errno));
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo info;

			if (read(sigfd, &info, sizeof(info)) != sizeof(info))
				fail("reading the signalfd failed: %s", strerror(errno));
			if (info.ssi_signo == SIGUSR1 && l->until_file) {
				read_until_file(l);
				continue;
			}
			if (info.ssi_signo != SIGUSR1) {
				stop_reason = info.ssi_signo == SIGINT ?
					      "by SIGINT" : "by SIGTERM";
				break;
			}
		}
		if (fds[0].revents & (POLLIN | POLLERR)) {
			rc = drain_group(l, buf);
			if (rc != EXIT_OK)
				break;
		}
	}

	if (rc == EXIT_OK)
		cut_output_at_until(l);
	if (fflush(l->out))
		fail("cannot write to %s: %s", l->out_path, strerror(errno));
	free(buf);
	if (rc == EXIT_OK && l->stats.malformed)
		rc = EXIT_MALFORMED;
	print_stats(l, rc == EXIT_OK ? stop_reason : "on error");
	return rc;
}

enum mode { MODE_NONE, MODE_STATUS, MODE_DUMP, MODE_FOLLOW, MODE_JOIN };

enum option_id {
	OPT_STATUS = 256,
	OPT_DUMP_FROM,
	OPT_FOLLOW,
	OPT_JOIN,
	OPT_OUT,
	OPT_FROM,
	OPT_UNTIL,
	OPT_UNTIL_FILE,
	OPT_READY_FILE,
	OPT_RCVBUF,
	OPT_SLEEP_US,
	OPT_HELP,
};

static const struct option long_options[] = {
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "dump-from", required_argument, NULL, OPT_DUMP_FROM },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "join", no_argument, NULL, OPT_JOIN },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "until-file", required_argument, NULL, OPT_UNTIL_FILE },
	{ "ready-file", required_argument, NULL, OPT_READY_FILE },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "sleep-us", required_argument, NULL, OPT_SLEEP_US },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void set_mode(enum mode *mode, enum mode wanted)
{
	if (*mode != MODE_NONE && *mode != wanted) {
		report("give only one of --status, --dump-from, --follow and --join");
		exit(EXIT_ERROR);
	}
	*mode = wanted;
}

int main(int argc, char **argv)
{
	struct listener l = { .until = UINT64_MAX };
	enum mode mode = MODE_NONE;
	uint64_t from = 0, value, rcvbuf = 1048576;
	int opt, rc;

	prog_name = "imatap-testlisten";
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_STATUS:
			set_mode(&mode, MODE_STATUS);
			break;
		case OPT_DUMP_FROM:
			set_mode(&mode, MODE_DUMP);
			if (parse_u64_option("--dump-from", optarg, &from))
				return EXIT_ERROR;
			break;
		case OPT_FOLLOW:
			set_mode(&mode, MODE_FOLLOW);
			break;
		case OPT_JOIN:
			set_mode(&mode, MODE_JOIN);
			break;
		case OPT_OUT:
			l.out_path = optarg;
			break;
		case OPT_FROM:
			if (parse_u64_option("--from", optarg, &from))
				return EXIT_ERROR;
			break;
		case OPT_UNTIL:
			if (parse_u64_option("--until", optarg, &l.until))
				return EXIT_ERROR;
			break;
		case OPT_UNTIL_FILE:
			l.until_file = optarg;
			break;
		case OPT_READY_FILE:
			l.ready_file = optarg;
			break;
		case OPT_RCVBUF:
			if (parse_u64_option("--rcvbuf", optarg, &rcvbuf))
				return EXIT_ERROR;
			if (rcvbuf < 1 || rcvbuf > INT32_MAX) {
				report("--rcvbuf %s is out of range 1 to %d", optarg, INT32_MAX);
				return EXIT_ERROR;
			}
			break;
		case OPT_SLEEP_US:
			if (parse_u64_option("--sleep-us", optarg, &value))
				return EXIT_ERROR;
			if (value > 10000000) {
				report("--sleep-us %s exceeds 10000000 (10 s)", optarg);
				return EXIT_ERROR;
			}
			l.sleep_us = value;
			break;
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind != argc || mode == MODE_NONE) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if ((mode == MODE_DUMP || mode == MODE_FOLLOW) && !l.out_path) {
		report("--dump-from and --follow need --out FILE");
		return EXIT_ERROR;
	}

	if (l.out_path) {
		l.out = fopen(l.out_path, "w");
		if (!l.out)
			fail("cannot create %s: %s", l.out_path, strerror(errno));
	}

	rc = connect_family(&l);
	if (rc != EXIT_OK)
		return rc;

	switch (mode) {
	case MODE_STATUS: {
		struct request req = { .listener = &l, .cmd = IMATAP_CMD_GET_STATUS };

		rc = run_request(&l, &req);
		break;
	}
	case MODE_DUMP:
		l.first = from;
		l.next = from;
		rc = run_dump(&l, from);
		break;
	case MODE_JOIN:
		rc = join_events(&l, (int)rcvbuf);
		break;
	default:
		rc = follow(&l, from, (int)rcvbuf);
		break;
	}

	if (l.out && fclose(l.out)) {
		report("cannot write to %s: %s", l.out_path, strerror(errno));
		if (rc == EXIT_OK)
			rc = EXIT_ERROR;
	}
	return rc;
}
