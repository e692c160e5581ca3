/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IMATAP_H
#define _IMATAP_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "compat.h"

/* IMATAP_VERSION is defined by kmod/Kbuild from the top-level VERSION file. */

/* IMA's globals, found through kallsyms at load. */
struct imatap_ima {
	struct list_head *measurements;
	struct imatap_ima_h_table *htable;
	struct tpm_chip **tpm_chip;
	int *sha1_idx;
	int *hash_algo_idx;
	int *extra_slots;
	int *hash_algo;
	bool *canonical_fmt;
};

extern struct imatap_ima imatap_ima;

/* One slot of an entry's digest array, as IMA configured it at boot. */
struct imatap_slot {
	u16 alg_id;
	u16 size;
};

/* The digest slots: banks first, then SHA-1 and the IMA hash if unbanked. */
struct imatap_slots {
	unsigned int count;
	struct imatap_slot slot[TPM2_MAX_PCR_BANKS + 2];
};

extern struct imatap_slots imatap_slots;

int imatap_symbols_init(void);
unsigned long imatap_lookup_name(const char *name);
int imatap_layout_check(bool fault);

/* Log walking; the list is append-only and its nodes are never freed. */
struct list_head *imatap_log_next(struct list_head *pos);
struct list_head *imatap_log_seek(u64 index, u64 *found);
struct imatap_ima_template_entry *imatap_log_entry(struct list_head *pos);
const char *imatap_template_name(const struct imatap_ima_template_entry *e);
bool imatap_entry_is_violation(const struct imatap_ima_template_entry *e);
void imatap_copy_template_data(const struct imatap_ima_template_entry *e,
			       u32 offset, u32 len, u8 *dst);

/* The event stream. */
int imatap_stream_init(void);
int imatap_stream_start(void);
void imatap_stream_stop(void);
void imatap_stream_exit(void);
void imatap_stream_kick(void);

struct imatap_stream_stats {
	u64 next_index;
	u64 sent;
	u64 send_failures;
	u64 probe_misses;
};

void imatap_stream_stats(struct imatap_stream_stats *stats);

/* Generic netlink. */
int imatap_netlink_init(void);
void imatap_netlink_exit(void);
bool imatap_netlink_has_listeners(void);
int imatap_netlink_send_entry(const struct imatap_ima_template_entry *e,
			      u64 index);

#endif /* _IMATAP_H */
