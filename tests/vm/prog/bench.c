// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-bench: one round of the module benchmark.
 *
 * It creates --files new files in a new directory, then opens each once with
 * O_RDONLY and closes it, and times each open and close with
 * CLOCK_MONOTONIC. The guest's IMA policy measures a file at its first read
 * open, so each pair of calls includes one measurement. With --listen, a
 * thread joins the imatap events group before the first open and records
 * when the event of each file arrives. That gives the delivery rate and the
 * delay from the start of the open to the receipt of the event.
 *
 * With --jobs 1 the loop runs pinned to --measure-cpu and the listener
 * pinned to --listen-cpu, so that they do not compete for a CPU. With more
 * jobs, that many processes share the files as a storm, unpinned.
 *
 * --cycle BLOCK runs the loop in blocks of BLOCK files that cycle through
 * four states: all kprobes disarmed and no listener, the module's kprobe
 * armed and no listener, the kprobe armed with the listener joined, and,
 * as a control, kprobes disarmed with a thread spinning on the listener's
 * CPU (under emulation a busy guest CPU takes a host CPU away). The
 * states alternate every few milliseconds, so the host's noise and the
 * drift of the loop hit them alike, and the module's cost shows at a
 * resolution that separate rounds cannot give under emulation.
 *
 * Results are "key value" lines on stdout; times are in nanoseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/imatap.h>

#include "common.h"
#include "msgparse.h"

#define MEASUREMENT_COUNT "/sys/kernel/security/ima/runtime_measurements_count"
#define KPROBES_ENABLED "/sys/kernel/debug/kprobes/enabled"

/* Receive buffer of the group socket, set with SO_RCVBUFFORCE. */
#define EVENT_SOCKET_BUFFER (16 << 20)
#define RECV_BUFFER_SIZE (256U << 10)
/* How often a blocked recv() returns to check for the end of the round. */
#define RECV_TIMEOUT_MS 100
#define MAX_JOBS 64
/*
 * Files at the start of each --cycle block left out of its statistics:
 * arming or disarming a kprobe patches kernel text, and the emulator then
 * translates the patched code again.
 */
#define CYCLE_WARMUP 10

enum cycle_state {
	CYCLE_DISARMED,		/* every kprobe disarmed, no listener */
	CYCLE_PROBE,		/* kprobe armed, no listener */
	CYCLE_LISTENER,		/* kprobe armed, listener joined */
	CYCLE_SPIN,		/* every kprobe disarmed, a busy listener CPU */
	CYCLE_STATES,
};

static const char *const cycle_state_names[CYCLE_STATES] = {
	"disarmed", "probe", "listener", "spin",
};

static atomic_bool spinning;

struct options {
	const char *dir;
	uint64_t files;
	uint64_t size;
	uint64_t jobs;
	uint64_t measure_cpu;
	uint64_t listen_cpu;
	uint64_t timeout;
	uint64_t cycle;		/* block size for --cycle, 0 without it */
	bool listen;
};

/* Paths of the files, each in a slot of path_stride bytes. */
struct file_set {
	char *paths;
	size_t path_stride;
	uint64_t count;
	char prefix[PATH_MAX];	/* the path of each file up to its number */
	size_t prefix_len;
};

struct listener {
	struct nl_sock *control;
	int fd;
	int group;
	pthread_t thread;
	uint64_t listen_cpu;
	const struct file_set *files;
	atomic_bool stop;

