// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64url.h"
#include "evidence.h"
#include "fileio.h"

/* Nesting of the batch description is 3; anything deeper is malformed. */
#define JSON_DEPTH_MAX	8

static char *hex_string(const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(2 * len + 1);
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = 0;
	return out;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Lowercase hex of exactly len bytes. */
static bool parse_hex(const char *text, uint8_t *out, size_t len)
{
	size_t i;

	if (strlen(text) != 2 * len)
		return false;
	for (i = 0; i < len; i++) {
		int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool add_string(json_object *obj, const char *key, const char *value)
{
	json_object *s = json_object_new_string(value);

	return s && json_object_object_add(obj, key, s) == 0;
}

static bool add_hex(json_object *obj, const char *key, const uint8_t *data,
		    size_t len)
{
	char *hex = hex_string(data, len);
	bool ok = hex && add_string(obj, key, hex);

	free(hex);
	return ok;
}

static json_object *encode_batch(const struct evidence_batch *b)
{
	json_object *obj = json_object_new_object();
	json_object *start = json_object_new_object();
	unsigned int i;
	bool ok = obj && start;

	ok = ok && json_object_object_add(obj, "version",
					  json_object_new_int(EVIDENCE_VERSION)) == 0;
	ok = ok && json_object_object_add(obj, "first_index",
					  json_object_new_int64((int64_t)b->first_index)) == 0;
	ok = ok && json_object_object_add(obj, "entries",
					  json_object_new_int64((int64_t)b->entries)) == 0;
	ok = ok && add_string(obj, "byte_order",
			      b->big_endian ? "big" : "little");
	for (i = 0; ok && i < IMA_BANK_COUNT; i++)
		if (b->start_banks & (1U << i))
			ok = add_hex(start, ima_banks[i].name,
				     b->start_pcr10[i], ima_banks[i].size);
	ok = ok && json_object_object_add(obj, "start_pcr10", start) == 0;
	if (!ok && start && !json_object_object_get_ex(obj, "start_pcr10", NULL))
		json_object_put(start);
	ok = ok && add_hex(obj, "ak_name", b->ak_name, b->ak_name_len);
	ok = ok && add_string(obj, "boot_id", b->boot_id);
	ok = ok && add_string(obj, "kernel_release", b->kernel_release);
	ok = ok && add_string(obj, "hostname", b->hostname);
	ok = ok && add_string(obj, "time", b->time);
	ok = ok && add_string(obj, "source", b->source);
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/*
 * The collection is written by hand: its keys and media types are fixed
 * and base64url needs no escaping, while json-c's serializer spends most
 * of a large batch's encoding time scanning the log's string for escapes.
 */
static bool write_record(FILE *out, const char *key, const char *type,
			 const uint8_t *data, size_t len)
{
	char *value = b64url_encode(data, len);
	bool ok = value && fprintf(out, ",\n  \"%s\": [\"%s\", \"%s\", %d]",
				   key, type, value, CMW_IND_EVIDENCE) > 0;

	free(value);
	return ok;
}

char *evidence_encode(const struct evidence *ev, struct ima_error *err)
{
	json_object *batch = encode_batch(&ev->batch);
	const char *batch_text = NULL;
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	bool ok = out && batch;

	if (ok)
		batch_text = json_object_to_json_string_ext(batch,
							    JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	ok = ok && batch_text &&
	     fprintf(out, "{\n  \"__cmwc_t\": \"%s\"",
		     EVIDENCE_COLLECTION_TYPE) > 0 &&
	     write_record(out, "attest", EVIDENCE_TYPE_ATTEST, ev->attest,
			  ev->attest_len) &&
	     write_record(out, "signature", EVIDENCE_TYPE_SIGNATURE,
			  ev->signature, ev->signature_len) &&
	     write_record(out, "pcrs", EVIDENCE_TYPE_PCRS, ev->pcrs,
			  ev->pcrs_len) &&
	     write_record(out, "log", EVIDENCE_TYPE_LOG, ev->log,
			  ev->log_len) &&
	     write_record(out, "batch", EVIDENCE_TYPE_BATCH,
			  (const uint8_t *)batch_text, strlen(batch_text)) &&
	     fprintf(out, "\n}\n") > 0;
	if (out && fclose(out) != 0)
		ok = false;
	if (!ok) {
		free(text);
		text = NULL;
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "encoding the evidence document failed: out of memory");
	}
	json_object_put(batch);
	return text;
}

static json_object *parse_json(const char *text, size_t len,
			       const char *what, struct ima_error *err)
{
	json_tokener *tok = json_tokener_new_ex(JSON_DEPTH_MAX);
	json_object *obj = NULL;
	enum json_tokener_error jerr;

	if (!tok || len > INT32_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: cannot parse %zu bytes", what, len);
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	/* Only whitespace may follow the document. */
	if (obj && jerr == json_tokener_success) {
		size_t pos = json_tokener_get_parse_end(tok);

		while (pos < len && strchr(" \t\r\n", text[pos]))
			pos++;
		if (pos == len)
			goto out;
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: data follows the JSON value at byte %zu",
			      what, pos);
	} else {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s: invalid JSON at byte %zu: %s", what,
			      json_tokener_get_parse_end(tok),
			      jerr == json_tokener_continue
				      ? "the document ends early"
				      : json_tokener_error_desc(jerr));
	}
	json_object_put(obj);
	obj = NULL;
out:
	json_tokener_free(tok);
	return obj;
}

/* Decode the CMW record at key: [type, base64url value, indicator]. */
static bool get_record(json_object *top, const char *key, const char *type,
		       uint8_t **data, size_t *len, struct ima_error *err)
{
	json_object *rec, *t, *v, *ind;
	const char *text;

	if (!json_object_object_get_ex(top, key, &rec) ||
	    !json_object_is_type(rec, json_type_array)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: member \"%s\" is missing or not a CMW record",
			      key);
		return false;
	}
	if (json_object_array_length(rec) != 3) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: member \"%s\" has %zu elements, expected 3 (type, value, indicator)",
			      key, json_object_array_length(rec));
		return false;
	}
	t = json_object_array_get_idx(rec, 0);
	v = json_object_array_get_idx(rec, 1);
	ind = json_object_array_get_idx(rec, 2);
	if (!json_object_is_type(t, json_type_string) ||
	    strcmp(json_object_get_string(t), type) != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: member \"%s\" does not have media type %s",
			      key, type);
		return false;
	}
	if (!json_object_is_type(ind, json_type_int) ||
	    json_object_get_int64(ind) != CMW_IND_EVIDENCE) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: member \"%s\" is not flagged as evidence (indicator %d)",
			      key, CMW_IND_EVIDENCE);
		return false;
	}
	if (!json_object_is_type(v, json_type_string)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: the value of member \"%s\" is not a string",
			      key);
		return false;
	}
	text = json_object_get_string(v);
	if (!b64url_decode(text, (size_t)json_object_get_string_len(v), data,
			   len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: the value of member \"%s\" is not unpadded base64url",
			      key);
		return false;
	}
	return true;
}

