#!/bin/bash
# Command-line tests of imatap appraise, reference generate and ear verify
# on the captured debian61-imasig log and its reference values: verdicts,
# reports, EAR tokens, messages and exit codes. The evidence tests quote
# the log on a software TPM (swtpm on loopback) started and stopped here.
#
# Environment: IMATAP_CASES (default ../../shared/cases/ima-logs from the
# repository root), IMATAP (binary to test; default ./imatap).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cases=${IMATAP_CASES:-$(cd "$top/../.." && pwd)/shared/cases/ima-logs}
policies=$cases/../policies
bin=${IMATAP:-$top/imatap}
log=$cases/debian61-imasig/binary_runtime_measurements
json=$policies/debian61-imasig.runtime-policy.json
allow=$policies/debian61-imasig.allowlist
excl=$policies/debian61-imasig.excludes

passed=0
failed=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in jq openssl sha256sum python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "appraise: $tool is missing; run scripts/install-deps" >&2
		echo "appraise: 0 passed, 1 failed"
		exit 1
	fi
done

. "$here/lib.sh"

expect_no_text() {
	! grep -qF -- "$2" "$1"
	local rc=$?
	[ $rc = 0 ] || echo "# $1 holds: $2"
	result $rc "$3"
}

# expect_jq FILE FILTER VALUE DESCRIPTION: jq -c FILTER prints VALUE.
expect_jq() {
	local got
	got=$(jq -c "$2" "$1" 2>&1)
	[ "$got" = "$3" ] || echo "# jq '$2': $got, expected $3"
	[ "$got" = "$3" ]
	result $? "$4"
}

echo "TAP version 13"

# The JSON policy alone: the expected verdict of each entry.
expect_exit 1 "json policy: contraindicated exits 1" \
	"$bin" appraise --reference "$json" "$log"
cp "$tmp/out" "$tmp/text"
expect_text "$tmp/text" "failing entries: 5 of 23" "json policy: 5 failing entries"
expect_text "$tmp/text" '     6  /tmp/d/bin\xff\xfe  unknown file' "json policy: entry 6 unknown"
expect_text "$tmp/text" '     8  /etc/ssh/sshd_config  violation' "json policy: entry 8 violation"
expect_text "$tmp/text" '     9  /etc/ssh/sshd_config  digest not allowed' "json policy: entry 9 not allowed"
expect_text "$tmp/text" '    10  /tmp/d/w  violation' "json policy: entry 10 violation"
expect_text "$tmp/text" '    11  /tmp/d/w  unknown file' "json policy: entry 11 unknown"
expect_text "$tmp/text" "verdicts: match 14, excluded 3, key on keyring 1, unknown file 2, digest not allowed 1, violation 2" \
	"json policy: verdict counts"
expect_text "$tmp/text" "status: contraindicated" "json policy: status"
expect_no_text "$tmp/text" "/sys/" "json policy: sysfs entries excluded"

expect_exit 1 "json summary: exit 1" \
	"$bin" appraise --reference "$json" --format json "$log"
cp "$tmp/out" "$tmp/summary.json"
expect_jq "$tmp/summary.json" '[.failing[].index]' '[6,8,9,10,11]' "json summary: failing indexes"
expect_jq "$tmp/summary.json" '.failing[0].path_hex' '"2f746d702f642f62696efffe"' "json summary: non-UTF-8 name as hex"
expect_jq "$tmp/summary.json" '.trustworthiness_vector.executables' '96' "json summary: executables 96"
expect_jq "$tmp/summary.json" '.log_sha256' "\"$(sha256sum "$log" | cut -d' ' -f1)\"" "json summary: log digest"

# Standard input: read whole, so the log digest is still right.
"$bin" appraise --reference "$json" --format json - <"$log" >"$tmp/stdin.json" 2>"$tmp/err"
expect_jq "$tmp/stdin.json" '.log_sha256' "\"$(sha256sum "$log" | cut -d' ' -f1)\"" "stdin: log digest"
expect_jq "$tmp/stdin.json" '[.failing[].index]' '[6,8,9,10,11]' "stdin: same verdicts"

# With the allowlist and the exclude file, entry 6 matches too.
expect_exit 1 "all references: exit 1" \
	"$bin" appraise --reference "$json" --reference "$allow" --exclude "$excl" --format json "$log"
