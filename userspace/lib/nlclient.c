// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/imatap.h>

#include "bank.h"
#include "nlclient.h"

enum imatap_nl_open_status imatap_nl_open(struct imatap_nl *nl,
					  struct ima_error *err)
{
	int rc;

	memset(nl, 0, sizeof(*nl));
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "allocating a netlink socket failed");
		return IMATAP_NL_OPEN_ERROR;
	}
	/*
	 * Without this, libnl asks for an ACK after every request, and the
	 * ACK of the status request would end the next dump's first read
	 * before any entry arrived. Errors still arrive as NLMSG_ERROR.
	 */
	nl_socket_disable_auto_ack(nl->sock);
	rc = genl_connect(nl->sock);
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "connecting to generic netlink failed: %s",
			      nl_geterror(rc));
		imatap_nl_close(nl);
		return IMATAP_NL_OPEN_ERROR;
	}
	nl->family = genl_ctrl_resolve(nl->sock, IMATAP_GENL_NAME);
	if (nl->family < 0) {
		rc = nl->family;
		imatap_nl_close(nl);
		if (rc == -NLE_OBJ_NOTFOUND) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the generic netlink family \"%s\" is not registered: the imatap module is not loaded",
				      IMATAP_GENL_NAME);
			return IMATAP_NL_OPEN_NO_FAMILY;
		}
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "resolving the generic netlink family \"%s\" failed: %s",
			      IMATAP_GENL_NAME, nl_geterror(rc));
		return IMATAP_NL_OPEN_ERROR;
	}
	return IMATAP_NL_OPEN_OK;
}

void imatap_nl_close(struct imatap_nl *nl)
{
	nl_socket_free(nl->sock);
	nl->sock = NULL;
}

/* Exact-size checks: libnl's policy checks only minimum lengths. */
static bool attr_u64(struct nlattr *a, uint64_t *v)
{
	if (!a || nla_len(a) != 8)
		return false;
	*v = nla_get_u64(a);
	return true;
}

static bool attr_u32(struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) != 4)
		return false;
	*v = nla_get_u32(a);
	return true;
}

/* A NUL-terminated string of at most size - 1 bytes, NUL only at its end. */
static bool attr_string(struct nlattr *a, char *out, size_t size)
{
	const char *s;
	int len;

	if (!a)
		return false;
	len = nla_len(a);
	s = nla_data(a);
	if (len < 1 || (size_t)len > size || s[len - 1] != 0 ||
	    strlen(s) != (size_t)len - 1)
		return false;
	memcpy(out, s, (size_t)len);
	return true;
}

struct status_ctx {
	struct imatap_status *status;
	struct ima_error *err;
	bool done;
};

static int status_handler(struct nl_msg *msg, void *arg)
{
	struct status_ctx *ctx = arg;
	struct nlattr *tb[IMATAP_A_MAX + 1];
	struct imatap_status *st = ctx->status;
	int rc;

	rc = genlmsg_parse(nlmsg_hdr(msg), 0, tb, IMATAP_A_MAX, NULL);
	if (rc < 0 ||
	    !attr_string(tb[IMATAP_A_STATUS_VERSION], st->version,
			 sizeof(st->version)) ||
	    !attr_u64(tb[IMATAP_A_STATUS_ENTRIES], &st->entries) ||
	    !attr_u64(tb[IMATAP_A_STATUS_VIOLATIONS], &st->violations) ||
	    !attr_u64(tb[IMATAP_A_STATUS_NEXT_INDEX], &st->next_index) ||
	    !attr_u64(tb[IMATAP_A_STATUS_SENT], &st->sent) ||
	    !attr_u64(tb[IMATAP_A_STATUS_SEND_FAILURES],
		      &st->send_failures) ||
	    !attr_u64(tb[IMATAP_A_STATUS_PROBE_MISSES], &st->probe_misses) ||
	    !attr_u32(tb[IMATAP_A_STATUS_FLAGS], &st->flags)) {
		ima_error_set(ctx->err, NULL, IMA_OFFSET_NONE,
			      "the status reply has a missing or malformed attribute");
		return NL_STOP;
	}
	ctx->done = true;
	return NL_OK;
}

