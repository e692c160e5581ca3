#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging tests, as KTAP lines ending "packaging: N passed, N failed".
# They check "make install" into a DESTDIR, the systemd unit under
# systemd-analyze, the init script against a stub daemon, and shellcheck on
# scripts/. Then dpkg-buildpackage builds the two Debian packages, DKMS
# builds the packaged module sources, and apt installs both packages into
# a fresh Debian 12 root made by debootstrap.
#
# Needs root. The debootstrapped root and the packages apt fetched into it
# are cached in $IMATAP_CACHE/debootstrap (default /var/cache/imatap), so
# only the first run downloads them. Nothing is installed on this machine:
# the packages go into a copy of the cached root, and DKMS builds in a
# scratch tree.

# Single-quoted $ in this file are meant literally: unit lines, dpkg-query
# formats and the script run by unshare.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/.." || exit 1
version=$(cat VERSION)
cache=${IMATAP_CACHE:-/var/cache/imatap}
dist=bookworm
arch=$(dpkg --print-architecture)
base=$cache/debootstrap/$dist-$arch
archives=$cache/debootstrap/$dist-$arch-archives
started=$(date +%s)

tmp=$(mktemp -d /tmp/imatap-packaging.XXXXXX)
# Every mount is made in a private mount namespace (in_root), so none
# outlives its command and rm -rf never reaches the cache through one.
# IMATAP_KEEP=1 keeps the scratch directory for a look after a failure.
if [ "${IMATAP_KEEP:-0}" = 1 ]; then
	echo "# keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

n=0
passed=0
failed=0

# result STATUS NAME: print a KTAP line for one check and count it.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
		passed=$((passed + 1))
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# check NAME COMMAND...: run COMMAND, and show the end of its output if it
# fails.
check() {
	local name=$1 rc
	shift
	"$@" >"$tmp/log" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "# exit $rc: $*"
		tail -n 20 "$tmp/log" | sed 's/^/# /'
	fi
	result "$rc" "$name"
}

# fail_if_output NAME COMMAND...: pass if COMMAND exits 0 and prints
# nothing, as systemd-analyze verify does for a clean unit.
fail_if_output() {
	local name=$1 rc
	shift
	"$@" >"$tmp/log" 2>&1
	rc=$?
	if [ "$rc" != 0 ] || [ -s "$tmp/log" ]; then
		echo "# exit $rc: $*"
		sed 's/^/# /' "$tmp/log" | head -n 20
		rc=1
	fi
	result "$rc" "$name"
}

elapsed() {
	echo "# time: $1 $(($(date +%s) - started)) s since start"
}

summary() {
	echo "1..$n"
	echo "# total time: $(($(date +%s) - started)) s"
	echo "packaging: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# in_root COMMAND...: run COMMAND in the test root with /proc and the
# cached apt archives mounted, in a mount namespace of its own.
in_root() {
	unshare --mount --propagation private sh -c '
		root=$1 archives=$2
		shift 2
		mount -t proc proc "$root/proc" &&
		mount --bind "$archives" "$root/var/cache/apt/archives" &&
		exec chroot "$root" "$@"' sh "$tmp/root" "$archives" \
		env DEBIAN_FRONTEND=noninteractive "$@"
}

# The plan line comes last because the number of scripts in scripts/
# sets the number of checks.
echo "TAP version 13"

# Prerequisites
missing=
for cmd in debootstrap dpkg-buildpackage dh dh_dkms dkms lintian \
	shellcheck systemd-analyze unshare gcc; do
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
done
if [ "$(id -u)" != 0 ]; then
	missing="$missing (root)"
fi
if [ -n "$missing" ]; then
	echo "# missing:$missing; run scripts/install-deps as root"
fi
[ -z "$missing" ]
result $? "prerequisites present"
[ -z "$missing" ] || summary
krel=$(scripts/install-deps --print-kernel)

# The files git lists, untracked but not ignored ones included,
# so that no build output of this checkout leaks into a test.
srcdir=$tmp/src/imatap-$version
mkdir -p "$srcdir"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$srcdir"
else
	echo "# not a git checkout: copying the tree without userspace/build"
	tar -cf - --exclude=./userspace/build --exclude=./tests/vm/out . |
		tar -xf - -C "$srcdir"
fi

# make install
dest=$tmp/dest-local
check "make install into DESTDIR" \
	make -s -C "$srcdir" install DESTDIR="$dest"

install_missing=
expect_file() {
	local mode
	mode=$(stat -c %a "$dest/$1" 2>/dev/null)
	if [ "$mode" != "$2" ]; then
		echo "# $1: mode ${mode:-missing}, expected $2"
		install_missing="$install_missing $1"
	fi
}
expect_file usr/local/sbin/imatap 755
expect_file usr/local/sbin/imatap-provision-tpm2 755
for page in Documentation/man/*.8; do
	expect_file "usr/local/share/man/man8/${page##*/}" 644
