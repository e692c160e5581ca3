// SPDX-License-Identifier: GPL-2.0
/*
 * imatap appraise: judge every entry of a measurement list, from a file,
 * from evidence or from the running kernel, against reference values.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "../lib/appraise.h"
#include "../lib/appraise_report.h"
#include "../lib/binlog.h"
#include "../lib/ear.h"
#include "../lib/fileio.h"
#include "../lib/hex.h"
#include "../lib/jws.h"
#include "../lib/refset.h"
#include "../lib/verify.h"
#include "imatap.h"

#define NONCE_MAX	64
#define LIST_MAX	64	/* --reference, --exclude or --key options */

static void appraise_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s appraise --reference FILE... [OPTIONS] [LOG | EVIDENCE | --live]\n"
		"\n"
		"Judge every entry of an IMA measurement list against reference values and\n"
		"report failing entries first, then the controls of a benchmark set. With\n"
		"EVIDENCE from imatap quote the evidence is verified first; if a check fails\n"
		"every claim is 99 (cryptographic validation failed).\n"
		"\n"
		"  --reference FILE    a Keylime runtime policy (JSON) or a sha256sum allowlist;\n"
		"                      repeat to combine\n"
		"  --exclude FILE      an exclude file: one POSIX extended regular expression a\n"
		"                      line, matched from the start of the path\n"
		"  --set FILE          a benchmark set; its runtime policy is loaded too\n"
		"  --key FILE          a PEM public key or certificate for ima-sig signatures\n"
		"  --violations MODE   fail (default): a violation is contraindicated; warn: it\n"
		"                      is a warning\n"
		"  --ak KEY            the attestation key that verifies EVIDENCE (required\n"
		"                      with EVIDENCE)\n"
		"  --nonce HEX         the nonce the quote must carry; also the EAR's eat_nonce\n"
		"  --previous EVIDENCE the batch before EVIDENCE, whose chain it continues;\n"
		"                      without it EVIDENCE must start at entry 0\n"
		"  --live              read %s\n"
		"  --format FORMAT     text (default) or json: the posture summary\n"
		"  --ear FILE          write the EAR attestation result as a JWS to FILE\n"
		"  --ear-key KEY       the P-256 private key (PEM) that signs the EAR\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit codes: 0 affirming, 1 warning or contraindicated, 2 usage, 3 a malformed\n"
		"reference file, log or evidence, 4 the log ends inside a record, 5 I/O,\n"
		"memory or OpenSSL failure.\n",
		imatap_prog, IMA_BINARY_LOG);
}

struct appraise_args {
	const char *refs[LIST_MAX];
	size_t num_refs;
	const char *excludes[LIST_MAX];
	size_t num_excludes;
	const char *keys[LIST_MAX];
	size_t num_keys;
	const char *set;
	const char *ak;
	const char *previous;
	const char *input;
	const char *ear;
	const char *ear_key;
	bool live;
	bool json;
	bool violations_warn;
	uint8_t nonce[NONCE_MAX];
	size_t nonce_len;
};

