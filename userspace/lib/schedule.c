// SPDX-License-Identifier: GPL-2.0
#include "schedule.h"

enum batch_decision batch_decide(const struct batch_schedule *s,
				 uint64_t waiting, uint64_t first_seen_ms,
				 uint64_t now_ms, uint64_t *wait_ms)
{
	uint64_t waited;

	if (waiting == 0)
		return BATCH_IDLE;
	if (waiting >= s->batch_entries)
		return BATCH_NOW;
	/* A clock read before first_seen_ms counts as no time waited. */
	waited = now_ms > first_seen_ms ? now_ms - first_seen_ms : 0;
	if (waited >= s->batch_ms)
		return BATCH_NOW;
	*wait_ms = s->batch_ms - waited;
	return BATCH_WAIT;
}
