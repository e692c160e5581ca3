// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's journal: record names, the record format, crash-safe
 * writes, and recovery from a half-written temporary file, a truncated
 * record and records whose names do not match their batches. The records
 * are a real journal of swtpm quotes, written by tests/make-journal-case.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/chainappraise.h"
#include "../lib/journal.h"
#include "logbuilder.h"

#define CASE_RECORDS	5
#define CASE_ENTRIES	23

static const char *const case_names[CASE_RECORDS] = {
	"000001-000000000000.json", "000001-000000000005.json",
	"000001-000000000010.json", "000001-000000000016.json",
	"000001-000000000020.json",
};

static const char *case_dir(void)
{
	const char *dir = getenv("IMATAP_JOURNAL_CASE");

	return dir && *dir ? dir : "tests/journal-case";
}

struct fixture {
	char dir[64];
	int dirfd;
	struct ak_key ak;
	char boot_id[64];
};

static void copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *data = lb_read_file(from, &len);
	FILE *f = fopen(to, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(data);
}

/* A scratch copy of the case journal. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct journal_record rec;
	struct ima_error err;
	char from[1200], to[1200];
	size_t i;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/imatap-journal-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	for (i = 0; i < CASE_RECORDS; i++) {
		snprintf(from, sizeof(from), "%s/%s", case_dir(), case_names[i]);
		snprintf(to, sizeof(to), "%s/%s", f->dir, case_names[i]);
		copy_file(from, to);
	}
	snprintf(from, sizeof(from), "%s/ak.pub", case_dir());
	snprintf(to, sizeof(to), "%s/ak.pub", f->dir);
	copy_file(from, to);
	if (!ak_key_load(&f->ak, to, &err))
		fail_msg("%s", err.msg);
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->dirfd >= 0);
	if (!journal_record_read(f->dirfd, case_names[0], &rec, &err))
		fail_msg("%s", err.msg);
	snprintf(f->boot_id, sizeof(f->boot_id), "%s", rec.ev.batch.boot_id);
	journal_record_free(&rec);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	close(f->dirfd);
	ak_key_free(&f->ak);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static bool exists(const struct fixture *f, const char *name)
{
	return faccessat(f->dirfd, name, F_OK, 0) == 0;
}

static void record_names_round_trip(void **state)
{
	char name[JOURNAL_NAME_SIZE];
	unsigned int chain;
	uint64_t first;

	(void)state;
	journal_record_name(name, 3, 123456789012ULL);
	assert_string_equal(name, "000003-123456789012.json");
	assert_true(journal_parse_name(name, &chain, &first));
	assert_int_equal(chain, 3);
	assert_int_equal(first, 123456789012ULL);
}

static void record_names_rejected(void **state)
{
	static const char *const bad[] = {
		"000000-000000000000.json",	/* chain 0 */
		"00001-000000000000.json",	/* 5 digits */
		"000001-00000000000.json",	/* 11 digits */
		"000001_000000000000.json",
		"000001-000000000000.jsonx",
		"000001-00000000000a.json",
		".000001-000000000000.json.abcdef",
		"ak.pub",
	};
	unsigned int chain;
	uint64_t first;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (journal_parse_name(bad[i], &chain, &first))
			fail_msg("accepted the name %s", bad[i]);
}

