// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "b64url.h"
#include "fileio.h"
#include "journal.h"

/* A record's JSON nests 2 deep; anything deeper is malformed. */
#define JSON_DEPTH_MAX	8

void journal_record_free(struct journal_record *rec)
{
	evidence_free(&rec->ev);
	free(rec->appraisal);
	free(rec->ear);
	rec->appraisal = NULL;
	rec->ear = NULL;
}

static bool write_member(FILE *out, const char *key, const char *type,
			 const uint8_t *data, size_t len, int indicator)
{
	char *value = b64url_encode(data, len);
	bool ok = value && fprintf(out, ",\n  \"%s\": [\"%s\", \"%s\", %d]",
				   key, type, value, indicator) > 0;

	free(value);
	return ok;
}

char *journal_record_encode(const struct journal_record *rec,
			    struct ima_error *err)
{
	char *evidence = evidence_encode(&rec->ev, err);
	char *text = NULL;
	size_t size = 0, len;
	FILE *out = NULL;
	bool ok;

	if (!evidence)
		return NULL;
	/* evidence_encode() ends the object with "\n}\n": continue it. */
	len = strlen(evidence);
	if (len < 3 || strcmp(evidence + len - 3, "\n}\n") != 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the evidence document does not end in \"}\"");
		free(evidence);
		return NULL;
	}
	out = open_memstream(&text, &size);
	ok = out && fwrite(evidence, 1, len - 3, out) == len - 3 &&
	     write_member(out, "nonce", JOURNAL_TYPE_NONCE, rec->nonce,
			  rec->nonce_len, CMW_IND_EVIDENCE);
	if (ok && rec->appraisal)
		ok = write_member(out, "appraisal", JOURNAL_TYPE_APPRAISAL,
				  (const uint8_t *)rec->appraisal,
				  strlen(rec->appraisal),
				  CMW_IND_ATTESTATION_RESULT);
	if (ok && rec->ear)
		ok = write_member(out, "ear", JOURNAL_TYPE_EAR,
				  (const uint8_t *)rec->ear, strlen(rec->ear),
				  CMW_IND_ATTESTATION_RESULT);
	ok = ok && fprintf(out, "\n}\n") > 0;
	if (out && fclose(out) != 0)
		ok = false;
	free(evidence);
	if (!ok) {
		free(text);
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "encoding the journal record failed: out of memory");
		return NULL;
	}
	return text;
}

/*
 * Decode member key, a CMW record [type, base64url, indicator], into a
 * new buffer with a NUL byte after the data. *found is false when the
 * member is absent.
 */
static bool get_member(json_object *top, const char *key, const char *type,
		       int indicator, uint8_t **data, size_t *len,
		       bool *found, struct ima_error *err)
{
	json_object *rec, *t, *v, *ind;
	uint8_t *raw = NULL;
	size_t raw_len = 0;

	*found = json_object_object_get_ex(top, key, &rec);
	if (!*found)
		return true;
	if (!json_object_is_type(rec, json_type_array) ||
	    json_object_array_length(rec) != 3) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "record member \"%s\" is not a CMW record of 3 items",
			      key);
		return false;
	}
	t = json_object_array_get_idx(rec, 0);
	v = json_object_array_get_idx(rec, 1);
	ind = json_object_array_get_idx(rec, 2);
	if (!json_object_is_type(t, json_type_string) ||
	    strcmp(json_object_get_string(t), type) != 0 ||
	    !json_object_is_type(ind, json_type_int) ||
	    json_object_get_int64(ind) != indicator ||
	    !json_object_is_type(v, json_type_string)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "record member \"%s\" must be [\"%s\", base64url, %d]",
			      key, type, indicator);
		return false;
	}
	if (!b64url_decode(json_object_get_string(v),
			   (size_t)json_object_get_string_len(v), &raw,
			   &raw_len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "record member \"%s\" is not valid base64url", key);
		return false;
	}
	*data = realloc(raw, raw_len + 1);
	if (!*data) {
		free(raw);
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		return false;
	}
	(*data)[raw_len] = 0;
	*len = raw_len;
	return true;
}

