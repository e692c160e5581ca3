// SPDX-License-Identifier: GPL-2.0
/*
 * Load-time checks of the mirrored IMA layout, and the digest slots.
 *
 * Every read here goes through copy_from_kernel_nofault(), so that a wrong
 * layout makes a check fail instead of faulting. Only after these checks
 * pass does the rest of the module dereference IMA's structures directly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash_info.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "imatap.h"

struct imatap_slots imatap_slots;

/* Entries checked at load; the rest follow the same layout. */
#define LAYOUT_CHECK_ENTRIES	1000
/* IMA accepts pcr= values that fit the bits of an unsigned long. */
#define IMA_PCR_LIMIT		64
#define FMT_MAX			(IMA_TEMPLATE_NUM_FIELDS_MAX * \
				 IMA_TEMPLATE_FIELD_ID_MAX_LEN)
#define DESC_NAME_MAX		64

struct checked_entry {
	struct imatap_ima_template_entry hdr;
	struct imatap_ima_field_data data[IMA_TEMPLATE_NUM_FIELDS_MAX];
	char name[DESC_NAME_MAX];
	char fmt[FMT_MAX];
	int num_fields;
	char field_id[IMA_TEMPLATE_NUM_FIELDS_MAX][IMA_TEMPLATE_FIELD_ID_MAX_LEN];
};

static u16 tpm_alg_of_hash(int hash_algo)
{
	switch (hash_algo) {
	case HASH_ALGO_SHA1:
		return TPM_ALG_SHA1;
	case HASH_ALGO_SHA256:
		return TPM_ALG_SHA256;
	case HASH_ALGO_SHA384:
		return TPM_ALG_SHA384;
	case HASH_ALGO_SHA512:
		return TPM_ALG_SHA512;
	case HASH_ALGO_SM3_256:
		return TPM_ALG_SM3_256;
	default:
		return 0;
	}
}

static int read_slots(void)
{
	struct tpm_chip *chip = READ_ONCE(*imatap_ima.tpm_chip);
	int sha1_idx = *imatap_ima.sha1_idx;
	int hash_idx = *imatap_ima.hash_algo_idx;
	int extra = *imatap_ima.extra_slots;
	int hash_algo = *imatap_ima.hash_algo;
	unsigned int banks = chip ? chip->nr_allocated_banks : 0;
	unsigned int i, count;

	if (banks > TPM2_MAX_PCR_BANKS || extra < 0 || extra > 2) {
		pr_err("layout check failed: %u TPM banks and %d extra digest slots\n",
		       banks, extra);
		return -EINVAL;
	}
	count = banks + extra;
	if (sha1_idx < 0 || sha1_idx >= count || hash_idx < 0 ||
	    hash_idx >= count || hash_algo < 0 || hash_algo >= HASH_ALGO__LAST) {
		pr_err("layout check failed: digest slots %u, SHA-1 slot %d, IMA hash slot %d, hash %d\n",
		       count, sha1_idx, hash_idx, hash_algo);
		return -EINVAL;
	}

	for (i = 0; i < count; i++) {
		struct imatap_slot *slot = &imatap_slots.slot[i];

		if (i < banks) {
			slot->alg_id = chip->allocated_banks[i].alg_id;
			slot->size = chip->allocated_banks[i].digest_size;
		} else if (i == sha1_idx) {
			slot->alg_id = TPM_ALG_SHA1;
			slot->size = SHA1_DIGEST_SIZE;
		} else {
			slot->alg_id = tpm_alg_of_hash(hash_algo);
			slot->size = hash_digest_size[hash_algo];
		}
		if (!slot->size || slot->size > TPM2_MAX_DIGEST_SIZE) {
			pr_err("layout check failed: digest slot %u is %u bytes\n",
			       i, slot->size);
			return -EINVAL;
		}
	}
	if (imatap_slots.slot[sha1_idx].alg_id != TPM_ALG_SHA1) {
		pr_err("layout check failed: SHA-1 slot %d holds algorithm 0x%04x\n",
		       sha1_idx, imatap_slots.slot[sha1_idx].alg_id);
		return -EINVAL;
	}
	imatap_slots.count = count;
	return 0;
}

/*
 * Copy a NUL-terminated string of fewer than @size bytes. Byte by byte,
 * since strncpy_from_kernel_nofault() is not exported to modules.
 */
static int read_string(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (copy_from_kernel_nofault(&dst[i], &src[i], 1))
			return -EFAULT;
		if (!dst[i])
			return 0;
	}
	return -EFAULT;
}

/*
 * Read one list node's entry into @out, and return NULL or what was wrong.
 * @bias shifts every read, which is how the fault_layout parameter simulates
 * a kernel with another layout.
 */
static const char *read_entry(struct list_head *node, size_t bias,
			      struct checked_entry *out)
{
	struct imatap_ima_queue_entry *qe;
	struct imatap_ima_template_desc desc;
	struct imatap_ima_template_entry *e;
	int i;

