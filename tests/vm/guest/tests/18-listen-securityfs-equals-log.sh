# SPDX-License-Identifier: GPL-2.0
#
# "imatap listen --securityfs" polls binary_runtime_measurements during a
# storm and writes the same entries as the log, in binary and ASCII, and
# a restart with its --state file continues without a gap or a repeat.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module
command -v imatap >/dev/null || t_skip "userspace/imatap not built"

first=$(t_measurement_count)
l_start polled --securityfs --binary --interval 200 --from "$first"
l_start polled-ascii --securityfs --interval 200 --from "$first"
imatap-storm --dir "$T_DIR/storm" --files 1500 --jobs 2 --violations 10 \
	--odd-names >"$T_DIR/storm.out" 2>"$T_DIR/storm.err" &
storm=$!
sleep 3
l_stop polled
stopped=$(l_next_index polled)
t_check_gt "entries the first --securityfs run handled" "$first" "$stopped"
l_start polled --securityfs --binary --interval 200
wait "$storm" || t_abort "imatap-storm failed: $(head -c 1000 "$T_DIR/storm.err")"

t_snapshot "$T_DIR/log1.bin"
t_logstat "$T_DIR/log1.bin"
count=$(t_stat "$T_DIR/log1.bin.stat" entries)
l_log_range "$T_DIR/log1.bin" "$first" "$count" "$T_DIR/want.bin"
imatap log "$T_DIR/want.bin" >"$T_DIR/want.ascii"
l_wait_size polled "$(stat -c %s "$T_DIR/want.bin")" 300
l_wait_size polled-ascii "$(stat -c %s "$T_DIR/want.ascii")" 300
l_stop polled
l_stop polled-ascii
t_snapshot "$T_DIR/log2.bin"
for name in polled polled-ascii; do
	l_log_range "$T_DIR/log2.bin" "$first" "$(l_next_index "$name")" "$T_DIR/$name.range"
done
l_check_output polled binary "$T_DIR/polled.range"
l_check_output polled-ascii ascii "$T_DIR/polled-ascii.range"

t_finish
