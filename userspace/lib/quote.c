// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_mu.h>

#include "akpub.h"
#include "attest.h"
#include "batch.h"
#include "fileio.h"
#include "nlclient.h"
#include "quote.h"

#define BOOT_ID_PATH	"/proc/sys/kernel/random/boot_id"
/* Largest log read: IMA logs of long-running hosts reach tens of MiB. */
#define LOG_MAX		(1U << 30)

/* The log from some index on, in binary_runtime_measurements form. */
struct log_bytes {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool big_endian;
	uint64_t skip;		/* records before the batch's first index */
	const char *source;
};

static bool append_entry(const struct imatap_nl_entry *entry, void *arg,
			 struct ima_error *err)
{
	struct log_bytes *log = arg;

	return imatap_nl_entry_to_binlog(entry, &log->data, &log->len,
					 &log->cap, &log->big_endian, err);
}

static bool read_module_log(struct imatap_nl *nl, uint64_t first_index,
			    struct log_bytes *log, struct ima_error *err)
{
	struct imatap_status status;

	if (!imatap_nl_status(nl, &status, err))
		return false;
	if (status.entries < first_index) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the log has %llu entries, fewer than the %llu that earlier batches covered",
			      (unsigned long long)status.entries,
			      (unsigned long long)first_index);
		return false;
	}
	log->source = "netlink";
	log->skip = 0;
	return imatap_nl_dump(nl, first_index, append_entry, log, err);
}

static bool read_log(const struct quote_request *req, uint64_t first_index,
		     struct log_bytes *log, struct ima_error *err)
{
	struct imatap_nl nl;

	free(log->data);
	memset(log, 0, sizeof(*log));
	if (req->source == QUOTE_SOURCE_AUTO) {
		switch (imatap_nl_open(&nl, err)) {
		case IMATAP_NL_OPEN_OK: {
			bool ok = read_module_log(&nl, first_index, log, err);

			imatap_nl_close(&nl);
			return ok;
		}
		case IMATAP_NL_OPEN_NO_FAMILY:
			break;
		default:
			return false;
		}
	}
	log->source = req->source == QUOTE_SOURCE_FILE ? "file" : "securityfs";
	log->skip = first_index;
	log->big_endian = req->big_endian;
	return ima_read_file(req->log_path, LOG_MAX, &log->data, &log->len,
			     err);
}

/* Read a one-line text file such as the boot id, without its newline. */
static void read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "re");

	out[0] = 0;
	if (!f)
		return;
	if (fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = 0;
	fclose(f);
}

static void fill_host(struct evidence_batch *b, const char *source)
{
	struct utsname uts;
	struct tm tm;
	time_t now = time(NULL);

	read_line(BOOT_ID_PATH, b->boot_id, sizeof(b->boot_id));
	if (uname(&uts) == 0)
		snprintf(b->kernel_release, sizeof(b->kernel_release), "%s",
			 uts.release);
	if (gethostname(b->hostname, sizeof(b->hostname) - 1) < 0)
		b->hostname[0] = 0;
	gmtime_r(&now, &tm);
	strftime(b->time, sizeof(b->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(b->source, sizeof(b->source), "%s", source);
}

/* Where the batch starts: after the previous batch, or at a new chain. */
static bool chain_start(const struct quote_request *req,
			const TPML_PCR_SELECTION *sel,
			struct evidence_batch *b, struct quote_summary *sum,
			struct ima_error *err)
{
	const struct evidence *prev = req->previous;
	struct quoted_pcrs prev_pcrs;
	char boot_id[sizeof(b->boot_id)];
	uint32_t i;

	b->first_index = 0;
	memset(b->start_pcr10, 0, sizeof(b->start_pcr10));
	for (i = 0; i < sel->count; i++)
		b->start_banks |= 1U << ima_bank_index(
			ima_bank_by_alg(sel->pcrSelections[i].hash));

	read_line(BOOT_ID_PATH, boot_id, sizeof(boot_id));
	sum->new_chain = true;
	if (!prev)
		return true;
	if (strcmp(prev->batch.boot_id, boot_id) != 0) {
		sum->rebooted = true;
		return true;
	}

	if (!quoted_pcrs_parse(prev->pcrs, prev->pcrs_len, &prev_pcrs, err))
		return false;
	for (i = 0; i < IMA_BANK_COUNT; i++) {
		if (!(b->start_banks & (1U << i)))
			continue;
		if (!prev_pcrs.values.have[i][IMA_PCR]) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the previous batch did not quote bank %s, which the TPM now has",
				      ima_banks[i].name);
			quoted_pcrs_free(&prev_pcrs);
			return false;
		}
		memcpy(b->start_pcr10[i], prev_pcrs.values.value[i][IMA_PCR],
		       ima_banks[i].size);
	}
	quoted_pcrs_free(&prev_pcrs);
	b->first_index = prev->batch.first_index + prev->batch.entries;
	sum->new_chain = false;
	return true;
}

