// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's configuration file: a complete file, the defaults, options
 * over the file, and each error with the file and line it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/conf.h"

static const char good_file[] =
	"# imatap daemon\n"
	"\n"
	"journal = /srv/imatap/journal\n"
	"  tcti=device:/dev/tpmrm0  \n"
	"ak_handle = 0x81010003\n"
	"ek_handle = 81010001\n"
	"ak_type = rsa\n"
	"batch_entries = 250\n"
	"batch_seconds = 30\n"
	"poll_seconds = 5\n"
	"reference = /etc/imatap/policy.json\n"
	"reference = /etc/imatap/extra.sha256sum\n"
	"\t# a comment after blanks\n"
	"exclude = /etc/imatap/excludes\n"
	"signature_key = /etc/keys/ima.pem\n"
	"benchmark_set = /etc/imatap/set.json\n"
	"ear_key = /etc/imatap/ear.key\n"
	"violations = warn\r\n";

static void parse(struct daemon_config *cfg, const char *text, bool expect_ok,
		  struct ima_error *err)
{
	assert_true(conf_init(cfg));
	err->msg[0] = 0;
	assert_int_equal(conf_parse(cfg, "imatap.conf", text, strlen(text), err),
			 expect_ok);
}

static void good_file_sets_every_key(void **state)
{
	struct daemon_config cfg;
	struct ima_error err;

	(void)state;
	parse(&cfg, good_file, true, &err);
	assert_string_equal(cfg.journal, "/srv/imatap/journal");
	assert_string_equal(cfg.tcti, "device:/dev/tpmrm0");
	assert_int_equal(cfg.ak_handle, 0x81010003);
	assert_int_equal(cfg.ek_handle, 0x81010001);
	assert_int_equal(cfg.ak_kind, AK_RSA_2048);
	assert_int_equal(cfg.batch_entries, 250);
	assert_int_equal(cfg.batch_seconds, 30);
	assert_int_equal(cfg.poll_seconds, 5);
	assert_int_equal(cfg.references.count, 2);
	assert_string_equal(cfg.references.items[0], "/etc/imatap/policy.json");
	assert_string_equal(cfg.references.items[1], "/etc/imatap/extra.sha256sum");
	assert_int_equal(cfg.excludes.count, 1);
	assert_int_equal(cfg.signature_keys.count, 1);
	assert_string_equal(cfg.benchmark_set, "/etc/imatap/set.json");
	assert_string_equal(cfg.ear_key, "/etc/imatap/ear.key");
	assert_true(cfg.violations_warn);
	conf_free(&cfg);
}

static void empty_file_keeps_defaults(void **state)
{
	struct daemon_config cfg;
	struct ima_error err;

	(void)state;
	parse(&cfg, "", true, &err);
	assert_string_equal(cfg.journal, CONF_DEFAULT_JOURNAL);
	assert_null(cfg.tcti);
	assert_int_equal(cfg.ak_handle, IMATAP_AK_HANDLE);
	assert_int_equal(cfg.ek_handle, TPM_EK_RSA_HANDLE);
	assert_int_equal(cfg.ak_kind, AK_ECC_P256);
	assert_int_equal(cfg.batch_entries, CONF_DEFAULT_BATCH_ENTRIES);
	assert_int_equal(cfg.batch_seconds, CONF_DEFAULT_BATCH_SECONDS);
	assert_int_equal(cfg.poll_seconds, CONF_DEFAULT_POLL_SECONDS);
	assert_int_equal(cfg.references.count, 0);
	assert_null(cfg.benchmark_set);
	assert_null(cfg.ear_key);
	assert_false(cfg.violations_warn);
	conf_free(&cfg);
}