done
for page in Documentation/man/*.5; do
	[ -e "$page" ] && expect_file "usr/local/share/man/man5/${page##*/}" 644
done
expect_file usr/local/share/man/man8/imatap.8 644
expect_file usr/local/lib/systemd/system/imatap.service 644
expect_file etc/init.d/imatap 755
expect_file usr/local/lib/modules-load.d/imatap.conf 644
expect_file etc/imatap/imatap.conf 644
expect_file var/lib/imatap 700
[ -z "$install_missing" ]
result $? "make install puts every file in place"

[ "$("$dest/usr/local/sbin/imatap" --version 2>&1)" = "imatap $version" ]
result $? "installed helper prints imatap $version"

check "installed unit runs the installed helper" grep -qFx \
	'ExecStart=/usr/local/sbin/imatap daemon --config /etc/imatap/imatap.conf' \
	"$dest/usr/local/lib/systemd/system/imatap.service"
check "installed init script runs the installed helper" grep -qFx \
	'DAEMON=/usr/local/sbin/imatap' "$dest/etc/init.d/imatap"
check "modules-load entry names the module" grep -qx imatap \
	"$dest/usr/local/lib/modules-load.d/imatap.conf"

echo "# edited by the test" >>"$dest/etc/imatap/imatap.conf"
make -s -C "$srcdir" install DESTDIR="$dest" >"$tmp/log" 2>&1
check "make install keeps an edited configuration" grep -qFx \
	"# edited by the test" "$dest/etc/imatap/imatap.conf"

make -s -C "$srcdir" uninstall DESTDIR="$dest" >"$tmp/log" 2>&1
left=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./etc/imatap/imatap.conf " ]
result $? "make uninstall leaves only the configuration"
[ "$left" = "./etc/imatap/imatap.conf " ] || echo "# left: $left"

usrdest=$tmp/dest-usr
make -s -C "$srcdir" install DESTDIR="$usrdest" PREFIX=/usr >"$tmp/log" 2>&1
check "PREFIX=/usr installs in Debian 12's directories" test -x \
	"$usrdest/usr/sbin/imatap" -a \
	-f "$usrdest/lib/systemd/system/imatap.service" -a \
	-f "$usrdest/usr/lib/modules-load.d/imatap.conf"
elapsed "make install"

# The systemd unit. verify needs the unit's command and man page to exist,
# so a copy points at the installed helper and MANPATH at its man pages.
mkdir -p "$tmp/unit"
sed "s|/usr/sbin/imatap|$usrdest/usr/sbin/imatap|" \
	"$usrdest/lib/systemd/system/imatap.service" >"$tmp/unit/imatap.service"
fail_if_output "systemd-analyze verify passes the unit" \
	env MANPATH="$usrdest/usr/share/man" \
	systemd-analyze verify "$tmp/unit/imatap.service"

# verify exits 0 on an unknown setting and only prints a warning, which is
# why the check above also fails on any output.
mkdir -p "$tmp/badunit"
sed 's/^NoNewPrivileges=yes$/NoNewPrivilege=yes/' "$tmp/unit/imatap.service" \
	>"$tmp/badunit/imatap.service"
env MANPATH="$usrdest/usr/share/man" \
	systemd-analyze verify "$tmp/badunit/imatap.service" 2>&1 | grep -q .
result $? "systemd-analyze verify reports a misspelt setting"

settings_missing=
for line in \
	'CapabilityBoundingSet=CAP_NET_ADMIN' \
	'SupplementaryGroups=tss' \
	'NoNewPrivileges=yes' \
	'ProtectSystem=strict' \
	'StateDirectory=imatap' \
	'ProtectHome=yes' \
	'PrivateTmp=yes' \
	'ProtectKernelTunables=yes' \
	'ProtectKernelModules=yes' \
	'DevicePolicy=closed' \
	'DeviceAllow=/dev/tpmrm0 rw' \
	'RestrictAddressFamilies=AF_NETLINK AF_UNIX' \
	'SystemCallFilter=@system-service' \
	'Wants=systemd-modules-load.service' \
	'After=systemd-modules-load.service' \
	'ExecReload=/bin/kill -HUP $MAINPID'; do
	if ! grep -qFx "$line" scripts/imatap.service; then
		echo "# scripts/imatap.service lacks: $line"
		settings_missing=1
	fi
