// SPDX-License-Identifier: GPL-2.0
/* Template-digest verification and PCR replay against independently
 * computed PCR values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/binlog.h"
#include "../lib/replay.h"
#include "../lib/template.h"
#include "logbuilder.h"

#define SHA1_BANK	0
#define SHA256_BANK	1
#define MASK_SHA1_SHA256 ((1U << SHA1_BANK) | (1U << SHA256_BANK))

static const uint8_t file_digest[32] = { 0x42 };

/* Expected PCRs, computed with one-shot hashes outside lib/. */
struct expected {
	uint8_t sha1[24][20];
	uint8_t sha256[24][32];
	uint8_t padded[24][32];
};

static void extend(const char *algo, uint8_t *pcr, const uint8_t *digest,
		   size_t size)
{
	uint8_t buf[128];

	memcpy(buf, pcr, size);
	memcpy(buf + size, digest, size);
	lb_hash(algo, buf, 2 * size, pcr);
}

/* Append an ima-ng record and extend the expected PCRs with it. */
static void add_record(struct logbuf *lb, struct expected *e, uint32_t pcr,
		       const char *name, bool violation)
{
	uint8_t dng[64], data[512], sha1[20], sha256[32], padded[32] = { 0 };
	struct lb_field f[2] = {
		{ dng, lb_digest_ng(dng, "sha256:", file_digest, 32) },
		{ name, (uint32_t)strlen(name) + 1 },
	};
	size_t len = lb_template_data(data, lb->big_endian, f, 2);

	lb_record(lb, pcr, "ima-ng", f, 2, violation);
	if (violation) {
		memset(sha1, 0xff, 20);
		memset(sha256, 0xff, 32);
	} else {
		lb_hash("SHA1", data, len, sha1);
		lb_hash("SHA256", data, len, sha256);
	}
	memcpy(padded, sha1, 20);
	extend("SHA1", e->sha1[pcr], sha1, 20);
	extend("SHA256", e->sha256[pcr], sha256, 32);
	extend("SHA256", e->padded[pcr], padded, 32);
}

static void set_reference(struct ima_pcr_set *ref, unsigned int bank,
			  unsigned int pcr, const uint8_t *value, size_t size)
{
	ref->have[bank][pcr] = true;
	memcpy(ref->value[bank][pcr], value, size);
}

/* Replay the log in lb with banks sha1 and sha256 against ref. */
static void replay(const struct logbuf *lb, const struct ima_pcr_set *ref,
		   struct ima_replay *r)
{
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;
	enum ima_read_status st;

	assert_true(ima_replay_init(r, MASK_SHA1_SHA256, ref, &err));
	ima_binlog_open_mem(&log, lb->data, lb->len, lb->big_endian);
	while ((st = ima_binlog_next(&log, &rec, &err)) == IMA_READ_RECORD)
		assert_true(ima_replay_record(r, &rec, &err));
	assert_int_equal(st, IMA_READ_END);
}

static struct ima_replay *new_replay(void)
{
	struct ima_replay *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

static void free_replay(struct ima_replay *r)
{
	ima_replay_free(r);
	free(r);
}

static void both_banks_match_at_end(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "boot_aggregate", false);
	add_record(&lb, &e, 10, "/bin/sh", false);
	add_record(&lb, &e, 10, "/etc/passwd", false);
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);

	replay(&lb, &ref, r);
	assert_int_equal(r->records, 3);
	assert_int_equal(r->verified, 3);
	assert_int_equal(r->failed, 0);
	assert_int_equal(r->extended, 1ULL << 10);
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_NATIVE);
	assert_int_equal(r->banks[0].chain[IMA_STYLE_NATIVE].matched_after, 2);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_NATIVE);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_NATIVE].matched_after, 2);
	assert_false(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].matched);
	assert_memory_equal(r->banks[1].chain[IMA_STYLE_NATIVE].pcr[10],
			    e.sha256[10], 32);
	free_replay(r);
	lb_free(&lb);
}

