// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <openssl/sha.h>

#include "refset.h"

bool refset_load(struct refset *rs, const struct refset_files *files,
		 bool *malformed, struct ima_error *err)
{
	uint8_t chain[64];
	size_t i;
	bool ok = true;

	memset(rs, 0, sizeof(*rs));
	refs_init(&rs->refs);
	if (files->set) {
		ok = bench_set_load(&rs->set, files->set, err);
		if (ok && rs->set.policy)
			ok = refs_load(&rs->refs, rs->set.policy, err);
	}
	for (i = 0; ok && i < files->num_references; i++)
		ok = refs_load(&rs->refs, files->references[i], err);
	for (i = 0; ok && i < files->num_excludes; i++)
		ok = refs_load_excludes(&rs->refs, files->excludes[i], err);
	for (i = 0; ok && i < files->num_keys; i++)
		ok = refs_load_key(&rs->refs, files->keys[i], err);
	if (!ok) {
		/* The loaders report a file they cannot open as "cannot open". */
		*malformed = strstr(err->msg, "cannot open") == NULL;
		refset_free(rs);
		return false;
	}

	memcpy(rs->policy_id, rs->refs.policy_id, 32);
	if (rs->set.name) {
		memcpy(chain, rs->refs.policy_id, 32);
		memcpy(chain + 32, rs->set.digest, 32);
		SHA256(chain, sizeof(chain), rs->policy_id);
	}
	return true;
}

void refset_free(struct refset *rs)
{
	refs_free(&rs->refs);
	bench_set_free(&rs->set);
	memset(rs, 0, sizeof(*rs));
}
