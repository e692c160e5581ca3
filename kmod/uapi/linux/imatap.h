/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * imatap: the IMA measurement list as a generic netlink stream.
 *
 * Family and groups
 * -----------------
 *
 * Generic netlink family IMATAP_GENL_NAME, version IMATAP_GENL_VERSION, in
 * the initial network namespace only. It has one multicast group,
 * IMATAP_MCGRP_EVENTS, on which the module sends one IMATAP_CMD_NEW_ENTRY
 * message (or several, see "Large entries") for every entry appended to the
 * IMA measurement list after the module loaded, in log order.
 *
 * Privilege
 * ---------
 *
 * Joining IMATAP_MCGRP_EVENTS and every command require CAP_NET_ADMIN in the
 * initial user namespace; without it, the join and the commands fail with
 * EPERM. Measured file names are as sensitive as the root-only securityfs
 * log. CAP_AUDIT_READ would suit auditors better, but generic netlink can
 * check only CAP_NET_ADMIN or CAP_SYS_ADMIN when a socket joins a group, and
 * one capability should grant both the stream and the commands.
 *
 * Commands
 * --------
 *
 * IMATAP_CMD_GET_STATUS (do)
 *	Request: no attributes.
 *	Reply: one IMATAP_CMD_GET_STATUS message with IMATAP_A_STATUS_*.
 *
 * IMATAP_CMD_GET_ENTRIES (dump, NLM_F_DUMP required)
 *	Request: IMATAP_A_START_INDEX (u64, optional): index of the first entry
 *	to send; absent means 0. A start index at or past the end of the log
 *	gives an empty dump.
 *	Reply: IMATAP_CMD_GET_ENTRIES messages with the IMATAP_A_ENTRY_*
 *	attributes described below, in log order, then NLMSG_DONE. The dump
 *	ends at the last entry present when its final reply buffer was filled;
 *	entries appended later arrive on the multicast group. A listener that
 *	joins the group first and dumps second sees every entry at least once
 *	and drops the repeats by index.
 *
 * IMATAP_CMD_NEW_ENTRY (multicast only)
 *	Sent to IMATAP_MCGRP_EVENTS with the IMATAP_A_ENTRY_* attributes.
 *	Requests with this command are rejected with EOPNOTSUPP.
 *
 * Entry attributes
 * ----------------
 *
 * IMATAP_A_ENTRY_INDEX (u64)
 *	Position of the entry in binary_runtime_measurements, counting from 0
 *	(boot_aggregate).
 * IMATAP_A_ENTRY_PCR (u32)
 *	PCR the entry extended.
 * IMATAP_A_ENTRY_FLAGS (u32)
 *	IMATAP_ENTRY_F_* bits. Unknown bits may appear in later versions and
 *	should be ignored.
 * IMATAP_A_ENTRY_TEMPLATE_NAME (NUL-terminated string)
 *	The template name as binary_runtime_measurements writes it: the
 *	descriptor name ("ima-sig"), or the field list for a template given
 *	with ima_template_fmt=.
 * IMATAP_A_ENTRY_TEMPLATE_FMT (NUL-terminated string)
 *	The field ids separated by '|' ("d-ng|n-ng|sig").
 * IMATAP_A_ENTRY_DIGESTS (nested)
 *	One IMATAP_A_DIGEST (nested) per slot of the entry's digest array, in
 *	slot order: one per allocated TPM PCR bank in the chip's order, then a
 *	SHA-1 slot if the TPM has no SHA-1 bank, then a slot for the IMA hash
 *	algorithm if it has no bank. Without a TPM: the SHA-1 slot and,
 *	unless IMA hashes with SHA-1, the IMA hash slot. Each holds:
 *	  IMATAP_DIGEST_A_ALG (u16): TPM_ALG_* id (0x0004 SHA-1, 0x000b
 *	    SHA-256, 0x000c SHA-384, 0x000d SHA-512, 0x0012 SM3-256), or 0
 *	    for an IMA hash algorithm that has no TPM id.
 *	  IMATAP_DIGEST_A_VALUE (binary): the template digest, as long as the
 *	    bank's digest. A bank the kernel cannot hash holds the SHA-1 digest
 *	    padded with zeros. A violation holds zeros in every slot (the PCR
 *	    is extended with 0xff bytes instead).
 * IMATAP_A_ENTRY_DATA_LEN (u32)
 *	Total length of the entry's template data.
 * IMATAP_A_ENTRY_DATA_OFFSET (u32)
 *	Offset within the template data of the bytes in IMATAP_A_ENTRY_DATA.
 * IMATAP_A_ENTRY_DATA (binary)
 *	Template data bytes from IMATAP_A_ENTRY_DATA_OFFSET on. The template
 *	data is, for each field in order, a u32 length and the field's bytes.
 *	The length words are in host byte order, or little-endian when the
 *	kernel runs with ima_canonical_fmt (IMATAP_ENTRY_F_CANONICAL). For
 *	every template but "ima" these are exactly the bytes IMA hashes for the
 *	template digest and exactly what binary_runtime_measurements writes
 *	after the template data length. For the "ima" template (fields d|n)
 *	the kernel hashes the 20-byte digest and the name padded with zeros to
 *	256 bytes, and the binary log writes the digest without its length
 *	word.
 *
 * Large entries
 * -------------
 *
 * Each message carries at most IMATAP_DATA_CHUNK_MAX bytes of template data,
 * so that every message fits a single page-sized netlink buffer. An entry
 * with more template data is sent as several messages with the same index
 * and all other entry attributes repeated, whose IMATAP_A_ENTRY_DATA_OFFSET
 * values increase from 0 in steps of the chunk length until the chunks
 * cover IMATAP_A_ENTRY_DATA_LEN bytes. The chunks of one entry are
 * consecutive in a dump and on the group. Receivers must not assume the
 * chunk size: later versions may change it.
 *
 * Loss
 * ----
 *
 * A listener whose receive buffer overflows gets ENOBUFS from recv() and
 * loses messages; it can also see an index gap. The module itself may drop
 * events when it cannot allocate a message; IMATAP_A_STATUS_SEND_FAILURES
 * counts those. In both cases the listener repairs the gap with
 * IMATAP_CMD_GET_ENTRIES from the first missing index.
 *
 * Status attributes
 * -----------------
 *
 * IMATAP_A_STATUS_VERSION (string): module version.
 * IMATAP_A_STATUS_ENTRIES (u64): entries in the measurement list.
 * IMATAP_A_STATUS_VIOLATIONS (u64): IMA's violation counter.
 * IMATAP_A_STATUS_NEXT_INDEX (u64): index of the next entry the module will
 *	send on the group; entries before it have been sent or skipped for
 *	lack of listeners.
 * IMATAP_A_STATUS_SENT (u64): entries sent on the group since load.
 * IMATAP_A_STATUS_SEND_FAILURES (u64): entries not sent on the group
 *	because a message could not be allocated or filled.
 * IMATAP_A_STATUS_PROBE_MISSES (u64): calls of integrity_audit_msg() that
 *	the probe missed because another kprobe's handler was running on the
 *	CPU; a missed probe only delays an event until the next probe or the
 *	once-a-second sweep.
 * IMATAP_A_STATUS_FLAGS (u32): IMATAP_STATUS_F_* bits.
 */
