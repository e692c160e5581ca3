# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of "make demo" (scripts/demo). It runs imatap as a
# hardened distribution does. The guest init has loaded the module at boot
# from its modules-load.d entry. The init script starts the daemon with
# /etc/imatap/imatap.conf, reference values from this guest's golden tree
# and a benchmark set. After a workload, sshd_config changes and an unknown
# program runs. Then it shows the stream as an auditor reads it, the
# daemon's verified journal, and the appraisal and EAR going from
# affirming to contraindicated.
# vm-boot: tpm
# vm-timeout: 300
# shellcheck source=tests/vm/guest/lib.sh
. /vm/lib.sh

export TPM2TOOLS_TCTI=device:/dev/tpmrm0
CONF=/etc/imatap
JOURNAL=/var/lib/imatap/journal

say() {
	echo "# $*"
}

show() {
	sed 's/^/#   /'
}

# daemon_log: the daemon's syslog lines, without the syslog prefix.
daemon_log() {
	logread | sed -n 's/^.* imatap\[[0-9]*\]: //p'
}

# wait_for_batch_through INDEX SECONDS: wait until the journal records
# contain the entries up to INDEX, and print that batch's log line.
wait_for_batch_through() {
	deadline=$(($(cut -d. -f1 /proc/uptime) + $2))
	while :; do
		line=$(daemon_log | grep '^batch [^:]*: entries ' | tail -n 1)
		last=$(echo "$line" | sed -n 's/^batch [^:]*: entries [0-9]*-\([0-9]*\) .*/\1/p')
		if [ -n "$last" ] && [ "$last" -ge "$1" ]; then
			echo "$line"
			return 0
		fi
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

# cmw_value RECORD MEMBER: the decoded value of a journal record's CMW
# member ["media type", "base64url value", indicator].
cmw_value() {
	value=$(sed -n "s/.*\"$2\": \[\"[^\"]*\", \"\([A-Za-z0-9_-]*\)\", [0-9]*\].*/\1/p" "$1" |
		head -n 1 | tr -- '-_' '+/')
	case $((${#value} % 4)) in
	2) value="$value==" ;;
	3) value="$value=" ;;
	esac
	printf '%s' "$value" | base64 -d
}

say "== boot: Linux $(uname -r), swtpm with SHA-1 and SHA-256 banks"
if ! t_module_loaded; then
	t_abort "the imatap module is not loaded: $(cat "$VM_STATE/module-error" 2>/dev/null)"
fi
[ -s "$VM_STATE/module-loaded-by" ] ||
	t_abort "the imatap module was not loaded from a modules-load.d entry"
say "module loaded at boot by the guest init, as systemd-modules-load would: $(cat "$VM_STATE/module-loaded-by")"

say "== install: the package's files and this host's golden reference"
# The package installs the program as /usr/sbin/imatap, the init script,
# and the sample configuration with every key commented out.
install_package() {
	mkdir -p /usr/sbin /etc/init.d "$CONF" /etc/ssh &&
		cp /usr/bin/imatap /usr/sbin/imatap &&
		cp /vm/files/imatap.init /etc/init.d/imatap &&
		chmod 755 /etc/init.d/imatap &&
		cp /vm/files/imatap.conf "$CONF/imatap.conf" &&
		cp /vm/ear-key.pem "$CONF/ear.key"
}
install_package || t_abort "installing the package's files failed"
printf 'PermitRootLogin no\nPasswordAuthentication no\n' >/etc/ssh/sshd_config
cat >>"$CONF/imatap.conf" <<CONF

# Set by the administrator. Small batches, so that they come quickly.
tcti = device:/dev/tpmrm0
batch_entries = 50
batch_seconds = 2
benchmark_set = $CONF/benchmark-set.json
ear_key = $CONF/ear.key
CONF
sshd_digest=$(sha256sum /etc/ssh/sshd_config | cut -d' ' -f1)
cat >"$CONF/benchmark-set.json" <<SET
{"imatap-benchmark-set": 1, "name": "demo-cis-l1",
 "title": "CIS Debian Linux 12 Benchmark, Level 1 (demo excerpt)",
 "runtime-policy": "runtime-policy.json",
 "controls": [
  {"id": "5.1.1", "title": "Ensure sshd_config is the approved one",
   "category": "configuration",
   "require": [{"path": "/etc/ssh/sshd_config", "digests": ["$sshd_digest"]}]},
  {"id": "2.2.4", "title": "Ensure the telnet client is not run",
   "forbid": ["/usr/bin/telnet.netkit"]}]}
SET
# The golden tree is this guest after installation. The policy cannot hold
# its own digest, and /var contains the daemon's journal, which is data.
imatap reference generate --output "$CONF/runtime-policy.json" \
	--exclude '/(tmp|run|root|proc|sys|dev|var)/' \
	--exclude '/etc/imatap/runtime-policy\.json$' \
	/bin /sbin /usr /lib /lib64 /etc /vm 2>"$T_DIR/generate.err" ||
	t_abort "imatap reference generate failed: $(cat "$T_DIR/generate.err")"
say "$CONF/runtime-policy.json: $(grep -o '"/[^"]*":' "$CONF/runtime-policy.json" | wc -l) paths"
say "$CONF/benchmark-set.json: demo-cis-l1, controls 5.1.1 (sshd_config) and 2.2.4 (telnet)"
say "$CONF/imatap.conf, the sample plus:"
sed -n '/^# Set by the administrator/,$p' "$CONF/imatap.conf" | grep -v '^#' | show

say "== start: syslogd, an auditor's listener, then /etc/init.d/imatap start"
# syslogd keeps the log in memory: reading a log file while the daemon
# writes it would add an IMA violation, which appraisal fails.
syslogd -n -C512 &
T_PIDS="$T_PIDS $!"
imatap listen >"$T_DIR/stream.txt" 2>"$T_DIR/listen.err" &
listener=$!
T_PIDS="$T_PIDS $listener"
/etc/init.d/imatap start 2>&1 | show
if /etc/init.d/imatap status >"$T_DIR/status.out" 2>&1; then
	show <"$T_DIR/status.out"
else
	t_abort "the init script did not start the daemon: $(cat "$T_DIR/status.out") $(daemon_log | tail -n 3)"
fi
tenths=0
until daemon_log | grep -q '^started: '; do
	[ $tenths -lt 600 ] ||
		t_abort "the daemon logged no start within 60 s: $(daemon_log | tail -n 3)"
	sleep 0.1
	tenths=$((tenths + 1))
done
daemon_log | grep '^started: ' | sed 's/, /\n/g' | show

say "== workload: sshd reads its configuration, admin tools run"
cat /etc/ssh/sshd_config >/dev/null
ls /etc >/dev/null
sha256sum /etc/passwd >/dev/null
line=$(wait_for_batch_through $(($(t_measurement_count) - 1)) 60) ||
	t_abort "no batch covered the workload within 60 s: $(daemon_log | tail -n 3)"
daemon_log | grep '^batch ' | show
case $line in
*"appraisal affirming"*) ;;
*) t_fail "the chain is not affirming before the change: $line" ;;
esac
set -- "$JOURNAL"/0*.json
first_record=$1

say "== change: sshd_config edited, an unknown program runs"
mark=$(daemon_log | wc -l)
echo 'PermitRootLogin yes' >>/etc/ssh/sshd_config
cat /etc/ssh/sshd_config >/dev/null
# Busybox with one byte appended has a digest in no reference. It runs as
# itself when its name starts with "busybox".
mkdir -p /usr/local/bin
cp /bin/busybox /usr/local/bin/busybox-tool
echo >>/usr/local/bin/busybox-tool
/usr/local/bin/busybox-tool true
line=$(wait_for_batch_through $(($(t_measurement_count) - 1)) 60) ||
	t_abort "no batch covered the change within 60 s: $(daemon_log | tail -n 3)"
daemon_log | tail -n +"$((mark + 1))" | grep '^batch ' | show
case $line in
*"appraisal contraindicated"*) ;;
*) t_fail "the chain is not contraindicated after the change: $line" ;;
esac
changed=$(echo "$line" | sed -n 's/^batch \([^:]*\): .*/\1/p')
previous=
for record in "$JOURNAL"/0*.json; do
	[ "$record" = "$JOURNAL/$changed" ] && break
	previous=$(basename "$record")
