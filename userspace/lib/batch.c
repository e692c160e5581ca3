// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "batch.h"
#include "binlog.h"

bool batch_replay_init(struct batch_replay *br, unsigned int bank_mask,
		       const uint8_t start[IMA_BANK_COUNT][IMA_DIGEST_MAX],
		       struct ima_error *err)
{
	unsigned int i;

	memset(br, 0, sizeof(*br));
	/* No reference values: the caller compares with the quote itself. */
	if (!ima_replay_init(&br->replay, bank_mask, NULL, err))
		return false;
	for (i = 0; i < br->replay.num_banks; i++) {
		struct ima_replay_bank *b = &br->replay.banks[i];

		memcpy(b->chain[IMA_STYLE_NATIVE].pcr[IMA_PCR],
		       start[ima_bank_index(b->info)], b->info->size);
	}
	return true;
}

void batch_replay_free(struct batch_replay *br)
{
	ima_replay_free(&br->replay);
}

bool batch_replay_record(struct batch_replay *br,
			 const struct ima_record *rec,
			 struct ima_error *err)
{
	uint64_t failed = br->replay.failed;

	if (rec->pcr != IMA_PCR) {
		ima_error_set(err, rec, rec->offset,
			      "the entry extends PCR %u; only PCR %u is quoted, so it cannot be verified",
			      rec->pcr, IMA_PCR);
		return false;
	}
	if (!ima_replay_record(&br->replay, rec, err))
		return false;
	if (br->replay.failed != failed) {
		ima_error_set(err, rec, rec->offset,
			      "the template digest does not match the template data");
		return false;
	}
	br->records++;
	return true;
}

const uint8_t *batch_replay_pcr(const struct batch_replay *br,
				unsigned int bank)
{
	unsigned int i;

	for (i = 0; i < br->replay.num_banks; i++)
		if (ima_bank_index(br->replay.banks[i].info) == bank)
			return br->replay.banks[i].chain[IMA_STYLE_NATIVE].pcr[IMA_PCR];
	return NULL;
}

bool batch_replay_matches(const struct batch_replay *br,
			  const struct ima_pcr_set *quoted,
			  unsigned int *bank)
{
	unsigned int i;

	for (i = 0; i < br->replay.num_banks; i++) {
		const struct ima_replay_bank *b = &br->replay.banks[i];
		unsigned int index = ima_bank_index(b->info);

		if (!quoted->have[index][IMA_PCR] ||
		    memcmp(b->chain[IMA_STYLE_NATIVE].pcr[IMA_PCR],
			   quoted->value[index][IMA_PCR], b->info->size)) {
			*bank = index;
			return false;
		}
	}
	return true;
}

bool batch_meets_pcrs(const struct batch_replay *br, const void *arg,
		      bool *meets, struct ima_error *err)
{
	unsigned int bank;

	(void)err;
	*meets = batch_replay_matches(br, arg, &bank);
	return true;
}

bool batch_meets_quote(const struct batch_replay *br, const void *arg,
		       bool *meets, struct ima_error *err)
{
	const struct batch_quote_target *t = arg;
	uint8_t digest[IMA_DIGEST_MAX];
	size_t digest_len;
	uint32_t i;

	if (t->read_is_quoted)
		return batch_meets_pcrs(br, t->values, meets, err);
	for (i = 0; i < t->selection->count; i++) {
		const struct ima_bank_info *bank =
			ima_bank_by_alg(t->selection->pcrSelections[i].hash);
		const uint8_t *pcr10 =
			bank ? batch_replay_pcr(br, ima_bank_index(bank)) : NULL;

		if (!pcr10) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the quote selects bank 0x%04x, which the batch does not replay",
				      t->selection->pcrSelections[i].hash);
			return false;
		}
		memcpy(t->values->value[ima_bank_index(bank)][IMA_PCR], pcr10,
		       bank->size);
		t->values->have[ima_bank_index(bank)][IMA_PCR] = true;
	}
	if (!pcr_set_digest(t->hash_alg, t->selection, t->values, digest,
			    &digest_len, err))
		return false;
	*meets = digest_len == t->digest.size &&
		 memcmp(digest, t->digest.buffer, digest_len) == 0;
	return true;
}

bool batch_find_cut(const uint8_t *log, size_t len, bool big_endian,
		    uint64_t first_index, unsigned int bank_mask,
		    const uint8_t start[IMA_BANK_COUNT][IMA_DIGEST_MAX],
		    batch_meets_fn *meets, const void *arg,
		    struct batch_cut *cut, struct ima_error *err)
{
	struct batch_replay br;
	struct ima_binlog reader;
	struct ima_record rec;
	enum ima_read_status status;
	bool met, ok = false;

	memset(cut, 0, sizeof(*cut));
	if (!batch_replay_init(&br, bank_mask, start, err))
		return false;
	ima_binlog_open_mem(&reader, log, len, big_endian);

	/* Skip the records earlier batches covered. */
	while (reader.index < first_index) {
		status = ima_binlog_next(&reader, &rec, err);
		if (status == IMA_READ_END) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the log has %llu entries, fewer than the %llu that earlier batches covered; after a reboot start a new chain without --previous",
				      (unsigned long long)reader.index,
				      (unsigned long long)first_index);
			goto out;
		}
		if (status != IMA_READ_RECORD)
			goto out;
	}
	cut->begin = cut->end = (size_t)reader.offset;
	if (!meets(&br, arg, &met, err))
		goto out;
	if (met) {
		cut->found = true;
		ok = true;
		goto out;
	}

	for (;;) {
		status = ima_binlog_next(&reader, &rec, err);
		if (status == IMA_READ_END)
			break;
		/* A record still being appended waits for the next batch. */
		if (status == IMA_READ_INCOMPLETE)
			break;
		if (status != IMA_READ_RECORD)
			goto out;
		cut->available++;
		if (!batch_replay_record(&br, &rec, err) ||
		    !meets(&br, arg, &met, err))
			goto out;
		if (met) {
			cut->found = true;
			cut->end = (size_t)reader.offset;
			cut->entries = br.records;
			break;
		}
	}
	/* Count the entries that wait for the next batch. */
	while (cut->found &&
	       ima_binlog_next(&reader, &rec, err) == IMA_READ_RECORD)
		cut->available++;
	ok = true;
out:
	ima_binlog_close(&reader);
	batch_replay_free(&br);
	return ok;
}
