/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One IMA measurement-list entry, however it arrived: from
 * binary_runtime_measurements or from an imatap netlink entry message.
 *
 * Field data pointers refer to the producer's buffer and stay valid only
 * until the producer fills the record again.
 */
#ifndef IMATAP_RECORD_H
#define IMATAP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Limits. The kernel's policy parser accepts PCR indexes below 64 (the bits
 * of integrity_iint_cache.measured_pcrs in Linux 6.1); a TPM has 24.
 */
#define IMA_PCR_COUNT		64
/* 15 field ids of at most 16 bytes and 14 separators fit in 254 bytes. */
#define IMA_TEMPLATE_NAME_MAX	255
#define IMA_FIELDS_MAX		15	/* IMA_TEMPLATE_NUM_FIELDS_MAX */
#define IMA_FIELD_ID_MAX	16	/* IMA_TEMPLATE_FIELD_ID_MAX_LEN */
#define IMA_EVENT_NAME_LEN_MAX	255	/* longest "n" name without its NUL */
#define IMA_SHA1_SIZE		20
#define IMA_DIGEST_MAX		64	/* SHA-512 */
#define IMA_SLOTS_MAX		8
/*
 * NOTE: the kernel sets no limit on template data. 1 MiB is far above the
 * largest entries seen (key certificates and policy buffers of a few KiB)
 * and bounds the memory one hostile length word can request.
 */
#define IMA_TEMPLATE_DATA_MAX	(1U << 20)

#define IMA_OFFSET_NONE		UINT64_MAX

enum ima_field_id {
	IMA_FIELD_UNKNOWN,
	IMA_FIELD_D,
	IMA_FIELD_N,
	IMA_FIELD_D_NG,
	IMA_FIELD_D_NGV2,
	IMA_FIELD_N_NG,
	IMA_FIELD_SIG,
	IMA_FIELD_BUF,
	IMA_FIELD_D_MODSIG,
	IMA_FIELD_MODSIG,
	IMA_FIELD_EVMSIG,
	IMA_FIELD_IUID,
	IMA_FIELD_IGID,
	IMA_FIELD_IMODE,
	IMA_FIELD_XATTRNAMES,
	IMA_FIELD_XATTRLENGTHS,
	IMA_FIELD_XATTRVALUES,
};

/* One template field: its id from the template format and its bytes. */
struct ima_field {
	enum ima_field_id id;
	char name[IMA_FIELD_ID_MAX + 1];
	uint32_t len;
	const uint8_t *data;
	uint32_t data_offset;	/* offset of data within the record's bytes */
};

/* A logged template digest for one hash algorithm (TPM_ALG_* id). */
struct ima_digest {
	uint16_t tpm_alg;
	uint8_t len;
	uint8_t value[IMA_DIGEST_MAX];
};

struct ima_record {
	uint64_t index;
	uint64_t offset;	/* byte offset in the log, or IMA_OFFSET_NONE */
	uint32_t pcr;
	bool big_endian;	/* byte order of length words and id fields */
	bool violation;
	bool legacy;		/* the "ima" template */
	char template_name[IMA_TEMPLATE_NAME_MAX + 1];
	char template_fmt[IMA_TEMPLATE_NAME_MAX + 1];	/* "" if unknown */

	/* The binary log carries only the SHA-1 slot; netlink carries all. */
	unsigned int num_digests;
	struct ima_digest digests[IMA_SLOTS_MAX];

	/*
	 * Template data: the fields as (u32 length, bytes), exactly the
	 * bytes IMA hashes. For the "ima" template data is NULL and only
	 * the fields are set, because its digest has another rule.
	 */
	const uint8_t *data;
	uint32_t data_len;

	unsigned int num_fields;
	struct ima_field fields[IMA_FIELDS_MAX];
};

/* An error message naming the record and byte offset it concerns. */
struct ima_error {
	char msg[512];
};

void ima_error_set(struct ima_error *err, const struct ima_record *rec,
		   uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Decoded views of the common fields. */
struct ima_file_digest {
	const char *type;	/* "ima" or "verity" for d-ngv2, else NULL */
	size_t type_len;
	const char *algo;	/* "sha256"; "sha1" or "md5" for field d */
	size_t algo_len;
	const uint8_t *value;
	uint32_t len;
};

const struct ima_field *ima_record_field(const struct ima_record *rec,
					 enum ima_field_id id);
bool ima_record_file_digest(const struct ima_record *rec,
			    enum ima_field_id id, struct ima_file_digest *fd);
bool ima_record_name(const struct ima_record *rec, const uint8_t **name,
		     size_t *len);
uint32_t ima_load_u32(const uint8_t *p, bool big_endian);
uint16_t ima_load_u16(const uint8_t *p, bool big_endian);

#endif
