#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# imatap provision, quote and verify against a software TPM (swtpm) that
# this script starts on loopback and stops on exit. PCR 10 of both banks
# is extended with the entries of a captured IMA log, so that quotes of
# the TPM match the log given with --log. Prints one KTAP line per test
# and ends with "quote: N passed, N failed".
#
# Environment: IMATAP (the binary), IMATAP_CASES (captured IMA logs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
imatap=${IMATAP:-$here/../imatap}
cases=${IMATAP_CASES:-$here/../../../shared/cases/ima-logs}
log=$cases/debian61-imasig/binary_runtime_measurements
edit=$here/evidence-edit
provision_tpm2=$here/../../scripts/imatap-provision-tpm2

ak_ecc=0x81010002
ak_rsa=0x81010003
ak_tools=0x81010004
ak_script=0x81010005
ak_script_rsa=0x81010006
ak_script_ek=0x81010007

passed=0
failed=0
test_number=0
tmp=
swtpm_pid=

cleanup() {
	if [ -n "$swtpm_pid" ]; then
		kill "$swtpm_pid" 2>/dev/null
		wait "$swtpm_pid" 2>/dev/null
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT

# Record one test result: ok NAME when the command succeeds.
check() {
	local name=$1
	shift
	test_number=$((test_number + 1))
	if "$@"; then
		echo "ok $test_number $name"
		passed=$((passed + 1))
	else
		echo "not ok $test_number $name"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "quote: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

echo "KTAP version 1"
echo "1..49"

for tool in swtpm swtpm_setup tpm2_pcrextend tpm2_checkquote tpm2_createak \
	    tpm2_evictcontrol tpm2_quote tpm2_flushcontext python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "# missing $tool: run scripts/install-deps"
		failed=1
		finish
	fi
done
if [ ! -x "$imatap" ] || [ ! -r "$log" ]; then
	echo "# missing $imatap or $log: run make, or set IMATAP_CASES"
	failed=1
	finish
fi

tmp=$(mktemp -d)
mkdir "$tmp/state"
if ! swtpm_setup --tpm2 --tpmstate "$tmp/state" --pcr-banks sha1,sha256 \
		--createek >"$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "# swtpm_setup failed"
	failed=1
	finish
fi

if ! start_swtpm; then
	cat "$tmp/swtpm.log"
	echo "# cannot start swtpm on loopback"
	failed=1
	finish
fi
echo "# swtpm at $TPM2TOOLS_TCTI, state in $tmp/state"


# verify_fails CHECK EVIDENCE [ARGS...]: verify fails and names CHECK.
verify_fails() {
	local check=$1 evidence=$2
	shift 2
	"$imatap" verify "$evidence" "$@" >"$tmp/out" 2>"$tmp/err"
	grep -q "check $check failed" "$tmp/err" || { cat "$tmp/err"; return 1; }
}

verify_ok() {
	"$imatap" verify "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
}

output_has() {
	grep -q -- "$1" "$tmp/out" || { cat "$tmp/out"; return 1; }
}

# Provisioning.
"$imatap" provision --output "$tmp/ecc" >"$tmp/p1" 2>&1
check "provision ecc creates key" grep -q "^created attestation key at $ak_ecc" "$tmp/p1"
"$imatap" provision --output "$tmp/ecc2" >"$tmp/p2" 2>&1
check "provision ecc reuses key" grep -q "^reused attestation key at $ak_ecc" "$tmp/p2"
check "provision ecc keeps name" cmp -s "$tmp/ecc.name" "$tmp/ecc2.name"
check "provision ecc writes p-256 pem" \
	sh -c "openssl pkey -pubin -in '$tmp/ecc.pem' -noout -text | grep -q 'NIST CURVE: P-256'"
"$imatap" provision --rsa --handle $ak_rsa --output "$tmp/rsa" >"$tmp/p3" 2>&1
check "provision rsa creates key" grep -q "^created attestation key at $ak_rsa" "$tmp/p3"
"$imatap" provision --rsa --handle $ak_rsa --output "$tmp/rsa2" >"$tmp/p4" 2>&1
check "provision rsa reuses key" cmp -s "$tmp/rsa.pub" "$tmp/rsa2.pub"
check "provision rsa writes 2048-bit pem" \
	sh -c "openssl pkey -pubin -in '$tmp/rsa.pem' -noout -text | grep -q '2048 bit'"
"$imatap" provision --rsa --output "$tmp/wrong" >"$tmp/p5" 2>&1
check "provision rejects other key kind" test $? = 5

# Interoperability with tpm2-tools: an AK from tpm2_createak is reused,
# and a quote by imatap's key verifies in tpm2_checkquote.
tpm2_createak -C 0x81010001 -c "$tmp/tools.ctx" -G ecc -g sha256 -s ecdsa \
	-u "$tmp/tools.pub" -f pem >/dev/null 2>&1 &&
	tpm2_evictcontrol -C o -c "$tmp/tools.ctx" $ak_tools >/dev/null 2>&1
tpm2_flushcontext -t >/dev/null 2>&1
"$imatap" provision --handle $ak_tools --output "$tmp/tools-imatap" >"$tmp/p6" 2>&1
check "provision reuses tpm2_createak key" grep -q "^reused attestation key at $ak_tools" "$tmp/p6"
sel=sha1:0,1,2,3,4,5,6,7,8,9,10+sha256:0,1,2,3,4,5,6,7,8,9,10
tpm2_quote -c $ak_ecc -l $sel -q 00ff -m "$tmp/t.msg" -s "$tmp/t.sig" \
	-o "$tmp/t.pcrs" -g sha256 >/dev/null 2>&1
check "tpm2_checkquote accepts imatap key" \
	tpm2_checkquote -u "$tmp/ecc.pub" -m "$tmp/t.msg" -s "$tmp/t.sig" \
	-f "$tmp/t.pcrs" -g sha256 -q 00ff >/dev/null

# scripts/imatap-provision-tpm2 does what provision does with tpm2-tools:
# each side reuses the other's keys, and both write the same files.
same_exports() {
	cmp "$1.pem" "$2.pem" && cmp "$1.pub" "$2.pub" && cmp "$1.name" "$2.name"
}
"$provision_tpm2" --handle $ak_script --output "$tmp/script" >"$tmp/s1" 2>&1
check "tpm2-tools script creates ecc key" grep -q "^created attestation key at $ak_script, name 000b" "$tmp/s1"
"$imatap" provision --handle $ak_script --output "$tmp/script-imatap" >"$tmp/s2" 2>&1
check "provision reuses tpm2-tools script key" grep -q "^reused attestation key at $ak_script" "$tmp/s2"
check "script and provision export the same ecc key" same_exports "$tmp/script" "$tmp/script-imatap"
"$imatap" provision --rsa --handle $ak_script_rsa --output "$tmp/rsa-imatap" >/dev/null 2>&1
"$provision_tpm2" --rsa --handle $ak_script_rsa --output "$tmp/rsa-script" >"$tmp/s3" 2>&1
check "tpm2-tools script reuses provision rsa key" grep -q "^reused attestation key at $ak_script_rsa" "$tmp/s3"
check "script and provision export the same rsa key" same_exports "$tmp/rsa-script" "$tmp/rsa-imatap"
"$provision_tpm2" --handle $ak_script_rsa --output "$tmp/wrong-script" >"$tmp/s4" 2>&1
check "tpm2-tools script rejects other key kind" test $? = 5
"$provision_tpm2" --ek-handle 0x810100aa --handle $ak_script_ek --output "$tmp/ek-script" >"$tmp/s5" 2>&1
check "tpm2-tools script makes a transient ek" grep -q "^created attestation key at $ak_script_ek" "$tmp/s5"

# Batch 1: entries 0-9 extended, 23 in the log file.
extend_log "$log" 0 10
"$imatap" quote --nonce 01020304 --log "$log" --output "$tmp/b1.json" 2>"$tmp/q1"
check "quote writes first batch" grep -q "batch of 10 entries from index 0 (new chain), 13 entries wait" "$tmp/q1"
check "verify accepts first batch" verify_ok "$tmp/b1.json" --ak "$tmp/ecc.pem" \
	--nonce 01020304 --export-tpm2 "$tmp/x1"
check "verify reports entries 0-9" output_has "verified: entries 0-9 (10), starts a chain"
check "verify accepts TPM2B_PUBLIC key" verify_ok "$tmp/b1.json" --ak "$tmp/ecc.pub" --nonce 01020304
check "tpm2_checkquote accepts export" \
	tpm2_checkquote -u "$tmp/ecc.pem" -m "$tmp/x1/quote.msg" -s "$tmp/x1/quote.sig" \
	-f "$tmp/x1/quote.pcrs" -g sha256 -q 01020304 >/dev/null
check "tpm2_checkquote rejects other nonce" \
	sh -c "! tpm2_checkquote -u '$tmp/ecc.pem' -m '$tmp/x1/quote.msg' -s '$tmp/x1/quote.sig' -f '$tmp/x1/quote.pcrs' -g sha256 -q 01020305 >/dev/null 2>&1"

# Batch 2 continues the chain: entries 10-17.
extend_log "$log" 10 8
"$imatap" quote --nonce 0a0b --log "$log" --previous "$tmp/b1.json" \
	--output "$tmp/b2.json" 2>"$tmp/q2"
check "quote continues chain" grep -q "batch of 8 entries from index 10 (continues" "$tmp/q2"
check "verify accepts chained batch" verify_ok "$tmp/b2.json" --ak "$tmp/ecc.pem" \
	--nonce 0a0b --previous "$tmp/b1.json"
check "verify reports entries 10-17" output_has "verified: entries 10-17 (8), continues the previous batch"

# An RSA key quotes a new chain over everything extended so far.
"$imatap" quote --nonce 0c --handle $ak_rsa --log "$log" --output "$tmp/r1.json" 2>/dev/null
check "verify accepts rsa batch" verify_ok "$tmp/r1.json" --ak "$tmp/rsa.pem" --nonce 0c
"$imatap" quote --nonce 0d --handle $ak_script --log "$log" --output "$tmp/s1.json" 2>/dev/null
check "batch of tpm2-tools script key verifies" verify_ok "$tmp/s1.json" --ak "$tmp/script.pem" --nonce 0d

# Each check fails on a crafted case.
check "wrong nonce fails nonce" verify_fails nonce "$tmp/b1.json" --ak "$tmp/ecc.pem" --nonce 01020305
check "failed verify writes no output" test ! -s "$tmp/out"
"$edit" "$tmp/b1.json" "$tmp/c.json" attest-clock-flip
check "flipped attest byte fails signature" verify_fails signature "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" attest-u32 0 0xff544348
check "wrong magic fails attest" verify_fails attest "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" attest-u16 4 0x8014
check "wrong type fails attest" verify_fails attest "$tmp/c.json" --ak "$tmp/ecc.pem"
check "other ecc key fails signature" verify_fails signature "$tmp/b1.json" --ak "$tmp/tools.pub"
check "rsa key fails signature scheme" verify_fails signature "$tmp/b1.json" --ak "$tmp/rsa.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" pcrs-drop 0 9
check "changed pcr selection fails" verify_fails pcr-selection "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" pcrs-flip 1 10
check "changed pcr value fails digest" verify_fails pcr-digest "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-flip 3
check "changed entry fails template digest" verify_fails template-digest "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-rehash 3
check "rehashed entry fails replay" verify_fails replay "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-remove 5
check "removed entry fails replay" verify_fails replay "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-add "$log" 10
check "added entry fails replay" verify_fails replay "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-swap 3 4
check "reordered entries fail replay" verify_fails replay "$tmp/c.json" --ak "$tmp/ecc.pem"
"$edit" "$tmp/b1.json" "$tmp/c.json" log-cut 30
check "truncated log fails log" verify_fails log "$tmp/c.json" --ak "$tmp/ecc.pem"
check "older batch fails chain" verify_fails chain "$tmp/b1.json" --ak "$tmp/ecc.pem" \
	--previous "$tmp/b2.json"
check "batch without previous fails chain" verify_fails chain "$tmp/b2.json" --ak "$tmp/ecc.pem"
# A TPM reset: restart swtpm, which runs TPM2_Startup(CLEAR) again, so the
# reset count rises and PCRs start from zero. The host's boot id stays, so
# a batch after the reset cannot continue, and one before it is older.
kill "$swtpm_pid"
wait "$swtpm_pid" 2>/dev/null
swtpm_pid=
if start_swtpm; then
	extend_log "$log" 0 5
	"$imatap" quote --nonce 0d --log "$log" --output "$tmp/b3.json" 2>/dev/null
fi
check "quote after tpm reset" verify_ok "$tmp/b3.json" --ak "$tmp/ecc.pem" --nonce 0d
check "reset with same boot id fails chain" verify_fails chain "$tmp/b3.json" \
	--ak "$tmp/ecc.pem" --previous "$tmp/b2.json"
check "reset count going back fails clock" verify_fails clock "$tmp/b2.json" \
	--ak "$tmp/ecc.pem" --previous "$tmp/b3.json"

head -c 700 "$tmp/b1.json" >"$tmp/c.json"
"$imatap" verify "$tmp/c.json" --ak "$tmp/ecc.pem" >/dev/null 2>&1
check "truncated evidence is malformed" test $? = 3

finish