static bool send_request(struct imatap_nl *nl, uint8_t cmd, int flags,
			 const uint64_t *start, struct ima_error *err)
{
	struct nl_msg *msg = nlmsg_alloc();
	bool ok = false;
	int rc;

	if (!msg ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, IMATAP_GENL_VERSION) ||
	    (start && nla_put_u64(msg, IMATAP_A_START_INDEX, *start) < 0)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "building a netlink request failed: out of memory");
		goto out;
	}
	rc = nl_send_auto(nl->sock, msg);
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "sending a netlink request failed: %s",
			      nl_geterror(rc));
		goto out;
	}
	ok = true;
out:
	nlmsg_free(msg);
	return ok;
}

bool imatap_nl_status(struct imatap_nl *nl, struct imatap_status *status,
		      struct ima_error *err)
{
	struct status_ctx ctx = { .status = status, .err = err };
	int rc;

	memset(status, 0, sizeof(*status));
	err->msg[0] = 0;
	if (!send_request(nl, IMATAP_CMD_GET_STATUS, 0, NULL, err))
		return false;
	nl_socket_modify_cb(nl->sock, NL_CB_VALID, NL_CB_CUSTOM,
			    status_handler, &ctx);
	rc = nl_recvmsgs_default(nl->sock);
	if (rc < 0 && !err->msg[0])
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "IMATAP_CMD_GET_STATUS failed: %s",
			      nl_geterror(rc));
	if (rc >= 0 && !ctx.done && !err->msg[0])
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "IMATAP_CMD_GET_STATUS returned no status");
	return rc >= 0 && ctx.done;
}

void imatap_nl_assembler_init(struct imatap_nl_assembler *as)
{
	memset(as, 0, sizeof(*as));
}

void imatap_nl_assembler_free(struct imatap_nl_assembler *as)
{
	free(as->entry.data);
	as->entry.data = NULL;
	as->active = false;
}

static bool parse_digests(struct nlattr *nest, struct imatap_nl_entry *e,
			  struct ima_error *err)
{
	struct nlattr *slot;
	int rem;

	e->num_digests = 0;
	nla_for_each_nested(slot, nest, rem) {
		struct nlattr *tb[IMATAP_DIGEST_A_MAX + 1];
		struct ima_digest *d;
		const struct ima_bank_info *bank;
		int len;

		if (nla_type(slot) != IMATAP_A_DIGEST ||
		    e->num_digests >= IMA_SLOTS_MAX ||
		    nla_parse_nested(tb, IMATAP_DIGEST_A_MAX, slot, NULL) < 0 ||
		    !tb[IMATAP_DIGEST_A_ALG] || nla_len(tb[IMATAP_DIGEST_A_ALG]) != 2 ||
		    !tb[IMATAP_DIGEST_A_VALUE])
			goto bad;
		d = &e->digests[e->num_digests];
		d->tpm_alg = nla_get_u16(tb[IMATAP_DIGEST_A_ALG]);
		len = nla_len(tb[IMATAP_DIGEST_A_VALUE]);
		bank = ima_bank_by_alg(d->tpm_alg);
		/* An algorithm without a TPM id (0) may have any digest size. */
		if (len < 1 || len > IMA_DIGEST_MAX ||
		    (bank && (unsigned int)len != bank->size))
			goto bad;
		d->len = (uint8_t)len;
		memcpy(d->value, nla_data(tb[IMATAP_DIGEST_A_VALUE]), len);
		e->num_digests++;
	}
	if (rem != 0 || e->num_digests == 0)
		goto bad;
	return true;
bad:
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "entry %llu: IMATAP_A_ENTRY_DIGESTS is malformed",
		      (unsigned long long)e->index);
	return false;
}

