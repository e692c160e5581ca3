# SPDX-License-Identifier: GPL-2.0
#
# A dump from a start index in the middle of the log reproduces the log from
# that entry on, and a start index past the end gives an empty dump.
# vm-boot: tpm
# vm-timeout: 300
. /vm/lib.sh
t_require_module

start=$(cat "$VM_STATE/preload-count")
imatap-testlisten --dump-from "$start" --out "$T_DIR/dump.bin" 2>"$T_DIR/dump.err" ||
	t_abort "imatap-testlisten --dump-from $start failed with status $?: $(cat "$T_DIR/dump.err")"
t_snapshot "$T_DIR/log.bin"

offset=$(imatap-logstat --offset-of "$start" "$T_DIR/log.bin")
tail -c +$((offset + 1)) "$T_DIR/log.bin" | head -c "$(stat -c %s "$T_DIR/dump.bin")" \
	>"$T_DIR/log-tail.bin"
t_check_gt "size of the dump from index $start" 0 "$(stat -c %s "$T_DIR/dump.bin")"
t_check_same_log "dump from $start against binary_runtime_measurements from entry $start" \
	"$T_DIR/log-tail.bin" "$T_DIR/dump.bin"

past_end=$(($(t_measurement_count) + 1000))
imatap-testlisten --dump-from "$past_end" --out "$T_DIR/empty.bin" 2>"$T_DIR/empty.err" ||
	t_fail "imatap-testlisten --dump-from $past_end failed with status $?: $(cat "$T_DIR/empty.err")"
t_check_eq "size of the dump from $past_end, past the end" 0 "$(stat -c %s "$T_DIR/empty.bin")"

t_finish