static void banks_match_at_different_records(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "boot_aggregate", false);
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	add_record(&lb, &e, 10, "/a", false);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);
	add_record(&lb, &e, 10, "/b", false);
	add_record(&lb, &e, 10, "/c", false);

	replay(&lb, &ref, r);
	assert_int_equal(r->banks[0].chain[IMA_STYLE_NATIVE].matched_after, 0);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_NATIVE].matched_after, 1);
	free_replay(r);
	lb_free(&lb);
}

static void log_behind_pcrs_mismatches(void **state)
{
	struct logbuf lb, shorter;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "/a", false);
	shorter = lb;
	shorter.len = lb.len;
	add_record(&lb, &e, 10, "/b", false);
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);
	/* shorter holds only the first record; the PCRs saw two. */
	shorter.data = lb.data;

	replay(&shorter, &ref, r);
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_COUNT);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_COUNT);
	free_replay(r);
	lb_free(&lb);
}

static void padded_sha1_style_detected(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "boot_aggregate", false);
	add_record(&lb, &e, 10, "/v", true);
	add_record(&lb, &e, 10, "/bin/old", false);
	set_reference(&ref, SHA256_BANK, 10, e.padded[10], 32);

	replay(&lb, &ref, r);
	assert_int_equal(ima_replay_matched_style(r, 1),
			 IMA_STYLE_PADDED_SHA1);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].matched_after, 2);
	assert_false(r->banks[0].compare);
	free_replay(r);
	lb_free(&lb);
}

static void violation_extends_ff(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "/a", false);
	add_record(&lb, &e, 10, "/violated", true);
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);

	replay(&lb, &ref, r);
	assert_int_equal(r->violations, 1);
	assert_int_equal(r->verified, 1);
	assert_int_equal(r->failed, 0);
	assert_int_equal(r->banks[0].chain[IMA_STYLE_NATIVE].matched_after, 1);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_NATIVE].matched_after, 1);
	free_replay(r);
	lb_free(&lb);
}

static void tampered_record_fails(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();
	size_t second;

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "/a", false);
	second = lb.len;
	add_record(&lb, &e, 10, "/b", false);
	add_record(&lb, &e, 10, "/c", false);
	lb.data[second + 4] ^= 1;	/* first byte of the logged digest */
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);

	replay(&lb, &ref, r);
	/* SHA-1 extends with the altered logged digest; sha256 recomputes
	 * from the intact data and still matches. */
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_COUNT);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_NATIVE);
	assert_int_equal(r->verified, 2);
	assert_int_equal(r->failed, 1);
	assert_int_equal(r->failures[0].index, 1);
	assert_int_equal(r->failures[0].offset, second);
	assert_int_equal(r->failures[0].tpm_alg, TPM_ALG_SHA1);
	assert_int_equal(r->failures[0].logged[0] ^ 1,
			 r->failures[0].computed[0]);
	free_replay(r);
	lb_free(&lb);
}

static void legacy_template_replays(void **state)
{
	struct logbuf lb;
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();
	uint8_t d[20], hashed[276] = { 0 }, sha1[20], sha256[32];
	uint8_t pcr1[20] = { 0 }, pcr256[32] = { 0 };

	(void)state;
	memset(d, 0x5a, sizeof(d));
	memcpy(hashed, d, 20);
	memcpy(hashed + 20, "/sbin/init", 10);
	lb_hash("SHA1", hashed, sizeof(hashed), sha1);
	lb_hash("SHA256", hashed, sizeof(hashed), sha256);
	extend("SHA1", pcr1, sha1, 20);
	extend("SHA256", pcr256, sha256, 32);
	set_reference(&ref, SHA1_BANK, 10, pcr1, 20);
	set_reference(&ref, SHA256_BANK, 10, pcr256, 32);

	lb_init(&lb, false);
	lb_legacy(&lb, 10, d, "/sbin/init", false);
	replay(&lb, &ref, r);
	assert_int_equal(r->verified, 1);
	assert_int_equal(r->failed, 0);
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_NATIVE);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_NATIVE);
	free_replay(r);
	lb_free(&lb);
}

static void pcr_without_reference(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "/a", false);
	add_record(&lb, &e, 11, "/b", false);
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);

	replay(&lb, &ref, r);
	assert_int_equal(r->extended, (1ULL << 10) | (1ULL << 11));
	assert_int_equal(r->banks[0].missing_pcr, 11);
	/* Matched after record 0, before PCR 11 appeared. */
	assert_true(r->banks[0].chain[IMA_STYLE_NATIVE].matched);
	assert_int_equal(r->banks[0].chain[IMA_STYLE_NATIVE].matched_after, 0);
	free_replay(r);
	lb_free(&lb);
}

