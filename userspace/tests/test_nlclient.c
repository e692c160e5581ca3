// SPDX-License-Identifier: GPL-2.0
/* Netlink entry messages: attribute checks, chunk reassembly, log records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/imatap.h>

#include "../lib/bank.h"
#include "../lib/binlog.h"
#include "../lib/nlclient.h"

#define FAMILY	0x20

/* The template data of an ima-ng entry: d-ng and n-ng as (u32 len, bytes). */
static size_t ima_ng_data(uint8_t *out, size_t name_len)
{
	static const char algo[] = "sha256:";
	size_t pos = 0;
	uint32_t len;

	len = sizeof(algo) + 32;
	memcpy(out + pos, &len, 4);
	pos += 4;
	memcpy(out + pos, algo, sizeof(algo));
	pos += sizeof(algo);
	memset(out + pos, 0x5a, 32);
	pos += 32;

	len = (uint32_t)name_len + 1;
	memcpy(out + pos, &len, 4);
	pos += 4;
	memset(out + pos, 'a', name_len);
	out[pos + name_len] = 0;
	return pos + name_len + 1;
}

struct chunk_spec {
	uint64_t index;
	uint32_t pcr;
	uint32_t offset;
	uint32_t chunk_len;
	const uint8_t *data;
	uint32_t data_len;
	bool omit_fmt;
	bool short_pcr;
};

static struct nl_msg *entry_message(const struct chunk_spec *c)
{
	struct nl_msg *msg = nlmsg_alloc_size(16384);
	struct nlattr *digests, *slot;
	uint8_t sha1[20], sha256[32];

	assert_non_null(msg);
	memset(sha1, 0x11, sizeof(sha1));
	memset(sha256, 0x22, sizeof(sha256));
	assert_non_null(genlmsg_put(msg, 0, 1, FAMILY, 0, 0,
				    IMATAP_CMD_GET_ENTRIES, IMATAP_GENL_VERSION));
	assert_int_equal(nla_put_u64(msg, IMATAP_A_ENTRY_INDEX, c->index), 0);
	if (c->short_pcr)
		assert_int_equal(nla_put_u16(msg, IMATAP_A_ENTRY_PCR, 10), 0);
	else
		assert_int_equal(nla_put_u32(msg, IMATAP_A_ENTRY_PCR, c->pcr), 0);
	assert_int_equal(nla_put_u32(msg, IMATAP_A_ENTRY_FLAGS,
				     IMATAP_ENTRY_F_CANONICAL), 0);
	assert_int_equal(nla_put_string(msg, IMATAP_A_ENTRY_TEMPLATE_NAME,
					"ima-ng"), 0);
	if (!c->omit_fmt)
		assert_int_equal(nla_put_string(msg, IMATAP_A_ENTRY_TEMPLATE_FMT,
						"d-ng|n-ng"), 0);
	digests = nla_nest_start(msg, IMATAP_A_ENTRY_DIGESTS);
	slot = nla_nest_start(msg, IMATAP_A_DIGEST);
	assert_int_equal(nla_put_u16(msg, IMATAP_DIGEST_A_ALG, TPM_ALG_SHA1), 0);
	assert_int_equal(nla_put(msg, IMATAP_DIGEST_A_VALUE, 20, sha1), 0);
	nla_nest_end(msg, slot);
	slot = nla_nest_start(msg, IMATAP_A_DIGEST);
	assert_int_equal(nla_put_u16(msg, IMATAP_DIGEST_A_ALG, TPM_ALG_SHA256), 0);
	assert_int_equal(nla_put(msg, IMATAP_DIGEST_A_VALUE, 32, sha256), 0);
	nla_nest_end(msg, slot);
	nla_nest_end(msg, digests);
	assert_int_equal(nla_put_u32(msg, IMATAP_A_ENTRY_DATA_LEN, c->data_len), 0);
	assert_int_equal(nla_put_u32(msg, IMATAP_A_ENTRY_DATA_OFFSET, c->offset), 0);
	assert_int_equal(nla_put(msg, IMATAP_A_ENTRY_DATA, (int)c->chunk_len,
				 c->data + c->offset), 0);
	return msg;
}

static bool add(struct imatap_nl_assembler *as, const struct chunk_spec *c,
		bool *complete, struct ima_error *err)
{
	struct nl_msg *msg = entry_message(c);
	bool ok = imatap_nl_assembler_add(as, nlmsg_hdr(msg), complete, err);

	nlmsg_free(msg);
	return ok;
}

static void assembler_joins_chunks(void **state)
{
	uint8_t data[600];
	size_t len = ima_ng_data(data, 500);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = (uint32_t)len };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	c.chunk_len = 256;
	assert_true(add(&as, &c, &complete, &err));
	assert_false(complete);
	c.offset = 256;
	c.chunk_len = (uint32_t)len - 256;
	assert_true(add(&as, &c, &complete, &err));
	assert_true(complete);
	assert_int_equal(as.entry.index, 3);
	assert_int_equal(as.entry.num_digests, 2);
	assert_int_equal(as.entry.data_len, len);
	assert_memory_equal(as.entry.data, data, len);
	assert_string_equal(as.entry.template_fmt, "d-ng|n-ng");
	imatap_nl_assembler_free(&as);
}

static void assembler_rejects_gap(void **state)
{
	uint8_t data[600];
	size_t len = ima_ng_data(data, 500);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = (uint32_t)len, .chunk_len = 256 };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	assert_true(add(&as, &c, &complete, &err));
	c.offset = 300;
	c.chunk_len = (uint32_t)len - 300;
	assert_false(add(&as, &c, &complete, &err));
	assert_non_null(strstr(err.msg, "does not continue"));
	imatap_nl_assembler_free(&as);
}

