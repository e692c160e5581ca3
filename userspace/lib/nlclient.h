/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the imatap generic netlink family (kmod/uapi/linux/imatap.h):
 * status, entry dumps and the reassembly of entries sent in chunks. Every
 * attribute is checked for type and length before use.
 */
#ifndef IMATAP_NLCLIENT_H
#define IMATAP_NLCLIENT_H

#include "record.h"

struct nl_sock;
struct nlmsghdr;

struct imatap_nl {
	struct nl_sock *sock;
	int family;
};

enum imatap_nl_open_status {
	IMATAP_NL_OPEN_OK,
	IMATAP_NL_OPEN_NO_FAMILY,	/* the module is not loaded */
	IMATAP_NL_OPEN_ERROR,
};

enum imatap_nl_open_status imatap_nl_open(struct imatap_nl *nl,
					  struct ima_error *err);
void imatap_nl_close(struct imatap_nl *nl);

struct imatap_status {
	char version[64];
	uint64_t entries;
	uint64_t violations;
	uint64_t next_index;
	uint64_t sent;
	uint64_t send_failures;
	uint64_t probe_misses;
	uint32_t flags;			/* IMATAP_STATUS_F_* */
};

bool imatap_nl_status(struct imatap_nl *nl, struct imatap_status *status,
		      struct ima_error *err);

/* One entry with all its template data, after reassembly. */
struct imatap_nl_entry {
	uint64_t index;
	uint32_t pcr;
	uint32_t flags;			/* IMATAP_ENTRY_F_* */
	char template_name[IMA_TEMPLATE_NAME_MAX + 1];
	char template_fmt[IMA_TEMPLATE_NAME_MAX + 1];
	unsigned int num_digests;
	struct ima_digest digests[IMA_SLOTS_MAX];
	uint32_t data_len;
	uint8_t *data;
};

/*
 * One entry message: the attributes every chunk of the entry repeats (in
 * header, whose data is NULL) and the template data bytes it carries.
 * data points into the message.
 */
struct imatap_nl_chunk {
	struct imatap_nl_entry header;
	uint32_t offset;		/* IMATAP_A_ENTRY_DATA_OFFSET */
	const uint8_t *data;
	uint32_t len;
};

/*
 * Parse and check one IMATAP_CMD_GET_ENTRIES or IMATAP_CMD_NEW_ENTRY
 * message. The error names the entry index and the attribute at fault.
 */
bool imatap_nl_parse_chunk(struct nlmsghdr *nlh, struct imatap_nl_chunk *chunk,
			   struct ima_error *err);

/* Reassembles the chunks of entries arriving in order. */
struct imatap_nl_assembler {
	struct imatap_nl_entry entry;
	uint32_t received;		/* template data bytes so far */
	bool active;			/* an entry is partly received */
};

void imatap_nl_assembler_init(struct imatap_nl_assembler *as);
void imatap_nl_assembler_free(struct imatap_nl_assembler *as);

/*
 * Add one IMATAP_CMD_GET_ENTRIES or IMATAP_CMD_NEW_ENTRY message. Sets
 * *complete when it finished an entry, which as->entry then contains until
 * the next call. Fails on a malformed attribute, a chunk out of order or
 * a chunk whose other attributes differ from the entry's first chunk.
 */
bool imatap_nl_assembler_add(struct imatap_nl_assembler *as,
			     struct nlmsghdr *nlh, bool *complete,
			     struct ima_error *err);

/* imatap_nl_assembler_add() for a chunk that is already parsed. */
bool imatap_nl_assembler_add_chunk(struct imatap_nl_assembler *as,
				   const struct imatap_nl_chunk *chunk,
				   bool *complete, struct ima_error *err);

typedef bool (*imatap_nl_entry_fn)(const struct imatap_nl_entry *entry,
				   void *arg, struct ima_error *err);

/* Dump the entries from start_index on, calling fn for each one. */
bool imatap_nl_dump(struct imatap_nl *nl, uint64_t start_index,
		    imatap_nl_entry_fn fn, void *arg, struct ima_error *err);

/*
 * Send an IMATAP_CMD_GET_ENTRIES dump request from start_index. The caller
 * reads the replies from nl->sock.
 */
bool imatap_nl_request_dump(struct imatap_nl *nl, uint64_t start_index,
			    struct ima_error *err);

/*
 * Append entry to *buf as a binary_runtime_measurements record, in the
 * byte order of its template data; *big_endian is set to that order.
 */
bool imatap_nl_entry_to_binlog(const struct imatap_nl_entry *entry,
			       uint8_t **buf, size_t *len, size_t *cap,
			       bool *big_endian, struct ima_error *err);

#endif
