// SPDX-License-Identifier: GPL-2.0
/* TPMS_ATTEST, TPMT_SIGNATURE and carried PCR values: parsing and checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "../lib/attest.h"
#include "../lib/bank.h"

/* A quote's TPMS_ATTEST, built field by field in big-endian order. */
struct builder {
	uint8_t buf[512];
	size_t len;
};

static void put(struct builder *b, uint64_t v, unsigned int bytes)
{
	while (bytes--)
		b->buf[b->len++] = (uint8_t)(v >> (8 * bytes));
}

static void put_bytes(struct builder *b, const void *p, size_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void build_attest(struct builder *b, uint32_t magic, uint16_t type)
{
	static const uint8_t nonce[4] = { 1, 2, 3, 4 };
	uint8_t digest[32];

	memset(b, 0, sizeof(*b));
	memset(digest, 0xab, sizeof(digest));
	put(b, magic, 4);
	put(b, type, 2);
	put(b, 2, 2);			/* qualifiedSigner: 2 bytes */
	put(b, 0x000b, 2);
	put(b, sizeof(nonce), 2);	/* extraData */
	put_bytes(b, nonce, sizeof(nonce));
	put(b, 123456, 8);		/* clock */
	put(b, 7, 4);			/* resetCount */
	put(b, 1, 4);			/* restartCount */
	put(b, 1, 1);			/* safe */
	put(b, 0x20191023, 8);		/* firmwareVersion */
	put(b, 1, 4);			/* one bank */
	put(b, TPM2_ALG_SHA256, 2);
	put(b, 3, 1);
	put(b, 0x00, 1);
	put(b, 0x04, 1);		/* PCR 10 */
	put(b, 0x00, 1);
	put(b, sizeof(digest), 2);	/* pcrDigest */
	put_bytes(b, digest, sizeof(digest));
}

static void attest_parses_quote(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_QUOTE);
	assert_true(attest_parse(b.buf, b.len, &a, &err));
	assert_int_equal(a.extra.size, 4);
	assert_int_equal(a.extra.buffer[3], 4);
	assert_int_equal(a.clock.clock, 123456);
	assert_int_equal(a.clock.resetCount, 7);
	assert_int_equal(a.clock.restartCount, 1);
	assert_int_equal(a.selection.count, 1);
	assert_int_equal(a.selection.pcrSelections[0].hash, TPM2_ALG_SHA256);
	assert_int_equal(a.selection.pcrSelections[0].pcrSelect[1], 0x04);
	assert_int_equal(a.pcr_digest.size, 32);
}

static void attest_rejects_magic(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE ^ 1, TPM2_ST_ATTEST_QUOTE);
	assert_false(attest_parse(b.buf, b.len, &a, &err));
	assert_non_null(strstr(err.msg, "TPM_GENERATED_VALUE"));
}

static void attest_rejects_certify_type(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_CERTIFY);
	assert_false(attest_parse(b.buf, b.len, &a, &err));
	assert_non_null(strstr(err.msg, "TPM_ST_ATTEST_QUOTE"));
}

static void attest_rejects_every_truncation(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;
	size_t len;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_QUOTE);
	for (len = 0; len < b.len; len++)
		assert_false(attest_parse(b.buf, len, &a, &err));
}

static void attest_rejects_trailing_byte(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_QUOTE);
	b.len++;
	assert_false(attest_parse(b.buf, b.len, &a, &err));
	assert_non_null(strstr(err.msg, "follow"));
}

static void attest_rejects_oversized_nonce(void **state)
{
	struct builder b;
	struct quote_attest a;
	struct ima_error err;

	(void)state;
	build_attest(&b, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_QUOTE);
	/* extraData's size field follows magic, type and the 4-byte signer. */
	b.buf[10] = 0xff;
	b.buf[11] = 0xff;
	assert_false(attest_parse(b.buf, b.len, &a, &err));
}

static void set_values(struct ima_pcr_set *set, unsigned int bank,
		       unsigned int first, unsigned int last)
{
	unsigned int pcr;

	for (pcr = first; pcr <= last; pcr++) {
		set->have[bank][pcr] = true;
		memset(set->value[bank][pcr], (int)(pcr + 16 * bank),
		       ima_banks[bank].size);
	}
}

static void selection_0_to_10(TPML_PCR_SELECTION *sel)
{
	uint32_t i;

	memset(sel, 0, sizeof(*sel));
	sel->count = 2;
	sel->pcrSelections[0].hash = TPM2_ALG_SHA1;
	sel->pcrSelections[1].hash = TPM2_ALG_SHA256;
	for (i = 0; i < 2; i++) {
		sel->pcrSelections[i].sizeofSelect = 3;
		sel->pcrSelections[i].pcrSelect[0] = 0xff;
		sel->pcrSelections[i].pcrSelect[1] = 0x07;
	}
}

static void pcrs_round_trip(void **state)
{
	struct ima_pcr_set *set = calloc(1, sizeof(*set));
	TPML_PCR_SELECTION sel;
	struct quoted_pcrs q;
	struct ima_error err;
	uint8_t *data = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(set);
	selection_0_to_10(&sel);
	set_values(set, 0, 0, 10);
	set_values(set, 1, 0, 10);
	assert_true(quoted_pcrs_encode(&sel, set, &data, &len, &err));
	assert_int_equal(len, 4 + 2 * 6 + 11 * 20 + 11 * 32);
	assert_true(quoted_pcrs_parse(data, len, &q, &err));
	assert_true(pcr_selection_equal(&sel, &q.selection));
	assert_memory_equal(q.values.value[1][10], set->value[1][10], 32);
	assert_int_equal(q.concat_len, 11 * 20 + 11 * 32);
	quoted_pcrs_free(&q);

	/* The last value one byte short. */
	assert_false(quoted_pcrs_parse(data, len - 1, &q, &err));
	free(data);
	free(set);
}

