// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/imatap.h>

#include "follow.h"

/* One recv() returns one message of at most about a page; see MSG_TRUNC. */
#define GROUP_BUFFER_SIZE (64 * 1024)
/*
 * recv() calls per imatap_follow_read(), so that a caller under a storm
 * still gets to flush its output and check for signals.
 */
#define READ_BATCH 512

static enum imatap_follow_result join_group(struct imatap_follow *f,
					    int rcvbuf, struct ima_error *err)
{
	int fd, rc;

	f->group = genl_ctrl_resolve_grp(f->nl.sock, IMATAP_GENL_NAME,
					 IMATAP_MCGRP_EVENTS);
	if (f->group < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "resolving the multicast group \"%s\" of family \"%s\" failed: %s",
			      IMATAP_MCGRP_EVENTS, IMATAP_GENL_NAME,
			      nl_geterror(f->group));
		return IMATAP_FOLLOW_ERROR;
	}
	f->events = nl_socket_alloc();
	if (!f->events) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "allocating a netlink socket failed");
		return IMATAP_FOLLOW_ERROR;
	}
	rc = nl_connect(f->events, NETLINK_GENERIC);
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "connecting to generic netlink failed: %s",
			      nl_geterror(rc));
		return IMATAP_FOLLOW_ERROR;
	}
	fd = nl_socket_get_fd(f->events);
	/* SO_RCVBUFFORCE passes net.core.rmem_max; it needs CAP_NET_ADMIN,
	 * which joining needs too. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "setting the receive buffer to %d bytes failed: %s",
			      rcvbuf, strerror(errno));
		return IMATAP_FOLLOW_ERROR;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &f->group,
		       sizeof(f->group)) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "joining the multicast group %s/%s failed: %s",
			      IMATAP_GENL_NAME, IMATAP_MCGRP_EVENTS,
			      strerror(errno));
		return errno == EPERM ? IMATAP_FOLLOW_NO_PERMISSION :
					IMATAP_FOLLOW_ERROR;
	}
	rc = nl_socket_set_nonblocking(f->events);
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "making the group socket non-blocking failed: %s",
			      nl_geterror(rc));
		return IMATAP_FOLLOW_ERROR;
	}
	return IMATAP_FOLLOW_OK;
}

enum imatap_follow_result imatap_follow_open(struct imatap_follow *f,
					     int rcvbuf,
					     struct ima_error *err)
{
	enum imatap_follow_result rc;

	memset(f, 0, sizeof(*f));
	imatap_seq_init(&f->seq, 0);
	switch (imatap_nl_open(&f->nl, err)) {
	case IMATAP_NL_OPEN_OK:
		break;
	case IMATAP_NL_OPEN_NO_FAMILY:
		return IMATAP_FOLLOW_NO_FAMILY;
	default:
		return IMATAP_FOLLOW_ERROR;
	}
	f->buf = malloc(GROUP_BUFFER_SIZE);
	if (!f->buf) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "allocating the receive buffer failed");
		return IMATAP_FOLLOW_ERROR;
	}
	rc = join_group(f, rcvbuf, err);
	return rc;
}

void imatap_follow_close(struct imatap_follow *f)
{
	if (f->nl.sock)
		imatap_nl_close(&f->nl);
	nl_socket_free(f->events);
	f->events = NULL;
	free(f->buf);
	f->buf = NULL;
	imatap_seq_free(&f->seq);
}

int imatap_follow_fd(const struct imatap_follow *f)
{
	return nl_socket_get_fd(f->events);
}

/* Say which message err is about: "where: message". */
static void add_context(struct ima_error *err, const char *where)
{
	char msg[sizeof(err->msg)];

	memcpy(msg, err->msg, sizeof(msg));
	snprintf(err->msg, sizeof(err->msg), "%s: %.400s", where, msg);
}

struct dump_ctx {
	struct imatap_follow *f;
	struct ima_error *err;
	enum imatap_follow_result result;
};

static int dump_handler(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *ctx = arg;
	struct imatap_follow *f = ctx->f;
	struct imatap_nl_chunk chunk;

	if (!imatap_nl_parse_chunk(nlmsg_hdr(msg), &chunk, ctx->err)) {
		add_context(ctx->err, "an IMATAP_CMD_GET_ENTRIES reply");
		goto malformed;
	}
	switch (imatap_seq_add(&f->seq, &chunk, IMATAP_SEQ_DUMP, ctx->err)) {
	case IMATAP_SEQ_PARTIAL:
		return NL_OK;
	case IMATAP_SEQ_COMPLETE:
		break;
	default:
		goto malformed;
	}
	f->stats.from_dump++;
	ctx->result = f->on_entry(&f->seq.as.entry, f->arg, ctx->err);
	return ctx->result == IMATAP_FOLLOW_OK ? NL_OK : NL_STOP;
malformed:
	ctx->result = IMATAP_FOLLOW_MALFORMED;
	return NL_STOP;
}

/* Deliver the entries from f->seq.next to the end of the log. */
static enum imatap_follow_result dump(struct imatap_follow *f,
				      struct ima_error *err)
{
	struct dump_ctx ctx = { .f = f, .err = err,
				.result = IMATAP_FOLLOW_OK };
	uint64_t start = f->seq.next;
	int rc;

