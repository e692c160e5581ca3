// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/imatap.h>

#include "msgparse.h"

#define TPM_ALG_SHA1 0x0004

enum attr_kind {
	ATTR_NONE,	/* not expected in this message: skipped */
	ATTR_U16,
	ATTR_U32,
	ATTR_U64,
	ATTR_STRING,	/* NUL-terminated, no NUL before the end */
	ATTR_BINARY,
	ATTR_NESTED,
};

struct attr_rule {
	const char *name;
	enum attr_kind kind;
};

static const struct attr_rule entry_rules[IMATAP_A_MAX + 1] = {
	[IMATAP_A_PAD] = { "IMATAP_A_PAD", ATTR_BINARY },
	[IMATAP_A_ENTRY_INDEX] = { "IMATAP_A_ENTRY_INDEX", ATTR_U64 },
	[IMATAP_A_ENTRY_PCR] = { "IMATAP_A_ENTRY_PCR", ATTR_U32 },
	[IMATAP_A_ENTRY_FLAGS] = { "IMATAP_A_ENTRY_FLAGS", ATTR_U32 },
	[IMATAP_A_ENTRY_TEMPLATE_NAME] = { "IMATAP_A_ENTRY_TEMPLATE_NAME", ATTR_STRING },
	[IMATAP_A_ENTRY_TEMPLATE_FMT] = { "IMATAP_A_ENTRY_TEMPLATE_FMT", ATTR_STRING },
	[IMATAP_A_ENTRY_DIGESTS] = { "IMATAP_A_ENTRY_DIGESTS", ATTR_NESTED },
	[IMATAP_A_ENTRY_DATA_LEN] = { "IMATAP_A_ENTRY_DATA_LEN", ATTR_U32 },
	[IMATAP_A_ENTRY_DATA_OFFSET] = { "IMATAP_A_ENTRY_DATA_OFFSET", ATTR_U32 },
	[IMATAP_A_ENTRY_DATA] = { "IMATAP_A_ENTRY_DATA", ATTR_BINARY },
};

static const struct attr_rule digest_rules[IMATAP_DIGEST_A_MAX + 1] = {
	[IMATAP_DIGEST_A_ALG] = { "IMATAP_DIGEST_A_ALG", ATTR_U16 },
	[IMATAP_DIGEST_A_VALUE] = { "IMATAP_DIGEST_A_VALUE", ATTR_BINARY },
};

static const struct attr_rule status_rules[IMATAP_A_MAX + 1] = {
	[IMATAP_A_PAD] = { "IMATAP_A_PAD", ATTR_BINARY },
	[IMATAP_A_STATUS_VERSION] = { "version", ATTR_STRING },
	[IMATAP_A_STATUS_ENTRIES] = { "entries", ATTR_U64 },
	[IMATAP_A_STATUS_VIOLATIONS] = { "violations", ATTR_U64 },
	[IMATAP_A_STATUS_NEXT_INDEX] = { "next_index", ATTR_U64 },
	[IMATAP_A_STATUS_SENT] = { "sent", ATTR_U64 },
	[IMATAP_A_STATUS_SEND_FAILURES] = { "send_failures", ATTR_U64 },
	[IMATAP_A_STATUS_PROBE_MISSES] = { "probe_misses", ATTR_U64 },
	[IMATAP_A_STATUS_FLAGS] = { "flags", ATTR_U32 },
};

/*
 * Return the digest size of a TPM algorithm that imatap.h lists, else 0. The
 * module sends id 0 for an IMA hash algorithm that has no TPM id.
 */
static int tpm_alg_digest_size(uint16_t alg)
{
	switch (alg) {
	case 0x0004:
		return 20;
	case 0x000b:
	case 0x0012:
		return 32;
	case 0x000c:
		return 48;
	case 0x000d:
		return 64;
	default:
		return 0;
	}
}

static int check_attr_length(const struct nlattr *nla,
			     const struct attr_rule *rule, char *err,
			     size_t err_size)
{
	int len = nla_len(nla);
	int expected;

	switch (rule->kind) {
	case ATTR_U16:
		expected = 2;
		break;
	case ATTR_U32:
		expected = 4;
		break;
	case ATTR_U64:
		expected = 8;
		break;
	case ATTR_STRING: {
		const char *text = nla_data(nla);

		if (len < 1 || text[len - 1] != '\0') {
			snprintf(err, err_size, "attribute %s: string of %d bytes is not NUL-terminated",
				 rule->name, len);
			return -1;
		}
		if (strlen(text) != (size_t)len - 1) {
			snprintf(err, err_size, "attribute %s: string of %d bytes contains a NUL at byte %zu",
				 rule->name, len, strlen(text));
			return -1;
		}
		return 0;
	}
	default:
		return 0;
	}

	if (len != expected) {
		snprintf(err, err_size, "attribute %s has length %d, expected %d",
			 rule->name, len, expected);
		return -1;
	}
	return 0;
}

