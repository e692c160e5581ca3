/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Follow the imatap event group from a given index: join the group, catch
 * up with a dump, then deliver every entry once and in index order.
 * Losses on the group (ENOBUFS from recv(), an index gap, a missing chunk)
 * are repaired with a dump from the first entry not yet delivered, and
 * reported through a callback.
 */
#ifndef IMATAP_FOLLOW_H
#define IMATAP_FOLLOW_H

#include "nlclient.h"
#include "sequencer.h"

enum imatap_follow_result {
	IMATAP_FOLLOW_OK,
	IMATAP_FOLLOW_STOPPED,	/* the entry callback asked to stop */
	IMATAP_FOLLOW_NO_FAMILY, /* the module is not loaded */
	IMATAP_FOLLOW_NO_PERMISSION, /* EPERM: CAP_NET_ADMIN is missing */
	IMATAP_FOLLOW_MALFORMED, /* a message or entry breaks a rule */
	IMATAP_FOLLOW_ERROR,	/* socket, memory or output error */
};

enum imatap_repair_cause {
	IMATAP_REPAIR_ENOBUFS,	/* the group socket's buffer overflowed */
	IMATAP_REPAIR_GAP,	/* the group skipped entries */
	IMATAP_REPAIR_CHUNK,	/* the group skipped chunks of an entry */
};

/* One repair dump, as the repair callback reports it. */
struct imatap_repair {
	enum imatap_repair_cause cause;
	struct imatap_seq_loss loss;	/* for GAP and CHUNK */
	uint64_t from_index;		/* the dump's start index */
	uint64_t entries;		/* entries the dump delivered */
};

struct imatap_follow_stats {
	uint64_t from_dump;	/* entries delivered from dumps */
	uint64_t from_group;	/* entries delivered from the group */
	uint64_t repeats;	/* group chunks of entries already delivered */
	uint64_t enobufs;
	uint64_t gaps;
	uint64_t lost_chunks;
	uint64_t repairs;	/* repair dumps */
};

/*
 * Called for each entry in order. Return IMATAP_FOLLOW_OK to go on,
 * IMATAP_FOLLOW_STOPPED to stop, or a failure with err set.
 */
typedef enum imatap_follow_result (*imatap_follow_entry_fn)(
	const struct imatap_nl_entry *entry, void *arg, struct ima_error *err);
typedef void (*imatap_follow_repair_fn)(const struct imatap_repair *repair,
					void *arg);

struct imatap_follow {
	struct imatap_nl nl;		/* commands and dumps */
	struct nl_sock *events;		/* joined to the events group */
	int group;
	struct imatap_sequencer seq;
	uint8_t *buf;			/* one recv() from the group */
	imatap_follow_entry_fn on_entry;
	imatap_follow_repair_fn on_repair;
	void *arg;
	struct imatap_follow_stats stats;
};

/*
 * Resolve the family and join the events group with a receive buffer of
 * rcvbuf bytes (the kernel doubles it and sets a minimum). The caller
 * sets on_entry, on_repair and arg afterwards.
 */
enum imatap_follow_result imatap_follow_open(struct imatap_follow *f,
					     int rcvbuf,
					     struct ima_error *err);
void imatap_follow_close(struct imatap_follow *f);

/*
 * Deliver the entries from start_index to the end of the log with a dump.
 * Call it once, after imatap_follow_open() has joined the group, so that
 * every entry appended after the dump's end arrives on the group.
 */
enum imatap_follow_result imatap_follow_catch_up(struct imatap_follow *f,
						 uint64_t start_index,
						 struct ima_error *err);

/*
 * The group socket, to poll for POLLIN.
 * NOTE: unloading the module leaves the socket silent; nothing here
 * notices it.
 */
int imatap_follow_fd(const struct imatap_follow *f);

/*
 * Read the group socket until it is empty or a batch of messages has been
 * read, delivering new entries and repairing losses. The socket is
 * non-blocking; poll it again after this returns.
 */
enum imatap_follow_result imatap_follow_read(struct imatap_follow *f,
					     struct ima_error *err);

#endif