	qe = container_of(node, struct imatap_ima_queue_entry, later);
	if (copy_from_kernel_nofault(&e, &qe->entry, sizeof(e)) || !e)
		return "queue entry has no readable template entry";
	e = (void *)e + bias;
	if (copy_from_kernel_nofault(&out->hdr, e, sizeof(out->hdr)))
		return "template entry unreadable";
	if (!out->hdr.template_desc ||
	    copy_from_kernel_nofault(&desc, out->hdr.template_desc,
				     sizeof(desc)))
		return "template descriptor unreadable";
	if (desc.num_fields < 1 || desc.num_fields > IMA_TEMPLATE_NUM_FIELDS_MAX)
		return "template field count out of range";
	out->num_fields = desc.num_fields;
	if (read_string(out->name, desc.name, sizeof(out->name)) ||
	    read_string(out->fmt, desc.fmt, sizeof(out->fmt)))
		return "template name or format unreadable";
	if (copy_from_kernel_nofault(out->data, e->template_data,
				     desc.num_fields * sizeof(out->data[0])))
		return "template data array unreadable";

	for (i = 0; i < desc.num_fields; i++) {
		const struct imatap_ima_template_field *field;

		if (copy_from_kernel_nofault(&field, &desc.fields[i],
					     sizeof(field)) ||
		    read_string(out->field_id[i], field->field_id,
				IMA_TEMPLATE_FIELD_ID_MAX_LEN))
			return "template field id unreadable";
	}
	return NULL;
}

/* Check one entry against the rules IMA itself keeps when it makes one. */
static const char *check_entry(const struct checked_entry *ce)
{
	char joined[FMT_MAX];
	size_t used = 0;
	u64 data_len = 0;
	u8 probe;
	int i;

	if (ce->hdr.pcr < 0 || ce->hdr.pcr >= IMA_PCR_LIMIT)
		return "PCR index out of range";
	if (!ce->hdr.digests ||
	    copy_from_kernel_nofault(&probe, (u8 *)&ce->hdr.digests[imatap_slots.count] - 1, 1))
		return "digest array unreadable";

	joined[0] = '\0';
	for (i = 0; i < ce->num_fields; i++) {
		int n = scnprintf(joined + used, sizeof(joined) - used, "%s%s",
				  i ? "|" : "", ce->field_id[i]);

		used += n;
		data_len += sizeof(u32) + ce->data[i].len;
		if (ce->data[i].len &&
		    copy_from_kernel_nofault(&probe, ce->data[i].data +
					     ce->data[i].len - 1, 1))
			return "field data unreadable";
	}
	if (strcmp(joined, ce->fmt))
		return "field ids do not match the template format";
	if (data_len != ce->hdr.template_data_len)
		return "field lengths do not add up to the template data length";
	return NULL;
}

static bool is_boot_aggregate(const struct checked_entry *ce)
{
	static const char name[] = IMA_BOOT_AGGREGATE_NAME;
	char buf[sizeof(name)];
	int i;

	for (i = 0; i < ce->num_fields; i++) {
		if (strcmp(ce->field_id[i], "n") && strcmp(ce->field_id[i], "n-ng"))
			continue;
		if (ce->data[i].len != sizeof(name) ||
		    copy_from_kernel_nofault(buf, ce->data[i].data, sizeof(buf)))
			return false;
		return !memcmp(buf, name, sizeof(name));
	}
	return false;
}

/**
 * imatap_layout_check() - check the mirrored layout against IMA's own log
 * @fault: read every entry one pointer off, to test that a wrong layout is
 *	   refused
 *
 * Return: 0 when the first entry is boot_aggregate and the first entries are
 * consistent with the mirrored structures, -EINVAL otherwise.
 */
int imatap_layout_check(bool fault)
{
	struct list_head *head = imatap_ima.measurements;
	struct checked_entry *ce;
	struct list_head *pos;
	size_t bias = fault ? sizeof(void *) : 0;
	const char *why = NULL;
	unsigned int n = 0;
	int err;

	err = read_slots();
	if (err)
		return err;

	ce = kmalloc(sizeof(*ce), GFP_KERNEL);
	if (!ce)
		return -ENOMEM;

	for (pos = imatap_log_next(head); pos && n < LAYOUT_CHECK_ENTRIES;
	     pos = imatap_log_next(pos), n++) {
		why = read_entry(pos, bias, ce);
		if (why)
			break;
		why = check_entry(ce);
		if (why)
			break;
		if (n == 0 && !is_boot_aggregate(ce)) {
			why = "first entry is not boot_aggregate";
			break;
		}
	}
	if (!why && n == 0)
		why = "measurement list is empty; is IMA enabled?";
	kfree(ce);

	if (why) {
		pr_err("layout check failed at entry %u: %s; this kernel's IMA structures differ from the ones imatap mirrors, so it does not load\n",
		       n, why);
		return -EINVAL;
	}
	pr_debug("layout checked on %u entries, %u digest slots\n",
		 n, imatap_slots.count);
	return 0;
}
