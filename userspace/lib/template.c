// SPDX-License-Identifier: GPL-2.0
/*
 * Template descriptors and template fields, following
 * security/integrity/ima/ima_template.c and ima_template_lib.c (Linux 6.1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "template.h"

struct template_desc {
	const char *name;
	const char *fmt;
};

static const struct template_desc builtin_templates[] = {
	{ "ima", "d|n" },
	{ "ima-ng", "d-ng|n-ng" },
	{ "ima-sig", "d-ng|n-ng|sig" },
	{ "ima-ngv2", "d-ngv2|n-ng" },
	{ "ima-sigv2", "d-ngv2|n-ng|sig" },
	{ "ima-buf", "d-ng|n-ng|buf" },
	{ "ima-modsig", "d-ng|n-ng|sig|d-modsig|modsig" },
	{ "evm-sig",
	  "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode" },
};

static const char *const field_names[] = {
	[IMA_FIELD_UNKNOWN] = "",
	[IMA_FIELD_D] = "d",
	[IMA_FIELD_N] = "n",
	[IMA_FIELD_D_NG] = "d-ng",
	[IMA_FIELD_D_NGV2] = "d-ngv2",
	[IMA_FIELD_N_NG] = "n-ng",
	[IMA_FIELD_SIG] = "sig",
	[IMA_FIELD_BUF] = "buf",
	[IMA_FIELD_D_MODSIG] = "d-modsig",
	[IMA_FIELD_MODSIG] = "modsig",
	[IMA_FIELD_EVMSIG] = "evmsig",
	[IMA_FIELD_IUID] = "iuid",
	[IMA_FIELD_IGID] = "igid",
	[IMA_FIELD_IMODE] = "imode",
	[IMA_FIELD_XATTRNAMES] = "xattrnames",
	[IMA_FIELD_XATTRLENGTHS] = "xattrlengths",
	[IMA_FIELD_XATTRVALUES] = "xattrvalues",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Digest sizes of the kernel's hash_algo_name[] entries (crypto/hash_info.c). */
static const struct {
	const char *name;
	uint32_t size;
} hash_algos[] = {
	{ "md4", 16 }, { "md5", 16 }, { "sha1", 20 }, { "rmd160", 20 },
	{ "sha256", 32 }, { "sha384", 48 }, { "sha512", 64 },
	{ "sha224", 28 }, { "rmd128", 16 }, { "rmd256", 32 },
	{ "rmd320", 40 }, { "wp256", 32 }, { "wp384", 48 }, { "wp512", 64 },
	{ "tgr128", 16 }, { "tgr160", 20 }, { "tgr192", 24 }, { "sm3", 32 },
	{ "streebog256", 32 }, { "streebog512", 64 }, { "sha3-256", 32 },
	{ "sha3-384", 48 }, { "sha3-512", 64 },
};

/* Signature types in the first byte of security.ima / security.evm. */
#define EVM_XATTR_PORTABLE_DIGSIG	5
#define EVM_IMA_XATTR_DIGSIG		3
#define IMA_VERITY_DIGSIG		6

void ima_error_set(struct ima_error *err, const struct ima_record *rec,
		   uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err)
		return;
	if (rec && offset != IMA_OFFSET_NONE)
		n = snprintf(err->msg, sizeof(err->msg),
			     "record %llu at byte %llu: ",
			     (unsigned long long)rec->index,
			     (unsigned long long)offset);
	else if (rec)
		n = snprintf(err->msg, sizeof(err->msg), "record %llu: ",
			     (unsigned long long)rec->index);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		n = 0;

	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

uint32_t ima_load_u32(const uint8_t *p, bool big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

uint16_t ima_load_u16(const uint8_t *p, bool big_endian)
{
	if (big_endian)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

const char *ima_field_id_name(enum ima_field_id id)
{
	if ((size_t)id >= ARRAY_SIZE(field_names))
		return "";
	return field_names[id];
}

enum ima_field_id ima_field_id_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(field_names); i++)
		if (strlen(field_names[i]) == len &&
		    memcmp(field_names[i], name, len) == 0)
			return (enum ima_field_id)i;
	return IMA_FIELD_UNKNOWN;
}

/*
 * Check that fmt is a list of 1 to IMA_FIELDS_MAX field ids of 1 to
 * IMA_FIELD_ID_MAX bytes separated by '|', as template_desc_init_fields()
 * requires. Returns the number of ids, or 0 if fmt breaks that rule.
 */
