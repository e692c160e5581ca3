// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-storm: make many IMA measurements from parallel processes.
 *
 * Each job creates distinct files and reads them once, which a
 * "measure func=FILE_CHECK mask=MAY_READ" rule measures (IMA measures an
 * inode once until it changes). On request a job also makes ToMToU and
 * open_writers violations, files with odd names, and ima-buf entries from
 * keys. It prints how many entries it caused at least, as "key value" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "keys.h"

/* Every this many files, one goes to --ima-owner and the next to --ima-ng-owner. */
#define OWNER_STRIDE 10

/* Odd names per job: space, newline, 0xff 0xfe, and two long paths. */
#define ODD_NAMES_PER_JOB 5

struct storm {
	const char *dir;
	uint64_t files;
	uint64_t jobs;
	uint64_t violations;	/* of each kind, over all jobs */
	uint64_t keys;		/* over all jobs */
	bool odd_names;
	const char *cert_path;
	void *cert;
	size_t cert_size;
	long ima_owner;		/* -1: unset */
	long ima_ng_owner;
};

/* The share of total that job gets when total is split over jobs. */
static uint64_t job_share(uint64_t total, uint64_t jobs, uint64_t job)
{
	return total / jobs + (job < total % jobs ? 1 : 0);
}

/* Format into a PATH_MAX buffer, or fail() if the result does not fit. */
static void format_path(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void format_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= PATH_MAX)
		fail("path from format \"%s\" exceeds PATH_MAX", fmt);
}

static void write_all(int fd, const void *buf, size_t len, const char *path)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("write to %s failed: %s", path, strerror(errno));
		p += n;
		len -= n;
	}
}

static void read_to_end(int fd, const char *path)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			fail("read from %s failed: %s", path, strerror(errno));
	}
}

static int open_or_fail(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		fail("open %s failed: %s", path, strerror(errno));
	return fd;
}

static void close_or_fail(int fd, const char *path)
{
	if (close(fd))
		fail("close %s failed: %s", path, strerror(errno));
}

/* Create path with distinct content, chown it if owner >= 0, read it once. */
static void create_and_read(const char *path, long owner)
{
	char content[256];
	int fd;

	snprintf(content, sizeof(content), "imatap storm file %s\n", path);
	fd = open_or_fail(path, O_WRONLY | O_CREAT | O_EXCL);
	write_all(fd, content, strlen(content), path);
	if (owner >= 0 && fchown(fd, owner, owner))
		fail("fchown %s to %ld failed: %s", path, owner, strerror(errno));
	close_or_fail(fd, path);

	fd = open_or_fail(path, O_RDONLY);
	read_to_end(fd, path);
	close_or_fail(fd, path);
}

/*
 * Open for read (measured, so IMA marks the inode), then for write while
 * the reader is open: a ToMToU violation. Adds 2 entries.
 */
static void make_tomtou(const char *path)
{
	int reader, writer;

	create_and_read(path, -1);
	reader = open_or_fail(path, O_RDONLY);
	writer = open_or_fail(path, O_WRONLY | O_APPEND);
	write_all(writer, "changed\n", 8, path);
	close_or_fail(writer, path);
	close_or_fail(reader, path);
}

/*
 * Open for write, then for read while the writer is open: an open_writers
 * violation and a measurement. Adds 2 entries.
 */
static void make_open_writers(const char *path)
{
	int reader, writer;

	writer = open_or_fail(path, O_WRONLY | O_CREAT | O_EXCL);
	write_all(writer, path, strlen(path), path);
	reader = open_or_fail(path, O_RDONLY);
	read_to_end(reader, path);
	close_or_fail(reader, path);
	close_or_fail(writer, path);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		fail("mkdir %s failed: %s", path, strerror(errno));
}

/*
 * Create directories below base until the path is at least length bytes
 * long, then a file there. Each component stays under NAME_MAX (255).
 */