static void two_pcrs_match_together(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "/a", false);
	add_record(&lb, &e, 11, "/b", false);
	add_record(&lb, &e, 10, "/c", false);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);
	set_reference(&ref, SHA256_BANK, 11, e.sha256[11], 32);

	replay(&lb, &ref, r);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_NATIVE].matched_after, 2);
	assert_int_equal(r->banks[1].missing_pcr, -1);
	free_replay(r);
	lb_free(&lb);
}

/* A record as a netlink entry message fills it: per-slot digests. */
static void slot_digests_checked(void **state)
{
	uint8_t dng[64], data[256], sha1[20], sha256[32];
	struct lb_field f[2] = {
		{ dng, lb_digest_ng(dng, "sha256:", file_digest, 32) },
		{ "/n", 3 },
	};
	struct ima_record rec = { 0 };
	struct ima_error err;
	struct ima_replay *r = new_replay();

	(void)state;
	rec.data_len = (uint32_t)lb_template_data(data, false, f, 2);
	rec.data = data;
	rec.pcr = 10;
	rec.offset = IMA_OFFSET_NONE;
	assert_true(ima_template_resolve(&rec, (const uint8_t *)"ima-ng", 6,
					 IMA_OFFSET_NONE, &err));
	assert_true(ima_template_split(&rec, 0, &err));
	lb_hash("SHA1", data, rec.data_len, sha1);
	lb_hash("SHA256", data, rec.data_len, sha256);

	rec.num_digests = 3;
	rec.digests[0] = (struct ima_digest){ .tpm_alg = TPM_ALG_SHA256, .len = 32 };
	memcpy(rec.digests[0].value, sha256, 32);
	rec.digests[1] = (struct ima_digest){ .tpm_alg = TPM_ALG_SHA1, .len = 20 };
	memcpy(rec.digests[1].value, sha1, 20);
	rec.digests[2] = (struct ima_digest){ .tpm_alg = TPM_ALG_SHA384, .len = 48 };

	assert_true(ima_replay_init(r, MASK_SHA1_SHA256, NULL, &err));
	assert_true(ima_replay_record(r, &rec, &err));
	assert_int_equal(r->verified, 1);
	assert_int_equal(r->unchecked_slots, 1);
	assert_int_equal(r->failed, 0);

	/* A bank the kernel could not hash carries the padded SHA-1. */
	memset(rec.digests[0].value, 0, 32);
	memcpy(rec.digests[0].value, sha1, 20);
	assert_true(ima_replay_record(r, &rec, &err));
	assert_int_equal(r->padded_slots, 1);
	assert_int_equal(r->failed, 0);

	rec.digests[0].value[31] = 1;
	rec.index = 7;
	assert_true(ima_replay_record(r, &rec, &err));
	assert_int_equal(r->failed, 1);
	assert_int_equal(r->failures[0].index, 7);
	assert_int_equal(r->failures[0].tpm_alg, TPM_ALG_SHA256);
	free_replay(r);
}

static void failures_kept_are_bounded(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_replay *r = new_replay();
	size_t starts[40];
	unsigned int i;

	(void)state;
	lb_init(&lb, false);
	for (i = 0; i < 40; i++) {
		starts[i] = lb.len;
		add_record(&lb, &e, 10, "/x", false);
	}
	for (i = 0; i < 40; i++)
		lb.data[starts[i] + 10] ^= 0x80;
	replay(&lb, NULL, r);
	assert_int_equal(r->failed, 40);
	assert_int_equal(r->failures[IMA_FAILURES_KEPT - 1].index,
			 IMA_FAILURES_KEPT - 1);
	free_replay(r);
	lb_free(&lb);
}

/*
 * A log over several of ima_replay_log()'s blocks (1024 records each):
 * ima-ng records in PCRs 10 and 11, violations, an "ima" record, a
 * tampered logged digest and an ima-buf record of 600 KiB, larger than
 * a block's byte buffer.
 */