static unsigned int count_fmt_fields(const char *fmt)
{
	unsigned int count = 0;
	const char *p = fmt;

	for (;;) {
		size_t len = strcspn(p, "|");

		if (len == 0 || len > IMA_FIELD_ID_MAX ||
		    count == IMA_FIELDS_MAX)
			return 0;
		count++;
		if (p[len] == '\0')
			return count;
		p += len + 1;
	}
}

bool ima_template_resolve(struct ima_record *rec, const uint8_t *name,
			  uint32_t len, uint64_t offset, struct ima_error *err)
{
	uint32_t i;

	if (len == 0 || len > IMA_TEMPLATE_NAME_MAX) {
		ima_error_set(err, rec, offset,
			      "template name length %u is outside 1-%u", len,
			      IMA_TEMPLATE_NAME_MAX);
		return false;
	}
	/* Template names and field ids are printable ASCII without spaces. */
	for (i = 0; i < len; i++) {
		if (name[i] <= 0x20 || name[i] >= 0x7f) {
			ima_error_set(err, rec, offset + i,
				      "template name contains byte 0x%02x; names are printable ASCII without spaces",
				      name[i]);
			return false;
		}
	}
	memcpy(rec->template_name, name, len);
	rec->template_name[len] = '\0';
	rec->template_fmt[0] = '\0';
	rec->legacy = strcmp(rec->template_name, "ima") == 0;

	for (i = 0; i < ARRAY_SIZE(builtin_templates); i++) {
		if (strcmp(builtin_templates[i].name, rec->template_name) == 0) {
			strcpy(rec->template_fmt, builtin_templates[i].fmt);
			return true;
		}
	}

	/*
	 * A template given with ima_template_fmt= is named by its field
	 * list. A single unknown word is an unknown template: its fields
	 * are split by their length words and kept raw.
	 */
	if (strchr(rec->template_name, '|') ||
	    ima_field_id_lookup(rec->template_name, len) != IMA_FIELD_UNKNOWN) {
		if (count_fmt_fields(rec->template_name) == 0) {
			ima_error_set(err, rec, offset,
				      "template format \"%s\" is not 1-%u field ids of 1-%u bytes separated by '|'",
				      rec->template_name, IMA_FIELDS_MAX,
				      IMA_FIELD_ID_MAX);
			return false;
		}
		strcpy(rec->template_fmt, rec->template_name);
	}
	return true;
}

static uint64_t offset_add(uint64_t base, uint64_t delta)
{
	return base == IMA_OFFSET_NONE ? IMA_OFFSET_NONE : base + delta;
}

static bool find_nul(const struct ima_field *f, uint32_t *pos)
{
	const uint8_t *nul = memchr(f->data, '\0', f->len);

	if (!nul)
		return false;
	*pos = (uint32_t)(nul - f->data);
	return true;
}

static bool is_algo_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

static bool check_word(const uint8_t *p, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!is_algo_char(p[i]))
			return false;
	return true;
}

static uint32_t algo_size(const uint8_t *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hash_algos); i++)
		if (strlen(hash_algos[i].name) == len &&
		    memcmp(hash_algos[i].name, name, len) == 0)
			return hash_algos[i].size;
	return 0;
}

/*
 * Decode "<algo>:" NUL digest (d-ng, d-modsig) or "<type>:<algo>:" NUL
 * digest (d-ngv2). Returns NULL on success or the broken rule.
 */
static const char *decode_prefixed_digest(const struct ima_field *f,
					  bool with_type,
					  struct ima_file_digest *fd)
{
	uint32_t nul, size;
	const uint8_t *colon;

	memset(fd, 0, sizeof(*fd));
	if (!find_nul(f, &nul))
		return "has no NUL after its algorithm prefix";
	if (nul < 2 || f->data[nul - 1] != ':')
		return "prefix does not end in ':' before the NUL";

	fd->algo = (const char *)f->data;
	fd->algo_len = nul - 1;
	if (with_type) {
		colon = memchr(f->data, ':', nul - 1);
		if (!colon)
			return "prefix is not <type>:<algorithm>:";
		fd->type = (const char *)f->data;
		fd->type_len = (size_t)(colon - f->data);
		fd->algo = (const char *)colon + 1;
		fd->algo_len = nul - 1 - fd->type_len - 1;
		if (!check_word(f->data, fd->type_len))
			return "digest type is empty or not [a-z0-9_-]";
	}
	if (!check_word((const uint8_t *)fd->algo, fd->algo_len))
		return "algorithm name is empty or not [a-z0-9_-]";

