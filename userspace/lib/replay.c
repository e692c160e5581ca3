// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "replay.h"

/*
 * Initial PCR values: zero. NOTE: PCRs 17-22 start as all 0xff until a
 * dynamic launch resets them; a policy that measures into them would not
 * replay from zero.
 */

bool ima_replay_init(struct ima_replay *r, unsigned int bank_mask,
		     const struct ima_pcr_set *reference,
		     struct ima_error *err)
{
	unsigned int i;
	bool ok = true;

	memset(r, 0, sizeof(*r));
	r->reference = reference;
	for (i = 0; i < IMA_BANK_COUNT && ok; i++) {
		struct ima_replay_bank *b = &r->banks[r->num_banks];

		if (!(bank_mask & (1U << i)))
			continue;
		b->info = &ima_banks[i];
		b->missing_pcr = -1;
		b->padded = b->info->tpm_alg != TPM_ALG_SHA1;
		b->compare = reference && (ima_pcr_set_banks(reference) &
					   (1U << i));
		ok = ima_hasher_init(&b->hasher, b->info, err);
		if (ok)
			r->num_banks++;
	}
	ok = ok && ima_replay_hashers_init(r, &r->hashers, err);
	if (!ok)
		ima_replay_free(r);
	return ok;
}

void ima_replay_free(struct ima_replay *r)
{
	unsigned int i;

	ima_replay_hashers_free(&r->hashers);
	for (i = 0; i < r->num_banks; i++)
		ima_hasher_free(&r->banks[i].hasher);
	r->num_banks = 0;
}

bool ima_replay_hashers_init(const struct ima_replay *r,
			     struct ima_replay_hashers *hs,
			     struct ima_error *err)
{
	unsigned int i;

	memset(hs, 0, sizeof(*hs));
	if (!ima_hasher_init(&hs->sha1, &ima_banks[0], err))
		return false;
	for (i = 0; i < r->num_banks; i++) {
		const struct ima_bank_info *info = r->banks[i].info;

		if (info->tpm_alg == TPM_ALG_SHA1)
			continue;
		if (!ima_hasher_init(&hs->bank[i], info, err)) {
			ima_replay_hashers_free(hs);
			return false;
		}
	}
	return true;
}

void ima_replay_hashers_free(struct ima_replay_hashers *hs)
{
	unsigned int i;

	ima_hasher_free(&hs->sha1);
	for (i = 0; i < IMA_BANK_COUNT; i++)
		ima_hasher_free(&hs->bank[i]);
}

bool ima_replay_hash(struct ima_replay_hashers *hs, const uint8_t *bytes,
		     size_t len, struct ima_replay_digests *out)
{
	unsigned int i;

	if (!ima_digest_bytes(&hs->sha1, bytes, len, out->sha1))
		return false;
	for (i = 0; i < IMA_BANK_COUNT; i++)
		if (hs->bank[i].md &&
		    !ima_digest_bytes(&hs->bank[i], bytes, len, out->bank[i]))
			return false;
	return true;
}

/* ima_replay_hash() on the record's own bytes, without copying them. */
static bool hash_record(struct ima_replay_hashers *hs,
			const struct ima_record *rec,
			struct ima_replay_digests *out)
{
	unsigned int i;

	if (!ima_template_digest(&hs->sha1, rec, out->sha1))
		return false;
	for (i = 0; i < IMA_BANK_COUNT; i++)
		if (hs->bank[i].md &&
		    !ima_template_digest(&hs->bank[i], rec, out->bank[i]))
			return false;
	return true;
}

void ima_replay_entry_of(const struct ima_record *rec,
			 struct ima_replay_entry *e)
{
	e->index = rec->index;
	e->offset = rec->offset;
	e->pcr = rec->pcr;
	e->violation = rec->violation;
	e->num_digests = rec->num_digests;
	e->digests = rec->digests;
}

static void note_failure(struct ima_replay *r, const struct ima_replay_entry *rec,
			 const struct ima_digest *logged,
			 const uint8_t *computed)
{
	struct ima_digest_failure *f;

	if (r->failed < IMA_FAILURES_KEPT) {
		f = &r->failures[r->failed];
		f->index = rec->index;
		f->offset = rec->offset;
		f->tpm_alg = logged->tpm_alg;
		f->len = logged->len;
		memcpy(f->logged, logged->value, logged->len);
		memcpy(f->computed, computed, logged->len);
	}
	r->failed++;
}

