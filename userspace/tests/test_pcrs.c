// SPDX-License-Identifier: GPL-2.0
/* Reference PCR values: both text forms and the TPM sysfs files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/pcrs.h"

static const char sha1_hex[] = "829A2960C8F87845DDA511BD2F1BB445EE0E8225";
static const uint8_t sha1_value[20] = {
	0x82, 0x9a, 0x29, 0x60, 0xc8, 0xf8, 0x78, 0x45, 0xdd, 0xa5,
	0x11, 0xbd, 0x2f, 0x1b, 0xb4, 0x45, 0xee, 0x0e, 0x82, 0x25,
};

static bool parse(struct ima_pcr_set *set, const char *text,
		  const char *bank, struct ima_error *err)
{
	const struct ima_bank_info *info = NULL;

	memset(set, 0, sizeof(*set));
	if (bank)
		info = ima_bank_by_name(bank, strlen(bank));
	return ima_pcrs_parse(set, text, strlen(text), "pcrs.txt", info, err);
}

static void expect_error(const char *text, const char *bank,
			 const char *message)
{
	struct ima_pcr_set *set = malloc(sizeof(*set));
	struct ima_error err = { "" };

	assert_non_null(set);
	assert_false(parse(set, text, bank, &err));
	if (!strstr(err.msg, message))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, message);
	free(set);
}

static void named_bank_lines(void **state)
{
	struct ima_pcr_set *set = malloc(sizeof(*set));
	struct ima_error err;
	char text[512];

	(void)state;
	assert_non_null(set);
	snprintf(text, sizeof(text),
		 "# comment\n\nPCR10-sha1: %s\r\nPCR10-sha256: 07578F869D0005958E1D7090D50DE24A3F3B2C81DC17BEE1487221302B755119\n",
		 sha1_hex);
	assert_true(parse(set, text, NULL, &err));
	assert_true(set->have[0][10]);
	assert_memory_equal(set->value[0][10], sha1_value, 20);
	assert_true(set->have[1][10]);
	assert_int_equal(set->value[1][10][0], 0x07);
	assert_false(set->have[0][9]);
	assert_int_equal(ima_pcr_set_banks(set), 3);
	free(set);
}

static void evmctl_lines_with_bank(void **state)
{
	struct ima_pcr_set *set = malloc(sizeof(*set));
	struct ima_error err;
	char text[512];

	(void)state;
	assert_non_null(set);
	snprintf(text, sizeof(text),
		 "PCR-00: 0000000000000000000000000000000000000000\nPCR-10: %s\n",
		 sha1_hex);
	assert_true(parse(set, text, "sha1", &err));
	assert_true(set->have[0][0]);
	assert_memory_equal(set->value[0][10], sha1_value, 20);
	free(set);
}

static void spaced_lowercase_hex(void **state)
{
	struct ima_pcr_set *set = malloc(sizeof(*set));
	struct ima_error err;

	(void)state;
	assert_non_null(set);
	assert_true(parse(set, "PCR-10: 82 9a 29 60 c8 f8 78 45 dd a5 11 bd 2f 1b b4 45 ee 0e 82 25\n",
			  "sha1", &err));
	assert_memory_equal(set->value[0][10], sha1_value, 20);
	free(set);
}

static void sm3_aliases(void **state)
{
	(void)state;
	assert_ptr_equal(ima_bank_by_name("sm3_256", 7), &ima_banks[4]);
	assert_ptr_equal(ima_bank_by_name("sm3-256", 7), &ima_banks[4]);
	assert_ptr_equal(ima_bank_by_name("sm3", 3), &ima_banks[4]);
	assert_null(ima_bank_by_name("sha", 3));
}

static void invalid_lines_rejected(void **state)
{
	(void)state;
	expect_error("PCR-10: 829A\n", NULL, "pcrs.txt line 1: 'PCR-NN:' lines name no bank");
	expect_error("PCR10-md5: 00\n", NULL, "pcrs.txt line 1: unknown bank \"md5\"");
	expect_error("\nPCR10-sha1: 829A\n", NULL, "pcrs.txt line 2: PCR 10 of bank sha1 needs 20 hex bytes");
	expect_error("PCR24-sha1: 829A2960C8F87845DDA511BD2F1BB445EE0E8225\n", NULL, "PCR index 24 is outside 0-23");
	expect_error("PCR100-sha1: 00\n", NULL, "expected 'PCR-NN: HEX' or 'PCRNN-ALG: HEX'");
	expect_error("pcr10-sha1: 00\n", NULL, "expected 'PCR-NN: HEX'");
	expect_error("PCR10-sha1 829A\n", NULL, "expected 'PCR-NN: HEX'");
	expect_error("PCR10-sha1: 829A2960C8F87845DDA511BD2F1BB445EE0E822G\n", NULL, "needs 20 hex bytes");
	expect_error("PCR10-sha1: 829A2960C8F87845DDA511BD2F1BB445EE0E82250\n", NULL, "needs 20 hex bytes");
	expect_error("PCR10-sha1: 829A2960C8F87845DDA511BD2F1BB445EE0E8225\nPCR10-sha1: 029A2960C8F87845DDA511BD2F1BB445EE0E8225\n",
		     NULL, "line 2: a second, different value for PCR 10");
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sysfs_banks_read(void **state)
{
	struct ima_pcr_set *set = calloc(1, sizeof(*set));
	struct ima_error err;
	char dir[] = "/tmp/imatap-tpm-XXXXXX", path[256];
	unsigned int p;

	(void)state;
	assert_non_null(set);
	assert_non_null(mkdtemp(dir));
	assert_false(ima_pcrs_read_sysfs(set, dir, &err));
	assert_non_null(strstr(err.msg, "has no pcr-<alg> directories"));

	snprintf(path, sizeof(path), "%s/pcr-sha1", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (p = 0; p < 24; p++) {
		snprintf(path, sizeof(path), "%s/pcr-sha1/%u", dir, p);
		write_text(path, p == 10 ? "829A2960C8F87845DDA511BD2F1BB445EE0E8225\n" :
			   "0000000000000000000000000000000000000000\n");
	}
	assert_true(ima_pcrs_read_sysfs(set, dir, &err));
	assert_memory_equal(set->value[0][10], sha1_value, 20);
	assert_int_equal(ima_pcr_set_banks(set), 1);

	snprintf(path, sizeof(path), "%s/pcr-sha1/5", dir);
	write_text(path, "00\n");
	assert_false(ima_pcrs_read_sysfs(set, dir, &err));
	assert_non_null(strstr(err.msg, "pcr-sha1/5 does not hold 20 hex bytes"));
	write_text(path, "0000000000000000000000000000000000000000\n");
	snprintf(path, sizeof(path), "%s/pcr-sha1/23", dir);
	unlink(path);
	assert_false(ima_pcrs_read_sysfs(set, dir, &err));
	assert_non_null(strstr(err.msg, "cannot read"));

	for (p = 0; p < 24; p++) {
		snprintf(path, sizeof(path), "%s/pcr-sha1/%u", dir, p);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/pcr-sha1", dir);
	rmdir(path);
	rmdir(dir);
	free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(named_bank_lines),
		cmocka_unit_test(evmctl_lines_with_bank),
		cmocka_unit_test(spaced_lowercase_hex),
		cmocka_unit_test(sm3_aliases),
		cmocka_unit_test(invalid_lines_rejected),
		cmocka_unit_test(sysfs_banks_read),
	};

	return cmocka_run_group_tests_name("pcrs", tests, NULL, NULL);
}
