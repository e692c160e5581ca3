// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "batch.h"
#include "binlog.h"
#include "verify.h"

static bool fail(struct verify_result *res, const char *check)
{
	res->failed_check = check;
	return false;
}

/* Checks on the TPM structures and their signature. */
static bool check_quote(const struct evidence *ev,
			const struct verify_request *req,
			struct verify_result *res)
{
	struct quote_signature sig;
	uint8_t digest[IMA_DIGEST_MAX];
	size_t digest_len;
	uint32_t i;

	if (!attest_parse(ev->attest, ev->attest_len, &res->attest, &res->err))
		return fail(res, "attest");
	if (!quoted_pcrs_parse(ev->pcrs, ev->pcrs_len, &res->pcrs, &res->err))
		return fail(res, "pcrs");
	if (!pcr_selection_equal(&res->attest.selection, &res->pcrs.selection)) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the quote's PCR selection differs from the PCRs the evidence carries");
		return fail(res, "pcr-selection");
	}
	for (i = 0; i < res->pcrs.selection.count; i++) {
		const TPMS_PCR_SELECTION *s = &res->pcrs.selection.pcrSelections[i];

		if (s->sizeofSelect <= IMA_PCR / 8 ||
		    !(s->pcrSelect[IMA_PCR / 8] & (1U << (IMA_PCR % 8)))) {
			ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
				      "bank 0x%04x of the quote does not select PCR %u",
				      s->hash, IMA_PCR);
			return fail(res, "pcr-selection");
		}
	}
	if (req->nonce && (res->attest.extra.size != req->nonce_len ||
			   memcmp(res->attest.extra.buffer, req->nonce,
				  req->nonce_len) != 0)) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the quote's qualifying data (%u bytes) is not the nonce",
			      res->attest.extra.size);
		return fail(res, "nonce");
	}
	if (!signature_parse(ev->signature, ev->signature_len, &sig, &res->err))
		return fail(res, "signature");
	/* TPM2_Quote hashes the PCR values with the signing scheme's hash. */
	if (!pcr_digest(sig.hash_alg, &res->pcrs, digest, &digest_len,
			&res->err))
		return fail(res, "pcr-digest");
	if (digest_len != res->attest.pcr_digest.size ||
	    memcmp(digest, res->attest.pcr_digest.buffer, digest_len) != 0) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the hash of the carried PCR values differs from the quote's pcrDigest");
		return fail(res, "pcr-digest");
	}
	if (!signature_verify(req->ak, &sig, ev->attest, ev->attest_len,
			      &res->err))
		return fail(res, "signature");
	if (req->ak->have_public &&
	    (ev->batch.ak_name_len != req->ak->name_len ||
	     memcmp(ev->batch.ak_name, req->ak->name, req->ak->name_len))) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the batch names another attestation key than the one given");
		return fail(res, "ak-name");
	}
	return true;
}

static unsigned int quoted_banks(const struct quoted_pcrs *q)
{
	unsigned int mask = 0;
	uint32_t i;

	for (i = 0; i < q->selection.count; i++)
		mask |= 1U << ima_bank_index(
			ima_bank_by_alg(q->selection.pcrSelections[i].hash));
	return mask;
}

/* Template digests of every entry, then PCR 10 from the start values. */
static bool check_log(const struct evidence *ev, struct verify_result *res)
{
	unsigned int banks = quoted_banks(&res->pcrs), bank;
	struct batch_replay br;
	struct ima_binlog reader;
	struct ima_record rec;
	enum ima_read_status status;
	const char *check = NULL;

	if (ev->batch.start_banks != banks) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "start_pcr10 lists other banks than the quote");
		return fail(res, "replay");
	}
	if (!batch_replay_init(&br, banks, ev->batch.start_pcr10, &res->err))
		return fail(res, "replay");
	ima_binlog_open_mem(&reader, ev->log, ev->log_len,
			    ev->batch.big_endian);
	reader.index = ev->batch.first_index;

	while ((status = ima_binlog_next(&reader, &rec, &res->err)) ==
	       IMA_READ_RECORD) {
		if (rec.pcr != IMA_PCR) {
			ima_error_set(&res->err, &rec, rec.offset,
				      "the entry extends PCR %u, which the quote does not cover",
				      rec.pcr);
			check = "replay";
			goto out;
		}
		if (!batch_replay_record(&br, &rec, &res->err)) {
			check = "template-digest";
			goto out;
		}
	}
	if (status != IMA_READ_END) {
		check = "log";
		goto out;
	}
	if (br.records != ev->batch.entries) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the log holds %llu entries, the batch says %llu",
			      (unsigned long long)br.records,
			      (unsigned long long)ev->batch.entries);
		check = "log";
		goto out;
	}
	if (!batch_replay_matches(&br, &res->pcrs.values, &bank)) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "replaying entries %llu-%llu from the start values does not give the quoted PCR %u of bank %s",
			      (unsigned long long)ev->batch.first_index,
			      (unsigned long long)(ev->batch.first_index +
						   ev->batch.entries - 1),
			      IMA_PCR, ima_banks[bank].name);
		check = "replay";
	}
