// SPDX-License-Identifier: GPL-2.0
/*
 * imatap daemon's batches and journal: the attestation key, recovery at
 * the start, quoting, verifying, appraising and writing each batch, and
 * reloads of the reference values.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <tss2/tss2_mu.h>

#include "../lib/ak.h"
#include "../lib/quote.h"
#include "daemon.h"
#include "imatap.h"

/* Failing entries named in a log line and in a journal record. */
#define LOG_NAMES_MAX		3
#define RECORD_NAMES_MAX	20
/* An entry in the log whose PCR extend the quote missed is retried after this. */
#define EMPTY_RETRY_MS		500
#define RETRY_MIN_MS		5000
#define RETRY_MAX_MS		300000

/* Make dir and its missing parents, as mkdir -p does. */
static bool make_dirs(const char *dir, struct ima_error *err)
{
	char *path = strdup(dir), *p;
	bool ok = path != NULL;

	for (p = path ? path + 1 : NULL; ok && p && *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			ok = false;
		*p = '/';
	}
	if (ok && mkdir(dir, 0755) < 0 && errno != EEXIST)
		ok = false;
	if (!ok)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "creating the journal directory %s failed: %s",
			      dir, path ? strerror(errno) : "out of memory");
	free(path);
	return ok;
}

bool daemon_open_journal(struct daemon *d, struct ima_error *err)
{
	if (!make_dirs(d->cfg.journal, err))
		return false;
	d->dirfd = open(d->cfg.journal, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open %s: %s",
			      d->cfg.journal, strerror(errno));
		return false;
	}
	if (flock(d->dirfd, LOCK_EX | LOCK_NB) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "cannot lock %s: %s; is another imatap daemon using it?",
			      d->cfg.journal, strerror(errno));
		return false;
	}
	return true;
}

/* Whether dirfd/name exists and contains exactly data. */
static bool file_equals(int dirfd, const char *name, const uint8_t *data,
			size_t len)
{
	uint8_t buf[sizeof(TPM2B_PUBLIC) + 1];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n >= 0 && (size_t)n == len && memcmp(buf, data, len) == 0;
}

/*
 * Write the key's public parts into the journal as imatap provision does,
 * unless they are there already. A journal of another key is an error:
 * its records would no longer verify with the exported key.
 */
static bool export_key(struct daemon *d, size_t records,
		       struct ima_error *err)
{
	uint8_t pub[sizeof(TPM2B_PUBLIC)];
	char *pem = NULL;
	size_t off = 0, pem_len = 0;
	BIO *mem = NULL;
	TSS2_RC rc;
	bool ok;

	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&d->ak.pub, pub, sizeof(pub), &off);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Tss2_MU_TPM2B_PUBLIC_Marshal", rc);
		return false;
	}
	if (file_equals(d->dirfd, "ak.pub", pub, off))
		return true;
	if (records && faccessat(d->dirfd, "ak.pub", F_OK, 0) == 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the journal %s holds records of another attestation key than the one at 0x%08x; move the journal away or set ak_handle to its key",
			      d->cfg.journal, d->cfg.ak_handle);
		return false;
	}

	mem = BIO_new(BIO_s_mem());
	ok = mem && PEM_write_bio_PUBKEY(mem, d->ak.pkey) == 1;
	pem_len = ok ? (size_t)BIO_get_mem_data(mem, &pem) : 0;
	if (!ok)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "encoding the attestation key as PEM failed");
	ok = ok && journal_write_file(d->dirfd, "ak.pem", pem, pem_len, err) &&
	     journal_write_file(d->dirfd, "ak.name", d->ak.name,
				d->ak.name_len, err) &&
	     journal_write_file(d->dirfd, "ak.pub", pub, off, err);
	BIO_free(mem);
	return ok;
}

