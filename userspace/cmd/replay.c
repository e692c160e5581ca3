// SPDX-License-Identifier: GPL-2.0
/* imatap replay: verify template digests and replay PCR banks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/binlog.h"
#include "../lib/replay.h"
#include "../lib/view.h"
#include "imatap.h"

enum pcr_source { SOURCE_TPM, SOURCE_FILES, SOURCE_NONE };

struct replay_options {
	enum pcr_source source;
	const char *tpm_dir;
	bool big_endian;
	unsigned int bank_mask;		/* 0: choose from the reference */
	const char *path;
};

static void replay_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s replay [--tpm | --pcrs [ALG,]FILE ... | --no-reference]\n"
		"                     [--banks LIST] [--big-endian] [FILE|-]\n"
		"\n"
		"Recompute the template digest of every record of a binary IMA\n"
		"measurement list (default " IMA_BINARY_LOG ")\n"
		"and replay every PCR it extends in each bank. After every record\n"
		"each bank is compared with the reference values; the report gives\n"
		"the record after which each bank matched, because the log may run\n"
		"ahead of PCRs read before it. Non-SHA-1 banks are replayed both with\n"
		"native digests (Linux 5.8 and later) and with zero-padded SHA-1\n"
		"digests (older kernels); the report names the style that matched.\n"
		"\n"
		"  --tpm              read PCRs 0-23 of every bank from\n"
		"                     " TPM_SYSFS_DIR "/pcr-<alg>/<n> (default)\n"
		"  --tpm-dir DIR      same, from DIR instead of " TPM_SYSFS_DIR "\n"
		"  --pcrs [ALG,]FILE  read reference values from FILE, in lines\n"
		"                     'PCR10-sha256: HEX' or, with ALG given,\n"
		"                     'PCR-10: HEX' (the evmctl form); repeatable\n"
		"  --no-reference     compare nothing; print the replayed PCRs\n"
		"  --banks LIST       replay these banks (comma-separated: sha1,\n"
		"                     sha256, sha384, sha512, sm3); default: the banks\n"
		"                     with reference values, or all with --no-reference\n"
		"  --big-endian       read a log written by a big-endian kernel\n"
		"                     without ima_canonical_fmt\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit codes: 0 all template digests verified and every bank matched,\n"
		"1 mismatch, 2 invalid command line or PCR file, 3 malformed log, 4 the\n"
		"log ends in an incomplete record (complete records passed), 5 I/O,\n"
		"memory or OpenSSL error.\n",
		imatap_prog);
}

static bool parse_banks(const char *list, unsigned int *mask)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		const struct ima_bank_info *bank = ima_bank_by_name(p, len);

		if (!bank) {
			fprintf(stderr, "%s replay: unknown bank \"%.*s\" in --banks; known are sha1, sha256, sha384, sha512, sm3\n",
				imatap_prog, (int)len, p);
			return false;
		}
		*mask |= 1U << ima_bank_index(bank);
		p += len + (p[len] == ',');
	}
	return *mask != 0;
}

/* --pcrs ALG,FILE or --pcrs FILE; a FILE holding a comma needs ALG. */
static bool read_pcrs_option(struct ima_pcr_set *set, const char *arg)
{
	const struct ima_bank_info *bank = NULL;
	const char *comma = strchr(arg, ',');
	struct ima_error err;

	if (comma) {
		bank = ima_bank_by_name(arg, (size_t)(comma - arg));
		if (bank)
			arg = comma + 1;
	}
	if (!ima_pcrs_read_file(set, arg, bank, &err)) {
		fprintf(stderr, "%s replay: %s\n", imatap_prog, err.msg);
		return false;
	}
	return true;
}