#ifndef _UAPI_LINUX_IMATAP_H
#define _UAPI_LINUX_IMATAP_H

#define IMATAP_GENL_NAME	"imatap"
#define IMATAP_GENL_VERSION	1
#define IMATAP_MCGRP_EVENTS	"events"

/* Maximum template data bytes in one message; see "Large entries". */
#define IMATAP_DATA_CHUNK_MAX	2048

enum imatap_cmd {
	IMATAP_CMD_UNSPEC,
	IMATAP_CMD_GET_STATUS,
	IMATAP_CMD_GET_ENTRIES,
	IMATAP_CMD_NEW_ENTRY,
	__IMATAP_CMD_MAX,
};

#define IMATAP_CMD_MAX (__IMATAP_CMD_MAX - 1)

enum imatap_entry_flag {
	/* A violation: every digest is zero and the PCR got 0xff bytes. */
	IMATAP_ENTRY_F_VIOLATION = 1U << 0,
	/* Length words in the template data are little-endian. */
	IMATAP_ENTRY_F_CANONICAL = 1U << 1,
};

enum imatap_status_flag {
	/* IMA runs without a TPM: PCRs are not extended. */
	IMATAP_STATUS_F_NO_TPM = 1U << 0,
	/* The kernel writes the log with ima_canonical_fmt. */
	IMATAP_STATUS_F_CANONICAL = 1U << 1,
	/*
	 * At least one socket has joined the event group. Linux 6.1 gives a
	 * module no way to count them; ss -f netlink lists each socket.
	 */
	IMATAP_STATUS_F_LISTENERS = 1U << 2,
};

enum imatap_attr {
	IMATAP_A_UNSPEC,
	IMATAP_A_PAD,
	IMATAP_A_START_INDEX,
	IMATAP_A_ENTRY_INDEX,
	IMATAP_A_ENTRY_PCR,
	IMATAP_A_ENTRY_FLAGS,
	IMATAP_A_ENTRY_TEMPLATE_NAME,
	IMATAP_A_ENTRY_TEMPLATE_FMT,
	IMATAP_A_ENTRY_DIGESTS,
	IMATAP_A_ENTRY_DATA_LEN,
	IMATAP_A_ENTRY_DATA_OFFSET,
	IMATAP_A_ENTRY_DATA,
	IMATAP_A_STATUS_VERSION,
	IMATAP_A_STATUS_ENTRIES,
	IMATAP_A_STATUS_VIOLATIONS,
	IMATAP_A_STATUS_NEXT_INDEX,
	IMATAP_A_STATUS_SENT,
	IMATAP_A_STATUS_SEND_FAILURES,
	IMATAP_A_STATUS_PROBE_MISSES,
	IMATAP_A_STATUS_FLAGS,
	__IMATAP_A_MAX,
};

#define IMATAP_A_MAX (__IMATAP_A_MAX - 1)

/* Nested in IMATAP_A_ENTRY_DIGESTS. */
enum imatap_digests_attr {
	IMATAP_DIGESTS_A_UNSPEC,
	IMATAP_A_DIGEST,
	__IMATAP_DIGESTS_A_MAX,
};

#define IMATAP_DIGESTS_A_MAX (__IMATAP_DIGESTS_A_MAX - 1)

/* Nested in IMATAP_A_DIGEST. */
enum imatap_digest_attr {
	IMATAP_DIGEST_A_UNSPEC,
	IMATAP_DIGEST_A_ALG,
	IMATAP_DIGEST_A_VALUE,
	__IMATAP_DIGEST_A_MAX,
};

#define IMATAP_DIGEST_A_MAX (__IMATAP_DIGEST_A_MAX - 1)

#endif /* _UAPI_LINUX_IMATAP_H */
