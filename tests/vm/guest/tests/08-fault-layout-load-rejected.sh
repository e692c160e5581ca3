# SPDX-License-Identifier: GPL-2.0
#
# With fault_layout=1 the module's load-time layout check reads the entries
# one pointer off, so insmod must fail and the module must log why. A plain
# insmod afterwards succeeds, so the rejection came from the parameter.
# vm-boot: tpm
# vm-timeout: 120
. /vm/lib.sh
t_require_module

out=$(rmmod imatap 2>&1) || t_abort "rmmod before the test failed: $out"

t_kmsg "expected errors begin"
if out=$(insmod "$MODULE" fault_layout=1 2>&1); then
	t_fail "insmod fault_layout=1 succeeded, expected a failure"
fi
t_kmsg "expected errors end"
t_info "insmod fault_layout=1: $out"

t_module_loaded && t_fail "imatap is in /proc/modules after insmod fault_layout=1"
reason=$(t_kernel_log_since "expected errors begin" | grep 'imatap: ')
[ -n "$reason" ] || t_fail "no 'imatap: ' line in the kernel log after insmod fault_layout=1"
t_info "kernel log: $reason"
echo "$reason" | grep -q 'layout check failed' ||
	t_fail "kernel log: expected 'layout check failed', got '$reason'"

out=$(insmod "$MODULE" 2>&1) || t_fail "insmod without fault_layout failed: $out"

t_finish