	imatap_seq_discard_partial(&f->seq);
	if (!imatap_nl_request_dump(&f->nl, start, err))
		return IMATAP_FOLLOW_ERROR;
	nl_socket_modify_cb(f->nl.sock, NL_CB_VALID, NL_CB_CUSTOM,
			    dump_handler, &ctx);
	rc = nl_recvmsgs_default(f->nl.sock);
	if (ctx.result != IMATAP_FOLLOW_OK)
		return ctx.result;
	if (rc < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "IMATAP_CMD_GET_ENTRIES from index %llu failed: %s",
			      (unsigned long long)start, nl_geterror(rc));
		return rc == -NLE_PERM ? IMATAP_FOLLOW_NO_PERMISSION :
					 IMATAP_FOLLOW_ERROR;
	}
	if (f->seq.as.active) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the dump from index %llu ended inside entry %llu after %u of its %u template data bytes",
			      (unsigned long long)start,
			      (unsigned long long)f->seq.as.entry.index,
			      f->seq.as.received, f->seq.as.entry.data_len);
		return IMATAP_FOLLOW_MALFORMED;
	}
	return IMATAP_FOLLOW_OK;
}

enum imatap_follow_result imatap_follow_catch_up(struct imatap_follow *f,
						 uint64_t start_index,
						 struct ima_error *err)
{
	imatap_seq_free(&f->seq);
	imatap_seq_init(&f->seq, start_index);
	return dump(f, err);
}

static enum imatap_follow_result repair(struct imatap_follow *f,
					enum imatap_repair_cause cause,
					struct ima_error *err)
{
	struct imatap_repair r = { .cause = cause, .loss = f->seq.loss,
				   .from_index = f->seq.next };
	enum imatap_follow_result rc;

	f->stats.repairs++;
	rc = dump(f, err);
	r.entries = f->seq.next - r.from_index;
	if (rc != IMATAP_FOLLOW_OK && rc != IMATAP_FOLLOW_STOPPED)
		return rc;
	if (f->on_repair)
		f->on_repair(&r, f->arg);
	if (rc == IMATAP_FOLLOW_OK && cause != IMATAP_REPAIR_ENOBUFS &&
	    f->seq.next <= r.loss.seen_index) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the dump from index %llu ended before entry %llu, which the group already sent",
			      (unsigned long long)r.from_index,
			      (unsigned long long)r.loss.seen_index);
		return IMATAP_FOLLOW_MALFORMED;
	}
	return rc;
}

/* Handle one group message. */
static enum imatap_follow_result group_message(struct imatap_follow *f,
					       struct nlmsghdr *nlh,
					       struct ima_error *err)
{
	struct imatap_nl_chunk chunk;

	if (!imatap_nl_parse_chunk(nlh, &chunk, err)) {
		add_context(err, "an IMATAP_CMD_NEW_ENTRY message from the group");
		return IMATAP_FOLLOW_MALFORMED;
	}
	switch (imatap_seq_add(&f->seq, &chunk, IMATAP_SEQ_GROUP, err)) {
	case IMATAP_SEQ_PARTIAL:
		return IMATAP_FOLLOW_OK;
	case IMATAP_SEQ_REPEAT:
		f->stats.repeats++;
		return IMATAP_FOLLOW_OK;
	case IMATAP_SEQ_COMPLETE:
		f->stats.from_group++;
		return f->on_entry(&f->seq.as.entry, f->arg, err);
	case IMATAP_SEQ_LOST:
		if (f->seq.loss.kind == IMATAP_LOSS_GAP) {
			f->stats.gaps++;
			return repair(f, IMATAP_REPAIR_GAP, err);
		}
		f->stats.lost_chunks++;
		return repair(f, IMATAP_REPAIR_CHUNK, err);
	default:
		return IMATAP_FOLLOW_MALFORMED;
	}
}

static enum imatap_follow_result group_buffer(struct imatap_follow *f,
					      size_t len,
					      struct ima_error *err)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)f->buf;
	int remaining = (int)len;
	enum imatap_follow_result rc;

	for (; nlmsg_ok(nlh, remaining); nlh = nlmsg_next(nlh, &remaining)) {
		if (nlh->nlmsg_type != f->nl.family)
			continue;
		rc = group_message(f, nlh, err);
		if (rc != IMATAP_FOLLOW_OK)
			return rc;
	}
	if (remaining > 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "a group message has %d bytes after its last netlink message",
			      remaining);
		return IMATAP_FOLLOW_MALFORMED;
	}
	return IMATAP_FOLLOW_OK;
}

enum imatap_follow_result imatap_follow_read(struct imatap_follow *f,
					     struct ima_error *err)
{
	int fd = nl_socket_get_fd(f->events);
	enum imatap_follow_result rc;
	unsigned int i;

	for (i = 0; i < READ_BATCH; i++) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t n;

		n = recvfrom(fd, f->buf, GROUP_BUFFER_SIZE, MSG_TRUNC,
			     (struct sockaddr *)&from, &from_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return IMATAP_FOLLOW_OK;
		if (n < 0 && errno == ENOBUFS) {
			f->stats.enobufs++;
			rc = repair(f, IMATAP_REPAIR_ENOBUFS, err);
			if (rc != IMATAP_FOLLOW_OK)
				return rc;
			continue;
		}
		if (n < 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "receiving from the group socket failed: %s",
				      strerror(errno));
			return IMATAP_FOLLOW_ERROR;
		}
		if (n > GROUP_BUFFER_SIZE) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "a group message of %zd bytes exceeds the %d-byte receive buffer",
				      n, GROUP_BUFFER_SIZE);
			return IMATAP_FOLLOW_MALFORMED;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel sends to the group */
		rc = group_buffer(f, (size_t)n, err);
		if (rc != IMATAP_FOLLOW_OK)
			return rc;
	}
	return IMATAP_FOLLOW_OK;
}