bool daemon_setup_key(struct daemon *d, struct ima_error *err)
{
	TPM2B_PUBLIC *pub = NULL;
	bool ok;

	if (!tpm_open(&d->tpm, d->cfg.tcti, err))
		return false;
	ok = tpm_ak_provision(&d->tpm, d->cfg.ak_kind, d->cfg.ek_handle,
			      d->cfg.ak_handle, &pub, &d->ak_created, err) &&
	     ak_key_from_public(&d->ak, pub, err);
	free(pub);
	return ok;
}

bool daemon_load_refset(const struct daemon_config *cfg, struct refset *rs,
			bool *malformed, struct ima_error *err)
{
	struct refset_files files = {
		.references = (const char *const *)cfg->references.items,
		.num_references = cfg->references.count,
		.excludes = (const char *const *)cfg->excludes.items,
		.num_excludes = cfg->excludes.count,
		.keys = (const char *const *)cfg->signature_keys.items,
		.num_keys = cfg->signature_keys.count,
		.set = cfg->benchmark_set,
	};

	return refset_load(rs, &files, malformed, err);
}

static bool appraise_record_fn(const struct journal_record *rec,
			       const struct verify_result *res, void *arg,
			       struct ima_error *err)
{
	struct batch_appraisal b;

	return chain_appraise_batch(arg, &rec->ev, res, &b, err);
}

/*
 * Appraise every record of the current chain again into ca, after a
 * reload or a record that could not be written.
 */
static bool reappraise_chain(struct daemon *d, struct chain_appraisal *ca,
			     struct ima_error *err)
{
	struct journal_listing l;
	struct journal_walk walk;
	size_t begin, end;
	bool ok;

	if (!d->have_last)
		return true;
	if (!journal_list(d->dirfd, false, &l, err))
		return false;
	for (begin = 0; begin < l.count && l.records[begin].chain != d->chain;
	     begin++)
		;
	journal_chain_bounds(&l, begin, &end);
	ok = journal_walk_chain(d->dirfd, &l, begin, end, &d->ak,
				appraise_record_fn, ca, &walk, err);
	if (ok && (walk.failed || walk.next_index != d->next_index)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the journal's chain %u no longer verifies to entry %llu: %s",
			      d->chain, (unsigned long long)d->next_index,
			      walk.failed ? walk.why.msg : "records are missing");
		ok = false;
	}
	journal_walk_free(&walk);
	journal_listing_free(&l);
	return ok;
}

/*
 * Check the journal's last chain, set aside what fails, and continue after
 * its last good record when the chain is of this boot. Every good record
 * of such a chain is appraised again.
 */
bool daemon_recover_journal(struct daemon *d, struct ima_error *err)
{
	struct journal_listing l;
	struct journal_recovery r;
	bool ok;

	/* A journal of another key must not be taken for a damaged one. */
	if (!journal_list(d->dirfd, false, &l, err))
		return false;
	ok = export_key(d, l.count, err);
	journal_listing_free(&l);
	if (!ok || !journal_recover(d->dirfd, &d->ak, d->boot_id,
				    appraise_record_fn, &d->ca, &r, err))
		return false;

	if (r.temp_removed)
		dlog(d, LOG_NOTICE, "removed %u temporary files that an earlier run left in %s",
		     r.temp_removed, d->cfg.journal);
	if (r.unknown)
		dlog(d, LOG_WARNING, "%u files in %s are not journal records and are left alone, such as %s",
		     r.unknown, d->cfg.journal, r.first_unknown);
	if (r.set_aside)
		dlog(d, LOG_ERR, "moved %zu records of chain %u to %s/%s: %s",
		     r.set_aside, r.chain, d->cfg.journal, JOURNAL_DAMAGED_DIR,
		     r.why.msg);
	d->chain = r.chain;
	if (r.resume) {
		d->last = r.last;
		memset(&r.last, 0, sizeof(r.last));
		d->have_last = true;
		d->next_index = r.next_index;
	} else {
		/* Drop what the records of a set-aside start judged. */
		chain_appraisal_free(&d->ca);
		ok = chain_appraisal_init(&d->ca, d->rs, d->cfg.violations_warn);
		if (!ok)
			ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
	}
	journal_recovery_free(&r);
	return ok;
}

