# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, not a test: the cost of the module on IMA's measurement path
# and the delivery of its events, measured with imatap-bench. Run it with
#   tests/vm/run --script tests/vm/bench/module.sh [--no-tpm]
# ("make bench" runs both). It fails only when a step fails, never on a time.
#
# Rounds of one loop over fresh files are interleaved A B C D D C B A ...,
# so that noise hits every mode alike. The loop slows as the measurement
# list grows, and that steady drift cancels out of the mean over the rounds.
# The modes:
#   A  module not loaded
#   B  module loaded, one listener joined to the events group
#   C  module loaded, no listener (only the kprobe and the sweep run)
#   D  as B, with every unbound workqueue, the module's too, kept off CPU 0
#      (/sys/devices/virtual/workqueue/cpumask), to show what the worker
#      costs the loop when it runs on the loop's CPU
# The loop is pinned to CPU 0 and the listener thread to CPU 1. Then
# imatap-bench --cycle runs switch every BLOCK files between all kprobes
# disarmed, the module's kprobe armed, armed with a listener, and disarmed
# with a busy CPU 1 (the control), which resolves the module's cost far
# more finely than rounds. Then storms
# of 2 unpinned processes, without the module and with a listener, give the
# delivery rate under load. Results are "# bench:" lines.
# vm-timeout: 1500
. /vm/lib.sh
t_require_module

# An even number, so that each mode has the same mean position.
ROUNDS=6
if [ -e /dev/tpm0 ]; then
	tpm=with
	FILES=500
	CYCLE_FILES=2400
	CYCLE_BLOCK=60
	STORM_FILES=2000
else
	tpm=without
	FILES=2000
	CYCLE_FILES=12000
	CYCLE_BLOCK=150
	STORM_FILES=10000
fi
RESULTS=$T_DIR/rounds

bench_unload() {
	t_module_loaded || return 0
	out=$(rmmod imatap 2>&1) || t_abort "rmmod imatap failed: $out"
}

bench_load() {
	t_module_loaded && return 0
	out=$(insmod "$MODULE" 2>&1) || t_abort "insmod $MODULE failed: $out"
}

# bench_run NAME OPTIONS: run imatap-bench in $T_DIR/NAME, keep its output
# in $T_DIR/NAME.out and check that every open was measured and, with a
# listener, that every event arrived once and in order.
bench_run() {
	name=$1
	shift
	imatap-bench --dir "$T_DIR/$name" "$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err" ||
		t_abort "imatap-bench $* failed: $(head -c 2000 "$T_DIR/$name.err")"
	[ -s "$T_DIR/$name.err" ] && t_info "$name stderr: $(head -c 2000 "$T_DIR/$name.err")"
	files=$(t_stat "$T_DIR/$name.out" files)
	t_check_ge "entries added by $name" "$files" "$(t_stat "$T_DIR/$name.out" entries_added)"
	if grep -q '^events_matched ' "$T_DIR/$name.out"; then
		t_check_eq "events of $name's files" "$files" "$(t_stat "$T_DIR/$name.out" events_matched)"
		t_check_eq "ENOBUFS in $name" 0 "$(t_stat "$T_DIR/$name.out" enobufs)"
		t_check_eq "repeated events in $name" 0 "$(t_stat "$T_DIR/$name.out" events_repeated)"
	fi
	# Printed for a single loop only, whose entries follow file order.
	if grep -q '^index_gaps ' "$T_DIR/$name.out"; then
		t_check_eq "index gaps in $name" 0 "$(t_stat "$T_DIR/$name.out" index_gaps)"
	fi
}

# us FILE KEY: a nanosecond value of FILE in microseconds.
us() {
	awk -v ns="$(t_stat "$1" "$2")" 'BEGIN { printf "%.1f", ns / 1000 }'
}

WQ_CPUMASK=/sys/devices/virtual/workqueue/cpumask
WQ_CPUMASK_SAVED=$(cat $WQ_CPUMASK)

# bench_round MODE ROUND: one round of the loop in mode A, B, C or D.
bench_round() {
	mode=$1
	name=r$2-$mode
	case $mode in
	A) bench_unload; bench_run "$name" --files $FILES ;;
	B) bench_load; bench_run "$name" --files $FILES --listen ;;
	C) bench_load; bench_run "$name" --files $FILES ;;
	D)
		# Some 6.1 releases leave an existing ordered workqueue on its
		# old CPUs when the mask changes, so load the module after it.
		bench_unload
		echo 2 >$WQ_CPUMASK || t_abort "cannot write 2 to $WQ_CPUMASK"
		bench_load
		bench_run "$name" --files $FILES --listen
		bench_unload
		echo "$WQ_CPUMASK_SAVED" >$WQ_CPUMASK ||
			t_abort "cannot restore $WQ_CPUMASK to $WQ_CPUMASK_SAVED"
		;;
	esac
	o=$T_DIR/$name.out
	echo "$mode $2 $(t_stat "$o" open_close_median_ns) $(t_stat "$o" open_close_mean_ns) $(t_stat "$o" open_close_p99_ns)" >>"$RESULTS"
	line="round $2 $mode: open+close median $(us "$o" open_close_median_ns) us, mean $(us "$o" open_close_mean_ns) us, p99 $(us "$o" open_close_p99_ns) us"
	if [ "$mode" = B ] || [ "$mode" = D ]; then
		line="$line; delivery $(t_stat "$o" delivered_per_s) events/s, delay median $(us "$o" delay_median_ns) us, p99 $(us "$o" delay_p99_ns) us, max $(us "$o" delay_max_ns) us, index gaps $(t_stat "$o" index_gaps)"
	fi
	echo "# bench: $line"
}