done
for line in 'PrivateNetwork=yes' 'PrivateUsers=yes'; do
	if grep -qFx "$line" scripts/imatap.service; then
		echo "# scripts/imatap.service has $line, which hides the module's netlink family"
		settings_missing=1
	fi
done
[ -z "$settings_missing" ]
result $? "unit has its hardening settings"

# systemd-analyze security rates exposure from 0 to 10; the threshold is
# in tenths.
check "unit exposure at most 2.0" env MANPATH="$usrdest/usr/share/man" \
	systemd-analyze security --offline=yes --threshold=20 \
	"$tmp/unit/imatap.service"
elapsed "systemd unit"

# Shell scripts: the init script and every other one in scripts/.
for script in scripts/*; do
	case $(head -n 1 "$script") in
	'#!/bin/sh'* | '#!/usr/bin/env sh'*) shell="sh" ;;
	'#!/bin/bash'* | '#!/usr/bin/env bash'*) shell="bash" ;;
	*)
		case $script in
		*.sh) shell="sh" ;;
		*) continue ;;
		esac
		;;
	esac
	check "shellcheck $script" shellcheck -x -s "$shell" "$script"
	check "$shell -n $script" "$shell" -n "$script"
done
printf '#!/bin/sh\nrm -rf $1/*\n' >"$tmp/bad.sh"
! shellcheck "$tmp/bad.sh" >/dev/null 2>&1
result $? "shellcheck reports an unquoted rm -rf"
elapsed "shell scripts"

# The init script against a stub daemon that records its arguments and
# the signals it gets, and exits at once when its configuration path
# contains "bad", as a daemon rejecting its configuration would.
cat >"$tmp/stub.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t last;

static void on_signal(int sig)
{
	last = sig;
}

int main(int argc, char **argv)
{
	FILE *log = fopen(STUB_LOG, "a");
	int i;

	if (!log)
		return 5;
	setvbuf(log, NULL, _IONBF, 0);
	for (i = 1; i < argc; i++)
		fprintf(log, "%s%s", argv[i], i + 1 < argc ? " " : "\n");
	if (argc > 3 && strstr(argv[3], "bad"))
		return 2;
	signal(SIGHUP, on_signal);
	signal(SIGTERM, on_signal);
	for (;;) {
		pause();
		if (last == SIGHUP)
			fprintf(log, "SIGHUP\n");
		if (last == SIGTERM) {
			fprintf(log, "SIGTERM\n");
			return 0;
		}
		last = 0;
	}
}
EOF
gcc -O2 -DSTUB_LOG="\"$tmp/stub.log\"" -o "$tmp/stub" "$tmp/stub.c"
sed -e "s|^DAEMON=.*|DAEMON=$tmp/stub|" \
	-e "s|^CONFIG=.*|CONFIG=$tmp/imatap.conf|" \
	-e "s|^PIDFILE=.*|PIDFILE=$tmp/imatap.pid|" \
	-e "s|^STATEDIR=.*|STATEDIR=$tmp/state|" \
	scripts/imatap.init >"$tmp/init"
chmod +x "$tmp/init"
export SYSTEMCTL_SKIP_REDIRECT=1
: >"$tmp/stub.log"

check "init start runs the daemon" "$tmp/init" start
check "init status reports it running" "$tmp/init" status
check "daemon runs with its configuration" grep -qFx \
	"daemon --config $tmp/imatap.conf" "$tmp/stub.log"
pid=$(cat "$tmp/imatap.pid" 2>/dev/null)
"$tmp/init" start >"$tmp/log" 2>&1 &&
	[ "$(grep -c '^daemon' "$tmp/stub.log")" = 1 ]
result $? "init start leaves a running daemon alone"
"$tmp/init" reload >"$tmp/log" 2>&1
sleep 0.2
check "init reload sends SIGHUP" grep -qx SIGHUP "$tmp/stub.log"
check "init restart starts a new daemon" "$tmp/init" restart
[ -n "$pid" ] && [ "$(cat "$tmp/imatap.pid" 2>/dev/null)" != "$pid" ] &&
	[ "$(grep -c '^daemon' "$tmp/stub.log")" = 2 ] &&
	[ "$(grep -c '^SIGTERM$' "$tmp/stub.log")" = 1 ]
result $? "restart stopped the old daemon and started one"
check "init stop stops the daemon" "$tmp/init" stop
"$tmp/init" status >/dev/null 2>&1
status=$?
[ "$status" = 3 ] && [ ! -e "$tmp/imatap.pid" ] &&
	grep -qx SIGTERM "$tmp/stub.log"
result $? "stopped daemon got SIGTERM and status is 3"
[ "$status" = 3 ] || echo "# status exited $status"

"$tmp/init" start >/dev/null 2>&1
kill -KILL "$(cat "$tmp/imatap.pid")" 2>/dev/null
sleep 0.2
"$tmp/init" status >/dev/null 2>&1
result $(($? != 1)) "status of a killed daemon is 1"
rm -f "$tmp/imatap.pid"

sed -i "s|^CONFIG=.*|CONFIG=$tmp/bad.conf|" "$tmp/init"
"$tmp/init" start >"$tmp/log" 2>&1
result $(($? != 1)) "init start fails when the daemon exits at once"
"$tmp/init" frobnicate >/dev/null 2>&1
result $(($? != 2)) "init rejects an unknown action"
unset SYSTEMCTL_SKIP_REDIRECT
elapsed "init script"

# Debian packages, built outside the checkout because dpkg-buildpackage
# writes them to the parent directory.
debs=$tmp/src
check "dpkg-buildpackage builds the packages" \
	sh -c "cd '$srcdir' && dpkg-buildpackage -us -uc -b -j2"
deb=$debs/imatap_${version}_$arch.deb
dkmsdeb=$debs/imatap-dkms_${version}_all.deb
check "both packages exist" test -f "$deb" -a -f "$dkmsdeb"

dpkg-deb -c "$deb" 2>/dev/null | awk '{print $6}' >"$tmp/contents"
contents_missing=
for path in ./usr/sbin/imatap ./usr/sbin/imatap-provision-tpm2 \
	./usr/share/man/man8/imatap.8.gz \
	./usr/share/man/man8/imatap-log.8.gz \
	./lib/systemd/system/imatap.service ./etc/init.d/imatap \
	./usr/lib/modules-load.d/imatap.conf ./etc/imatap/imatap.conf \
	./var/lib/imatap/; do
	if ! grep -qFx "$path" "$tmp/contents"; then
		echo "# imatap package lacks $path"
		contents_missing=1
	fi
done
[ -z "$contents_missing" ]
result $? "imatap package has the helper, man pages, unit and config"

dpkg-deb -e "$deb" "$tmp/control"
check "configuration and init script are conffiles" sh -c "
	grep -qx /etc/imatap/imatap.conf '$tmp/control/conffiles' &&
	grep -qx /etc/init.d/imatap '$tmp/control/conffiles'"
depends=$(dpkg-deb -f "$deb" Depends 2>/dev/null)
case $depends in
*tpm-udev*libtss2-esys*libssl3* | *tpm-udev*libssl3*libtss2-esys*) true ;;
*) echo "# Depends: $depends"; false ;;
esac
result $? "imatap depends on tpm-udev and its shared libraries"
[ "$(dpkg-deb -f "$dkmsdeb" Architecture 2>/dev/null)" = all ] &&
	dpkg-deb -f "$dkmsdeb" Depends 2>/dev/null | grep -q '\bdkms\b'
result $? "imatap-dkms is arch all and depends on dkms"

dpkg-deb -x "$dkmsdeb" "$tmp/dkms-root"
dkmsconf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' \
	"$tmp/dkms-root/usr/src/imatap-$version/dkms.conf" 2>/dev/null)
changelog_version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
echo "# VERSION $version, changelog $changelog_version, package" \
	"$(dpkg-deb -f "$deb" Version), dkms.conf ${dkmsconf_version:-none}"
[ "$changelog_version" = "$version" ] &&
	[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] &&
	[ "$dkmsconf_version" = "$version" ]
result $? "changelog, packages and dkms.conf carry VERSION"

check "lintian finds no error or warning" \
	lintian --fail-on error,warning "$debs/imatap_${version}_$arch.changes"

echo 99.0.0 >"$srcdir/VERSION"
(cd "$srcdir" && debian/rules clean) >"$tmp/log" 2>&1
rules_status=$?
echo "$version" >"$srcdir/VERSION"
[ "$rules_status" != 0 ] && grep -q 'but VERSION is 99.0.0' "$tmp/log"
result $? "debian/rules rejects a VERSION the changelog lacks"
elapsed "packages"

# DKMS builds the packaged sources for the kernel the VM tests boot, in a
# scratch tree; loading the module is the VM suite's job.
mkdir -p "$tmp/dkms-tree"
check "dkms builds the packaged module for $krel" \
	dkms build --dkmstree "$tmp/dkms-tree" \
	--sourcetree "$tmp/dkms-root/usr/src" -m imatap -v "$version" -k "$krel"
ko=$(find "$tmp/dkms-tree/imatap/$version/$krel" -name 'imatap.ko*' 2>/dev/null |
	head -n 1)
[ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$version" ] &&
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]
result $? "DKMS module has version $version and vermagic $krel"
elapsed "dkms"

# A fresh Debian 12 root. debootstrap runs once; later runs copy its root.
mkdir -p "$cache/debootstrap" "$archives"
(
	flock 9
	if [ ! -f "$base/.complete" ]; then
		mirror=${IMATAP_MIRROR:-$(apt-cache policy |
			awk -v d="$dist/main" -v a="$arch" \
				'$3 == d && $4 == a { print $2; exit }')}
		echo "# debootstrap $dist from ${mirror:-(no mirror found)}"
		rm -rf "$base"
		debootstrap --variant=minbase --arch="$arch" "$dist" "$base" \
			"$mirror" >"$tmp/debootstrap.log" 2>&1 &&
		# Services must not start inside the test root.
		printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d" &&
		chmod 0755 "$base/usr/sbin/policy-rc.d" &&
		cp /etc/resolv.conf "$base/etc/resolv.conf" &&
		chroot "$base" apt-get update -q >>"$tmp/debootstrap.log" 2>&1 &&
		chroot "$base" apt-get clean &&
		touch "$base/.complete"
	else
		echo "# using the cached root in $base"
	fi
) 9>"$cache/debootstrap/.lock"
check "debootstrapped $dist root ready" test -f "$base/.complete"
[ -f "$base/.complete" ] || tail -n 20 "$tmp/debootstrap.log" | sed 's/^/# /'

cp -a "$base" "$tmp/root"
cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
cp "$deb" "$dkmsdeb" "$tmp/root/tmp/"
apt_install() {
	in_root apt-get install -y -q --no-install-recommends \
		"/tmp/${deb##*/}" "/tmp/${dkmsdeb##*/}"
}
# The cached package lists may name versions the mirror has since
# replaced; then update them and try again.
if ! apt_install >"$tmp/apt.log" 2>&1; then
	echo "# apt-get install failed; updating the package lists"
	in_root apt-get update -q >>"$tmp/apt.log" 2>&1
	apt_install >>"$tmp/apt.log" 2>&1
