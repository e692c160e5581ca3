# SPDX-License-Identifier: GPL-2.0
#
# A listener with a tiny receive buffer that sleeps after each message
# loses group messages (ENOBUFS or an index gap) during a storm, and still
# writes the complete log by repairing with dumps.
# vm-boot: tpm
# vm-timeout: 900
. /vm/lib.sh
t_require_module

# The debug kernel measures about 100 files a second under TCG, so the
# listener reads at most 50 messages a second to fall behind there too.
t_start_listener slow --rcvbuf 4096 --sleep-us 20000
t_storm storm --files 3000 --jobs 2 --violations 20

t_snapshot "$T_DIR/log.bin"
t_logstat "$T_DIR/log.bin"
t_stop_listener slow "$(t_stat "$T_DIR/log.bin.stat" entries)" 600

t_check_same_log "slow listener output against binary_runtime_measurements" \
	"$T_DIR/log.bin" "$T_DIR/slow.bin"
enobufs=$(t_stat "$T_DIR/slow.stats" enobufs)
gaps=$(t_stat "$T_DIR/slow.stats" gaps)
t_check_gt "losses seen (ENOBUFS $enobufs + gaps $gaps)" 0 $((enobufs + gaps))
t_check_gt "repair dumps" 0 "$(t_stat "$T_DIR/slow.stats" repairs)"
t_check_eq "malformed messages" 0 "$(t_stat "$T_DIR/slow.stats" malformed)"

t_finish
