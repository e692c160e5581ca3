# SPDX-License-Identifier: GPL-2.0
#
# imatap daemon under a workload for about two minutes, killed with
# SIGKILL at random moments at least 5 times and restarted each time,
# then stopped with SIGTERM. Its journal must verify as one unbroken chain
# that contains every entry of binary_runtime_measurements, each record with
# an appraisal result and an EAR. SIGHUP with a malformed reference file
# keeps the old values and logs that; SIGHUP with a good one
# appraises the chain again with the new values. The daemon logs through
# syslog into busybox syslogd's memory buffer: reading a log file while
# the daemon writes it would add IMA violations to the log under test.
# vm-boot: tpm-daemon
# vm-timeout: 420
. /vm/lib.sh
t_require_module

command -v imatap >/dev/null || t_skip "userspace/imatap not built"
[ -c /dev/tpmrm0 ] || t_abort "no /dev/tpmrm0 in the TPM boot"
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
R=$T_DIR/ref
J=$T_DIR/journal
W=$T_DIR/work
KILLS=7
mkdir -p "$R" "$W"

# The ima-buf and keyring digests of this boot, so that only files decide
# the status: unknown ones make it a warning.
imatap reference generate --output "$R/policy.json" /vm/tests 2>"$R/generate.err" ||
	t_abort "imatap reference generate failed: $(cat "$R/generate.err")"
printf '# no file is listed here\n' >"$R/allowlist"
printf '^/nothing/\n' >"$R/excludes"
cat >"$R/imatap.conf" <<CONF
# The daemon of the VM test.
journal = $J
tcti = device:/dev/tpmrm0
batch_entries = 100
batch_seconds = 1
reference = $R/policy.json
reference = $R/allowlist
exclude = $R/excludes
ear_key = /vm/ear-key.pem
CONF

syslogd -n -C512 &
T_PIDS="$T_PIDS $!"
sleep 0.5
[ -S /dev/log ] || t_abort "busybox syslogd made no /dev/log"

# daemon_log: the daemon's syslog lines so far.
daemon_log() {
	logread | grep ' imatap\['
}

# log_since TEXT: the daemon's lines after line $mark that contain TEXT.
log_since() {
	daemon_log | tail -n +"$((mark + 1))" | grep -F -- "$1"
}

daemon_pid=
starts=0
start_daemon() {
	starts=$((starts + 1))
	imatap daemon --config "$R/imatap.conf" 2>"$T_DIR/daemon-$starts.err" &
	daemon_pid=$!
	T_PIDS="$T_PIDS $daemon_pid"
}

# wait_for_line TEXT SECONDS: wait until the daemon has logged a line with
# TEXT (a fixed string) after line $mark.
wait_for_line() {
	deadline=$(($(cut -d. -f1 /proc/uptime) + $2))
	until log_since "$1" >/dev/null; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# last_lines: the daemon's last 3 lines, for failure messages.
last_lines() {
	daemon_log | tail -n 3
}

# random_sleep MIN MAX: sleep a random time from MIN to MAX seconds, with
# a random fraction so that kills land anywhere in a batch.
random_sleep() {
	number=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	sleep "$((number % ($2 - $1 + 1) + $1)).$((number / 1000 % 10))"
}

records() {
	ls "$J" | grep -c '^[0-9]\{6\}-[0-9]\{12\}\.json$'
}

# The workload reads a new file in each round; reads on tmpfs are measured.
(
	i=0
	while :; do
		echo $i >"$W/w$i"
		cat "$W/w$i" >/dev/null
		i=$((i + 1))
		sleep 0.05
	done
) &
workload=$!
T_PIDS="$T_PIDS $workload"

mark=0
start_daemon
wait_for_line "started: config $R/imatap.conf" 60 ||
	t_abort "the daemon did not start within 60 s: $(last_lines) $(cat "$T_DIR/daemon-1.err")"
log_since "wake-ups from events of the imatap module" >/dev/null ||
	t_fail "the start message does not name the module's events: $(log_since started:)"
wait_for_line "batch 000001-" 60 ||
	t_abort "no batch within 60 s: $(last_lines)"

# Kill at random moments, restart, and check that the chain goes on.
kill_number=1
while [ $kill_number -le $KILLS ]; do
	random_sleep 8 20
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	t_info "SIGKILL $kill_number after $(records) records"
	mark=$(daemon_log | wc -l)
	start_daemon
	wait_for_line "started: " 60 ||
		t_abort "the daemon did not start again after SIGKILL $kill_number: $(last_lines)"
	started=$(log_since started:)
	case $started in
	*"chain 1 continues at entry "*) ;;
	*) t_fail "restart $kill_number does not continue chain 1: $started" ;;
	esac
	kill_number=$((kill_number + 1))
