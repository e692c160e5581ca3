# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest tests, sourced by each /vm/tests/NAME.sh.
#
# A test prints diagnostics as "# " lines, records each failed check with
# t_fail or a t_check_* helper and ends with t_finish. init turns the exit
# status into the KTAP line: 0 pass, 4 skip (t_skip), anything else fail.
# init sets T_DIR (an empty scratch directory on tmpfs, removed after the
# test), T_NAME and T_SKIP_FILE.

IMA_DIR=/sys/kernel/security/ima
VM_STATE=/run/imatap-vm
MODULE=/vm/imatap.ko
CERT=/vm/cert.der
# Kernel log lines that mean a kernel bug, for the log scans. A lockdep
# kernel prints "RCU lockdep checking is enabled" at boot, so only the
# line lockdep prints after its first report counts.
KERNEL_PROBLEMS='WARNING:|BUG:|Oops|lockdep is turned off|KASAN|circular locking|sleeping function called from invalid context|general protection fault|Call Trace|detected stall|blocked for more than'

T_FAILURES=0
T_PIDS=

t_info() {
	echo "# $*"
}

t_fail() {
	echo "# FAIL: $*"
	T_FAILURES=$((T_FAILURES + 1))
}

# Kill the background processes this test started.
t_stop_background() {
	for pid in $T_PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	T_PIDS=
}

t_finish() {
	t_stop_background
	if [ "$T_FAILURES" -ne 0 ]; then
		echo "# $T_NAME: $T_FAILURES check(s) failed"
		exit 1
	fi
	exit 0
}

# Fail and end the test now, for a step that later checks depend on.
t_abort() {
	t_fail "$*"
	t_finish
}

t_skip() {
	echo "$*" >"$T_SKIP_FILE"
	echo "# SKIP: $*"
	t_stop_background
	exit 4
}

is_number() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# t_check_eq WHAT EXPECTED ACTUAL
t_check_eq() {
	[ "$2" = "$3" ] || t_fail "$1: expected $2, got '$3'"
}

# t_check_ge WHAT MINIMUM ACTUAL (integers)
t_check_ge() {
	if ! is_number "$3"; then
		t_fail "$1: expected a number >= $2, got '$3'"
	elif [ "$3" -lt "$2" ]; then
		t_fail "$1: expected >= $2, got $3"
	fi
}

# t_check_gt WHAT BOUND ACTUAL (integers)
t_check_gt() {
	if ! is_number "$3"; then
		t_fail "$1: expected a number > $2, got '$3'"
	elif [ "$3" -le "$2" ]; then
		t_fail "$1: expected > $2, got $3"
	fi
}

# t_check_same_log WHAT EXPECTED_FILE ACTUAL_FILE: both files in binary log
# format must be byte-identical. On a difference, name the entry.
t_check_same_log() {
	cmp -s "$2" "$3" && return 0

	expected_size=$(stat -c %s "$2")
	actual_size=$(stat -c %s "$3")
	t_fail "$1: $3 ($actual_size bytes) differs from $2 ($expected_size bytes)"
	first=$(cmp "$2" "$3" 2>&1 | head -n 1)
	t_info "cmp: $first"
	byte=$(echo "$first" | sed -n 's/.*char \([0-9]*\).*/\1/p')
	if [ -n "$byte" ]; then
		t_info "first difference is in entry $(imatap-logstat --entry-at $((byte - 1)) "$2") of $2"
	fi
}

# t_stat FILE KEY: the value of a "key value" line.
t_stat() {
	awk -v key="$2" '$1 == key { print $2; exit }' "$1"
}

# t_template_count STATS_FILE TEMPLATE: the count from imatap-logstat output.
t_template_count() {
	awk -v name="$2" '$1 == "template" && $2 == name { n = $3 } END { print n + 0 }' "$1"
}

t_measurement_count() {
	cat "$IMA_DIR/runtime_measurements_count"
}