static void assembler_rejects_other_entry_chunk(void **state)
{
	uint8_t data[600];
	size_t len = ima_ng_data(data, 500);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = (uint32_t)len, .chunk_len = 256 };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	assert_true(add(&as, &c, &complete, &err));
	c.index = 4;
	c.offset = 256;
	c.chunk_len = (uint32_t)len - 256;
	assert_false(add(&as, &c, &complete, &err));
	imatap_nl_assembler_free(&as);
}

static void assembler_rejects_unfinished_entry(void **state)
{
	uint8_t data[600];
	size_t len = ima_ng_data(data, 500);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = (uint32_t)len, .chunk_len = 256 };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	assert_true(add(&as, &c, &complete, &err));
	c.index = 4;
	assert_false(add(&as, &c, &complete, &err));
	assert_non_null(strstr(err.msg, "entry 3 ended"));
	imatap_nl_assembler_free(&as);
}

static void assembler_rejects_overlong_chunk(void **state)
{
	uint8_t data[600];
	size_t len = ima_ng_data(data, 500);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = 100, .chunk_len = (uint32_t)len };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	assert_false(add(&as, &c, &complete, &err));
	imatap_nl_assembler_free(&as);
}

static void assembler_rejects_bad_attributes(void **state)
{
	uint8_t data[100];
	size_t len = ima_ng_data(data, 10);
	struct chunk_spec c = { .index = 3, .pcr = 10, .data = data,
				.data_len = (uint32_t)len,
				.chunk_len = (uint32_t)len };
	struct imatap_nl_assembler as;
	struct ima_error err;
	bool complete;

	(void)state;
	imatap_nl_assembler_init(&as);
	c.omit_fmt = true;
	assert_false(add(&as, &c, &complete, &err));
	c.omit_fmt = false;
	c.short_pcr = true;
	assert_false(add(&as, &c, &complete, &err));
	imatap_nl_assembler_free(&as);
}

static void parse_chunk_names_attribute(void **state)
{
	uint8_t data[100];
	size_t len = ima_ng_data(data, 10);
	struct chunk_spec c = { .index = 7, .pcr = 10, .data = data,
				.data_len = (uint32_t)len,
				.chunk_len = (uint32_t)len, .short_pcr = true };
	struct imatap_nl_chunk chunk;
	struct ima_error err;
	struct nl_msg *msg;

	(void)state;
	msg = entry_message(&c);
	assert_false(imatap_nl_parse_chunk(nlmsg_hdr(msg), &chunk, &err));
	assert_string_equal(err.msg,
			    "entry 7: IMATAP_A_ENTRY_PCR is missing or has the wrong size");
	nlmsg_free(msg);

	c.short_pcr = false;
	c.omit_fmt = true;
	msg = entry_message(&c);
	assert_false(imatap_nl_parse_chunk(nlmsg_hdr(msg), &chunk, &err));
	assert_non_null(strstr(err.msg, "IMATAP_A_ENTRY_TEMPLATE_FMT"));
	nlmsg_free(msg);

	c.omit_fmt = false;
	msg = entry_message(&c);
	assert_true(imatap_nl_parse_chunk(nlmsg_hdr(msg), &chunk, &err));
	assert_int_equal(chunk.header.index, 7);
	assert_int_equal(chunk.len, len);
	assert_memory_equal(chunk.data, data, len);
	nlmsg_free(msg);
}

static void entry_becomes_log_record(void **state)
{
	uint8_t data[100];
	size_t len = ima_ng_data(data, 10);
	struct chunk_spec c = { .index = 0, .pcr = 10, .data = data,
				.data_len = (uint32_t)len,
				.chunk_len = (uint32_t)len };
	struct imatap_nl_assembler as;
	struct ima_binlog reader;
	struct ima_record rec;
	struct ima_error err;
	uint8_t *buf = NULL;
	size_t buf_len = 0, cap = 0;
	bool complete, big_endian;

	(void)state;
	imatap_nl_assembler_init(&as);
	assert_true(add(&as, &c, &complete, &err));
	assert_true(complete);
	assert_true(imatap_nl_entry_to_binlog(&as.entry, &buf, &buf_len, &cap,
					      &big_endian, &err));
	assert_false(big_endian);

	ima_binlog_open_mem(&reader, buf, buf_len, big_endian);
	assert_int_equal(ima_binlog_next(&reader, &rec, &err), IMA_READ_RECORD);
	assert_int_equal(rec.pcr, 10);
	assert_string_equal(rec.template_name, "ima-ng");
	assert_int_equal(rec.data_len, len);
	assert_memory_equal(rec.data, data, len);
	assert_int_equal(rec.digests[0].value[0], 0x11);
	assert_int_equal(ima_binlog_next(&reader, &rec, &err), IMA_READ_END);
	ima_binlog_close(&reader);
	free(buf);
	imatap_nl_assembler_free(&as);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assembler_joins_chunks),
		cmocka_unit_test(assembler_rejects_gap),
		cmocka_unit_test(assembler_rejects_other_entry_chunk),
		cmocka_unit_test(assembler_rejects_unfinished_entry),
		cmocka_unit_test(assembler_rejects_overlong_chunk),
		cmocka_unit_test(assembler_rejects_bad_attributes),
		cmocka_unit_test(parse_chunk_names_attribute),
		cmocka_unit_test(entry_becomes_log_record),
	};

	return cmocka_run_group_tests_name("nlclient", tests, NULL, NULL);
}
