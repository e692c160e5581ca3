/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference values for appraisal: acceptable digests by path, keyring and
 * ima-buf event, exclude expressions, ignored keyrings and signature
 * verification keys, loaded from Keylime runtime policies, sha256sum
 * allowlists and exclude files (Documentation/appraisal.rst).
 *
 * Each name space is one table: an arena with the names and digest lists,
 * and an open-addressing hash table of 16-byte slots pointing into it. A
 * policy of a million paths costs about the size of its names and binary
 * digests plus 32 MiB of slots.
 */
#ifndef IMATAP_REFS_H
#define IMATAP_REFS_H

#include <regex.h>
#include <openssl/evp.h>

#include "record.h"

/* A slot of the hash table. key_off 0 marks an empty slot. */
struct refs_slot {
	uint64_t key_off;	/* arena offset of the name */
	uint32_t hash;
	uint32_t key_len;
};

/* Names mapped to lists of digests. */
struct refs_table {
	uint8_t *arena;
	size_t arena_len;
	size_t arena_cap;
	struct refs_slot *slots;
	size_t slot_count;	/* a power of two, or 0 */
	size_t count;		/* names held */
};

/* One exclude expression and where it came from. */
struct refs_exclude {
	regex_t re;		/* compiled as "^(" source ")" */
	char *source;
	char *where;		/* "FILE:LINE:COLUMN" */
	size_t prefix_len;	/* a path must start with this much of source */
};

/* A key for ima-sig signatures, found by its IMA key id. */
struct refs_key {
	uint32_t keyid;
	EVP_PKEY *pkey;
};

struct refs {
	struct refs_table files;	/* path (a space as '_') -> digests */
	struct refs_table keyrings;	/* keyring name -> key digests */
	struct refs_table ima_buf;	/* ima-buf event name -> digests */
	struct refs_exclude *excludes;
	size_t num_excludes;
	char **ignored_keyrings;	/* "*" ignores every keyring */
	size_t num_ignored;
	struct refs_key *keys;
	size_t num_keys;
	unsigned int files_loaded;
	/* SHA-256 chained over the SHA-256 of every loaded file, in order. */
	uint8_t policy_id[32];
};

/* Sizes of the hex digests a reference may hold (MD5 to SHA-512). */
bool refs_digest_size_valid(size_t len);

void refs_init(struct refs *r);
void refs_free(struct refs *r);

/*
 * Load a reference file and add its values to r: a Keylime runtime
 * policy (the first byte that is not white space is '{') or a sha256sum
 * allowlist. On failure r is unchanged and err names the file, line and
 * column.
 */
bool refs_load(struct refs *r, const char *path, struct ima_error *err);
/* Load an exclude file (one expression a line) the same way. */
bool refs_load_excludes(struct refs *r, const char *path,
			struct ima_error *err);
/* Add a PEM public key or X.509 certificate for ima-sig signatures. */
bool refs_load_key(struct refs *r, const char *path, struct ima_error *err);

/* The parsers behind refs_load(), for text in memory. */
bool refs_parse_policy(struct refs *r, const char *path, const char *text,
		       size_t len, struct ima_error *err);
bool refs_parse_allowlist(struct refs *r, const char *path,
			  const char *text, size_t len,
			  struct ima_error *err);
bool refs_parse_excludes(struct refs *r, const char *path,
			 const char *text, size_t len,
			 struct ima_error *err);

/*
 * Add a digest to name in t, storing a space in the name as '_' if
 * ima_name is set. Fails when out of memory or when the name is longer
 * than 4 GiB or the digest than IMA_DIGEST_MAX.
 */
bool refs_table_add(struct refs_table *t, const char *name, size_t len,
		    const uint8_t *digest, size_t digest_len, bool ima_name);
/* The slot holding name, or NULL. */
const struct refs_slot *refs_table_find(const struct refs_table *t,
					const char *name, size_t len);
/* Whether the slot's digest list holds digest. */
bool refs_table_has_digest(const struct refs_table *t,
			   const struct refs_slot *slot,
			   const uint8_t *digest, size_t len);
void refs_table_free(struct refs_table *t);

/*
 * Compile an exclude expression as POSIX extended regular expression,
 * anchored at the start of the path. where names its position for
 * messages. Returns false with err set if it does not compile.
 */
bool refs_add_exclude(struct refs *r, const char *source, const char *where,
		      struct ima_error *err);
/* The first exclude matching the path, or NULL. */
const struct refs_exclude *refs_excluded(const struct refs *r,
					 const char *path);

bool refs_keyring_ignored(const struct refs *r, const char *name);

#endif
