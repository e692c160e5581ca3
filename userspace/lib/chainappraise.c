// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "binlog.h"
#include "chainappraise.h"
#include "ear.h"
#include "jws.h"
#include "view.h"

bool chain_appraisal_init(struct chain_appraisal *ca, const struct refset *rs,
			  bool violations_warn)
{
	struct appraise_options opt = { .violations_warn = violations_warn };

	memset(ca, 0, sizeof(*ca));
	ca->rs = rs;
	ca->violations_warn = violations_warn;
	return appraise_init(&ca->a, &rs->refs,
			     rs->set.name ? &rs->set : NULL, &opt);
}

void chain_appraisal_free(struct chain_appraisal *ca)
{
	appraise_free(&ca->a);
	memset(ca, 0, sizeof(*ca));
}

bool chain_appraise_batch(struct chain_appraisal *ca,
			  const struct evidence *ev,
			  const struct verify_result *res,
			  struct batch_appraisal *out, struct ima_error *err)
{
	uint64_t before[VERDICT_COUNT];
	struct ima_binlog log;
	struct ima_record rec;
	enum ima_read_status st;
	bool verified = res && !res->failed_check;
	size_t v;

	if (ev->batch.first_index != ca->next_index) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the batch starts at entry %llu, but the appraisal has judged the entries before %llu",
			      (unsigned long long)ev->batch.first_index,
			      (unsigned long long)ca->next_index);
		return false;
	}
	memset(out, 0, sizeof(*out));
	out->first_index = ev->batch.first_index;
	out->first_finding = ca->a.num_findings;
	memcpy(before, ca->a.counts, sizeof(before));
	if (!verified)
		appraise_evidence_failed(&ca->a,
					 res ? res->failed_check : "verify",
					 res ? res->err.msg : "the batch was not verified");
	/* PCRs 0-9 are the same in every batch of a boot. */
	ca->a.opt.quoted = verified ? &res->pcrs.values : NULL;

	ima_binlog_open_mem(&log, ev->log, ev->log_len, ev->batch.big_endian);
	log.index = ev->batch.first_index;
	while ((st = ima_binlog_next(&log, &rec, err)) == IMA_READ_RECORD) {
		if (!appraise_record(&ca->a, &rec)) {
			st = IMA_READ_IO_ERROR;
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "out of memory");
			break;
		}
		out->entries++;
	}
	ima_binlog_close(&log);
	ca->a.opt.quoted = NULL;
	ca->next_index = ev->batch.first_index + out->entries;
	if (st != IMA_READ_END)
		return false;

	if (!appraise_finish(&ca->a)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	for (v = 0; v < VERDICT_COUNT; v++) {
		out->counts[v] = ca->a.counts[v] - before[v];
		if (!appraise_verdict_passes((enum appraise_verdict)v))
			out->failing += out->counts[v];
	}
	out->status = appraise_status(&ca->a);
	return true;
}

static void hex_string(const uint8_t *data, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", data[i]);
	out[2 * len] = 0;
}

static json_object *json_path(const char *name, size_t len)
{
	char *hex;
	json_object *s;

	if (ima_is_utf8((const uint8_t *)name, len))
		return json_object_new_string_len(name, (int)len);
	hex = malloc(2 * len + 1);
	if (!hex)
		return NULL;
	hex_string((const uint8_t *)name, len, hex);
	s = json_object_new_string(hex);
	free(hex);
	return s;
}

static json_object *json_failing(const struct chain_appraisal *ca,
				 const struct batch_appraisal *b,
				 size_t max_listed)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = b->first_finding;
	     arr && i < ca->a.num_findings && i - b->first_finding < max_listed;
	     i++) {
		const struct appraise_finding *f = &ca->a.findings[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "index",
				       json_object_new_int64((int64_t)f->index));
		json_object_object_add(e, ima_is_utf8((uint8_t *)f->path,
						      f->path_len) ?
					  "path" : "path_hex",
				       json_path(f->path, f->path_len));
		json_object_object_add(e, "verdict",
				       json_object_new_string(appraise_verdict_name(f->verdict)));
		json_object_object_add(e, "reason",
				       json_object_new_string(f->reason));
		json_object_array_add(arr, e);
	}
	return arr;
}

char *batch_appraisal_json(const struct chain_appraisal *ca,
			   const struct batch_appraisal *b, size_t max_listed,
			   struct ima_error *err)
{
	json_object *root = json_object_new_object();
	json_object *verdicts = json_object_new_object();
	json_object *claims = json_object_new_object();
	char policy[8 + 64 + 1];
	const char *text;
	char *out = NULL;
	int i;

