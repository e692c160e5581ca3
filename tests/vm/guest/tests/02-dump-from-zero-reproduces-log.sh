# SPDX-License-Identifier: GPL-2.0
#
# A dump from index 0 reproduces binary_runtime_measurements from
# boot_aggregate on, including the entries made before the module loaded.
# vm-boot: tpm
# vm-timeout: 300
. /vm/lib.sh
t_require_module

count_before=$(t_measurement_count)
imatap-testlisten --dump-from 0 --out "$T_DIR/dump.bin" 2>"$T_DIR/dump.err" ||
	t_abort "imatap-testlisten --dump-from 0 failed with status $?: $(cat "$T_DIR/dump.err")"
t_snapshot "$T_DIR/log.bin"

t_logstat "$T_DIR/dump.bin"
entries=$(t_stat "$T_DIR/dump.bin.stat" entries)
t_check_ge "entries in the dump (the log had $count_before before it)" \
	"$count_before" "$entries"
t_check_gt "entries in the dump (entries before the module loaded: $(cat "$VM_STATE/preload-count"))" \
	"$(cat "$VM_STATE/preload-count")" "$entries"
t_check_eq "event name of entry 0" boot_aggregate \
	"$(t_stat "$T_DIR/dump.bin.stat" first_name)"

# The log may have grown after the dump: compare with its prefix.
head -c "$(stat -c %s "$T_DIR/dump.bin")" "$T_DIR/log.bin" >"$T_DIR/log-prefix.bin"
t_check_same_log "dump from 0 against the start of binary_runtime_measurements" \
	"$T_DIR/log-prefix.bin" "$T_DIR/dump.bin"

t_finish
