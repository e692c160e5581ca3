/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Producing evidence: quote the PCRs, read the log, and cut the batch
 * where the replay meets the quoted PCR 10.
 */
#ifndef IMATAP_QUOTE_H
#define IMATAP_QUOTE_H

#include "evidence.h"
#include "tpm.h"

/* Quote attempts before giving up on a log that never meets the quote. */
#define QUOTE_ATTEMPTS	5

enum quote_source {
	QUOTE_SOURCE_AUTO,	/* the module's dump, else securityfs */
	QUOTE_SOURCE_FILE,
};

struct quote_request {
	struct imatap_tpm *tpm;
	uint32_t ak_handle;
	const uint8_t *nonce;
	size_t nonce_len;
	enum quote_source source;
	const char *log_path;		/* the file, or the securityfs log */
	bool big_endian;		/* byte order of a log file */
	const struct evidence *previous;	/* NULL: start a chain */
};

struct quote_summary {
	bool new_chain;
	bool rebooted;			/* previous batch is from another boot */
	uint64_t waiting;		/* entries left for the next batch */
	unsigned int attempts;
	bool pcr10_moved;		/* PCR 10 changed after the quote */
};

/*
 * Quote PCRs 0-10 of every allocated bank with the nonce, take the
 * entries from the previous batch's end on, and fill ev with the batch up
 * to the entry whose replay equals the quoted PCR 10.
 */
bool quote_batch(const struct quote_request *req, struct evidence *ev,
		 struct quote_summary *sum, struct ima_error *err);

#endif
