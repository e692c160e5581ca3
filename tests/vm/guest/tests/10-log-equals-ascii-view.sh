# SPDX-License-Identifier: GPL-2.0
#
# "imatap log" turns a copy of binary_runtime_measurements into exactly the
# kernel's ascii_runtime_measurements, read after it, up to the entries the
# copy holds. The log first gets file names with spaces, a newline, bytes
# 0xff 0xfe and 300 and 3000 bytes, entries with the ima, ima-ng and
# ima-buf templates and violations. "imatap log" without a file reads the
# live securityfs log.
# vm-boot: tpm
# vm-timeout: 600
. /vm/lib.sh

command -v imatap >/dev/null || t_skip "userspace/imatap not built"

# check_ascii_prefix WHAT OURS ASCII: the file OURS that WHAT wrote is not
# empty and equals the first bytes of ASCII, a copy of the kernel's view.
check_ascii_prefix() {
	size=$(wc -c <"$2")
	ascii_size=$(wc -c <"$3")
	t_check_gt "bytes written by $1" 0 "$size"
	if [ "$ascii_size" -lt "$size" ]; then
		t_fail "$1 wrote $size bytes, more than the $ascii_size bytes of the ASCII view $3"
		return
	fi
	head -c "$size" "$3" >"$2.expected"
	cmp -s "$2.expected" "$2" && return 0

	t_fail "$1: $2 differs from the first $size bytes of the ASCII view $3"
	first=$(cmp "$2.expected" "$2" 2>&1 | head -n 1)
	t_info "cmp: $first"
	line=$(echo "$first" | sed -n 's/.* line \([0-9]*\).*/\1/p')
	if [ -n "$line" ]; then
		t_info "kernel: $(sed -n "${line}p" "$2.expected" | head -c 300)"
		t_info "imatap: $(sed -n "${line}p" "$2" | head -c 300)"
	fi
}

t_storm names --files 400 --jobs 2 --violations 5 --odd-names \
	--cert "$CERT" --keys 4 --ima-owner 4242 --ima-ng-owner 4243

# The binary copy first: the ASCII copy may then have more entries.
cat "$IMA_DIR/binary_runtime_measurements" >/tmp/bin ||
	t_abort "cannot read $IMA_DIR/binary_runtime_measurements"
cat "$IMA_DIR/ascii_runtime_measurements" >/tmp/ascii ||
	t_abort "cannot read $IMA_DIR/ascii_runtime_measurements"
t_logstat /tmp/bin
t_info "binary copy: $(tr '\n' ' ' </tmp/bin.stat)"
t_check_ge "entries with a newline in the name" 1 "$(t_stat /tmp/bin.stat names_with_newline)"
t_check_ge "entries with bytes 0xff 0xfe in the name" 1 "$(t_stat /tmp/bin.stat names_with_ff_fe)"
t_check_ge "entries with a name over 2048 bytes" 1 "$(t_stat /tmp/bin.stat names_over_2048)"
t_check_ge "ima template entries" 1 "$(t_template_count /tmp/bin.stat ima)"
t_check_ge "ima-ng template entries" 1 "$(t_template_count /tmp/bin.stat ima-ng)"
t_check_ge "ima-buf template entries" 1 "$(t_template_count /tmp/bin.stat ima-buf)"
t_check_ge "violations" 1 "$(t_stat /tmp/bin.stat violations)"

imatap log /tmp/bin >/tmp/ours 2>"$T_DIR/log.err"
status=$?
t_check_eq "exit status of 'imatap log /tmp/bin' (stderr: $(head -c 1000 "$T_DIR/log.err"))" \
	0 "$status"
check_ascii_prefix "'imatap log /tmp/bin'" /tmp/ours /tmp/ascii

# The live log, then the ASCII view again, which may have grown meanwhile.
imatap log >"$T_DIR/live" 2>"$T_DIR/live.err"
status=$?
cat "$IMA_DIR/ascii_runtime_measurements" >"$T_DIR/live-ascii" ||
	t_abort "cannot read $IMA_DIR/ascii_runtime_measurements"
t_check_eq "exit status of 'imatap log' on the live securityfs log (stderr: $(head -c 1000 "$T_DIR/live.err"))" \
	0 "$status"
check_ascii_prefix "'imatap log' on the live log" "$T_DIR/live" "$T_DIR/live-ascii"

t_finish