static void create_long_path(const char *base, size_t length, const char *tag)
{
	char path[PATH_MAX];
	size_t len;

	format_path(path, "%s/long-%s", base, tag);
	make_dir(path);
	len = strlen(path);
	while (len + 1 + 200 + 40 < length) {
		path[len++] = '/';
		memset(path + len, 'd', 200);
		len += 200;
		path[len] = '\0';
		make_dir(path);
	}
	snprintf(path + len, sizeof(path) - len, "/file-%s-", tag);
	len = strlen(path);
	while (len < length)
		path[len++] = 'f';
	path[len] = '\0';
	create_and_read(path, -1);
}

static void create_odd_names(const char *jobdir, uint64_t job)
{
	char path[PATH_MAX], tag[32];

	format_path(path, "%s/name with spaces %" PRIu64, jobdir, job);
	create_and_read(path, -1);
	format_path(path, "%s/name with a\nnewline %" PRIu64, jobdir, job);
	create_and_read(path, -1);
	format_path(path, "%s/bytes \xff\xfe not UTF-8 %" PRIu64, jobdir, job);
	create_and_read(path, -1);
	/* Over 255 bytes: the "ima" template's n field falls back to the basename. */
	snprintf(tag, sizeof(tag), "300-%" PRIu64, job);
	create_long_path(jobdir, 300, tag);
	/* Over IMATAP_DATA_CHUNK_MAX (2048): the entry is sent in chunks. */
	snprintf(tag, sizeof(tag), "3000-%" PRIu64, job);
	create_long_path(jobdir, 3000, tag);
}

static void add_key_or_exit(const struct storm *s, uint64_t job, uint64_t i)
{
	char keyring[PATH_MAX];

	format_path(keyring, "imatap storm job %" PRIu64 " key %" PRIu64,
		 job, i);
	if (add_cert_in_new_keyring(keyring, s->cert, s->cert_size))
		exit(1);
}

static void make_violations(const char *jobdir, uint64_t i)
{
	char path[PATH_MAX];

	format_path(path, "%s/tomtou%07" PRIu64, jobdir, i);
	make_tomtou(path);
	format_path(path, "%s/writers%07" PRIu64, jobdir, i);
	make_open_writers(path);
}

static void run_job(const struct storm *s, uint64_t job)
{
	uint64_t files = job_share(s->files, s->jobs, job);
	uint64_t violations = job_share(s->violations, s->jobs, job);
	uint64_t keys = job_share(s->keys, s->jobs, job);
	/* Spread violations and keys evenly over the files. */
	uint64_t violation_stride = violations ? files / violations + 1 : 0;
	uint64_t key_stride = keys ? files / keys + 1 : 0;
	uint64_t violations_made = 0, keys_made = 0, i;
	char jobdir[PATH_MAX], path[PATH_MAX];

	format_path(jobdir, "%s/job%" PRIu64, s->dir, job);
	make_dir(jobdir);

	for (i = 0; i < files; i++) {
		long owner = -1;

		if (i % OWNER_STRIDE == 0)
			owner = s->ima_owner;
		else if (i % OWNER_STRIDE == 1)
			owner = s->ima_ng_owner;
		format_path(path, "%s/f%07" PRIu64, jobdir, i);
		create_and_read(path, owner);

		if (violations_made < violations && i % violation_stride == 0)
			make_violations(jobdir, violations_made++);
		if (keys_made < keys && i % key_stride == 0)
			add_key_or_exit(s, job, keys_made++);
	}
	while (violations_made < violations)
		make_violations(jobdir, violations_made++);
	while (keys_made < keys)
		add_key_or_exit(s, job, keys_made++);
	if (s->odd_names)
		create_odd_names(jobdir, job);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --dir DIR [OPTIONS]\n"
		"  --dir DIR            create the files below DIR (created if missing)\n"
		"  --files N            files to create and read, over all jobs (default 20000)\n"
		"  --jobs N             parallel processes (default 4)\n"
		"  --violations N       ToMToU and open_writers violations, N of each kind\n"
		"                       over all jobs (default 0)\n"
		"  --odd-names          each job also reads files named with spaces, a newline,\n"
		"                       bytes 0xff 0xfe, and paths of 300 and 3000 bytes\n"
		"  --cert FILE --keys N add a DER certificate to N new keyrings (ima-buf)\n"
		"  --ima-owner UID      chown every %dth file to UID before reading it\n"
		"  --ima-ng-owner UID   chown the file after each of those to UID\n"
		"Prints \"key value\" lines: the counts and expected_entries, the least\n"
		"number of entries the run adds to the measurement list.\n",
		prog_name, OWNER_STRIDE);
}

