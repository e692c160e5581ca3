# SPDX-License-Identifier: GPL-2.0
#
# 50 unload/load cycles while storms run and two listeners are joined: the
# module unloads every time, and the kernel logs no warning, BUG, oops or
# lockdep report.
# vm-boot: tpm
# vm-timeout: 1200
. /vm/lib.sh
t_require_module

CYCLES=50
STATUS_FLAG_LISTENERS=4

# Storms one after another until the stop file appears.
run_storms() {
	round=0
	while [ ! -e "$T_DIR/stop-storms" ]; do
		imatap-storm --dir "$T_DIR/storm$round" --files 1000 --jobs 2 \
			--violations 5 >/dev/null 2>"$T_DIR/storm.err" ||
			echo "round $round failed: $(cat "$T_DIR/storm.err")" >>"$T_DIR/storm-failures"
		rm -rf "$T_DIR/storm$round"
		round=$((round + 1))
	done
}

t_kmsg "reload cycles begin"
count_before=$(t_measurement_count)
run_storms &
T_PIDS="$T_PIDS $!"
storm_pid=$!

unloads=0
cycle=1
while [ $cycle -le $CYCLES ]; do
	if ! t_module_loaded; then
		out=$(insmod "$MODULE" 2>&1) || t_abort "cycle $cycle: insmod failed: $out"
	fi
	# Start at the end of the log: dumping all of it each cycle is slow.
	from=$(t_measurement_count)
	rm -f "$T_DIR"/a.* "$T_DIR"/b.*
	t_start_listener a --from "$from"
	t_start_listener b --from "$from"

	flags=$(imatap-testlisten --status 2>&1 | awk '$1 == "flags" { print $2 }')
	if [ $((flags & STATUS_FLAG_LISTENERS)) -eq 0 ]; then
		t_fail "cycle $cycle: status flags '$flags' lack IMATAP_STATUS_F_LISTENERS with two listeners joined"
	fi

	out=$(rmmod imatap 2>&1) || t_fail "cycle $cycle: rmmod failed: $out"
	if t_module_loaded; then
		t_fail "cycle $cycle: imatap still in /proc/modules after rmmod"
	else
		unloads=$((unloads + 1))
	fi
	kill -KILL "$(cat "$T_DIR/a.pid")" "$(cat "$T_DIR/b.pid")" 2>/dev/null
	wait "$(cat "$T_DIR/a.pid")" "$(cat "$T_DIR/b.pid")" 2>/dev/null
	cycle=$((cycle + 1))
done

touch "$T_DIR/stop-storms"
t_wait_exit "$storm_pid" 300 || t_fail "storm loop did not stop within 300 s"
[ -s "$T_DIR/storm-failures" ] && t_fail "storms failed: $(head -c 2000 "$T_DIR/storm-failures")"
out=$(insmod "$MODULE" 2>&1) || t_fail "insmod after the cycles failed: $out"

t_check_eq "unloads that removed the module" $CYCLES $unloads
t_check_gt "entries added by the storms during the cycles" 1000 \
	$(($(t_measurement_count) - count_before))
problems=$(t_kernel_log_since "reload cycles begin" | grep -E "$KERNEL_PROBLEMS")
[ -z "$problems" ] || t_fail "kernel log during the cycles: $(echo "$problems" | head -n 20)"

t_finish
