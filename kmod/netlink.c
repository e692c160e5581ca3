// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family: status, dump and the event group. The ABI is
 * documented in uapi/linux/imatap.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>

#include "uapi/linux/imatap.h"

#include "imatap.h"

static struct genl_family imatap_family;

static const struct nla_policy imatap_policy[IMATAP_A_MAX + 1] = {
	[IMATAP_A_START_INDEX] = { .type = NLA_U64 },
};

/* Dump state kept in netlink_callback::args between calls. */
enum {
	DUMP_POS,	/* node before the next entry to send */
	DUMP_INDEX,	/* index of the next entry to send */
	DUMP_OFFSET,	/* template data offset of its next chunk */
};

static u32 chunk_len(const struct imatap_ima_template_entry *e, u32 offset)
{
	return min_t(u32, e->template_data_len - offset, IMATAP_DATA_CHUNK_MAX);
}

static size_t entry_msg_size(const struct imatap_ima_template_entry *e,
			     u32 chunk)
{
	size_t size = nla_total_size_64bit(sizeof(u64)) +
		      5 * nla_total_size(sizeof(u32)) +
		      nla_total_size(strlen(imatap_template_name(e)) + 1) +
		      nla_total_size(strlen(e->template_desc->fmt) + 1) +
		      nla_total_size(0) + nla_total_size(chunk);
	unsigned int i;

	for (i = 0; i < imatap_slots.count; i++)
		size += nla_total_size(0) + nla_total_size(sizeof(u16)) +
			nla_total_size(imatap_slots.slot[i].size);
	return size;
}

static int put_digests(struct sk_buff *skb,
		       const struct imatap_ima_template_entry *e)
{
	struct nlattr *digests, *digest;
	unsigned int i;

	digests = nla_nest_start(skb, IMATAP_A_ENTRY_DIGESTS);
	if (!digests)
		return -EMSGSIZE;
	for (i = 0; i < imatap_slots.count; i++) {
		const struct imatap_slot *slot = &imatap_slots.slot[i];

		digest = nla_nest_start(skb, IMATAP_A_DIGEST);
		if (!digest ||
		    nla_put_u16(skb, IMATAP_DIGEST_A_ALG, slot->alg_id) ||
		    nla_put(skb, IMATAP_DIGEST_A_VALUE, slot->size,
			    e->digests[i].digest))
			return -EMSGSIZE;
		nla_nest_end(skb, digest);
	}
	nla_nest_end(skb, digests);
	return 0;
}

/* Put the attributes of @e and the data chunk at @offset into @skb. */
static int put_entry(struct sk_buff *skb,
		     const struct imatap_ima_template_entry *e,
		     u64 index, u32 offset)
{
	u32 chunk = chunk_len(e, offset);
	u32 flags = 0;
	struct nlattr *data;

	if (imatap_entry_is_violation(e))
		flags |= IMATAP_ENTRY_F_VIOLATION;
	if (READ_ONCE(*imatap_ima.canonical_fmt))
		flags |= IMATAP_ENTRY_F_CANONICAL;

	if (nla_put_u64_64bit(skb, IMATAP_A_ENTRY_INDEX, index, IMATAP_A_PAD) ||
	    nla_put_u32(skb, IMATAP_A_ENTRY_PCR, e->pcr) ||
	    nla_put_u32(skb, IMATAP_A_ENTRY_FLAGS, flags) ||
	    nla_put_string(skb, IMATAP_A_ENTRY_TEMPLATE_NAME,
			   imatap_template_name(e)) ||
	    nla_put_string(skb, IMATAP_A_ENTRY_TEMPLATE_FMT,
			   e->template_desc->fmt) ||
	    put_digests(skb, e) ||
	    nla_put_u32(skb, IMATAP_A_ENTRY_DATA_LEN, e->template_data_len) ||
	    nla_put_u32(skb, IMATAP_A_ENTRY_DATA_OFFSET, offset))
		return -EMSGSIZE;

	data = nla_reserve(skb, IMATAP_A_ENTRY_DATA, chunk);
	if (!data)
		return -EMSGSIZE;
	imatap_copy_template_data(e, offset, chunk, nla_data(data));
	return 0;
}

bool imatap_netlink_has_listeners(void)
{
	return genl_has_listeners(&imatap_family, &init_net, 0);
}

/*
 * Multicast @e to the event group, in chunks if it is large. Return 0, or
 * -ENOMEM or -EMSGSIZE when a message could not be built; a listener's full
 * receive buffer is its own loss to repair and is not an error here.
 */
