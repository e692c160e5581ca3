// SPDX-License-Identifier: GPL-2.0
/*
 * Finding IMA's globals.
 *
 * IMA exports none of the symbols the module reads. kallsyms_lookup_name()
 * is not exported either since 5.7, but a kprobe registered on it reports
 * its address. The kernel must have CONFIG_KALLSYMS_ALL for data symbols.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>

#include "imatap.h"

struct imatap_ima imatap_ima;

typedef unsigned long (*kallsyms_lookup_name_t)(const char *name);

static kallsyms_lookup_name_t lookup;

static kallsyms_lookup_name_t find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return NULL;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	/*
	 * With IBT the probe sits after the function's endbr64 instruction,
	 * and an indirect call to that address would fault. Call the
	 * instruction itself.
	 */
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
		static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
		u8 insn[sizeof(endbr64)];

		if (!copy_from_kernel_nofault(insn, (void *)(addr - 4), 4) &&
		    !memcmp(insn, endbr64, sizeof(insn)))
			addr -= 4;
	}
	return (kallsyms_lookup_name_t)addr;
}

int imatap_symbols_init(void)
{
	static const struct {
		const char *name;
		void **ptr;
	} symbols[] = {
		{ "ima_measurements", (void **)&imatap_ima.measurements },
		{ "ima_htable", (void **)&imatap_ima.htable },
		{ "ima_tpm_chip", (void **)&imatap_ima.tpm_chip },
		{ "ima_sha1_idx", (void **)&imatap_ima.sha1_idx },
		{ "ima_hash_algo_idx", (void **)&imatap_ima.hash_algo_idx },
		{ "ima_extra_slots", (void **)&imatap_ima.extra_slots },
		{ "ima_hash_algo", (void **)&imatap_ima.hash_algo },
		{ "ima_canonical_fmt", (void **)&imatap_ima.canonical_fmt },
	};
	unsigned int i;

	lookup = find_kallsyms_lookup_name();
	if (!lookup) {
		pr_err("cannot find kallsyms_lookup_name: kprobes disabled?\n");
		return -ENOENT;
	}

	for (i = 0; i < ARRAY_SIZE(symbols); i++) {
		unsigned long addr = lookup(symbols[i].name);

		if (!addr) {
			pr_err("symbol %s not found: needs CONFIG_IMA and CONFIG_KALLSYMS_ALL\n",
			       symbols[i].name);
			return -ENOENT;
		}
		*symbols[i].ptr = (void *)addr;
	}
	return 0;
}

/* Return the address of kernel symbol @name, or 0. Call after init. */
unsigned long imatap_lookup_name(const char *name)
{
	return lookup(name);
}
