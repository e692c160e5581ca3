// SPDX-License-Identifier: GPL-2.0
/* Appraisal of measurement-list entries against reference values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "appraise.h"
#include "bank.h"
#include "imasig.h"

#define BOOT_AGGREGATE		"boot_aggregate"
#define BOOT_AGGREGATE_PCRS	10	/* PCRs 0-9, since Linux 5.8 */

/* Bits of require_state. */
#define REQ_MEASURED	1
#define REQ_ANY_BAD	2
#define REQ_LAST_GOOD	4

struct appraise_path_slot {
	size_t finding;		/* index + 1 of the path's last finding */
	bool good_after;	/* a passing entry followed it */
};

const char *appraise_verdict_name(enum appraise_verdict v)
{
	static const char *const names[] = {
		[VERDICT_MATCH] = "match",
		[VERDICT_EXCLUDED] = "excluded",
		[VERDICT_SIGNATURE] = "signature verified",
		[VERDICT_KEYRING] = "key on keyring",
		[VERDICT_UNKNOWN] = "unknown file",
		[VERDICT_NOT_ALLOWED] = "digest not allowed",
		[VERDICT_DENIED] = "denied",
		[VERDICT_VIOLATION] = "violation",
		[VERDICT_MEASUREMENT_FAILED] = "measurement failed",
		[VERDICT_INDETERMINATE] = "indeterminate",
	};

	return names[v];
}

bool appraise_verdict_passes(enum appraise_verdict v)
{
	return v <= VERDICT_KEYRING;
}

const char *ar4si_claim_name(enum ar4si_claim c)
{
	static const char *const names[] = {
		[CLAIM_CONFIGURATION] = "configuration",
		[CLAIM_EXECUTABLES] = "executables",
		[CLAIM_FILE_SYSTEM] = "file-system",
	};

	return names[c];
}

/* 0 none, 1 affirming, 2 warning, 3 contraindicated (AR4SI tiers). */
static int tier_rank(int v)
{
	if (v >= 96 || v <= -96)
		return 3;
	if (v >= 32 || v <= -32)
		return 2;
	if (v >= 2 || v <= -2)
		return 1;
	return 0;
}

const char *ar4si_tier(int value)
{
	static const char *const tiers[] = {
		"none", "affirming", "warning", "contraindicated",
	};

	return tiers[tier_rank(value)];
}

const char *appraise_status(const struct appraise *a)
{
	int worst = 0, i;

	for (i = 0; i < CLAIM_COUNT; i++)
		if (tier_rank(a->claims[i]) > tier_rank(worst))
			worst = a->claims[i];
	return ar4si_tier(worst);
}

/* Raise a claim to v if v is in a worse tier, or higher in the same. */
static void claim_raise(int *claim, int v)
{
	if (tier_rank(v) > tier_rank(*claim) ||
	    (tier_rank(v) == tier_rank(*claim) && v > *claim))
		*claim = v;
}

bool appraise_init(struct appraise *a, const struct refs *refs,
		   const struct bench_set *set,
		   const struct appraise_options *opt)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->refs = refs;
	a->set = set;
	a->opt = *opt;
	if (!set)
		return true;
	a->require_state = calloc(set->num_controls, sizeof(*a->require_state));
	a->forbid_seen = calloc(set->num_controls, sizeof(*a->forbid_seen));
	a->controls = calloc(set->num_controls, sizeof(*a->controls));
	if (!a->require_state || !a->forbid_seen || !a->controls)
		return false;
	for (i = 0; i < set->num_controls; i++) {
		a->require_state[i] = calloc(set->controls[i].num_require + 1, 1);
		if (!a->require_state[i])
			return false;
	}
	return true;
}

