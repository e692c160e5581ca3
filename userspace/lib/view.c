// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "bank.h"
#include "template.h"
#include "view.h"

void ima_write_hex(FILE *out, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[256];
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		chunk[n++] = digits[data[i] >> 4];
		chunk[n++] = digits[data[i] & 0xf];
		if (n == sizeof(chunk)) {
			fwrite(chunk, 1, n, out);
			n = 0;
		}
	}
	fwrite(chunk, 1, n, out);
}

/* Bytes up to the first NUL, as the kernel's "%s" prints them. */
static size_t c_string_len(const struct ima_field *f)
{
	const uint8_t *nul = memchr(f->data, '\0', f->len);

	return nul ? (size_t)(nul - f->data) : f->len;
}

static uint64_t load_uint(const struct ima_record *rec,
			  const struct ima_field *f)
{
	const uint8_t *p = f->data;
	uint64_t hi, lo;

	switch (f->len) {
	case 1:
		return p[0];
	case 2:
		return ima_load_u16(p, rec->big_endian);
	case 4:
		return ima_load_u32(p, rec->big_endian);
	default:
		hi = ima_load_u32(p + (rec->big_endian ? 0 : 4),
				  rec->big_endian);
		lo = ima_load_u32(p + (rec->big_endian ? 4 : 0),
				  rec->big_endian);
		return hi << 32 | lo;
	}
}

static bool is_uint_len(uint32_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

/* One field as ima_show_template_data_ascii() writes it. */
static void ascii_field(FILE *out, const struct ima_record *rec,
			const struct ima_field *f)
{
	size_t prefix;

	switch (f->id) {
	case IMA_FIELD_D_NG:
	case IMA_FIELD_D_NGV2:
	case IMA_FIELD_D_MODSIG:
		/* "<algo>:" then the digest after the NUL in hex */
		prefix = c_string_len(f);
		fwrite(f->data, 1, prefix, out);
		if (prefix < f->len)
			ima_write_hex(out, f->data + prefix + 1,
				      f->len - prefix - 1);
		break;
	case IMA_FIELD_N:
	case IMA_FIELD_N_NG:
	case IMA_FIELD_XATTRNAMES:
		fwrite(f->data, 1, c_string_len(f), out);
		break;
	case IMA_FIELD_IUID:
	case IMA_FIELD_IGID:
	case IMA_FIELD_IMODE:
		if (is_uint_len(f->len))
			fprintf(out, "%llu",
				(unsigned long long)load_uint(rec, f));
		break;
	default:
		/* d, sig, buf, modsig, evmsig, xattr lengths and values, and
		 * unknown fields (the kernel has none) in hex */
		ima_write_hex(out, f->data, f->len);
		break;
	}
}

int ima_view_ascii(FILE *out, const struct ima_record *rec)
{
	unsigned int i;

	fprintf(out, "%2u ", rec->pcr);
	ima_write_hex(out, rec->digests[0].value, IMA_SHA1_SIZE);
	fprintf(out, " %s", rec->template_name);
	for (i = 0; i < rec->num_fields; i++) {
		fputc(' ', out);
		if (rec->fields[i].len)
			ascii_field(out, rec, &rec->fields[i]);
	}
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}

/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t utf8_sequence(const uint8_t *p, size_t left)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Reject overlong forms, UTF-16 surrogates and code points past
	 * U+10FFFF (RFC 3629). */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

bool ima_is_utf8(const uint8_t *p, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_sequence(p + i, len - i);
		if (n == 0 || p[i] == '\0')
			return false;
		i += n;
	}
	return true;
}

