# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The guest half of "make demo" (scripts/demo): a golden reference from the
# guest's own tree, the live stream as an auditor reads it, two quoted and
# chained evidence batches, and appraisal against a benchmark set before and
# after a configuration file changes and an unknown program runs.
# vm-boot: tpm
# vm-timeout: 600
# shellcheck source=tests/vm/guest/lib.sh
. /vm/lib.sh
t_require_module

export TPM2TOOLS_TCTI=device:/dev/tpmrm0
D=/root/demo
mkdir -p "$D"

say() {
	echo "# $*"
}

show() {
	sed 's/^/#   /'
}

nonce() {
	head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

say "== imatap demo: Linux $(uname -r), swtpm with SHA-1 and SHA-256 banks"
imatap-testlisten --status | show

say "== golden reference from this guest's tree"
mkdir -p /etc/ssh
printf 'PermitRootLogin no\nPasswordAuthentication no\n' >/etc/ssh/sshd_config
imatap reference generate --output "$D/policy.json" \
	--exclude '/(tmp|run|root|proc|sys|dev)/' \
	/bin /sbin /usr /lib /lib64 /etc /vm 2>"$D/generate.err" ||
	t_abort "imatap reference generate failed: $(cat "$D/generate.err")"
sshd_digest=$(sha256sum /etc/ssh/sshd_config | cut -d' ' -f1)
cat >"$D/set.json" <<SET
{"imatap-benchmark-set": 1, "name": "demo-cis-l1",
 "title": "CIS Debian Linux 12 Benchmark, Level 1 (demo excerpt)",
 "runtime-policy": "policy.json",
 "controls": [
  {"id": "5.1.1", "title": "Ensure sshd_config is the approved one",
   "category": "configuration",
   "require": [{"path": "/etc/ssh/sshd_config", "digests": ["$sshd_digest"]}]},
  {"id": "2.2.4", "title": "Ensure the telnet client is not run",
   "forbid": ["/usr/bin/telnet.netkit"]}]}
SET
say "policy.json: $(grep -o '"/[^"]*":' "$D/policy.json" | wc -l) paths; set demo-cis-l1 with controls 5.1.1 and 2.2.4"

say "== provisioning the attestation key"
imatap provision --output "$D/ak" 2>&1 | show

t_start_listener stream

say "== workload: sshd reads its configuration, admin tools run"
cat /etc/ssh/sshd_config >/dev/null
ls /etc >/dev/null
sha256sum /etc/passwd >/dev/null

n1=$(nonce)
imatap quote --nonce "$n1" --output "$D/b1.json" 2>&1 | show
imatap verify "$D/b1.json" --ak "$D/ak.pub" --nonce "$n1" 2>&1 | show
say "== appraisal of batch 1"
imatap appraise --set "$D/set.json" --ak "$D/ak.pub" --nonce "$n1" "$D/b1.json" 2>&1 | head -n 20 | show

say "== change: sshd_config edited, an unknown program runs"
echo 'PermitRootLogin yes' >>/etc/ssh/sshd_config
cat /etc/ssh/sshd_config >/dev/null
# A program nobody approved: busybox with one byte appended, so its digest
# is new. Busybox runs as itself when its name starts with "busybox".
mkdir -p /usr/local/bin
cp /bin/busybox /usr/local/bin/busybox-tool
echo >>/usr/local/bin/busybox-tool
/usr/local/bin/busybox-tool true

n2=$(nonce)
imatap quote --nonce "$n2" --previous "$D/b1.json" --output "$D/b2.json" 2>&1 | show
imatap verify "$D/b2.json" --ak "$D/ak.pub" --nonce "$n2" --previous "$D/b1.json" 2>&1 | show

say "== appraisal of the whole log since boot"
imatap appraise --set "$D/set.json" --ear "$D/ear.jws" \
	--ear-key /vm/ear-key.pem --live 2>&1 | head -n 25 | show
say "== EAR attestation result"
imatap ear verify "$D/ear.jws" --key /vm/ear-key.pem 2>&1 | show

count=$(t_measurement_count)
t_stop_listener stream $((count - 1)) 60
say "== the stream as an auditor saw it (last 6 of $count entries, kernel ASCII view)"
imatap log "$T_DIR/stream.bin" | tail -n 6 | cut -c1-170 | show
size=$(wc -c <"$T_DIR/stream.bin")
if cmp -s -n "$size" "$T_DIR/stream.bin" "$IMA_DIR/binary_runtime_measurements"; then
	say "the stream equals binary_runtime_measurements byte for byte"
else
	t_fail "the stream differs from binary_runtime_measurements"
fi
t_finish
