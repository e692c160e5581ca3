# SPDX-License-Identifier: GPL-2.0
#
# evmctl ima_measurement (ima-evm-utils) replays the binary output of
# "imatap listen --binary --until N" against PCRs read before the log
# and reports a match in both banks, as it does for the kernel's log.
# The output equals the captured log byte for byte. evmctl 1.4 rejects a
# log that mixes the "ima" template with others, so this test runs in the
# boot that no test adds "ima" entries to.
# vm-boot: tpm-evmctl
# vm-timeout: 600
. /vm/lib.sh
t_require_module
command -v imatap >/dev/null || t_skip "userspace/imatap not built"
command -v evmctl >/dev/null || t_skip "evmctl not in the initramfs; install ima-evm-utils on the host"

t_storm names --files 100 --jobs 1 --violations 2 --odd-names
imatap --help >/dev/null 2>&1
evmctl --version >/dev/null 2>&1

CASE=$T_DIR/case
sh /vm/capture-ima-case "$CASE" 2>"$T_DIR/capture.err" ||
	t_abort "capture-ima-case $CASE failed: $(cat "$T_DIR/capture.err")"
t_logstat "$CASE/binary_runtime_measurements"
count=$(t_stat "$CASE/binary_runtime_measurements.stat" entries)

imatap listen --binary --until "$count" >"$T_DIR/listen.bin" 2>"$T_DIR/listen.err"
t_check_eq "exit status of imatap listen --binary --until $count (stderr: $(head -c 500 "$T_DIR/listen.err"))" \
	0 "$?"
t_check_same_log "imatap listen --binary against the captured log" \
	"$CASE/binary_runtime_measurements" "$T_DIR/listen.bin"

evmctl ima_measurement -v --ignore-violations \
	--pcrs "sha1,$CASE/evmctl-pcrs-sha1.txt" \
	--pcrs "sha256,$CASE/evmctl-pcrs-sha256.txt" \
	"$T_DIR/listen.bin" >"$T_DIR/evmctl.out" 2>&1
t_check_eq "exit status of evmctl ima_measurement on the listener's output ($(grep -v '^10 ' "$T_DIR/evmctl.out" | head -n 5 | tr '\n' ' '))" \
	0 "$?"
for bank in sha1 sha256; do
	grep -q "^$bank PCR-10: succeed at entry " "$T_DIR/evmctl.out" ||
		t_fail "evmctl on the listener's output: expected '$bank PCR-10: succeed at entry N'"
done

t_finish
