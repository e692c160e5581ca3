# SPDX-License-Identifier: GPL-2.0
#
# Two "imatap listen --binary" listeners and "imatap daemon" at once, all on
# the module's events group, through a storm. Each listener's output
# equals binary_runtime_measurements byte for byte, and after SIGTERM the
# daemon's journal verifies as one chain that covers the whole log: none of
# the three subscribers costs another an entry.
# vm-boot: tpm-daemon
# vm-timeout: 420
. /vm/lib.sh
t_require_module

command -v imatap >/dev/null || t_skip "userspace/imatap not built"
[ -c /dev/tpmrm0 ] || t_abort "no /dev/tpmrm0 in the TPM boot"
R=$T_DIR/ref
J=$T_DIR/journal
mkdir -p "$R"

imatap reference generate --output "$R/policy.json" /vm/tests 2>"$R/generate.err" ||
	t_abort "imatap reference generate failed: $(cat "$R/generate.err")"
cat >"$R/imatap.conf" <<CONF
# Listeners and the daemon together.
journal = $J
tcti = device:/dev/tpmrm0
batch_entries = 500
batch_seconds = 1
reference = $R/policy.json
CONF

imatap daemon --config "$R/imatap.conf" --stderr 2>"$T_DIR/daemon.err" &
daemon=$!
T_PIDS="$T_PIDS $daemon"
deadline=$(($(cut -d. -f1 /proc/uptime) + 60))
until ls "$J" 2>/dev/null | grep -q '^000001-000000000000\.json$'; do
	kill -0 "$daemon" 2>/dev/null ||
		t_abort "the daemon exited: $(tail -n 3 "$T_DIR/daemon.err")"
	[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] ||
		t_abort "the daemon wrote no first record within 60 s: $(tail -n 3 "$T_DIR/daemon.err")"
	sleep 0.2
done

l_start one --binary
l_start two --binary
imatap-storm --dir "$T_DIR/storm" --files 2000 --jobs 2 --violations 10 \
	--odd-names >"$T_DIR/storm.out" 2>"$T_DIR/storm.err" ||
	t_abort "imatap-storm failed: $(head -c 1000 "$T_DIR/storm.err")"

t_snapshot "$T_DIR/log1.bin"
size=$(stat -c %s "$T_DIR/log1.bin")
l_wait_size one "$size" 300
l_wait_size two "$size" 300
l_stop one
l_stop two

kill -TERM "$daemon"
t_wait_exit "$daemon" 120 || t_fail "the daemon did not exit within 120 s of SIGTERM"
wait "$daemon"
t_check_eq "exit status of the daemon after SIGTERM" 0 "$?"
t_snapshot "$T_DIR/log2.bin"
t_info "daemon: $(tail -n 1 "$T_DIR/daemon.err")"

for name in one two; do
	next=$(l_next_index "$name")
	l_log_range "$T_DIR/log2.bin" 0 "$next" "$T_DIR/$name.range"
	l_check_output "$name" binary "$T_DIR/$name.range"
done

# The daemon's last batch took every entry up to its last quote; entries
# measured after it (the snapshot's own reads) may wait.
imatap journal verify "$J" --log "$T_DIR/log2.bin" >"$T_DIR/verify.out" 2>"$T_DIR/verify.err"
status=$?
t_info "journal verify: $(tail -n 2 "$T_DIR/verify.out" | tr '\n' ' ') $(cat "$T_DIR/verify.err")"
t_check_eq "exit status of imatap journal verify" 0 "$status"
grep -q '^chain 1: ' "$T_DIR/verify.out" || t_fail "the journal has no chain 1"
grep -q '^chain 2: ' "$T_DIR/verify.out" && t_fail "the journal has more than one chain"
t_logstat "$T_DIR/log1.bin"
last=$(grep '^ok ' "$T_DIR/verify.out" | tail -n 1 | sed -n 's/^ok [^ ]* entries [0-9]*-\([0-9]*\) .*/\1/p')
t_check_ge "last entry in the journal" "$(($(t_stat "$T_DIR/log1.bin.stat" entries) - 1))" "$last"
t_finish