static bool decode_members(json_object *top, struct journal_record *rec,
			   struct ima_error *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	bool found;

	if (!get_member(top, "nonce", JOURNAL_TYPE_NONCE, CMW_IND_EVIDENCE,
			&data, &len, &found, err))
		return false;
	if (!found || len == 0 || len > JOURNAL_NONCE_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the record has no nonce of 1 to %d bytes",
			      JOURNAL_NONCE_MAX);
		free(data);
		return false;
	}
	memcpy(rec->nonce, data, len);
	rec->nonce_len = len;
	free(data);

	data = NULL;
	if (!get_member(top, "appraisal", JOURNAL_TYPE_APPRAISAL,
			CMW_IND_ATTESTATION_RESULT, &data, &len, &found, err))
		return false;
	if (found && strlen((char *)data) != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the record's appraisal holds a NUL byte");
		free(data);
		return false;
	}
	rec->appraisal = (char *)data;

	data = NULL;
	if (!get_member(top, "ear", JOURNAL_TYPE_EAR,
			CMW_IND_ATTESTATION_RESULT, &data, &len, &found, err))
		return false;
	rec->ear = (char *)data;
	return true;
}

bool journal_record_decode(const char *text, size_t len,
			   struct journal_record *rec, struct ima_error *err)
{
	json_tokener *tok = NULL;
	json_object *top = NULL;
	bool ok = false;

	memset(rec, 0, sizeof(*rec));
	/* The evidence members, with every check evidence_decode() makes. */
	if (!evidence_decode(text, len, &rec->ev, err))
		return false;
	tok = json_tokener_new_ex(JSON_DEPTH_MAX);
	if (!tok || len > INT32_MAX) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	top = json_tokener_parse_ex(tok, text, (int)len);
	if (!top || !json_object_is_type(top, json_type_object)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "the record is not a JSON object");
		goto out;
	}
	ok = decode_members(top, rec, err);
out:
	json_object_put(top);
	if (tok)
		json_tokener_free(tok);
	if (!ok)
		journal_record_free(rec);
	return ok;
}

/* Read dirfd/name whole, with a NUL byte after the data. */
static bool read_at(int dirfd, const char *name, size_t max, char **data,
		    size_t *len, struct ima_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	bool ok = false;

	if (fd < 0 || fstat(fd, &st) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "cannot open: %s",
			      strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "larger than the limit of %zu bytes", max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE, "out of memory");
		goto out;
	}
	while (used < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "reading failed: %s",
				      n < 0 ? strerror(errno) : "the file shrank");
			goto out;
		}
		used += (size_t)n;
	}
	buf[used] = 0;
	*data = buf;
	*len = used;
	buf = NULL;
	ok = true;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return ok;
}

bool journal_record_read(int dirfd, const char *name,
			 struct journal_record *rec, struct ima_error *err)
{
	char *text = NULL;
	size_t len = 0;
	bool ok;

	memset(rec, 0, sizeof(*rec));
	ok = read_at(dirfd, name, EVIDENCE_MAX, &text, &len, err) &&
	     journal_record_decode(text, len, rec, err);
	if (!ok) {
		struct ima_error inner = *err;

		ima_error_set(err, NULL, IMA_OFFSET_NONE, "%s: %s", name,
			      inner.msg);
	}
	free(text);
	return ok;
}

void journal_record_name(char name[JOURNAL_NAME_SIZE], unsigned int chain,
			 uint64_t first)
{
	snprintf(name, JOURNAL_NAME_SIZE, "%06u-%012llu.json", chain,
		 (unsigned long long)first);
}

