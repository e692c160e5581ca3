// SPDX-License-Identifier: GPL-2.0
/*
 * imatap journal verify: check a daemon journal record by record, each
 * chain as one unbroken chain of verified batches, and the last chain
 * against the log.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../lib/binlog.h"
#include "../lib/fileio.h"
#include "../lib/journal.h"
#include "imatap.h"

/* Largest log read with --log. */
#define LOG_MAX		(1U << 30)

static void journal_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s journal verify DIR [--ak KEY] [--log FILE] [--max-waiting N]\n"
		"\n"
		"Check the records of an imatap daemon journal. Records of one chain\n"
		"(one boot) must each verify with their nonce and the attestation key,\n"
		"carry an appraisal result, start at entry 0 for the first and where the\n"
		"previous ended for every other. With --log, the last chain must hold\n"
		"the log's entries from index 0 on, byte for byte; entries after it are\n"
		"waiting for the next batch. Prints one line per record, then a summary.\n"
		"\n"
		"  --ak KEY         attestation key, TPM2B_PUBLIC or PEM (default DIR/ak.pub)\n"
		"  --log FILE       binary_runtime_measurements of the boot of the last chain\n"
		"  --max-waiting N  fail when more than N entries of --log are not in a batch\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit codes: 0 every check passed, 1 a check failed, 2 usage, 5 I/O failure.\n",
		imatap_prog);
}

/* State of the comparison of the last chain with --log. */
struct log_compare {
	const uint8_t *data;
	size_t len;
	size_t offset;		/* bytes of the log matched so far */
	bool mismatch;
	char why[300];
};

struct walk_state {
	unsigned int chain;
	bool last_chain;
	struct log_compare *log;
};

static void print_status(const struct journal_record *rec)
{
	json_object *obj = json_tokener_parse(rec->appraisal);
	json_object *status = NULL;

	json_object_object_get_ex(obj, "status", &status);
	printf(" appraisal %s", status ? json_object_get_string(status) : "?");
	json_object_put(obj);
}

static bool print_record(const struct journal_record *rec,
			 const struct verify_result *res, void *arg,
			 struct ima_error *err)
{
	struct walk_state *st = arg;
	const struct evidence_batch *b = &rec->ev.batch;
	struct log_compare *log = st->log;
	char name[JOURNAL_NAME_SIZE];

	(void)res;
	(void)err;
	journal_record_name(name, st->chain, b->first_index);
	printf("ok %s entries %llu-%llu (%llu)", name,
	       (unsigned long long)b->first_index,
	       (unsigned long long)(b->first_index + b->entries - 1),
	       (unsigned long long)b->entries);
	print_status(rec);
	printf(", %s\n", b->time);

	if (!st->last_chain || !log || log->mismatch)
		return true;
	if (b->big_endian) {
		log->mismatch = true;
		snprintf(log->why, sizeof(log->why),
			 "the batch from entry %llu holds big-endian records; --log compares little-endian ones",
			 (unsigned long long)b->first_index);
	} else if (rec->ev.log_len > log->len - log->offset ||
		   memcmp(log->data + log->offset, rec->ev.log,
			  rec->ev.log_len) != 0) {
		log->mismatch = true;
		snprintf(log->why, sizeof(log->why),
			 "the entries %llu-%llu of the batch differ from the log's at byte %zu",
			 (unsigned long long)b->first_index,
			 (unsigned long long)(b->first_index + b->entries - 1),
			 log->offset);
	} else {
		log->offset += rec->ev.log_len;
	}
	return true;
}

/* Entries of the log after offset, or -1 if they are not whole records. */
static long long count_waiting(const struct log_compare *log,
			       struct ima_error *err)
{
	struct ima_binlog reader;
	struct ima_record rec;
	enum ima_read_status st;
	long long n = 0;

	ima_binlog_open_mem(&reader, log->data + log->offset,
			    log->len - log->offset, false);
	while ((st = ima_binlog_next(&reader, &rec, err)) == IMA_READ_RECORD)
		n++;
	ima_binlog_close(&reader);
	return st == IMA_READ_END ? n : -1;
}

struct journal_args {
	const char *dir;
	const char *ak;
	const char *log;
	long long max_waiting;	/* -1: no limit */
};

