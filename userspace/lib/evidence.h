/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evidence document: a JSON CMW collection (draft-ietf-rats-msg-wrap)
 * holding one quoted batch of log entries. Documentation/evidence.rst
 * describes every member.
 */
#ifndef IMATAP_EVIDENCE_H
#define IMATAP_EVIDENCE_H

#include "bank.h"

#define EVIDENCE_VERSION	1
#define EVIDENCE_COLLECTION_TYPE "tag:imatap.org,2026:evidence"
/* Largest evidence document read: far above 10,000 log entries. */
#define EVIDENCE_MAX		(64U << 20)

#define EVIDENCE_TYPE_ATTEST	"application/vnd.imatap.tpms-attest"
#define EVIDENCE_TYPE_SIGNATURE	"application/vnd.imatap.tpmt-signature"
#define EVIDENCE_TYPE_PCRS	"application/vnd.imatap.quoted-pcrs"
#define EVIDENCE_TYPE_LOG	"application/vnd.imatap.ima-log"
#define EVIDENCE_TYPE_BATCH	"application/vnd.imatap.batch+json"
/* CMW indicator bit for evidence. */
#define CMW_IND_EVIDENCE	4

/* The batch description: where the batch sits in the log and the host. */
struct evidence_batch {
	uint64_t first_index;
	uint64_t entries;
	bool big_endian;		/* byte order of the log records */
	unsigned int start_banks;	/* bit i: start_pcr10[i] is set */
	uint8_t start_pcr10[IMA_BANK_COUNT][IMA_DIGEST_MAX];
	uint8_t ak_name[66];
	size_t ak_name_len;
	char boot_id[64];
	char kernel_release[128];
	char hostname[256];
	char time[40];			/* RFC 3339, UTC */
	char source[16];		/* "netlink", "securityfs" or "file" */
};

struct evidence {
	uint8_t *attest;		/* TPMS_ATTEST */
	size_t attest_len;
	uint8_t *signature;		/* TPMT_SIGNATURE */
	size_t signature_len;
	uint8_t *pcrs;			/* see struct quoted_pcrs */
	size_t pcrs_len;
	uint8_t *log;			/* binary_runtime_measurements records */
	size_t log_len;
	struct evidence_batch batch;
};

/* Encode ev as a JSON document ending in a newline; NULL on failure. */
char *evidence_encode(const struct evidence *ev, struct ima_error *err);

/*
 * Decode and check the structure of a document: every member present with
 * its media type and evidence flag, valid base64url, batch fields of the
 * right types and sizes. It does not check whether the evidence is true.
 */
bool evidence_decode(const char *json, size_t len, struct evidence *ev,
		     struct ima_error *err);
bool evidence_read(const char *path, struct evidence *ev,
		   struct ima_error *err);
void evidence_free(struct evidence *ev);

#endif
