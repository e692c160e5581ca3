# SPDX-License-Identifier: GPL-2.0
#
# Without CAP_NET_ADMIN, joining the events group, dumping and querying the
# status fail with EPERM. The same commands as root succeed, so the test
# can tell a rejection from a broken command.
# vm-boot: tpm
# vm-timeout: 120
. /vm/lib.sh
t_require_module

NOBODY=65534

# Exit status 2 is imatap-testlisten's "the kernel rejected the request".
check_rejected() {
	what=$1
	shift
	imatap-runas $NOBODY $NOBODY imatap-testlisten "$@" \
		>"$T_DIR/out" 2>"$T_DIR/err"
	status=$?
	t_check_eq "exit status of $what as uid $NOBODY" 2 "$status"
	grep -q ': EPERM (' "$T_DIR/err" ||
		t_fail "$what as uid $NOBODY: expected EPERM, got: $(cat "$T_DIR/err")"
}

check_allowed() {
	what=$1
	shift
	imatap-testlisten "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	status=$?
	t_check_eq "exit status of $what as root (stderr: $(cat "$T_DIR/err"))" 0 "$status"
}

check_allowed "--join" --join
check_allowed "--status" --status
check_allowed "--dump-from 0" --dump-from 0 --out /dev/null

check_rejected "--join" --join
check_rejected "--status" --status
check_rejected "--dump-from 0" --dump-from 0 --out /dev/null

t_finish