int imatap_netlink_send_entry(const struct imatap_ima_template_entry *e,
			      u64 index)
{
	u32 offset = 0;

	do {
		struct sk_buff *skb;
		void *hdr;

		skb = genlmsg_new(entry_msg_size(e, chunk_len(e, offset)),
				  GFP_KERNEL);
		if (!skb)
			return -ENOMEM;
		hdr = genlmsg_put(skb, 0, 0, &imatap_family, 0,
				  IMATAP_CMD_NEW_ENTRY);
		if (!hdr || put_entry(skb, e, index, offset)) {
			nlmsg_free(skb);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		genlmsg_multicast(&imatap_family, skb, 0, 0, GFP_KERNEL);
		offset += chunk_len(e, offset);
	} while (offset < e->template_data_len);
	return 0;
}

static int get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct imatap_stream_stats stats;
	struct sk_buff *msg;
	u32 flags = 0;
	void *hdr;

	imatap_stream_stats(&stats);
	if (!READ_ONCE(*imatap_ima.tpm_chip))
		flags |= IMATAP_STATUS_F_NO_TPM;
	if (READ_ONCE(*imatap_ima.canonical_fmt))
		flags |= IMATAP_STATUS_F_CANONICAL;
	if (imatap_netlink_has_listeners())
		flags |= IMATAP_STATUS_F_LISTENERS;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &imatap_family, 0,
				IMATAP_CMD_GET_STATUS);
	if (!hdr ||
	    nla_put_string(msg, IMATAP_A_STATUS_VERSION, IMATAP_VERSION) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_ENTRIES,
			      atomic_long_read(&imatap_ima.htable->len),
			      IMATAP_A_PAD) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_VIOLATIONS,
			      atomic_long_read(&imatap_ima.htable->violations),
			      IMATAP_A_PAD) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_NEXT_INDEX,
			      stats.next_index, IMATAP_A_PAD) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_SENT, stats.sent,
			      IMATAP_A_PAD) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_SEND_FAILURES,
			      stats.send_failures, IMATAP_A_PAD) ||
	    nla_put_u64_64bit(msg, IMATAP_A_STATUS_PROBE_MISSES,
			      stats.probe_misses, IMATAP_A_PAD) ||
	    nla_put_u32(msg, IMATAP_A_STATUS_FLAGS, flags)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int dump_start(struct netlink_callback *cb)
{
	struct nlattr *start = imatap_dump_attrs(cb)[IMATAP_A_START_INDEX];
	u64 index;

	cb->args[DUMP_POS] = (long)imatap_log_seek(start ? nla_get_u64(start) : 0,
						   &index);
	cb->args[DUMP_INDEX] = index;
	cb->args[DUMP_OFFSET] = 0;
	return 0;
}

static int dump_entries(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct list_head *pos = (struct list_head *)cb->args[DUMP_POS];
	u64 index = cb->args[DUMP_INDEX];
	u32 offset = cb->args[DUMP_OFFSET];
	struct list_head *next;

	while ((next = imatap_log_next(pos))) {
		const struct imatap_ima_template_entry *e = imatap_log_entry(next);

		while (offset < e->template_data_len) {
			void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						&imatap_family, NLM_F_MULTI,
						IMATAP_CMD_GET_ENTRIES);

			if (!hdr)
				goto full;
			if (put_entry(skb, e, index, offset)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			offset += chunk_len(e, offset);
		}
		pos = next;
		index++;
		offset = 0;
	}
	/* A partly filled buffer is sent; the next call returns 0 to end. */
	goto out;

full:
	/* Every message fits an empty page-sized buffer; never stall. */
	if (!skb->len)
		return -EMSGSIZE;
out:
	cb->args[DUMP_POS] = (long)pos;
	cb->args[DUMP_INDEX] = index;
	cb->args[DUMP_OFFSET] = offset;
	return skb->len;
}

static const struct genl_ops imatap_ops[] = {
	{
		.cmd = IMATAP_CMD_GET_STATUS,
		.doit = get_status,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IMATAP_CMD_GET_ENTRIES,
		.start = dump_start,
		.dumpit = dump_entries,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group imatap_mcgrps[] = {
	{ .name = IMATAP_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family imatap_family __ro_after_init = {
	.name = IMATAP_GENL_NAME,
	.version = IMATAP_GENL_VERSION,
	.maxattr = IMATAP_A_MAX,
	.policy = imatap_policy,
	.module = THIS_MODULE,
	.ops = imatap_ops,
	.n_ops = ARRAY_SIZE(imatap_ops),
	.mcgrps = imatap_mcgrps,
	.n_mcgrps = ARRAY_SIZE(imatap_mcgrps),
};

int __init imatap_netlink_init(void)
{
	return genl_register_family(&imatap_family);
}

void imatap_netlink_exit(void)
{
	genl_unregister_family(&imatap_family);
}
