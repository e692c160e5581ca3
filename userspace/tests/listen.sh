#!/bin/bash
# Command-line tests of imatap listen that need no kernel module: usage
# errors, the message when the module is not loaded, and --securityfs
# following a file given with --file (the captured Debian 6.1 logs, a log
# that grows while it is read, a malformed log), with the state file,
# signals and a closed pipe.
#
# Environment: IMATAP_CASES (default ../../shared/cases/ima-logs from the
# repository root), IMATAP (binary to test; default: ./imatap and, when
# built, build/asan/imatap).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cases=${IMATAP_CASES:-$(cd "$top/../.." && pwd)/shared/cases/ima-logs}
bin=${IMATAP:-$top/imatap}

passed=0
failed=0
n=0
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

. "$here/lib.sh"

log=$cases/debian61-imasig/binary_runtime_measurements
if [ ! -f "$log" ] || [ ! -x "$bin" ]; then
	echo "not ok 1 - $log or $bin not found (set IMATAP_CASES, run make)"
	echo "listen: 0 passed, 1 failed"
	exit 1
fi
entries=$("$bin" log --json "$log" | wc -l)

# start NAME ARGS...: run "imatap listen ARGS" in the background with
# output in $tmp/NAME.out and stderr in $tmp/NAME.err; sets pid.
start() {
	local name=$1
	shift
	"$bin" listen "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	pids="$pids $pid"
}

# stop_with SIGNAL PID: send SIGNAL, wait up to 10 s and return the exit
# status (124 if the process did not end).
stop_with() {
	local i
	kill "-$1" "$2"
	for i in $(seq 100); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$2" 2>/dev/null; then
		kill -KILL "$2"
		wait "$2" 2>/dev/null
		return 124
	fi
	wait "$2"
}