void daemon_hex(const uint8_t *data, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", data[i]);
	out[2 * len] = 0;
}

/* Build, verify, appraise and write the record of one batch. */
static bool write_batch(struct daemon *d, struct evidence *ev,
			const uint8_t *nonce, const struct quote_summary *sum,
			struct ima_error *err)
{
	struct verify_request req = {
		.ak = &d->ak,
		.nonce = nonce,
		.nonce_len = JOURNAL_NONCE_SIZE,
		.previous = d->have_last ? &d->last.ev : NULL,
	};
	struct journal_record rec = { .nonce_len = JOURNAL_NONCE_SIZE };
	struct verify_result res;
	struct batch_appraisal b;
	char name[JOURNAL_NAME_SIZE], line[1024];
	char *text = NULL;
	bool ok = false;

	/* Recovery would set aside a record that does not verify. */
	if (!verify_evidence(ev, &req, &res)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the new batch fails check %s: %s",
			      res.failed_check, res.err.msg);
		verify_result_free(&res);
		return false;
	}
	if (d->appraisal_stale) {
		chain_appraisal_free(&d->ca);
		if (!chain_appraisal_init(&d->ca, d->rs, d->cfg.violations_warn) ||
		    !reappraise_chain(d, &d->ca, err))
			goto out;
		d->appraisal_stale = false;
	}
	/* From here on ca is ahead of the journal until the rename. */
	d->appraisal_stale = true;
	if (!chain_appraise_batch(&d->ca, ev, &res, &b, err))
		goto out;
	memcpy(rec.nonce, nonce, JOURNAL_NONCE_SIZE);
	rec.appraisal = batch_appraisal_json(&d->ca, &b, RECORD_NAMES_MAX, err);
	if (!rec.appraisal)
		goto out;
	if (d->ear_key &&
	    !chain_appraisal_ear(&d->ca, d->ear_key, nonce, JOURNAL_NONCE_SIZE,
				 &rec.ear, err))
		goto out;
	rec.ev = *ev;
	text = journal_record_encode(&rec, err);
	memset(&rec.ev, 0, sizeof(rec.ev));
	journal_record_name(name, d->chain, ev->batch.first_index);
	if (!text || !journal_write_file(d->dirfd, name, text, strlen(text), err))
		goto out;
	d->appraisal_stale = false;

	journal_record_free(&d->last);
	d->last.ev = *ev;
	memset(ev, 0, sizeof(*ev));
	d->have_last = true;
	d->next_index = d->last.ev.batch.first_index + d->last.ev.batch.entries;
	d->batches++;
	dlog(d, LOG_INFO, "batch %s: entries %llu-%llu (%llu) from %s, %llu waiting, %u quote%s%s; appraisal %s, %llu failing",
	     name, (unsigned long long)d->last.ev.batch.first_index,
	     (unsigned long long)(d->next_index - 1),
	     (unsigned long long)d->last.ev.batch.entries,
	     d->last.ev.batch.source, (unsigned long long)sum->waiting,
	     sum->attempts, sum->attempts == 1 ? "" : "s",
	     sum->pcr10_moved ? ", PCR 10 moved on after the quote" : "",
	     b.status, (unsigned long long)b.failing);
	if (strcmp(b.status, "affirming") != 0) {
		batch_appraisal_summary(&d->ca, &b, LOG_NAMES_MAX, line,
					sizeof(line));
		dlog(d, LOG_WARNING, "batch %s: %s", name, line);
	}
	ok = true;
out:
	verify_result_free(&res);
	free(text);
	journal_record_free(&rec);
	return ok;
}

