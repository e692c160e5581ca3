#!/bin/bash
# Cross-check imatap replay against evmctl ima_measurement (ima-evm-utils
# 1.4), an independent implementation, on the same logs and PCR values.
# Both must agree on pass or fail and on the entry after which each bank
# matched. They must also name the same entries as failing their
# template-digest check.
#
# Usage: evmctl-crosscheck.sh [CASE_DIR...]
# A case folder holds binary_runtime_measurements and one
# evmctl-pcrs-<alg>.txt per bank (see capture-ima-case). Without
# arguments the captured Debian 6.1 logs in IMATAP_CASES are used, plus
# the truncated and tampered variants with the ima-sig PCR values.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cases=${IMATAP_CASES:-$(cd "$top/../.." && pwd)/shared/cases/ima-logs}
imatap=${IMATAP:-$top/imatap}

passed=0
failed=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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

if ! command -v evmctl >/dev/null; then
	echo "not ok 1 - evmctl not found; install ima-evm-utils (scripts/install-deps)"
	echo "evmctl: 0 passed, 1 failed"
	exit 1
fi

# crosscheck NAME LOG PCR_DIR
crosscheck() {
	local name=$1 log=$2 pcrdir=$3 f alg args=() ev_rc im_rc
	for f in "$pcrdir"/evmctl-pcrs-*.txt; do
		alg=${f##*/evmctl-pcrs-}
		alg=${alg%.txt}
		args+=(--pcrs "$alg,$f")
	done
	if [ ${#args[@]} = 0 ]; then
		result 1 "$name: no evmctl-pcrs-<alg>.txt in $pcrdir"
		return
	fi

	evmctl ima_measurement -v --ignore-violations "${args[@]}" "$log" \
		>"$tmp/ev" 2>&1
	ev_rc=$?
	"$imatap" replay "${args[@]}" "$log" >"$tmp/im" 2>"$tmp/im.err"
	im_rc=$?

	# imatap exits 4 for a log ending in an incomplete record, which
	# evmctl ignores; 0 and 4 both mean the complete records passed.
	[ $((ev_rc == 0)) = $((im_rc == 0 || im_rc == 4)) ]
	result $? "$name: same verdict (evmctl exit $ev_rc, imatap exit $im_rc)"

	for f in "$pcrdir"/evmctl-pcrs-*.txt; do
		alg=${f##*/evmctl-pcrs-}
		alg=${alg%.txt}
		local ev_entry im_entry
		# evmctl counts entries from 1; take the last PCR to match.
		ev_entry=$(sed -n "s/^$alg PCR-[0-9]*: succeed at entry \([0-9]*\)$/\1/p" "$tmp/ev" |
			sort -n | tail -n 1)
		im_entry=$(sed -n "s/^bank $alg: match after record \([0-9]*\).*/\1/p" "$tmp/im")
		[ -n "$im_entry" ] && im_entry=$((im_entry + 1))
		[ "$ev_entry" = "$im_entry" ]
		result $? "$name: bank $alg matches at the same entry (evmctl ${ev_entry:-none}, imatap ${im_entry:-none})"
	done

	local ev_bad im_bad
	ev_bad=$(sed -n 's/^Failed to verify template data digest(line \([0-9]*\)).*/\1/p' "$tmp/ev" | tr '\n' ' ')
	im_bad=$(sed -n 's/^record \([0-9]*\) at byte [0-9]*: sha1 template digest mismatch.*/\1/p' "$tmp/im" |
		while read -r i; do printf '%s ' $((i + 1)); done)
	[ "$ev_bad" = "$im_bad" ]
	result $? "$name: same entries fail their digest (evmctl '${ev_bad}', imatap '${im_bad}')"
}

if [ $# -gt 0 ]; then
	for d in "$@"; do
		crosscheck "$(basename "$d")" "$d/binary_runtime_measurements" "$d"
	done
else
	for f in debian61-imasig debian61-ngv2 debian61-imang; do
		crosscheck "$f" "$cases/$f/binary_runtime_measurements" "$cases/$f"
	done
	crosscheck truncated-tail "$cases/malformed/truncated-tail.bin" "$cases/debian61-imasig"
	crosscheck tampered-entry5 "$cases/malformed/tampered-entry5.bin" "$cases/debian61-imasig"
fi

echo "evmctl: $passed passed, $failed failed"
[ "$failed" = 0 ]