static void pcrs_rejects_trailing_bytes(void **state)
{
	struct ima_pcr_set *set = calloc(1, sizeof(*set));
	TPML_PCR_SELECTION sel;
	struct quoted_pcrs q;
	struct ima_error err;
	uint8_t *data = NULL, *longer;
	size_t len = 0;

	(void)state;
	assert_non_null(set);
	selection_0_to_10(&sel);
	set_values(set, 0, 0, 10);
	set_values(set, 1, 0, 10);
	assert_true(quoted_pcrs_encode(&sel, set, &data, &len, &err));
	longer = calloc(1, len + 1);
	assert_non_null(longer);
	memcpy(longer, data, len);
	assert_false(quoted_pcrs_parse(longer, len + 1, &q, &err));
	assert_non_null(strstr(err.msg, "follow"));
	free(longer);
	free(data);
	free(set);
}

static void selection_equal_needs_same_pcrs(void **state)
{
	TPML_PCR_SELECTION a, b;

	(void)state;
	selection_0_to_10(&a);
	selection_0_to_10(&b);
	assert_true(pcr_selection_equal(&a, &b));

	b.pcrSelections[0].pcrSelect[1] = 0x03;
	assert_false(pcr_selection_equal(&a, &b));

	selection_0_to_10(&b);
	b.pcrSelections[1].hash = TPM2_ALG_SHA384;
	assert_false(pcr_selection_equal(&a, &b));

	selection_0_to_10(&b);
	b.count = 1;
	assert_false(pcr_selection_equal(&a, &b));

	/* A longer select array with the same bits is the same selection. */
	selection_0_to_10(&b);
	b.pcrSelections[0].sizeofSelect = 4;
	assert_true(pcr_selection_equal(&a, &b));
}

/* Sign msg with a fresh P-256 key as a TPM would, into a TPMT_SIGNATURE. */
static void sign_ecdsa(EVP_PKEY *pkey, const uint8_t *msg, size_t msg_len,
		       uint16_t hash_alg, struct builder *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[128], r[32], s[32];
	const uint8_t *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *es;

	assert_int_equal(EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL,
					       pkey, NULL), 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &der_len, msg, msg_len), 1);
	es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	assert_non_null(es);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), r, 32), 32);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), s, 32), 32);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);

	memset(sig, 0, sizeof(*sig));
	put(sig, TPM2_ALG_ECDSA, 2);
	put(sig, hash_alg, 2);
	put(sig, 32, 2);
	put_bytes(sig, r, 32);
	put(sig, 32, 2);
	put_bytes(sig, s, 32);
}

static void signature_verifies_only_key_scheme(void **state)
{
	EVP_PKEY *pkey = EVP_EC_gen("P-256");
	struct ak_key key = { .sig_alg = TPM2_ALG_ECDSA,
			      .hash_alg = TPM2_ALG_SHA256 };
	struct quote_signature sig;
	struct builder attest, raw;
	struct ima_error err;

	(void)state;
	assert_non_null(pkey);
	key.pkey = pkey;
	build_attest(&attest, TPM2_GENERATED_VALUE, TPM2_ST_ATTEST_QUOTE);

	sign_ecdsa(pkey, attest.buf, attest.len, TPM2_ALG_SHA256, &raw);
	assert_true(signature_parse(raw.buf, raw.len, &sig, &err));
	assert_true(signature_verify(&key, &sig, attest.buf, attest.len, &err));

	/* One changed attest byte. */
	attest.buf[20] ^= 1;
	assert_false(signature_verify(&key, &sig, attest.buf, attest.len, &err));
	attest.buf[20] ^= 1;

	/* The same signature claiming another hash is not tried. */
	sig.hash_alg = TPM2_ALG_SHA384;
	assert_false(signature_verify(&key, &sig, attest.buf, attest.len, &err));
	assert_non_null(strstr(err.msg, "not the key's scheme"));

	/* An RSASSA signature for an ECDSA key is not tried either. */
	sig.hash_alg = TPM2_ALG_SHA256;
	sig.sig_alg = TPM2_ALG_RSASSA;
	assert_false(signature_verify(&key, &sig, attest.buf, attest.len, &err));
	EVP_PKEY_free(pkey);
}

static void signature_rejects_malformed(void **state)
{
	static const uint8_t hmac[] = { 0x00, 0x05, 0x00, 0x0b };
	static const uint8_t short_ecdsa[] = { 0x00, 0x18, 0x00, 0x0b, 0x00, 0x20 };
	struct quote_signature sig;
	struct ima_error err;

	(void)state;
	assert_false(signature_parse(hmac, sizeof(hmac), &sig, &err));
	assert_false(signature_parse(short_ecdsa, sizeof(short_ecdsa), &sig,
				     &err));
	assert_false(signature_parse(hmac, 3, &sig, &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attest_parses_quote),
		cmocka_unit_test(attest_rejects_magic),
		cmocka_unit_test(attest_rejects_certify_type),
		cmocka_unit_test(attest_rejects_every_truncation),
		cmocka_unit_test(attest_rejects_trailing_byte),
		cmocka_unit_test(attest_rejects_oversized_nonce),
		cmocka_unit_test(pcrs_round_trip),
		cmocka_unit_test(pcrs_rejects_trailing_bytes),
		cmocka_unit_test(selection_equal_needs_same_pcrs),
		cmocka_unit_test(signature_verifies_only_key_scheme),
		cmocka_unit_test(signature_rejects_malformed),
	};

	return cmocka_run_group_tests_name("attest", tests, NULL, NULL);
}
