// SPDX-License-Identifier: GPL-2.0
/*
 * imatap reference generate: hash a golden tree in parallel and write a
 * Keylime runtime policy.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "../lib/bank.h"
#include "../lib/binlog.h"
#include "../lib/fileio.h"
#include "../lib/refs.h"
#include "../lib/template.h"
#include "imatap.h"

#define JOBS_MAX	256
#define EXCLUDES_MAX	64

static void reference_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s reference generate [OPTIONS] DIR...\n"
		"\n"
		"Hash every regular file under each DIR (symbolic links are not followed)\n"
		"and write a Keylime runtime policy (version 1) mapping each path to its\n"
		"digest. The boot_aggregate and the ima-buf digests (keys on keyrings and\n"
		"critical data) are copied from the log of the golden boot, which is\n"
		"trusted. A progress bar is drawn when standard error is a terminal.\n"
		"\n"
		"  -o, --output FILE   write the policy to FILE (default: standard output)\n"
		"  --algo NAME         digest algorithm (sha1, sha256, sha384, sha512); default:\n"
		"                      the algorithm of the log's boot_aggregate, else sha256\n"
		"  --log LOG           the golden boot's log (default, when readable:\n"
		"                      %s)\n"
		"  --no-log            take nothing from a log\n"
		"  --root DIR          strip DIR from the paths written (a tree mounted\n"
		"                      elsewhere)\n"
		"  --exclude REGEX     skip paths matching REGEX (folders whose path with a\n"
		"                      trailing '/' matches are not entered) and write it\n"
		"                      to \"excludes\"\n"
		"  --one-file-system   stay on the file system of each DIR\n"
		"  -j, --jobs N        hashing threads (default: online CPUs, at most %d)\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit codes: 0 written, 1 some files could not be read (listed, left out),\n"
		"2 usage, 3 the log is malformed, 5 I/O, memory or OpenSSL failure.\n",
		imatap_prog, IMA_BINARY_LOG, JOBS_MAX);
}

struct file_list {
	char **paths;
	size_t count;
	size_t cap;
	uint8_t (*digests)[IMA_DIGEST_MAX];
	bool *failed;
};

struct generate {
	struct file_list files;
	const EVP_MD *md;
	size_t md_size;
	const char *algo;
	regex_t excludes[EXCLUDES_MAX];
	const char *exclude_src[EXCLUDES_MAX];
	size_t num_excludes;
	atomic_size_t next;
	atomic_size_t done;
	bool walk_failed;

	/* From the golden log. */
	bool have_boot_aggregate;
	uint8_t boot_aggregate[IMA_DIGEST_MAX];
	size_t boot_aggregate_len;
	char *log_algo;
	struct refs buffers;	/* its keyrings and ima_buf tables */
};

static struct generate *walk_state;	/* nftw() passes no context */

static bool excluded(const struct generate *g, const char *path)
{
	size_t i;

	for (i = 0; i < g->num_excludes; i++)
		if (regexec(&g->excludes[i], path, 0, NULL, 0) == 0)
			return true;
	return false;
}

/*
 * Whether a whole folder is excluded: an expression matches its path
 * with a trailing '/' ("/proc/.*" matches "/proc/"), so that the walk
 * never enters it.
 */
static bool excluded_dir(const struct generate *g, const char *path)
{
	char buf[PATH_MAX + 2];

	if (excluded(g, path))
		return true;
	snprintf(buf, sizeof(buf), "%s/", path);
	return excluded(g, buf);
}

static int walk_entry(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	struct file_list *l = &walk_state->files;

	(void)ftw;
	if (type == FTW_DNR || type == FTW_NS) {
		fprintf(stderr, "%s reference: cannot read %s: %s\n",
			imatap_prog, path, strerror(errno));
		walk_state->walk_failed = true;
		return FTW_CONTINUE;
	}
	if (type == FTW_D && excluded_dir(walk_state, path))
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F || !S_ISREG(st->st_mode) || excluded(walk_state, path))
		return FTW_CONTINUE;
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		char **grown = realloc(l->paths, cap * sizeof(*grown));

		if (!grown)
			return FTW_STOP;
		l->paths = grown;
		l->cap = cap;
	}
	l->paths[l->count] = strdup(path);
	if (!l->paths[l->count])
		return FTW_STOP;
	l->count++;
	return FTW_CONTINUE;
}