# wait_size FILE BYTES: wait up to 10 s until FILE has at least BYTES bytes.
wait_size() {
	local i
	for i in $(seq 100); do
		[ "$(stat -c %s "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# next_index STATE_FILE
next_index() {
	awk '$1 == "next_index" { print $2 }' "$1"
}

# Help and usage errors.
expect_exit 0 "listen --help" "$bin" listen --help
expect_text "$tmp/out" "Usage: imatap listen" "help shows the usage line"
expect_text "$tmp/out" "--path-prefix DIR" "help names --path-prefix"
expect_exit 0 "help listen" "$bin" help listen
expect_text "$tmp/out" "--securityfs" "help listen names --securityfs"
expect_exit 0 "help lists listen" "$bin" help
expect_text "$tmp/out" "  listen " "the command list has listen"
expect_exit 2 "--json with --binary" "$bin" listen --json --binary
expect_text "$tmp/err" "give only one of --json and --binary" "two formats named"
expect_exit 2 "--pcr 64" "$bin" listen --pcr 64
expect_text "$tmp/err" 'invalid PCR "64": expected a number from 0 to 63' "bad PCR quoted"
expect_exit 2 "--from not a number" "$bin" listen --from 12x
expect_text "$tmp/err" 'invalid --from "12x"' "bad --from quoted"
expect_exit 2 "--count 0" "$bin" listen --count 0
expect_exit 2 "--interval below 10 ms" "$bin" listen --securityfs --interval 5
expect_exit 2 "--file without --securityfs" "$bin" listen --file "$log"
expect_text "$tmp/err" "need --securityfs" "--file names --securityfs"
expect_exit 2 "unexpected argument" "$bin" listen "$log"
expect_exit 2 "empty --template" "$bin" listen --template ""
expect_exit 2 "unknown option" "$bin" listen --bogus

# This machine cannot load modules, so the family is missing.
if [ -d /sys/module/imatap ]; then
	echo "ok $((n + 1)) - not-loaded message # SKIP the imatap module is loaded"
	n=$((n + 1))
	passed=$((passed + 1))
else
	expect_exit 5 "not loaded: exit 5" "$bin" listen
	expect_text "$tmp/err" "the imatap module is not loaded" "not loaded: said so"
	expect_text "$tmp/err" "--securityfs" "not loaded: suggests --securityfs"
fi

# --securityfs on a complete log: each format, ranges and filters.
sfs="--securityfs --file $log --interval 50"
expect_exit 0 "securityfs binary until the end" "$bin" listen $sfs --binary --until "$entries"
cmp -s "$tmp/out" "$log"
result $? "binary output equals the log byte for byte"
expect_exit 0 "securityfs ASCII" "$bin" listen $sfs --until "$entries"
"$bin" log "$log" | cmp -s - "$tmp/out"
result $? "ASCII output equals imatap log"
expect_exit 0 "securityfs JSON" "$bin" listen $sfs --json --until "$entries"
"$bin" log --json "$log" | cmp -s - "$tmp/out"
result $? "JSON output equals imatap log --json"
expect_exit 0 "securityfs JSON --from 5" "$bin" listen $sfs --json --from 5 --until "$entries"
"$bin" log --json "$log" | tail -n +6 | cmp -s - "$tmp/out"
result $? "--from 5 starts at entry 5 with its byte offset"
expect_exit 0 "--count 3" "$bin" listen $sfs --json --count 3
[ "$(jq -r .index <"$tmp/out" | tr '\n' ' ')" = "0 1 2 " ]
result $? "--count 3 prints entries 0 to 2"
expect_exit 0 "--template ima-buf" "$bin" listen $sfs --json --template ima-buf --until "$entries"
[ "$(jq -r .template <"$tmp/out" | sort -u)" = "ima-buf" ] && [ -s "$tmp/out" ]
result $? "--template prints only ima-buf entries"
expect_exit 0 "--pcr 11" "$bin" listen $sfs --pcr 11 --until "$entries"
[ ! -s "$tmp/out" ]
result $? "--pcr 11 prints nothing from a PCR 10 log"
expect_exit 0 "--path-prefix /tmp/d" "$bin" listen $sfs --json --path-prefix /tmp/d --until "$entries"
# Entry 6's name is not UTF-8 (name_hex in JSON) but still a path.
[ "$(jq -r .index <"$tmp/out" | tr '\n' ' ')" = "4 5 6 7 10 11 12 13 14 15 16 17 18 19 " ]
result $? "--path-prefix /tmp/d prints the entries under /tmp/d, with the non-UTF-8 name (6)"
expect_exit 0 "--path-prefix /tmp/d/w" "$bin" listen $sfs --json --path-prefix /tmp/d/w --until "$entries"
[ "$(jq -r .index <"$tmp/out" | tr '\n' ' ')" = "10 11 " ]
result $? "--path-prefix /tmp/d/w matches the name itself, not /tmp/d/w*"
expect_exit 0 "--path-prefix /" "$bin" listen $sfs --json --path-prefix / --until "$entries"
[ "$(jq -r .index <"$tmp/out" | tr '\n' ' ')" = "$(seq -s ' ' 2 22) " ]
result $? "--path-prefix / skips boot_aggregate and the keyring name"

# The state file: two runs continue each other, filters do not move it.
state=$tmp/state
expect_exit 0 "state: first run to entry 10" "$bin" listen $sfs --binary --state "$state" --until 10
cp "$tmp/out" "$tmp/part1"
[ "$(next_index "$state")" = 10 ]
result $? "state records next index 10"
expect_exit 0 "state: second run with a filter" "$bin" listen $sfs --binary --state "$state" --until "$entries" --template none
[ ! -s "$tmp/out" ] && [ "$(next_index "$state")" = "$entries" ]
result $? "a run that prints nothing still advances the state"
printf 'imatap-listen-state 1\nboot_id %s\nnext_index 10\nnext_offset %s\n' \
	"$(cat /proc/sys/kernel/random/boot_id)" "$(stat -c %s "$tmp/part1")" >"$state"
expect_exit 0 "state: continue at entry 10" "$bin" listen $sfs --binary --state "$state" --until "$entries"
cat "$tmp/part1" "$tmp/out" | cmp -s - "$log"
result $? "two runs together equal the log"
printf 'imatap-listen-state 1\nboot_id 00000000-0000-0000-0000-000000000000\nnext_index 10\nnext_offset 1\n' >"$state"
expect_exit 0 "state from an earlier boot" "$bin" listen $sfs --binary --state "$state" --until "$entries"
cmp -s "$tmp/out" "$log"
result $? "a state from an earlier boot starts at entry 0"
expect_text "$tmp/err" "is from an earlier boot" "earlier boot reported"
echo "next_index 5" >"$state"
expect_exit 5 "invalid state file" "$bin" listen $sfs --state "$state"
expect_text "$tmp/err" "line 1: invalid or repeated line; remove it" "invalid state names the line"
ls "$tmp" | grep -q '^state\.' && result 1 "no temporary state file left" || result 0 "no temporary state file left"

# A malformed record: the entries before it stay printed, exit 3.
cut=$("$bin" log --json "$log" | jq -r 'select(.index == 2) | .offset')
head -c "$cut" "$log" >"$tmp/bad.bin"
printf '\377\377\377\377%060d' 0 >>"$tmp/bad.bin"
expect_exit 3 "malformed record: exit 3" "$bin" listen --securityfs --file "$tmp/bad.bin" --interval 50 --binary
expect_text "$tmp/err" "record 2 at byte $cut: PCR index 4294967295 is outside 0-63" "malformed record named with its index and byte"
head -c "$cut" "$log" | cmp -s - "$tmp/out"
result $? "entries before the malformed record stay printed"

# A growing log: records arrive in pieces, one cut inside a record.
half=$(( $(stat -c %s "$log") / 2 + 7 ))
head -c "$half" "$log" >"$tmp/grow.bin"
start grow --securityfs --file "$tmp/grow.bin" --interval 50 --binary --state "$tmp/grow.state"
sleep 0.5
tail -c +$((half + 1)) "$log" >>"$tmp/grow.bin"
wait_size "$tmp/grow.out" "$(stat -c %s "$log")"
result $? "a growing log is followed to its end"
stop_with TERM "$pid"
result $? "SIGTERM ends the listener with status 0"
cmp -s "$tmp/grow.out" "$log"
result $? "the growing log's output equals the log"
[ "$(next_index "$tmp/grow.state")" = "$entries" ]
result $? "SIGTERM writes the state ($entries)"
start int --securityfs --file "$log" --interval 50
sleep 0.5
stop_with INT "$pid"
result $? "SIGINT ends the listener with status 0"

# A closed pipe: 200 copies of the log exceed a pipe's buffer.
for i in $(seq 200); do cat "$log"; done >"$tmp/big.bin"
{
	"$bin" listen --securityfs --file "$tmp/big.bin" --state "$tmp/pipe.state" 2>"$tmp/pipe.err"
	echo $? >"$tmp/pipe.status"
} | head -n 2 >"$tmp/pipe.out"
[ "$(cat "$tmp/pipe.status")" = 0 ]
result $? "a closed pipe ends the listener with status 0"
[ ! -s "$tmp/pipe.err" ]
result $? "a closed pipe prints no error"
[ -s "$tmp/pipe.state" ]
result $? "a closed pipe writes the state"

# The same checks against the ASan+UBSan build, when make check built it.
if [ -z "${IMATAP:-}" ] && [ -x "$top/build/asan/imatap" ]; then
	IMATAP=$top/build/asan/imatap "$0" >"$tmp/asan.out" 2>&1
	sed -n 's/^\(not ok\|ok\) [0-9]* - /\1 - asan: /p' "$tmp/asan.out"
	passed=$((passed + $(grep -c '^ok ' "$tmp/asan.out")))
	failed=$((failed + $(grep -c '^not ok ' "$tmp/asan.out")))
	grep -q '^listen: ' "$tmp/asan.out" || failed=$((failed + 1))
fi

echo "listen: $passed passed, $failed failed"
[ "$failed" = 0 ]