/*
 * Validate the attribute stream [head, head + len) against rules[0..max] and
 * store each known attribute in table[type]. A known attribute must not
 * repeat, and the attributes must cover the stream exactly.
 */
static int collect_attrs(const struct nlattr *head, int len,
			 const struct attr_rule *rules, int max,
			 const struct nlattr **table, const char *where,
			 char *err, size_t err_size)
{
	const struct nlattr *nla;
	int remaining;

	memset(table, 0, sizeof(*table) * (max + 1));
	nla_for_each_attr(nla, head, len, remaining) {
		int type = nla_type(nla);

		if (type > max || rules[type].kind == ATTR_NONE)
			continue;
		if (table[type]) {
			snprintf(err, err_size, "attribute %s appears twice",
				 rules[type].name);
			return -1;
		}
		if (rules[type].kind == ATTR_NESTED && nla_len(nla) > 0 &&
		    nla_len(nla) < NLA_HDRLEN) {
			snprintf(err, err_size, "nested attribute %s of %d bytes is shorter than an attribute header",
				 rules[type].name, nla_len(nla));
			return -1;
		}
		if (check_attr_length(nla, &rules[type], err, err_size))
			return -1;
		table[type] = nla;
	}
	if (remaining != 0) {
		snprintf(err, err_size, "%d bytes after the last attribute %s do not form an attribute",
			 remaining, where);
		return -1;
	}
	return 0;
}

static const struct nlattr *genl_attrs(const struct nlmsghdr *nlh, int *len)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);

	*len = genlmsg_attrlen(gnlh, 0);
	return genlmsg_attrdata(gnlh, 0);
}

static int check_genl_header(const struct nlmsghdr *nlh, uint8_t cmd,
			     char *err, size_t err_size)
{
	const struct genlmsghdr *gnlh;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0)) {
		snprintf(err, err_size, "message of %u bytes is shorter than the generic netlink header",
			 nlh->nlmsg_len);
		return -1;
	}
	gnlh = nlmsg_data(nlh);
	if (gnlh->cmd != cmd) {
		snprintf(err, err_size, "generic netlink command %u, expected %u",
			 gnlh->cmd, cmd);
		return -1;
	}
	return 0;
}

static int find_sha1_digest(const struct nlattr *digests,
			    const uint8_t **sha1, char *err, size_t err_size)
{
	const struct nlattr *slot;
	int remaining;
	int position = 0;

	*sha1 = NULL;
	nla_for_each_nested(slot, digests, remaining) {
		const struct nlattr *fields[IMATAP_DIGEST_A_MAX + 1];
		uint16_t alg;
		int size, len;

		if (nla_type(slot) != IMATAP_A_DIGEST)
			continue;
		position++;
		if (collect_attrs(nla_data(slot), nla_len(slot), digest_rules,
				  IMATAP_DIGEST_A_MAX, fields, "in IMATAP_A_DIGEST",
				  err, err_size))
			return -1;
		if (!fields[IMATAP_DIGEST_A_ALG] || !fields[IMATAP_DIGEST_A_VALUE]) {
			snprintf(err, err_size, "IMATAP_A_DIGEST %d lacks %s",
				 position,
				 fields[IMATAP_DIGEST_A_ALG] ? "IMATAP_DIGEST_A_VALUE" :
							      "IMATAP_DIGEST_A_ALG");
			return -1;
		}
		alg = nla_get_u16(fields[IMATAP_DIGEST_A_ALG]);
		len = nla_len(fields[IMATAP_DIGEST_A_VALUE]);
		size = tpm_alg_digest_size(alg);
		if (size && len != size) {
			snprintf(err, err_size, "attribute IMATAP_DIGEST_A_VALUE of algorithm 0x%04x has length %d, expected %d",
				 alg, len, size);
			return -1;
		}
		if (!size && (len < 1 || len > 64)) {
			snprintf(err, err_size, "attribute IMATAP_DIGEST_A_VALUE of algorithm 0x%04x has length %d, expected 1 to 64",
				 alg, len);
			return -1;
		}
		if (alg == TPM_ALG_SHA1) {
			if (*sha1) {
				snprintf(err, err_size, "IMATAP_A_ENTRY_DIGESTS holds two SHA-1 digests");
				return -1;
			}
			*sha1 = nla_data(fields[IMATAP_DIGEST_A_VALUE]);
		}
	}
	if (remaining != 0) {
		snprintf(err, err_size, "%d bytes after the last IMATAP_A_DIGEST do not form an attribute",
			 remaining);
		return -1;
	}
	if (!*sha1) {
		snprintf(err, err_size, "IMATAP_A_ENTRY_DIGESTS holds no SHA-1 (0x0004) digest");
		return -1;
	}
	return 0;
}

