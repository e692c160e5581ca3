#!/bin/bash
# Command-line tests of imatap log and imatap replay on the captured
# Debian 6.1 logs and on crafted inputs: output, messages and exit codes.
# Runs against ./imatap and, when built, the ASan+UBSan build.
#
# Environment: IMATAP_CASES (default ../../shared/cases/ima-logs from the
# repository root), IMATAP (binary to test; default: both builds).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cases=${IMATAP_CASES:-$(cd "$top/../.." && pwd)/shared/cases/ima-logs}
folders="debian61-imasig debian61-ngv2 debian61-imang"

passed=0
failed=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/lib.sh"

if [ ! -d "$cases" ]; then
	echo "not ok 1 - captured logs not found in $cases (set IMATAP_CASES)"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi

# Same-order ASCII: our output is the kernel file up to its 24th entry.
ascii_matches() {
	local ours=$1 kernel=$2 size
	size=$(wc -c <"$ours")
	[ "$size" -gt 0 ] && cmp -s -n "$size" "$ours" "$kernel" &&
		[ "$(tail -c +$((size + 1)) "$kernel" | head -c 3)" = "10 " ]
}

run_suite() {
	local bin=$1 tag=$2 f log

	expect_exit 0 "$tag: help lists the commands" "$bin" help
	expect_text "$tmp/out" "replay" "$tag: help names replay"
	expect_text "$tmp/out" "4  incomplete" "$tag: help lists exit codes"
	expect_exit 0 "$tag: --help works" "$bin" --help
	expect_exit 0 "$tag: help log" "$bin" help log
	expect_text "$tmp/out" "Usage: imatap log" "$tag: help log shows log usage"
	expect_exit 0 "$tag: replay --help" "$bin" replay --help
	expect_exit 2 "$tag: no command is a usage error" "$bin"
	expect_exit 2 "$tag: unknown command" "$bin" frobnicate
	expect_text "$tmp/err" 'unknown command "frobnicate"' "$tag: unknown command named"
	expect_exit 2 "$tag: unknown option" "$bin" log --bogus
	expect_exit 2 "$tag: two log files" "$bin" log a b
	expect_exit 2 "$tag: unknown bank" "$bin" replay --banks sha1,md5 x
	expect_exit 2 "$tag: two PCR sources" "$bin" replay --tpm --no-reference x

	for f in $folders; do
		log=$cases/$f/binary_runtime_measurements
		expect_exit 0 "$tag: $f log" "$bin" log "$log"
		ascii_matches "$tmp/out" "$cases/$f/ascii_runtime_measurements"
		result $? "$tag: $f ASCII equals the kernel's first 23 entries"

		expect_exit 0 "$tag: $f log from stdin" sh -c "\"$bin\" log - < \"$log\""
		ascii_matches "$tmp/out" "$cases/$f/ascii_runtime_measurements"
		result $? "$tag: $f ASCII from stdin"

		expect_exit 0 "$tag: $f log --json" "$bin" log --json "$log"
		[ "$(jq -c . <"$tmp/out" | wc -l)" = 23 ]
		result $? "$tag: $f JSON is 23 valid objects"
		[ "$(jq -r 'select(.violation) | .index' <"$tmp/out" | tr '\n' ' ')" = "8 10 " ]
		result $? "$tag: $f JSON marks records 8 and 10 as violations"

		expect_exit 0 "$tag: $f replay --pcrs pcrs.txt" \
			"$bin" replay --pcrs "$cases/$f/pcrs.txt" "$log"
		expect_text "$tmp/out" "bank sha1: match after record 20" "$tag: $f sha1 matches after 20"
		expect_text "$tmp/out" "bank sha256: match after record 21" "$tag: $f sha256 matches after 21"
		expect_text "$tmp/out" "template digests: 21 verified, 0 mismatched" "$tag: $f digests verify"

		expect_exit 0 "$tag: $f replay with evmctl PCR files" \
			"$bin" replay --pcrs "sha1,$cases/$f/evmctl-pcrs-sha1.txt" \
			--pcrs "sha256,$cases/$f/evmctl-pcrs-sha256.txt" "$log"
		expect_text "$tmp/out" "bank sha256: match after record 21" "$tag: $f evmctl form matches"
	done

	log=$cases/debian61-imasig/binary_runtime_measurements

	# The name with 0xff 0xfe survives JSON as hex, the newline as \n.
	"$bin" log --json "$log" >"$tmp/json"
	[ "$(jq -r 'select(.index == 6) | .name_hex' <"$tmp/json")" = "2f746d702f642f62696efffe" ]
	result $? "$tag: non-UTF-8 name as name_hex"
	[ "$(jq -r 'select(.index == 5) | .name' <"$tmp/json" | od -An -c | tr -s ' ')" = " / t m p / d / n l \n n a m e \n" ]
	result $? "$tag: name with newline round-trips"

	"$here/to-big-endian.pl" <"$log" >"$tmp/be.bin"
	expect_exit 0 "$tag: big-endian log with --big-endian" "$bin" log --big-endian "$tmp/be.bin"
	ascii_matches "$tmp/out" "$cases/debian61-imasig/ascii_runtime_measurements"
	result $? "$tag: big-endian ASCII equals the kernel's"
	# A big-endian kernel hashes big-endian length words, so the digests
	# copied from the little-endian log must all fail; all 23 are read.
	expect_exit 1 "$tag: big-endian replay" "$bin" replay --big-endian \
		--no-reference "$tmp/be.bin"
	expect_text "$tmp/out" "23 records, 2 violations" "$tag: big-endian replay reads every record"
	expect_text "$tmp/out" "template digests: 0 verified, 21 mismatched" "$tag: big-endian length words are hashed"
	expect_exit 3 "$tag: big-endian log read as little-endian" "$bin" log "$tmp/be.bin"
	expect_text "$tmp/err" "record 0 at byte 0: PCR index 167772160 is outside 0-63; the log may be big-endian: try --big-endian" \
		"$tag: wrong order suggests --big-endian"
	expect_exit 3 "$tag: little-endian log read as big-endian" "$bin" log --big-endian "$log"
	expect_text "$tmp/err" "try without --big-endian" "$tag: wrong order suggests little-endian"

	expect_exit 4 "$tag: truncated tail" "$bin" log "$cases/malformed/truncated-tail.bin"
	expect_text "$tmp/err" "record 22 at byte 4021: incomplete record" "$tag: truncated tail named"
	[ "$(grep -c '^10 ' "$tmp/out")" = 22 ]
	result $? "$tag: 22 complete records printed before the tail"
	expect_exit 4 "$tag: replay of truncated tail" "$bin" replay \
		--pcrs "$cases/debian61-imasig/pcrs.txt" "$cases/malformed/truncated-tail.bin"

	expect_exit 1 "$tag: tampered entry 5" "$bin" replay \
		--pcrs "$cases/debian61-imasig/pcrs.txt" "$cases/malformed/tampered-entry5.bin"
	expect_text "$tmp/out" "record 5 at byte 1874: sha1 template digest mismatch" "$tag: tampered record named"
	expect_text "$tmp/out" "template digests: 20 verified, 1 mismatched" "$tag: others verify"
	expect_text "$tmp/out" "bank sha1: match after record 20" "$tag: tampered: sha1 replays logged digests"
	expect_text "$tmp/out" "bank sha256: mismatch" "$tag: tampered: sha256 replays the data"

	# Template data length of record 1 (at byte 106+35) set to 0xfffffff0.
	head -c 141 "$log" >"$tmp/huge.bin"
	printf '\360\377\377\377' >>"$tmp/huge.bin"
	tail -c +146 "$log" >>"$tmp/huge.bin"
	expect_exit 3 "$tag: hostile data length" "$bin" replay --no-reference "$tmp/huge.bin"
	expect_text "$tmp/err" "record 1 at byte 141: template data length 4294967280 exceeds the 1 MiB limit" \
		"$tag: hostile length named"
	[ ! -s "$tmp/out" ]
	result $? "$tag: no report for a malformed log"

	sed 's/^PCR10-sha256: 0/PCR10-sha256: 1/' "$cases/debian61-imasig/pcrs.txt" >"$tmp/wrong.txt"
	expect_exit 1 "$tag: wrong sha256 reference" "$bin" replay --pcrs "$tmp/wrong.txt" "$log"
	expect_text "$tmp/out" "bank sha256: mismatch" "$tag: sha256 mismatch reported"
	expect_text "$tmp/out" "bank sha1: match after record 20" "$tag: sha1 still matches"

	expect_exit 0 "$tag: replay --no-reference" "$bin" replay --no-reference --banks sha256 "$log"
	expect_text "$tmp/out" "PCR10-sha256 (padded SHA-1): " "$tag: both styles printed"

	# A log whose sha256 PCR a kernel before 5.8 extended with padded
	# SHA-1 digests. A file is replayed without the padded chain first,
	# which does not match, so it is read a second time. A pipe is read
	# once with both chains. The two reports must agree.
	sed -n 's/^PCR10-sha256 (padded SHA-1): /PCR10-sha256: /p' "$tmp/out" >"$tmp/padded.txt"
	grep '^PCR10-sha1:' "$cases/debian61-imasig/pcrs.txt" >>"$tmp/padded.txt"
	expect_exit 0 "$tag: padded-style log from a file" \
		"$bin" replay --pcrs "$tmp/padded.txt" "$log"
	expect_text "$tmp/out" "bank sha256: match after record 22, zero-padded SHA-1 digests (before Linux 5.8)" \
		"$tag: file: padded style found"
	expect_text "$tmp/out" "bank sha1: match after record 20 (the log runs 2 records ahead)" \
		"$tag: file: sha1 matches"
	tail -n +2 "$tmp/out" >"$tmp/padded-file.out"
	expect_exit 0 "$tag: padded-style log from a pipe" \
		sh -c "cat \"$log\" | \"$bin\" replay --pcrs \"$tmp/padded.txt\" -"
	tail -n +2 "$tmp/out" | cmp -s - "$tmp/padded-file.out"
	result $? "$tag: pipe report equals the file report"
	expect_exit 1 "$tag: padded-style truncated tail" "$bin" replay \
		--pcrs "$tmp/padded.txt" "$cases/malformed/truncated-tail.bin"
	expect_text "$tmp/out" "bank sha256: mismatch: no record brings the PCRs to the reference values" \
		"$tag: truncated padded log mismatches"

	mkdir -p "$tmp/tpm/pcr-sha1" "$tmp/tpm/pcr-sha256" "$tmp/notpm"
	for i in $(seq 0 23); do
		echo 0000000000000000000000000000000000000000 >"$tmp/tpm/pcr-sha1/$i"
		echo 0000000000000000000000000000000000000000000000000000000000000000 >"$tmp/tpm/pcr-sha256/$i"
	done
	sed -n 's/^PCR10-sha1: //p' "$cases/debian61-imasig/pcrs.txt" >"$tmp/tpm/pcr-sha1/10"
	sed -n 's/^PCR10-sha256: //p' "$cases/debian61-imasig/pcrs.txt" >"$tmp/tpm/pcr-sha256/10"
	expect_exit 0 "$tag: replay from TPM sysfs files" "$bin" replay --tpm-dir "$tmp/tpm" "$log"
	expect_text "$tmp/out" "bank sha256: match after record 21" "$tag: sysfs sha256 matches"
	expect_exit 5 "$tag: no TPM" "$bin" replay --tpm-dir "$tmp/notpm" "$log"
	expect_text "$tmp/err" "has no pcr-<alg> directories" "$tag: missing TPM explained"

	expect_exit 5 "$tag: missing log file" "$bin" log "$tmp/none"
	expect_text "$tmp/err" "cannot open $tmp/none: No such file or directory" "$tag: missing file named"
	expect_exit 2 "$tag: missing PCR file" "$bin" replay --pcrs "$tmp/none" "$log"
	expect_exit 2 "$tag: PCR-NN file without bank" "$bin" replay \
		--pcrs "$cases/debian61-imasig/evmctl-pcrs-sha1.txt" "$log"
	expect_text "$tmp/err" "give the file as --pcrs ALG," "$tag: bank hint given"
}

if [ -n "${IMATAP:-}" ]; then
	run_suite "$IMATAP" "$(basename "$IMATAP")"
else
	run_suite "$top/imatap" imatap
	if [ -x "$top/build/asan/imatap" ]; then
		run_suite "$top/build/asan/imatap" asan
	fi
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