done
wait_for_line "batch 000001-" 60 ||
	t_fail "no batch within 60 s after the last restart"

# A malformed reference file is reported and the old values stay.
mark=$(daemon_log | wc -l)
printf 'zz  /usr/bin/x\n' >"$R/allowlist"
kill -HUP "$daemon_pid"
wait_for_line "reloading reference values failed: $R/allowlist:1:" 30 ||
	t_fail "SIGHUP with a malformed allowlist: no error naming $R/allowlist:1: $(last_lines)"
log_since "the previous values stay in force" >/dev/null ||
	t_fail "the reload error does not say that the previous values stay in force"
wait_for_line "appraisal warning" 30 ||
	t_fail "no batch with the old values' status (warning) after the failed reload: $(last_lines)"

# A good file: every path is excluded now, and the whole chain is judged again.
mark=$(daemon_log | wc -l)
printf '# no file is listed here\n' >"$R/allowlist"
printf '/\n' >"$R/excludes"
kill -HUP "$daemon_pid"
wait_for_line "reloaded reference values: policy sha256:" 60 ||
	t_fail "SIGHUP with good files: no reload message: $(last_lines)"
reloaded=$(log_since "reloaded reference values")
t_info "$reloaded"
case $reloaded in
*"appraised again: affirming") ;;
*) t_fail "the chain is not affirming with every path excluded: $reloaded" ;;
esac
wait_for_line "appraisal affirming" 30 ||
	t_fail "no affirming batch after the reload: $(last_lines)"

# Stop: the workload first, so that the last batch takes every entry.
kill "$workload"
wait "$workload" 2>/dev/null
sleep 1
mark=$(daemon_log | wc -l)
kill -TERM "$daemon_pid"
t_wait_exit "$daemon_pid" 120 || t_fail "the daemon did not exit within 120 s of SIGTERM"
wait "$daemon_pid"
t_check_eq "exit status of the daemon after SIGTERM" 0 "$?"
t_snapshot "$T_DIR/log.bin"
wait_for_line "stopped: " 5 || t_fail "no stop message: $(last_lines)"

daemon_log >"$T_DIR/daemon.log"
t_info "daemon log: $(wc -l <"$T_DIR/daemon.log") lines, $(grep -c ' batch 0' "$T_DIR/daemon.log") batch lines, $(grep -c 'removed .* temporary files' "$T_DIR/daemon.log") temporary file removals"
t_check_ge "starts logged" $((KILLS + 1)) "$(grep -c 'started: ' "$T_DIR/daemon.log")"
grep -E 'daemon\.(err|warning)' "$T_DIR/daemon.log" | grep -v "appraisal \|reloading reference values failed" |
	head -n 5 | while read -r line; do t_info "log: $line"; done
[ -d "$J/damaged" ] && t_fail "records were set aside: $(ls "$J/damaged")"

imatap journal verify "$J" --log "$T_DIR/log.bin" --max-waiting 0 \
	>"$T_DIR/verify.out" 2>"$T_DIR/verify.err"
status=$?
t_info "journal verify: $(tail -n 2 "$T_DIR/verify.out" | tr '\n' ' ') $(cat "$T_DIR/verify.err")"
t_check_eq "exit status of imatap journal verify" 0 "$status"
t_check_eq "chains in the journal" "chain 1: $(records) records" "$(grep '^chain ' "$T_DIR/verify.out")"
total=$(t_measurement_count)
grep -q "^log $T_DIR/log.bin: the last chain covers its first $(stat -c %s "$T_DIR/log.bin") bytes; 0 entries wait\$" "$T_DIR/verify.out" ||
	t_fail "the chain does not cover the whole log of $total entries: $(grep '^log ' "$T_DIR/verify.out")"
t_logstat "$T_DIR/log.bin"
last=$(grep '^ok ' "$T_DIR/verify.out" | tail -n 1 | sed -n 's/^ok [^ ]* entries [0-9]*-\([0-9]*\) .*/\1/p')
t_check_eq "last entry in the journal" "$(($(t_stat "$T_DIR/log.bin.stat" entries) - 1))" "$last"
t_check_ge "records" 10 "$(records)"

# Every record contains an appraisal and an EAR.
for file in "$J"/0*.json; do
	grep -q '"appraisal": \["application/vnd.imatap.appraisal+json", "[A-Za-z0-9_-]*", 8\]' "$file" ||
		t_fail "$(basename "$file") has no appraisal"
	grep -q '"ear": \["application/eat+jwt", "[A-Za-z0-9_-]*", 8\]' "$file" ||
		t_fail "$(basename "$file") has no EAR"
done
t_finish