static void build_long_log(struct logbuf *lb, struct expected *e,
			   size_t *tampered)
{
	static uint8_t big[600 * 1024];
	uint8_t legacy_digest[20] = { 0x11 };
	uint8_t dng[64];
	char name[96];
	unsigned int i;

	memset(big, 0x5a, sizeof(big));
	lb_init(lb, false);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "/usr/lib/x86_64-linux-gnu/%0*u",
			 (int)(i % 50) + 1, i);
		if (i == 1500) {
			lb_legacy(lb, 10, legacy_digest, "/sbin/init", false);
			continue;
		}
		if (i == 2500) {
			struct lb_field f[3] = {
				{ dng, lb_digest_ng(dng, "sha256:",
						    file_digest, 32) },
				{ "big", 4 },
				{ big, sizeof(big) },
			};

			lb_record(lb, 10, "ima-buf", f, 3, false);
			continue;
		}
		if (i == 2100)
			*tampered = lb->len;
		add_record(lb, e, i % 7 ? 10 : 11, name, i % 500 == 499);
	}
	lb->data[*tampered + 4] ^= 1;	/* first byte of the logged digest */
}

/* Assert that two replays of the same log reached the same state. */
static void assert_same_replay(const struct ima_replay *a,
			       const struct ima_replay *b)
{
	unsigned int i, s;

	assert_int_equal(a->records, b->records);
	assert_int_equal(a->violations, b->violations);
	assert_int_equal(a->verified, b->verified);
	assert_int_equal(a->failed, b->failed);
	assert_int_equal(a->extended, b->extended);
	assert_int_equal(a->padded_slots, b->padded_slots);
	assert_int_equal(a->unchecked_slots, b->unchecked_slots);
	assert_memory_equal(a->failures, b->failures, sizeof(a->failures));
	assert_int_equal(a->num_banks, b->num_banks);
	for (i = 0; i < a->num_banks; i++) {
		assert_int_equal(a->banks[i].missing_pcr, b->banks[i].missing_pcr);
		for (s = 0; s < IMA_STYLE_COUNT; s++) {
			const struct ima_replay_chain *x = &a->banks[i].chain[s];
			const struct ima_replay_chain *y = &b->banks[i].chain[s];

			assert_memory_equal(x->pcr, y->pcr, sizeof(x->pcr));
			assert_int_equal(x->mismatched, y->mismatched);
			assert_int_equal(x->matched, y->matched);
			assert_int_equal(x->matched_after, y->matched_after);
		}
	}
}

/*
 * Replay the first len bytes of lb record by record and with
 * ima_replay_log(); both must end with status and state equal.
 */
static void compare_replays(const struct logbuf *lb, size_t len,
			    const struct ima_pcr_set *ref,
			    enum ima_read_status expected)
{
	struct ima_replay *one = new_replay(), *piped = new_replay();
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err, piped_err;
	enum ima_read_status st;

	assert_true(ima_replay_init(one, MASK_SHA1_SHA256, ref, &err));
	ima_binlog_open_mem(&log, lb->data, len, lb->big_endian);
	while ((st = ima_binlog_next(&log, &rec, &err)) == IMA_READ_RECORD)
		assert_true(ima_replay_record(one, &rec, &err));
	assert_int_equal(st, expected);

	assert_true(ima_replay_init(piped, MASK_SHA1_SHA256, ref, &piped_err));
	ima_binlog_open_mem(&log, lb->data, len, lb->big_endian);
	st = ima_replay_log(piped, &log, &piped_err);
	assert_int_equal(st, expected);
	if (st != IMA_READ_END)
		assert_string_equal(piped_err.msg, err.msg);

	assert_same_replay(one, piped);
	free_replay(one);
	free_replay(piped);
}

static void log_replay_equals_records(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	size_t tampered = 0;

	(void)state;
	build_long_log(&lb, &e, &tampered);
	/* The expected chains leave out the "ima" and ima-buf records, so no
	 * bank matches and every record is compared. */
	set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&ref, SHA1_BANK, 11, e.sha1[11], 20);
	set_reference(&ref, SHA256_BANK, 10, e.sha256[10], 32);
	set_reference(&ref, SHA256_BANK, 11, e.sha256[11], 32);
	compare_replays(&lb, lb.len, &ref, IMA_READ_END);
	compare_replays(&lb, lb.len, NULL, IMA_READ_END);
	lb_free(&lb);
}

