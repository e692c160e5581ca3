# SPDX-License-Identifier: GPL-2.0
#
# A listener with a tiny receive buffer, and one stopped with SIGSTOP for
# a whole storm, lose group messages (ENOBUFS or index gaps). Both still
# write exactly the log, and report each repair on stderr with the number
# of entries the repair dump delivered.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module
command -v imatap >/dev/null || t_skip "userspace/imatap not built"

first=$(t_measurement_count)
l_start tiny --binary --from "$first" --rcvbuf 1
l_start stalled --binary --from "$first"
sleep 1
# The stalled listener sleeps through the whole storm, whose messages do
# not fit its 2 MiB receive buffer.
kill -STOP "$(cat "$T_DIR/stalled.pid")"
t_storm storm --files 4000 --jobs 2 --violations 10 --cert "$CERT" --keys 4
kill -CONT "$(cat "$T_DIR/stalled.pid")"

t_snapshot "$T_DIR/log1.bin"
t_logstat "$T_DIR/log1.bin"
count=$(t_stat "$T_DIR/log1.bin.stat" entries)
l_log_range "$T_DIR/log1.bin" "$first" "$count" "$T_DIR/want.bin"
for name in tiny stalled; do
	l_wait_size "$name" "$(stat -c %s "$T_DIR/want.bin")" 300
	l_stop "$name"
done
t_snapshot "$T_DIR/log2.bin"

for name in tiny stalled; do
	next=$(l_next_index "$name")
	l_log_range "$T_DIR/log2.bin" "$first" "$next" "$T_DIR/$name.range"
	l_check_output "$name" binary "$T_DIR/$name.range"
	repairs=$(grep -c "messages lost: .*; repaired with a dump of [0-9]* entries from index [0-9]*" "$T_DIR/$name.err")
	t_info "listener $name: $repairs repairs; first: $(grep -m 1 "messages lost" "$T_DIR/$name.err")"
	t_check_gt "repairs the listener $name reported" 0 "$repairs"
	others=$(grep -vc "messages lost" "$T_DIR/$name.err")
	t_check_eq "other lines on the stderr of listener $name" 0 "$others"
done

t_finish