void appraise_free(struct appraise *a)
{
	size_t i;

	for (i = 0; i < a->num_findings; i++) {
		free(a->findings[i].path);
		free(a->findings[i].reason);
	}
	free(a->findings);
	free(a->bad_paths);
	if (a->set) {
		for (i = 0; i < a->set->num_controls; i++) {
			if (a->require_state)
				free(a->require_state[i]);
			if (a->controls)
				free(a->controls[i].reason);
		}
	}
	free(a->require_state);
	free(a->forbid_seen);
	free(a->controls);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

static uint64_t hash_path(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static struct appraise_path_slot *bad_path_slot(const struct appraise *a,
						const char *path, size_t len)
{
	size_t j, mask = a->bad_slot_count - 1;

	if (!a->bad_slot_count)
		return NULL;
	for (j = hash_path(path, len) & mask; a->bad_paths[j].finding;
	     j = (j + 1) & mask) {
		const struct appraise_finding *f =
			&a->findings[a->bad_paths[j].finding - 1];

		if (f->path_len == len && memcmp(f->path, path, len) == 0)
			return &a->bad_paths[j];
	}
	return &a->bad_paths[j];
}

static bool grow_bad_paths(struct appraise *a)
{
	struct appraise_path_slot *old = a->bad_paths;
	size_t old_count = a->bad_slot_count, i;

	a->bad_slot_count = old_count ? old_count * 2 : 256;
	a->bad_paths = calloc(a->bad_slot_count, sizeof(*a->bad_paths));
	if (!a->bad_paths) {
		a->bad_paths = old;
		a->bad_slot_count = old_count;
		return false;
	}
	for (i = 0; i < old_count; i++) {
		const struct appraise_finding *f;

		if (!old[i].finding)
			continue;
		f = &a->findings[old[i].finding - 1];
		*bad_path_slot(a, f->path, f->path_len) = old[i];
	}
	free(old);
	return true;
}

static bool add_finding(struct appraise *a, const struct ima_record *rec,
			enum appraise_verdict v, enum bench_category category,
			const char *path, size_t path_len, const char *reason)
{
	struct appraise_finding *f;
	struct appraise_path_slot *slot;

	if (a->num_findings == a->cap_findings) {
		size_t cap = a->cap_findings ? a->cap_findings * 2 : 64;
		struct appraise_finding *grown =
			realloc(a->findings, cap * sizeof(*grown));

		if (!grown)
			return false;
		a->findings = grown;
		a->cap_findings = cap;
	}
	if ((a->bad_count + 1) * 2 > a->bad_slot_count && !grow_bad_paths(a))
		return false;

	f = &a->findings[a->num_findings];
	memset(f, 0, sizeof(*f));
	f->index = rec->index;
	f->verdict = v;
	f->category = category;
	f->path = malloc(path_len + 1);
	f->reason = strdup(reason);
	if (!f->path || !f->reason) {
		free(f->path);
		free(f->reason);
		return false;
	}
	memcpy(f->path, path, path_len);
	f->path[path_len] = '\0';
	f->path_len = path_len;
	a->num_findings++;

	slot = bad_path_slot(a, path, path_len);
	if (!slot->finding)
		a->bad_count++;
	slot->finding = a->num_findings;
	slot->good_after = false;
	return true;
}

/* A control's index and the position of path in its lists, or -1. */
static long set_lookup(const struct bench_set *set, const char *path,
		       size_t len, size_t *req, bool *forbidden)
{
	size_t c, i;

	if (!set)
		return -1;
	for (c = 0; c < set->num_controls; c++) {
		const struct bench_control *ctl = &set->controls[c];

		for (i = 0; i < ctl->num_forbid; i++) {
			if (strlen(ctl->forbid[i]) == len &&
			    memcmp(ctl->forbid[i], path, len) == 0) {
				*forbidden = true;
				return (long)c;
			}
		}
		for (i = 0; i < ctl->num_require; i++) {
			if (strlen(ctl->require[i].path) == len &&
			    memcmp(ctl->require[i].path, path, len) == 0) {
				*req = i;
				*forbidden = false;
				return (long)c;
			}
		}
	}
	return -1;
}

static bool require_allows(const struct bench_require *req,
			   const struct ima_file_digest *fd)
{
	size_t i;

	for (i = 0; i < req->num_digests; i++)
		if (req->digest_lens[i] == fd->len &&
		    memcmp(req->digests[i], fd->value, fd->len) == 0)
			return true;
	return false;
}

static bool all_zero(const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (d[i])
			return false;
	return true;
}

/* Compare a boot_aggregate with the hash of quoted PCRs 0-9. */
static enum appraise_verdict check_boot_aggregate(const struct appraise *a,
						  const struct ima_file_digest *fd,
						  char *why, size_t why_size)
{
	const struct ima_bank_info *bank;
	uint8_t computed[EVP_MAX_MD_SIZE];
	unsigned int len = 0, b, i;
	EVP_MD_CTX *ctx;
	bool ok;

	bank = ima_bank_by_name(fd->algo, fd->algo_len);
	if (!bank) {
		snprintf(why, why_size, "boot_aggregate algorithm %.*s has no PCR bank",
			 (int)fd->algo_len, fd->algo);
		return VERDICT_INDETERMINATE;
	}
	b = ima_bank_index(bank);
	for (i = 0; i < BOOT_AGGREGATE_PCRS; i++) {
		if (!a->opt.quoted->have[b][i]) {
			snprintf(why, why_size, "the evidence quotes no %s PCR %u for boot_aggregate",
				 bank->name, i);
			return VERDICT_INDETERMINATE;
		}
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_get_digestbyname(bank->evp_name), NULL);
	for (i = 0; ok && i < BOOT_AGGREGATE_PCRS; i++)
		ok = EVP_DigestUpdate(ctx, a->opt.quoted->value[b][i], bank->size);
	ok = ok && EVP_DigestFinal_ex(ctx, computed, &len);
	EVP_MD_CTX_free(ctx);
	if (!ok || len != fd->len) {
		snprintf(why, why_size, "computing boot_aggregate with %s failed",
			 bank->name);
		return VERDICT_INDETERMINATE;
	}
	if (memcmp(computed, fd->value, len) != 0) {
		snprintf(why, why_size, "boot_aggregate differs from the %s hash of quoted PCRs 0-9",
			 bank->name);
		return VERDICT_NOT_ALLOWED;
	}
	snprintf(why, why_size, "equals the %s hash of quoted PCRs 0-9", bank->name);
	return VERDICT_MATCH;
}

static enum appraise_verdict judge_buffer(const struct appraise *a,
					  const char *name, size_t len,
					  const struct ima_file_digest *fd,
					  char *why, size_t why_size)
{
	const struct refs_slot *s;

	if (refs_keyring_ignored(a->refs, name)) {
		snprintf(why, why_size, "keyring is ignored by the policy");
		return VERDICT_EXCLUDED;
	}
	s = refs_table_find(&a->refs->keyrings, name, len);
	if (s) {
		if (refs_table_has_digest(&a->refs->keyrings, s, fd->value, fd->len))
			return VERDICT_KEYRING;
		snprintf(why, why_size, "key digest not listed for this keyring");
		return VERDICT_NOT_ALLOWED;
	}
	s = refs_table_find(&a->refs->ima_buf, name, len);
	if (s) {
		if (refs_table_has_digest(&a->refs->ima_buf, s, fd->value, fd->len))
			return VERDICT_MATCH;
		snprintf(why, why_size, "buffer digest not listed for this ima-buf event");
		return VERDICT_NOT_ALLOWED;
	}
	snprintf(why, why_size, "no keyrings or ima-buf reference for this name");
	return VERDICT_UNKNOWN;
}

static enum appraise_verdict judge_file(struct appraise *a,
					const struct ima_record *rec,
					const char *name, size_t len,
					const struct ima_file_digest *fd,
					long control, size_t req,
					bool forbidden, char *why,
					size_t why_size)
{
	const struct refs_exclude *ex;
	const struct ima_field *sig;
	const struct refs_slot *s;
	char algo[16];

	if (forbidden) {
		snprintf(why, why_size, "control %s forbids this path",
			 a->set->controls[control].id);
		return VERDICT_DENIED;
	}
	if (strcmp(name, BOOT_AGGREGATE) == 0 && a->opt.quoted)
		return check_boot_aggregate(a, fd, why, why_size);
	ex = refs_excluded(a->refs, name);
	if (ex) {
		snprintf(why, why_size, "matches exclude \"%.80s\" (%.200s)",
			 ex->source, ex->where);
		return VERDICT_EXCLUDED;
	}
	if (all_zero(fd->value, fd->len)) {
		snprintf(why, why_size, "IMA logged an all-zero file digest: the file could not be hashed");
		return VERDICT_MEASUREMENT_FAILED;
	}
	if (control >= 0) {
		if (require_allows(&a->set->controls[control].require[req], fd))
			return VERDICT_MATCH;
		snprintf(why, why_size, "digest not in the list of control %s",
			 a->set->controls[control].id);
		return VERDICT_NOT_ALLOWED;
	}

	sig = ima_record_field(rec, IMA_FIELD_SIG);
	if (sig && sig->len && fd->algo_len < sizeof(algo)) {
		char sig_why[200];
		enum imasig_status st;

		memcpy(algo, fd->algo, fd->algo_len);
		algo[fd->algo_len] = '\0';
		st = imasig_verify(a->refs, sig->data, sig->len, algo,
				   fd->value, fd->len, sig_why, sizeof(sig_why));
		if (st == IMASIG_VERIFIED)
			return VERDICT_SIGNATURE;
		/* As Keylime does, an unverified signature falls back to
		 * the digest lists; the reason keeps why it did not verify. */
		snprintf(why, why_size, "%s; ", sig_why);
	} else {
		why[0] = '\0';
	}

	s = refs_table_find(&a->refs->files, name, len);
	if (!s) {
		strncat(why, "no reference digest for this path",
			why_size - strlen(why) - 1);
		return VERDICT_UNKNOWN;
	}
	if (refs_table_has_digest(&a->refs->files, s, fd->value, fd->len))
		return VERDICT_MATCH;
	strncat(why, "digest not in the policy's list for this path",
		why_size - strlen(why) - 1);
	return VERDICT_NOT_ALLOWED;
}

static int verdict_claim(const struct appraise *a, enum appraise_verdict v,
			 enum bench_category cat)
{
	switch (v) {
	case VERDICT_MATCH:
	case VERDICT_EXCLUDED:
	case VERDICT_SIGNATURE:
	case VERDICT_KEYRING:
		return AR4SI_APPROVED;
	case VERDICT_UNKNOWN:
		return cat == BENCH_EXECUTABLES ? AR4SI_UNRECOGNIZED_RT
						: AR4SI_UNSAFE;
	case VERDICT_VIOLATION:
		return a->opt.violations_warn ? AR4SI_UNSAFE
					      : AR4SI_CONTRAINDICATED;
	case VERDICT_MEASUREMENT_FAILED:
	case VERDICT_INDETERMINATE:
		return AR4SI_UNSAFE;
	default:
		return AR4SI_CONTRAINDICATED;
	}
}

static enum ar4si_claim category_claim(enum bench_category c)
{
	switch (c) {
	case BENCH_CONFIGURATION:
		return CLAIM_CONFIGURATION;
	case BENCH_FILE_SYSTEM:
		return CLAIM_FILE_SYSTEM;
	default:
		return CLAIM_EXECUTABLES;
	}
}

static bool copy_name(struct appraise *a, const uint8_t *name, size_t len)
{
	if (len + 1 > a->name_cap) {
		size_t cap = a->name_cap ? a->name_cap : 256;
		char *grown;

		while (cap < len + 1)
			cap *= 2;
		grown = realloc(a->name, cap);
		if (!grown)
			return false;
		a->name = grown;
		a->name_cap = cap;
	}
	memcpy(a->name, name, len);
	a->name[len] = '\0';
	return true;
}

static void update_require(struct appraise *a, long control, size_t req,
			   bool passed)
{
	uint8_t *st = &a->require_state[control][req];

	*st |= REQ_MEASURED;
	if (passed) {
		*st |= REQ_LAST_GOOD;
	} else {
		*st |= REQ_ANY_BAD;
		*st &= (uint8_t)~REQ_LAST_GOOD;
	}
}

bool appraise_record(struct appraise *a, const struct ima_record *rec)
{
	struct ima_file_digest fd;
	enum appraise_verdict v;
	enum bench_category cat = BENCH_EXECUTABLES;
	const uint8_t *name = (const uint8_t *)"";
	size_t len = 0, req = 0;
	bool have_digest, have_name, forbidden = false;
	long control = -1;
	char why[400] = "";

	a->entries++;
	have_name = ima_record_name(rec, &name, &len);
	have_digest = ima_record_file_digest(rec, IMA_FIELD_D_NG, &fd) ||
		      ima_record_file_digest(rec, IMA_FIELD_D_NGV2, &fd) ||
		      ima_record_file_digest(rec, IMA_FIELD_D, &fd);
	if (!copy_name(a, name, len))
		return false;
	if (have_name && memchr(name, '\0', len)) {
		have_name = false;
		snprintf(why, sizeof(why), "the name holds a NUL byte");
	}

	if (have_name && a->set) {
		control = set_lookup(a->set, a->name, len, &req, &forbidden);
		if (control >= 0)
			cat = a->set->controls[control].category;
	}

	if (rec->violation) {
		v = VERDICT_VIOLATION;
		snprintf(why, sizeof(why), "IMA logged a measurement violation (ToMToU or open_writers)%s",
			 a->opt.violations_warn ? "; --violations=warn" : "");
	} else if (!have_name || !have_digest) {
		v = VERDICT_INDETERMINATE;
		if (!why[0])
			snprintf(why, sizeof(why), "template %s has no file digest and name",
				 rec->template_name);
	} else if (ima_record_field(rec, IMA_FIELD_BUF)) {
		v = judge_buffer(a, a->name, len, &fd, why, sizeof(why));
	} else {
		v = judge_file(a, rec, a->name, len, &fd, control, req,
			       forbidden, why, sizeof(why));
	}

	a->counts[v]++;
	claim_raise(&a->record_claims[category_claim(cat)],
		    verdict_claim(a, v, cat));
	if (control >= 0 && forbidden)
		a->forbid_seen[control] = true;
	else if (control >= 0)
		update_require(a, control, req, appraise_verdict_passes(v));

	if (!appraise_verdict_passes(v))
		return add_finding(a, rec, v, cat, a->name, len, why);
	if (a->bad_count) {
		struct appraise_path_slot *slot = bad_path_slot(a, a->name, len);

		if (slot->finding)
			slot->good_after = true;
	}
	return true;
}

void appraise_evidence_failed(struct appraise *a, const char *check,
			      const char *why)
{
	a->evidence_failed = true;
	snprintf(a->evidence_reason, sizeof(a->evidence_reason),
		 "evidence check %s failed: %s", check, why);
}

static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* The worst state of a control's required and forbidden paths. */
static bool settle_control(struct appraise *a, size_t c)
{
	const struct bench_control *ctl = &a->set->controls[c];
	struct control_result *res = &a->controls[c];
	size_t i;

	free(res->reason);
	res->reason = NULL;
	res->status = BENCH_AFFIRMING;
	if (a->forbid_seen[c]) {
		res->status = BENCH_CONTRAINDICATED;
		res->reason = format("a forbidden path was measured");
		if (!res->reason)
			return false;
	}
	for (i = 0; i < ctl->num_require; i++) {
		uint8_t st = a->require_state[c][i];
		const char *path = ctl->require[i].path;
		enum bench_status status = BENCH_AFFIRMING;
		char *reason = NULL;

		if (!(st & REQ_MEASURED)) {
			status = BENCH_WARNING;
			reason = format("%s was not measured", path);
		} else if (!(st & REQ_LAST_GOOD)) {
			status = BENCH_CONTRAINDICATED;
			reason = format("%s is measured with a digest the control does not allow",
					path);
		} else if (st & REQ_ANY_BAD) {
			status = BENCH_WARNING;
			reason = format("%s had a digest the control does not allow since boot, and is allowed now",
					path);
		}
		if (status != BENCH_AFFIRMING && !reason)
			return false;
		if (status > res->status) {
			free(res->reason);
			res->reason = reason;
			res->status = status;
		} else {
			free(reason);
		}
	}
	res->failed = res->status >= ctl->fail_on;
	if (res->status == BENCH_WARNING)
		claim_raise(&a->claims[category_claim(ctl->category)], AR4SI_UNSAFE);
	else if (res->status == BENCH_CONTRAINDICATED)
		claim_raise(&a->claims[category_claim(ctl->category)],
			    AR4SI_CONTRAINDICATED);
	return true;
}

bool appraise_finish(struct appraise *a)
{
	size_t i;

	memcpy(a->claims, a->record_claims, sizeof(a->claims));
	for (i = 0; a->set && i < a->set->num_controls; i++)
		if (!settle_control(a, i))
			return false;
	for (i = 0; i < a->num_findings; i++) {
		struct appraise_finding *f = &a->findings[i];

		f->currently_good = bad_path_slot(a, f->path, f->path_len)->good_after;
	}
	if (a->claims[CLAIM_EXECUTABLES] == AR4SI_NO_CLAIM)
		a->claims[CLAIM_EXECUTABLES] = AR4SI_APPROVED;
	if (a->evidence_failed)
		for (i = 0; i < CLAIM_COUNT; i++)
			a->claims[i] = AR4SI_CRYPTO_FAILED;
	return true;
}
