# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the userspace test scripts (sourced, not run). They
# expect $tmp (a scratch directory) and, for the counters, passed, failed
# and n set to 0. evmctl-crosscheck.sh keeps its own copy of result(),
# because the VM harness copies that script into the guest alone.

# result STATUS NAME: print a KTAP line for one check and count it.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
		passed=$((passed + 1))
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# expect_exit CODE DESCRIPTION COMMAND...: run, keep output in $tmp/out
# and $tmp/err, and pass if the exit code is CODE.
expect_exit() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "# exit $rc, expected $want: $*"
		sed 's/^/# /' "$tmp/err" | head -5
	fi
	[ "$rc" = "$want" ]
	result $? "$desc"
}

# expect_text FILE TEXT DESCRIPTION: FILE contains TEXT as a fixed string.
expect_text() {
	grep -qF -- "$2" "$1"
	local rc=$?
	[ $rc = 0 ] || echo "# $1 lacks: $2"
	result $rc "$3"
}

# start_swtpm: serve the TPM state in $tmp/state on a free loopback port
# pair (a taken port makes swtpm exit, so up to 8 tries). Sets swtpm_pid
# and exports TPM2TOOLS_TCTI.
start_swtpm() {
	local try port
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 20000))
		swtpm socket --tpm2 --tpmstate dir="$tmp/state" \
			--server type=tcp,port=$port,bindaddr=127.0.0.1 \
			--ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
			--flags startup-clear >"$tmp/swtpm.log" 2>&1 &
		swtpm_pid=$!
		sleep 0.3
		if kill -0 "$swtpm_pid" 2>/dev/null &&
		   TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port" \
			tpm2_getcap properties-fixed >/dev/null 2>&1; then
			export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
			return 0
		fi
		kill "$swtpm_pid" 2>/dev/null
		wait "$swtpm_pid" 2>/dev/null
		swtpm_pid=
	done
	return 1
}

# extend_log LOG [FIRST COUNT]: extend PCR 10 of both banks with entries
# FIRST..FIRST+COUNT-1 of the binary log LOG (default: all of them), as
# the kernel did: the logged SHA-1 template digest, the SHA-256 of the
# template data, and 0xff bytes for a violation (all-zero digest).
extend_log() {
	python3 - "$1" "${2:-0}" "${3:--1}" <<'PY' | while read -r arg; do tpm2_pcrextend "$arg" || exit 1; done
import hashlib, struct, sys
data = open(sys.argv[1], "rb").read()
first, count = int(sys.argv[2]), int(sys.argv[3])
pos = index = 0
while pos < len(data):
    pcr = struct.unpack_from("<I", data, pos)[0]
    digest = data[pos + 4:pos + 24]
    name_len = struct.unpack_from("<I", data, pos + 24)[0]
    p = pos + 28 + name_len
    data_len = struct.unpack_from("<I", data, p)[0]
    template = data[p + 4:p + 4 + data_len]
    pos = p + 4 + data_len
    if index >= first and (count < 0 or index < first + count):
        if digest == bytes(20):
            sha1, sha256 = "ff" * 20, "ff" * 32
        else:
            sha1, sha256 = digest.hex(), hashlib.sha256(template).hexdigest()
        print("%d:sha1=%s,sha256=%s" % (pcr, sha1, sha256))
    index += 1
PY
}