	if (!root || !verdicts || !claims)
		goto out;
	json_object_object_add(root, "status", json_object_new_string(b->status));
	json_object_object_add(root, "first_index",
			       json_object_new_int64((int64_t)b->first_index));
	json_object_object_add(root, "entries",
			       json_object_new_int64((int64_t)b->entries));
	json_object_object_add(root, "failing",
			       json_object_new_int64((int64_t)b->failing));
	for (i = 0; i < VERDICT_COUNT; i++)
		if (b->counts[i])
			json_object_object_add(verdicts,
					       appraise_verdict_name((enum appraise_verdict)i),
					       json_object_new_int64((int64_t)b->counts[i]));
	json_object_object_add(root, "verdicts", verdicts);
	verdicts = NULL;
	json_object_object_add(root, "chain_entries",
			       json_object_new_int64((int64_t)ca->a.entries));
	json_object_object_add(root, "chain_failing",
			       json_object_new_int64((int64_t)ca->a.num_findings));
	for (i = 0; i < CLAIM_COUNT; i++)
		if (ca->a.claims[i])
			json_object_object_add(claims,
					       ar4si_claim_name((enum ar4si_claim)i),
					       json_object_new_int(ca->a.claims[i]));
	json_object_object_add(root, "trustworthiness_vector", claims);
	claims = NULL;
	memcpy(policy, "sha256:", 7);
	hex_string(ca->rs->policy_id, 32, policy + 7);
	json_object_object_add(root, "policy_id", json_object_new_string(policy));
	if (ca->a.evidence_failed)
		json_object_object_add(root, "evidence_error",
				       json_object_new_string(ca->a.evidence_reason));
	json_object_object_add(root, "failing_entries",
			       json_failing(ca, b, max_listed));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	out = text ? strdup(text) : NULL;
out:
	json_object_put(root);
	json_object_put(verdicts);
	json_object_put(claims);
	if (!out)
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "encoding the appraisal result failed: out of memory");
	return out;
}

/* Append a name to out, bytes outside printable ASCII as \xHH. */
static size_t put_name(char *out, size_t size, size_t pos, const char *name,
		       size_t len)
{
	size_t i;

	for (i = 0; i < len && pos + 5 < size; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			pos += (size_t)snprintf(out + pos, size - pos, "\\x%02x", c);
		else
			out[pos++] = (char)c;
	}
	out[pos] = 0;
	return pos;
}

static size_t put_text(char *out, size_t size, size_t pos, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

static size_t put_text(char *out, size_t size, size_t pos, const char *fmt,
		       ...)
{
	va_list ap;
	int n;

	if (pos >= size)
		return pos;
	va_start(ap, fmt);
	n = vsnprintf(out + pos, size - pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pos;
	return pos + (size_t)n < size ? pos + (size_t)n : size - 1;
}

void batch_appraisal_summary(const struct chain_appraisal *ca,
			     const struct batch_appraisal *b,
			     size_t max_listed, char *out, size_t size)
{
	const char *sep = " (";
	size_t pos, i;
	int v;

	pos = put_text(out, size, 0, "appraisal %s: %llu of %llu entries fail",
		       b->status, (unsigned long long)b->failing,
		       (unsigned long long)b->entries);
	for (v = 0; v < VERDICT_COUNT; v++) {
		if (!b->counts[v] ||
		    appraise_verdict_passes((enum appraise_verdict)v))
			continue;
		pos = put_text(out, size, pos, "%s%s %llu", sep,
			       appraise_verdict_name((enum appraise_verdict)v),
			       (unsigned long long)b->counts[v]);
		sep = ", ";
	}
	if (b->failing)
		pos = put_text(out, size, pos, ")");
	for (i = b->first_finding;
	     i < ca->a.num_findings && i - b->first_finding < max_listed; i++) {
		const struct appraise_finding *f = &ca->a.findings[i];

		pos = put_text(out, size, pos, "%s",
			       i == b->first_finding ? ": " : ", ");
		pos = put_name(out, size, pos, f->path,
			       f->path_len < 120 ? f->path_len : 120);
		pos = put_text(out, size, pos, " (%s)",
			       appraise_verdict_name(f->verdict));
	}
	if (b->failing > max_listed)
		pos = put_text(out, size, pos, ", ...");
	pos = put_text(out, size, pos, "; since the chain began %zu of %llu entries fail",
		       ca->a.num_findings, (unsigned long long)ca->a.entries);
	if (ca->a.evidence_failed)
		put_text(out, size, pos, "; %s", ca->a.evidence_reason);
}

bool chain_appraisal_ear(const struct chain_appraisal *ca, EVP_PKEY *key,
			 const uint8_t *nonce, size_t nonce_len,
			 char **token, struct ima_error *err)
{
	struct ear_params p = {
		.iat = time(NULL),
		.nonce = nonce,
		.nonce_len = nonce_len,
		.policy_id = ca->rs->policy_id,
	};
	char *claims = ear_encode(&ca->a, &p, err);
	bool ok;

	if (!claims)
		return false;
	ok = jws_sign_es256(key, claims, strlen(claims), token, err);
	free(claims);
	return ok;
}
