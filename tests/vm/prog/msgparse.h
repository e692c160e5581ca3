/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of imatap generic netlink messages. Every attribute that a
 * program reads is checked for duplicates and for its type's exact length,
 * and strings for a single terminating NUL. Attributes of unknown type are
 * skipped because later module versions may add them.
 */
#ifndef IMATAP_VM_MSGPARSE_H
#define IMATAP_VM_MSGPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

/* One IMATAP_CMD_GET_ENTRIES or IMATAP_CMD_NEW_ENTRY message. */
struct entry_msg {
	uint64_t index;
	uint32_t pcr;
	uint32_t flags;			/* 0 when the attribute is absent */
	const char *template_name;
	const uint8_t *sha1;		/* the digest with IMATAP_DIGEST_A_ALG 0x0004 */
	uint32_t data_len;		/* of the whole template data */
	uint32_t data_offset;		/* of this chunk */
	const uint8_t *chunk;
	uint32_t chunk_len;
};

/*
 * Parse and validate an entry message with generic netlink command cmd.
 * Return 0, or -1 with the offending attribute and the reason in err. On
 * failure msg->index is the entry index if that attribute was valid, else
 * UINT64_MAX.
 */
int parse_entry_msg(const struct nlmsghdr *nlh, uint8_t cmd,
		    struct entry_msg *msg, char *err, size_t err_size);

/*
 * Validate an IMATAP_CMD_GET_STATUS reply and print each status attribute
 * as a "key value" line to out. Return 0, or -1 with a reason in err.
 */
int print_status_msg(const struct nlmsghdr *nlh, FILE *out, char *err,
		     size_t err_size);

#endif
