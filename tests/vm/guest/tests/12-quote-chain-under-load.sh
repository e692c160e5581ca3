# SPDX-License-Identifier: GPL-2.0
#
# imatap provision, quote and verify through /dev/tpmrm0 while a workload
# keeps adding entries, so PCR 10 usually moves on between a quote and the
# PCR read after it ("PCR 10 moved on after the quote"). Provision creates the attestation key once and then
# reuses it. Three chained batches verify with their nonces, cover
# consecutive non-empty entry ranges and come from the module's netlink
# dump. tpm2_checkquote accepts the exported third quote, and the chain
# check rejects the first batch presented after the third. After rmmod a
# fourth batch comes from securityfs and continues the chain.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module

command -v imatap >/dev/null || t_skip "userspace/imatap not built"
[ -c /dev/tpmrm0 ] || t_abort "no /dev/tpmrm0 in the TPM boot"
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
AK_HANDLE=0x81010002
W=$T_DIR/work

nonce() {
	head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# batch_member FILE NAME: print member NAME of the batch description in the
# evidence FILE. The description is unpadded base64url, but busybox base64
# decodes only the standard alphabet with padding.
batch_member() {
	encoded=$(sed -n 's/.*"batch": *\[ *"[^"]*", *"\([A-Za-z0-9_-]*\)".*/\1/p' "$1" | tr -- '-_' '+/')
	case $((${#encoded} % 4)) in
	2) encoded="$encoded==" ;;
	3) encoded="$encoded=" ;;
	esac
	echo "$encoded" | base64 -d 2>/dev/null |
		sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"
}

# wait_for_growth COUNT: wait up to 60 s until the measurement list has
# more than COUNT entries.
wait_for_growth() {
	deadline=$(($(cut -d. -f1 /proc/uptime) + 60))
	while [ "$(t_measurement_count)" -le "$1" ]; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# quote_batch N [QUOTE OPTIONS]: quote batch N into /root/bN.json with a new
# nonce, kept in nonceN.
quote_batch() {
	number=$1
	shift
	value=$(nonce)
	eval "nonce$number=$value"
	imatap quote --nonce "$value" "$@" --output "/root/b$number.json" \
		2>"$T_DIR/quote$number.err"
	status=$?
	t_info "quote $number: $(cat "$T_DIR/quote$number.err")"
	[ "$status" = 0 ] || t_abort "imatap quote for batch $number exited with status $status"
}

# verify_batch N DESCRIPTION [VERIFY OPTIONS]: verify /root/bN.json with its
# nonce and check that the result line ends in DESCRIPTION ("starts a
# chain" or "continues the previous batch").
verify_batch() {
	number=$1
	description=$2
	shift 2
	eval "value=\$nonce$number"
	imatap verify "/root/b$number.json" --ak /root/ak.pub --nonce "$value" "$@" \
		>"$T_DIR/verify$number.out" 2>"$T_DIR/verify$number.err"
	status=$?
	t_info "verify $number: $(tr '\n' ' ' <"$T_DIR/verify$number.out") $(cat "$T_DIR/verify$number.err")"
	t_check_eq "exit status of imatap verify for batch $number" 0 "$status"
	grep -q "^verified: .*, $description\$" "$T_DIR/verify$number.out" ||
		t_fail "imatap verify for batch $number: expected '$description', got: $(head -n 1 "$T_DIR/verify$number.out")"
}

# check_range N FIRST: check that batch N starts at entry FIRST and is not
# empty, and set next_index to the entry after it.
check_range() {
	first=$(batch_member "/root/b$1.json" first_index)
	entries=$(batch_member "/root/b$1.json" entries)
	t_check_eq "first index of batch $1" "$2" "$first"
	t_check_gt "entries in batch $1" 0 "$entries"
	grep -q "^verified: entries $2-$(($2 + entries - 1)) ($entries)," "$T_DIR/verify$1.out" ||
		t_fail "imatap verify for batch $1: expected 'verified: entries $2-$(($2 + entries - 1)) ($entries)', got: $(head -n 1 "$T_DIR/verify$1.out")"
	next_index=$((first + entries))
}

imatap provision --output /root/ak >"$T_DIR/provision1.out" 2>&1
status=$?
t_info "provision: $(cat "$T_DIR/provision1.out")"
[ "$status" = 0 ] || t_abort "imatap provision exited with status $status"
grep -q "^created attestation key at $AK_HANDLE, name " "$T_DIR/provision1.out" ||
	t_fail "first imatap provision: expected 'created attestation key at $AK_HANDLE, name ...'"

imatap provision --output /root/ak2 >"$T_DIR/provision2.out" 2>&1
status=$?
t_info "provision again: $(cat "$T_DIR/provision2.out")"
t_check_eq "exit status of the second imatap provision" 0 "$status"
grep -q "^reused attestation key at $AK_HANDLE, name " "$T_DIR/provision2.out" ||
	t_fail "second imatap provision: expected 'reused attestation key at $AK_HANDLE, name ...'"
cmp -s /root/ak.name /root/ak2.name ||
	t_fail "the reused key's name /root/ak2.name differs from /root/ak.name"

# The workload reads a new file in each round. The policy measures reads
# on tmpfs, so each round adds an entry.
mkdir -p "$W"
(
	i=0
	while :; do
		echo $i >"$W/w$i"
		cat "$W/w$i" >/dev/null
		i=$((i + 1))
	done
) &
workload=$!
T_PIDS="$T_PIDS $workload"

count=$(t_measurement_count)
wait_for_growth "$count" || t_abort "the workload added no entries within 60 s"
quote_batch 1
verify_batch 1 "starts a chain"
check_range 1 0
t_check_eq "source of batch 1 with the module loaded" netlink "$(batch_member /root/b1.json source)"

count=$(t_measurement_count)
wait_for_growth "$count" || t_fail "the workload added no entries within 60 s after batch 1"
quote_batch 2 --previous /root/b1.json
verify_batch 2 "continues the previous batch" --previous /root/b1.json
check_range 2 "$next_index"
t_check_eq "source of batch 2 with the module loaded" netlink "$(batch_member /root/b2.json source)"

count=$(t_measurement_count)
wait_for_growth "$count" || t_fail "the workload added no entries within 60 s after batch 2"
quote_batch 3 --previous /root/b2.json
verify_batch 3 "continues the previous batch" --previous /root/b2.json --export-tpm2 /root/x3
check_range 3 "$next_index"
t_check_eq "source of batch 3 with the module loaded" netlink "$(batch_member /root/b3.json source)"

kill "$workload"
wait "$workload" 2>/dev/null

imatap verify /root/b1.json --ak /root/ak.pub --previous /root/b3.json \
	>"$T_DIR/replayed.out" 2>"$T_DIR/replayed.err"
status=$?
t_check_eq "exit status of imatap verify for batch 1 after batch 3" 1 "$status"
grep -q "check chain failed" "$T_DIR/replayed.err" ||
	t_fail "imatap verify for batch 1 after batch 3: expected 'check chain failed', got: $(cat "$T_DIR/replayed.err")"
[ -s "$T_DIR/replayed.out" ] &&
	t_fail "imatap verify wrote to standard output although a check failed: $(head -c 500 "$T_DIR/replayed.out")"

# The exported quote, checked by tpm2-tools with the right and a wrong nonce.
if command -v tpm2_checkquote >/dev/null; then
	checkquote=$(grep '^tpm2_checkquote ' "$T_DIR/verify3.out")
	if [ -z "$checkquote" ]; then
		t_fail "imatap verify --export-tpm2 printed no tpm2_checkquote command line"
	else
		sh -c "$checkquote" >"$T_DIR/checkquote.out" 2>&1
		status=$?
		t_check_eq "exit status of '$checkquote' (output: $(head -c 500 "$T_DIR/checkquote.out"))" 0 "$status"
		sh -c "${checkquote% -q *} -q $nonce1" >"$T_DIR/checkquote-bad.out" 2>&1
		status=$?
		[ "$status" != 0 ] ||
			t_fail "tpm2_checkquote accepted the third quote with the first batch's nonce"
	fi
else
	t_info "tpm2_checkquote is not in the initramfs; the exported quote is not checked"
fi

# Without the module, quote reads securityfs and the chain goes on.
rmmod imatap || t_abort "rmmod imatap failed"
quote_batch 4 --previous /root/b3.json
verify_batch 4 "continues the previous batch" --previous /root/b3.json
t_check_eq "first index of batch 4" "$next_index" "$(batch_member /root/b4.json first_index)"
t_check_eq "source of batch 4 without the module" securityfs "$(batch_member /root/b4.json source)"
insmod "$MODULE" || t_fail "insmod $MODULE after the test failed"

t_finish
