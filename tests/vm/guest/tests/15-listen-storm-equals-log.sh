# SPDX-License-Identifier: GPL-2.0
#
# "imatap listen" in its three formats, started together before a storm,
# and a fourth started while the storm runs, each write exactly the log:
# the binary output equals binary_runtime_measurements byte for byte and
# the ASCII and JSON output equal "imatap log" of the same entries. Each
# stops with status 0 on SIGTERM and records where it stopped. Without
# CAP_NET_ADMIN the command fails with a message that names it.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module
command -v imatap >/dev/null || t_skip "userspace/imatap not built"

l_start binary --binary
l_start ascii
l_start json --json
imatap-storm --dir "$T_DIR/storm" --files 1500 --jobs 2 --violations 10 \
	--odd-names --cert "$CERT" --keys 4 >"$T_DIR/storm.out" 2>"$T_DIR/storm.err" &
storm=$!
sleep 3
l_start late --binary
wait "$storm" || t_abort "imatap-storm failed: $(head -c 1000 "$T_DIR/storm.err")"

t_snapshot "$T_DIR/log1.bin"
t_logstat "$T_DIR/log1.bin"
count=$(t_stat "$T_DIR/log1.bin.stat" entries)
t_info "log after the storm: $(tr '\n' ' ' <"$T_DIR/log1.bin.stat")"
imatap log "$T_DIR/log1.bin" >"$T_DIR/log1.ascii"
imatap log --json "$T_DIR/log1.bin" >"$T_DIR/log1.json"
l_wait_size binary "$(stat -c %s "$T_DIR/log1.bin")" 300
l_wait_size late "$(stat -c %s "$T_DIR/log1.bin")" 300
l_wait_size ascii "$(stat -c %s "$T_DIR/log1.ascii")" 300
l_wait_size json "$(stat -c %s "$T_DIR/log1.json")" 300
for name in binary ascii json late; do
	l_stop "$name"
done
t_snapshot "$T_DIR/log2.bin"

for format in binary ascii json late; do
	next=$(l_next_index "$format")
	t_check_ge "entries listener $format handled" "$count" "$next"
	l_log_range "$T_DIR/log2.bin" 0 "$next" "$T_DIR/$format.range"
	case $format in
	late) l_check_output late binary "$T_DIR/late.range" ;;
	*) l_check_output "$format" "$format" "$T_DIR/$format.range" ;;
	esac
done
grep -q "messages lost" "$T_DIR/binary.err" &&
	t_info "binary listener repaired losses: $(grep -c "messages lost" "$T_DIR/binary.err") repairs"

imatap-runas 65534 65534 imatap listen >"$T_DIR/nobody.out" 2>"$T_DIR/nobody.err"
t_check_eq "exit status of imatap listen as uid 65534" 5 "$?"
grep -q "needs CAP_NET_ADMIN" "$T_DIR/nobody.err" ||
	t_fail "imatap listen as uid 65534: expected a message naming CAP_NET_ADMIN, got: $(cat "$T_DIR/nobody.err")"

t_finish
