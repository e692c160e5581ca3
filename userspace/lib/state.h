/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state file of imatap listen: where a listener stopped, so that the
 * next run continues there. A text file of "key value" lines:
 *
 *	imatap-listen-state 1
 *	boot_id 6f1c2b0e-...		(/proc/sys/kernel/random/boot_id)
 *	next_index 1234			(the first entry not yet handled)
 *	next_offset 567890		(its byte offset in the binary log)
 *
 * The boot id distinguishes a state of the running kernel's log from one
 * left by an earlier boot, whose indexes refer to other entries.
 */
#ifndef IMATAP_STATE_H
#define IMATAP_STATE_H

#include "record.h"

#define IMATAP_BOOT_ID_SIZE 37		/* 36 characters and a NUL */
#define IMATAP_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

struct imatap_state {
	char boot_id[IMATAP_BOOT_ID_SIZE];
	uint64_t next_index;
	uint64_t next_offset;
};

enum imatap_state_status {
	IMATAP_STATE_OK,
	IMATAP_STATE_MISSING,	/* no file yet */
	IMATAP_STATE_INVALID,	/* err names the line */
	IMATAP_STATE_ERROR,	/* I/O error */
};

enum imatap_state_status imatap_state_read(const char *path,
					   struct imatap_state *state,
					   struct ima_error *err);

/*
 * Replace path with state crash-safely: write a temporary file in the same
 * directory, fsync it, rename it over path and fsync the directory. A
 * crash leaves the old or the new state, never a mix.
 */
bool imatap_state_write(const char *path, const struct imatap_state *state,
			struct ima_error *err);

/* Read the running kernel's boot id from boot_id_path. */
bool imatap_read_boot_id(const char *boot_id_path,
			 char boot_id[IMATAP_BOOT_ID_SIZE],
			 struct ima_error *err);

#endif
