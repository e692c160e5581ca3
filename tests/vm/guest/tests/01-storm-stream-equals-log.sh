# SPDX-License-Identifier: GPL-2.0
#
# A listener that joined before a storm of at least 20,000 measurements
# from 4 processes writes exactly binary_runtime_measurements, and got most
# entries from the group rather than from catch-up dumps. The storm includes
# ToMToU and open_writers violations, ima-buf entries from keys, entries
# with the ima and ima-ng templates, odd file names and a path long enough
# that its entry is sent in chunks.
# vm-boot: tpm
# vm-timeout: 1200
. /vm/lib.sh
t_require_module

t_snapshot "$T_DIR/before.bin"
t_logstat "$T_DIR/before.bin"
violations_before=$(cat "$IMA_DIR/violations")

t_start_listener stream
t_storm storm --files 20000 --jobs 4 --violations 100 --odd-names \
	--cert "$CERT" --keys 40 --ima-owner 4242 --ima-ng-owner 4243

t_snapshot "$T_DIR/after.bin"
t_logstat "$T_DIR/after.bin"
count=$(t_stat "$T_DIR/after.bin.stat" entries)
t_stop_listener stream "$count" 600

t_check_same_log "listener output against binary_runtime_measurements" \
	"$T_DIR/after.bin" "$T_DIR/stream.bin"

# The storm really happened and has every kind of entry it should.
added=$((count - $(t_stat "$T_DIR/before.bin.stat" entries)))
t_check_ge "entries added during the storm" \
	"$(t_stat "$T_DIR/storm.out" expected_entries)" "$added"
t_check_ge "IMA violations added during the storm" 200 \
	$(($(cat "$IMA_DIR/violations") - violations_before))
t_check_ge "ima-buf entries added during the storm" 40 \
	$(($(t_template_count "$T_DIR/after.bin.stat" ima-buf) - $(t_template_count "$T_DIR/before.bin.stat" ima-buf)))
t_check_ge "ima template entries" 1000 "$(t_template_count "$T_DIR/after.bin.stat" ima)"
t_check_ge "ima-ng template entries" 1000 "$(t_template_count "$T_DIR/after.bin.stat" ima-ng)"
t_check_ge "entries with a newline in the name" 4 "$(t_stat "$T_DIR/after.bin.stat" names_with_newline)"
t_check_ge "entries with bytes 0xff 0xfe in the name" 4 "$(t_stat "$T_DIR/after.bin.stat" names_with_ff_fe)"
t_check_ge "entries with a name over 2048 bytes" 4 "$(t_stat "$T_DIR/after.bin.stat" names_over_2048)"

# Most entries came from the group: the listener joined before the storm.
from_group=$(t_stat "$T_DIR/stream.stats" from_group)
t_check_gt "entries the listener got from the group (half the storm is $((added / 2)))" \
	$((added / 2)) "$from_group"
t_check_eq "malformed messages" 0 "$(t_stat "$T_DIR/stream.stats" malformed)"

t_finish
