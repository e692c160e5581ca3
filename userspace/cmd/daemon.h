/* SPDX-License-Identifier: GPL-2.0 */
/*
 * imatap daemon's state, shared by cmd/daemon.c (options, wake-ups,
 * signals, the loop) and cmd/daemon_journal.c (batches, the journal and
 * reloads of the reference values).
 */
#ifndef IMATAP_CMD_DAEMON_H
#define IMATAP_CMD_DAEMON_H

#include <openssl/evp.h>

#include "../lib/chainappraise.h"
#include "../lib/conf.h"
#include "../lib/journal.h"
#include "../lib/tpm.h"

struct nl_sock;

struct daemon {
	struct daemon_config cfg;
	const char *config_path;
	bool log_stderr;
	const char *log_file;	/* a binary log to read instead of securityfs */

	int dirfd;
	struct imatap_tpm tpm;
	struct ak_key ak;
	bool ak_created;
	EVP_PKEY *ear_key;
	struct refset *rs;
	struct chain_appraisal ca;
	bool appraisal_stale;	/* ca lags behind the journal */

	unsigned int chain;	/* chain number of this boot's records */
	struct journal_record last;	/* the last record of the chain */
	bool have_last;
	uint64_t next_index;
	char boot_id[64];

	struct nl_sock *events;	/* joined to the module's events group */
	int sigfd;
	uint64_t first_seen_ms;	/* when the oldest waiting entry was seen */
	uint64_t retry_at_ms;	/* no batch before this, after a failure */
	unsigned int failures;	/* failed batches in a row */
	uint64_t batches;	/* written since start */
};

void dlog(const struct daemon *d, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Milliseconds on the monotonic clock. */
uint64_t daemon_now_ms(void);
/* Write len bytes as lowercase hex and a NUL into out (2 * len + 1 bytes). */
void daemon_hex(const uint8_t *data, size_t len, char *out);

/* Create and lock the journal directory. */
bool daemon_open_journal(struct daemon *d, struct ima_error *err);
/* Open the TPM and provision or reuse the attestation key. */
bool daemon_setup_key(struct daemon *d, struct ima_error *err);
bool daemon_load_refset(const struct daemon_config *cfg, struct refset *rs,
			bool *malformed, struct ima_error *err);
/*
 * Export the key, then recover the journal and continue its last chain
 * when it is of this boot, with every good record appraised.
 */
bool daemon_recover_journal(struct daemon *d, struct ima_error *err);
/*
 * Quote and write one batch. Returns 1 when a record was written, 0 when
 * the quote covered no entry yet, -1 on failure with err set.
 */
int daemon_make_batch(struct daemon *d, struct ima_error *err);
/* Make a batch now, and on failure schedule a retry with back-off. */
void daemon_batch_now(struct daemon *d, uint64_t now);
/* Load the reference values again (SIGHUP). */
void daemon_reload(struct daemon *d);

#endif
