// SPDX-License-Identifier: GPL-2.0
/*
 * Replay of a whole binary log with template digests computed on a second
 * thread. The calling thread reads records into a block and copies the
 * bytes each template digest covers. When the block is full, the hashing
 * thread hashes it while the calling thread checks and extends the block
 * before it and then fills the next. Extends stay in log order, so the
 * results equal those of ima_replay_record() called per record. Memory
 * stays flat in the log size because only two blocks exist, and a block's
 * byte buffer grows only for a record larger than BLOCK_BYTES.
 */
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "replay.h"

#define BLOCK_RECORDS	1024
#define BLOCK_SLOTS	(2 * BLOCK_RECORDS)
/* Enough for BLOCK_RECORDS records of about 500 bytes. A larger record
 * gets a block of its own, whose buffer grows to fit it. */
#define BLOCK_BYTES	(512 * 1024)

struct block {
	size_t count;
	size_t slots_used;
	size_t bytes_used;
	size_t bytes_cap;
	uint8_t *bytes;			/* hashed bytes of every record */
	size_t failed_at;		/* first entry whose hashing failed */
	struct ima_error err;		/* why, if failed_at < count */
	struct ima_replay_entry entries[BLOCK_RECORDS];
	size_t offsets[BLOCK_RECORDS];	/* of each entry's bytes */
	size_t lengths[BLOCK_RECORDS];
	struct ima_replay_digests digests[BLOCK_RECORDS];
	struct ima_digest slots[BLOCK_SLOTS];
};

struct hash_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct block *job;		/* block submitted for hashing */
	bool done;			/* job is hashed */
	bool stop;
	struct ima_replay_hashers hashers;
};

static void hash_block(struct ima_replay_hashers *hs, struct block *b)
{
	size_t i;

	b->failed_at = b->count;
	for (i = 0; i < b->count; i++) {
		if (b->entries[i].violation)
			continue;
		if (!ima_replay_hash(hs, b->bytes + b->offsets[i],
				     b->lengths[i], &b->digests[i])) {
			/* OpenSSL's error queue is per thread: read it here. */
			ima_error_openssl(&b->err, "computing a template digest");
			b->failed_at = i;
			return;
		}
	}
}

static void *hash_thread_main(void *arg)
{
	struct hash_thread *t = arg;
	struct block *job;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->stop && (!t->job || t->done))
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->stop)
			break;
		job = t->job;
		pthread_mutex_unlock(&t->lock);

		hash_block(&t->hashers, job);

		pthread_mutex_lock(&t->lock);
		t->done = true;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* The number of CPUs this process may run on. */
static int usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return CPU_COUNT(&set);
}

/* Start the hashing thread. Returns false if the calling thread must hash. */
static bool hash_thread_start(struct hash_thread *t,
			      const struct ima_replay *r)
{
	struct ima_error err;

	memset(t, 0, sizeof(*t));
	if (usable_cpus() < 2 || !ima_replay_hashers_init(r, &t->hashers, &err))
		return false;
	if (pthread_mutex_init(&t->lock, NULL) != 0)
		goto free_hashers;
	if (pthread_cond_init(&t->cond, NULL) != 0)
		goto destroy_lock;
	if (pthread_create(&t->thread, NULL, hash_thread_main, t) != 0)
		goto destroy_cond;
	return true;

destroy_cond:
	pthread_cond_destroy(&t->cond);
destroy_lock:
	pthread_mutex_destroy(&t->lock);
free_hashers:
	ima_replay_hashers_free(&t->hashers);
	return false;
}

static void hash_thread_stop(struct hash_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	ima_replay_hashers_free(&t->hashers);
}