# t_snapshot FILE: copy binary_runtime_measurements as it is now.
t_snapshot() {
	cat "$IMA_DIR/binary_runtime_measurements" >"$1" ||
		t_abort "cannot read $IMA_DIR/binary_runtime_measurements"
}

# t_logstat FILE: write imatap-logstat's counts for FILE to FILE.stat.
t_logstat() {
	imatap-logstat "$1" >"$1.stat" 2>"$1.stat.err" ||
		t_abort "imatap-logstat $1 failed: $(cat "$1.stat.err")"
}

t_module_loaded() {
	grep -q '^imatap ' /proc/modules
}

# Skip without the module, load it if needed, end the test if that fails.
t_require_module() {
	[ -f "$MODULE" ] || t_skip "module not built"
	t_module_loaded && return 0
	out=$(insmod "$MODULE" 2>&1) || t_abort "insmod $MODULE failed: $out"
}

# t_kmsg TEXT: write a marker line to the kernel log.
t_kmsg() {
	echo "imatap-vm: $*" >/dev/kmsg
}

# t_kernel_log_since TEXT: the kernel log from the last marker TEXT on.
t_kernel_log_since() {
	dmesg | awk -v mark="imatap-vm: $1" 'index($0, mark) { n = 0 } { lines[n++] = $0 } END { for (i = 0; i < n; i++) print lines[i] }'
}

# t_wait_exit PID SECONDS: wait for a background process to end. Return 0
# when it has ended, 1 when it still runs after SECONDS.
t_wait_exit() {
	deadline=$(($(cut -d. -f1 /proc/uptime) + $2))
	while kill -0 "$1" 2>/dev/null; do
		# A zombie counts as ended: only wait reaps it.
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && return 0
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
	return 0
}

# t_start_listener NAME [OPTIONS]: start "imatap-testlisten --follow" with
# output $T_DIR/NAME.bin and statistics $T_DIR/NAME.stats, and wait until it
# has joined the group and caught up with a dump.
t_start_listener() {
	name=$1
	shift
	imatap-testlisten --follow --out "$T_DIR/$name.bin" \
		--ready-file "$T_DIR/$name.ready" \
		--until-file "$T_DIR/$name.until" "$@" \
		>"$T_DIR/$name.stats" 2>"$T_DIR/$name.err" &
	pid=$!
	echo "$pid" >"$T_DIR/$name.pid"
	T_PIDS="$T_PIDS $pid"

	deadline=$(($(cut -d. -f1 /proc/uptime) + 120))
	while [ ! -e "$T_DIR/$name.ready" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			t_abort "listener $name exited with status $? before it was ready: $(cat "$T_DIR/$name.err")"
		fi
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] ||
			t_abort "listener $name not ready within 120 s"
		sleep 0.1
	done
}

# t_stop_listener NAME COUNT SECONDS: make the listener stop once it has
# written the entries before index COUNT, wait up to SECONDS for it, check
# its exit status and print its statistics.
t_stop_listener() {
	name=$1
	pid=$(cat "$T_DIR/$name.pid")
	echo "$2" >"$T_DIR/$name.until"
	kill -USR1 "$pid"
	if ! t_wait_exit "$pid" "$3"; then
		kill -TERM "$pid"
		t_wait_exit "$pid" 10
		t_fail "listener $name did not write entries up to index $2 within $3 s"
	fi
	wait "$pid"
	status=$?
	t_info "listener $name: $(tr '\n' ' ' <"$T_DIR/$name.stats")"
	[ -s "$T_DIR/$name.err" ] && t_info "listener $name stderr: $(head -c 2000 "$T_DIR/$name.err")"
	t_check_eq "exit status of listener $name" 0 "$status"
}