static bool add_path(const char **list, size_t *count, const char *path)
{
	if (*count == LIST_MAX) {
		fprintf(stderr, "%s appraise: too many files: at most %d each of --reference, --exclude and --key\n",
			imatap_prog, LIST_MAX);
		return false;
	}
	list[(*count)++] = path;
	return true;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct appraise_args *args)
{
	static const struct option options[] = {
		{ "reference", required_argument, NULL, 'r' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "set", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "violations", required_argument, NULL, 'v' },
		{ "ak", required_argument, NULL, 'a' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "previous", required_argument, NULL, 'p' },
		{ "live", no_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "ear", required_argument, NULL, 'e' },
		{ "ear-key", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!add_path(args->refs, &args->num_refs, optarg))
				return IMATAP_EXIT_USAGE;
			break;
		case 'x':
			if (!add_path(args->excludes, &args->num_excludes, optarg))
				return IMATAP_EXIT_USAGE;
			break;
		case 'k':
			if (!add_path(args->keys, &args->num_keys, optarg))
				return IMATAP_EXIT_USAGE;
			break;
		case 's':
			args->set = optarg;
			break;
		case 'v':
			if (strcmp(optarg, "fail") != 0 && strcmp(optarg, "warn") != 0) {
				fprintf(stderr, "%s appraise: invalid --violations \"%s\": expected fail or warn\n",
					imatap_prog, optarg);
				return IMATAP_EXIT_USAGE;
			}
			args->violations_warn = strcmp(optarg, "warn") == 0;
			break;
		case 'a':
			args->ak = optarg;
			break;
		case 'n':
			if (!hex_decode(optarg, args->nonce, sizeof(args->nonce),
					&args->nonce_len) || args->nonce_len == 0) {
				fprintf(stderr, "%s appraise: invalid nonce \"%s\": expected 2 to %d hex digits\n",
					imatap_prog, optarg, 2 * NONCE_MAX);
				return IMATAP_EXIT_USAGE;
			}
			break;
		case 'p':
			args->previous = optarg;
			break;
		case 'l':
			args->live = true;
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				fprintf(stderr, "%s appraise: invalid --format \"%s\": expected text or json\n",
					imatap_prog, optarg);
				return IMATAP_EXIT_USAGE;
			}
			args->json = strcmp(optarg, "json") == 0;
			break;
		case 'e':
			args->ear = optarg;
			break;
		case 'E':
			args->ear_key = optarg;
			break;
		case 'h':
			appraise_usage(stdout);
			return IMATAP_EXIT_OK;
		default:
			appraise_usage(stderr);
			return IMATAP_EXIT_USAGE;
		}
	}
	if (optind < argc)
		args->input = argv[optind++];
	if (optind != argc || args->live == (args->input != NULL) ||
	    (!args->num_refs && !args->set) || (args->ear && !args->ear_key)) {
		if (args->live && args->input)
			fprintf(stderr, "%s appraise: give a LOG or EVIDENCE or --live, not both\n",
				imatap_prog);
		else if (!args->live && !args->input)
			fprintf(stderr, "%s appraise: give a LOG or EVIDENCE file, or --live\n",
				imatap_prog);
		else if (!args->num_refs && !args->set)
			fprintf(stderr, "%s appraise: --reference or --set is required\n",
				imatap_prog);
		else if (args->ear && !args->ear_key)
			fprintf(stderr, "%s appraise: --ear needs --ear-key\n",
				imatap_prog);
		appraise_usage(stderr);
		return IMATAP_EXIT_USAGE;
	}
	/* EAT limits eat_nonce to 8-64 bytes. */
	if (args->ear && args->nonce_len && args->nonce_len < 8) {
		fprintf(stderr, "%s appraise: --nonce of %zu bytes is too short for the EAR's eat_nonce: give 16 to 128 hex digits\n",
			imatap_prog, args->nonce_len);
		return IMATAP_EXIT_USAGE;
	}
	return -1;
}

static bool load_references(const struct appraise_args *args,
			    struct refset *rs, bool *malformed,
			    struct ima_error *err)
{
	struct refset_files files = {
		.references = args->refs,
		.num_references = args->num_refs,
		.excludes = args->excludes,
		.num_excludes = args->num_excludes,
		.keys = args->keys,
		.num_keys = args->num_keys,
		.set = args->set,
	};

	return refset_load(rs, &files, malformed, err);
}

/* Whether path contains evidence (JSON) rather than a binary log. */
static bool is_evidence(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "rb");
	int c = ' ';

	if (!f)
		return false;
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		c = fgetc(f);
	fclose(f);
	return c == '{';
}

struct log_input {
	struct evidence ev;
	struct evidence previous;
	struct verify_result res;
	uint8_t *data;		/* the whole log, for --live */
	size_t len;
	int fd;
	bool have_quote;
	bool have_digest;
	uint8_t digest[32];	/* SHA-256 of the log bytes */
};

