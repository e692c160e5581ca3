// SPDX-License-Identifier: GPL-2.0
/*
 * Cutting a batch where the log meets a quote, including a quote whose
 * PCR 10 is older than the PCRs read after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/attest.h"
#include "../lib/bank.h"
#include "../lib/batch.h"
#include "logbuilder.h"

#define RECORDS		3
#define SHA1_LEN	20

/* A sha1 log of RECORDS ima-ng records and PCR 10 after each of them. */
struct fixture {
	struct logbuf log;
	uint8_t pcr10[RECORDS + 1][SHA1_LEN];	/* [0]: before any */
	unsigned int sha1;			/* ima_banks index */
	TPML_PCR_SELECTION sel;
	struct ima_pcr_set values;
	uint8_t start[IMA_BANK_COUNT][IMA_DIGEST_MAX];
};

static void build(struct fixture *f)
{
	unsigned int i, pcr;

	memset(f, 0, sizeof(*f));
	f->sha1 = ima_bank_index(ima_bank_by_alg(TPM2_ALG_SHA1));
	lb_init(&f->log, false);
	for (i = 0; i < RECORDS; i++) {
		uint8_t file_digest[SHA1_LEN], d_ng[64], data[256];
		uint8_t digest[SHA1_LEN], cat[2 * SHA1_LEN];
		char name[32];
		struct lb_field fields[2];
		size_t len;

		snprintf(name, sizeof(name), "/usr/bin/tool%u", i);
		memset(file_digest, 0x30 + i, sizeof(file_digest));
		fields[0].data = d_ng;
		fields[0].len = lb_digest_ng(d_ng, "sha1:", file_digest,
					     sizeof(file_digest));
		fields[1].data = name;
		fields[1].len = (uint32_t)strlen(name) + 1;
		lb_record(&f->log, 10, "ima-ng", fields, 2, false);

		/* PCR 10 extended by hand, independently of lib/. */
		len = lb_template_data(data, false, fields, 2);
		lb_hash("SHA1", data, len, digest);
		memcpy(cat, f->pcr10[i], SHA1_LEN);
		memcpy(cat + SHA1_LEN, digest, SHA1_LEN);
		lb_hash("SHA1", cat, sizeof(cat), f->pcr10[i + 1]);
	}

	/* Quote PCRs 0-10 of the sha1 bank; PCRs 0-9 hold 0x00, 0x01, ... */
	f->sel.count = 1;
	f->sel.pcrSelections[0].hash = TPM2_ALG_SHA1;
	f->sel.pcrSelections[0].sizeofSelect = 3;
	f->sel.pcrSelections[0].pcrSelect[0] = 0xff;
	f->sel.pcrSelections[0].pcrSelect[1] = 0x07;
	for (pcr = 0; pcr <= IMA_PCR; pcr++) {
		f->values.have[f->sha1][pcr] = true;
		memset(f->values.value[f->sha1][pcr], (int)pcr, SHA1_LEN);
	}
}

/* The quote's pcrDigest (SHA-256) of PCRs 0-9 as set and pcr10. */
static TPM2B_DIGEST quoted_digest(const struct fixture *f,
				  const uint8_t *pcr10)
{
	uint8_t cat[(IMA_PCR + 1) * SHA1_LEN];
	TPM2B_DIGEST d = { .size = 32 };
	unsigned int pcr;

	for (pcr = 0; pcr < IMA_PCR; pcr++)
		memcpy(cat + pcr * SHA1_LEN, f->values.value[f->sha1][pcr],
		       SHA1_LEN);
	memcpy(cat + IMA_PCR * SHA1_LEN, pcr10, SHA1_LEN);
	lb_hash("SHA256", cat, sizeof(cat), d.buffer);
	return d;
}

/* A target over the fixture's values, for a quote of PCR 10 = pcr10. */
static struct batch_quote_target target(struct fixture *f, bool read_is_quoted,
					const uint8_t *pcr10)
{
	struct batch_quote_target t = {
		.selection = &f->sel, .values = &f->values,
		.hash_alg = TPM2_ALG_SHA256, .read_is_quoted = read_is_quoted,
	};

	t.digest = quoted_digest(f, pcr10);
	return t;
}

static bool cut(struct fixture *f, const struct batch_quote_target *t,
		struct batch_cut *c)
{
	struct ima_error err;
	bool ok = batch_find_cut(f->log.data, f->log.len, false, 0,
				 1U << f->sha1, f->start, batch_meets_quote, t,
				 c, &err);

	if (!ok)
		print_error("%s\n", err.msg);
	return ok;
}