static bool digits(const char *s, size_t n, uint64_t *value)
{
	size_t i;

	*value = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*value = *value * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

bool journal_parse_name(const char *name, unsigned int *chain,
			uint64_t *first)
{
	uint64_t c;

	/* Exactly 6 digits, '-', 12 digits, ".json". */
	if (strlen(name) != 24 || name[6] != '-' ||
	    strcmp(name + 19, ".json") != 0 ||
	    !digits(name, 6, &c) || !digits(name + 7, 12, first) || c == 0)
		return false;
	*chain = (unsigned int)c;
	return true;
}

bool journal_write_file(int dirfd, const char *name, const void *data,
			size_t len, struct ima_error *err)
{
	return ima_replace_file_at(dirfd, name, data, len, true, err);
}

static int compare_names(const void *a, const void *b)
{
	const struct journal_name *x = a, *y = b;

	if (x->chain != y->chain)
		return x->chain < y->chain ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

/* Names the daemon keeps in the journal besides records. */
static bool is_known_file(const char *name)
{
	return strcmp(name, "ak.pem") == 0 || strcmp(name, "ak.pub") == 0 ||
	       strcmp(name, "ak.name") == 0 ||
	       strcmp(name, JOURNAL_DAMAGED_DIR) == 0;
}

static bool add_record(struct journal_listing *out, const char *name,
		       unsigned int chain, uint64_t first)
{
	struct journal_name *more;

	more = realloc(out->records, (out->count + 1) * sizeof(*more));
	if (!more)
		return false;
	out->records = more;
	/* journal_parse_name() accepted only names of 24 bytes. */
	snprintf(more[out->count].name, JOURNAL_NAME_SIZE, "%.31s", name);
	more[out->count].chain = chain;
	more[out->count].first = first;
	out->count++;
	return true;
}

bool journal_list(int dirfd, bool remove_temp, struct journal_listing *out,
		  struct ima_error *err)
{
	struct dirent *de;
	DIR *dir;
	int fd = dup(dirfd);
	bool ok = true;

	memset(out, 0, sizeof(*out));
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "reading the journal directory failed: %s",
			      strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	rewinddir(dir);
	while (ok && (errno = 0, de = readdir(dir))) {
		unsigned int chain;
		uint64_t first;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.') {
			out->temp_files++;
			if (remove_temp && unlinkat(dirfd, de->d_name, 0) == 0)
				out->temp_removed++;
		} else if (journal_parse_name(de->d_name, &chain, &first)) {
			ok = add_record(out, de->d_name, chain, first);
			if (!ok)
				ima_error_set(err, NULL, IMA_OFFSET_NONE,
					      "out of memory");
		} else if (!is_known_file(de->d_name)) {
			if (!out->unknown++)
				snprintf(out->first_unknown,
					 sizeof(out->first_unknown), "%s",
					 de->d_name);
		}
	}
	if (ok && errno) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "reading the journal directory failed: %s",
			      strerror(errno));
		ok = false;
	}
	closedir(dir);
	if (ok && remove_temp && out->temp_removed && fsync(dirfd) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "fsync of the journal directory failed: %s",
			      strerror(errno));
		ok = false;
	}
	if (!ok) {
		journal_listing_free(out);
		return false;
	}
	qsort(out->records, out->count, sizeof(*out->records), compare_names);
	return true;
}

void journal_listing_free(struct journal_listing *l)
{
	free(l->records);
	l->records = NULL;
	l->count = 0;
}

void journal_chain_bounds(const struct journal_listing *l, size_t begin,
			  size_t *end)
{
	size_t i = begin;

	while (i < l->count && l->records[i].chain == l->records[begin].chain)
		i++;
	*end = i;
}

/* The checks on one record besides verification. */
static bool check_record(const struct journal_name *name,
			 const struct journal_record *rec,
			 struct ima_error *why)
{
	if (rec->ev.batch.first_index != name->first) {
		ima_error_set(why, NULL, IMA_OFFSET_NONE,
			      "%s: the batch starts at entry %llu, not at the entry its name gives",
			      name->name,
			      (unsigned long long)rec->ev.batch.first_index);
		return false;
	}
	if (rec->ev.batch.entries == 0) {
		ima_error_set(why, NULL, IMA_OFFSET_NONE,
			      "%s: the batch holds no entry", name->name);
		return false;
	}
	if (!rec->appraisal) {
		ima_error_set(why, NULL, IMA_OFFSET_NONE,
			      "%s: the record holds no appraisal result",
			      name->name);
		return false;
	}
	return true;
}

bool journal_walk_chain(int dirfd, const struct journal_listing *l,
			size_t begin, size_t end, const struct ak_key *ak,
			journal_record_fn *fn, void *arg,
			struct journal_walk *walk, struct ima_error *err)
{
	struct journal_record rec;
	struct verify_result res;
	size_t i;

	memset(walk, 0, sizeof(*walk));
	for (i = begin; i < end; i++) {
		const struct journal_name *name = &l->records[i];
		struct verify_request req = { .ak = ak };
		bool first = i == begin, ok;

		memset(&res, 0, sizeof(res));
		if (!journal_record_read(dirfd, name->name, &rec, &walk->why)) {
			walk->failed = true;
			break;
		}
		req.nonce = rec.nonce;
		req.nonce_len = rec.nonce_len;
		req.previous = first ? NULL : &walk->last.ev;
		ok = check_record(name, &rec, &walk->why);
		if (ok && !verify_evidence(&rec.ev, &req, &res)) {
			ima_error_set(&walk->why, NULL, IMA_OFFSET_NONE,
				      "%s: check %s failed: %s", name->name,
				      res.failed_check, res.err.msg);
			ok = false;
		} else if (ok && !first && res.new_chain) {
			ima_error_set(&walk->why, NULL, IMA_OFFSET_NONE,
				      "%s: the batch starts a new chain after a TPM reset, so it belongs to another chain number",
				      name->name);
			ok = false;
		}
		if (ok && fn && !fn(&rec, &res, arg, err)) {
			verify_result_free(&res);
			journal_record_free(&rec);
			return false;
		}
		verify_result_free(&res);
		if (!ok) {
			walk->failed = true;
			journal_record_free(&rec);
			break;
		}
		journal_record_free(&walk->last);
		walk->last = rec;
		walk->good++;
		walk->next_index = rec.ev.batch.first_index +
				   rec.ev.batch.entries;
	}
	return true;
}