static bool hash_one(const struct generate *g, const char *path,
		     uint8_t *digest)
{
	static _Thread_local uint8_t buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok = fd >= 0 && ctx && EVP_DigestInit_ex(ctx, g->md, NULL);
	ssize_t n = 0;

	while (ok && (n = read(fd, buf, sizeof(buf))) > 0)
		ok = EVP_DigestUpdate(ctx, buf, (size_t)n);
	if (n < 0)
		ok = false;
	ok = ok && EVP_DigestFinal_ex(ctx, digest, NULL);
	if (!ok)
		fprintf(stderr, "%s reference: cannot hash %s: %s\n", imatap_prog,
			path, errno ? strerror(errno) : "OpenSSL failed");
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void *hash_worker(void *arg)
{
	struct generate *g = arg;
	size_t i;

	while ((i = atomic_fetch_add(&g->next, 1)) < g->files.count) {
		g->files.failed[i] = !hash_one(g, g->files.paths[i],
					       g->files.digests[i]);
		atomic_fetch_add(&g->done, 1);
	}
	return NULL;
}

static void draw_progress(size_t done, size_t total)
{
	const int width = 40;
	int filled = total ? (int)(done * (size_t)width / total) : width;

	fprintf(stderr, "\r[%.*s%*s] %zu/%zu files", filled,
		"########################################", width - filled, "",
		done, total);
}

static bool hash_all(struct generate *g, unsigned int jobs)
{
	pthread_t threads[JOBS_MAX];
	unsigned int started = 0, i;
	bool tty = isatty(STDERR_FILENO);

	g->files.digests = calloc(g->files.count + 1, sizeof(*g->files.digests));
	g->files.failed = calloc(g->files.count + 1, sizeof(*g->files.failed));
	if (!g->files.digests || !g->files.failed)
		return false;
	for (i = 0; i < jobs; i++)
		if (pthread_create(&threads[started], NULL, hash_worker, g) == 0)
			started++;
	if (!started)
		hash_worker(g);
	while (tty && atomic_load(&g->done) < g->files.count) {
		struct timespec delay = { 0, 100 * 1000 * 1000 };

		draw_progress(atomic_load(&g->done), g->files.count);
		nanosleep(&delay, NULL);
	}
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (tty) {
		draw_progress(g->files.count, g->files.count);
		fputc('\n', stderr);
	}
	return true;
}

/* Copy the boot_aggregate and ima-buf keys out of the golden log. */
static int read_golden_log(struct generate *g, const char *path,
			   bool required, struct ima_error *err)
{
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_file_digest fd;
	enum ima_read_status st;
	int rc = -1, in;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (!required)
			return -1;
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      path, strerror(errno));
		return IMATAP_EXIT_ERROR;
	}
	if (ima_binlog_open_fd(&log, in, false) < 0) {
		close(in);
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return IMATAP_EXIT_ERROR;
	}
	while ((st = ima_binlog_next(&log, &rec, err)) == IMA_READ_RECORD) {
		const uint8_t *name;
		size_t len;

		if (!ima_record_name(&rec, &name, &len) ||
		    !(ima_record_file_digest(&rec, IMA_FIELD_D_NG, &fd) ||
		      ima_record_file_digest(&rec, IMA_FIELD_D_NGV2, &fd)))
			continue;
		if (ima_record_field(&rec, IMA_FIELD_BUF)) {
			/*
			 * Kernel keyring names start with '.' or '_' (.ima,
			 * _ima, .builtin_trusted_keys); other ima-buf names
			 * are critical-data events such as kernel_version.
			 */
			bool keyring = len && (name[0] == '.' || name[0] == '_');
			struct refs_table *t = keyring ? &g->buffers.keyrings
						       : &g->buffers.ima_buf;

			if (!refs_table_add(t, (const char *)name, len, fd.value,
					    fd.len, false))
				st = IMA_READ_IO_ERROR;
			continue;
		}
		if (!g->have_boot_aggregate && len == 14 &&
		    memcmp(name, "boot_aggregate", 14) == 0) {
			g->have_boot_aggregate = true;
			memcpy(g->boot_aggregate, fd.value, fd.len);
			g->boot_aggregate_len = fd.len;
			g->log_algo = strndup(fd.algo, fd.algo_len);
		}
	}
	if (st == IMA_READ_MALFORMED)
		rc = IMATAP_EXIT_MALFORMED;
	else if (st == IMA_READ_IO_ERROR)
		rc = IMATAP_EXIT_ERROR;
	ima_binlog_close(&log);
	close(in);
	return rc;
}

