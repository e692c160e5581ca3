# SPDX-License-Identifier: GPL-2.0
#
# The offsets kmod/compat.h asserts for its mirrors of IMA's private
# structures equal the running kernel's own, as its BTF describes them. The
# module's load-time check reads real entries; this test compares every
# asserted offset and size, so a layout change fails here by name.
# vm-boot: tpm
# vm-timeout: 120
. /vm/lib.sh

command -v bpftool >/dev/null || t_skip "bpftool not in the initramfs"
[ -r /sys/kernel/btf/vmlinux ] || t_skip "kernel has no BTF (CONFIG_DEBUG_INFO_BTF)"

raw=$T_DIR/btf.raw
bpftool btf dump file /sys/kernel/btf/vmlinux format raw >"$raw" ||
	t_abort "bpftool btf dump failed"

# btf_offset STRUCT MEMBER: the byte offset of MEMBER in struct STRUCT.
btf_offset() {
	awk -v s="'$1'" -v m="'$2'" '
		/^\[[0-9]+\] / { in_struct = ($2 == "STRUCT" && $3 == s) ; next }
		in_struct && $1 == m {
			for (i = 2; i <= NF; i++)
				if ($i ~ /^bits_offset=/) {
					sub(/bits_offset=/, "", $i)
					print $i / 8
					exit
				}
		}' "$raw"
}

# btf_size STRUCT: the size in bytes of struct STRUCT.
btf_size() {
	awk -v s="'$1'" '
		/^\[[0-9]+\] STRUCT / && $3 == s {
			sub(/size=/, "", $4)
			print $4
			exit
		}' "$raw"
}

checked=0
# Lines like: static_assert(offsetof(struct imatap_ima_queue_entry, entry) == 32);
grep -E '^static_assert\(offsetof\(struct imatap_' /vm/compat.h |
	sed -E 's/^static_assert\(offsetof\(struct imatap_([a-z_]+), ([a-z_]+)\) == ([0-9]+)\);$/\1 \2 \3/' \
	>"$T_DIR/offsets"
while read -r name member expected; do
	t_check_eq "offset of $member in struct $name" "$expected" "$(btf_offset "$name" "$member")"
	checked=$((checked + 1))
done <"$T_DIR/offsets"

grep -E '^static_assert\(sizeof\(struct ' /vm/compat.h |
	sed -E 's/^static_assert\(sizeof\(struct (imatap_)?([a-z_]+)\) == ([0-9]+)\);$/\2 \3/' \
	>"$T_DIR/sizes"
while read -r name expected; do
	t_check_eq "size of struct $name" "$expected" "$(btf_size "$name")"
	checked=$((checked + 1))
done <"$T_DIR/sizes"

t_info "$checked offsets and sizes compared with the kernel's BTF"
[ "$checked" -ge 12 ] || t_fail "expected at least 12 asserted offsets and sizes in compat.h, found $checked"
t_finish
