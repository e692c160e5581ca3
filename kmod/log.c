// SPDX-License-Identifier: GPL-2.0
/*
 * Walking IMA's measurement list.
 *
 * ima_measurements only grows: IMA appends with list_add_tail_rcu() under
 * its own mutex and never removes or frees a node that was appended. A node
 * pointer therefore stays valid for the life of the kernel, and the walker
 * may keep one as a cursor and sleep between steps. Only the load of each
 * ->next pointer needs RCU ordering.
 */
#include <linux/rculist.h>
#include <linux/string.h>

#include "imatap.h"

/* Return the node after @pos, or NULL at the end of the list. */
struct list_head *imatap_log_next(struct list_head *pos)
{
	struct list_head *next;

	rcu_read_lock();
	next = rcu_dereference(list_next_rcu(pos));
	rcu_read_unlock();
	return next == imatap_ima.measurements ? NULL : next;
}

/*
 * Return the node before the entry at @index (the list head for index 0),
 * and in @found the index of the entry after it, which is less than @index
 * when the list is shorter.
 */
struct list_head *imatap_log_seek(u64 index, u64 *found)
{
	struct list_head *pos = imatap_ima.measurements;
	struct list_head *next;
	u64 i;

	for (i = 0; i < index; i++) {
		next = imatap_log_next(pos);
		if (!next)
			break;
		pos = next;
		if (!(i % 4096))
			cond_resched();
	}
	*found = i;
	return pos;
}

struct imatap_ima_template_entry *imatap_log_entry(struct list_head *pos)
{
	return container_of(pos, struct imatap_ima_queue_entry, later)->entry;
}

/* The name binary_runtime_measurements writes for @e. */
const char *imatap_template_name(const struct imatap_ima_template_entry *e)
{
	const struct imatap_ima_template_desc *desc = e->template_desc;

	return desc->name[0] ? desc->name : desc->fmt;
}

/* IMA leaves every digest of a violation zero and extends with 0xff. */
bool imatap_entry_is_violation(const struct imatap_ima_template_entry *e)
{
	unsigned int i;

	for (i = 0; i < imatap_slots.count; i++) {
		if (memchr_inv(e->digests[i].digest, 0, imatap_slots.slot[i].size))
			return false;
	}
	return true;
}

/*
 * Copy @len bytes from @offset of @e's template data as IMA hashes it: for
 * each field a u32 length (little-endian with ima_canonical_fmt, else host
 * order) and the field's bytes.
 */
void imatap_copy_template_data(const struct imatap_ima_template_entry *e,
			       u32 offset, u32 len, u8 *dst)
{
	bool canonical = READ_ONCE(*imatap_ima.canonical_fmt);
	int i;

	for (i = 0; i < e->template_desc->num_fields && len; i++) {
		const struct imatap_ima_field_data *field = &e->template_data[i];
		u32 word = canonical ? (__force u32)cpu_to_le32(field->len) :
				       field->len;
		u32 n;

		if (offset < sizeof(word)) {
			n = min_t(u32, sizeof(word) - offset, len);
			memcpy(dst, (u8 *)&word + offset, n);
			dst += n;
			len -= n;
			offset = 0;
		} else {
			offset -= sizeof(word);
		}

		if (offset < field->len) {
			n = min_t(u32, field->len - offset, len);
			memcpy(dst, field->data + offset, n);
			dst += n;
			len -= n;
			offset = 0;
		} else {
			offset -= field->len;
		}
	}
}