static bool marshal_signature(const TPMT_SIGNATURE *sig, uint8_t **out,
			      size_t *len, struct ima_error *err)
{
	size_t off = 0;
	TSS2_RC rc;

	*out = malloc(sizeof(TPMT_SIGNATURE));
	if (!*out) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, *out, sizeof(TPMT_SIGNATURE),
					    &off);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_error_rc(err, "Tss2_MU_TPMT_SIGNATURE_Marshal", rc);
		return false;
	}
	*len = off;
	return true;
}

/* One attempt: quote, then read the PCRs the quote selected. */
static bool quote_once(const struct quote_request *req,
		       const TPML_PCR_SELECTION *sel, struct evidence *ev,
		       struct batch_quote_target *target, struct ima_error *err)
{
	struct tpm_quote quote;
	struct quote_attest attest;
	struct quote_signature sig;
	uint8_t digest[IMA_DIGEST_MAX];
	size_t digest_len;
	bool ok = false;

	if (!tpm_quote(req->tpm, req->ak_handle, sel, req->nonce,
		       req->nonce_len, &quote, err))
		return false;
	free(ev->attest);
	free(ev->signature);
	ev->signature = NULL;
	ev->attest = malloc(quote.attest->size);
	if (!ev->attest) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	memcpy(ev->attest, quote.attest->attestationData, quote.attest->size);
	ev->attest_len = quote.attest->size;
	if (!marshal_signature(quote.signature, &ev->signature,
			       &ev->signature_len, err) ||
	    !attest_parse(ev->attest, ev->attest_len, &attest, err) ||
	    !signature_parse(ev->signature, ev->signature_len, &sig, err) ||
	    !tpm_pcr_read(req->tpm, sel, target->values, err) ||
	    !pcr_set_digest(sig.hash_alg, sel, target->values, digest,
			    &digest_len, err))
		goto out;
	target->selection = sel;
	target->hash_alg = sig.hash_alg;
	target->digest = attest.pcr_digest;
	target->read_is_quoted = digest_len == attest.pcr_digest.size &&
		memcmp(digest, attest.pcr_digest.buffer, digest_len) == 0;
	ok = true;
out:
	tpm_quote_free(&quote);
	return ok;
}

static bool take_batch(struct evidence *ev, const struct log_bytes *log,
		       const struct batch_cut *cut, struct ima_error *err)
{
	size_t len = cut->end - cut->begin;

	free(ev->log);
	ev->log = malloc(len ? len : 1);
	if (!ev->log) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	memcpy(ev->log, log->data + cut->begin, len);
	ev->log_len = len;
	ev->batch.entries = cut->entries;
	ev->batch.big_endian = log->big_endian;
	return true;
}

bool quote_batch(const struct quote_request *req, struct evidence *ev,
		 struct quote_summary *sum, struct ima_error *err)
{
	TPML_PCR_SELECTION sel;
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	struct ak_key key = { 0 };
	struct log_bytes log = { 0 };
	struct ima_pcr_set values;
	struct batch_cut cut = { 0 };
	struct batch_quote_target target = { .values = &values };
	bool ok = false;

	memset(ev, 0, sizeof(*ev));
	memset(sum, 0, sizeof(*sum));
	if (!tpm_read_public(req->tpm, req->ak_handle, &pub, &name, err) ||
	    !ak_key_from_public(&key, pub, err))
		goto out;
	memcpy(ev->batch.ak_name, key.name, key.name_len);
	ev->batch.ak_name_len = key.name_len;

	if (!tpm_pcr_selection(req->tpm, BATCH_QUOTE_PCRS, &sel, err) ||
	    !chain_start(req, &sel, &ev->batch, sum, err))
		goto out;

	/*
	 * The log and the PCRs are never read atomically. IMA appends an
	 * entry before it extends the PCR, so a log read after the quote
	 * contains every quoted entry and perhaps a few more; the batch ends
	 * where the replay meets the quote. A log that never meets it (PCRs
	 * 0-9 changed after the quote, or the log is not this TPM's) takes
	 * another quote.
	 */
	for (sum->attempts = 1; sum->attempts <= QUOTE_ATTEMPTS; sum->attempts++) {
		if (!quote_once(req, &sel, ev, &target, err) ||
		    !read_log(req, ev->batch.first_index, &log, err) ||
		    !batch_find_cut(log.data, log.len, log.big_endian, log.skip,
				    ev->batch.start_banks,
				    ev->batch.start_pcr10, batch_meets_quote, &target,
				    &cut, err))
			goto out;
		if (cut.found)
			break;
	}
	if (!cut.found) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "after %u quotes no prefix of the %llu entries from index %llu replays to the quoted PCRs: the log does not belong to this TPM and boot, or PCRs 0-9 keep changing",
			      QUOTE_ATTEMPTS, (unsigned long long)cut.available,
			      (unsigned long long)ev->batch.first_index);
		goto out;
	}
	sum->pcr10_moved = !target.read_is_quoted;
	if (!quoted_pcrs_encode(&sel, &values, &ev->pcrs, &ev->pcrs_len, err))
		goto out;
	sum->waiting = cut.available - cut.entries;
	fill_host(&ev->batch, log.source);
	ok = take_batch(ev, &log, &cut, err);
out:
	if (!ok)
		evidence_free(ev);
	ak_key_free(&key);
	free(pub);
	free(name);
	free(log.data);
	return ok;
}