/* A JSON string of valid UTF-8 bytes, escaping what RFC 8259 requires. */
static void json_string(FILE *out, const uint8_t *p, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_hex(FILE *out, const uint8_t *p, size_t len)
{
	fputc('"', out);
	ima_write_hex(out, p, len);
	fputc('"', out);
}

/*
 * Bytes that may not be UTF-8: "key":"text" if they are valid UTF-8,
 * else "key_hex":"hex", so that no byte is lost.
 */
static void json_bytes_member(FILE *out, const char *key, const uint8_t *p,
			      size_t len)
{
	if (ima_is_utf8(p, len)) {
		fprintf(out, ",\"%s\":", key);
		json_string(out, p, len);
	} else {
		fprintf(out, ",\"%s_hex\":", key);
		json_hex(out, p, len);
	}
}

static void json_digest_member(FILE *out, const char *key,
			       const struct ima_record *rec,
			       enum ima_field_id id)
{
	struct ima_file_digest fd;

	fprintf(out, ",\"%s\":", key);
	if (!ima_record_file_digest(rec, id, &fd)) {
		fputs("null", out);
		return;
	}
	fputs("{\"algorithm\":", out);
	json_string(out, (const uint8_t *)fd.algo, fd.algo_len);
	if (fd.type) {
		fputs(",\"type\":", out);
		json_string(out, (const uint8_t *)fd.type, fd.type_len);
	}
	fputs(",\"digest\":", out);
	json_hex(out, fd.value, fd.len);
	fputc('}', out);
}

/* A hex field: null when the template lacks it or it is empty. */
static void json_hex_member(FILE *out, const char *key,
			    const struct ima_record *rec, enum ima_field_id id)
{
	const struct ima_field *f = ima_record_field(rec, id);

	fprintf(out, ",\"%s\":", key);
	if (f && f->len)
		json_hex(out, f->data, f->len);
	else
		fputs("null", out);
}

static void json_uint_member(FILE *out, const char *key,
			     const struct ima_record *rec, enum ima_field_id id)
{
	const struct ima_field *f = ima_record_field(rec, id);

	fprintf(out, ",\"%s\":", key);
	if (f && is_uint_len(f->len))
		fprintf(out, "%llu", (unsigned long long)load_uint(rec, f));
	else
		fputs("null", out);
}

static void json_xattr_members(FILE *out, const struct ima_record *rec)
{
	const struct ima_field *names = ima_record_field(rec,
							  IMA_FIELD_XATTRNAMES);
	const struct ima_field *lengths =
		ima_record_field(rec, IMA_FIELD_XATTRLENGTHS);
	uint32_t i;

	if (names && names->len)
		json_bytes_member(out, "xattr_names", names->data,
				  c_string_len(names));
	else
		fputs(",\"xattr_names\":null", out);

	fputs(",\"xattr_lengths\":", out);
	if (!lengths || lengths->len == 0) {
		fputs("null", out);
	} else {
		for (i = 0; i + 4 <= lengths->len; i += 4)
			fprintf(out, "%c%u", i ? ',' : '[',
				ima_load_u32(lengths->data + i,
					     rec->big_endian));
		fputc(']', out);
	}
	json_hex_member(out, "xattr_values", rec, IMA_FIELD_XATTRVALUES);
}

static void json_template_digests(FILE *out, const struct ima_record *rec)
{
	unsigned int i;

	fputs(",\"template_digests\":{", out);
	for (i = 0; i < rec->num_digests; i++) {
		const struct ima_digest *d = &rec->digests[i];
		const struct ima_bank_info *bank = ima_bank_by_alg(d->tpm_alg);

		if (i)
			fputc(',', out);
		if (bank)
			fprintf(out, "\"%s\":", bank->name);
		else
			fprintf(out, "\"tpm-alg-0x%04x\":", d->tpm_alg);
		json_hex(out, d->value, d->len);
	}
	fputc('}', out);
}

int ima_view_json(FILE *out, const struct ima_record *rec)
{
	const uint8_t *name;
	size_t name_len;
	unsigned int i;

	fprintf(out, "{\"index\":%llu", (unsigned long long)rec->index);
	if (rec->offset != IMA_OFFSET_NONE)
		fprintf(out, ",\"offset\":%llu",
			(unsigned long long)rec->offset);
	else
		fputs(",\"offset\":null", out);
	fprintf(out, ",\"pcr\":%u,\"template\":", rec->pcr);
	json_string(out, (const uint8_t *)rec->template_name,
		    strlen(rec->template_name));
	fputs(",\"template_fmt\":", out);
	if (rec->template_fmt[0])
		json_string(out, (const uint8_t *)rec->template_fmt,
			    strlen(rec->template_fmt));
	else
		fputs("null", out);
	fputs(",\"template_digest\":", out);
	json_hex(out, rec->digests[0].value, rec->digests[0].len);
	json_template_digests(out, rec);
	fprintf(out, ",\"violation\":%s", rec->violation ? "true" : "false");

	if (ima_record_field(rec, IMA_FIELD_D_NGV2))
		json_digest_member(out, "file_digest", rec, IMA_FIELD_D_NGV2);
	else if (ima_record_field(rec, IMA_FIELD_D_NG))
		json_digest_member(out, "file_digest", rec, IMA_FIELD_D_NG);
	else
		json_digest_member(out, "file_digest", rec, IMA_FIELD_D);

	if (ima_record_name(rec, &name, &name_len))
		json_bytes_member(out, "name", name, name_len);
	else
		fputs(",\"name\":null", out);

	json_hex_member(out, "signature", rec, IMA_FIELD_SIG);
	json_hex_member(out, "buffer", rec, IMA_FIELD_BUF);
	json_digest_member(out, "modsig_digest", rec, IMA_FIELD_D_MODSIG);
	json_hex_member(out, "modsig", rec, IMA_FIELD_MODSIG);
	json_hex_member(out, "evmsig", rec, IMA_FIELD_EVMSIG);
	json_xattr_members(out, rec);
	json_uint_member(out, "uid", rec, IMA_FIELD_IUID);
	json_uint_member(out, "gid", rec, IMA_FIELD_IGID);
	json_uint_member(out, "mode", rec, IMA_FIELD_IMODE);

	fputs(",\"fields\":[", out);
	for (i = 0; i < rec->num_fields; i++) {
		const struct ima_field *f = &rec->fields[i];

		fprintf(out, "%s{\"id\":", i ? "," : "");
		if (f->name[0])
			json_string(out, (const uint8_t *)f->name,
				    strlen(f->name));
		else
			fputs("null", out);
		fputs(",\"data\":", out);
		json_hex(out, f->data, f->len);
		fputc('}', out);
	}
	fputs("]}\n", out);
	return ferror(out) ? -1 : 0;
}