	/* Written by the listener thread, read after it is joined. */
	uint64_t *received_ns;	/* per file, 0 until its event arrived */
	uint64_t *index;	/* per file, the entry index of its event */
	atomic_uint_fast64_t matched;	/* files whose event arrived */
	uint64_t repeats;	/* events for a file that had one already */
	uint64_t other;		/* events of entries that are not our files */
	uint64_t malformed;
	uint64_t enobufs;
	int recv_errno;		/* a recv() error that ended the thread */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --dir DIR [OPTIONS]\n"
		"Creates DIR and FILES files in it, then opens each once for reading and\n"
		"closes it, timing each open and close with CLOCK_MONOTONIC.\n"
		"Options:\n"
		"  --dir DIR          new directory for the files (it must not exist)\n"
		"  --files N          number of files (default 1000)\n"
		"  --size BYTES       size of each file (default 1024)\n"
		"  --jobs N           1: one loop pinned to --measure-cpu (default); more:\n"
		"                     N unpinned processes share the files (a storm)\n"
		"  --listen           join the imatap events group and time the delivery\n"
		"                     of each file's event\n"
		"  --measure-cpu CPU  CPU of the loop with --jobs 1 (default 0)\n"
		"  --listen-cpu CPU   CPU of the listener thread with --jobs 1 (default 1)\n"
		"  --timeout SECONDS  wait this long after the last close for the events\n"
		"                     (default 60)\n"
		"  --cycle BLOCK      with --jobs 1: cycle blocks of BLOCK files through all\n"
		"                     kprobes disarmed (" KPROBES_ENABLED "), the\n"
		"                     module's kprobe armed, armed with a listener, and\n"
		"                     disarmed with a thread spinning on --listen-cpu;\n"
		"                     prints cycle_STATE_* lines and ratios to disarmed\n"
		"Prints \"key value\" lines; times are in nanoseconds. delivered_per_s is\n"
		"the events after the first divided by the first-to-last receive span.\n"
		"Exit status: 0 success, 1 error.\n",
		prog_name);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pin_thread(pthread_t thread, uint64_t cpu, const char *role)
{
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(thread, sizeof(set), &set);
	if (err)
		fail("cannot pin the %s to CPU %" PRIu64 ": %s", role, cpu,
		     strerror(err));
}

static uint64_t read_measurement_count(void)
{
	char text[32];
	uint64_t count;
	FILE *f = fopen(MEASUREMENT_COUNT, "r");

	if (!f)
		fail("cannot open %s: %s", MEASUREMENT_COUNT, strerror(errno));
	if (!fgets(text, sizeof(text), f))
		fail("cannot read %s", MEASUREMENT_COUNT);
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	if (parse_u64_option(MEASUREMENT_COUNT, text, &count))
		exit(1);
	return count;
}

static const char *file_path(const struct file_set *set, uint64_t i)
{
	return set->paths + i * set->path_stride;
}

/*
 * Create the files. Opening for writing is not measured under the guest
 * policy (its FILE_CHECK rules need MAY_READ). Each file's content starts
 * with its path, so no two files have the same digest.
 */