out:
	ima_binlog_close(&reader);
	batch_replay_free(&br);
	return check ? fail(res, check) : true;
}

static bool start_is_zero(const struct evidence_batch *b)
{
	static const uint8_t zero[IMA_DIGEST_MAX];
	unsigned int i;

	for (i = 0; i < IMA_BANK_COUNT; i++)
		if ((b->start_banks & (1U << i)) &&
		    memcmp(b->start_pcr10[i], zero, ima_banks[i].size) != 0)
			return false;
	return true;
}

static bool check_new_chain(const struct evidence *ev,
			    struct verify_result *res, const char *why)
{
	if (ev->batch.first_index != 0 || !start_is_zero(&ev->batch)) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "%s, so the batch must start at index 0 from zero PCRs, but it starts at index %llu; pass --previous with the batch before it",
			      why, (unsigned long long)ev->batch.first_index);
		return fail(res, "chain");
	}
	res->new_chain = true;
	return true;
}

/* The previous batch is checked like this one, but for nonce and chain. */
static bool check_chain(const struct evidence *ev,
			const struct verify_request *req,
			struct verify_result *res)
{
	const TPMS_CLOCK_INFO *now = &res->attest.clock;
	struct verify_request prev_req = { .ak = req->ak };
	struct verify_result prev = { 0 };
	unsigned int i;
	bool ok = false;

	if (!req->previous)
		return check_new_chain(ev, res, "no previous batch was given");

	if (!verify_evidence(req->previous, &prev_req, &prev) &&
	    strcmp(prev.failed_check, "chain") != 0) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the previous batch fails check %s: %s",
			      prev.failed_check, prev.err.msg);
		fail(res, "previous");
		goto out;
	}

	if (now->resetCount < prev.attest.clock.resetCount) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the TPM reset count went back from %u to %u",
			      prev.attest.clock.resetCount, now->resetCount);
		fail(res, "clock");
		goto out;
	}
	if (now->resetCount > prev.attest.clock.resetCount) {
		if (strcmp(ev->batch.boot_id, req->previous->batch.boot_id) == 0) {
			ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
				      "the TPM was reset but the boot id is the same");
			fail(res, "chain");
			goto out;
		}
		res->rebooted = true;
		ok = check_new_chain(ev, res, "the TPM was reset since the previous batch");
		goto out;
	}
	if (strcmp(ev->batch.boot_id, req->previous->batch.boot_id) != 0) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the boot id changed but the TPM reset count did not");
		fail(res, "chain");
		goto out;
	}
	if (ev->batch.first_index != req->previous->batch.first_index +
				     req->previous->batch.entries) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the batch starts at index %llu but the previous batch ends before index %llu",
			      (unsigned long long)ev->batch.first_index,
			      (unsigned long long)(req->previous->batch.first_index +
						   req->previous->batch.entries));
		fail(res, "chain");
		goto out;
	}
	for (i = 0; i < IMA_BANK_COUNT; i++) {
		if (!(ev->batch.start_banks & (1U << i)))
			continue;
		if (!prev.pcrs.values.have[i][IMA_PCR] ||
		    memcmp(ev->batch.start_pcr10[i],
			   prev.pcrs.values.value[i][IMA_PCR],
			   ima_banks[i].size) != 0) {
			ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
				      "start_pcr10 of bank %s is not the previous batch's quoted PCR %u",
				      ima_banks[i].name, IMA_PCR);
			fail(res, "chain");
			goto out;
		}
	}
	if (now->restartCount < prev.attest.clock.restartCount ||
	    (now->restartCount == prev.attest.clock.restartCount &&
	     now->clock < prev.attest.clock.clock)) {
		ima_error_set(&res->err, NULL, IMA_OFFSET_NONE,
			      "the TPM clock went back from %llu ms (restart %u) to %llu ms (restart %u)",
			      (unsigned long long)prev.attest.clock.clock,
			      prev.attest.clock.restartCount,
			      (unsigned long long)now->clock, now->restartCount);
		fail(res, "clock");
		goto out;
	}
	ok = true;
out:
	verify_result_free(&prev);
	return ok;
}

bool verify_evidence(const struct evidence *ev,
		     const struct verify_request *req,
		     struct verify_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!check_quote(ev, req, res) || !check_log(ev, res))
		return false;
	return check_chain(ev, req, res);
}

void verify_result_free(struct verify_result *res)
{
	quoted_pcrs_free(&res->pcrs);
}
