# SPDX-License-Identifier: GPL-2.0
#
# Top-level targets. "make check" and "make demo" install what is missing
# (scripts/install-deps) before they build, so they work on a fresh Debian 12
# machine as root.

KRELEASE ?= $(shell scripts/install-deps --print-kernel 2>/dev/null)
KDIR ?= /lib/modules/$(KRELEASE)/build

.PHONY: all deps module userspace check check-unit check-vm check-matrix \
	demo bench style sparse fuzz clean

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

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	rm -rf tests/vm/out tests/matrix-out