/* The set digest equals the digest of the encoded and parsed values. */
static void set_digest_matches_encoded_digest(void **state)
{
	struct fixture f;
	struct quoted_pcrs parsed;
	struct ima_error err;
	uint8_t a[IMA_DIGEST_MAX], b[IMA_DIGEST_MAX], *data;
	size_t a_len, b_len, len;
	TPM2B_DIGEST want;

	(void)state;
	build(&f);
	assert_true(pcr_set_digest(TPM2_ALG_SHA256, &f.sel, &f.values, a,
				   &a_len, &err));
	assert_true(quoted_pcrs_encode(&f.sel, &f.values, &data, &len, &err));
	assert_true(quoted_pcrs_parse(data, len, &parsed, &err));
	assert_true(pcr_digest(TPM2_ALG_SHA256, &parsed, b, &b_len, &err));
	assert_int_equal(a_len, 32);
	assert_int_equal(b_len, 32);
	assert_memory_equal(a, b, 32);
	want = quoted_digest(&f, f.values.value[f.sha1][IMA_PCR]);
	assert_memory_equal(a, want.buffer, 32);

	/* A selected PCR without a value is an error, not a digest. */
	f.values.have[f.sha1][4] = false;
	assert_false(pcr_set_digest(TPM2_ALG_SHA256, &f.sel, &f.values, a,
				    &a_len, &err));
	assert_non_null(strstr(err.msg, "no value for PCR 4"));
	quoted_pcrs_free(&parsed);
	free(data);
	lb_free(&f.log);
}

/* PCRs read as quoted: the cut is where PCR 10 equals the value read. */
static void cut_at_read_pcr10(void **state)
{
	struct fixture f;
	struct batch_quote_target t;
	struct batch_cut c;

	(void)state;
	build(&f);
	memcpy(f.values.value[f.sha1][IMA_PCR], f.pcr10[1], SHA1_LEN);
	t = target(&f, true, f.pcr10[1]);
	assert_true(cut(&f, &t, &c));
	assert_true(c.found);
	assert_int_equal(c.entries, 1);
	assert_int_equal(c.available, RECORDS);
	lb_free(&f.log);
}

/*
 * The quote saw two records, the PCR read after it saw three: the cut
 * falls after the second, and values end up holding the quoted PCR 10.
 */
static void cut_at_quote_when_pcr10_moved_on(void **state)
{
	struct fixture f;
	struct batch_quote_target t;
	struct batch_cut c;

	(void)state;
	build(&f);
	memcpy(f.values.value[f.sha1][IMA_PCR], f.pcr10[3], SHA1_LEN);
	t = target(&f, false, f.pcr10[2]);
	assert_true(cut(&f, &t, &c));
	assert_true(c.found);
	assert_int_equal(c.entries, 2);
	assert_int_equal(c.available, RECORDS);
	assert_memory_equal(f.values.value[f.sha1][IMA_PCR], f.pcr10[2],
			    SHA1_LEN);

	/* A quote before any record gives an empty batch. */
	t.digest = quoted_digest(&f, f.pcr10[0]);
	assert_true(cut(&f, &t, &c));
	assert_true(c.found);
	assert_int_equal(c.entries, 0);
	assert_int_equal(c.end, c.begin);
	lb_free(&f.log);
}

/* PCR 3 changed after the quote: no prefix meets it, and that is no error. */
static void no_cut_when_other_pcr_changed(void **state)
{
	struct fixture f;
	struct batch_quote_target t;
	struct batch_cut c;

	(void)state;
	build(&f);
	t = target(&f, false, f.pcr10[2]);
	f.values.value[f.sha1][3][0] ^= 1;
	assert_true(cut(&f, &t, &c));
	assert_false(c.found);
	assert_int_equal(c.available, RECORDS);
	lb_free(&f.log);
}

/* A quoted bank the batch does not replay is named. */
static void unreplayed_bank_is_an_error(void **state)
{
	struct fixture f;
	struct batch_quote_target t;
	struct batch_cut c;
	struct ima_error err;

	(void)state;
	build(&f);
	f.sel.count = 2;
	f.sel.pcrSelections[1] = f.sel.pcrSelections[0];
	f.sel.pcrSelections[1].hash = TPM2_ALG_SHA256;
	t = target(&f, false, f.pcr10[0]);
	assert_false(batch_find_cut(f.log.data, f.log.len, false, 0,
				    1U << f.sha1, f.start, batch_meets_quote,
				    &t, &c, &err));
	assert_non_null(strstr(err.msg, "bank 0x000b"));
	lb_free(&f.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_digest_matches_encoded_digest),
		cmocka_unit_test(cut_at_read_pcr10),
		cmocka_unit_test(cut_at_quote_when_pcr10_moved_on),
		cmocka_unit_test(no_cut_when_other_pcr_changed),
		cmocka_unit_test(unreplayed_bank_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
