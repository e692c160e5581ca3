# SPDX-License-Identifier: GPL-2.0
#
# Two listeners joined at the same time each write the whole log, mostly
# from the group.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module

count_before=$(t_measurement_count)
t_start_listener first
t_start_listener second
t_storm storm --files 3000 --jobs 2 --violations 20 --cert "$CERT" --keys 10

t_snapshot "$T_DIR/log.bin"
t_logstat "$T_DIR/log.bin"
count=$(t_stat "$T_DIR/log.bin.stat" entries)
added=$((count - count_before))
for name in first second; do
	t_stop_listener "$name" "$count" 600
	t_check_same_log "listener $name output against binary_runtime_measurements" \
		"$T_DIR/log.bin" "$T_DIR/$name.bin"
	t_check_gt "entries listener $name got from the group (half the storm is $((added / 2)))" \
		$((added / 2)) "$(t_stat "$T_DIR/$name.stats" from_group)"
done

t_finish