static void log_replay_matches_mid_log(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set ref = { 0 };
	struct ima_replay *r = new_replay();
	struct ima_binlog log;
	struct ima_error err;
	unsigned int i;
	char name[32];

	(void)state;
	lb_init(&lb, false);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "/bin/%u", i);
		add_record(&lb, &e, 10, name, false);
		if (i == 1234) {
			set_reference(&ref, SHA1_BANK, 10, e.sha1[10], 20);
			set_reference(&ref, SHA256_BANK, 10, e.padded[10], 32);
		}
	}
	compare_replays(&lb, lb.len, &ref, IMA_READ_END);

	assert_true(ima_replay_init(r, MASK_SHA1_SHA256, &ref, &err));
	ima_binlog_open_mem(&log, lb.data, lb.len, false);
	assert_int_equal(ima_replay_log(r, &log, &err), IMA_READ_END);
	assert_int_equal(r->records, 2000);
	assert_int_equal(r->verified, 2000);
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_NATIVE);
	assert_int_equal(r->banks[0].chain[IMA_STYLE_NATIVE].matched_after,
			 1234);
	assert_int_equal(ima_replay_matched_style(r, 1),
			 IMA_STYLE_PADDED_SHA1);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].matched_after,
			 1234);
	free_replay(r);
	lb_free(&lb);
}

/* Replay lb with ima_replay_log(), skipping the padded chain if asked. */
static void replay_log_mem(const struct logbuf *lb,
			   const struct ima_pcr_set *ref, bool skip_padded,
			   struct ima_replay *r)
{
	struct ima_binlog log;
	struct ima_error err;

	assert_true(ima_replay_init(r, MASK_SHA1_SHA256, ref, &err));
	if (skip_padded)
		ima_replay_skip_padded(r);
	ima_binlog_open_mem(&log, lb->data, lb->len, lb->big_endian);
	assert_int_equal(ima_replay_log(r, &log, &err), IMA_READ_END);
}

static void skip_padded_chain(void **state)
{
	static const uint8_t zero[32];
	struct logbuf lb;
	struct expected e = { 0 };
	struct ima_pcr_set native = { 0 }, padded = { 0 };
	struct ima_replay *r = new_replay();

	(void)state;
	lb_init(&lb, false);
	add_record(&lb, &e, 10, "boot_aggregate", false);
	add_record(&lb, &e, 10, "/bin/sh", true);
	add_record(&lb, &e, 10, "/etc/passwd", false);
	set_reference(&native, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&native, SHA256_BANK, 10, e.sha256[10], 32);
	set_reference(&padded, SHA1_BANK, 10, e.sha1[10], 20);
	set_reference(&padded, SHA256_BANK, 10, e.padded[10], 32);

	/* Native match: the padded chain is not needed and stays zero. */
	replay_log_mem(&lb, &native, true, r);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_NATIVE);
	assert_false(ima_replay_needs_padded(r));
	assert_memory_equal(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].pcr[10],
			    zero, 32);
	ima_replay_free(r);

	/* Padded-style log: no match without the chain, so it is needed. */
	replay_log_mem(&lb, &padded, true, r);
	assert_int_equal(ima_replay_matched_style(r, 0), IMA_STYLE_NATIVE);
	assert_int_equal(ima_replay_matched_style(r, 1), IMA_STYLE_COUNT);
	assert_true(ima_replay_needs_padded(r));
	ima_replay_free(r);

	/* The replay with both chains finds the padded style. */
	replay_log_mem(&lb, &padded, false, r);
	assert_int_equal(ima_replay_matched_style(r, 1),
			 IMA_STYLE_PADDED_SHA1);
	assert_int_equal(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].matched_after,
			 2);
	assert_false(ima_replay_needs_padded(r));
	ima_replay_free(r);

	/* Without reference values the padded chain is kept for the report. */
	replay_log_mem(&lb, NULL, true, r);
	assert_false(ima_replay_needs_padded(r));
	assert_memory_equal(r->banks[1].chain[IMA_STYLE_PADDED_SHA1].pcr[10],
			    e.padded[10], 32);
	free_replay(r);
	lb_free(&lb);
}