static int parse_options(int argc, char **argv, struct storm *s)
{
	static const struct option options[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "files", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "violations", required_argument, NULL, 'v' },
		{ "odd-names", no_argument, NULL, 'o' },
		{ "cert", required_argument, NULL, 'c' },
		{ "keys", required_argument, NULL, 'k' },
		{ "ima-owner", required_argument, NULL, 'i' },
		{ "ima-ng-owner", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t value;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			s->dir = optarg;
			break;
		case 'f':
			if (parse_u64_option("--files", optarg, &s->files))
				return -1;
			break;
		case 'j':
			if (parse_u64_option("--jobs", optarg, &s->jobs))
				return -1;
			break;
		case 'v':
			if (parse_u64_option("--violations", optarg, &s->violations))
				return -1;
			break;
		case 'o':
			s->odd_names = true;
			break;
		case 'c':
			s->cert_path = optarg;
			break;
		case 'k':
			if (parse_u64_option("--keys", optarg, &s->keys))
				return -1;
			break;
		case 'i':
		case 'n':
			if (parse_u64_option(opt == 'i' ? "--ima-owner" : "--ima-ng-owner",
					     optarg, &value))
				return -1;
			if (value > 65535) {
				report("owner %s is out of range 0 to 65535", optarg);
				return -1;
			}
			if (opt == 'i')
				s->ima_owner = value;
			else
				s->ima_ng_owner = value;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !s->dir) {
		usage(stderr);
		return -1;
	}
	if (s->jobs < 1 || s->jobs > 64) {
		report("--jobs %" PRIu64 " is out of range 1 to 64", s->jobs);
		return -1;
	}
	if (s->keys && !s->cert_path) {
		report("--keys needs --cert FILE");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.files = 20000,
		.jobs = 4,
		.ima_owner = -1,
		.ima_ng_owner = -1,
	};
	struct timespec start;
	uint64_t job, failed = 0, odd;

	prog_name = "imatap-storm";
	if (parse_options(argc, argv, &s))
		return 1;
	if (s.cert_path)
		s.cert = read_whole_file(s.cert_path, &s.cert_size);
	make_dir(s.dir);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (job = 0; job < s.jobs; job++) {
		pid_t pid = fork();

		if (pid < 0)
			fail("fork failed: %s", strerror(errno));
		if (pid == 0) {
			run_job(&s, job);
			exit(0);
		}
	}
	for (job = 0; job < s.jobs; job++) {
		int status;

		if (wait(&status) < 0)
			fail("wait failed: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	if (failed)
		fail("%" PRIu64 " of %" PRIu64 " jobs failed", failed, s.jobs);

	odd = s.odd_names ? ODD_NAMES_PER_JOB * s.jobs : 0;
	printf("files %" PRIu64 "\n", s.files);
	printf("odd_names %" PRIu64 "\n", odd);
	printf("tomtou %" PRIu64 "\n", s.violations);
	printf("open_writers %" PRIu64 "\n", s.violations);
	printf("keys %" PRIu64 "\n", s.keys);
	/* Each violation adds a violation entry and a measurement. */
	printf("expected_entries %" PRIu64 "\n",
	       s.files + odd + 4 * s.violations + s.keys);
	printf("seconds %.3f\n", seconds_since(&start));
	free(s.cert);
	return 0;
}
