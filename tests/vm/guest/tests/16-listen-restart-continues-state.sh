# SPDX-License-Identifier: GPL-2.0
#
# A listener stopped with SIGTERM during a storm exits with status 0, and
# a restart with the same --state continues at the next entry: the two
# runs' output together equals the log, with no entry twice or missing.
# A third run with a filter records the same position as an unfiltered
# one, and prints only the entries that match.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module
command -v imatap >/dev/null || t_skip "userspace/imatap not built"

first=$(t_measurement_count)
l_start restart --binary --from "$first"
imatap-storm --dir "$T_DIR/storm" --files 6000 --jobs 2 --violations 10 \
	>"$T_DIR/storm.out" 2>"$T_DIR/storm.err" &
storm=$!
sleep 2
l_stop restart
stopped=$(l_next_index restart)
t_info "first run stopped at entry $stopped; the storm started at entry $first"
t_check_gt "entries the first run handled" "$first" "$stopped"
l_start restart --binary
wait "$storm" || t_abort "imatap-storm failed: $(head -c 1000 "$T_DIR/storm.err")"

t_snapshot "$T_DIR/log1.bin"
t_logstat "$T_DIR/log1.bin"
count=$(t_stat "$T_DIR/log1.bin.stat" entries)
t_check_gt "entries added during the storm after the first run stopped" "$stopped" "$count"
l_log_range "$T_DIR/log1.bin" "$first" "$count" "$T_DIR/want.bin"
l_wait_size restart "$(stat -c %s "$T_DIR/want.bin")" 300
l_stop restart
next=$(l_next_index restart)
t_snapshot "$T_DIR/log2.bin"
l_log_range "$T_DIR/log2.bin" "$first" "$next" "$T_DIR/range.bin"
l_check_output restart binary "$T_DIR/range.bin"

# Filters do not change the recorded position.
imatap listen --state "$T_DIR/filtered.state" --from "$first" --until "$count" \
	--path-prefix "$T_DIR/storm" --template ima-sig --json \
	>"$T_DIR/filtered.out" 2>"$T_DIR/filtered.err"
t_check_eq "exit status of a filtered listener with --until (stderr: $(head -c 500 "$T_DIR/filtered.err"))" 0 "$?"
t_check_eq "next index recorded by the filtered listener" "$count" "$(l_next_index filtered)"
matching=$(imatap log --json "$T_DIR/log1.bin" | tail -n +$((first + 1)) |
	grep -c "\"template\":\"ima-sig\".*\"name\":\"$T_DIR/storm/")
t_check_gt "ima-sig entries under $T_DIR/storm" 0 "$matching"
t_check_eq "entries the filtered listener printed" "$matching" "$(wc -l <"$T_DIR/filtered.out")"
others=$(grep -vc "\"template\":\"ima-sig\".*\"name\":\"$T_DIR/storm/" "$T_DIR/filtered.out")
t_check_eq "printed entries that do not match the filters" 0 "$others"

# A closed pipe ends the command with status 0: the catch-up writes more
# than a pipe holds, so a write after head exits fails with EPIPE.
{
	imatap listen --state "$T_DIR/pipe.state" 2>"$T_DIR/pipe.err"
	echo $? >"$T_DIR/pipe.status"
} | head -n 3 >"$T_DIR/pipe.out"
t_check_eq "lines read through head" 3 "$(wc -l <"$T_DIR/pipe.out")"
t_check_eq "exit status of imatap listen after its pipe closed (stderr: $(head -c 500 "$T_DIR/pipe.err"))" \
	0 "$(cat "$T_DIR/pipe.status")"
[ -s "$T_DIR/pipe.state" ] || t_fail "imatap listen wrote no state file after its pipe closed"

t_finish
