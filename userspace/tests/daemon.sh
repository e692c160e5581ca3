#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# imatap daemon and imatap journal verify against a software TPM (swtpm)
# that this script starts on loopback and stops on exit. The daemon reads
# a log file (--log) that the script grows entry by entry from a captured
# IMA log, extending PCR 10 of both banks as the kernel would. It is
# killed with SIGKILL while it writes batches and restarted, reloads its
# reference values on SIGHUP, and stops on SIGTERM; the journal must then
# verify as one chain holding the whole log. Prints one KTAP line per
# test and ends with "daemon: N passed, N failed".
#
# Environment: IMATAP (the binary), IMATAP_CASES (captured IMA logs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
imatap=${IMATAP:-$here/../imatap}
cases=${IMATAP_CASES:-$here/../../../shared/cases/ima-logs}
source_log=$cases/debian61-imasig/binary_runtime_measurements

passed=0
failed=0
n=0
tmp=
swtpm_pid=
daemon_pid=

cleanup() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
	[ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null
	wait 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT

finish() {
	echo "daemon: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

echo "KTAP version 1"
echo "1..29"
for tool in swtpm swtpm_setup tpm2_pcrextend python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "# missing $tool: run scripts/install-deps"
		failed=1
		finish
	fi
done
if [ ! -x "$imatap" ] || [ ! -r "$source_log" ]; then
	echo "# missing $imatap or $source_log: run make, or set IMATAP_CASES"
	failed=1
	finish
fi

tmp=$(mktemp -d)
mkdir "$tmp/state"
if ! swtpm_setup --tpm2 --tpmstate "$tmp/state" --pcr-banks sha1,sha256 \
		--createek >"$tmp/setup.log" 2>&1 || ! start_swtpm; then
	cat "$tmp/setup.log" "$tmp/swtpm.log" 2>/dev/null
	echo "# cannot start swtpm"
	failed=1
	finish
fi

python3 - "$source_log" >"$tmp/offsets" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pos = 0
print(0)
while pos < len(data):
    name_len = struct.unpack_from("<I", data, pos + 24)[0]
    p = pos + 28 + name_len
    pos = p + 4 + struct.unpack_from("<I", data, p)[0]
    print(pos)
PY
total=$(($(wc -l <"$tmp/offsets") - 1))

# grow FIRST END: append entries FIRST..END-1 to the log, then extend PCR
# 10 with them: IMA appends before it extends.
grow() {
	local from to
	from=$(sed -n "$(($1 + 1))p" "$tmp/offsets")
	to=$(sed -n "$(($2 + 1))p" "$tmp/offsets")
	tail -c +$((from + 1)) "$source_log" | head -c $((to - from)) >>"$tmp/log"
	extend_log "$source_log" "$1" $(($2 - $1))
}

J=$tmp/journal
LOG=$tmp/daemon.log
: >"$LOG"
cat >"$tmp/imatap.conf" <<CONF
# test configuration
journal = $J
reference = $tmp/allowlist
batch_entries = 4
batch_seconds = 1
poll_seconds = 1
CONF
printf '# empty allowlist\n' >"$tmp/allowlist"

start_daemon() {
	"$imatap" daemon --config "$tmp/imatap.conf" --log "$tmp/log" \
		--stderr "$@" 2>>"$LOG" &
	daemon_pid=$!
}

# wait_log TEXT: wait up to 20 s for a log line with TEXT after line $mark.
wait_log() {
	local i
	for i in $(seq 1 100); do
		tail -n +"$((mark + 1))" "$LOG" | grep -qF -- "$1" && return 0
		sleep 0.2
	done
	echo "# no '$1' in the daemon log:"
	tail -n 5 "$LOG" | sed 's/^/#   /'
	return 1
}

# Configuration errors name the file and line and exit with 2.
printf 'journal = %s\nbatch_entries = 0\n' "$J" >"$tmp/bad.conf"
expect_exit 2 "bad batch_entries exits 2" \
	"$imatap" daemon --config "$tmp/bad.conf" --log "$tmp/log"
expect_text "$tmp/err" "$tmp/bad.conf:2: invalid batch_entries \"0\"" \
	"bad batch_entries names file and line"
printf 'journal = %s\nreference = /x\nbatchentries = 3\n' "$J" >"$tmp/bad.conf"
expect_exit 2 "unknown key exits 2" \
	"$imatap" daemon --config "$tmp/bad.conf" --log "$tmp/log"
expect_text "$tmp/err" "$tmp/bad.conf:3: unknown key \"batchentries\"" \
	"unknown key names file and line"
expect_exit 2 "no reference values exits 2" \
	"$imatap" daemon --config /dev/null --log "$tmp/log"

: >"$tmp/log"
grow 0 3
mark=0
start_daemon
wait_log "started: config $tmp/imatap.conf, journal $J, chain 1 starts at entry 0"
result $? "daemon starts a chain"
wait_log "batch 000001-000000000000.json: entries 0-2 (3)"
result $? "first batch after batch_seconds"

# SIGKILL right after new entries arrive, several times.
kills=0
for step in 3:5 5:9 9:12 12:14; do
	grow "${step%:*}" "${step#*:}"
	sleep 0.$((RANDOM % 10))
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	kills=$((kills + 1))
	mark=$(wc -l <"$LOG")
	start_daemon
	wait_log "chain 1 continues at entry" >/dev/null || break
done
[ "$kills" = 4 ]
result $? "daemon continues chain 1 after 4 kills"

# A temporary file that a crash left is removed at the next start.
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
printf '{"half' >"$J/.000001-000000000099.json.x1y2z3"
mark=$(wc -l <"$LOG")
start_daemon
wait_log "removed 1 temporary files"
result $? "start removes a half-written temporary file"
grow 14 16
wait_log "entries 14-15"
result $? "batch after the restart continues at the next entry"

# SIGHUP: a malformed file keeps the old values, a good one applies.
mark=$(wc -l <"$LOG")
printf 'zz  /bin/busybox\n' >"$tmp/allowlist"
kill -HUP "$daemon_pid"
wait_log "reloading reference values failed: $tmp/allowlist:1:"
result $? "SIGHUP with a malformed allowlist names file and line"
wait_log "the previous values stay in force"
result $? "SIGHUP with a malformed allowlist keeps the old values"
sum=$(awk '$5 == "/bin/busybox" { sub(/^sha256:/, "", $4); print $4; exit }' \
	"$cases/debian61-imasig/ascii_runtime_measurements")
printf '%s  /bin/busybox\n' "$sum" >"$tmp/allowlist"
mark=$(wc -l <"$LOG")
kill -HUP "$daemon_pid"
wait_log "reloaded reference values: policy sha256:"
result $? "SIGHUP with a good allowlist reloads"
grow 16 20

# SIGTERM writes what waits and exits 0.
sleep 0.3
mark=$(wc -l <"$LOG")
kill -TERM "$daemon_pid"
wait "$daemon_pid"
status=$?
daemon_pid=
[ "$status" = 0 ]
result $? "SIGTERM exits 0"
grep -q "stopped: " "$LOG"
result $? "stop is logged"
grow 20 "$total"

expect_exit 0 "journal verify with the log" \
	"$imatap" journal verify "$J" --log "$tmp/log"
expect_text "$tmp/out" "the last chain covers its first" \
	"journal verify compares the log"
waiting=$(sed -n 's/.*; \([0-9]*\) entries wait$/\1/p' "$tmp/out")
[ "$waiting" = $((total - 20)) ]
result $? "journal verify counts the $((total - 20)) waiting entries (got $waiting)"
expect_exit 1 "journal verify fails with too many waiting entries" \
	"$imatap" journal verify "$J" --log "$tmp/log" --max-waiting 1

# A record is also evidence for imatap verify, with its own nonce.
second=$(ls "$J" | grep '^000001-' | sed -n 2p)
first=$(ls "$J" | grep '^000001-' | sed -n 1p)
expect_exit 0 "a record verifies with imatap verify --previous" \
	"$imatap" verify "$J/$second" --ak "$J/ak.pub" --previous "$J/$first"

# ... and for imatap appraise, which without --previous fails the chain check.
expect_exit 1 "appraise of a later record without --previous" \
	"$imatap" appraise --reference "$tmp/allowlist" --ak "$J/ak.pub" "$J/$second"
expect_text "$tmp/out" "EVIDENCE FAILED: evidence check chain failed" \
	"appraise without --previous reports the chain check"
expect_exit 1 "appraise of a later record with --previous" \
	"$imatap" appraise --reference "$tmp/allowlist" --ak "$J/ak.pub" \
	--previous "$J/$first" "$J/$second"
! grep -q "EVIDENCE FAILED" "$tmp/out" && ! grep -q "^claims:.* 99" "$tmp/out" &&
	grep -q "^failing entries: [1-9][0-9]* of [1-9]" "$tmp/out"
result $? "appraise with --previous verifies the record and judges its entries"
expect_exit 2 "appraise --previous with a log is a usage error" \
	"$imatap" appraise --reference "$tmp/allowlist" --previous "$J/$first" "$tmp/log"

# A changed byte in a record fails the journal check.
cp -a "$J" "$tmp/tampered"
python3 - "$tmp/tampered/$second" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
start = text.index('"log": ["application/vnd.imatap.ima-log", "') + 44
c = text[start + 10]
text = text[:start + 10] + ("A" if c != "A" else "B") + text[start + 11:]
open(path, "w").write(text)
PY
expect_exit 1 "journal verify fails on a changed record" \
	"$imatap" journal verify "$tmp/tampered"
expect_text "$tmp/err" "$second" "journal verify names the changed record"

# The daemon sets the changed record and those after it aside.
mark=$(wc -l <"$LOG")
"$imatap" daemon --config "$tmp/imatap.conf" --log "$tmp/log" --journal "$tmp/tampered" \
	--stderr 2>>"$LOG" &
daemon_pid=$!
wait_log "chain 1 continues at entry"
[ -e "$tmp/tampered/damaged/$second" ]
result $? "daemon moves the changed record to damaged/"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=
expect_exit 0 "journal with re-quoted entries verifies" \
	"$imatap" journal verify "$tmp/tampered" --log "$tmp/log" --max-waiting 0

finish
