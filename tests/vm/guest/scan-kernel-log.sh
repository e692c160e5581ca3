# SPDX-License-Identifier: GPL-2.0
#
# Kernel log scan, run by init as the last test of every boot. The whole
# boot must have no warning, BUG, oops, lockdep report or stall. It must
# have no imatap error line either, except between the markers
# t_kmsg "expected errors begin" and t_kmsg "expected errors end".
# vm-timeout: 120
. /vm/lib.sh

log=$T_DIR/dmesg
dmesg -r >"$log"

grep -q 'Linux version' "$log" ||
	t_fail "the kernel log ring buffer lost its first lines (no 'Linux version' line), so part of the boot went unscanned"

problems=$(grep -E "$KERNEL_PROBLEMS" "$log")
if [ -n "$problems" ]; then
	t_fail "kernel log lines match '$KERNEL_PROBLEMS':"
	echo "$problems" | head -n 60 | sed 's/^/#   /'
fi

# dmesg -r prefixes each line with <N>, the syslog priority: level N % 8,
# where 0 to 3 are emerg, alert, crit and err.
errors=$(awk '
	/imatap-vm: expected errors begin/ { expected = 1; next }
	/imatap-vm: expected errors end/ { expected = 0; next }
	{
		level = 7
		if (match($0, /^<[0-9]+>/))
			level = substr($0, 2, RLENGTH - 2) % 8
		if (level <= 3 && /imatap/ && !/imatap-vm:/ && !expected)
			print
	}' "$log")
if [ -n "$errors" ]; then
	t_fail "imatap error lines outside expected sections:"
	echo "$errors" | head -n 60 | sed 's/^/#   /'
fi

t_finish