done
[ -n "$previous" ] || t_abort "$changed is the first record, so no record shows the chain before the change"

say "== the stream as an auditor reads it (imatap listen)"
kill -TERM "$listener"
t_wait_exit "$listener" 10 || t_fail "imatap listen did not stop on SIGTERM"
say "$(wc -l <"$T_DIR/stream.txt") entries streamed; the first and those of the change:"
{
	head -n 1 "$T_DIR/stream.txt"
	grep -E ' (/etc/ssh/sshd_config|/usr/local/bin/busybox-tool)( |$)' "$T_DIR/stream.txt"
} | cut -c1-170 | show

say "== the daemon's journal, verified"
cat "$IMA_DIR/binary_runtime_measurements" >"$T_DIR/log.bin"
if imatap journal verify "$JOURNAL" --log "$T_DIR/log.bin" >"$T_DIR/journal.out" 2>&1; then
	show <"$T_DIR/journal.out"
else
	show <"$T_DIR/journal.out"
	t_fail "imatap journal verify $JOURNAL failed"
fi
say "imatap verify of $changed, with its nonce and the record before it:"
nonce=$(cmw_value "$JOURNAL/$changed" nonce | od -An -tx1 | tr -d ' \n')
imatap verify "$JOURNAL/$changed" --ak "$JOURNAL/ak.pub" --nonce "$nonce" \
	--previous "$JOURNAL/$previous" >"$T_DIR/verify.out" 2>&1 ||
	t_fail "imatap verify $changed failed"
show <"$T_DIR/verify.out"

say "== appraisal of $changed (imatap appraise on the record)"
imatap appraise --set "$CONF/benchmark-set.json" --ak "$JOURNAL/ak.pub" \
	--nonce "$nonce" --previous "$JOURNAL/$previous" "$JOURNAL/$changed" \
	>"$T_DIR/appraise.out" 2>&1
status=$?
show <"$T_DIR/appraise.out"
t_check_eq "exit status of imatap appraise of $changed" 1 "$status"
grep -q '^ *FAIL 5\.1\.1 ' "$T_DIR/appraise.out" ||
	t_fail "control 5.1.1 does not fail in the appraisal of $changed"
say "the daemon's warning for it:"
daemon_log | grep "^batch $changed: appraisal " | show

say "== EARs the daemon signed, verified with imatap ear verify"
for record in "$first_record" "$JOURNAL/$changed"; do
	say "$(basename "$record"):"
	cmw_value "$record" ear | imatap ear verify - --key "$CONF/ear.key" \
		>"$T_DIR/ear.out" 2>&1 || t_fail "imatap ear verify of the EAR in $record failed"
	grep -v '^claims: ' "$T_DIR/ear.out" | show
done

say "== stop: /etc/init.d/imatap stop"
/etc/init.d/imatap stop 2>&1 | show
daemon_log | grep '^stopped: ' | show
/etc/init.d/imatap status 2>&1 | show
t_finish
