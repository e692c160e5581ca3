// SPDX-License-Identifier: GPL-2.0
/*
 * The name -> digest list table of the reference values. The arena holds,
 * 8-byte aligned, for each name a record [u64 first digest][name bytes]
 * and for each digest a node [u64 next][u8 length][digest bytes].
 * Offset 0 is reserved, so 0 ends a list and marks an empty slot.
 */
#include <stdlib.h>
#include <string.h>

#include "refs.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

static uint32_t hash_name(const char *name, size_t len, bool ima_name)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (ima_name && c == ' ')
			c = '_';
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static bool arena_reserve(struct refs_table *t, size_t n)
{
	/* The first 8 bytes are reserved: offset 0 means none. */
	size_t used = t->arena_len ? t->arena_len : 8;
	size_t cap = t->arena_cap ? t->arena_cap : 4096;
	uint8_t *arena;

	if (used + n <= t->arena_cap)
		return true;
	while (cap < used + n)
		cap *= 2;
	arena = realloc(t->arena, cap);
	if (!arena)
		return false;
	if (!t->arena_len)
		memset(arena, 0, 8);
	t->arena = arena;
	t->arena_cap = cap;
	t->arena_len = used;
	return true;
}

static bool grow_slots(struct refs_table *t)
{
	size_t count = t->slot_count ? t->slot_count * 2 : 1024, i;
	struct refs_slot *slots = calloc(count, sizeof(*slots));

	if (!slots)
		return false;
	for (i = 0; i < t->slot_count; i++) {
		const struct refs_slot *s = &t->slots[i];
		size_t j;

		if (!s->key_off)
			continue;
		for (j = s->hash & (count - 1); slots[j].key_off;
		     j = (j + 1) & (count - 1))
			;
		slots[j] = *s;
	}
	free(t->slots);
	t->slots = slots;
	t->slot_count = count;
	return true;
}

static bool name_equal(const struct refs_table *t, const struct refs_slot *s,
		       const char *name, size_t len, bool ima_name)
{
	const uint8_t *key = t->arena + s->key_off;
	size_t i;

	if (s->key_len != len)
		return false;
	if (!ima_name)
		return memcmp(key, name, len) == 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ' ')
			c = '_';
		if (key[i] != c)
			return false;
	}
	return true;
}

static struct refs_slot *lookup(const struct refs_table *t, const char *name,
				size_t len, uint32_t hash, bool ima_name)
{
	size_t j;

	if (!t->slot_count)
		return NULL;
	for (j = hash & (t->slot_count - 1); t->slots[j].key_off;
	     j = (j + 1) & (t->slot_count - 1)) {
		struct refs_slot *s = &t->slots[j];

		if (s->hash == hash && name_equal(t, s, name, len, ima_name))
			return s;
	}
	return &t->slots[j];
}

bool refs_table_add(struct refs_table *t, const char *name, size_t len,
		    const uint8_t *digest, size_t digest_len, bool ima_name)
{
	uint32_t hash = hash_name(name, len, ima_name);
	struct refs_slot *s;
	uint64_t node, *head;
	size_t i;

	if (len > UINT32_MAX || digest_len > IMA_DIGEST_MAX)
		return false;
	/* Keep the load factor at or below one half. */
	if ((t->count + 1) * 2 > t->slot_count && !grow_slots(t))
		return false;
	s = lookup(t, name, len, hash, ima_name);
	if (!s->key_off) {
		if (!arena_reserve(t, 8 + ALIGN8(len)))
			return false;
		s->key_off = t->arena_len + 8;
		s->hash = hash;
		s->key_len = (uint32_t)len;
		memset(t->arena + t->arena_len, 0, 8);
		for (i = 0; i < len; i++)
			t->arena[s->key_off + i] =
				(ima_name && name[i] == ' ') ? '_' : (uint8_t)name[i];
		t->arena_len += 8 + ALIGN8(len);
		t->count++;
	}
	if (refs_table_has_digest(t, s, digest, digest_len))
		return true;

	if (!arena_reserve(t, ALIGN8(9 + digest_len)))
		return false;
	node = t->arena_len;
	head = (uint64_t *)(void *)(t->arena + s->key_off - 8);
	memcpy(t->arena + node, head, 8);
	t->arena[node + 8] = (uint8_t)digest_len;
	memcpy(t->arena + node + 9, digest, digest_len);
	memcpy(head, &node, 8);
	t->arena_len += ALIGN8(9 + digest_len);
	return true;
}

const struct refs_slot *refs_table_find(const struct refs_table *t,
					const char *name, size_t len)
{
	const struct refs_slot *s;

	s = lookup(t, name, len, hash_name(name, len, false), false);
	return s && s->key_off ? s : NULL;
}

bool refs_table_has_digest(const struct refs_table *t,
			   const struct refs_slot *slot,
			   const uint8_t *digest, size_t len)
{
	uint64_t node;

	memcpy(&node, t->arena + slot->key_off - 8, 8);
	while (node) {
		if (t->arena[node + 8] == len &&
		    memcmp(t->arena + node + 9, digest, len) == 0)
			return true;
		memcpy(&node, t->arena + node, 8);
	}
	return false;
}

void refs_table_free(struct refs_table *t)
{
	free(t->arena);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
