/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adding X.509 certificates as "asymmetric" keys, which IMA measures with
 * the ima-buf template when the policy has a "measure func=KEY_CHECK" rule.
 * The event name is the keyring's description, so each certificate goes
 * into a new keyring with a distinct name: IMA adds no entry whose template
 * digest is already in the log.
 */
#ifndef IMATAP_VM_KEYS_H
#define IMATAP_VM_KEYS_H

#include <stddef.h>

/*
 * Create a keyring called keyring_name, linked to the process keyring, and
 * add the DER certificate to it. Return 0, or -1 with errno set by the
 * add_key() call that failed, after reporting which one.
 */
int add_cert_in_new_keyring(const char *keyring_name, const void *cert,
			    size_t cert_size);

#endif
