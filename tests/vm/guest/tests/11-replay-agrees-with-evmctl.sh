# SPDX-License-Identifier: GPL-2.0
#
# "imatap replay" and evmctl ima_measurement (ima-evm-utils, an independent
# implementation) agree on a log captured in this VM. capture-ima-case reads
# the sha1 and sha256 PCRs first and the log after them, so the log may run
# ahead. Both tools must report a match in each bank, and both must report
# a mismatch on a copy with one flipped byte in a file digest.
# evmctl-crosscheck.sh also compares the entries at which each bank matched
# and the entries that fail their template digest. "imatap replay --tpm"
# on the live log, which reads the PCRs before the log, must match as well.
# evmctl 1.4 rejects a log that mixes the "ima" template with others, so
# this test has a boot of its own, in which no test may add "ima" entries.
# vm-boot: tpm-evmctl
# vm-timeout: 600
. /vm/lib.sh

command -v imatap >/dev/null || t_skip "userspace/imatap not built"
command -v evmctl >/dev/null || t_skip "evmctl not in the initramfs; install ima-evm-utils on the host"
command -v bash >/dev/null || t_skip "bash not in the initramfs; evmctl-crosscheck.sh needs it"
[ -d /sys/class/tpm/tpm0/pcr-sha1 ] || t_abort "no /sys/class/tpm/tpm0/pcr-sha1 in the TPM boot"
[ -d /sys/class/tpm/tpm0/pcr-sha256 ] || t_abort "no /sys/class/tpm/tpm0/pcr-sha256 in the TPM boot"

CASE=$T_DIR/case
TAMPERED=$T_DIR/tampered

# Odd names and violations in the log, and a file whose digest is flipped
# below. Running both tools once first measures them and their libraries,
# so that the runs below add no entries.
t_storm names --files 100 --jobs 1 --violations 2 --odd-names
echo "imatap evmctl crosscheck" >"$T_DIR/target"
cat "$T_DIR/target" >/dev/null
imatap --help >/dev/null 2>&1
evmctl --version >/dev/null 2>&1

sh /vm/capture-ima-case "$CASE" 2>"$T_DIR/capture.err" ||
	t_abort "capture-ima-case $CASE failed: $(cat "$T_DIR/capture.err")"
t_logstat "$CASE/binary_runtime_measurements"
t_info "captured: $(tr '\n' ' ' <"$CASE/binary_runtime_measurements.stat")"
t_check_eq "\"ima\" template entries in the captured log" 0 \
	"$(t_template_count "$CASE/binary_runtime_measurements.stat" ima)"

# tool_messages FILE: print the first lines of a tool's output that are not log
# entries (evmctl -v prints every entry), on one line.
tool_messages() {
	grep -v '^10 ' "$1" | head -n 8 | tr '\n' ' '
}

# replay_both NAME DIR: run both tools on DIR's log and PCR files, keeping
# their output in $T_DIR/NAME.imatap and $T_DIR/NAME.evmctl and their exit
# statuses in imatap_status and evmctl_status.
replay_both() {
	imatap replay --pcrs "sha1,$2/evmctl-pcrs-sha1.txt" \
		--pcrs "sha256,$2/evmctl-pcrs-sha256.txt" \
		"$2/binary_runtime_measurements" >"$T_DIR/$1.imatap" 2>&1
	imatap_status=$?
	evmctl ima_measurement -v --ignore-violations \
		--pcrs "sha1,$2/evmctl-pcrs-sha1.txt" \
		--pcrs "sha256,$2/evmctl-pcrs-sha256.txt" \
		"$2/binary_runtime_measurements" >"$T_DIR/$1.evmctl" 2>&1
	evmctl_status=$?
	t_info "$1: imatap replay exit $imatap_status: $(grep -E '^(bank|template)' "$T_DIR/$1.imatap" | tr '\n' ' ')"
	t_info "$1: evmctl exit $evmctl_status: $(grep -E 'PCR-10: succeed|Matched|Failed' "$T_DIR/$1.evmctl" | tr '\n' ' ')"
}