void journal_walk_free(struct journal_walk *walk)
{
	journal_record_free(&walk->last);
}

bool journal_set_aside(int dirfd, const char *name, struct ima_error *err)
{
	char target[JOURNAL_NAME_SIZE + sizeof(JOURNAL_DAMAGED_DIR) + 1];
	int sub;

	if (mkdirat(dirfd, JOURNAL_DAMAGED_DIR, 0700) < 0 && errno != EEXIST) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "creating %s in the journal failed: %s",
			      JOURNAL_DAMAGED_DIR, strerror(errno));
		return false;
	}
	snprintf(target, sizeof(target), "%s/%s", JOURNAL_DAMAGED_DIR, name);
	if (renameat(dirfd, name, dirfd, target) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "moving %s to %s failed: %s", name, target,
			      strerror(errno));
		return false;
	}
	sub = openat(dirfd, JOURNAL_DAMAGED_DIR,
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sub < 0 || fsync(sub) < 0 || fsync(dirfd) < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "fsync after moving %s to %s failed: %s", name,
			      target, strerror(errno));
		if (sub >= 0)
			close(sub);
		return false;
	}
	close(sub);
	return true;
}

struct recover_state {
	const char *boot_id;
	bool same_boot;
	journal_record_fn *fn;
	void *arg;
};

/* Pass the records to fn only when the chain's first is of this boot. */
static bool recover_record(const struct journal_record *rec,
			   const struct verify_result *res, void *arg,
			   struct ima_error *err)
{
	struct recover_state *st = arg;

	if (rec->ev.batch.first_index == 0)
		st->same_boot = strcmp(rec->ev.batch.boot_id, st->boot_id) == 0;
	if (!st->same_boot || !st->fn)
		return true;
	return st->fn(rec, res, st->arg, err);
}

bool journal_recover(int dirfd, const struct ak_key *ak, const char *boot_id,
		     journal_record_fn *fn, void *arg,
		     struct journal_recovery *out, struct ima_error *err)
{
	struct recover_state st = { .boot_id = boot_id, .fn = fn, .arg = arg };
	struct journal_listing l;
	struct journal_walk walk = { 0 };
	size_t begin = 0, i;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	if (!journal_list(dirfd, true, &l, err))
		return false;
	out->temp_removed = l.temp_removed;
	out->unknown = l.unknown;
	memcpy(out->first_unknown, l.first_unknown, sizeof(out->first_unknown));
	out->chain = 1;
	if (!l.count)
		goto out;

	for (begin = l.count - 1;
	     begin > 0 && l.records[begin - 1].chain == l.records[l.count - 1].chain;
	     begin--)
		;
	out->chain = l.records[begin].chain;
	if (!journal_walk_chain(dirfd, &l, begin, l.count, ak, recover_record,
				&st, &walk, err)) {
		ok = false;
		goto out;
	}
	if (walk.failed) {
		out->why = walk.why;
		for (i = begin + walk.good; ok && i < l.count; i++) {
			ok = journal_set_aside(dirfd, l.records[i].name, err);
			out->set_aside += ok;
		}
	}
	if (walk.good && st.same_boot) {
		out->resume = true;
		out->last = walk.last;
		memset(&walk.last, 0, sizeof(walk.last));
		out->next_index = walk.next_index;
	} else if (walk.good) {
		/* The chain is of an earlier boot: start the next one. */
		if (out->chain == JOURNAL_CHAIN_MAX) {
			ima_error_set(err, NULL, IMA_OFFSET_NONE,
				      "the journal holds %u chains, the most its record names allow; move it away",
				      JOURNAL_CHAIN_MAX);
			ok = false;
		}
		out->chain++;
	}
out:
	journal_walk_free(&walk);
	journal_listing_free(&l);
	return ok;
}

void journal_recovery_free(struct journal_recovery *r)
{
	journal_record_free(&r->last);
}