static int parse_args(int argc, char **argv, struct journal_args *args)
{
	static const struct option options[] = {
		{ "ak", required_argument, NULL, 'a' },
		{ "log", required_argument, NULL, 'l' },
		{ "max-waiting", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	args->max_waiting = -1;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		journal_usage(stdout);
		return IMATAP_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		if (argc >= 2)
			fprintf(stderr, "%s journal: unknown action \"%s\"; the action is verify\n",
				imatap_prog, argv[1]);
		journal_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'a':
			args->ak = optarg;
			break;
		case 'l':
			args->log = optarg;
			break;
		case 'm':
			args->max_waiting = strtoll(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end) {
				fprintf(stderr, "%s journal: invalid --max-waiting \"%s\": expected a number of entries\n",
					imatap_prog, optarg);
				return IMATAP_EXIT_USAGE;
			}
			break;
		case 'h':
			journal_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			journal_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		journal_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	args->dir = argv[optind];
	return -1;
}

/* Walk every chain; returns an exit code. */
static int verify_chains(int dirfd, const struct journal_listing *l,
			 const struct ak_key *ak, struct log_compare *log,
			 size_t *chains)
{
	struct walk_state st = { .log = log };
	struct journal_walk walk;
	struct ima_error err;
	size_t begin, end;

	for (begin = 0; begin < l->count; begin = end) {
		journal_chain_bounds(l, begin, &end);
		st.last_chain = end == l->count;
		st.chain = l->records[begin].chain;
		printf("chain %u: %zu records\n", l->records[begin].chain,
		       end - begin);
		if (!journal_walk_chain(dirfd, l, begin, end, ak, print_record,
					&st, &walk, &err)) {
			fprintf(stderr, "%s journal: %s\n", imatap_prog, err.msg);
			return IMATAP_EXIT_ERROR;
		}
		if (walk.failed) {
			printf("not ok %s\n", l->records[begin + walk.good].name);
			fprintf(stderr, "%s journal: chain %u: %s\n", imatap_prog,
				l->records[begin].chain, walk.why.msg);
			journal_walk_free(&walk);
			return IMATAP_EXIT_MISMATCH;
		}
		journal_walk_free(&walk);
		(*chains)++;
	}
	return IMATAP_EXIT_OK;
}

int cmd_journal(int argc, char **argv)
{
	struct journal_args args = { 0 };
	struct journal_listing l = { 0 };
	struct log_compare log = { 0 };
	struct ak_key ak = { 0 };
	struct ima_error err;
	uint8_t *log_data = NULL;
	char *ak_path = NULL;
	size_t chains = 0;
	long long waiting;
	int rc, dirfd = -1;

	rc = parse_args(argc, argv, &args);
	if (rc >= 0)
		return rc;
	rc = IMATAP_EXIT_ERROR;
	dirfd = open(args.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "%s journal: cannot open %s: %m\n", imatap_prog,
			args.dir);
		goto out;
	}
	if (!args.ak && asprintf(&ak_path, "%s/ak.pub", args.dir) < 0) {
		ak_path = NULL;
		goto out;
	}
	if (!ak_key_load(&ak, args.ak ? args.ak : ak_path, &err) ||
	    !journal_list(dirfd, false, &l, &err) ||
	    (args.log && !ima_read_file(args.log, LOG_MAX, &log_data, &log.len,
					&err))) {
		fprintf(stderr, "%s journal: %s\n", imatap_prog, err.msg);
		goto out;
	}
	log.data = log_data;
	if (l.temp_files)
		printf("# %u temporary files left by an interrupted write are not records\n",
		       l.temp_files);
	if (l.unknown)
		printf("# %u files are not records, such as %s\n", l.unknown,
		       l.first_unknown);
	if (!l.count) {
		fprintf(stderr, "%s journal: %s contains no record\n", imatap_prog,
			args.dir);
		rc = IMATAP_EXIT_MISMATCH;
		goto out;
	}

	rc = verify_chains(dirfd, &l, &ak, args.log ? &log : NULL, &chains);
	if (rc != IMATAP_EXIT_OK)
		goto out;
	if (args.log) {
		waiting = log.mismatch ? -1 : count_waiting(&log, &err);
		if (log.mismatch || waiting < 0) {
			fprintf(stderr, "%s journal: the last chain does not cover %s: %s\n",
				imatap_prog, args.log,
				log.mismatch ? log.why : err.msg);
			rc = IMATAP_EXIT_MISMATCH;
			goto out;
		}
		printf("log %s: the last chain covers its first %zu bytes; %lld entries wait\n",
		       args.log, log.offset, waiting);
		if (args.max_waiting >= 0 && waiting > args.max_waiting) {
			fprintf(stderr, "%s journal: %lld entries of %s are in no batch, more than --max-waiting %lld\n",
				imatap_prog, waiting, args.log, args.max_waiting);
			rc = IMATAP_EXIT_MISMATCH;
			goto out;
		}
	}
	printf("verified: %zu records in %zu chains\n", l.count, chains);
	rc = IMATAP_EXIT_OK;
out:
	free(ak_path);
	free(log_data);
	ak_key_free(&ak);
	journal_listing_free(&l);
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}