static void create_files(struct file_set *set, const struct options *o)
{
	char *content = calloc(1, o->size + 1);
	uint64_t i;

	if (!content)
		fail("out of memory for %" PRIu64 " bytes of content", o->size);
	if (mkdir(o->dir, 0755))
		fail("cannot create %s: %s", o->dir, strerror(errno));
	if (!realpath(o->dir, set->prefix))
		fail("cannot resolve %s: %s", o->dir, strerror(errno));
	strcat(set->prefix, "/f");
	set->prefix_len = strlen(set->prefix);
	set->path_stride = set->prefix_len + 24;
	set->count = o->files;
	set->paths = calloc(o->files, set->path_stride);
	if (!set->paths)
		fail("out of memory for %" PRIu64 " paths", o->files);

	memset(content, 'x', o->size);
	for (i = 0; i < o->files; i++) {
		char *path = set->paths + i * set->path_stride;
		int fd;

		snprintf(path, set->path_stride, "%s%07" PRIu64, set->prefix, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			fail("cannot create %s: %s", path, strerror(errno));
		memcpy(content, path, strnlen(path, o->size));
		if (write(fd, content, o->size) != (ssize_t)o->size)
			fail("cannot write %s: %s", path, strerror(errno));
		if (close(fd))
			fail("cannot close %s: %s", path, strerror(errno));
	}
	free(content);
}

/*
 * Return the number of the file whose path is in the "n-ng" field of
 * template data, or UINT64_MAX when the entry is not one of our files. The
 * data is a u32 length and the bytes of each field, for the templates
 * "ima-ng" and "ima-sig" first the digest, then the name.
 */
static uint64_t file_number(const struct file_set *set,
			    const struct entry_msg *msg)
{
	const uint8_t *p = msg->chunk, *end = msg->chunk + msg->chunk_len;
	uint32_t len;
	char name[PATH_MAX];
	uint64_t number;
	char *tail;

	if (msg->data_offset != 0 ||
	    (strcmp(msg->template_name, "ima-ng") &&
	     strcmp(msg->template_name, "ima-sig")))
		return UINT64_MAX;
	if (end - p < 4)
		return UINT64_MAX;
	memcpy(&len, p, 4);
	p += 4;
	if ((size_t)(end - p) < len)
		return UINT64_MAX;
	p += len;
	if (end - p < 4)
		return UINT64_MAX;
	memcpy(&len, p, 4);
	p += 4;
	if ((size_t)(end - p) < len || len == 0 || len > sizeof(name))
		return UINT64_MAX;
	memcpy(name, p, len);
	name[len - 1] = '\0';

	if (strncmp(name, set->prefix, set->prefix_len))
		return UINT64_MAX;
	errno = 0;
	number = strtoull(name + set->prefix_len, &tail, 10);
	if (errno || *tail || number >= set->count ||
	    strcmp(name, file_path(set, number)))
		return UINT64_MAX;
	return number;
}

static void handle_event(struct listener *l, const struct nlmsghdr *nlh,
			 uint64_t received)
{
	struct entry_msg msg;
	char err[256];
	uint64_t number;

	if (parse_entry_msg(nlh, IMATAP_CMD_NEW_ENTRY, &msg, err, sizeof(err))) {
		if (l->malformed++ == 0)
			report("malformed event: %s", err);
		return;
	}
	number = file_number(l->files, &msg);
	if (number == UINT64_MAX) {
		l->other++;
		return;
	}
	if (l->received_ns[number]) {
		l->repeats++;
		return;
	}
	l->received_ns[number] = received;
	l->index[number] = msg.index;
	atomic_fetch_add(&l->matched, 1);
}

static void *listen_thread(void *arg)
{
	struct listener *l = arg;
	char *buf = malloc(RECV_BUFFER_SIZE);

	if (!buf)
		fail("out of memory for the receive buffer");
	while (!atomic_load(&l->stop)) {
		ssize_t len = recv(l->fd, buf, RECV_BUFFER_SIZE, 0);
		uint64_t received = now_ns();
		struct nlmsghdr *nlh;

		if (len < 0) {
			if (errno == ENOBUFS) {
				l->enobufs++;
				continue;
			}
			if (errno == EAGAIN || errno == EINTR)
				continue;
			l->recv_errno = errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)len);
		     nlh = NLMSG_NEXT(nlh, len))
			handle_event(l, nlh, received);
	}
	free(buf);
	return NULL;
}