static void log_replay_incomplete_tail(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	size_t tampered = 0;

	(void)state;
	build_long_log(&lb, &e, &tampered);
	compare_replays(&lb, lb.len - 3, NULL, IMA_READ_INCOMPLETE);
	/* Inside the 600 KiB record, and inside the first block. */
	compare_replays(&lb, lb.len - 300 * 1024, NULL, IMA_READ_INCOMPLETE);
	compare_replays(&lb, 1000, NULL, IMA_READ_INCOMPLETE);
	lb_free(&lb);
}

static void log_replay_malformed_record(void **state)
{
	struct logbuf lb;
	struct expected e = { 0 };
	size_t tampered = 0;

	(void)state;
	build_long_log(&lb, &e, &tampered);
	lb_put_u32(lb.data + tampered, 99, false);	/* PCR index 99 */
	compare_replays(&lb, lb.len, NULL, IMA_READ_MALFORMED);
	lb_free(&lb);
}

static void log_replay_empty_log(void **state)
{
	struct logbuf lb;

	(void)state;
	lb_init(&lb, false);
	lb_bytes(&lb, "", 0);
	compare_replays(&lb, 0, NULL, IMA_READ_END);
	lb_free(&lb);
}

/*
 * SHA-1 and SHA-256 bypass EVP in the default provider. Both paths must
 * give the same digests and extends at every length up to 300 bytes.
 */
static void direct_hashing_equals_evp(void **state)
{
	static const unsigned int banks[] = { SHA1_BANK, SHA256_BANK };
	uint8_t data[300], want[64], got[64], pcr_a[64], pcr_b[64];
	struct ima_error err = { 0 };
	unsigned int b;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(data); len++)
		data[len] = (uint8_t)(len * 7 + 1);
	for (b = 0; b < 2; b++) {
		struct ima_hasher h;

		assert_true(ima_hasher_init(&h, &ima_banks[banks[b]], &err));
		assert_true(h.direct);
		memset(pcr_a, 0, sizeof(pcr_a));
		memset(pcr_b, 0, sizeof(pcr_b));
		for (len = 0; len <= sizeof(data); len++) {
			h.direct = true;
			assert_true(ima_digest_bytes(&h, data, len, got));
			assert_true(ima_extend(&h, pcr_a, got));
			h.direct = false;
			assert_true(ima_digest_bytes(&h, data, len, want));
			assert_true(ima_extend(&h, pcr_b, want));
			assert_memory_equal(got, want, h.bank->size);
			assert_memory_equal(pcr_a, pcr_b, h.bank->size);
		}
		lb_hash(h.bank->evp_name, data, sizeof(data), want);
		assert_memory_equal(got, want, h.bank->size);
		ima_hasher_free(&h);
	}
	/* SHA-384 has no direct path and keeps EVP. */
	{
		EVP_MD *sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);

		assert_non_null(sha384);
		assert_false(ima_hasher_direct_possible(&ima_banks[2], sha384));
		EVP_MD_free(sha384);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_banks_match_at_end),
		cmocka_unit_test(banks_match_at_different_records),
		cmocka_unit_test(log_behind_pcrs_mismatches),
		cmocka_unit_test(padded_sha1_style_detected),
		cmocka_unit_test(violation_extends_ff),
		cmocka_unit_test(tampered_record_fails),
		cmocka_unit_test(legacy_template_replays),
		cmocka_unit_test(pcr_without_reference),
		cmocka_unit_test(two_pcrs_match_together),
		cmocka_unit_test(slot_digests_checked),
		cmocka_unit_test(failures_kept_are_bounded),
		cmocka_unit_test(log_replay_equals_records),
		cmocka_unit_test(log_replay_matches_mid_log),
		cmocka_unit_test(skip_padded_chain),
		cmocka_unit_test(log_replay_incomplete_tail),
		cmocka_unit_test(log_replay_malformed_record),
		cmocka_unit_test(log_replay_empty_log),
		cmocka_unit_test(direct_hashing_equals_evp),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