/* SHA-256 of a regular file, read once before the appraisal pass. */
static bool hash_file(int fd, uint8_t *digest, struct ima_error *err)
{
	static uint8_t buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	off_t off = 0;
	ssize_t n = 0;

	while (ok && (n = pread(fd, buf, sizeof(buf), off)) > 0) {
		ok = EVP_DigestUpdate(ctx, buf, (size_t)n);
		off += n;
	}
	if (n < 0)
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "reading the log failed: %s",
			      strerror(errno));
	else if (!ok || !EVP_DigestFinal_ex(ctx, digest, NULL))
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "hashing the log with SHA-256 failed");
	else
		n = 1;
	EVP_MD_CTX_free(ctx);
	return ok && n > 0;
}

/*
 * Open the input and verify evidence. A failed evidence check is not an
 * error here: it is recorded in a, and the entries are still judged.
 */
static int open_input(const struct appraise_args *args, struct log_input *in,
		      struct appraise *a, struct ima_binlog *log,
		      struct ima_error *err)
{
	struct verify_request req = { 0 };
	struct ak_key ak = { 0 };

	in->fd = -1;
	if (args->previous && (args->live || !is_evidence(args->input))) {
		fprintf(stderr, "%s appraise: --previous needs EVIDENCE to continue, not a log\n",
			imatap_prog);
		return IMATAP_EXIT_USAGE;
	}
	/* A pipe and securityfs can be read only once: keep them whole. */
	if (args->live || strcmp(args->input, "-") == 0) {
		if (!ima_read_file(args->live ? IMA_BINARY_LOG : "-",
				   (size_t)1 << 32, &in->data, &in->len, err))
			return IMATAP_EXIT_ERROR;
		SHA256(in->data, in->len, in->digest);
		in->have_digest = true;
		ima_binlog_open_mem(log, in->data, in->len, false);
		return -1;
	}
	if (!is_evidence(args->input)) {
		in->fd = imatap_open_log(args->input);
		if (in->fd < 0)
			return IMATAP_EXIT_ERROR;
		/*
		 * A second read of the file to hash it (about 0.1 s per
		 * million entries), so only the summary that prints it.
		 */
		if (args->json) {
			if (!hash_file(in->fd, in->digest, err))
				return IMATAP_EXIT_ERROR;
			in->have_digest = true;
		}
		if (ima_binlog_open_fd(log, in->fd, false) < 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
			return IMATAP_EXIT_ERROR;
		}
		return -1;
	}

	if (!args->ak) {
		fprintf(stderr, "%s appraise: %s is evidence: --ak is required to verify it\n",
			imatap_prog, args->input);
		return IMATAP_EXIT_USAGE;
	}
	if (!evidence_read(args->input, &in->ev, err))
		return IMATAP_EXIT_MALFORMED;
	if (args->previous) {
		if (!evidence_read(args->previous, &in->previous, err))
			return IMATAP_EXIT_MALFORMED;
		req.previous = &in->previous;
	}
	if (!ak_key_load(&ak, args->ak, err))
		return IMATAP_EXIT_ERROR;
	req.ak = &ak;
	req.nonce = args->nonce_len ? args->nonce : NULL;
	req.nonce_len = args->nonce_len;
	if (verify_evidence(&in->ev, &req, &in->res))
		in->have_quote = true;
	else
		appraise_evidence_failed(a, in->res.failed_check, in->res.err.msg);
	ak_key_free(&ak);
	SHA256(in->ev.log, in->ev.log_len, in->digest);
	in->have_digest = true;
	ima_binlog_open_mem(log, in->ev.log, in->ev.log_len,
			    in->ev.batch.big_endian);
	return -1;
}

static void close_input(struct log_input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->data);
	verify_result_free(&in->res);
	evidence_free(&in->ev);
	evidence_free(&in->previous);
}

static bool write_ear(const struct appraise_args *args,
		      const struct appraise *a, const struct refset *rs,
		      struct ima_error *err)
{
	struct ear_params p = { .iat = time(NULL), .policy_id = rs->policy_id };
	EVP_PKEY *key = NULL;
	char *claims = NULL, *token = NULL;
	bool ok = false;

