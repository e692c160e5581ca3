// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: read the input as a binary log in both byte orders,
 * render every record as ASCII and JSON, replay it, and parse the input
 * as a PCR value file. Any crash, leak or sanitizer report is a bug.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../lib/binlog.h"
#include "../lib/replay.h"
#include "../lib/view.h"

static FILE *sink;
static struct ima_pcr_set reference;

static void read_log(const uint8_t *data, size_t size, bool big_endian)
{
	struct ima_replay *r = calloc(1, sizeof(*r));
	struct ima_binlog log;
	struct ima_record rec;
	struct ima_error err;

	if (!r || !ima_replay_init(r, (1U << IMA_BANK_COUNT) - 1, &reference,
				   &err))
		abort();
	ima_binlog_open_mem(&log, data, size, big_endian);
	while (ima_binlog_next(&log, &rec, &err) == IMA_READ_RECORD) {
		ima_view_ascii(sink, &rec);
		ima_view_json(sink, &rec);
		if (!ima_replay_record(r, &rec, &err))
			abort();
	}
	ima_binlog_close(&log);
	ima_replay_free(r);
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ima_pcr_set *set;
	struct ima_error err;

	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
		/* PCR 10 of sha1 and sha256 compared, with arbitrary values. */
		reference.have[0][10] = true;
		reference.have[1][10] = true;
		reference.value[1][10][0] = 1;
	}
	read_log(data, size, false);
	read_log(data, size, true);

	set = calloc(1, sizeof(*set));
	if (!set)
		abort();
	ima_pcrs_parse(set, (const char *)data, size, "fuzz", NULL, &err);
	ima_pcrs_parse(set, (const char *)data, size, "fuzz", &ima_banks[1],
		       &err);
	free(set);
	return 0;
}