/*
 * Check the logged digests other than SHA-1 (netlink records carry one
 * per slot). The slot of a bank the kernel cannot hash contains the SHA-1
 * digest zero-padded.
 */
static void verify_slot(struct ima_replay *r,
			const struct ima_replay_entry *rec,
			const struct ima_digest *slot,
			const struct ima_replay_digests *d)
{
	const struct ima_bank_info *info = ima_bank_by_alg(slot->tpm_alg);
	uint8_t computed[IMA_DIGEST_MAX] = { 0 };
	int bank = -1;
	unsigned int i;

	for (i = 0; info && i < r->num_banks; i++)
		if (r->banks[i].info == info)
			bank = (int)i;
	if (!info || bank < 0 || slot->len != info->size) {
		r->unchecked_slots++;
		return;
	}
	if (memcmp(d->bank[bank], slot->value, slot->len) == 0)
		return;

	memcpy(computed, d->sha1, IMA_SHA1_SIZE);
	if (memcmp(computed, slot->value, slot->len) == 0) {
		r->padded_slots++;
		return;
	}
	note_failure(r, rec, slot, computed);
}

static void verify_digests(struct ima_replay *r,
			   const struct ima_replay_entry *rec,
			   const struct ima_replay_digests *d)
{
	unsigned int i;

	for (i = 0; i < rec->num_digests; i++) {
		const struct ima_digest *slot = &rec->digests[i];

		if (slot->tpm_alg != TPM_ALG_SHA1) {
			verify_slot(r, rec, slot, d);
			continue;
		}
		if (slot->len == IMA_SHA1_SIZE &&
		    memcmp(slot->value, d->sha1, IMA_SHA1_SIZE) == 0)
			continue;
		note_failure(r, rec, slot, d->sha1);
		return;
	}
	r->verified++;
}

/* The first extension of PCR pcr enters it into every comparison. */
static void start_pcr(struct ima_replay *r, uint32_t pcr)
{
	unsigned int i, s;

	r->extended |= 1ULL << pcr;
	for (i = 0; i < r->num_banks; i++) {
		struct ima_replay_bank *b = &r->banks[i];
		unsigned int bank = ima_bank_index(b->info);

		if (!b->compare)
			continue;
		if (pcr >= TPM_PCR_COUNT || !r->reference->have[bank][pcr]) {
			if (b->missing_pcr < 0)
				b->missing_pcr = (int)pcr;
			continue;
		}
		/* Chains start at zero; count the PCR as unequal unless the
		 * reference is zero too. */
		for (s = 0; s < IMA_STYLE_COUNT; s++) {
			static const uint8_t zero[IMA_DIGEST_MAX];

			if (memcmp(r->reference->value[bank][pcr], zero,
				   b->info->size))
				b->chain[s].mismatched++;
		}
	}
}

static bool extend_chain(struct ima_replay *r, struct ima_replay_bank *b,
			 struct ima_replay_chain *c,
			 const struct ima_replay_entry *rec,
			 const uint8_t *digest)
{
	const uint8_t *ref = NULL;
	unsigned int bank = ima_bank_index(b->info);
	bool was_equal = false;

	if (b->compare && rec->pcr < TPM_PCR_COUNT &&
	    r->reference->have[bank][rec->pcr]) {
		ref = r->reference->value[bank][rec->pcr];
		was_equal = memcmp(c->pcr[rec->pcr], ref, b->info->size) == 0;
	}
	if (!ima_extend(&b->hasher, c->pcr[rec->pcr], digest))
		return false;
	if (!ref)
		return true;

	if (memcmp(c->pcr[rec->pcr], ref, b->info->size) == 0) {
		if (!was_equal)
			c->mismatched--;
	} else if (was_equal) {
		c->mismatched++;
	}
	if (!c->matched && c->mismatched == 0 && b->missing_pcr < 0) {
		c->matched = true;
		c->matched_after = rec->index;
	}
	return true;
}

static const struct ima_digest *
logged_digest(const struct ima_replay_entry *rec,
	      const struct ima_bank_info *info)
{
	unsigned int i;

	for (i = 0; i < rec->num_digests; i++)
		if (rec->digests[i].tpm_alg == info->tpm_alg &&
		    rec->digests[i].len == info->size)
			return &rec->digests[i];
	return NULL;
}