static bool get_string(json_object *obj, const char *key, char *out,
		       size_t size, struct ima_error *err)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= size ||
	    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"%s\" is missing, not a string, contains NUL or is longer than %zu bytes",
			      key, size - 1);
		return false;
	}
	memcpy(out, json_object_get_string(v),
	       (size_t)json_object_get_string_len(v) + 1);
	return true;
}

static bool get_count(json_object *obj, const char *key, uint64_t *out,
		      struct ima_error *err)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < 0 || n == INT64_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"%s\" is missing or not an integer from 0 to 2^63-2",
			      key);
		return false;
	}
	*out = (uint64_t)n;
	return true;
}

static bool decode_start(json_object *obj, struct evidence_batch *b,
			 struct ima_error *err)
{
	json_object *start;

	if (!json_object_object_get_ex(obj, "start_pcr10", &start) ||
	    !json_object_is_type(start, json_type_object)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"start_pcr10\" is missing or not an object");
		return false;
	}
	json_object_object_foreach(start, name, value) {
		const struct ima_bank_info *bank =
			ima_bank_by_name(name, strlen(name));

		if (!bank || !json_object_is_type(value, json_type_string) ||
		    !parse_hex(json_object_get_string(value),
			       b->start_pcr10[ima_bank_index(bank)],
			       bank->size)) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "batch: start_pcr10 \"%s\" is not a known bank with a lowercase hex value of its size",
				      name);
			return false;
		}
		b->start_banks |= 1U << ima_bank_index(bank);
	}
	return true;
}

