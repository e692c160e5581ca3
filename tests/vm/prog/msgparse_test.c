// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of parse_entry_msg(). A well-formed entry message parses, and
 * each kind of malformed message is rejected with the offending attribute
 * named. Randomly corrupted messages must parse without a crash, which
 * "make -C tests/vm check" checks under ASan and UBSan. Prints KTAP and a
 * closing "msgparse: N passed, N failed" line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/imatap.h>

#include "common.h"
#include "msgparse.h"

#define TEST_FAMILY 0x20
#define FUZZ_ROUNDS 200000

/* How build_entry() spoils the message it builds. */
enum fault {
	FAULT_NONE,
	FAULT_SHORT_PCR,
	FAULT_NO_INDEX,
	FAULT_NAME_NOT_TERMINATED,
	FAULT_NAME_INNER_NUL,
	FAULT_TWO_PCRS,
	FAULT_NO_SHA1,
	FAULT_SHORT_SHA1,
	FAULT_CHUNK_OVERRUN,
	FAULT_EMPTY_CHUNK,
	FAULT_WRONG_COMMAND,
	FAULT_TRAILING_BYTES,
	FAULT_UNKNOWN_ATTRIBUTE,
	FAULT_ALG_ZERO,
};

static const uint8_t template_data[] = "\x08\x00\x00\x00sha256:\x00";

static void put_digest(struct nl_msg *msg, uint16_t alg, int len)
{
	struct nlattr *slot = nla_nest_start(msg, IMATAP_A_DIGEST);
	uint8_t value[64];

	memset(value, alg & 0xff, sizeof(value));
	nla_put_u16(msg, IMATAP_DIGEST_A_ALG, alg);
	nla_put(msg, IMATAP_DIGEST_A_VALUE, len, value);
	nla_nest_end(msg, slot);
}

/* Build an IMATAP_CMD_NEW_ENTRY message for entry 7 with one fault. */
static struct nl_msg *build_entry(enum fault fault)
{
	struct nl_msg *msg = nlmsg_alloc();
	uint8_t cmd = fault == FAULT_WRONG_COMMAND ? IMATAP_CMD_GET_ENTRIES :
						    IMATAP_CMD_NEW_ENTRY;
	uint32_t data_len = sizeof(template_data) - 1;
	struct nlattr *digests;

	if (!msg || !genlmsg_put(msg, 0, 0, TEST_FAMILY, 0, 0, cmd, 1))
		fail("cannot build a test message");

	if (fault != FAULT_NO_INDEX)
		nla_put_u64(msg, IMATAP_A_ENTRY_INDEX, 7);
	if (fault == FAULT_SHORT_PCR)
		nla_put(msg, IMATAP_A_ENTRY_PCR, 3, "\x0a\x00\x00");
	else
		nla_put_u32(msg, IMATAP_A_ENTRY_PCR, 10);
	if (fault == FAULT_TWO_PCRS)
		nla_put_u32(msg, IMATAP_A_ENTRY_PCR, 11);
	nla_put_u32(msg, IMATAP_A_ENTRY_FLAGS, 0);
	if (fault == FAULT_NAME_NOT_TERMINATED)
		nla_put(msg, IMATAP_A_ENTRY_TEMPLATE_NAME, 7, "ima-sig");
	else if (fault == FAULT_NAME_INNER_NUL)
		nla_put(msg, IMATAP_A_ENTRY_TEMPLATE_NAME, 8, "ima\0sig");
	else
		nla_put_string(msg, IMATAP_A_ENTRY_TEMPLATE_NAME, "ima-sig");
	nla_put_string(msg, IMATAP_A_ENTRY_TEMPLATE_FMT, "d-ng|n-ng|sig");

	digests = nla_nest_start(msg, IMATAP_A_ENTRY_DIGESTS);
	if (fault == FAULT_SHORT_SHA1)
		put_digest(msg, 0x0004, 19);
	else if (fault != FAULT_NO_SHA1)
		put_digest(msg, 0x0004, 20);
	put_digest(msg, fault == FAULT_ALG_ZERO ? 0 : 0x000b, 32);
	nla_nest_end(msg, digests);

	if (fault == FAULT_UNKNOWN_ATTRIBUTE)
		nla_put_u32(msg, 200, 1);
	nla_put_u32(msg, IMATAP_A_ENTRY_DATA_LEN,
		    fault == FAULT_CHUNK_OVERRUN ? data_len - 1 : data_len);
	nla_put_u32(msg, IMATAP_A_ENTRY_DATA_OFFSET, 0);
	if (fault == FAULT_EMPTY_CHUNK)
		nla_put(msg, IMATAP_A_ENTRY_DATA, 0, NULL);
	else
		nla_put(msg, IMATAP_A_ENTRY_DATA, data_len, template_data);

	if (fault == FAULT_TRAILING_BYTES) {
		/* Two bytes that cannot hold an attribute header. */
		if (!nlmsg_reserve(msg, 2, 1))
			fail("cannot extend a test message");
	}
	return msg;
}

static int passed, failed, number;

static void report_case(bool ok, const char *name, const char *detail)
{
	number++;
	if (ok) {
		passed++;
		printf("ok %d %s\n", number, name);
		return;
	}
	failed++;
	printf("# %s: %s\n", name, detail);
	printf("not ok %d %s\n", number, name);
}

