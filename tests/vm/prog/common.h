/* SPDX-License-Identifier: GPL-2.0 */
/* Error reporting and option parsing shared by the guest test programs. */
#ifndef IMATAP_VM_COMMON_H
#define IMATAP_VM_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Set by each program's main() before it reports anything. */
extern const char *prog_name;

/* Print "PROG: MESSAGE" to stderr. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: MESSAGE" to stderr and exit with status 1. */
noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse a decimal unsigned integer option value into *value. Return 0, or -1
 * after reporting which option had which invalid value.
 */
int parse_u64_option(const char *option, const char *text, uint64_t *value);

/* Read a whole file into a malloc()ed buffer, or fail() with the reason. */
void *read_whole_file(const char *path, size_t *size);

/* Return "EPERM (Operation not permitted)" style text for an errno value. */
const char *errno_text(int err);

#endif