int daemon_make_batch(struct daemon *d, struct ima_error *err)
{
	uint8_t nonce[JOURNAL_NONCE_SIZE];
	struct quote_request req = {
		.tpm = &d->tpm,
		.ak_handle = d->cfg.ak_handle,
		.nonce = nonce,
		.nonce_len = sizeof(nonce),
		.source = d->log_file ? QUOTE_SOURCE_FILE : QUOTE_SOURCE_AUTO,
		.log_path = d->log_file ? d->log_file : IMA_BINARY_LOG,
		.previous = d->have_last ? &d->last.ev : NULL,
	};
	struct quote_summary sum;
	struct evidence ev;
	int rc = -1;

	if (getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "getrandom for the nonce failed: %s",
			      strerror(errno));
		return -1;
	}
	if (!quote_batch(&req, &ev, &sum, err))
		return -1;
	if (ev.batch.first_index != d->next_index ||
	    (d->have_last && sum.new_chain)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the quote starts a batch at entry %llu%s, but the journal's chain %u ends before entry %llu",
			      (unsigned long long)ev.batch.first_index,
			      sum.new_chain ? " of a new chain" : "",
			      d->chain, (unsigned long long)d->next_index);
	} else if (ev.batch.entries == 0) {
		rc = 0;
	} else if (write_batch(d, &ev, nonce, &sum, err)) {
		rc = 1;
	}
	evidence_free(&ev);
	return rc;
}

void daemon_batch_now(struct daemon *d, uint64_t now)
{
	struct ima_error err;
	uint64_t delay;
	int rc = daemon_make_batch(d, &err);

	if (rc > 0) {
		if (d->failures)
			dlog(d, LOG_NOTICE, "batches succeed again after %u failures",
			     d->failures);
		d->failures = 0;
		d->first_seen_ms = 0;
		d->retry_at_ms = 0;
		return;
	}
	if (rc == 0) {
		d->retry_at_ms = now + EMPTY_RETRY_MS;
		return;
	}
	d->failures++;
	delay = RETRY_MIN_MS << (d->failures < 7 ? d->failures - 1 : 6);
	if (delay > RETRY_MAX_MS)
		delay = RETRY_MAX_MS;
	d->retry_at_ms = now + delay;
	dlog(d, LOG_ERR, "batch from entry %llu failed (%u in a row), retrying in %llu s: %s",
	     (unsigned long long)d->next_index, d->failures,
	     (unsigned long long)(delay / 1000), err.msg);
}

void daemon_reload(struct daemon *d)
{
	struct chain_appraisal ca;
	struct refset *rs = calloc(1, sizeof(*rs));
	struct ima_error err;
	char policy[65];
	bool malformed = false;

	if (!rs) {
		dlog(d, LOG_ERR, "reloading reference values failed: out of memory; the previous values stay in force");
		return;
	}
	if (!daemon_load_refset(&d->cfg, rs, &malformed, &err)) {
		dlog(d, LOG_ERR, "reloading reference values failed: %s; the previous values stay in force",
		     err.msg);
		free(rs);
		return;
	}
	if (!chain_appraisal_init(&ca, rs, d->cfg.violations_warn) ||
	    !reappraise_chain(d, &ca, &err)) {
		dlog(d, LOG_ERR, "appraising the chain with the reloaded reference values failed: %s; the previous values stay in force",
		     err.msg);
		chain_appraisal_free(&ca);
		refset_free(rs);
		free(rs);
		return;
	}
	chain_appraisal_free(&d->ca);
	refset_free(d->rs);
	free(d->rs);
	d->rs = rs;
	d->ca = ca;
	d->ca.rs = rs;
	d->appraisal_stale = false;
	daemon_hex(rs->policy_id, 32, policy);
	dlog(d, LOG_NOTICE, "reloaded reference values: policy sha256:%s; entries 0-%llu appraised again: %s",
	     policy, (unsigned long long)d->next_index - 1,
	     d->have_last ? appraise_status(&d->ca.a) : "no batch yet");
}
