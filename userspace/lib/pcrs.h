/* SPDX-License-Identifier: GPL-2.0 */
/* Reference PCR values: from a text file or from the TPM's sysfs files. */
#ifndef IMATAP_PCRS_H
#define IMATAP_PCRS_H

#include "bank.h"

#define TPM_SYSFS_DIR	"/sys/class/tpm/tpm0"
#define TPM_PCR_COUNT	24

struct ima_pcr_set {
	bool have[IMA_BANK_COUNT][IMA_PCR_COUNT];
	uint8_t value[IMA_BANK_COUNT][IMA_PCR_COUNT][IMA_DIGEST_MAX];
};

/* Bit i set: the set holds some value of ima_banks[i]. */
unsigned int ima_pcr_set_banks(const struct ima_pcr_set *set);

/*
 * Add the values in a text file. Two line forms are accepted:
 *
 *	PCR10-sha256: <hex>	bank named on the line
 *	PCR-10: <hex>		bank given by the caller (evmctl --pcrs ALG,FILE)
 *
 * Hex digits may be separated by spaces ("PCR-10: 1A 2B ..." as TPM 1.2
 * sysfs writes it); case is ignored; empty lines and lines starting with
 * '#' are skipped. bank may be NULL when every line names its bank.
 */
bool ima_pcrs_read_file(struct ima_pcr_set *set, const char *path,
			const struct ima_bank_info *bank,
			struct ima_error *err);
/* Same, for text already in memory; path names it in messages. */
bool ima_pcrs_parse(struct ima_pcr_set *set, const char *text, size_t len,
		    const char *path, const struct ima_bank_info *bank,
		    struct ima_error *err);

/*
 * Read PCRs 0-23 of every bank with a pcr-<alg> directory under dir
 * (normally TPM_SYSFS_DIR; Linux 5.12 and later). Fails if none exists.
 */
bool ima_pcrs_read_sysfs(struct ima_pcr_set *set, const char *dir,
			 struct ima_error *err);

#endif