fi
[ "$(in_root dpkg-query -W -f='${Status}\n' imatap imatap-dkms 2>/dev/null |
	grep -c '^install ok installed$')" = 2 ]
apt_status=$?
[ "$apt_status" = 0 ] || tail -n 20 "$tmp/apt.log" | sed 's/^/# /'
result "$apt_status" "apt installs both packages in the fresh root"

[ "$(in_root imatap --version 2>&1)" = "imatap $version" ]
result $? "imatap --version in the root prints imatap $version"

tree_missing=
for f in dkms.conf Kbuild VERSION kmod/Kbuild kmod/*.c kmod/*.h \
	kmod/uapi/linux/*.h; do
	case $f in *.mod.c) continue ;; esac
	if [ ! -f "$tmp/root/usr/src/imatap-$version/$f" ]; then
		echo "# /usr/src/imatap-$version/$f missing in the root"
		tree_missing=1
	fi
done
[ -z "$tree_missing" ]
result $? "DKMS source tree in the root is complete"

in_root dkms status >"$tmp/dkms-status" 2>&1
check "dkms knows imatap/$version in the root" grep -q "^imatap/$version" \
	"$tmp/dkms-status"

enabled=$(cd "$tmp/root/etc" && ls rc?.d/S*imatap \
	systemd/system/multi-user.target.wants/imatap.service 2>/dev/null)
[ -z "$enabled" ]
result $? "daemon is installed disabled"
[ -z "$enabled" ] || echo "# enabled: $enabled"

in_root apt-get purge -y -q imatap imatap-dkms >"$tmp/log" 2>&1
[ ! -e "$tmp/root/usr/src/imatap-$version" ] &&
	[ ! -e "$tmp/root/etc/imatap" ] && [ ! -e "$tmp/root/etc/init.d/imatap" ]
result $? "purge removes the sources and configuration"
elapsed "chroot"

summary