/* The message with this fault must be rejected with err naming needle. */
static void check_rejected(const char *name, enum fault fault,
			   const char *needle)
{
	struct nl_msg *msg = build_entry(fault);
	struct entry_msg entry;
	char err[256] = "", detail[400];
	int rc;

	rc = parse_entry_msg(nlmsg_hdr(msg), IMATAP_CMD_NEW_ENTRY, &entry, err,
			     sizeof(err));
	snprintf(detail, sizeof(detail), "expected rejection with '%s', got status %d and '%s'",
		 needle, rc, err);
	report_case(rc == -1 && strstr(err, needle), name, detail);
	nlmsg_free(msg);
}

static void check_accepted(const char *name, enum fault fault)
{
	struct nl_msg *msg = build_entry(fault);
	struct entry_msg entry;
	char err[256] = "", detail[400];
	bool ok;
	int rc;

	rc = parse_entry_msg(nlmsg_hdr(msg), IMATAP_CMD_NEW_ENTRY, &entry, err,
			     sizeof(err));
	ok = rc == 0 && entry.index == 7 && entry.pcr == 10 &&
	     strcmp(entry.template_name, "ima-sig") == 0 &&
	     entry.sha1[0] == 0x04 && entry.data_len == sizeof(template_data) - 1 &&
	     entry.chunk_len == entry.data_len &&
	     memcmp(entry.chunk, template_data, entry.chunk_len) == 0;
	snprintf(detail, sizeof(detail), "expected entry 7 on PCR 10 with 12 data bytes, got status %d, error '%s'",
		 rc, err);
	report_case(ok, name, detail);
	nlmsg_free(msg);
}

/*
 * Corrupt copies of a valid message at random and parse them. The
 * sanitizers catch bad reads. The case itself fails only if no corrupted
 * message was rejected, which would mean the corruption had no effect.
 */
static void fuzz_corrupted_messages(void)
{
	struct nl_msg *msg = build_entry(FAULT_NONE);
	uint32_t len = nlmsg_hdr(msg)->nlmsg_len;
	uint8_t *copy = malloc(len);
	int round, rejected = 0;
	char detail[128];

	if (!copy)
		fail("out of memory");
	srand(1);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)copy;
		struct entry_msg entry;
		int flips = 1 + rand() % 4, i;
		uint32_t cut = len;
		char err[256];

		memcpy(copy, nlmsg_hdr(msg), len);
		for (i = 0; i < flips; i++)
			copy[NLMSG_HDRLEN + rand() % (len - NLMSG_HDRLEN)] = rand();
		if (rand() % 4 == 0)
			cut = NLMSG_HDRLEN + rand() % (len - NLMSG_HDRLEN + 1);
		/* The program checks nlmsg_ok() before parsing, so do the same. */
		nlh->nlmsg_len = cut;
		if (!nlmsg_ok(nlh, cut))
			continue;
		if (parse_entry_msg(nlh, IMATAP_CMD_NEW_ENTRY, &entry, err,
				    sizeof(err)))
			rejected++;
	}
	snprintf(detail, sizeof(detail), "no corrupted message of %d was rejected",
		 FUZZ_ROUNDS);
	report_case(rejected > 0, "corrupted messages parse without crashing", detail);
	free(copy);
	nlmsg_free(msg);
}

int main(void)
{
	prog_name = "msgparse_test";
	printf("KTAP version 1\n1..15\n");
	check_accepted("valid entry parses", FAULT_NONE);
	check_accepted("unknown attribute is skipped", FAULT_UNKNOWN_ATTRIBUTE);
	check_accepted("digest with algorithm 0 is accepted", FAULT_ALG_ZERO);
	check_rejected("short PCR attribute", FAULT_SHORT_PCR,
		       "IMATAP_A_ENTRY_PCR has length 3, expected 4");
	check_rejected("missing index", FAULT_NO_INDEX,
		       "IMATAP_A_ENTRY_INDEX is missing");
	check_rejected("unterminated template name", FAULT_NAME_NOT_TERMINATED,
		       "IMATAP_A_ENTRY_TEMPLATE_NAME: string of 7 bytes is not NUL-terminated");
	check_rejected("template name with inner NUL", FAULT_NAME_INNER_NUL,
		       "IMATAP_A_ENTRY_TEMPLATE_NAME: string of 8 bytes contains a NUL");
	check_rejected("repeated PCR attribute", FAULT_TWO_PCRS,
		       "IMATAP_A_ENTRY_PCR appears twice");
	check_rejected("no SHA-1 digest", FAULT_NO_SHA1, "no SHA-1 (0x0004) digest");
	check_rejected("short SHA-1 digest", FAULT_SHORT_SHA1,
		       "algorithm 0x0004 has length 19, expected 20");
	check_rejected("chunk overruns data length", FAULT_CHUNK_OVERRUN,
		       "12 bytes at offset 0 overrun IMATAP_A_ENTRY_DATA_LEN 11");
	check_rejected("empty chunk", FAULT_EMPTY_CHUNK,
		       "IMATAP_A_ENTRY_DATA is empty");
	check_rejected("wrong command", FAULT_WRONG_COMMAND,
		       "generic netlink command 2, expected 3");
	check_rejected("bytes after the last attribute", FAULT_TRAILING_BYTES,
		       "after the last attribute");
	fuzz_corrupted_messages();
	printf("msgparse: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
