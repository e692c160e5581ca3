// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "state.h"

#define STATE_MAGIC	"imatap-listen-state"
#define STATE_VERSION	1
#define STATE_SIZE_MAX	4096

/* A boot id as the kernel writes it: 36 characters of hex and dashes. */
static bool valid_boot_id(const char *text, size_t len)
{
	size_t i;

	if (len != IMATAP_BOOT_ID_SIZE - 1)
		return false;
	for (i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' :
			   !strchr("0123456789abcdef", text[i]) || !text[i])
			return false;
	}
	return true;
}

static bool parse_u64(const char *text, uint64_t *value)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*value = strtoull(text, &end, 10);
	return *end == 0 && errno == 0;
}

/* Parse the file's text; line counts from 1 for messages. */
static bool parse_state(char *text, const char *path,
			struct imatap_state *state, struct ima_error *err)
{
	bool have_magic = false, have_boot = false, have_index = false,
	     have_offset = false;
	unsigned int line = 0;
	char *save = NULL, *s;

	for (s = strtok_r(text, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(s, ' ');
		bool ok;

		line++;
		if (!value)
			goto bad;
		*value++ = 0;
		if (line == 1)
			ok = have_magic = strcmp(s, STATE_MAGIC) == 0 &&
					  strcmp(value, "1") == 0;
		else if (strcmp(s, "boot_id") == 0 && !have_boot)
			ok = have_boot = valid_boot_id(value, strlen(value));
		else if (strcmp(s, "next_index") == 0 && !have_index)
			ok = have_index = parse_u64(value, &state->next_index);
		else if (strcmp(s, "next_offset") == 0 && !have_offset)
			ok = have_offset = parse_u64(value, &state->next_offset);
		else
			ok = false;
		if (!ok)
			goto bad;
		if (have_boot && strcmp(s, "boot_id") == 0)
			memcpy(state->boot_id, value, IMATAP_BOOT_ID_SIZE);
	}
	if (have_magic && have_boot && have_index && have_offset)
		return true;
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "state file %s is incomplete: it needs the lines \"%s %d\", boot_id, next_index and next_offset",
		      path, STATE_MAGIC, STATE_VERSION);
	return false;
bad:
	ima_error_set(err, NULL, IMA_OFFSET_NONE,
		      "state file %s, line %u: invalid or repeated line",
		      path, line);
	return false;
}

enum imatap_state_status imatap_state_read(const char *path,
					   struct imatap_state *state,
					   struct ima_error *err)
{
	char text[STATE_SIZE_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd;

	memset(state, 0, sizeof(*state));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return IMATAP_STATE_MISSING;
	if (fd < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "cannot open state file %s: %s", path,
			      strerror(errno));
		return IMATAP_STATE_ERROR;
	}
	while (len < STATE_SIZE_MAX) {
		n = read(fd, text + len, STATE_SIZE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "reading state file %s failed: %s", path,
			      strerror(errno));
		return IMATAP_STATE_ERROR;
	}
	text[len] = 0;
	if (len == STATE_SIZE_MAX || strlen(text) != len) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "state file %s is not a state file: it holds NUL bytes or more than %d bytes",
			      path, STATE_SIZE_MAX - 1);
		return IMATAP_STATE_INVALID;
	}
	if (!parse_state(text, path, state, err))
		return IMATAP_STATE_INVALID;
	return IMATAP_STATE_OK;
}

bool imatap_state_write(const char *path, const struct imatap_state *state,
			struct ima_error *err)
{
	char text[256];
	int len;

	len = snprintf(text, sizeof(text),
		       "%s %d\nboot_id %s\nnext_index %" PRIu64
		       "\nnext_offset %" PRIu64 "\n",
		       STATE_MAGIC, STATE_VERSION, state->boot_id,
		       state->next_index, state->next_offset);
	return ima_replace_file_at(AT_FDCWD, path, text, (size_t)len, true,
				   err);
}

bool imatap_read_boot_id(const char *boot_id_path,
			 char boot_id[IMATAP_BOOT_ID_SIZE],
			 struct ima_error *err)
{
	char text[64] = "";
	FILE *f = fopen(boot_id_path, "re");
	size_t len;

	if (!f || !fgets(text, sizeof(text), f)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "reading the boot id from %s failed: %s",
			      boot_id_path, f ? "empty file" : strerror(errno));
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	len = strcspn(text, "\n");
	if (!valid_boot_id(text, len)) {
		ima_error_set(err, NULL, IMA_OFFSET_NONE,
			      "%s does not hold a boot id", boot_id_path);
		return false;
	}
	memcpy(boot_id, text, len);
	boot_id[len] = 0;
	return true;
}
