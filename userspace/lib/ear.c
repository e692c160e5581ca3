// SPDX-License-Identifier: GPL-2.0
/* EAR claims: encoding from an appraisal and checking a decoded token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "b64url.h"
#include "ear.h"

#define IMATAP_VERIFIER_DEVELOPER	"imatap"
#define IMATAP_VERIFIER_BUILD		"imatap-appraise-1"

static json_object *trust_vector(const struct appraise *a)
{
	json_object *tv = json_object_new_object();
	int c;

	if (!tv)
		return NULL;
	for (c = 0; c < CLAIM_COUNT; c++) {
		if (a->claims[c] == AR4SI_NO_CLAIM)
			continue;
		if (json_object_object_add(tv, ar4si_claim_name((enum ar4si_claim)c),
					   json_object_new_int(a->claims[c]))) {
			json_object_put(tv);
			return NULL;
		}
	}
	return tv;
}

char *ear_encode(const struct appraise *a, const struct ear_params *p,
		 struct ima_error *err)
{
	json_object *root = json_object_new_object();
	json_object *vid = json_object_new_object();
	json_object *submods = json_object_new_object();
	json_object *sub = json_object_new_object();
	json_object *tv = trust_vector(a);
	char policy[8 + 64 + 1], *nonce = NULL, *out = NULL;
	const char *text;
	int i, fail = 0;

	if (!root || !vid || !submods || !sub || !tv)
		goto nomem;
	memcpy(policy, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(policy + 7 + 2 * i, 3, "%02x", p->policy_id[i]);

	fail |= json_object_object_add(vid, "developer",
				       json_object_new_string(IMATAP_VERIFIER_DEVELOPER));
	fail |= json_object_object_add(vid, "build",
				       json_object_new_string(IMATAP_VERIFIER_BUILD));
	fail |= json_object_object_add(sub, "ear.status",
				       json_object_new_string(appraise_status(a)));
	fail |= json_object_object_add(sub, "ear.trustworthiness-vector", tv);
	tv = NULL;
	fail |= json_object_object_add(sub, "ear.appraisal-policy-id",
				       json_object_new_string(policy));
	fail |= json_object_object_add(submods, EAR_SUBMOD, sub);
	sub = NULL;
	fail |= json_object_object_add(root, "eat_profile",
				       json_object_new_string(EAR_PROFILE));
	fail |= json_object_object_add(root, "iat",
				       json_object_new_int64((int64_t)p->iat));
	fail |= json_object_object_add(root, "ear.verifier-id", vid);
	vid = NULL;
	if (p->nonce) {
		nonce = b64url_encode(p->nonce, p->nonce_len);
		if (!nonce)
			goto nomem;
		fail |= json_object_object_add(root, "eat_nonce",
					       json_object_new_string(nonce));
	}
	fail |= json_object_object_add(root, "submods", submods);
	submods = NULL;
	if (fail)
		goto nomem;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	out = text ? strdup(text) : NULL;
	if (!out)
		goto nomem;
	goto out;
nomem:
	ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory encoding the EAR");
out:
	free(nonce);
	json_object_put(tv);
	json_object_put(sub);
	json_object_put(submods);
	json_object_put(vid);
	json_object_put(root);
	return out;
}

static bool get(json_object *obj, const char *key, json_type type,
		json_object **out, struct ima_error *err)
{
	if (!json_object_object_get_ex(obj, key, out) ||
	    !json_object_is_type(*out, type)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the EAR has no claim \"%s\" of type %s", key,
			      json_type_to_name(type));
		return false;
	}
	return true;
}

static int worst_claim(const struct ear_summary *s)
{
	static const char *const order[] = {
		"none", "affirming", "warning", "contraindicated",
	};
	int worst = 0, c, t;

	for (c = 0; c < CLAIM_COUNT; c++) {
		if (!s->have_claim[c])
			continue;
		for (t = 0; t < 4; t++)
			if (strcmp(ar4si_tier(s->claims[c]), order[t]) == 0 &&
			    t > worst)
				worst = t;
	}
	return worst;
}

bool ear_decode(const char *json, size_t len, struct ear_summary *s,
		struct ima_error *err)
{
	static const char *const tiers[] = {
		"none", "affirming", "warning", "contraindicated",
	};
	json_tokener *tok = json_tokener_new();
	json_object *root, *v, *submods, *sub, *tv;
	bool ok = false;
	int c;

	memset(s, 0, sizeof(*s));
	root = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	if (!root || !json_object_is_type(root, json_type_object)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the EAR payload is not a JSON object");
		goto out;
	}
	if (!get(root, "eat_profile", json_type_string, &v, err))
		goto out;
	snprintf(s->profile, sizeof(s->profile), "%s", json_object_get_string(v));
	if (strcmp(s->profile, EAR_PROFILE) != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "eat_profile is \"%s\", not \"%s\"", s->profile,
			      EAR_PROFILE);
		goto out;
	}
	if (!get(root, "iat", json_type_int, &v, err))
		goto out;
	s->iat = json_object_get_int64(v);
	if (!get(root, "ear.verifier-id", json_type_object, &v, err) ||
	    !get(root, "submods", json_type_object, &submods, err) ||
	    !get(submods, EAR_SUBMOD, json_type_object, &sub, err) ||
	    !get(sub, "ear.status", json_type_string, &v, err))
		goto out;
	snprintf(s->status, sizeof(s->status), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(sub, "ear.appraisal-policy-id", &v))
		snprintf(s->policy_id, sizeof(s->policy_id), "%s",
			 json_object_get_string(v));
	if (!get(sub, "ear.trustworthiness-vector", json_type_object, &tv, err))
		goto out;
	for (c = 0; c < CLAIM_COUNT; c++) {
		if (!json_object_object_get_ex(tv, ar4si_claim_name((enum ar4si_claim)c), &v))
			continue;
		if (!json_object_is_type(v, json_type_int)) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "trustworthiness claim \"%s\" is not an integer",
				      ar4si_claim_name((enum ar4si_claim)c));
			goto out;
		}
		s->claims[c] = json_object_get_int(v);
		s->have_claim[c] = true;
	}
	if (strcmp(s->status, tiers[worst_claim(s)]) != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "ear.status \"%s\" is not the worst tier of the trustworthiness vector (%s)",
			      s->status, tiers[worst_claim(s)]);
		goto out;
	}
	ok = true;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ok;
}
