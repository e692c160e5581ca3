// SPDX-License-Identifier: GPL-2.0
/* The report and the posture summary of an appraisal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "appraise_report.h"
#include "view.h"

/* A name for a terminal: bytes outside printable ASCII as \xHH. */
static void print_name(FILE *out, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '\\')
			fputs("\\\\", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

void appraise_report_text(FILE *out, const struct appraise *a,
			  const struct appraise_input_info *info)
{
	const char *sep;
	size_t i;
	int c, v;

	if (a->evidence_failed)
		fprintf(out, "EVIDENCE FAILED: %s\n", a->evidence_reason);
	fprintf(out, "failing entries: %zu of %llu\n", a->num_findings,
		(unsigned long long)a->entries);
	for (i = 0; i < a->num_findings; i++) {
		const struct appraise_finding *f = &a->findings[i];

		fprintf(out, "  %6llu  ", (unsigned long long)f->index);
		print_name(out, f->path, f->path_len);
		fprintf(out, "  %s: %s%s\n", appraise_verdict_name(f->verdict),
			f->reason, f->currently_good ? " (currently good)" : "");
	}
	if (a->set) {
		fprintf(out, "set %s: %s\n", a->set->name,
			a->set->title ? a->set->title : "");
		for (i = 0; i < a->set->num_controls; i++) {
			const struct bench_control *ctl = &a->set->controls[i];
			const struct control_result *r = &a->controls[i];

			fprintf(out, "  %-4s %-10s %s (%s)%s%s\n",
				r->failed ? "FAIL" : "pass", ctl->id, ctl->title,
				bench_status_name(r->status),
				r->reason ? ": " : "", r->reason ? r->reason : "");
		}
	}
	fprintf(out, "verdicts:");
	for (v = 0, sep = " "; v < VERDICT_COUNT; v++) {
		if (!a->counts[v])
			continue;
		fprintf(out, "%s%s %llu", sep,
			appraise_verdict_name((enum appraise_verdict)v),
			(unsigned long long)a->counts[v]);
		sep = ", ";
	}
	fprintf(out, "\nclaims:");
	for (c = 0; c < CLAIM_COUNT; c++)
		if (a->claims[c])
			fprintf(out, " %s %d", ar4si_claim_name((enum ar4si_claim)c),
				a->claims[c]);
	if (info->log_digest) {
		fprintf(out, "\nlog sha256: ");
		ima_write_hex(out, info->log_digest, APPRAISE_LOG_DIGEST_SIZE);
	}
	fprintf(out, "\nstatus: %s\n", appraise_status(a));
}

static json_object *json_name(const char *name, size_t len)
{
	char *hex;
	json_object *s;
	size_t i;

	if (ima_is_utf8((const uint8_t *)name, len))
		return json_object_new_string_len(name, (int)len);
	hex = malloc(2 * len + 1);
	if (!hex)
		return NULL;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)name[i]);
	s = json_object_new_string(hex);
	free(hex);
	return s;
}

static json_object *json_hex(const uint8_t *p, size_t len)
{
	char hex[2 * IMA_DIGEST_MAX + 1];
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[2 * len] = '\0';
	return json_object_new_string(hex);
}

char *appraise_report_json(const struct appraise *a,
			   const struct appraise_input_info *info)
{
	json_object *root = json_object_new_object(), *arr, *pcrs;
	const char *text;
	char *out;
	size_t i;
	int c;

	if (!root)
		return NULL;
	if (a->set) {
		json_object_object_add(root, "set", json_object_new_string(a->set->name));
		arr = json_object_new_array();
		for (i = 0; i < a->set->num_controls; i++) {
			json_object *ctl = json_object_new_object();
			const struct control_result *r = &a->controls[i];

			json_object_object_add(ctl, "id", json_object_new_string(a->set->controls[i].id));
			json_object_object_add(ctl, "title", json_object_new_string(a->set->controls[i].title));
			json_object_object_add(ctl, "result", json_object_new_string(r->failed ? "fail" : "pass"));
			json_object_object_add(ctl, "status", json_object_new_string(bench_status_name(r->status)));
			if (r->reason)
				json_object_object_add(ctl, "reason", json_object_new_string(r->reason));
			json_object_array_add(arr, ctl);
		}
		json_object_object_add(root, "controls", arr);
	}
	arr = json_object_new_array();
	for (i = 0; i < a->num_findings; i++) {
		const struct appraise_finding *f = &a->findings[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "index", json_object_new_int64((int64_t)f->index));
		json_object_object_add(e, ima_is_utf8((uint8_t *)f->path, f->path_len) ? "path" : "path_hex",
				       json_name(f->path, f->path_len));
		json_object_object_add(e, "verdict", json_object_new_string(appraise_verdict_name(f->verdict)));
		json_object_object_add(e, "reason", json_object_new_string(f->reason));
		json_object_object_add(e, "currently_good", json_object_new_boolean(f->currently_good));
		json_object_array_add(arr, e);
	}
	json_object_object_add(root, "failing", arr);
	json_object_object_add(root, "entries", json_object_new_int64((int64_t)a->entries));
	if (info->log_digest)
		json_object_object_add(root, "log_sha256",
				       json_hex(info->log_digest, APPRAISE_LOG_DIGEST_SIZE));
	if (info->pcrs) {
		pcrs = json_object_new_object();
		for (i = 0; i < IMA_BANK_COUNT; i++) {
			json_object *bank = json_object_new_object();
			unsigned int p;

			for (p = 0; p < IMA_PCR_COUNT; p++) {
				char key[8];

				if (!info->pcrs->have[i][p])
					continue;
				snprintf(key, sizeof(key), "%u", p);
				json_object_object_add(bank, key,
					json_hex(info->pcrs->value[i][p], ima_banks[i].size));
			}
			if (json_object_object_length(bank))
				json_object_object_add(pcrs, ima_banks[i].name, bank);
			else
				json_object_put(bank);
		}
		json_object_object_add(root, "pcrs", pcrs);
	}
	if (a->evidence_failed)
		json_object_object_add(root, "evidence_error", json_object_new_string(a->evidence_reason));
	pcrs = json_object_new_object();
	for (c = 0; c < CLAIM_COUNT; c++)
		if (a->claims[c])
			json_object_object_add(pcrs, ar4si_claim_name((enum ar4si_claim)c),
					       json_object_new_int(a->claims[c]));
	json_object_object_add(root, "trustworthiness_vector", pcrs);
	json_object_object_add(root, "status", json_object_new_string(appraise_status(a)));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	out = text ? malloc(strlen(text) + 2) : NULL;
	if (out)
		sprintf(out, "%s\n", text);
	json_object_put(root);
	return out;
}