expect_jq "$tmp/out" '[.failing[].index]' '[8,9,10,11]' "all references: entry 6 matches"

# Accept the changed sshd_config and /tmp/d/w: only the violations remain.
printf '%s  %s\n' ce6d9e2ae52b4400a38712f4b06ae5b5d62e886793f205b8c4c37d2b9558bfdd /etc/ssh/sshd_config \
	e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 /tmp/d/w >"$tmp/more.allowlist"
expect_exit 1 "violations fail: exit 1" \
	"$bin" appraise --reference "$json" --reference "$allow" --reference "$tmp/more.allowlist" "$log"
expect_text "$tmp/out" "status: contraindicated" "violations fail: contraindicated"
expect_exit 1 "violations warn: exit 1" \
	"$bin" appraise --violations warn --reference "$json" --reference "$allow" \
	--reference "$tmp/more.allowlist" "$log"
expect_text "$tmp/out" "status: warning" "violations warn: warning"
expect_text "$tmp/out" "claims: executables 32" "violations warn: executables 32"
expect_exit 2 "violations: invalid mode" \
	"$bin" appraise --violations maybe --reference "$json" "$log"

# A benchmark set marking sshd_config as configuration, restored later.
cat >"$tmp/set.json" <<SET
{"imatap-benchmark-set": 1, "name": "debian12-cis-l1",
 "title": "test set", "runtime-policy": "$json",
 "controls": [
  {"id": "5.1.1", "title": "sshd configuration", "category": "configuration",
   "fail-on": "warning",
   "require": [{"path": "/etc/ssh/sshd_config",
     "digests": ["44c91857f34b1ec68e246ebcbad66c4b9380b41c3490c719bdfd6696ba7b40b5"]}]},
  {"id": "2.2.1", "title": "no busybox", "forbid": ["/bin/busybox"]}
 ]}
SET
expect_exit 1 "set: exit 1" "$bin" appraise --set "$tmp/set.json" --format json "$log"
cp "$tmp/out" "$tmp/set-summary.json"
expect_jq "$tmp/set-summary.json" '.set' '"debian12-cis-l1"' "set: name in the summary"
expect_jq "$tmp/set-summary.json" '[.controls[] | [.id, .result, .status]]' \
	'[["5.1.1","fail","contraindicated"],["2.2.1","fail","contraindicated"]]' "set: controls fail"
expect_jq "$tmp/set-summary.json" '.trustworthiness_vector.configuration' '96' "set: configuration 96"
expect_jq "$tmp/set-summary.json" '[.failing[] | select(.index == 2) | .verdict]' '["denied"]' "set: busybox denied"

# A relative runtime-policy is found next to the set file.
mkdir -p "$tmp/setdir"
cp "$json" "$tmp/setdir/policy.json"
sed 's|"runtime-policy": "[^"]*"|"runtime-policy": "policy.json"|' "$tmp/set.json" >"$tmp/setdir/set.json"
expect_exit 1 "set: relative runtime-policy" "$bin" appraise --set "$tmp/setdir/set.json" "$log"
expect_text "$tmp/out" "verdicts: match 13, excluded 3, key on keyring 1, unknown file 2, digest not allowed 1, denied 1, violation 2" \
	"set: relative policy loaded"

# Malformed reference files: exit 3, the file, line and column named.
printf '{"meta": {"version": 1},\n "digests": {"/a": ["abc"]}}\n' >"$tmp/bad.json"
expect_exit 3 "malformed policy: exit 3" "$bin" appraise --reference "$tmp/bad.json" "$log"
expect_text "$tmp/err" "$tmp/bad.json:2:21: invalid digest" "malformed policy: position named"
[ ! -s "$tmp/out" ]
result $? "malformed policy: stdout empty"
printf '/ok\n# comment\n/bad(\n' >"$tmp/bad.excludes"
expect_exit 3 "bad exclude: exit 3" "$bin" appraise --reference "$json" --exclude "$tmp/bad.excludes" "$log"
expect_text "$tmp/err" "$tmp/bad.excludes:3:1: invalid regular expression" "bad exclude: line named"
expect_exit 5 "missing policy: exit 5" "$bin" appraise --reference "$tmp/none.json" "$log"

