/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the daemon cuts a batch: once batch_entries entries wait, or once
 * the oldest waiting entry has waited batch_seconds, whichever comes
 * first. Nothing is cut while no entry waits.
 */
#ifndef IMATAP_SCHEDULE_H
#define IMATAP_SCHEDULE_H

#include <stdint.h>

struct batch_schedule {
	uint64_t batch_entries;
	uint64_t batch_ms;
};

enum batch_decision {
	BATCH_IDLE,		/* no entry waits */
	BATCH_WAIT,		/* entries wait, but neither limit is reached */
	BATCH_NOW,
};

/*
 * Decide for waiting entries, the oldest seen at first_seen_ms, at now_ms
 * (both on one monotonic clock). On BATCH_WAIT, *wait_ms is the time
 * until batch_ms is reached; otherwise it is left alone.
 */
enum batch_decision batch_decide(const struct batch_schedule *s,
				 uint64_t waiting, uint64_t first_seen_ms,
				 uint64_t now_ms, uint64_t *wait_ms);

#endif
