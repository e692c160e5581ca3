/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Order and loss bookkeeping for a listener of the imatap family: which
 * entry comes next, which chunks repeat an entry already delivered, and
 * which show that messages were lost. It does no I/O, so the rules can be
 * tested alone.
 *
 * A dump must deliver exactly the entry due next, chunk after chunk, so
 * any other chunk in a dump is malformed. The events group may repeat
 * entries that a dump already delivered (they are dropped) and, after a
 * receive buffer overflow, skip entries or chunks (a loss, which the
 * caller repairs with a dump from seq->next).
 */
#ifndef IMATAP_SEQUENCER_H
#define IMATAP_SEQUENCER_H

#include "nlclient.h"

enum imatap_seq_source {
	IMATAP_SEQ_DUMP,
	IMATAP_SEQ_GROUP,
};

enum imatap_seq_result {
	IMATAP_SEQ_PARTIAL,	/* chunk stored; the entry needs more chunks */
	IMATAP_SEQ_COMPLETE,	/* seq->as.entry is complete; next advanced */
	IMATAP_SEQ_REPEAT,	/* group: an entry before next, dropped */
	IMATAP_SEQ_LOST,	/* group: entries or chunks are missing */
	IMATAP_SEQ_MALFORMED,	/* err names the entry and the rule */
};

enum imatap_loss_kind {
	IMATAP_LOSS_GAP,	/* the group skipped whole entries */
	IMATAP_LOSS_CHUNK,	/* the group skipped chunks of one entry */
};

/* The loss that the last IMATAP_SEQ_LOST result reported. */
struct imatap_seq_loss {
	enum imatap_loss_kind kind;
	uint64_t seen_index;	/* index of the chunk that showed the loss */
	uint32_t seen_offset;	/* its IMATAP_A_ENTRY_DATA_OFFSET */
	uint32_t expected_offset; /* chunk loss: the offset that was due */
};

struct imatap_sequencer {
	uint64_t next;		/* index of the next entry to deliver */
	struct imatap_nl_assembler as;
	struct imatap_seq_loss loss;
};

void imatap_seq_init(struct imatap_sequencer *seq, uint64_t next);
void imatap_seq_free(struct imatap_sequencer *seq);

/*
 * Drop a partly received entry, before a dump from seq->next repairs a
 * loss.
 */
void imatap_seq_discard_partial(struct imatap_sequencer *seq);

enum imatap_seq_result imatap_seq_add(struct imatap_sequencer *seq,
				      const struct imatap_nl_chunk *chunk,
				      enum imatap_seq_source source,
				      struct ima_error *err);

#endif