/* A JSON string; bytes of 0x80 and above are written raw. */
static void json_path(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_digest(FILE *out, const uint8_t *d, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++)
		fprintf(out, "%02x", d[i]);
	fputc('"', out);
}

static int compare_index(const void *a, const void *b, void *arg)
{
	char **paths = arg;

	return strcmp(paths[*(const size_t *)a], paths[*(const size_t *)b]);
}

/* Write a table's names and digests as the members of a JSON object. */
static void write_digest_map(FILE *out, const struct refs_table *t)
{
	bool first = true;
	size_t i;

	for (i = 0; i < t->slot_count; i++) {
		const struct refs_slot *s = &t->slots[i];
		uint64_t node;
		bool first_digest = true;

		if (!s->key_off)
			continue;
		fprintf(out, "%s\n  \"%.*s\": [", first ? "" : ",",
			(int)s->key_len, (const char *)t->arena + s->key_off);
		first = false;
		memcpy(&node, t->arena + s->key_off - 8, 8);
		while (node) {
			fprintf(out, "%s\n   ", first_digest ? "" : ",");
			json_digest(out, t->arena + node + 9, t->arena[node + 8]);
			first_digest = false;
			memcpy(&node, t->arena + node, 8);
		}
		fprintf(out, "\n  ]");
	}
	if (!first)
		fprintf(out, "\n ");
}

static bool write_policy(FILE *out, struct generate *g, const char *root,
			 size_t *left_out)
{
	size_t *order = malloc((g->files.count + 1) * sizeof(*order));
	size_t i, root_len = root ? strlen(root) : 0;
	time_t now = time(NULL);
	char stamp[32];

	if (!order)
		return false;
	for (i = 0; i < g->files.count; i++)
		order[i] = i;
	qsort_r(order, g->files.count, sizeof(*order), compare_index,
		g->files.paths);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

	fprintf(out, "{\n \"meta\": {\n  \"version\": 1,\n  \"generator\": 0,\n"
		"  \"timestamp\": \"%s\"\n },\n \"release\": 0,\n \"digests\": {", stamp);
	*left_out = 0;
	for (i = 0; i < g->files.count; i++) {
		const char *path = g->files.paths[order[i]];

		if (g->files.failed[order[i]]) {
			(*left_out)++;
			continue;
		}
		if (root_len && strncmp(path, root, root_len) == 0)
			path += root_len;
		fprintf(out, "%s\n  ", i == *left_out ? "" : ",");
		json_path(out, path);
		fprintf(out, ": [\n   ");
		json_digest(out, g->files.digests[order[i]], g->md_size);
		fprintf(out, "\n  ]");
	}
	if (g->have_boot_aggregate) {
		fprintf(out, "%s\n  \"boot_aggregate\": [\n   ",
			g->files.count > *left_out ? "," : "");
		json_digest(out, g->boot_aggregate, g->boot_aggregate_len);
		fprintf(out, "\n  ]");
	}
	fprintf(out, "\n },\n \"excludes\": [");
	for (i = 0; i < g->num_excludes; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		json_path(out, g->exclude_src[i]);
	}
	fprintf(out, "%s],\n \"keyrings\": {", g->num_excludes ? "\n " : "");
	write_digest_map(out, &g->buffers.keyrings);
	fprintf(out, "},\n \"ima\": {\n  \"ignored_keyrings\": [],\n"
		"  \"log_hash_alg\": \"sha1\",\n  \"dm_policy\": null\n },\n"
		" \"ima-buf\": {");
	write_digest_map(out, &g->buffers.ima_buf);
	fprintf(out, "},\n \"verification-keys\": \"\"\n}\n");
	free(order);
	return true;
}

static void generate_free(struct generate *g)
{
	size_t i;

	for (i = 0; i < g->files.count; i++)
		free(g->files.paths[i]);
	free(g->files.paths);
	free(g->files.digests);
	free(g->files.failed);
	for (i = 0; i < g->num_excludes; i++)
		regfree(&g->excludes[i]);
	free(g->log_algo);
	refs_free(&g->buffers);
}

static int generate_run(struct generate *g, char **dirs, int num_dirs,
			const char *output, const char *root,
			unsigned int jobs, int walk_flags,
			struct ima_error *err)
{
	char *text = NULL;
	size_t text_len = 0, left_out = 0;
	FILE *out;
	int i;

