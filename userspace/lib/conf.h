/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's configuration: "key = value" lines of
 * /etc/imatap/imatap.conf, overridden by command-line options. The keys,
 * their defaults and limits are documented in imatap.conf(5).
 */
#ifndef IMATAP_CONF_H
#define IMATAP_CONF_H

#include "ak.h"

#define CONF_DEFAULT_PATH	"/etc/imatap/imatap.conf"
#define CONF_DEFAULT_JOURNAL	"/var/lib/imatap/journal"
#define CONF_DEFAULT_BATCH_ENTRIES	500
#define CONF_DEFAULT_BATCH_SECONDS	60
#define CONF_DEFAULT_POLL_SECONDS	2
/* A configuration file larger than this is rejected. */
#define CONF_FILE_MAX		(1U << 20)

/* A list of paths from a repeatable key. */
struct conf_list {
	char **items;
	size_t count;
};

struct daemon_config {
	char *journal;
	char *tcti;			/* NULL: $TPM2TOOLS_TCTI, else tss default */
	uint32_t ak_handle;
	uint32_t ek_handle;
	enum ak_kind ak_kind;
	unsigned long batch_entries;
	unsigned long batch_seconds;
	unsigned long poll_seconds;	/* securityfs polling without the module */
	struct conf_list references;
	struct conf_list excludes;
	struct conf_list signature_keys;
	char *benchmark_set;		/* NULL: none */
	char *ear_key;			/* NULL: no EAR */
	bool violations_warn;

	/* Line of each single-valued key in the file, 0 if unset there. */
	unsigned int lines[16];
	/* Bit k: a command-line option replaced the list of key k. */
	unsigned int lists_replaced;
};

/* Fill cfg with the defaults. Returns false when out of memory. */
bool conf_init(struct daemon_config *cfg);
void conf_free(struct daemon_config *cfg);

/*
 * Parse the configuration text of the file at path into cfg. Errors name
 * the file and line: "PATH:LINE: unknown key \"x\"".
 */
bool conf_parse(struct daemon_config *cfg, const char *path,
		const char *text, size_t len, struct ima_error *err);
bool conf_load(struct daemon_config *cfg, const char *path,
	       struct ima_error *err);

/*
 * Set key to value as a command-line option would. A repeatable key
 * given here first drops the values the file gave it. where names the
 * option in messages.
 */
bool conf_set_option(struct daemon_config *cfg, const char *key,
		     const char *value, const char *where,
		     struct ima_error *err);

/* Whether key may be given more than once. */
bool conf_key_repeatable(const char *key);

#endif