static const int required_entry_attrs[] = {
	IMATAP_A_ENTRY_INDEX,
	IMATAP_A_ENTRY_PCR,
	IMATAP_A_ENTRY_TEMPLATE_NAME,
	IMATAP_A_ENTRY_DIGESTS,
	IMATAP_A_ENTRY_DATA_LEN,
	IMATAP_A_ENTRY_DATA_OFFSET,
	IMATAP_A_ENTRY_DATA,
};

int parse_entry_msg(const struct nlmsghdr *nlh, uint8_t cmd,
		    struct entry_msg *msg, char *err, size_t err_size)
{
	const struct nlattr *table[IMATAP_A_MAX + 1];
	const struct nlattr *head;
	size_t i;
	int len;

	memset(msg, 0, sizeof(*msg));
	msg->index = UINT64_MAX;
	if (check_genl_header(nlh, cmd, err, err_size))
		return -1;
	head = genl_attrs(nlh, &len);
	if (collect_attrs(head, len, entry_rules, IMATAP_A_MAX, table,
			  "in the message", err, err_size))
		return -1;

	for (i = 0; i < sizeof(required_entry_attrs) / sizeof(int); i++) {
		int type = required_entry_attrs[i];

		if (!table[type]) {
			snprintf(err, err_size, "attribute %s is missing",
				 entry_rules[type].name);
			return -1;
		}
	}

	msg->index = nla_get_u64(table[IMATAP_A_ENTRY_INDEX]);
	msg->pcr = nla_get_u32(table[IMATAP_A_ENTRY_PCR]);
	if (table[IMATAP_A_ENTRY_FLAGS])
		msg->flags = nla_get_u32(table[IMATAP_A_ENTRY_FLAGS]);
	msg->template_name = nla_data(table[IMATAP_A_ENTRY_TEMPLATE_NAME]);
	msg->data_len = nla_get_u32(table[IMATAP_A_ENTRY_DATA_LEN]);
	msg->data_offset = nla_get_u32(table[IMATAP_A_ENTRY_DATA_OFFSET]);
	msg->chunk = nla_data(table[IMATAP_A_ENTRY_DATA]);
	msg->chunk_len = nla_len(table[IMATAP_A_ENTRY_DATA]);

	if (msg->template_name[0] == '\0') {
		snprintf(err, err_size, "attribute IMATAP_A_ENTRY_TEMPLATE_NAME is empty");
		return -1;
	}
	if (msg->data_offset > msg->data_len ||
	    msg->chunk_len > msg->data_len - msg->data_offset) {
		snprintf(err, err_size, "attribute IMATAP_A_ENTRY_DATA: %u bytes at offset %u overrun IMATAP_A_ENTRY_DATA_LEN %u",
			 msg->chunk_len, msg->data_offset, msg->data_len);
		return -1;
	}
	if (msg->chunk_len == 0 && msg->data_len != 0) {
		snprintf(err, err_size, "attribute IMATAP_A_ENTRY_DATA is empty at offset %u of %u bytes",
			 msg->data_offset, msg->data_len);
		return -1;
	}
	return find_sha1_digest(table[IMATAP_A_ENTRY_DIGESTS], &msg->sha1, err,
				err_size);
}

int print_status_msg(const struct nlmsghdr *nlh, FILE *out, char *err,
		     size_t err_size)
{
	const struct nlattr *table[IMATAP_A_MAX + 1];
	const struct nlattr *head;
	int len, type;

	if (check_genl_header(nlh, IMATAP_CMD_GET_STATUS, err, err_size))
		return -1;
	head = genl_attrs(nlh, &len);
	if (collect_attrs(head, len, status_rules, IMATAP_A_MAX, table,
			  "in the status reply", err, err_size))
		return -1;

	for (type = 0; type <= IMATAP_A_MAX; type++) {
		const struct nlattr *nla = table[type];

		if (!nla || type == IMATAP_A_PAD)
			continue;
		switch (status_rules[type].kind) {
		case ATTR_STRING:
			fprintf(out, "%s %s\n", status_rules[type].name,
				(const char *)nla_data(nla));
			break;
		case ATTR_U32:
			if (type == IMATAP_A_STATUS_FLAGS)
				fprintf(out, "%s 0x%x\n", status_rules[type].name,
					nla_get_u32(nla));
			else
				fprintf(out, "%s %u\n", status_rules[type].name,
					nla_get_u32(nla));
			break;
		case ATTR_U64:
			fprintf(out, "%s %" PRIu64 "\n", status_rules[type].name,
				(uint64_t)nla_get_u64(nla));
			break;
		default:
			break;
		}
	}
	return 0;
}