	walk_state = g;
	for (i = 0; i < num_dirs; i++) {
		if (nftw(dirs[i], walk_entry, 64, walk_flags) == -1) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE, "walking %s failed: %s",
				      dirs[i], strerror(errno));
			return IMATAP_EXIT_ERROR;
		}
	}
	if (!hash_all(g, jobs)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return IMATAP_EXIT_ERROR;
	}
	out = open_memstream(&text, &text_len);
	if (!out || !write_policy(out, g, root, &left_out) || fclose(out) != 0) {
		free(text);
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return IMATAP_EXIT_ERROR;
	}
	if (!ima_write_file(output ? output : "-", text, text_len, err)) {
		free(text);
		return IMATAP_EXIT_ERROR;
	}
	free(text);
	fprintf(stderr, "%s reference: %zu files hashed with %s%s\n", imatap_prog,
		g->files.count - left_out, g->algo,
		g->have_boot_aggregate ? ", boot_aggregate from the log" : "");
	if (left_out || g->walk_failed) {
		fprintf(stderr, "%s reference: %zu files could not be read and are left out\n",
			imatap_prog, left_out);
		return IMATAP_EXIT_MISMATCH;
	}
	return IMATAP_EXIT_OK;
}

int cmd_reference(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "algo", required_argument, NULL, 'a' },
		{ "log", required_argument, NULL, 'l' },
		{ "no-log", no_argument, NULL, 'L' },
		{ "root", required_argument, NULL, 'r' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "one-file-system", no_argument, NULL, 'x' + 256 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct generate g = { 0 };
	const char *output = NULL, *algo = NULL, *log = IMA_BINARY_LOG;
	const char *root = NULL;
	bool log_required = false;
	int walk_flags = FTW_PHYS | FTW_ACTIONRETVAL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int jobs = ncpu > 0 ? (unsigned int)ncpu : 1;
	struct ima_error err = { "" };
	char *end;
	int opt, rc;

	refs_init(&g.buffers);
	while ((opt = getopt_long(argc, argv, "o:j:h", options, NULL)) != -1) {
		switch (opt) {
		case 'o': output = optarg; break;
		case 'x' + 256: walk_flags |= FTW_MOUNT; break;
		case 'a': algo = optarg; break;
		case 'l': log = optarg; log_required = true; break;
		case 'L': log = NULL; break;
		case 'r': root = optarg; break;
		case 'x':
			if (g.num_excludes == EXCLUDES_MAX ||
			    regcomp(&g.excludes[g.num_excludes], optarg,
				    REG_EXTENDED | REG_NOSUB) != 0) {
				fprintf(stderr, "%s reference: invalid or too many --exclude \"%s\": at most %d POSIX extended regular expressions\n",
					imatap_prog, optarg, EXCLUDES_MAX);
				rc = IMATAP_EXIT_USAGE;
				goto out;
			}
			g.exclude_src[g.num_excludes++] = optarg;
			break;
		case 'j':
			jobs = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || jobs == 0 || jobs > JOBS_MAX) {
				fprintf(stderr, "%s reference: invalid --jobs \"%s\": expected 1 to %d\n",
					imatap_prog, optarg, JOBS_MAX);
				rc = IMATAP_EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
			reference_usage(stdout);
			rc = IMATAP_EXIT_OK;
			goto out;
		default:
			reference_usage(stderr);
			rc = IMATAP_EXIT_USAGE;
			goto out;
		}
	}
	if (optind + 1 >= argc || strcmp(argv[optind], "generate") != 0) {
		reference_usage(stderr);
		rc = IMATAP_EXIT_USAGE;
		goto out;
	}
	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;

	if (log) {
		rc = read_golden_log(&g, log, log_required, &err);
		if (rc >= 0)
			goto fail;
	}
	if (algo)
		g.algo = algo;
	else if (g.log_algo)
		g.algo = g.log_algo;
	else
		g.algo = "sha256";
	g.md = EVP_get_digestbyname(g.algo);
	if (!g.md || !ima_bank_by_name(g.algo, strlen(g.algo))) {
		fprintf(stderr, "%s reference: unknown digest algorithm \"%s\": expected sha1, sha256, sha384 or sha512\n",
			imatap_prog, g.algo);
		rc = IMATAP_EXIT_USAGE;
		goto out;
	}
	g.md_size = (size_t)EVP_MD_get_size(g.md);
	rc = generate_run(&g, argv + optind + 1, argc - optind - 1, output, root,
			  jobs, walk_flags, &err);
	if (rc == IMATAP_EXIT_OK || rc == IMATAP_EXIT_MISMATCH)
		goto out;
fail:
	fprintf(stderr, "%s reference: %s\n", imatap_prog, err.msg);
out:
	generate_free(&g);
	return rc;
}
