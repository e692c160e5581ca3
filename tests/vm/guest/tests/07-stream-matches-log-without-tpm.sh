# SPDX-License-Identifier: GPL-2.0
#
# Without a TPM (the SHA-1 digest slot then has no TPM bank behind it) the
# stream still equals binary_runtime_measurements.
# vm-boot: notpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module

[ -e /dev/tpm0 ] && t_abort "this boot should have no TPM, but /dev/tpm0 exists"
flags=$(imatap-testlisten --status 2>"$T_DIR/status.err" | awk '$1 == "flags" { print $2 }')
[ $((flags & 1)) -ne 0 ] ||
	t_fail "status flags '$flags' lack IMATAP_STATUS_F_NO_TPM (1): $(cat "$T_DIR/status.err")"

count_before=$(t_measurement_count)
t_start_listener stream
t_storm storm --files 5000 --jobs 2 --violations 20 --odd-names \
	--cert "$CERT" --keys 10 --ima-owner 4242 --ima-ng-owner 4243

t_snapshot "$T_DIR/log.bin"
t_logstat "$T_DIR/log.bin"
count=$(t_stat "$T_DIR/log.bin.stat" entries)
t_stop_listener stream "$count" 600

t_check_same_log "listener output against binary_runtime_measurements" \
	"$T_DIR/log.bin" "$T_DIR/stream.bin"
added=$((count - count_before))
t_check_ge "entries added during the storm" \
	"$(t_stat "$T_DIR/storm.out" expected_entries)" "$added"
t_check_gt "entries the listener got from the group (half the storm is $((added / 2)))" \
	$((added / 2)) "$(t_stat "$T_DIR/stream.stats" from_group)"

t_finish