/*
 * Extend bank b as the kernel did, with the digest the record logs for the
 * bank. The replay then checks the log against the PCRs, and
 * verify_digests() checks the template data against the log. Banks the
 * record logs no digest for are extended with the recomputed one.
 */
static bool extend_bank(struct ima_replay *r, unsigned int i,
			const struct ima_replay_entry *rec,
			const struct ima_replay_digests *d)
{
	struct ima_replay_bank *b = &r->banks[i];
	const struct ima_digest *logged = logged_digest(rec, b->info);
	const struct ima_digest *logged_sha1 = logged_digest(rec,
							     &ima_banks[0]);
	uint8_t native[IMA_DIGEST_MAX];
	uint8_t padded[IMA_DIGEST_MAX] = { 0 };
	unsigned int size = b->info->size;

	/* Violations extend with 0xff bytes instead of the zero digest. */
	if (rec->violation) {
		memset(native, 0xff, size);
		memset(padded, 0xff, IMA_SHA1_SIZE);
	} else {
		if (logged)
			memcpy(native, logged->value, size);
		else if (b->info->tpm_alg == TPM_ALG_SHA1)
			memcpy(native, d->sha1, IMA_SHA1_SIZE);
		else
			memcpy(native, d->bank[i], size);
		memcpy(padded, logged_sha1 ? logged_sha1->value : d->sha1,
		       IMA_SHA1_SIZE);
	}
	if (!extend_chain(r, b, &b->chain[IMA_STYLE_NATIVE], rec, native))
		return false;
	/* For SHA-1 the padded style is the native one, and b->padded is
	 * false. */
	if (!b->padded)
		return true;
	return extend_chain(r, b, &b->chain[IMA_STYLE_PADDED_SHA1], rec,
			    padded);
}

bool ima_replay_apply(struct ima_replay *r, const struct ima_replay_entry *e,
		      const struct ima_replay_digests *d,
		      struct ima_error *err)
{
	unsigned int i;

	if (e->pcr >= IMA_PCR_COUNT) {
		char where[64];

		snprintf(where, sizeof(where), e->offset == IMA_OFFSET_NONE ?
			 "record %llu" : "record %llu at byte %llu",
			 (unsigned long long)e->index,
			 (unsigned long long)e->offset);
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: PCR index %u is outside 0-%u", where, e->pcr,
			      IMA_PCR_COUNT - 1);
		return false;
	}
	r->records++;
	if (e->violation)
		r->violations++;
	else
		verify_digests(r, e, d);

	if (!(r->extended & (1ULL << e->pcr)))
		start_pcr(r, e->pcr);
	for (i = 0; i < r->num_banks; i++) {
		if (!extend_bank(r, i, e, d)) {
			ima_error_openssl(err, "extending a PCR");
			return false;
		}
	}
	return true;
}

bool ima_replay_record(struct ima_replay *r, const struct ima_record *rec,
		       struct ima_error *err)
{
	struct ima_replay_digests d;
	struct ima_replay_entry e;

	ima_replay_entry_of(rec, &e);
	if (!rec->violation && e.pcr < IMA_PCR_COUNT &&
	    !hash_record(&r->hashers, rec, &d)) {
		ima_error_openssl(err, "computing a template digest");
		return false;
	}
	return ima_replay_apply(r, &e, &d, err);
}

void ima_replay_skip_padded(struct ima_replay *r)
{
	unsigned int i;

	for (i = 0; i < r->num_banks; i++)
		if (r->banks[i].compare)
			r->banks[i].padded = false;
}

bool ima_replay_needs_padded(const struct ima_replay *r)
{
	unsigned int i;

	for (i = 0; i < r->num_banks; i++) {
		const struct ima_replay_bank *b = &r->banks[i];

		if (b->compare && b->info->tpm_alg != TPM_ALG_SHA1 &&
		    !b->padded && b->missing_pcr < 0 &&
		    !b->chain[IMA_STYLE_NATIVE].matched)
			return true;
	}
	return false;
}

enum ima_extend_style ima_replay_matched_style(const struct ima_replay *r,
					       unsigned int b)
{
	const struct ima_replay_bank *bank = &r->banks[b];

	if (bank->chain[IMA_STYLE_NATIVE].matched)
		return IMA_STYLE_NATIVE;
	if (bank->info->tpm_alg != TPM_ALG_SHA1 &&
	    bank->chain[IMA_STYLE_PADDED_SHA1].matched)
		return IMA_STYLE_PADDED_SHA1;
	return IMA_STYLE_COUNT;
}
