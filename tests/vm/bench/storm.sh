# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, not a test: times imatap-storm runs of 20,000 files from 2
# processes without the module, with the module and no listener, and with
# one --follow listener, and prints "# bench:" lines. Run it with
#   tests/vm/run --script tests/vm/bench/storm.sh [--no-tpm]
# It fails only when a step fails, never on a time.
# vm-timeout: 1500
. /vm/lib.sh
t_require_module

FILES=20000
JOBS=2
tpm=with
[ -e /dev/tpm0 ] || tpm=without

# bench_storm LABEL: run a storm and print its time and rate.
bench_storm() {
	t_storm "$1" --files $FILES --jobs $JOBS
	seconds=$(t_stat "$T_DIR/$1.out" seconds)
	entries=$(t_stat "$T_DIR/$1.out" expected_entries)
	echo "# bench: storm $1, $entries entries, $JOBS jobs, $tpm TPM: $seconds s, $(awk -v n="$entries" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') entries/s"
}

out=$(rmmod imatap 2>&1) || t_abort "rmmod failed: $out"
bench_storm no-module
rm -rf "$T_DIR/no-module"

out=$(insmod "$MODULE" 2>&1) || t_abort "insmod failed: $out"
bench_storm module-no-listener
rm -rf "$T_DIR/module-no-listener"

t_start_listener stream
bench_storm module-one-listener
stopped=$(cut -d' ' -f1 /proc/uptime)
t_stop_listener stream "$(t_measurement_count)" 600
echo "# bench: listener caught up $(awk -v a="$stopped" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s after the storm ended, $(t_stat "$T_DIR/stream.stats" from_group) entries from the group"

t_finish