static bool decode_batch(const uint8_t *text, size_t len,
			 struct evidence_batch *b, struct ima_error *err)
{
	json_object *obj = parse_json((const char *)text, len, "batch", err);
	json_object *v;
	char order[8], name_hex[2 * sizeof(b->ak_name) + 1];
	bool ok = false;

	memset(b, 0, sizeof(*b));
	if (!obj)
		return false;
	if (!json_object_is_type(obj, json_type_object)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(obj, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != EVIDENCE_VERSION) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"version\" is missing or not %d",
			      EVIDENCE_VERSION);
		goto out;
	}
	if (!get_count(obj, "first_index", &b->first_index, err) ||
	    !get_count(obj, "entries", &b->entries, err) ||
	    !get_string(obj, "byte_order", order, sizeof(order), err) ||
	    !decode_start(obj, b, err) ||
	    !get_string(obj, "ak_name", name_hex, sizeof(name_hex), err) ||
	    !get_string(obj, "boot_id", b->boot_id, sizeof(b->boot_id), err) ||
	    !get_string(obj, "kernel_release", b->kernel_release,
			sizeof(b->kernel_release), err) ||
	    !get_string(obj, "hostname", b->hostname, sizeof(b->hostname),
			err) ||
	    !get_string(obj, "time", b->time, sizeof(b->time), err) ||
	    !get_string(obj, "source", b->source, sizeof(b->source), err))
		goto out;
	if (strcmp(order, "little") != 0 && strcmp(order, "big") != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"byte_order\" is \"%s\", not \"little\" or \"big\"",
			      order);
		goto out;
	}
	b->big_endian = strcmp(order, "big") == 0;
	b->ak_name_len = strlen(name_hex) / 2;
	if (!parse_hex(name_hex, b->ak_name, b->ak_name_len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "batch: \"ak_name\" is not lowercase hex");
		goto out;
	}
	ok = true;
out:
	json_object_put(obj);
	return ok;
}

bool evidence_decode(const char *json, size_t len, struct evidence *ev,
		     struct ima_error *err)
{
	json_object *top = parse_json(json, len, "evidence", err);
	json_object *type;
	uint8_t *batch = NULL;
	size_t batch_len = 0;
	bool ok = false;

	memset(ev, 0, sizeof(*ev));
	if (!top)
		return false;
	if (!json_object_is_type(top, json_type_object)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: not a JSON object (a CMW collection)");
		goto out;
	}
	if (!json_object_object_get_ex(top, "__cmwc_t", &type) ||
	    !json_object_is_type(type, json_type_string) ||
	    strcmp(json_object_get_string(type), EVIDENCE_COLLECTION_TYPE)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "evidence: \"__cmwc_t\" is missing or not \"%s\"",
			      EVIDENCE_COLLECTION_TYPE);
		goto out;
	}
	ok = get_record(top, "attest", EVIDENCE_TYPE_ATTEST, &ev->attest,
			&ev->attest_len, err) &&
	     get_record(top, "signature", EVIDENCE_TYPE_SIGNATURE,
			&ev->signature, &ev->signature_len, err) &&
	     get_record(top, "pcrs", EVIDENCE_TYPE_PCRS, &ev->pcrs,
			&ev->pcrs_len, err) &&
	     get_record(top, "log", EVIDENCE_TYPE_LOG, &ev->log, &ev->log_len,
			err) &&
	     get_record(top, "batch", EVIDENCE_TYPE_BATCH, &batch, &batch_len,
			err) &&
	     decode_batch(batch, batch_len, &ev->batch, err);
out:
	free(batch);
	json_object_put(top);
	if (!ok)
		evidence_free(ev);
	return ok;
}

bool evidence_read(const char *path, struct evidence *ev,
		   struct ima_error *err)
{
	uint8_t *text = NULL;
	size_t len = 0;
	bool ok;

	memset(ev, 0, sizeof(*ev));
	if (!ima_read_file(path, EVIDENCE_MAX, &text, &len, err))
		return false;
	ok = evidence_decode((const char *)text, len, ev, err);
	if (!ok) {
		struct ima_error inner = *err;

		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: %s", path,
			      inner.msg);
	}
	free(text);
	return ok;
}

void evidence_free(struct evidence *ev)
{
	free(ev->attest);
	free(ev->signature);
	free(ev->pcrs);
	free(ev->log);
	ev->attest = ev->signature = ev->pcrs = ev->log = NULL;
}