static void hash_thread_submit(struct hash_thread *t, struct block *b)
{
	pthread_mutex_lock(&t->lock);
	t->job = b;
	t->done = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static void hash_thread_wait(struct hash_thread *t)
{
	pthread_mutex_lock(&t->lock);
	while (!t->done)
		pthread_cond_wait(&t->cond, &t->lock);
	t->job = NULL;
	pthread_mutex_unlock(&t->lock);
}

/*
 * Add rec to b. Returns 1 when added, 0 when b is full so that rec goes
 * into an empty block, and -1 for an invalid "ima" record or no memory.
 */
static int block_add(struct block *b, const struct ima_record *rec)
{
	size_t need = rec->legacy ? IMA_SHA1_SIZE + IMA_EVENT_NAME_LEN_MAX + 1 :
				    rec->data_len;
	struct ima_replay_entry *e = &b->entries[b->count];
	size_t len = 0;

	if (b->count == BLOCK_RECORDS ||
	    b->slots_used + rec->num_digests > BLOCK_SLOTS ||
	    (b->count && b->bytes_used + need > b->bytes_cap))
		return 0;
	if (need > b->bytes_cap) {
		uint8_t *bytes = realloc(b->bytes, need);

		if (!bytes)
			return -1;
		b->bytes = bytes;
		b->bytes_cap = need;
	}
	if (!rec->violation &&
	    !ima_template_hashed_bytes(rec, b->bytes + b->bytes_used,
				       b->bytes_cap - b->bytes_used, &len))
		return -1;

	ima_replay_entry_of(rec, e);
	memcpy(&b->slots[b->slots_used], rec->digests,
	       rec->num_digests * sizeof(rec->digests[0]));
	e->digests = &b->slots[b->slots_used];
	b->slots_used += rec->num_digests;
	b->offsets[b->count] = b->bytes_used;
	b->lengths[b->count] = len;
	b->bytes_used += len;
	b->count++;
	return 1;
}

static void block_clear(struct block *b)
{
	b->count = 0;
	b->slots_used = 0;
	b->bytes_used = 0;
}

/* Check and extend the hashed entries of b in order. */
static bool block_apply(struct ima_replay *r, struct block *b,
			struct ima_error *err)
{
	size_t i;

	for (i = 0; i < b->count; i++) {
		if (i == b->failed_at) {
			*err = b->err;
			return false;
		}
		if (!ima_replay_apply(r, &b->entries[i], &b->digests[i], err))
			return false;
	}
	return true;
}

static struct block *block_new(void)
{
	struct block *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	memset(b, 0, offsetof(struct block, entries));
	b->bytes = malloc(BLOCK_BYTES);
	if (!b->bytes) {
		free(b);
		return NULL;
	}
	b->bytes_cap = BLOCK_BYTES;
	return b;
}

static void block_free(struct block *b)
{
	if (b)
		free(b->bytes);
	free(b);
}

/* Set err for a record that block_add() could not copy. */
static enum ima_read_status copy_failed(const struct ima_record *rec,
					struct ima_error *err)
{
	ima_error_set(err, rec, rec->offset,
		      "copying the template data failed (invalid \"ima\" record or out of memory)");
	return IMA_READ_IO_ERROR;
}

enum ima_read_status ima_replay_log(struct ima_replay *r,
				    struct ima_binlog *log,
				    struct ima_error *err)
{
	struct block *blocks[2] = { block_new(), block_new() };
	struct block *fill = blocks[0], *pending = NULL, *next;
	enum ima_read_status st = IMA_READ_IO_ERROR;
	struct hash_thread thread;
	bool threaded = false, applied = true;
	struct ima_record rec;
	int added;

	if (!blocks[0] || !blocks[1]) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	threaded = hash_thread_start(&thread, r);

	for (;;) {
		st = ima_binlog_next(log, &rec, err);
		if (st == IMA_READ_RECORD) {
			added = block_add(fill, &rec);
			if (added == 1)
				continue;
			if (added < 0) {
				st = copy_failed(&rec, err);
				break;
			}
		}

		/*
		 * fill is full or the log ended. Hand fill to the hashing
		 * thread, then replay the pending block while it hashes.
		 */
		if (pending && threaded)
			hash_thread_wait(&thread);
		if (fill->count && threaded)
			hash_thread_submit(&thread, fill);
		else if (fill->count)
			hash_block(&r->hashers, fill);
		if (pending)
			applied = block_apply(r, pending, err);
		next = fill == blocks[0] ? blocks[1] : blocks[0];
		block_clear(next);
		pending = fill->count ? fill : NULL;
		fill = next;

		if (!applied) {
			st = IMA_READ_IO_ERROR;
			break;
		}
		if (st != IMA_READ_RECORD)
			break;
		/* fill is empty, so the record fits unless it is invalid. */
		if (block_add(fill, &rec) != 1) {
			st = copy_failed(&rec, err);
			break;
		}
	}

	if (pending && threaded)
		hash_thread_wait(&thread);
	/* The read status stays unless replaying the last block fails. */
	if (pending && applied && st != IMA_READ_IO_ERROR) {
		struct ima_error apply_err;

		if (!block_apply(r, pending, &apply_err)) {
			*err = apply_err;
			st = IMA_READ_IO_ERROR;
		}
	}
	if (threaded)
		hash_thread_stop(&thread);
out:
	block_free(blocks[0]);
	block_free(blocks[1]);
	return st;
}