	fd->value = f->data + nul + 1;
	fd->len = f->len - nul - 1;
	size = algo_size((const uint8_t *)fd->algo, fd->algo_len);
	if (fd->len == 0 || (size && fd->len != size))
		return "digest length does not match its algorithm";
	return NULL;
}

/* Names are C strings: one NUL, at the end (no NUL in legacy "ima"). */
static const char *check_name(const struct ima_record *rec,
			      const struct ima_field *f)
{
	uint32_t nul;
	bool has_nul = find_nul(f, &nul);

	if (rec->legacy && f->id == IMA_FIELD_N) {
		if (has_nul)
			return "contains a NUL byte";
		if (f->len > IMA_EVENT_NAME_LEN_MAX)
			return "is longer than 255 bytes";
		return NULL;
	}
	if (!has_nul || nul != f->len - 1)
		return "is not one NUL-terminated string";
	if (f->id == IMA_FIELD_N && f->len > IMA_EVENT_NAME_LEN_MAX + 1)
		return "is longer than 255 bytes";
	return NULL;
}

static const char *check_field_rule(const struct ima_record *rec,
				    const struct ima_field *f)
{
	struct ima_file_digest fd;

	switch (f->id) {
	case IMA_FIELD_D:
		/* A SHA-1 or MD5 digest, zeros for a violation. */
		if (f->len != 20 && f->len != 16)
			return "is not a 20-byte SHA-1 or 16-byte MD5 digest";
		return NULL;
	case IMA_FIELD_D_NG:
		if (f->len == 0)
			return "is empty";
		return decode_prefixed_digest(f, false, &fd);
	case IMA_FIELD_D_MODSIG:
		/* Empty when the file has no appended signature. */
		if (f->len == 0)
			return NULL;
		return decode_prefixed_digest(f, false, &fd);
	case IMA_FIELD_D_NGV2:
		if (f->len == 0)
			return "is empty";
		return decode_prefixed_digest(f, true, &fd);
	case IMA_FIELD_N:
	case IMA_FIELD_N_NG:
		if (f->len == 0)
			return "is empty";
		return check_name(rec, f);
	case IMA_FIELD_SIG:
		/* security.ima signatures (3, 6) or a portable EVM one (5). */
		if (f->len && f->data[0] != EVM_IMA_XATTR_DIGSIG &&
		    f->data[0] != IMA_VERITY_DIGSIG &&
		    f->data[0] != EVM_XATTR_PORTABLE_DIGSIG)
			return "does not start with signature type 3, 5 or 6";
		return NULL;
	case IMA_FIELD_EVMSIG:
		if (f->len && f->data[0] != EVM_XATTR_PORTABLE_DIGSIG)
			return "does not start with signature type 5";
		return NULL;
	case IMA_FIELD_IUID:
	case IMA_FIELD_IGID:
		if (f->len != 0 && f->len != 4)
			return "is not empty or 4 bytes";
		return NULL;
	case IMA_FIELD_IMODE:
		if (f->len != 0 && f->len != 2)
			return "is not empty or 2 bytes";
		return NULL;
	case IMA_FIELD_XATTRNAMES:
		if (f->len == 0)
			return NULL;
		return check_name(rec, f);
	case IMA_FIELD_XATTRLENGTHS:
		if (f->len % 4)
			return "is not a list of 4-byte lengths";
		return NULL;
	default:
		/* buf, modsig, xattrvalues and unknown fields: any bytes. */
		return NULL;
	}
}

bool ima_field_check(const struct ima_record *rec,
		     const struct ima_field *field, uint64_t offset,
		     struct ima_error *err)
{
	const char *broken = check_field_rule(rec, field);

	if (!broken)
		return true;
	ima_error_set(err, rec, offset, "field %u (%s) %s",
		      (unsigned int)(field - rec->fields),
		      field->name[0] ? field->name : "unknown", broken);
	return false;
}

/* evm-sig: one length per xattr name, and the values fill xattrvalues. */
static bool check_xattrs(const struct ima_record *rec, uint64_t offset,
			 struct ima_error *err)
{
	const struct ima_field *names, *lengths, *values;
	uint64_t total = 0;
	uint32_t count = 0, i;

	names = ima_record_field(rec, IMA_FIELD_XATTRNAMES);
	lengths = ima_record_field(rec, IMA_FIELD_XATTRLENGTHS);
	values = ima_record_field(rec, IMA_FIELD_XATTRVALUES);
	if (!names || !lengths || !values)
		return true;