# Print, for mode $1 against A, the ratio of the mean over the rounds of
# the per-round medians (and of the means), and the median and range of the
# per-round ratios.
bench_ratio() {
	awk -v mode="$1" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function median(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == "A" { base_med[$2] = $3; base_mean[$2] = $4 }
	$1 == mode { med[$2] = $3; mean[$2] = $4 }
	END {
		n = 0
		for (r in med) {
			if (!(r in base_med)) continue
			n++
			rmed[n] = med[r] / base_med[r]; rmean[n] = mean[r] / base_mean[r]
			sa += base_med[r]; sb += med[r]; ma += base_mean[r]; mb += mean[r]
		}
		if (n == 0) exit 1
		m = median(rmed, n); mm = median(rmean, n)
		printf "%s/A over %d rounds: medians %.1f/%.1f us = %.3f (per round %.3f, %.3f to %.3f); ", mode, n, sb / n / 1000, sa / n / 1000, sb / sa, m, rmed[1], rmed[n]
		printf "means %.1f/%.1f us = %.3f (per round %.3f, %.3f to %.3f)\n", mb / n / 1000, ma / n / 1000, mb / ma, mm, rmean[1], rmean[n]
	}' "$RESULTS"
}

# bench_storm MODE ROUND: a storm of 2 processes, without the module (A) or
# with a listener (B).
bench_storm() {
	name=storm$2-$1
	if [ "$1" = A ]; then
		bench_unload
		bench_run "$name" --files $STORM_FILES --jobs 2
	else
		bench_load
		bench_run "$name" --files $STORM_FILES --jobs 2 --listen
	fi
	o=$T_DIR/$name.out
	line="storm $2 $1, $STORM_FILES files, 2 processes: $(t_stat "$o" opens_per_s) opens/s, open+close median $(us "$o" open_close_median_ns) us"
	if [ "$1" = B ]; then
		line="$line; delivery $(t_stat "$o" delivered_per_s) events/s, delay median $(us "$o" delay_median_ns) us, p99 $(us "$o" delay_p99_ns) us, max $(us "$o" delay_max_ns) us"
	fi
	echo "# bench: $line"
}

echo "# bench: kernel $(uname -r), $(nproc) CPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource), $tpm TPM"
echo "# bench: $ROUNDS rounds each of A (no module), B (module, one listener), C (module, no listener), D (B with the worker off CPU 0) in the order A B C D D C B A ...; $FILES files of 1024 bytes per round"
: >"$RESULTS"
round=1
while [ $round -le $ROUNDS ]; do
	order="A B C D"
	[ $((round % 2)) = 0 ] && order="D C B A"
	for mode in $order; do
		bench_round $mode $round
	done
	round=$((round + 1))
done
echo "# bench: $(bench_ratio B)"
echo "# bench: $(bench_ratio C)"
echo "# bench: $(bench_ratio D)"

bench_load
if ! grep -q ' /sys/kernel/debug ' /proc/mounts; then
	mount -t debugfs debugfs /sys/kernel/debug || t_abort "cannot mount debugfs"
fi
for run in 1 2 3; do
	bench_run cycle$run --files $CYCLE_FILES --cycle $CYCLE_BLOCK
	o=$T_DIR/cycle$run.out
	line="cycle $run, blocks of $CYCLE_BLOCK files:"
	for state in disarmed probe listener spin; do
		line="$line $state median $(us "$o" cycle_${state}_median_ns) mean $(us "$o" cycle_${state}_mean_ns) p99 $(us "$o" cycle_${state}_p99_ns) us"
		[ $state = disarmed ] || line="$line (ratio to disarmed: median $(t_stat "$o" cycle_${state}_ratio_median), mean $(t_stat "$o" cycle_${state}_ratio_mean))"
		[ $state = spin ] || line="$line;"
	done
	echo "# bench: $line"
done

bench_storm A 1
bench_storm B 1
bench_storm B 2
bench_storm A 2

bench_load
status=$(imatap-testlisten --status 2>&1) || t_fail "imatap-testlisten --status failed: $status"
echo "# bench: module status since the last load: $(echo "$status" | grep -E '^(sent|send_failures|probe_misses) ' | tr '\n' ' ')"
t_finish