# Usage.
expect_exit 0 "appraise --help" "$bin" appraise --help
expect_text "$tmp/out" "--violations MODE" "appraise --help names --violations"
expect_exit 2 "appraise without references" "$bin" appraise "$log"
expect_exit 2 "appraise without input" "$bin" appraise --reference "$json"
printf '{"x": 1}\n' >"$tmp/evidence.json"
expect_exit 2 "evidence without --ak" "$bin" appraise --reference "$json" "$tmp/evidence.json"

# EAR: signed, verified, and rejected after tampering.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ear.key" 2>/dev/null
openssl pkey -in "$tmp/ear.key" -pubout -out "$tmp/ear.pub" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/other.key" 2>/dev/null
expect_exit 1 "ear: appraise writes a token" "$bin" appraise --reference "$json" \
	--nonce 0001020304050607 --ear "$tmp/ear.jws" --ear-key "$tmp/ear.key" "$log"
expect_exit 0 "ear verify: token verifies" "$bin" ear verify "$tmp/ear.jws" --key "$tmp/ear.pub"
expect_text "$tmp/out" "verified: contraindicated" "ear verify: status"
expect_text "$tmp/out" "executables: 96 (contraindicated)" "ear verify: executables claim"
expect_text "$tmp/out" '"eat_nonce":"AAECAwQFBgc"' "ear verify: nonce"
expect_exit 1 "ear verify: other key fails" "$bin" ear verify "$tmp/ear.jws" --key "$tmp/other.key"
payload=$(cut -d. -f2 "$tmp/ear.jws" | tr '_-' '/+')
while [ $(( ${#payload} % 4 )) != 0 ]; do payload="$payload="; done
forged=$(printf '%s' "$payload" | base64 -d | sed 's/contraindicated/affirming/g' |
	base64 -w0 | tr '/+' '_-' | tr -d '=')
printf '%s.%s.%s\n' "$(cut -d. -f1 "$tmp/ear.jws")" "$forged" "$(cut -d. -f3 "$tmp/ear.jws")" >"$tmp/forged.jws"
expect_exit 1 "ear verify: tampered token fails" "$bin" ear verify "$tmp/forged.jws" --key "$tmp/ear.pub"
expect_text "$tmp/err" "does not verify" "ear verify: tampering named"
expect_exit 2 "ear: nonce under 8 bytes" "$bin" appraise --reference "$json" \
	--nonce 0102 --ear "$tmp/x.jws" --ear-key "$tmp/ear.key" "$log"
expect_text "$tmp/err" "too short for the EAR's eat_nonce" "ear: short nonce named"
expect_exit 2 "ear: --ear needs --ear-key" "$bin" appraise --reference "$json" --ear "$tmp/x.jws" "$log"

# reference generate: a golden tree with awkward names.
mkdir -p "$tmp/tree/etc/ssh" "$tmp/tree/usr/bin"
echo "PermitRootLogin no" >"$tmp/tree/etc/ssh/sshd_config"
echo "spaces" >"$tmp/tree/usr/bin/name with spaces"
printf 'x' >"$tmp/tree/usr/bin/$(printf 'bin\xff')"
ln -s /etc/passwd "$tmp/tree/usr/bin/link"
expect_exit 0 "generate: exit 0" "$bin" reference generate --no-log --root "$tmp/tree" \
	-o "$tmp/gen.json" "$tmp/tree"
expect_jq "$tmp/gen.json" '.meta.version' '1' "generate: version 1"
expect_jq "$tmp/gen.json" '.digests["/etc/ssh/sshd_config"]' \
	"[\"$(sha256sum "$tmp/tree/etc/ssh/sshd_config" | cut -d' ' -f1)\"]" "generate: sha256 of a file"
expect_jq "$tmp/gen.json" '.digests | has("/usr/bin/name with spaces")' 'true' "generate: name with spaces"
expect_jq "$tmp/gen.json" '.digests | has("/usr/bin/link")' 'false' "generate: symbolic link skipped"
expect_no_text "$tmp/err" $'\r' "generate: no progress bar off a terminal"
# script(1) runs the command on a pseudo-terminal.
script -qec "$bin reference generate --no-log -o $tmp/gen-tty.json $tmp/tree" /dev/null \
	>"$tmp/tty.out" 2>&1
files=$(find "$tmp/tree" -type f | wc -l)
expect_text "$tmp/tty.out" "] $files/$files files" "generate: progress bar on a terminal"
expect_exit 0 "generate: sha512 and a log" "$bin" reference generate --algo sha512 \
	--log "$log" --root "$tmp/tree" -o "$tmp/gen512.json" "$tmp/tree"
expect_jq "$tmp/gen512.json" '.digests["/etc/ssh/sshd_config"][0] | length' '128' "generate: sha512 digests"
expect_jq "$tmp/gen512.json" '.digests.boot_aggregate' \
	'["b09c60d8fb0f93296fb324e71b13a45f8b29dc26addea0a0afa5f19ea2b76b60"]' "generate: boot_aggregate from the log"
expect_jq "$tmp/gen512.json" '.keyrings[".builtin_trusted_keys"]' \
	'["25afe670c0e5211989968deaf68c8ede93808d093ac146e5a102468dd942970d"]' "generate: keyring from the log"
expect_exit 1 "generate output loads as a policy" "$bin" appraise --reference "$tmp/gen.json" "$log"
mkdir -p "$tmp/tree/var/log"
echo "log" >"$tmp/tree/var/log/syslog"
expect_exit 0 "generate: exclude" "$bin" reference generate --no-log --root "$tmp/tree" \
	--exclude "$tmp/tree/var/.*" -o "$tmp/gen-excl.json" "$tmp/tree"
expect_jq "$tmp/gen-excl.json" '.digests | has("/var/log/syslog")' 'false' "generate: excluded folder skipped"
expect_jq "$tmp/gen-excl.json" '.excludes | length' '1' "generate: exclude written"
expect_exit 2 "generate: unknown algorithm" "$bin" reference generate --algo md4 --no-log "$tmp/tree"

# An ima-sig entry signed with a key given by --key: affirming, exit 0.
# The one-entry log carries a signature that openssl made over the file
# digest, behind a signature_v2_hdr.
printf 'signed file\n' >"$tmp/signed"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ima.key" 2>/dev/null
openssl pkey -in "$tmp/ima.key" -pubout -out "$tmp/ima.pub" 2>/dev/null
openssl dgst -sha256 -binary "$tmp/signed" >"$tmp/signed.sha256"
openssl pkeyutl -sign -inkey "$tmp/ima.key" -pkeyopt digest:sha256 \
	-in "$tmp/signed.sha256" -out "$tmp/signed.sig" 2>/dev/null
# The IMA key id: the last 4 bytes of the SHA-1 of the PKCS#1 key, which
# starts at byte 19 of a 2048-bit RSA SubjectPublicKeyInfo.
keyid=$(openssl pkey -pubin -in "$tmp/ima.pub" -outform DER 2>/dev/null |
	openssl asn1parse -inform DER -strparse 19 -noout -out "$tmp/ima.pkcs1" >/dev/null 2>&1;
	openssl dgst -sha1 -binary "$tmp/ima.pkcs1" | tail -c 4 | od -An -tx1 | tr -d ' \n')
python3 - "$tmp/signed.sha256" "$tmp/signed.sig" "$keyid" "$tmp/signed.log" <<'PY'
import hashlib, struct, sys
digest = open(sys.argv[1], "rb").read()
sig = open(sys.argv[2], "rb").read()
keyid = bytes.fromhex(sys.argv[3])
# signature_v2_hdr: type 3 (digsig), version 2, hash 4 (sha256), keyid, size
xattr = bytes([3, 2, 4]) + keyid + struct.pack(">H", len(sig)) + sig
fields = [b"sha256:\0" + digest, b"/usr/bin/signed\0", xattr]
data = b"".join(struct.pack("<I", len(f)) + f for f in fields)
record = (struct.pack("<I", 10) + hashlib.sha1(data).digest() +
          struct.pack("<I", 7) + b"ima-sig" + struct.pack("<I", len(data)) + data)
open(sys.argv[4], "wb").write(record)
PY
printf '{"meta": {"version": 1}}\n' >"$tmp/empty-policy.json"
expect_exit 0 "signature: affirming exits 0" "$bin" appraise --reference "$tmp/empty-policy.json" \
	--key "$tmp/ima.pub" "$tmp/signed.log"
expect_text "$tmp/out" "verdicts: signature verified 1" "signature: verified with --key"
expect_text "$tmp/out" "status: affirming" "signature: status affirming"
expect_exit 1 "signature: no key" "$bin" appraise --reference "$tmp/empty-policy.json" "$tmp/signed.log"
expect_text "$tmp/out" "unknown file: no key with key id $keyid" "signature: missing key id named"

# Evidence: quote the log on a software TPM, then appraise the evidence.
# swtpm runs on loopback only and is stopped on exit.
swtpm_pid=
stop_swtpm() {
	if [ -n "$swtpm_pid" ]; then
		kill "$swtpm_pid" 2>/dev/null
		wait "$swtpm_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap stop_swtpm EXIT

# Manufacture a TPM with both banks in $tmp/state and serve it.
start_fresh_swtpm() {
	mkdir -p "$tmp/state"
	swtpm_setup --tpm2 --tpmstate "$tmp/state" --pcr-banks sha1,sha256 \
		--createek >"$tmp/setup.log" 2>&1 || return 1
	start_swtpm
}


if command -v swtpm >/dev/null && command -v tpm2_pcrextend >/dev/null &&
   start_fresh_swtpm && extend_log "$log" &&
   "$bin" provision --output "$tmp/ak" >"$tmp/provision.log" 2>&1 &&
   "$bin" quote --nonce 0a0b0c0d0e0f1011 --log "$log" --output "$tmp/evidence.json" \
	>"$tmp/quote.log" 2>&1; then
	result 0 "evidence: quoted on swtpm"
else
	echo "# swtpm, tpm2-tools or imatap quote failed; run scripts/install-deps"
	sed 's/^/# /' "$tmp/setup.log" "$tmp/quote.log" 2>/dev/null | head -5
	result 1 "evidence: quoted on swtpm"
fi
expect_exit 1 "evidence: appraised" "$bin" appraise --reference "$json" \
	--ak "$tmp/ak.pem" --nonce 0a0b0c0d0e0f1011 --format json "$tmp/evidence.json"
cp "$tmp/out" "$tmp/evidence-summary.json"
expect_jq "$tmp/evidence-summary.json" '.pcrs.sha256 | keys | length' '11' "evidence: quoted PCRs 0-10 in the summary"
expect_jq "$tmp/evidence-summary.json" '[.failing[].index]' '[0,6,8,9,10,11]' \
	"evidence: boot_aggregate checked against quoted PCRs"
expect_jq "$tmp/evidence-summary.json" '.failing[0].reason' \
	'"boot_aggregate differs from the sha256 hash of quoted PCRs 0-9"' "evidence: boot_aggregate reason"
expect_jq "$tmp/evidence-summary.json" '.trustworthiness_vector.executables' '96' "evidence: executables 96"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
	openssl pkey -pubout -out "$tmp/wrong-ak.pem" 2>/dev/null
expect_exit 1 "evidence: wrong AK still reports" "$bin" appraise --reference "$json" \
	--ak "$tmp/wrong-ak.pem" --format json "$tmp/evidence.json"
cp "$tmp/out" "$tmp/wrong-ak.json"
expect_jq "$tmp/wrong-ak.json" '.trustworthiness_vector' '{"configuration":99,"executables":99,"file-system":99}' "evidence: wrong AK gives 99"
expect_jq "$tmp/wrong-ak.json" '.evidence_error | startswith("evidence check signature failed")' 'true' \
	"evidence: failed check named"
expect_jq "$tmp/wrong-ak.json" '.status' '"contraindicated"' "evidence: wrong AK contraindicated"
expect_exit 1 "evidence: wrong nonce gives 99" "$bin" appraise --reference "$json" \
	--ak "$tmp/ak.pem" --nonce 99 "$tmp/evidence.json"
expect_text "$tmp/out" "EVIDENCE FAILED: evidence check nonce failed" "evidence: nonce check named"
expect_text "$tmp/out" "claims: configuration 99 executables 99 file-system 99" "evidence: wrong nonce claims 99"

echo "appraise: $passed passed, $failed failed"
[ "$failed" = 0 ]