/* Parse the attributes every chunk of an entry repeats. */
static bool parse_entry_header(struct nlattr **tb, struct imatap_nl_entry *e,
			       struct ima_error *err)
{
	const char *bad = NULL;

	memset(e, 0, sizeof(*e));
	if (!attr_u64(tb[IMATAP_A_ENTRY_INDEX], &e->index)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "an entry message lacks a valid IMATAP_A_ENTRY_INDEX");
		return false;
	}
	if (!attr_u32(tb[IMATAP_A_ENTRY_PCR], &e->pcr))
		bad = "IMATAP_A_ENTRY_PCR";
	else if (!attr_u32(tb[IMATAP_A_ENTRY_FLAGS], &e->flags))
		bad = "IMATAP_A_ENTRY_FLAGS";
	else if (!attr_string(tb[IMATAP_A_ENTRY_TEMPLATE_NAME],
			      e->template_name, sizeof(e->template_name)))
		bad = "IMATAP_A_ENTRY_TEMPLATE_NAME";
	else if (!attr_string(tb[IMATAP_A_ENTRY_TEMPLATE_FMT],
			      e->template_fmt, sizeof(e->template_fmt)))
		bad = "IMATAP_A_ENTRY_TEMPLATE_FMT";
	else if (!attr_u32(tb[IMATAP_A_ENTRY_DATA_LEN], &e->data_len))
		bad = "IMATAP_A_ENTRY_DATA_LEN";
	else if (!tb[IMATAP_A_ENTRY_DIGESTS])
		bad = "IMATAP_A_ENTRY_DIGESTS";
	if (bad) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: %s is missing or has the wrong size",
			      (unsigned long long)e->index, bad);
		return false;
	}
	if (e->data_len > IMA_TEMPLATE_DATA_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: template data length %u exceeds the limit of %u",
			      (unsigned long long)e->index, e->data_len,
			      IMA_TEMPLATE_DATA_MAX);
		return false;
	}
	return parse_digests(tb[IMATAP_A_ENTRY_DIGESTS], e, err);
}

static bool same_entry(const struct imatap_nl_entry *a,
		       const struct imatap_nl_entry *b)
{
	return a->index == b->index && a->pcr == b->pcr &&
	       a->flags == b->flags && a->data_len == b->data_len &&
	       a->num_digests == b->num_digests &&
	       strcmp(a->template_name, b->template_name) == 0 &&
	       strcmp(a->template_fmt, b->template_fmt) == 0 &&
	       memcmp(a->digests, b->digests,
		      a->num_digests * sizeof(a->digests[0])) == 0;
}

bool imatap_nl_parse_chunk(struct nlmsghdr *nlh, struct imatap_nl_chunk *chunk,
			   struct ima_error *err)
{
	struct nlattr *tb[IMATAP_A_MAX + 1];
	int len;

	if (genlmsg_parse(nlh, 0, tb, IMATAP_A_MAX, NULL) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "an entry message has malformed attributes");
		return false;
	}
	if (!parse_entry_header(tb, &chunk->header, err))
		return false;
	if (!attr_u32(tb[IMATAP_A_ENTRY_DATA_OFFSET], &chunk->offset) ||
	    !tb[IMATAP_A_ENTRY_DATA]) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: IMATAP_A_ENTRY_DATA or IMATAP_A_ENTRY_DATA_OFFSET is missing",
			      (unsigned long long)chunk->header.index);
		return false;
	}
	len = nla_len(tb[IMATAP_A_ENTRY_DATA]);
	if (len < 0 || (uint32_t)len > chunk->header.data_len ||
	    chunk->offset > chunk->header.data_len - (uint32_t)len ||
	    (len == 0 && chunk->header.data_len != 0)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: a chunk of %d bytes at offset %u does not fit %u bytes of template data",
			      (unsigned long long)chunk->header.index, len,
			      chunk->offset, chunk->header.data_len);
		return false;
	}
	chunk->data = nla_data(tb[IMATAP_A_ENTRY_DATA]);
	chunk->len = (uint32_t)len;
	return true;
}

