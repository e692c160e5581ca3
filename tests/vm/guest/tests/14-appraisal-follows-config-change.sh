# SPDX-License-Identifier: GPL-2.0
#
# Appraisal on a real log: reference values generated from the guest's own
# tree and a benchmark set with an sshd_config control make the live log
# and quoted evidence affirming. After sshd_config changes and an unknown
# program runs, the report, the control and the signed EAR turn
# contraindicated for exactly those two entries.
# vm-boot: tpm-appraise
# vm-timeout: 600
. /vm/lib.sh
t_require_module

command -v imatap >/dev/null || t_skip "userspace/imatap not built"
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
R=$T_DIR/ref
mkdir -p "$R"

# appraise NAME ARGS...: run imatap appraise with the set, keep its output
# in $R/NAME.txt and its exit status in $status.
appraise() {
	name=$1
	shift
	imatap appraise --set "$R/set.json" "$@" >"$R/$name.txt" 2>"$R/$name.err"
	status=$?
	t_info "appraise $name (exit $status): $(grep -E 'failing entries|status:|claims:' "$R/$name.txt" | tr '\n' ' ')"
}

mkdir -p /etc/ssh
printf 'PermitRootLogin no\n' >/etc/ssh/sshd_config
cat /etc/ssh/sshd_config >/dev/null
imatap reference generate --output "$R/policy.json" \
	--exclude '/(tmp|run|root|proc|sys|dev)/' \
	/bin /sbin /usr /lib /lib64 /etc /vm 2>"$R/generate.err" ||
	t_abort "imatap reference generate failed: $(cat "$R/generate.err")"
sum=$(sha256sum /etc/ssh/sshd_config | cut -d' ' -f1)
cat >"$R/set.json" <<SET
{"imatap-benchmark-set": 1, "name": "vm-cis-l1", "runtime-policy": "policy.json",
 "controls": [{"id": "5.1.1", "title": "Ensure sshd_config is unchanged",
   "category": "configuration", "fail-on": "warning",
   "require": [{"path": "/etc/ssh/sshd_config", "digests": ["$sum"]}]}]}
SET

appraise before --live --ear "$R/before.jws" --ear-key /vm/ear-key.pem
t_check_eq "exit status of appraise before the change" 0 "$status"
t_check_eq "status line before the change" "status: affirming" "$(grep 'status:' "$R/before.txt")"
t_check_eq "failing entry count before the change" 0 \
	"$(sed -n 's/.*failing entries: \([0-9]*\) of .*/\1/p' "$R/before.txt")"
grep -q '^ *pass 5\.1\.1 ' "$R/before.txt" || t_fail "control 5.1.1 does not pass before the change: $(grep 5.1.1 "$R/before.txt")"

provision_out=$(imatap provision --output "$R/ak" 2>&1) || t_abort "imatap provision failed: $provision_out"
nonce=00112233445566778899aabbccddeeff
imatap quote --nonce "$nonce" --output "$R/ev.json" 2>"$R/quote.err" ||
	t_abort "imatap quote failed: $(cat "$R/quote.err")"
appraise evidence --ak "$R/ak.pub" --nonce "$nonce" "$R/ev.json"
t_check_eq "exit status of appraise of quoted evidence" 0 "$status"
t_check_eq "status of quoted evidence" "status: affirming" "$(grep 'status:' "$R/evidence.txt")"

echo 'PermitRootLogin yes' >>/etc/ssh/sshd_config
cat /etc/ssh/sshd_config >/dev/null
mkdir -p /usr/local/bin
cp /usr/bin/imatap-logstat /usr/local/bin/unknown-exe
printf '\n' >>/usr/local/bin/unknown-exe
/usr/local/bin/unknown-exe --help >/dev/null 2>&1

appraise after --live --ear "$R/after.jws" --ear-key /vm/ear-key.pem
t_check_eq "exit status of appraise after the change" 1 "$status"
t_check_eq "status line after the change" "status: contraindicated" "$(grep 'status:' "$R/after.txt")"
t_check_eq "failing entry count after the change" 2 \
	"$(sed -n 's/.*failing entries: \([0-9]*\) of .*/\1/p' "$R/after.txt")"
grep -qE '/etc/ssh/sshd_config +digest not allowed' "$R/after.txt" ||
	t_fail "sshd_config is not reported as a digest not allowed"
grep -qE '/usr/local/bin/unknown-exe +unknown file' "$R/after.txt" ||
	t_fail "unknown-exe is not reported as an unknown file"
grep -q '^ *FAIL 5\.1\.1 ' "$R/after.txt" || t_fail "control 5.1.1 does not fail after the change"
t_check_eq "claims after the change" "claims: configuration 96 executables 33" \
	"$(grep 'claims:' "$R/after.txt")"

imatap ear verify "$R/before.jws" --key /vm/ear-key.pem >"$R/ear-before.txt" 2>&1
t_check_eq "exit status of ear verify before" 0 "$?"
t_check_eq "EAR status before" "verified: affirming" "$(head -n 1 "$R/ear-before.txt")"
imatap ear verify "$R/after.jws" --key /vm/ear-key.pem >"$R/ear-after.txt" 2>&1
t_check_eq "exit status of ear verify after" 0 "$?"
t_check_eq "EAR status after" "verified: contraindicated" "$(head -n 1 "$R/ear-after.txt")"
t_finish
