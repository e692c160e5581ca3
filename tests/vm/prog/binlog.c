// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "binlog.h"

/*
 * Size of the "ima" template's d field: SHA-1.
 * NOTE: a kernel booted with ima_hash=md5 writes 16 bytes there, which
 * binlog_next_record() does not support.
 */
#define IMA_TEMPLATE_DIGEST_SIZE 20

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t value)
{
	p[0] = value;
	p[1] = value >> 8;
	p[2] = value >> 16;
	p[3] = value >> 24;
}

static bool is_ima_template(const char *name, size_t len)
{
	return len == 3 && memcmp(name, "ima", 3) == 0;
}

/*
 * Split "ima" template data (u32 length, digest, u32 length, name with NUL)
 * into the digest and the name. Return 0 or -1 with a reason in err.
 */
static int split_ima_template_data(const uint8_t *data, uint32_t len,
				   const uint8_t **digest, uint32_t *digest_len,
				   const uint8_t **name, uint32_t *name_len,
				   char *err, size_t err_size)
{
	uint32_t pos = 0;

	if (len < 4) {
		snprintf(err, err_size, "ima template data of %u bytes has no d field length", len);
		return -1;
	}
	*digest_len = get_le32(data);
	pos = 4;
	if (*digest_len > IMA_TEMPLATE_DIGEST_SIZE || *digest_len > len - pos) {
		snprintf(err, err_size, "ima template d field length %u is invalid for %u bytes of data",
			 *digest_len, len);
		return -1;
	}
	*digest = data + pos;
	pos += *digest_len;

	if (len - pos < 4) {
		snprintf(err, err_size, "ima template data ends before the n field length");
		return -1;
	}
	*name_len = get_le32(data + pos);
	pos += 4;
	if (*name_len != len - pos) {
		snprintf(err, err_size, "ima template n field length %u, expected the remaining %u bytes",
			 *name_len, len - pos);
		return -1;
	}
	*name = data + pos;
	/* The log writes strlen() of the name, without the stored NUL and padding. */
	*name_len = strnlen((const char *)*name, *name_len);
	return 0;
}

int binlog_write_entry(FILE *out, const struct binlog_entry *entry,
		       char *err, size_t err_size)
{
	size_t name_len = strlen(entry->template_name);
	bool ima = is_ima_template(entry->template_name, name_len);
	const uint8_t *digest = NULL, *name = NULL;
	uint32_t digest_len = 0, field_len = 0;
	uint8_t word[4];
	bool ok = true;

	if (ima && split_ima_template_data(entry->data, entry->data_len,
					   &digest, &digest_len, &name,
					   &field_len, err, err_size))
		return BINLOG_BAD_DATA;

	put_le32(word, entry->pcr);
	ok &= fwrite(word, 4, 1, out) == 1;
	ok &= fwrite(entry->sha1, BINLOG_SHA1_SIZE, 1, out) == 1;
	put_le32(word, name_len);
	ok &= fwrite(word, 4, 1, out) == 1;
	ok &= fwrite(entry->template_name, 1, name_len, out) == name_len;

	if (ima) {
		ok &= fwrite(digest, 1, digest_len, out) == digest_len;
		put_le32(word, field_len);
		ok &= fwrite(word, 4, 1, out) == 1;
		ok &= fwrite(name, 1, field_len, out) == field_len;
	} else {
		put_le32(word, entry->data_len);
		ok &= fwrite(word, 4, 1, out) == 1;
		ok &= fwrite(entry->data, 1, entry->data_len, out) ==
		      entry->data_len;
	}

	if (!ok) {
		snprintf(err, err_size, "write failed");
		return BINLOG_WRITE_FAILED;
	}
	return 0;
}

/*
 * Find the event name in template data made of (u32 length, bytes) fields:
 * the second field of every standard template but "ima" (n-ng after d-ng,
 * d-ngv2 or the ima-buf digest). Return 0 or -1 when the fields overrun.
 */
static int find_name_field(const uint8_t *data, uint32_t len,
			   const uint8_t **name, uint32_t *name_len)
{
	uint32_t pos = 0;
	int field;

	for (field = 0; pos < len; field++) {
		uint32_t field_len;

		if (len - pos < 4)
			return -1;
		field_len = get_le32(data + pos);
		pos += 4;
		if (field_len > len - pos)
			return -1;
		if (field == 1) {
			*name = data + pos;
			*name_len = strnlen((const char *)*name, field_len);
		}
		pos += field_len;
	}
	return 0;
}

int binlog_next_record(const uint8_t *log, size_t size, size_t *pos,
		       struct binlog_record *record, char *err,
		       size_t err_size)
{
	size_t p = *pos;
	size_t rest;
	uint32_t data_len;

	if (p == size)
		return 0;

	memset(record, 0, sizeof(*record));
	record->offset = p;
	rest = size - p;
	if (rest < 4 + BINLOG_SHA1_SIZE + 4) {
		snprintf(err, err_size, "record at byte %zu: truncated header (%zu bytes left)",
			 p, rest);
		return -1;
	}
	record->pcr = get_le32(log + p);
	record->sha1 = log + p + 4;
	record->template_name_len = get_le32(log + p + 4 + BINLOG_SHA1_SIZE);
	p += 4 + BINLOG_SHA1_SIZE + 4;
	if (record->template_name_len > size - p) {
		snprintf(err, err_size, "record at byte %zu: template name length %u overruns the log",
			 record->offset, record->template_name_len);
		return -1;
	}
	record->template_name = (const char *)log + p;
	p += record->template_name_len;

	if (is_ima_template(record->template_name, record->template_name_len)) {
		/* Raw digest, then u32 name length and the name. */
		uint32_t name_len;

		if (size - p < IMA_TEMPLATE_DIGEST_SIZE + 4) {
			snprintf(err, err_size, "record at byte %zu: truncated ima template data",
				 record->offset);
			return -1;
		}
		p += IMA_TEMPLATE_DIGEST_SIZE;
		name_len = get_le32(log + p);
		p += 4;
		if (name_len > size - p) {
			snprintf(err, err_size, "record at byte %zu: ima name length %u overruns the log",
				 record->offset, name_len);
			return -1;
		}
		record->name = log + p;
		record->name_len = name_len;
		p += name_len;
	} else {
		if (size - p < 4) {
			snprintf(err, err_size, "record at byte %zu: truncated template data length",
				 record->offset);
			return -1;
		}
		data_len = get_le32(log + p);
		p += 4;
		if (data_len > size - p) {
			snprintf(err, err_size, "record at byte %zu: template data length %u overruns the log",
				 record->offset, data_len);
			return -1;
		}
		if (find_name_field(log + p, data_len, &record->name,
				    &record->name_len)) {
			snprintf(err, err_size, "record at byte %zu: template fields overrun the template data",
				 record->offset);
			return -1;
		}
		p += data_len;
	}

	record->size = p - record->offset;
	*pos = p;
	return 1;
}
