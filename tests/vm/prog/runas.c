// SPDX-License-Identifier: GPL-2.0
/*
 * imatap-runas: run a program as another user with no capabilities, for
 * the permission tests. Busybox's setpriv in Debian 12 cannot change the
 * user, and su needs a passwd entry and a shell.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "common.h"

/* Fail unless the effective, permitted and inheritable sets are empty. */
static void check_no_capabilities(void)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (syscall(SYS_capget, &header, data))
		fail("capget failed: %s", strerror(errno));
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			fail("capabilities left after setuid: word %d effective 0x%08x permitted 0x%08x inheritable 0x%08x",
			     i, data[i].effective, data[i].permitted,
			     data[i].inheritable);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_ADMIN, 0, 0) != 0)
		fail("CAP_NET_ADMIN is still in the ambient set");
}

int main(int argc, char **argv)
{
	uint64_t uid, gid;

	prog_name = "imatap-runas";
	if (argc < 4) {
		fprintf(stderr, "Usage: %s UID GID PROGRAM [ARGS...]\n"
			"Runs PROGRAM with the given user and group ids, no\n"
			"supplementary groups and no capabilities.\n", prog_name);
		return 1;
	}
	if (parse_u64_option("UID", argv[1], &uid) ||
	    parse_u64_option("GID", argv[2], &gid))
		return 1;
	if (uid == 0)
		fail("UID 0 would keep every capability");

	if (setgroups(0, NULL))
		fail("setgroups failed: %s", strerror(errno));
	if (setresgid(gid, gid, gid))
		fail("setresgid %" PRIu64 " failed: %s", gid, strerror(errno));
	/* Dropping every uid 0 clears the permitted and effective sets. */
	if (setresuid(uid, uid, uid))
		fail("setresuid %" PRIu64 " failed: %s", uid, strerror(errno));
	check_no_capabilities();

	execvp(argv[3], argv + 3);
	fail("cannot run %s: %s", argv[3], strerror(errno));
}