	if (args->nonce_len) {
		p.nonce = args->nonce;
		p.nonce_len = args->nonce_len;
	}
	key = jws_load_key(args->ear_key, true, err);
	if (!key)
		goto out;
	claims = ear_encode(a, &p, err);
	if (!claims || !jws_sign_es256(key, claims, strlen(claims), &token, err))
		goto out;
	ok = ima_write_file(args->ear, token, strlen(token), err);
out:
	EVP_PKEY_free(key);
	free(claims);
	free(token);
	return ok;
}

static int exit_code(const struct appraise *a)
{
	return strcmp(appraise_status(a), "affirming") == 0 ?
		IMATAP_EXIT_OK : IMATAP_EXIT_MISMATCH;
}

int cmd_appraise(int argc, char **argv)
{
	struct appraise_args args = { 0 };
	struct appraise_options opt = { 0 };
	struct appraise_input_info info = { 0 };
	struct log_input in = { .fd = -1 };
	struct ima_binlog log = { .fd = -1 };
	struct appraise a = { 0 };
	struct ima_record rec;
	struct ima_error err = { "" };
	struct refset rs = { 0 };
	char *report = NULL;
	size_t report_len = 0;
	FILE *out = NULL;
	bool log_open = false, malformed = false;
	int rc;

	rc = parse_args(argc, argv, &args);
	if (rc >= 0)
		return rc;
	rc = IMATAP_EXIT_ERROR;
	if (!load_references(&args, &rs, &malformed, &err)) {
		rc = malformed ? IMATAP_EXIT_MALFORMED : IMATAP_EXIT_ERROR;
		goto fail;
	}
	opt.violations_warn = args.violations_warn;
	if (!appraise_init(&a, &rs.refs, rs.set.name ? &rs.set : NULL, &opt))
		goto nomem;

	rc = open_input(&args, &in, &a, &log, &err);
	if (rc >= 0)
		goto out_or_fail;
	log_open = true;
	rc = IMATAP_EXIT_ERROR;
	if (in.have_quote)
		a.opt.quoted = &in.res.pcrs.values;

	for (;;) {
		enum ima_read_status st = ima_binlog_next(&log, &rec, &err);

		if (st == IMA_READ_END)
			break;
		if (st != IMA_READ_RECORD) {
			rc = st == IMA_READ_INCOMPLETE ? IMATAP_EXIT_INCOMPLETE :
			     st == IMA_READ_MALFORMED ? IMATAP_EXIT_MALFORMED :
							IMATAP_EXIT_ERROR;
			goto fail;
		}
		if (!appraise_record(&a, &rec))
			goto nomem;
	}
	if (!appraise_finish(&a))
		goto nomem;

	/* Every input was read and judged: only now write anything. */
	if (args.ear && !write_ear(&args, &a, &rs, &err))
		goto fail;
	info.log_digest = in.have_digest ? in.digest : NULL;
	info.pcrs = in.have_quote ? &in.res.pcrs.values : NULL;
	if (args.json) {
		report = appraise_report_json(&a, &info);
		if (!report)
			goto nomem;
		report_len = strlen(report);
	} else {
		out = open_memstream(&report, &report_len);
		if (!out)
			goto nomem;
		appraise_report_text(out, &a, &info);
		if (fclose(out) != 0) {
			out = NULL;
			goto nomem;
		}
		out = NULL;
	}
	if (fwrite(report, 1, report_len, stdout) != report_len ||
	    fflush(stdout) != 0) {
		ima_error_set(&err, NULL, IMA_OFFSET_NONE, "writing the report failed");
		goto fail;
	}
	rc = exit_code(&a);
	goto out;
nomem:
	ima_error_set(&err, NULL, IMA_OFFSET_NONE, "out of memory");
	rc = IMATAP_EXIT_ERROR;
fail:
	fprintf(stderr, "%s appraise: %s\n", imatap_prog, err.msg);
	goto out;
out_or_fail:
	if (rc != IMATAP_EXIT_USAGE && err.msg[0])
		fprintf(stderr, "%s appraise: %s\n", imatap_prog, err.msg);
out:
	if (out)
		fclose(out);
	if (log_open)
		ima_binlog_close(&log);
	free(report);
	close_input(&in);
	appraise_free(&a);
	refset_free(&rs);
	return rc;
}