/* Decode a case record, encode it again, and decode that. */
static void record_encoding_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal_record rec, again;
	struct ima_error err;
	char *text;

	if (!journal_record_read(f->dirfd, case_names[1], &rec, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(rec.nonce_len, JOURNAL_NONCE_SIZE);
	assert_non_null(rec.appraisal);
	assert_null(rec.ear);
	assert_int_equal(rec.ev.batch.first_index, 5);

	rec.ear = strdup("header.payload.signature");
	text = journal_record_encode(&rec, &err);
	assert_non_null(text);
	if (!journal_record_decode(text, strlen(text), &again, &err))
		fail_msg("%s", err.msg);
	assert_memory_equal(again.nonce, rec.nonce, JOURNAL_NONCE_SIZE);
	assert_string_equal(again.appraisal, rec.appraisal);
	assert_string_equal(again.ear, "header.payload.signature");
	assert_int_equal(again.ev.log_len, rec.ev.log_len);
	assert_memory_equal(again.ev.log, rec.ev.log, rec.ev.log_len);
	assert_int_equal(again.ev.batch.entries, rec.ev.batch.entries);
	free(text);
	journal_record_free(&again);
	journal_record_free(&rec);
}

static void record_without_nonce_rejected(void **state)
{
	struct fixture *f = *state;
	struct journal_record rec, again;
	struct ima_error err;
	char *text, *member;

	if (!journal_record_read(f->dirfd, case_names[1], &rec, &err))
		fail_msg("%s", err.msg);
	text = journal_record_encode(&rec, &err);
	assert_non_null(text);
	member = strstr(text, "\"nonce\"");
	assert_non_null(member);
	memcpy(member, "\"nonse\"", 7);
	assert_false(journal_record_decode(text, strlen(text), &again, &err));
	assert_non_null(strstr(err.msg, "no nonce"));
	free(text);
	journal_record_free(&rec);
}

static void write_file_leaves_no_temporary(void **state)
{
	struct fixture *f = *state;
	struct journal_listing l;
	struct ima_error err;
	uint8_t *data;
	size_t len;
	char path[128];

	assert_true(journal_write_file(f->dirfd, "ak.name", "name", 4, &err));
	snprintf(path, sizeof(path), "%s/ak.name", f->dir);
	data = lb_read_file(path, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "name", 4);
	free(data);
	assert_true(journal_list(f->dirfd, false, &l, &err));
	assert_int_equal(l.temp_files, 0);
	assert_int_equal(l.count, CASE_RECORDS);
	journal_listing_free(&l);
}

static void case_chain_verifies(void **state)
{
	struct fixture *f = *state;
	struct journal_listing l;
	struct journal_walk walk;
	struct ima_error err;
	size_t end;

	assert_true(journal_list(f->dirfd, false, &l, &err));
	assert_int_equal(l.count, CASE_RECORDS);
	journal_chain_bounds(&l, 0, &end);
	assert_int_equal(end, CASE_RECORDS);
	assert_true(journal_walk_chain(f->dirfd, &l, 0, end, &f->ak, NULL, NULL,
				       &walk, &err));
	if (walk.failed)
		fail_msg("%s", walk.why.msg);
	assert_int_equal(walk.good, CASE_RECORDS);
	assert_int_equal(walk.next_index, CASE_ENTRIES);
	journal_walk_free(&walk);
	journal_listing_free(&l);
}

static bool count_record(const struct journal_record *rec,
			 const struct verify_result *res, void *arg,
			 struct ima_error *err)
{
	(void)rec;
	(void)res;
	(void)err;
	(*(int *)arg)++;
	return true;
}

/* A crash after the temporary file was written but before its rename. */
static void recover_removes_half_written_temporary(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;
	char path[128];
	FILE *tmp;
	int seen = 0;

	snprintf(path, sizeof(path), "%s/.000001-000000000023.json.Ab12Cd",
		 f->dir);
	tmp = fopen(path, "w");
	assert_non_null(tmp);
	fputs("{\n  \"__cmwc_t\": \"tag:imatap.org,2026:evi", tmp);
	fclose(tmp);
	snprintf(path, sizeof(path), "%s/notes.txt", f->dir);
	tmp = fopen(path, "w");
	assert_non_null(tmp);
	fclose(tmp);

	if (!journal_recover(f->dirfd, &f->ak, f->boot_id, count_record, &seen,
			     &r, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r.temp_removed, 1);
	assert_false(exists(f, ".000001-000000000023.json.Ab12Cd"));
	assert_int_equal(r.unknown, 1);
	assert_string_equal(r.first_unknown, "notes.txt");
	assert_true(exists(f, "notes.txt"));
	assert_int_equal(r.set_aside, 0);
	assert_true(r.resume);
	assert_int_equal(r.chain, 1);
	assert_int_equal(r.next_index, CASE_ENTRIES);
	assert_int_equal(r.last.ev.batch.first_index, 20);
	assert_int_equal(seen, CASE_RECORDS);
	journal_recovery_free(&r);
}

/* A record cut short, as a file system may leave it after a power loss. */
static void recover_sets_aside_truncated_record(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;
	struct stat st;
	int fd, seen = 0;

	fd = openat(f->dirfd, case_names[3], O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(ftruncate(fd, st.st_size / 2), 0);
	close(fd);

	if (!journal_recover(f->dirfd, &f->ak, f->boot_id, count_record, &seen,
			     &r, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r.set_aside, 2);
	assert_non_null(strstr(r.why.msg, case_names[3]));
	assert_false(exists(f, case_names[3]));
	assert_false(exists(f, case_names[4]));
	assert_true(exists(f, "damaged/000001-000000000016.json"));
	assert_true(exists(f, "damaged/000001-000000000020.json"));
	assert_true(r.resume);
	assert_int_equal(r.next_index, 16);
	assert_int_equal(seen, 3);
	journal_recovery_free(&r);
}

/* A record renamed so that its name and its batch disagree. */
static void recover_sets_aside_misnamed_record(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;
	int seen = 0;

	assert_int_equal(renameat(f->dirfd, case_names[2], f->dirfd,
				  "000001-000000000011.json"), 0);
	if (!journal_recover(f->dirfd, &f->ak, f->boot_id, count_record, &seen,
			     &r, &err))
		fail_msg("%s", err.msg);
	assert_non_null(strstr(r.why.msg, "000001-000000000011.json: the batch starts at entry 10"));
	assert_int_equal(r.set_aside, 3);
	assert_true(r.resume);
	assert_int_equal(r.next_index, 10);
	assert_int_equal(seen, 2);
	journal_recovery_free(&r);
}

/* A later batch named so that it sorts before its predecessors. */
static void recover_sets_aside_out_of_order_record(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;
	int seen = 0;

	assert_int_equal(renameat(f->dirfd, case_names[3], f->dirfd,
				  "000001-000000000003.json"), 0);
	if (!journal_recover(f->dirfd, &f->ak, f->boot_id, count_record, &seen,
			     &r, &err))
		fail_msg("%s", err.msg);
	assert_non_null(strstr(r.why.msg, "000001-000000000003.json"));
	/* 000003 and everything after it: 000005, 000010, 000020. */
	assert_int_equal(r.set_aside, 4);
	assert_true(exists(f, case_names[0]));
	assert_true(r.resume);
	assert_int_equal(r.next_index, 5);
	assert_int_equal(seen, 1);
	journal_recovery_free(&r);
}

/* A gap: the batch after a missing one does not continue the chain. */
static void recover_stops_at_gap(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;

	assert_int_equal(unlinkat(f->dirfd, case_names[2], 0), 0);
	if (!journal_recover(f->dirfd, &f->ak, f->boot_id, NULL, NULL, &r,
			     &err))
		fail_msg("%s", err.msg);
	assert_non_null(strstr(r.why.msg, "check chain failed"));
	assert_int_equal(r.set_aside, 2);
	assert_int_equal(r.next_index, 10);
	journal_recovery_free(&r);
}

/* After a reboot the chain is not resumed: the next number starts. */
static void recover_starts_next_chain_after_reboot(void **state)
{
	struct fixture *f = *state;
	struct journal_recovery r;
	struct ima_error err;
	int seen = 0;

	if (!journal_recover(f->dirfd, &f->ak, "another-boot", count_record,
			     &seen, &r, &err))
		fail_msg("%s", err.msg);
	assert_false(r.resume);
	assert_int_equal(r.chain, 2);
	assert_int_equal(r.set_aside, 0);
	assert_int_equal(seen, 0);
	journal_recovery_free(&r);
}

struct appraise_walk {
	struct chain_appraisal ca;
	uint64_t entries[CASE_RECORDS];
	size_t batches;
};

static bool appraise_batch(const struct journal_record *rec,
			   const struct verify_result *res, void *arg,
			   struct ima_error *err)
{
	struct appraise_walk *w = arg;
	struct batch_appraisal b;

	if (!chain_appraise_batch(&w->ca, &rec->ev, res, &b, err))
		return false;
	assert_int_equal(b.first_index, rec->ev.batch.first_index);
	assert_int_equal(b.entries, rec->ev.batch.entries);
	/* No reference values: every entry of every batch fails. */
	assert_int_equal(b.failing, b.entries);
	w->entries[w->batches++] = b.entries;
	return true;
}

/* The case chain, batch by batch, against empty reference values. */
static void chain_appraisal_batch_by_batch(void **state)
{
	struct fixture *f = *state;
	struct appraise_walk w = { 0 };
	struct journal_listing l;
	struct journal_walk walk;
	struct journal_record first;
	struct batch_appraisal b;
	struct ima_error err;
	struct refset rs = { 0 };
	char *json;

	refs_init(&rs.refs);
	assert_true(chain_appraisal_init(&w.ca, &rs, false));
	assert_true(journal_list(f->dirfd, false, &l, &err));
	assert_true(journal_walk_chain(f->dirfd, &l, 0, l.count, &f->ak,
				       appraise_batch, &w, &walk, &err));
	assert_false(walk.failed);
	assert_int_equal(w.batches, CASE_RECORDS);
	assert_int_equal(w.ca.a.entries, CASE_ENTRIES);
	assert_int_equal(w.ca.next_index, CASE_ENTRIES);
	assert_string_equal(appraise_status(&w.ca.a), "contraindicated");

	/* A batch that does not start where the chain ends is rejected. */
	if (!journal_record_read(f->dirfd, case_names[0], &first, &err))
		fail_msg("%s", err.msg);
	assert_false(chain_appraise_batch(&w.ca, &first.ev, NULL, &b, &err));
	assert_non_null(strstr(err.msg, "starts at entry 0"));

	/* The result of the last batch as the journal stores it. */
	b.first_index = 20;
	b.entries = 3;
	b.failing = 3;
	b.first_finding = w.ca.a.num_findings - 3;
	b.status = appraise_status(&w.ca.a);
	json = batch_appraisal_json(&w.ca, &b, 2, &err);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"status\":\"contraindicated\""));
	assert_non_null(strstr(json, "\"chain_entries\":23"));
	assert_non_null(strstr(json, "\"index\":21"));
	assert_null(strstr(json, "\"index\":22"));
	free(json);

	journal_record_free(&first);
	journal_walk_free(&walk);
	journal_listing_free(&l);
	chain_appraisal_free(&w.ca);
	refset_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_names_round_trip),
		cmocka_unit_test(record_names_rejected),
		cmocka_unit_test_setup_teardown(record_encoding_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(record_without_nonce_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(write_file_leaves_no_temporary, setup, teardown),
		cmocka_unit_test_setup_teardown(case_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_removes_half_written_temporary, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_sets_aside_truncated_record, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_sets_aside_misnamed_record, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_sets_aside_out_of_order_record, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_stops_at_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_starts_next_chain_after_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(chain_appraisal_batch_by_batch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