	if (names->len) {
		count = 1;
		for (i = 0; i < names->len; i++)
			count += names->data[i] == '|';
	}
	if (lengths->len / 4 != count) {
		ima_error_set(err, rec, offset_add(offset, lengths->data_offset),
			      "xattrlengths holds %u lengths for %u xattr names",
			      lengths->len / 4, count);
		return false;
	}
	for (i = 0; i < lengths->len; i += 4)
		total += ima_load_u32(lengths->data + i, rec->big_endian);
	if (total != values->len) {
		ima_error_set(err, rec, offset_add(offset, values->data_offset),
			      "xattrlengths add up to %llu bytes but xattrvalues holds %u",
			      (unsigned long long)total, values->len);
		return false;
	}
	return true;
}

bool ima_template_split(struct ima_record *rec, uint64_t data_offset,
			struct ima_error *err)
{
	const char *fmt = rec->template_fmt;
	uint64_t base = offset_add(rec->offset, data_offset);
	uint32_t pos = 0;
	unsigned int expected = fmt[0] ? count_fmt_fields(fmt) : 0;
	unsigned int i;

	rec->num_fields = 0;
	while (pos < rec->data_len) {
		struct ima_field *f = &rec->fields[rec->num_fields];
		size_t id_len;

		if (rec->num_fields == (expected ? expected : IMA_FIELDS_MAX)) {
			ima_error_set(err, rec, offset_add(base, pos),
				      "template data continues for %u bytes after its %u fields",
				      rec->data_len - pos, rec->num_fields);
			return false;
		}
		if (rec->data_len - pos < 4) {
			ima_error_set(err, rec, offset_add(base, pos),
				      "field %u length word is cut off by the end of the template data",
				      rec->num_fields);
			return false;
		}
		f->len = ima_load_u32(rec->data + pos, rec->big_endian);
		pos += 4;
		if (f->len > rec->data_len - pos) {
			ima_error_set(err, rec, offset_add(base, pos - 4),
				      "field %u length %u exceeds the %u bytes left in the template data",
				      rec->num_fields, f->len,
				      rec->data_len - pos);
			return false;
		}
		f->data = rec->data + pos;
		f->data_offset = (uint32_t)data_offset + pos;
		pos += f->len;

		f->id = IMA_FIELD_UNKNOWN;
		f->name[0] = '\0';
		if (expected) {
			id_len = strcspn(fmt, "|");
			memcpy(f->name, fmt, id_len);
			f->name[id_len] = '\0';
			f->id = ima_field_id_lookup(fmt, id_len);
			fmt += id_len + (fmt[id_len] == '|');
		}
		rec->num_fields++;
	}
	if (expected && rec->num_fields != expected) {
		ima_error_set(err, rec, offset_add(base, rec->data_len),
			      "template %s has %u fields but the template data holds %u",
			      rec->template_name, expected, rec->num_fields);
		return false;
	}

	for (i = 0; i < rec->num_fields; i++) {
		const struct ima_field *f = &rec->fields[i];
		uint64_t at = offset_add(rec->offset, f->data_offset);

		if (!ima_field_check(rec, f, at, err))
			return false;
	}
	return check_xattrs(rec, rec->offset, err);
}

const struct ima_field *ima_record_field(const struct ima_record *rec,
					 enum ima_field_id id)
{
	unsigned int i;

	for (i = 0; i < rec->num_fields; i++)
		if (rec->fields[i].id == id)
			return &rec->fields[i];
	return NULL;
}

bool ima_record_file_digest(const struct ima_record *rec,
			    enum ima_field_id id, struct ima_file_digest *fd)
{
	const struct ima_field *f = ima_record_field(rec, id);

	memset(fd, 0, sizeof(*fd));
	if (!f || f->len == 0)
		return false;
	if (id == IMA_FIELD_D) {
		fd->algo = f->len == 16 ? "md5" : "sha1";
		fd->algo_len = strlen(fd->algo);
		fd->value = f->data;
		fd->len = f->len;
		return true;
	}
	return decode_prefixed_digest(f, id == IMA_FIELD_D_NGV2, fd) == NULL;
}

bool ima_record_name(const struct ima_record *rec, const uint8_t **name,
		     size_t *len)
{
	const struct ima_field *f = ima_record_field(rec, IMA_FIELD_N_NG);

	if (!f)
		f = ima_record_field(rec, IMA_FIELD_N);
	if (!f)
		return false;
	*name = f->data;
	/* Checked fields end in their NUL, except the legacy binary "n". */
	*len = (f->len && f->data[f->len - 1] == '\0') ? f->len - 1 : f->len;
	return true;
}