static int parse_options(int argc, char **argv, struct replay_options *o,
			 struct ima_pcr_set *reference)
{
	static const struct option options[] = {
		{ "tpm", no_argument, NULL, 't' },
		{ "tpm-dir", required_argument, NULL, 'T' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "no-reference", no_argument, NULL, 'n' },
		{ "banks", required_argument, NULL, 'b' },
		{ "big-endian", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool tpm = false, files = false, none = false;
	int opt;

	o->tpm_dir = TPM_SYSFS_DIR;
	o->path = IMA_BINARY_LOG;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			tpm = true;
			break;
		case 'T':
			tpm = true;
			o->tpm_dir = optarg;
			break;
		case 'p':
			files = true;
			if (!read_pcrs_option(reference, optarg))
				return IMATAP_EXIT_USAGE;
			break;
		case 'n':
			none = true;
			break;
		case 'b':
			if (!parse_banks(optarg, &o->bank_mask))
				return IMATAP_EXIT_USAGE;
			break;
		case 'B':
			o->big_endian = true;
			break;
		case 'h':
			replay_usage(stdout);
			return -1;
		default:
			replay_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (tpm + files + none > 1) {
		fprintf(stderr, "%s replay: give only one of --tpm, --pcrs and --no-reference\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "%s replay: expected at most one FILE\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	if (optind < argc)
		o->path = argv[optind];
	o->source = SOURCE_TPM;
	if (files)
		o->source = SOURCE_FILES;
	else if (none)
		o->source = SOURCE_NONE;
	return IMATAP_EXIT_OK;
}

static void print_pcr_list(uint64_t mask)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < IMA_PCR_COUNT; i++) {
		if (mask & (1ULL << i)) {
			printf("%s%u", sep, i);
			sep = ",";
		}
	}
	if (!*sep)
		printf("none");
}

static void print_failures(const struct ima_replay *r)
{
	uint64_t i;

	for (i = 0; i < r->failed && i < IMA_FAILURES_KEPT; i++) {
		const struct ima_digest_failure *f = &r->failures[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(f->tpm_alg);

		printf("record %llu at byte %llu: %s template digest mismatch: logged ",
		       (unsigned long long)f->index,
		       (unsigned long long)f->offset,
		       bank ? bank->name : "unknown");
		ima_write_hex(stdout, f->logged, f->len);
		printf(", computed ");
		ima_write_hex(stdout, f->computed, f->len);
		printf("\n");
	}
	if (r->failed > IMA_FAILURES_KEPT)
		printf("... and %llu more template digest mismatches\n",
		       (unsigned long long)(r->failed - IMA_FAILURES_KEPT));
}

/* Explain why a compared bank did not match. */
static void print_bank_mismatch(const struct ima_replay *r,
				const struct ima_replay_bank *b)
{
	unsigned int bank = ima_bank_index(b->info), p;

	if (b->missing_pcr >= 0) {
		printf("bank %s: mismatch: the log extends PCR %d, which has no reference value\n",
		       b->info->name, b->missing_pcr);
		return;
	}
	printf("bank %s: mismatch: no record brings the PCRs to the reference values\n",
	       b->info->name);
	for (p = 0; p < TPM_PCR_COUNT; p++) {
		if (!(r->extended & (1ULL << p)))
			continue;
		printf("  PCR %u: replayed ", p);
		ima_write_hex(stdout, b->chain[IMA_STYLE_NATIVE].pcr[p],
			      b->info->size);
		printf(", reference ");
		ima_write_hex(stdout, r->reference->value[bank][p],
			      b->info->size);
		printf("\n");
	}
}

static void print_bank_values(const struct ima_replay *r,
			      const struct ima_replay_bank *b)
{
	unsigned int p, s;

	for (s = 0; s < IMA_STYLE_COUNT; s++) {
		if (s == IMA_STYLE_PADDED_SHA1 &&
		    b->info->tpm_alg == TPM_ALG_SHA1)
			break;
		for (p = 0; p < IMA_PCR_COUNT; p++) {
			if (!(r->extended & (1ULL << p)))
				continue;
			printf("PCR%02u-%s%s: ", p, b->info->name,
			       s == IMA_STYLE_PADDED_SHA1 ?
			       " (padded SHA-1)" : "");
			ima_write_hex(stdout, b->chain[s].pcr[p], b->info->size);
			printf("\n");
		}
	}
}

/* Print the report; returns whether every compared bank matched. */
static bool print_report(const struct ima_replay *r, const char *path)
{
	enum ima_extend_style seen = IMA_STYLE_COUNT;
	bool all_matched = true;
	unsigned int i;

	printf("%s: %llu records, %llu violations, PCRs ", path,
	       (unsigned long long)r->records,
	       (unsigned long long)r->violations);
	print_pcr_list(r->extended);
	printf("\ntemplate digests: %llu verified, %llu mismatched\n",
	       (unsigned long long)r->verified,
	       (unsigned long long)r->failed);
	print_failures(r);

	for (i = 0; i < r->num_banks; i++) {
		const struct ima_replay_bank *b = &r->banks[i];
		enum ima_extend_style style;
		uint64_t after;

		if (!b->compare) {
			printf("bank %s: no reference values; replayed:\n",
			       b->info->name);
			print_bank_values(r, b);
			continue;
		}
		style = ima_replay_matched_style(r, i);
		if (style == IMA_STYLE_COUNT) {
			all_matched = false;
			print_bank_mismatch(r, b);
			continue;
		}
		after = b->chain[style].matched_after;
		printf("bank %s: match after record %llu", b->info->name,
		       (unsigned long long)after);
		if (after + 1 < r->records)
			printf(" (the log runs %llu record%s ahead)",
			       (unsigned long long)(r->records - after - 1),
			       r->records - after - 1 == 1 ? "" : "s");
		if (b->info->tpm_alg != TPM_ALG_SHA1)
			printf(", %s", style == IMA_STYLE_NATIVE ?
			       "native digests (Linux 5.8 and later)" :
			       "zero-padded SHA-1 digests (before Linux 5.8)");
		printf("\n");
		if (b->info->tpm_alg == TPM_ALG_SHA1)
			continue;
		if (seen != IMA_STYLE_COUNT && seen != style) {
			printf("banks matched with different extend styles; one kernel uses one\n");
			all_matched = false;
		}
		seen = style;
	}
	return all_matched;
}

/*
 * The offset to read fd again from, or -1 if fd is not a regular file
 * or lseek() fails on it, as on a pipe. The securityfs files, the default
 * binary_runtime_measurements among them, are regular files, and their
 * seq_file lseek() rewinds to offset 0.
 */
static off_t rewind_offset(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	return lseek(fd, 0, SEEK_CUR);
}

/*
 * Reset r to replay both extend styles and rewind fd to start, after a
 * replay without the padded SHA-1 chain left a bank unmatched. The second
 * replay keeps nothing of the first, so its report describes one read of
 * the log even if the file changed in between.
 */
static bool prepare_second_pass(struct ima_replay *r, unsigned int mask,
			 const struct ima_pcr_set *reference, int fd,
			 off_t start, const char *path)
{
	struct ima_error err;

	ima_replay_free(r);
	if (!ima_replay_init(r, mask, reference, &err)) {
		fprintf(stderr, "%s replay: %s\n", imatap_prog, err.msg);
		return false;
	}
	if (lseek(fd, start, SEEK_SET) != start) {
		fprintf(stderr, "%s replay: %s: seeking back to read the log again failed: %s\n",
			imatap_prog, path, strerror(errno));
		return false;
	}
	return true;
}

static int run_replay(const struct replay_options *o,
		      const struct ima_pcr_set *reference)
{
	struct ima_replay *r = calloc(1, sizeof(*r));
	struct ima_binlog log;
	struct ima_error err;
	enum ima_read_status st = IMA_READ_IO_ERROR;
	unsigned int mask = o->bank_mask;
	int fd = -1, rc = IMATAP_EXIT_ERROR;
	bool matched;
	off_t start;

	if (!r) {
		fprintf(stderr, "%s replay: out of memory\n", imatap_prog);
		return IMATAP_EXIT_ERROR;
	}
	if (!mask)
		mask = reference ? ima_pcr_set_banks(reference) :
				   (1U << IMA_BANK_COUNT) - 1;
	if (!ima_replay_init(r, mask, reference, &err)) {
		fprintf(stderr, "%s replay: %s\n", imatap_prog, err.msg);
		goto out;
	}
	fd = imatap_open_log(o->path);
	if (fd < 0)
		goto out;

	/*
	 * Only logs of kernels before 5.8 match the padded SHA-1 chain, which
	 * costs an extend per record in every bank other than SHA-1. A log
	 * that can be read again is first replayed without it, and a second
	 * time with it only if a bank with reference values did not match
	 * natively. A pipe is read once, with both chains.
	 */
	start = rewind_offset(fd);
	if (start >= 0)
		ima_replay_skip_padded(r);
	for (;;) {
		if (ima_binlog_open_fd(&log, fd, o->big_endian) < 0) {
			fprintf(stderr, "%s replay: out of memory\n",
				imatap_prog);
			goto out;
		}
		st = ima_replay_log(r, &log, &err);
		ima_binlog_close(&log);
		if (start < 0 || !ima_replay_needs_padded(r) ||
		    (st != IMA_READ_END && st != IMA_READ_INCOMPLETE))
			break;
		if (!prepare_second_pass(r, mask, reference, fd, start, o->path))
			goto out;
		start = -1;
	}
	if (st != IMA_READ_END && st != IMA_READ_INCOMPLETE) {
		fprintf(stderr, "%s replay: %s: %s\n", imatap_prog, o->path,
			err.msg);
		rc = st == IMA_READ_MALFORMED ? IMATAP_EXIT_MALFORMED :
						IMATAP_EXIT_ERROR;
		goto out;
	}

	matched = print_report(r, o->path);
	if (st == IMA_READ_INCOMPLETE)
		fprintf(stderr, "%s replay: %s: %s\n", imatap_prog, o->path,
			err.msg);
	if (r->failed || !matched)
		rc = IMATAP_EXIT_MISMATCH;
	else if (st == IMA_READ_INCOMPLETE)
		rc = IMATAP_EXIT_INCOMPLETE;
	else
		rc = IMATAP_EXIT_OK;
	if (fflush(stdout) != 0)
		rc = IMATAP_EXIT_ERROR;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	ima_replay_free(r);
	free(r);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	struct ima_pcr_set *reference = calloc(1, sizeof(*reference));
	struct replay_options o = { 0 };
	struct ima_error err;
	int rc;

	if (!reference) {
		fprintf(stderr, "%s replay: out of memory\n", imatap_prog);
		return IMATAP_EXIT_ERROR;
	}
	rc = parse_options(argc, argv, &o, reference);
	if (rc != IMATAP_EXIT_OK) {
		rc = rc < 0 ? IMATAP_EXIT_OK : rc;
		goto out;
	}
	if (o.source == SOURCE_TPM &&
	    !ima_pcrs_read_sysfs(reference, o.tpm_dir, &err)) {
		fprintf(stderr, "%s replay: %s\n", imatap_prog, err.msg);
		rc = IMATAP_EXIT_ERROR;
		goto out;
	}
	rc = run_replay(&o, o.source == SOURCE_NONE ? NULL : reference);
out:
	free(reference);
	return rc;
}
