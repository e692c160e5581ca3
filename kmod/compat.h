/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mirrors of IMA's private structures and every kernel-version conditional.
 *
 * IMA keeps its measurement list and template types in
 * security/integrity/ima/ima.h, which kernel header packages do not ship.
 * The structures below copy that file's layout on 64-bit hosts, which is
 * the same in Linux 6.1 and 6.12. layout.c checks them against the running
 * kernel's own log before the module starts, and the module refuses to
 * load on a mismatch.
 *
 * NOTE: the module has run on Debian 12's 6.1 (generic, cloud and rt
 * flavours, and a debug build) and Debian 13's 6.12 only. Kernels from 5.8
 * on are expected to share the layout (5.8 replaced the entry's single
 * SHA-1 digest with the digest array), but the others are unchecked.
 */
#ifndef _IMATAP_COMPAT_H
#define _IMATAP_COMPAT_H

#include <linux/list.h>
#include <linux/tpm.h>
#include <linux/types.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
/* Before 5.8 an entry held one SHA-1 digest in place of the digest array. */
#error "imatap needs Linux 5.8 or later: older IMA entries have another layout"
#endif

#ifndef CONFIG_64BIT
#error "imatap mirrors IMA's structures for 64-bit kernels only"
#endif

#ifndef GENL_MCAST_CAP_NET_ADMIN
/*
 * Without the group flags any user could join the event group and read
 * every measured file name. Debian's 6.1.192 has them; older releases of
 * some stable series do not, and the module does not build there.
 */
#error "this kernel cannot restrict who joins a generic netlink group"
#endif

#ifdef CONFIG_DYNAMIC_FTRACE
#include <linux/ftrace.h>
/*
 * Size of the call to __fentry__ that ftrace patches at the start of a
 * traceable function. ftrace_location() returns its address.
 */
#define IMATAP_FTRACE_SITE_SIZE	MCOUNT_INSN_SIZE
#else
/* Without dynamic ftrace no function starts with a site that is patched. */
#define IMATAP_FTRACE_SITE_SIZE	0
#endif

/*
 * Return the parsed attributes of a dump request. Linux 6.1 keeps them in
 * struct genl_dumpit_info, and 6.2 on (6.12 checked) in the struct
 * genl_info embedded in it.
 */
static inline struct nlattr **imatap_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* security/integrity/ima/ima.h */
#define IMA_TEMPLATE_FIELD_ID_MAX_LEN	16
#define IMA_TEMPLATE_NUM_FIELDS_MAX	15
#define IMA_EVENT_NAME_LEN_MAX		255
#define IMA_TEMPLATE_IMA_NAME		"ima"
#define IMA_BOOT_AGGREGATE_NAME		"boot_aggregate"

struct imatap_ima_field_data {
	u8 *data;
	u32 len;
};

struct imatap_ima_template_field {
	const char field_id[IMA_TEMPLATE_FIELD_ID_MAX_LEN];
	/* field_init and field_show follow; never called here. */
};

struct imatap_ima_template_desc {
	struct list_head list;
	char *name;
	char *fmt;
	int num_fields;
	const struct imatap_ima_template_field **fields;
};

struct imatap_ima_template_entry {
	int pcr;
	struct tpm_digest *digests;
	struct imatap_ima_template_desc *template_desc;
	u32 template_data_len;
	struct imatap_ima_field_data template_data[];
};

struct imatap_ima_queue_entry {
	struct hlist_node hnext;
	struct list_head later;
	struct imatap_ima_template_entry *entry;
};

/* Only the two counters at its start are read. */
struct imatap_ima_h_table {
	atomic_long_t len;
	atomic_long_t violations;
};

/*
 * The offsets of x86_64 Linux 6.1 and 6.12. The VM test
 * btf-matches-mirrored-layout compares each of these assertions with the
 * running kernel's BTF.
 */
static_assert(offsetof(struct imatap_ima_template_entry, digests) == 8);
static_assert(offsetof(struct imatap_ima_template_entry, template_desc) == 16);
static_assert(offsetof(struct imatap_ima_template_entry, template_data_len) == 24);
static_assert(offsetof(struct imatap_ima_template_entry, template_data) == 32);
static_assert(sizeof(struct imatap_ima_field_data) == 16);
static_assert(offsetof(struct imatap_ima_template_desc, name) == 16);
static_assert(offsetof(struct imatap_ima_template_desc, fmt) == 24);
static_assert(offsetof(struct imatap_ima_template_desc, num_fields) == 32);
static_assert(offsetof(struct imatap_ima_template_desc, fields) == 40);
static_assert(offsetof(struct imatap_ima_queue_entry, later) == 16);
static_assert(offsetof(struct imatap_ima_queue_entry, entry) == 32);
static_assert(sizeof(struct tpm_digest) == 66);

#endif /* _IMATAP_COMPAT_H */
