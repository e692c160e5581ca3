/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EAT Attestation Results (draft-ietf-rats-ear) with the claim names
 * Veraison's EAR library emits for profile tag:github.com,2023:veraison/ear.
 */
#ifndef IMATAP_EAR_H
#define IMATAP_EAR_H

#include <time.h>

#include "appraise.h"

#define EAR_PROFILE	"tag:github.com,2023:veraison/ear"
#define EAR_SUBMOD	"imatap"
#define EAR_MAX		(16U << 20)	/* largest token read */

struct ear_params {
	time_t iat;
	const uint8_t *nonce;	/* eat_nonce; NULL: none */
	size_t nonce_len;
	const uint8_t *policy_id;	/* 32 bytes: SHA-256 of the references */
};

/* Encode the claims of a finished appraisal as a JSON object. */
char *ear_encode(const struct appraise *a, const struct ear_params *p,
		 struct ima_error *err);

/* The claims of a checked token, as ear verify prints them. */
struct ear_summary {
	char profile[80];
	long long iat;
	char status[20];	/* of submod EAR_SUBMOD */
	int claims[CLAIM_COUNT];
	bool have_claim[CLAIM_COUNT];
	char policy_id[80];
};

/*
 * Check that json is an EAR of our profile: eat_profile, iat,
 * ear.verifier-id and a submod EAR_SUBMOD whose ear.status matches the
 * worst tier of its trustworthiness vector.
 */
bool ear_decode(const char *json, size_t len, struct ear_summary *s,
		struct ima_error *err);

#endif