# t_storm NAME [OPTIONS]: run imatap-storm in $T_DIR/NAME and keep its
# "key value" output in $T_DIR/NAME.out.
t_storm() {
	name=$1
	shift
	imatap-storm --dir "$T_DIR/$name" "$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err" ||
		t_abort "imatap-storm $* failed: $(head -c 2000 "$T_DIR/$name.err")"
	t_info "storm $name: $(tr '\n' ' ' <"$T_DIR/$name.out")"
}

# l_start NAME [OPTIONS]: start "imatap listen --state $T_DIR/NAME.state"
# with OPTIONS in the background, output in $T_DIR/NAME.out (appended, so
# that a restart continues the file) and stderr in $T_DIR/NAME.err.
l_start() {
	name=$1
	shift
	imatap listen --state "$T_DIR/$name.state" "$@" \
		>>"$T_DIR/$name.out" 2>>"$T_DIR/$name.err" &
	echo $! >"$T_DIR/$name.pid"
	T_PIDS="$T_PIDS $!"
}

# l_wait_size NAME BYTES SECONDS: wait until $T_DIR/NAME.out has at least
# BYTES bytes. Fails the test if it does not within SECONDS.
l_wait_size() {
	deadline=$(($(cut -d. -f1 /proc/uptime) + $3))
	while [ "$(stat -c %s "$T_DIR/$1.out")" -lt "$2" ]; do
		if [ "$(cut -d. -f1 /proc/uptime)" -ge "$deadline" ]; then
			t_fail "listener $1 wrote $(stat -c %s "$T_DIR/$1.out") of $2 bytes within $3 s; stderr: $(head -c 1000 "$T_DIR/$1.err")"
			return 1
		fi
		sleep 0.2
	done
}

# l_stop NAME: send SIGTERM, wait for the listener and check that it exits
# with status 0.
l_stop() {
	pid=$(cat "$T_DIR/$1.pid")
	kill -TERM "$pid"
	if ! t_wait_exit "$pid" 60; then
		kill -KILL "$pid"
		t_fail "listener $1 did not exit within 60 s of SIGTERM"
	fi
	wait "$pid"
	t_check_eq "exit status of listener $1 after SIGTERM (stderr: $(head -c 1000 "$T_DIR/$1.err"))" 0 "$?"
}

# l_next_index NAME: the next index in the listener's state file.
l_next_index() {
	awk '$1 == "next_index" { print $2 }' "$T_DIR/$1.state"
}

# l_log_range LOG FIRST END OUT: entries FIRST..END-1 of the binary log LOG,
# cut at the offsets imatap-logstat finds, into OUT.
l_log_range() {
	from=$(imatap-logstat --offset-of "$2" "$1") ||
		t_abort "imatap-logstat --offset-of $2 $1 failed"
	to=$(imatap-logstat --offset-of "$3" "$1") ||
		t_abort "imatap-logstat --offset-of $3 $1 failed"
	tail -c +$((from + 1)) "$1" | head -c $((to - from)) >"$4"
}

# l_check_output NAME FORMAT EXPECTED_BIN: the listener's output equals the
# binary log EXPECTED_BIN in FORMAT (binary, ascii or json); the text
# formats are compared with "imatap log" of EXPECTED_BIN.
l_check_output() {
	case $2 in
	binary) cp "$3" "$T_DIR/$1.expected" ;;
	ascii) imatap log "$3" >"$T_DIR/$1.expected" ;;
	json) imatap log --json "$3" >"$T_DIR/$1.expected" ;;
	esac
	if [ "$2" = binary ]; then
		t_check_same_log "listener $1 output" "$T_DIR/$1.expected" "$T_DIR/$1.out"
	elif ! cmp -s "$T_DIR/$1.expected" "$T_DIR/$1.out"; then
		t_fail "listener $1 ($2) output differs from imatap log of the same entries: $(cmp "$T_DIR/$1.expected" "$T_DIR/$1.out" 2>&1 | head -n 1)"
	fi
}

if [ -s "$VM_STATE/setup-error" ]; then
	t_abort "VM setup failed: $(cat "$VM_STATE/setup-error")"
fi
