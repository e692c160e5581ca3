// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/keyctl.h>

#include "common.h"
#include "keys.h"

/* glibc has no add_key() wrapper, and the guest has no libkeyutils. */
static long add_key(const char *type, const char *description,
		    const void *payload, size_t size, long keyring)
{
	return syscall(SYS_add_key, type, description, payload, size, keyring);
}

int add_cert_in_new_keyring(const char *keyring_name, const void *cert,
			    size_t cert_size)
{
	long keyring, key;

	keyring = add_key("keyring", keyring_name, NULL, 0,
			  KEY_SPEC_PROCESS_KEYRING);
	if (keyring < 0) {
		report("add_key(\"keyring\", \"%s\") failed: %s", keyring_name,
		       errno_text(errno));
		return -1;
	}
	/* A NULL description lets the kernel derive one from the certificate. */
	key = add_key("asymmetric", NULL, cert, cert_size, keyring);
	if (key < 0) {
		report("add_key(\"asymmetric\") of a %zu-byte certificate into keyring \"%s\" failed: %s",
		       cert_size, keyring_name, errno_text(errno));
		return -1;
	}
	return 0;
}
