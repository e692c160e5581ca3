// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "sequencer.h"

void imatap_seq_init(struct imatap_sequencer *seq, uint64_t next)
{
	memset(seq, 0, sizeof(*seq));
	seq->next = next;
	imatap_nl_assembler_init(&seq->as);
}

void imatap_seq_free(struct imatap_sequencer *seq)
{
	imatap_nl_assembler_free(&seq->as);
}

void imatap_seq_discard_partial(struct imatap_sequencer *seq)
{
	seq->as.active = false;
	seq->as.received = 0;
}

static enum imatap_seq_result lost(struct imatap_sequencer *seq,
				   const struct imatap_nl_chunk *chunk,
				   enum imatap_loss_kind kind)
{
	seq->loss = (struct imatap_seq_loss){
		.kind = kind,
		.seen_index = chunk->header.index,
		.seen_offset = chunk->offset,
		.expected_offset = seq->as.active ? seq->as.received : 0,
	};
	imatap_seq_discard_partial(seq);
	return IMATAP_SEQ_LOST;
}

/* A chunk of the entry due next that does not continue it. */
static bool breaks_entry(const struct imatap_sequencer *seq,
			 const struct imatap_nl_chunk *chunk)
{
	if (chunk->offset == 0)
		return seq->as.active;
	return !seq->as.active || chunk->offset != seq->as.received;
}

enum imatap_seq_result imatap_seq_add(struct imatap_sequencer *seq,
				      const struct imatap_nl_chunk *chunk,
				      enum imatap_seq_source source,
				      struct ima_error *err)
{
	uint64_t index = chunk->header.index;
	bool complete;

	if (source == IMATAP_SEQ_DUMP &&
	    (index != seq->next || breaks_entry(seq, chunk))) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the dump sent entry %llu at offset %u where entry %llu at offset %u was due",
			      (unsigned long long)index, chunk->offset,
			      (unsigned long long)seq->next,
			      seq->as.active ? seq->as.received : 0);
		return IMATAP_SEQ_MALFORMED;
	}
	if (index < seq->next)
		return IMATAP_SEQ_REPEAT;
	if (index > seq->next)
		return lost(seq, chunk, IMATAP_LOSS_GAP);
	if (breaks_entry(seq, chunk))
		return lost(seq, chunk, IMATAP_LOSS_CHUNK);

	if (!imatap_nl_assembler_add_chunk(&seq->as, chunk, &complete, err)) {
		imatap_seq_discard_partial(seq);
		return IMATAP_SEQ_MALFORMED;
	}
	if (!complete)
		return IMATAP_SEQ_PARTIAL;
	seq->next++;
	return IMATAP_SEQ_COMPLETE;
}
