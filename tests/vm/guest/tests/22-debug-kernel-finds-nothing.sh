# SPDX-License-Identifier: GPL-2.0
#
# Runs on a kernel with KASAN, lockdep, atomic-sleep checks, debug objects
# and kmemleak (scripts/build-debug-kernel). The tests before this one in
# the boot (storm, overflow, unload and load) must have left no report of
# these checks, and lockdep must still be on. A kmemleak scan after one
# more unload and load must find no object that the module allocated. The
# kernel-log-clean test then scans the whole log.
# vm-boot: tpm
# vm-timeout: 300
# vm-kernel-config: CONFIG_KASAN CONFIG_PROVE_LOCKING CONFIG_DEBUG_ATOMIC_SLEEP CONFIG_DEBUG_KMEMLEAK CONFIG_DEBUG_OBJECTS
. /vm/lib.sh
t_require_module

KMEMLEAK=/sys/kernel/debug/kmemleak
# The first line of a report by one of these checks.
DEBUG_REPORTS='BUG: KASAN|WARNING: possible circular locking|WARNING: possible recursive locking|WARNING: inconsistent lock state|WARNING: suspicious RCU usage|BUG: sleeping function called from invalid context|BUG: scheduling while atomic|BUG: workqueue leaked|ODEBUG:|kmemleak: .*suspected memory leak'

dmesg >"$T_DIR/dmesg"
grep -q 'KernelAddressSanitizer initialized' "$T_DIR/dmesg" ||
	t_fail "the kernel log has no 'KernelAddressSanitizer initialized' line: KASAN is off"

# debug_locks drops to 0 when lockdep reports a problem or gives up, and
# from then on lockdep checks nothing.
[ -r /proc/lockdep_stats ] || t_abort "/proc/lockdep_stats is missing: lockdep is off"
t_check_eq "debug_locks in /proc/lockdep_stats" 1 \
	"$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)"

reports=$(grep -E "$DEBUG_REPORTS" "$T_DIR/dmesg")
if [ -n "$reports" ]; then
	t_fail "debug reports in the kernel log:"
	echo "$reports" | head -n 40 | sed 's/^/#   /'
fi

grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug ||
	t_abort "cannot mount debugfs on /sys/kernel/debug"
[ -w "$KMEMLEAK" ] || t_abort "$KMEMLEAK is missing: kmemleak is off"

# One more unload and load, so that whatever the module leaks on exit is
# unreferenced by the time kmemleak scans.
out=$(rmmod imatap 2>&1) || t_abort "rmmod imatap failed: $out"
out=$(insmod "$MODULE" 2>&1) || t_abort "insmod $MODULE failed: $out"

# kmemleak reports an unreferenced object only when it is older than 5 s
# and its contents did not change since the previous scan.
sleep 6
echo scan >"$KMEMLEAK" || t_abort "echo scan >$KMEMLEAK failed"
sleep 1
echo scan >"$KMEMLEAK" || t_abort "echo scan >$KMEMLEAK failed"
cat "$KMEMLEAK" >"$T_DIR/kmemleak"
t_info "kmemleak: $(grep -c '^unreferenced object' "$T_DIR/kmemleak") unreferenced objects in the whole kernel"

# One report per object: its header line, then its backtrace. A frame in
# the module prints as "name+off/size [imatap]" while it is loaded, and as
# a bare address ("] 0xffff...") in code since unloaded, which here can
# only be the module's.
leaks=$(awk '
	function flush() { if (hit) print block; hit = 0 }
	/^unreferenced object/ { flush(); block = $0; next }
	{ block = block "\n" $0 }
	/\[imatap\]/ || /\] 0x[0-9a-f]+$/ { hit = 1 }
	END { flush() }' "$T_DIR/kmemleak")
if [ -n "$leaks" ]; then
	t_fail "kmemleak reports objects that the module allocated:"
	echo "$leaks" | head -n 60 | sed 's/^/#   /'
fi

t_finish