/* Join the events group and start the listener thread. */
static void start_listener(struct listener *l, const struct file_set *set,
			   const struct options *o)
{
	struct timeval timeout = { .tv_usec = RECV_TIMEOUT_MS * 1000 };
	struct sockaddr_nl address = { .nl_family = AF_NETLINK };
	int group, buffer = EVENT_SOCKET_BUFFER, err;

	l->files = set;
	l->listen_cpu = o->listen_cpu;
	l->received_ns = calloc(set->count, sizeof(uint64_t));
	l->index = calloc(set->count, sizeof(uint64_t));
	if (!l->received_ns || !l->index)
		fail("out of memory for %" PRIu64 " receive times", set->count);

	l->control = nl_socket_alloc();
	if (!l->control)
		fail("out of memory for a netlink socket");
	err = genl_connect(l->control);
	if (err < 0)
		fail("cannot open a generic netlink socket: %s", nl_geterror(err));
	group = genl_ctrl_resolve_grp(l->control, IMATAP_GENL_NAME,
				      IMATAP_MCGRP_EVENTS);
	if (group < 0)
		fail("multicast group \"%s\" of family \"%s\" not found (%s): is the module loaded?",
		     IMATAP_MCGRP_EVENTS, IMATAP_GENL_NAME, nl_geterror(group));
	l->group = group;

	l->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (l->fd < 0)
		fail("cannot open a netlink socket: %s", strerror(errno));
	/*
	 * Bind to get a port id: the kernel sends with port id 0 and skips
	 * every member of the group that has the sender's port id.
	 */
	if (bind(l->fd, (struct sockaddr *)&address, sizeof(address)))
		fail("cannot bind the netlink socket: %s", strerror(errno));
	if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)))
		fail("cannot set SO_RCVBUFFORCE to %d: %s", buffer, strerror(errno));
	if (setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)))
		fail("cannot set SO_RCVTIMEO: %s", strerror(errno));
	if (setsockopt(l->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		fail("joining group %s/%s failed: %s", IMATAP_GENL_NAME,
		     IMATAP_MCGRP_EVENTS, errno_text(errno));

	err = pthread_create(&l->thread, NULL, listen_thread, l);
	if (err)
		fail("cannot start the listener thread: %s", strerror(err));
	if (o->jobs == 1)
		pin_thread(l->thread, o->listen_cpu, "listener thread");
}

static void set_membership(struct listener *l, bool joined)
{
	int option = joined ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP;

	if (setsockopt(l->fd, SOL_NETLINK, option, &l->group, sizeof(l->group)))
		fail("%s group %s/%s failed: %s", joined ? "joining" : "leaving",
		     IMATAP_GENL_NAME, IMATAP_MCGRP_EVENTS, errno_text(errno));
}

/*
 * Wait until the events of expected files arrived or timeout_ns passed,
 * then stop.
 */
static void stop_listener(struct listener *l, uint64_t expected,
			  uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns;

	while (atomic_load(&l->matched) < expected && now_ns() < deadline &&
	       !l->recv_errno)
		usleep(10000);
	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	if (l->recv_errno)
		fail("recv on the events socket failed: %s",
		     errno_text(l->recv_errno));
	close(l->fd);
	nl_socket_free(l->control);
}

/* Open and close files first, first + step, ... before end and record the times. */
static int measure_files(const struct file_set *set, uint64_t first,
			 uint64_t end, uint64_t step, uint64_t *start_ns,
			 uint64_t *duration_ns)
{
	uint64_t i;

	for (i = first; i < end; i += step) {
		uint64_t start = now_ns(), end;
		int fd = open(file_path(set, i), O_RDONLY);

		if (fd < 0) {
			report("cannot open %s: %s", file_path(set, i),
			       strerror(errno));
			return -1;
		}
		close(fd);
		end = now_ns();
		start_ns[i] = start;
		duration_ns[i] = end - start;
	}
	return 0;
}

static void set_kprobes_enabled(bool enabled)
{
	int fd = open(KPROBES_ENABLED, O_WRONLY);

	if (fd < 0)
		fail("cannot open %s: %s (is debugfs mounted?)", KPROBES_ENABLED,
		     strerror(errno));
	if (write(fd, enabled ? "1" : "0", 1) != 1)
		fail("cannot write %d to %s: %s", enabled, KPROBES_ENABLED,
		     strerror(errno));
	close(fd);
}

static void *spin_thread(void *arg)
{
	(void)arg;
	while (atomic_load_explicit(&spinning, memory_order_relaxed))
		;
	return NULL;
}

/*
 * Measure the files in blocks of o->cycle, in the states 0 1 2 3 3 2 1 0 0
 * 1 ..., and record each file's state. Leave the kprobes armed.
 */
static void measure_cycle(const struct file_set *set, const struct options *o,
			  struct listener *l, uint64_t *start_ns,
			  uint64_t *duration_ns, uint8_t *state)
{
	uint64_t first, i;

	for (first = 0; first < set->count; first += o->cycle) {
		/*
		 * The order runs forward, then backward, so that each state
		 * follows different states and carry-over from one block
		 * into the next hits every state alike.
		 */
		uint64_t position = (first / o->cycle) % (2 * CYCLE_STATES);
		enum cycle_state s = position < CYCLE_STATES ? position :
				     2 * CYCLE_STATES - 1 - position;
		uint64_t end = first + o->cycle < set->count ?
			       first + o->cycle : set->count;

		pthread_t spinner;
		int err;

		set_kprobes_enabled(s == CYCLE_PROBE || s == CYCLE_LISTENER);
		set_membership(l, s == CYCLE_LISTENER);
		if (s == CYCLE_SPIN) {
			atomic_store(&spinning, true);
			err = pthread_create(&spinner, NULL, spin_thread, NULL);
			if (err)
				fail("cannot start the spinning thread: %s",
				     strerror(err));
			pin_thread(spinner, o->listen_cpu, "spinning thread");
		}
		for (i = first; i < end; i++)
			state[i] = s;
		if (measure_files(set, first, end, 1, start_ns, duration_ns))
			exit(1);
		if (s == CYCLE_SPIN) {
			atomic_store(&spinning, false);
			pthread_join(spinner, NULL);
		}
	}
	set_kprobes_enabled(true);
	set_membership(l, false);
}

/*
 * Run o->jobs processes over the files. They are forked before the listener
 * thread exists and released together through a pipe.
 */
static void fork_jobs(const struct file_set *set, const struct options *o,
		      uint64_t *start_ns, uint64_t *duration_ns,
		      pid_t *pids, int *release)
{
	int gate[2];
	uint64_t job;

	if (pipe(gate))
		fail("pipe failed: %s", strerror(errno));
	for (job = 0; job < o->jobs; job++) {
		char byte;

		pids[job] = fork();
		if (pids[job] < 0)
			fail("fork failed: %s", strerror(errno));
		if (pids[job] > 0)
			continue;
		close(gate[1]);
		if (read(gate[0], &byte, 1) < 0)
			_exit(1);
		_exit(measure_files(set, job, set->count, o->jobs, start_ns,
				    duration_ns) ? 1 : 0);
	}
	close(gate[0]);
	*release = gate[1];
}

static void wait_jobs(const pid_t *pids, uint64_t jobs)
{
	uint64_t job, failed = 0;

	for (job = 0; job < jobs; job++) {
		int status;

		if (waitpid(pids[job], &status, 0) < 0)
			fail("waitpid failed: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	if (failed)
		fail("%" PRIu64 " of %" PRIu64 " jobs failed", failed, jobs);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort values and print their median, mean, p99 (nearest rank) and max. */
static void print_distribution(const char *name, uint64_t *values, uint64_t n)
{
	long double sum = 0;
	uint64_t i, median;

	if (n == 0)
		return;
	qsort(values, n, sizeof(*values), compare_u64);
	for (i = 0; i < n; i++)
		sum += values[i];
	median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
	printf("%s_median_ns %" PRIu64 "\n", name, median);
	printf("%s_mean_ns %.0Lf\n", name, sum / n);
	printf("%s_p99_ns %" PRIu64 "\n", name, values[(99 * n + 99) / 100 - 1]);
	printf("%s_max_ns %" PRIu64 "\n", name, values[n - 1]);
}

/* Print the delivery statistics: rate, delays and index order. */
static void print_delivery(const struct listener *l, const uint64_t *start_ns,
			   uint64_t jobs)
{
	uint64_t n = l->files->count, matched = atomic_load(&l->matched);
	uint64_t first = UINT64_MAX, last = 0, i, k = 0, index_gaps = 0;
	uint64_t *delays = calloc(n, sizeof(uint64_t));

	if (!delays)
		fail("out of memory for %" PRIu64 " delays", n);
	for (i = 0; i < n; i++) {
		if (!l->received_ns[i])
			continue;
		if (l->received_ns[i] < first)
			first = l->received_ns[i];
		if (l->received_ns[i] > last)
			last = l->received_ns[i];
		delays[k++] = l->received_ns[i] - start_ns[i];
		/* One loop measures in file order, so indices must follow. */
		if (jobs == 1 && i > 0 && l->received_ns[i - 1] &&
		    l->index[i] != l->index[i - 1] + 1)
			index_gaps++;
	}

	printf("events_matched %" PRIu64 "\n", matched);
	printf("events_missing %" PRIu64 "\n", n - matched);
	printf("events_repeated %" PRIu64 "\n", l->repeats);
	printf("events_other %" PRIu64 "\n", l->other);
	printf("events_malformed %" PRIu64 "\n", l->malformed);
	printf("enobufs %" PRIu64 "\n", l->enobufs);
	if (jobs == 1)
		printf("index_gaps %" PRIu64 "\n", index_gaps);
	if (matched > 1 && last > first)
		printf("delivered_per_s %.0f\n",
		       (double)(matched - 1) * 1e9 / (double)(last - first));
	print_distribution("delay", delays, k);
	free(delays);
}

/* Print each state's distribution without the warm-up files of its blocks. */
static void print_cycle(const struct options *o, uint64_t *duration_ns,
			const uint8_t *state)
{
	uint64_t *values = calloc(o->files, sizeof(uint64_t));
	double median[CYCLE_STATES] = { 0 }, mean[CYCLE_STATES] = { 0 };
	char name[64];
	int s;

	if (!values)
		fail("out of memory for %" PRIu64 " times", o->files);
	for (s = 0; s < CYCLE_STATES; s++) {
		uint64_t i, n = 0;
		long double sum = 0;

		for (i = 0; i < o->files; i++)
			if (state[i] == s && i % o->cycle >= CYCLE_WARMUP) {
				values[n++] = duration_ns[i];
				sum += duration_ns[i];
			}
		if (n == 0)
			continue;
		snprintf(name, sizeof(name), "cycle_%s", cycle_state_names[s]);
		printf("%s_files %" PRIu64 "\n", name, n);
		print_distribution(name, values, n);
		median[s] = n % 2 ? values[n / 2] :
			    (values[n / 2 - 1] + values[n / 2]) / 2.0;
		mean[s] = (double)(sum / n);
	}
	for (s = CYCLE_DISARMED + 1; s < CYCLE_STATES; s++)
		if (median[CYCLE_DISARMED] > 0 && median[s] > 0)
			printf("cycle_%s_ratio_median %.4f\ncycle_%s_ratio_mean %.4f\n",
			       cycle_state_names[s], median[s] / median[CYCLE_DISARMED],
			       cycle_state_names[s], mean[s] / mean[CYCLE_DISARMED]);
	free(values);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "files", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "listen", no_argument, NULL, 'l' },
		{ "measure-cpu", required_argument, NULL, 'm' },
		{ "listen-cpu", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cycle", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->dir = optarg;
			break;
		case 'f':
			rc = parse_u64_option("--files", optarg, &o->files);
			break;
		case 's':
			rc = parse_u64_option("--size", optarg, &o->size);
			break;
		case 'j':
			rc = parse_u64_option("--jobs", optarg, &o->jobs);
			break;
		case 'l':
			o->listen = true;
			break;
		case 'm':
			rc = parse_u64_option("--measure-cpu", optarg, &o->measure_cpu);
			break;
		case 'c':
			rc = parse_u64_option("--listen-cpu", optarg, &o->listen_cpu);
			break;
		case 't':
			rc = parse_u64_option("--timeout", optarg, &o->timeout);
			break;
		case 'y':
			rc = parse_u64_option("--cycle", optarg, &o->cycle);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (optind != argc || !o->dir) {
		usage(stderr);
		return -1;
	}
	if (o->files < 1 || o->files > 10000000) {
		report("--files %" PRIu64 " is out of range 1 to 10000000", o->files);
		return -1;
	}
	if (o->size < 1 || o->size > (64 << 20)) {
		report("--size %" PRIu64 " is out of range 1 to 67108864", o->size);
		return -1;
	}
	if (o->jobs < 1 || o->jobs > MAX_JOBS) {
		report("--jobs %" PRIu64 " is out of range 1 to %d", o->jobs, MAX_JOBS);
		return -1;
	}
	if (o->cycle && (o->jobs != 1 || o->cycle <= CYCLE_WARMUP)) {
		report("--cycle needs --jobs 1 and a block of more than %d files",
		       CYCLE_WARMUP);
		return -1;
	}
	if (o->measure_cpu >= CPU_SETSIZE || o->listen_cpu >= CPU_SETSIZE) {
		report("--measure-cpu and --listen-cpu must be below %d", CPU_SETSIZE);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {
		.files = 1000,
		.size = 1024,
		.jobs = 1,
		.measure_cpu = 0,
		.listen_cpu = 1,
		.timeout = 60,
	};
	struct file_set set = { 0 };
	struct listener listener = { 0 };
	uint64_t *start_ns, *duration_ns, count_before, count_after;
	uint64_t loop_start, loop_end, expected_events, i;
	uint8_t *state = NULL;
	pid_t pids[MAX_JOBS];
	int release = -1;

	prog_name = "imatap-bench";
	if (parse_options(argc, argv, &o))
		return 1;

	create_files(&set, &o);
	/* Shared, so that forked jobs can fill them in. */
	start_ns = mmap(NULL, 2 * o.files * sizeof(uint64_t),
			PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (start_ns == MAP_FAILED)
		fail("cannot map %" PRIu64 " times: %s", 2 * o.files, strerror(errno));
	duration_ns = start_ns + o.files;

	if (o.jobs > 1)
		fork_jobs(&set, &o, start_ns, duration_ns, pids, &release);
	else
		pin_thread(pthread_self(), o.measure_cpu, "measuring loop");
	if (o.listen || o.cycle)
		start_listener(&listener, &set, &o);
	if (o.cycle) {
		state = calloc(o.files, 1);
		if (!state)
			fail("out of memory for %" PRIu64 " file states", o.files);
	}
	count_before = read_measurement_count();

	loop_start = now_ns();
	if (o.jobs > 1) {
		close(release);
		wait_jobs(pids, o.jobs);
	} else if (o.cycle) {
		measure_cycle(&set, &o, &listener, start_ns, duration_ns, state);
	} else if (measure_files(&set, 0, o.files, 1, start_ns, duration_ns)) {
		exit(1);
	}
	loop_end = now_ns();
	count_after = read_measurement_count();
	if (o.listen || o.cycle) {
		/*
		 * With --cycle, the events of the last files of a listener
		 * block are skipped when the worker runs after the listener
		 * left, so no count is waited for.
		 */
		expected_events = o.cycle ? 0 : o.files;
		stop_listener(&listener, expected_events, o.timeout * 1000000000u);
	}

	printf("files %" PRIu64 "\n", o.files);
	printf("size %" PRIu64 "\n", o.size);
	printf("jobs %" PRIu64 "\n", o.jobs);
	printf("entries_added %" PRIu64 "\n", count_after - count_before);
	printf("loop_ns %" PRIu64 "\n", loop_end - loop_start);
	printf("opens_per_s %.0f\n",
	       (double)o.files * 1e9 / (double)(loop_end - loop_start));
	if (o.cycle) {
		printf("cycle_block %" PRIu64 "\n", o.cycle);
		printf("cycle_events_matched %" PRIu64 "\n",
		       (uint64_t)atomic_load(&listener.matched));
		print_cycle(&o, duration_ns, state);
	} else if (o.listen) {
		print_delivery(&listener, start_ns, o.jobs);
	}
	print_distribution("open_close", duration_ns, o.files);

	for (i = 0; i < o.files; i++)
		unlink(file_path(&set, i));
	rmdir(o.dir);
	return 0;
}
