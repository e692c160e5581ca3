# SPDX-License-Identifier: GPL-2.0
#
# Top-level targets. "make check" and "make demo" install what is missing
# (scripts/install-deps) before they build, so they work on a fresh Debian 12
# machine as root.

KRELEASE ?= $(shell scripts/install-deps --print-kernel 2>/dev/null)
KDIR ?= /lib/modules/$(KRELEASE)/build

# The one version of the module, the helper and the packages.
VERSION := $(shell cat VERSION)

# Installation directories. Packages set PREFIX=/usr; /etc, /var and the
# DKMS tree under /usr/src are where their readers look, whatever PREFIX is.
# The state directory is fixed: the unit's StateDirectory= names it.
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# systemd reads units and modules-load.d files from /usr/local/lib too.
# Debian 12 ships units in /lib/systemd/system (pkg-config systemd says so).
ifeq ($(PREFIX),/usr)
SYSTEMDUNITDIR ?= /lib/systemd/system
else
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
endif
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
DKMSSRCDIR ?= /usr/src/imatap-$(VERSION)

# The module's sources as DKMS builds them: Kbuild, VERSION and kmod/.
DKMS_FILES = Kbuild VERSION $(wildcard kmod/Kbuild kmod/*.c kmod/*.h) \
	$(wildcard kmod/uapi/linux/*.h)
DKMS_FILES := $(filter-out %.mod.c,$(DKMS_FILES))
MAN8 = $(wildcard Documentation/man/*.8)
MAN5 = $(wildcard Documentation/man/*.5)

.PHONY: all deps module userspace check check-unit check-vm check-matrix \
	check-all demo bench style sparse fuzz clean install install-module \
	install-dkms uninstall

all: module userspace

deps:
	scripts/install-deps

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

check: deps
	$(MAKE) all
	tests/run-all

check-unit: userspace
	$(MAKE) -C userspace check

check-vm: all
	tests/vm/run

# The VM suite on every supported kernel (tests/matrix --list), each with
# the module built for it. The first run downloads and builds kernels into
# /var/cache/imatap; see Documentation/kernel-module.rst for the times.
check-matrix: deps
	tests/matrix

# What CI runs (.ci/run): make check with the VM suite on every kernel of
# the matrix, the default one included, instead of on the default alone.
check-all: deps
	$(MAKE) all
	tests/run-all --matrix

demo:
	scripts/demo

# Benchmarks, not tests: results go to Documentation/performance.rst. The
# module's benchmark runs in QEMU, once with swtpm and once without a TPM.
bench: all
	$(MAKE) -C userspace bench
	tests/vm/run --script tests/vm/bench/module.sh
	tests/vm/run --script tests/vm/bench/module.sh --no-tpm

style:
	scripts/style

# Kbuild prints sparse's findings without failing; fail on any of them.
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules 2>&1 | tee tests/sparse.log
	! grep -E 'warning:|error:' tests/sparse.log
	rm -f tests/sparse.log

fuzz:
	$(MAKE) -C userspace fuzz

# The helper, its man pages, boot integration, configuration and state
# directory; not the module (install-module or install-dkms).
install: userspace
	@test -f userspace/imatap.conf || \
		{ echo "install: userspace/imatap.conf is missing" >&2; exit 1; }
	install -D -m 0755 userspace/imatap $(DESTDIR)$(SBINDIR)/imatap
	install -m 0755 scripts/imatap-provision-tpm2 $(DESTDIR)$(SBINDIR)/
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	$(if $(MAN5),install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man5 $(MAN5))
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/init.d
	sed -e 's|/usr/sbin/imatap|$(SBINDIR)/imatap|' \
		-e 's|/etc/imatap/|$(SYSCONFDIR)/imatap/|' scripts/imatap.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/imatap.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/imatap.service
	sed -e 's|^DAEMON=/usr/sbin/imatap$$|DAEMON=$(SBINDIR)/imatap|' \
		-e 's|^CONFIG=/etc/imatap/|CONFIG=$(SYSCONFDIR)/imatap/|' \
		scripts/imatap.init >$(DESTDIR)$(SYSCONFDIR)/init.d/imatap
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/init.d/imatap
	install -D -m 0644 scripts/modules-load.conf \
		$(DESTDIR)$(MODULESLOADDIR)/imatap.conf
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/imatap
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/imatap/imatap.conf ]; then \
		echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/imatap/imatap.conf"; \
	else \
		echo "install -m 0644 userspace/imatap.conf $(DESTDIR)$(SYSCONFDIR)/imatap/imatap.conf"; \
		install -m 0644 userspace/imatap.conf \
			$(DESTDIR)$(SYSCONFDIR)/imatap/imatap.conf; \
	fi
	install -d -m 0700 $(DESTDIR)/var/lib/imatap

# The module built for KRELEASE, into /lib/modules/KRELEASE/updates.
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates modules_install

# The DKMS source tree; "dkms install imatap/VERSION" builds and installs
# the module from it for each kernel.
install-dkms:
	for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/$$f || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf \
		>$(DESTDIR)$(DKMSSRCDIR)/dkms.conf

# Leaves the configuration and the state directory.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/imatap $(DESTDIR)$(SBINDIR)/imatap-provision-tpm2
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5)))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/imatap.service
	rm -f $(DESTDIR)$(SYSCONFDIR)/init.d/imatap
	rm -f $(DESTDIR)$(MODULESLOADDIR)/imatap.conf
	rm -rf $(DESTDIR)$(DKMSSRCDIR)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	rm -rf tests/vm/out tests/matrix-out
