// SPDX-License-Identifier: GPL-2.0
/* When the daemon cuts a batch: by entry count, by age, never idle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../lib/schedule.h"

static const struct batch_schedule sched = {
	.batch_entries = 100,
	.batch_ms = 60000,
};

static void nothing_waiting_is_idle(void **state)
{
	uint64_t wait_ms = 7;

	(void)state;
	/* However long ago something was seen, no entry means no batch. */
	assert_int_equal(batch_decide(&sched, 0, 0, 10000000, &wait_ms),
			 BATCH_IDLE);
	assert_int_equal(wait_ms, 7);
}

static void full_batch_is_cut_at_once(void **state)
{
	uint64_t wait_ms = 0;

	(void)state;
	assert_int_equal(batch_decide(&sched, 100, 5000, 5000, &wait_ms),
			 BATCH_NOW);
	assert_int_equal(batch_decide(&sched, 250, 5000, 5001, &wait_ms),
			 BATCH_NOW);
	assert_int_equal(batch_decide(&sched, 99, 5000, 5000, &wait_ms),
			 BATCH_WAIT);
}

static void old_entry_is_cut_by_time(void **state)
{
	uint64_t wait_ms = 0;

	(void)state;
	assert_int_equal(batch_decide(&sched, 1, 1000, 1000, &wait_ms),
			 BATCH_WAIT);
	assert_int_equal(wait_ms, 60000);
	assert_int_equal(batch_decide(&sched, 1, 1000, 45000, &wait_ms),
			 BATCH_WAIT);
	assert_int_equal(wait_ms, 16000);
	assert_int_equal(batch_decide(&sched, 1, 1000, 60999, &wait_ms),
			 BATCH_WAIT);
	assert_int_equal(wait_ms, 1);
	assert_int_equal(batch_decide(&sched, 1, 1000, 61000, &wait_ms),
			 BATCH_NOW);
}

static void clock_before_first_seen_waits_full_time(void **state)
{
	uint64_t wait_ms = 0;

	(void)state;
	assert_int_equal(batch_decide(&sched, 3, 9000, 8000, &wait_ms),
			 BATCH_WAIT);
	assert_int_equal(wait_ms, 60000);
}

static void batch_of_one_entry(void **state)
{
	const struct batch_schedule each = { .batch_entries = 1,
					     .batch_ms = 1000 };
	uint64_t wait_ms = 0;

	(void)state;
	assert_int_equal(batch_decide(&each, 1, 0, 0, &wait_ms), BATCH_NOW);
	assert_int_equal(batch_decide(&each, 0, 0, 0, &wait_ms), BATCH_IDLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_waiting_is_idle),
		cmocka_unit_test(full_batch_is_cut_at_once),
		cmocka_unit_test(old_entry_is_cut_by_time),
		cmocka_unit_test(clock_before_first_seen_waits_full_time),
		cmocka_unit_test(batch_of_one_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