static void options_override_file(void **state)
{
	struct daemon_config cfg;
	struct ima_error err;

	(void)state;
	parse(&cfg, good_file, true, &err);
	assert_true(conf_set_option(&cfg, "batch_seconds", "5",
				    "--batch-seconds", &err));
	assert_true(conf_set_option(&cfg, "reference", "/tmp/a", "--reference",
				    &err));
	assert_true(conf_set_option(&cfg, "reference", "/tmp/b", "--reference",
				    &err));
	assert_int_equal(cfg.batch_seconds, 5);
	/* The options' list replaces the file's. */
	assert_int_equal(cfg.references.count, 2);
	assert_string_equal(cfg.references.items[0], "/tmp/a");
	assert_string_equal(cfg.references.items[1], "/tmp/b");
	assert_int_equal(cfg.excludes.count, 1);
	assert_false(conf_set_option(&cfg, "batch_entries", "0",
				     "--batch-entries", &err));
	assert_string_equal(err.msg,
			    "--batch-entries: invalid batch_entries \"0\": expected an integer from 1 to 1000000");
	conf_free(&cfg);
}

/* Each malformed file and the exact message, which names file and line. */
static void errors_name_file_and_line(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "batch_entries = 10\nbogus = 1\n",
		  "imatap.conf:2: unknown key \"bogus\"; imatap.conf(5) lists the keys" },
		{ "# comment\n\njournal /var/lib/x\n",
		  "imatap.conf:3: expected \"key = value\", got \"journal /var/lib/x\"" },
		{ "reference =\n",
		  "imatap.conf:1: reference has no value" },
		{ "batch_entries = 0\n",
		  "imatap.conf:1: invalid batch_entries \"0\": expected an integer from 1 to 1000000" },
		{ "batch_entries = 1000001\n",
		  "imatap.conf:1: invalid batch_entries \"1000001\": expected an integer from 1 to 1000000" },
		{ "batch_seconds = 10s\n",
		  "imatap.conf:1: invalid batch_seconds \"10s\": expected an integer from 1 to 86400" },
		{ "poll_seconds = -1\n",
		  "imatap.conf:1: invalid poll_seconds \"-1\": expected an integer from 1 to 86400" },
		{ "ak_handle = 0x01010002\n",
		  "imatap.conf:1: invalid ak_handle \"0x01010002\": expected a persistent handle, 8 hex digits such as 0x81010002" },
		{ "ek_handle = 0x8101\n",
		  "imatap.conf:1: invalid ek_handle \"0x8101\": expected a persistent handle, 8 hex digits such as 0x81010002" },
		{ "ak_type = ed25519\n",
		  "imatap.conf:1: invalid ak_type \"ed25519\": expected ecc or rsa" },
		{ "violations = ignore\n",
		  "imatap.conf:1: invalid violations \"ignore\": expected fail or warn" },
		{ "journal = /a\n\n\njournal = /b\n",
		  "imatap.conf:4: journal is already set on line 1" },
	};
	struct daemon_config cfg;
	struct ima_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(&cfg, cases[i].text, false, &err);
		if (strcmp(err.msg, cases[i].message) != 0)
			fail_msg("case %zu: got \"%s\", expected \"%s\"", i,
				 err.msg, cases[i].message);
		conf_free(&cfg);
	}
}

static void nul_byte_is_rejected(void **state)
{
	static const char text[] = "journal = /a\nreference = /b\0c\n";
	struct daemon_config cfg;
	struct ima_error err;

	(void)state;
	assert_true(conf_init(&cfg));
	assert_false(conf_parse(&cfg, "imatap.conf", text, sizeof(text) - 1,
				&err));
	assert_string_equal(err.msg, "imatap.conf:2: the line holds a NUL byte");
	conf_free(&cfg);
}

static void missing_file_is_reported(void **state)
{
	struct daemon_config cfg;
	struct ima_error err;

	(void)state;
	assert_true(conf_init(&cfg));
	assert_false(conf_load(&cfg, "/nonexistent/imatap.conf", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/imatap.conf"));
	conf_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_sets_every_key),
		cmocka_unit_test(empty_file_keeps_defaults),
		cmocka_unit_test(options_override_file),
		cmocka_unit_test(errors_name_file_and_line),
		cmocka_unit_test(nul_byte_is_rejected),
		cmocka_unit_test(missing_file_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
