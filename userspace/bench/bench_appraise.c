// SPDX-License-Identifier: GPL-2.0
/*
 * Appraisal benchmark. Write a runtime policy of N paths and a log of N
 * ima-ng entries of those paths, 1 in 1000 with a digest the policy does
 * not list. Then time `imatap appraise` on them, the policy load alone
 * (appraise of an empty log) and `imatap replay --no-reference --banks
 * sha256` of the same log. Each
 * figure is the median of BENCH_RUNS runs (default 3) of wall time and of
 * CPU time (user + system; wall time suffers when other jobs share the
 * CPUs) with the largest resident set size of the child, from wait4().
 * BENCH_KEEP=1 keeps the inputs and prints their folder.
 *
 * Usage: bench_appraise IMATAP [N]   (N defaults to 1,000,000)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

static void put_u32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static void path_of(char *out, size_t size, unsigned long i)
{
	snprintf(out, size, "/usr/lib/x86_64-linux-gnu/pkg%05lu/lib%lu.so.%lu",
		 i / 100, i, i % 7);
}

static void file_digest(unsigned long i, uint8_t *d)
{
	unsigned int len;

	EVP_Digest(&i, sizeof(i), d, &len, EVP_sha256(), NULL);
}

static int write_inputs(const char *dir, unsigned long n)
{
	char path[4096], name[256];
	uint8_t d[32], data[512], tdigest[20];
	FILE *pol, *log, *empty;
	unsigned long i;
	unsigned int j, len;

	snprintf(path, sizeof(path), "%s/policy.json", dir);
	pol = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/log.bin", dir);
	log = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/empty.bin", dir);
	empty = fopen(path, "w");
	if (!pol || !log || !empty)
		return -1;
	fclose(empty);

	fprintf(pol, "{\n \"meta\": {\n  \"version\": 1\n },\n \"digests\": {");
	for (i = 0; i < n; i++) {
		path_of(name, sizeof(name), i);
		file_digest(i, d);
		fprintf(pol, "%s\n  \"%s\": [\n   \"", i ? "," : "", name);
		for (j = 0; j < 32; j++)
			fprintf(pol, "%02x", d[j]);
		fprintf(pol, "\"\n  ]");

		/* The log entry: ima-ng with d-ng and n-ng. */
		if (i % 1000 == 999)
			d[0] ^= 1;
		len = 0;
		put_u32(log, 10);
		memcpy(data, "\x28\0\0\0sha256:", 11);	/* d-ng length 40 */
		data[11] = 0;
		memcpy(data + 12, d, 32);
		len = 44;
		j = (unsigned int)strlen(name) + 1;
		memcpy(data + len, &j, 4);
		memcpy(data + len + 4, name, j);
		len += 4 + j;
		EVP_Digest(data, len, tdigest, NULL, EVP_sha1(), NULL);
		fwrite(tdigest, 1, 20, log);
		put_u32(log, 6);
		fwrite("ima-ng", 1, 6, log);
		put_u32(log, len);
		fwrite(data, 1, len, log);
	}
	fprintf(pol, "\n },\n \"excludes\": [\n  \"/tmp/.*\"\n ]\n}\n");
	return fclose(pol) | fclose(log);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv; return the wall time and set *rss_kib and *cpu (seconds). */
static double run(char *const argv[], long *rss_kib, double *cpu)
{
	struct rusage ru;
	double t0;
	int status;
	pid_t pid;

	fflush(stdout);
	t0 = now();
	pid = fork();

	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("bench_appraise: running imatap");
		exit(1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		fprintf(stderr, "bench_appraise: %s %s exited with %d\n", argv[0],
			argv[1], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		exit(1);
	}
	*rss_kib = ru.ru_maxrss;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	return now() - t0;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median wall and CPU (user + system) time, and the largest RSS. */
static void timed(const char *label, char *const argv[], int runs,
		  double *median_cpu, long *rss)
{
	double t[16], c[16];
	long r;
	int i;

	*rss = 0;
	for (i = 0; i < runs; i++) {
		t[i] = run(argv, &r, &c[i]);
		if (r > *rss)
			*rss = r;
	}
	qsort(t, (size_t)runs, sizeof(t[0]), compare);
	qsort(c, (size_t)runs, sizeof(c[0]), compare);
	*median_cpu = c[runs / 2];
	printf("%-26s wall %7.3f s  cpu %7.3f s  max RSS %7.1f MiB\n", label,
	       t[runs / 2], c[runs / 2], (double)*rss / 1024);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	const char *env = getenv("BENCH_RUNS");
	int runs = env ? atoi(env) : 3;
	char dir[] = "/tmp/imatap-bench-appraise-XXXXXX";
	char policy[256], log[256], empty[256], cmd[512];
	double t_appraise, t_load, t_replay;
	long rss_appraise, rss_load, rss_replay;
	struct stat st;

	if (argc < 2 || runs < 1 || runs > 16) {
		fprintf(stderr, "usage: bench_appraise IMATAP [N]; BENCH_RUNS 1-16\n");
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("bench_appraise: mkdtemp");
		return 1;
	}
	if (write_inputs(dir, n) != 0) {
		fprintf(stderr, "bench_appraise: writing the inputs to %s failed: %s\n",
			dir, strerror(errno));
		return 1;
	}
	snprintf(policy, sizeof(policy), "%s/policy.json", dir);
	snprintf(log, sizeof(log), "%s/log.bin", dir);
	snprintf(empty, sizeof(empty), "%s/empty.bin", dir);
	stat(policy, &st);
	printf("appraise: %lu entries, policy of %lu paths, %.1f MiB\n", n, n,
	       (double)st.st_size / (1 << 20));
	{
		char *appraise[] = { argv[1], "appraise", "--reference", policy, log, NULL };
		char *load[] = { argv[1], "appraise", "--reference", policy, empty, NULL };
		char *replay[] = { argv[1], "replay", "--no-reference",
				   "--banks", "sha256", log, NULL };

		timed("appraise (load + judge)", appraise, runs, &t_appraise, &rss_appraise);
		timed("policy load (empty log)", load, runs, &t_load, &rss_load);
		timed("replay of the same log", replay, runs, &t_replay, &rss_replay);
	}
	printf("cpu time: policy load %.3f s, judging the entries %.3f s, replay %.3f s\n",
	       t_load, t_appraise - t_load, t_replay);
	printf("peak memory / policy size: %.2f\n",
	       (double)rss_appraise * 1024 / (double)st.st_size);
	if (getenv("BENCH_KEEP")) {
		printf("inputs kept in %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
