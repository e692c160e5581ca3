#!/usr/bin/perl
# Rewrite a little-endian binary_runtime_measurements as a big-endian
# kernel without ima_canonical_fmt writes it: every u32 swapped. Handles
# templates whose data is length-prefixed fields (all but "ima").
use strict;
use warnings;

local $/;
binmode STDIN;
binmode STDOUT;
my $log = <STDIN>;
my $pos = 0;
while ($pos < length $log) {
	my ($pcr, $digest, $name_len) = unpack "V a20 V", substr($log, $pos, 28);
	my $name = substr($log, $pos + 28, $name_len);
	die "\"ima\" template not supported\n" if $name eq "ima";
	my $data_len = unpack "V", substr($log, $pos + 28 + $name_len, 4);
	my $data = substr($log, $pos + 32 + $name_len, $data_len);
	print pack("N a20 N", $pcr, $digest, $name_len), $name, pack("N", $data_len);
	my $at = 0;
	while ($at < $data_len) {
		my $len = unpack "V", substr($data, $at, 4);
		print pack("N", $len), substr($data, $at + 4, $len);
		$at += 4 + $len;
	}
	$pos += 32 + $name_len + $data_len;
}