bool imatap_nl_assembler_add_chunk(struct imatap_nl_assembler *as,
				   const struct imatap_nl_chunk *chunk,
				   bool *complete, struct ima_error *err)
{
	const struct imatap_nl_entry *header = &chunk->header;

	*complete = false;
	if (chunk->offset == 0) {
		if (as->active) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "entry %llu ended after %u of its %u template data bytes",
				      (unsigned long long)as->entry.index,
				      as->received, as->entry.data_len);
			return false;
		}
		free(as->entry.data);
		as->entry = *header;
		as->entry.data = malloc(header->data_len ? header->data_len : 1);
		if (!as->entry.data) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "entry %llu: out of memory",
				      (unsigned long long)header->index);
			return false;
		}
		as->received = 0;
		as->active = true;
	} else if (!as->active || !same_entry(&as->entry, header) ||
		   chunk->offset != as->received) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: a chunk at offset %u does not continue the entry",
			      (unsigned long long)header->index, chunk->offset);
		return false;
	}
	memcpy(as->entry.data + chunk->offset, chunk->data, chunk->len);
	as->received += chunk->len;
	if (as->received == as->entry.data_len) {
		as->active = false;
		*complete = true;
	}
	return true;
}

bool imatap_nl_assembler_add(struct imatap_nl_assembler *as,
			     struct nlmsghdr *nlh, bool *complete,
			     struct ima_error *err)
{
	struct imatap_nl_chunk chunk;

	*complete = false;
	if (!imatap_nl_parse_chunk(nlh, &chunk, err))
		return false;
	return imatap_nl_assembler_add_chunk(as, &chunk, complete, err);
}

struct dump_ctx {
	struct imatap_nl_assembler as;
	imatap_nl_entry_fn fn;
	void *arg;
	uint64_t next_index;
	struct ima_error *err;
	bool failed;
};

static int dump_handler(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *ctx = arg;
	bool complete;

	if (!imatap_nl_assembler_add(&ctx->as, nlmsg_hdr(msg), &complete,
				     ctx->err))
		goto fail;
	if (!complete)
		return NL_OK;
	if (ctx->as.entry.index != ctx->next_index) {
		ima_error_set(ctx->err, NULL, IMA_OFFSET_NONE,
			      "the dump sent entry %llu where entry %llu was due",
			      (unsigned long long)ctx->as.entry.index,
			      (unsigned long long)ctx->next_index);
		goto fail;
	}
	ctx->next_index++;
	if (!ctx->fn(&ctx->as.entry, ctx->arg, ctx->err))
		goto fail;
	return NL_OK;
fail:
	ctx->failed = true;
	return NL_STOP;
}

bool imatap_nl_request_dump(struct imatap_nl *nl, uint64_t start_index,
			    struct ima_error *err)
{
	return send_request(nl, IMATAP_CMD_GET_ENTRIES, NLM_F_DUMP, &start_index,
			    err);
}

bool imatap_nl_dump(struct imatap_nl *nl, uint64_t start_index,
		    imatap_nl_entry_fn fn, void *arg, struct ima_error *err)
{
	struct dump_ctx ctx = {
		.fn = fn, .arg = arg, .next_index = start_index, .err = err,
	};
	bool ok = false;
	int rc;

	imatap_nl_assembler_init(&ctx.as);
	if (!imatap_nl_request_dump(nl, start_index, err))
		goto out;
	nl_socket_modify_cb(nl->sock, NL_CB_VALID, NL_CB_CUSTOM, dump_handler,
			    &ctx);
	rc = nl_recvmsgs_default(nl->sock);
	if (ctx.failed)
		goto out;
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "IMATAP_CMD_GET_ENTRIES failed: %s",
			      nl_geterror(rc));
		goto out;
	}
	if (ctx.as.active) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the dump ended inside entry %llu",
			      (unsigned long long)ctx.as.entry.index);
		goto out;
	}
	ok = true;
