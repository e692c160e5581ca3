// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-logstat: parse a file in binary_runtime_measurements format and
 * print counts as "key value" lines, or the byte offset of one record.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "common.h"

#define MAX_TEMPLATES 32

struct template_count {
	char name[64];
	uint64_t count;
};

struct log_stats {
	uint64_t entries;
	uint64_t violations;
	uint64_t names_with_newline;
	uint64_t names_with_ff_fe;
	uint64_t names_over_255;
	uint64_t names_over_2048;
	char first_name[256];
	struct template_count templates[MAX_TEMPLATES];
	int n_templates;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--offset-of N | --entry-at BYTE] FILE\n"
		"Without options, prints: entries, bytes, violations (entries whose SHA-1\n"
		"template digest is zero), \"template NAME COUNT\" per template, first_name\n"
		"(event name of entry 0), and names_with_newline, names_with_ff_fe,\n"
		"names_over_255 and names_over_2048 (event name length in bytes).\n"
		"  --offset-of N  print only the byte offset of entry N (the file size\n"
		"                 when N is the number of entries)\n"
		"  --entry-at BYTE  print only the index of the entry holding byte offset BYTE\n",
		prog_name);
}

static bool is_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static bool contains(const uint8_t *p, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return true;
	return false;
}

static void count_template(struct log_stats *st, const struct binlog_record *r)
{
	char name[64];
	int i;

	snprintf(name, sizeof(name), "%.*s", (int)r->template_name_len,
		 r->template_name);
	for (i = 0; i < st->n_templates; i++) {
		if (strcmp(st->templates[i].name, name) == 0) {
			st->templates[i].count++;
			return;
		}
	}
	if (st->n_templates == MAX_TEMPLATES)
		fail("more than %d template names", MAX_TEMPLATES);
	strcpy(st->templates[st->n_templates].name, name);
	st->templates[st->n_templates++].count = 1;
}

static void count_record(struct log_stats *st, const struct binlog_record *r)
{
	if (st->entries == 0 && r->name)
		snprintf(st->first_name, sizeof(st->first_name), "%.*s",
			 (int)r->name_len, (const char *)r->name);
	st->entries++;
	if (is_zero(r->sha1, BINLOG_SHA1_SIZE))
		st->violations++;
	count_template(st, r);
	if (!r->name)
		return;
	if (memchr(r->name, '\n', r->name_len))
		st->names_with_newline++;
	if (contains(r->name, r->name_len, "\xff\xfe"))
		st->names_with_ff_fe++;
	if (r->name_len > 255)
		st->names_over_255++;
	if (r->name_len > 2048)
		st->names_over_2048++;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "offset-of", required_argument, NULL, 'o' },
		{ "entry-at", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct log_stats st = { .first_name = "" };
	struct binlog_record record;
	uint64_t offset_of = 0, entry_at = 0;
	bool want_offset = false, want_entry = false;
	size_t size, pos = 0;
	char err[256];
	uint8_t *log;
	int opt, rc, i;

	prog_name = "imatap-logstat";
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (parse_u64_option("--offset-of", optarg, &offset_of))
				return 1;
			want_offset = true;
			break;
		case 'e':
			if (parse_u64_option("--entry-at", optarg, &entry_at))
				return 1;
			want_entry = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 1;
	}

	log = read_whole_file(argv[optind], &size);
	for (;;) {
		if (want_offset && st.entries == offset_of) {
			printf("%zu\n", pos);
			return 0;
		}
		rc = binlog_next_record(log, size, &pos, &record, err, sizeof(err));
		if (rc < 0)
			fail("%s: entry %" PRIu64 ": %s", argv[optind], st.entries, err);
		if (rc == 0)
			break;
		if (want_entry && entry_at < pos) {
			printf("%" PRIu64 "\n", st.entries);
			return 0;
		}
		count_record(&st, &record);
	}
	if (want_offset)
		fail("%s has %" PRIu64 " entries, no entry %" PRIu64,
		     argv[optind], st.entries, offset_of);
	if (want_entry)
		fail("%s has %zu bytes, no byte %" PRIu64, argv[optind], size,
		     entry_at);

	printf("entries %" PRIu64 "\n", st.entries);
	printf("bytes %zu\n", size);
	printf("violations %" PRIu64 "\n", st.violations);
	for (i = 0; i < st.n_templates; i++)
		printf("template %s %" PRIu64 "\n", st.templates[i].name,
		       st.templates[i].count);
	printf("first_name %s\n", st.first_name);
	printf("names_with_newline %" PRIu64 "\n", st.names_with_newline);
	printf("names_with_ff_fe %" PRIu64 "\n", st.names_with_ff_fe);
	printf("names_over_255 %" PRIu64 "\n", st.names_over_255);
	printf("names_over_2048 %" PRIu64 "\n", st.names_over_2048);
	free(log);
	return 0;
}