replay_both captured "$CASE"
t_check_eq "exit status of imatap replay on the captured log" 0 "$imatap_status"
t_check_eq "exit status of evmctl ima_measurement on the captured log" 0 "$evmctl_status"
for bank in sha1 sha256; do
	grep -q "^bank $bank: match after record " "$T_DIR/captured.imatap" ||
		t_fail "imatap replay on the captured log: expected 'bank $bank: match after record N', got: $(grep "^bank $bank" "$T_DIR/captured.imatap")"
	grep -q "^$bank PCR-10: succeed at entry " "$T_DIR/captured.evmctl" ||
		t_fail "evmctl on the captured log: expected '$bank PCR-10: succeed at entry N', got: $(tool_messages "$T_DIR/captured.evmctl")"
done

# Flip the last byte of the target's file digest, which is 32 bytes long.
# In an ima-sig or ima-ng record it follows the PCR (4 bytes), the template
# digest (20), the name length (4), the template name, the template data
# length (4), the d-ng field length (4) and "sha256:" with its NUL (8).
line=$(imatap log --json "$CASE/binary_runtime_measurements" |
	grep -F "\"name\":\"$T_DIR/target\"" | head -n 1)
offset=$(echo "$line" | sed -n 's/.*"offset":\([0-9]*\),.*/\1/p')
template=$(echo "$line" | sed -n 's/.*"template":"\([^"]*\)".*/\1/p')
algorithm=$(echo "$line" | sed -n 's/.*"file_digest":{"algorithm":"\([^"]*\)".*/\1/p')
is_number "$offset" || t_abort "no entry for $T_DIR/target in 'imatap log --json' of the captured log"
t_check_eq "file digest algorithm of $T_DIR/target's entry" sha256 "$algorithm"
byte=$((offset + 4 + 20 + 4 + ${#template} + 4 + 4 + 8 + 31))
old=$(od -An -tu1 -j "$byte" -N 1 "$CASE/binary_runtime_measurements" | tr -d ' ')
mkdir -p "$TAMPERED"
cp "$CASE"/evmctl-pcrs-*.txt "$CASE/binary_runtime_measurements" "$TAMPERED/"
printf "\\$(printf %03o $((old ^ 1)))" |
	dd of="$TAMPERED/binary_runtime_measurements" bs=1 seek="$byte" conv=notrunc 2>/dev/null
new=$(od -An -tu1 -j "$byte" -N 1 "$TAMPERED/binary_runtime_measurements" | tr -d ' ')
t_check_eq "byte $byte of the tampered copy (was $old)" $((old ^ 1)) "$new"

replay_both tampered "$TAMPERED"
t_check_eq "exit status of imatap replay on the tampered log" 1 "$imatap_status"
grep -q "template digest mismatch" "$T_DIR/tampered.imatap" ||
	t_fail "imatap replay on the tampered log: expected a 'template digest mismatch' line, got: $(tool_messages "$T_DIR/tampered.imatap")"
t_check_eq "exit status of evmctl ima_measurement on the tampered log" 1 "$evmctl_status"
grep -q "Failed to verify template data digest" "$T_DIR/tampered.evmctl" ||
	t_fail "evmctl on the tampered log: expected 'Failed to verify template data digest', got: $(tool_messages "$T_DIR/tampered.evmctl")"

# Same verdict, same matching entries and same failing entries in both.
IMATAP=$(command -v imatap) bash /vm/evmctl-crosscheck.sh "$CASE" "$TAMPERED" \
	>"$T_DIR/crosscheck.out" 2>&1
status=$?
while read -r result; do
	t_info "crosscheck: $result"
done <"$T_DIR/crosscheck.out"
t_check_eq "exit status of evmctl-crosscheck.sh" 0 "$status"

imatap replay --tpm >"$T_DIR/live.out" 2>&1
status=$?
t_info "imatap replay --tpm: $(grep '^bank' "$T_DIR/live.out" | tr '\n' ' ')"
t_check_eq "exit status of 'imatap replay --tpm' on the live log" 0 "$status"
for bank in sha1 sha256; do
	grep -q "^bank $bank: match after record " "$T_DIR/live.out" ||
		t_fail "imatap replay --tpm: expected 'bank $bank: match after record N', got: $(grep "^bank $bank" "$T_DIR/live.out")"
done

t_finish