out:
	imatap_nl_assembler_free(&ctx.as);
	return ok;
}

static bool host_is_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

static void store_u32(uint8_t *p, uint32_t v, bool big_endian)
{
	if (big_endian) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

static bool reserve(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *bigger;
	size_t size = *cap ? *cap : 4096;

	if (need <= *cap)
		return true;
	while (size < need)
		size *= 2;
	bigger = realloc(*buf, size);
	if (!bigger)
		return false;
	*buf = bigger;
	*cap = size;
	return true;
}

/*
 * The "ima" template's binary log form: the 20-byte digest without its
 * length word, then the name's length without its NUL and the name.
 */
static bool append_legacy(const struct imatap_nl_entry *e, bool big_endian,
			  uint8_t *p, size_t *pos, struct ima_error *err)
{
	uint32_t d_len, n_len;
	const uint8_t *n;

	if (e->data_len < 4 + IMA_SHA1_SIZE + 4)
		goto bad;
	d_len = ima_load_u32(e->data, big_endian);
	if (d_len != IMA_SHA1_SIZE)
		goto bad;
	n_len = ima_load_u32(e->data + 4 + IMA_SHA1_SIZE, big_endian);
	if (n_len != e->data_len - (4 + IMA_SHA1_SIZE + 4))
		goto bad;
	n = e->data + 4 + IMA_SHA1_SIZE + 4;
	/* The kernel stores the name with its NUL; the log omits it. */
	if (n_len > 0 && n[n_len - 1] == 0)
		n_len--;
	memcpy(p + *pos, e->data + 4, IMA_SHA1_SIZE);
	*pos += IMA_SHA1_SIZE;
	store_u32(p + *pos, n_len, big_endian);
	*pos += 4;
	memcpy(p + *pos, n, n_len);
	*pos += n_len;
	return true;
bad:
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "entry %llu: \"ima\" template data is not a 20-byte digest and a name",
		      (unsigned long long)e->index);
	return false;
}

bool imatap_nl_entry_to_binlog(const struct imatap_nl_entry *e,
			       uint8_t **buf, size_t *len, size_t *cap,
			       bool *big_endian, struct ima_error *err)
{
	size_t name_len = strlen(e->template_name);
	size_t pos = *len;
	const struct ima_digest *sha1 = NULL;
	bool legacy = strcmp(e->template_name, "ima") == 0;
	unsigned int i;

	*big_endian = !(e->flags & IMATAP_ENTRY_F_CANONICAL) &&
		      host_is_big_endian();
	for (i = 0; i < e->num_digests; i++)
		if (e->digests[i].tpm_alg == TPM_ALG_SHA1)
			sha1 = &e->digests[i];
	if (!sha1) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu has no SHA-1 template digest",
			      (unsigned long long)e->index);
		return false;
	}
	if (!reserve(buf, cap, pos + 4 + IMA_SHA1_SIZE + 4 + name_len + 4 +
				   e->data_len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "entry %llu: out of memory",
			      (unsigned long long)e->index);
		return false;
	}
	store_u32(*buf + pos, e->pcr, *big_endian);
	pos += 4;
	memcpy(*buf + pos, sha1->value, IMA_SHA1_SIZE);
	pos += IMA_SHA1_SIZE;
	store_u32(*buf + pos, (uint32_t)name_len, *big_endian);
	pos += 4;
	memcpy(*buf + pos, e->template_name, name_len);
	pos += name_len;

	if (legacy) {
		if (!append_legacy(e, *big_endian, *buf, &pos, err))
			return false;
	} else {
		store_u32(*buf + pos, e->data_len, *big_endian);
		pos += 4;
		memcpy(*buf + pos, e->data, e->data_len);
		pos += e->data_len;
	}
	*len = pos;
	return true;
}
