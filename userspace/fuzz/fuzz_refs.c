// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the first byte picks a loader (runtime policy,
 * allowlist, exclude file or benchmark set) and the rest is its file.
 * Any crash, leak, sanitizer report or runaway allocation is a bug.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/benchset.h"
#include "../lib/refs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_set set = { 0 };
	struct ima_error err;
	struct refs refs;
	char *text;

	if (size < 1)
		return 0;
	/* A copy of exactly size - 1 bytes, so ASan detects every overread. */
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	refs_init(&refs);
	switch (data[0] % 4) {
	case 0:
		refs_parse_policy(&refs, "fuzz", text, size - 1, &err);
		break;
	case 1:
		refs_parse_allowlist(&refs, "fuzz", text, size - 1, &err);
		break;
	case 2:
		refs_parse_excludes(&refs, "fuzz", text, size - 1, &err);
		break;
	default:
		bench_set_parse(&set, "fuzz", text, size - 1, &err);
		bench_set_free(&set);
		break;
	}
	refs_free(&refs);
	free(text);
	return 0;
}
