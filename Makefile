# pv_ops / Xen guest patch series and the harness that proves it.
#
#   make            main job: apply the series to the pinned tree, build the
#                   guest kernel, boot it as a Xen domU under QEMU, run the
#                   kselftests in it and print the summary
#   make test       the project's own tests, then the main job (what CI runs)
#
# Useful variables: KSRC=/path/to/linux (default: the pinned tree, prepared
# under out/src), OUT=, CACHE=, SUITES=, JOBS=. See README.md.

include pin.env

SHELL := /bin/bash
OUT ?= $(CURDIR)/out
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pvops-series
# The kselftests run in the guest: whole suites, plus single suite:test
# entries ("mm:vmtests-CATEGORY": one category of mm's run_vmtests.sh).
# The default: our xen suite and the upstream suites that exercise what
# pv_ops replaces (descriptors, privileged registers, entry, MMU, time),
# without the tests too slow for TCG (slow-tests.txt, run by `make full`).
# There is no generic "signal" suite in 6.12 (only arm64's): x86's
# sigreturn/sigaltstack/single_step tests and sigaltstack cover it.
# mm: the run_vmtests.sh categories that take seconds in the 1 GiB guest
# (the slow ones in slow-tests.txt); `make full` adds the rest.
MM_CATEGORIES := mmap mremap mlock madv_populate soft_dirty pagemap cow mkdirty \
	gup_test userfaultfd process_mrelease memfd_secret mdwe migration pkey
MM_FULL_CATEGORIES := $(MM_CATEGORIES) hugevm thp hugetlb compaction
SUITES ?= xen x86 vDSO cpu-hotplug breakpoints ptrace futex membarrier rseq sigaltstack
TESTS ?= timers:nanosleep timers:mqueue-lat timers:posix_timers \
	$(addprefix mm:vmtests-,$(MM_CATEGORIES))
FULL_SUITES := timers x86 vDSO cpu-hotplug breakpoints ptrace futex membarrier rseq sigaltstack
FULL_TESTS := $(addprefix mm:vmtests-,$(MM_FULL_CATEGORIES))
# The kselftest `config` fragments merged into the kernel config
# (kconfig/kselftest-suites): a fixed list, so that running another set
# of tests never changes the kernel.
KCONFIG_SUITES := $(strip $(shell sed 's/#.*//' kconfig/kselftest-suites))
FLAVOUR ?= x86_64-guest
# The i386 kernel (kconfig/i386-guest.config) runs natively and as a PVH
# domU (there is no 32-bit PV). Its kselftests: the suites above that
# build with gcc -m32 against bookworm i386 (mm's need libnuma and libcap
# for i386, which the build host does not have).
I386_SUITES ?= xen x86 vDSO cpu-hotplug breakpoints ptrace futex membarrier rseq sigaltstack
I386_TESTS ?= timers:nanosleep timers:mqueue-lat timers:posix_timers
I386_SET = SUITES="$(I386_SUITES)" TESTS="$(I386_TESTS)"
# The cells of `make matrix` and `make test`, of {x86_64, i386} x {native,
# PV (x86_64 only), PVH}: all but i386-pvh, which boots no further than
# its first CPUID under this rig (Xen nested in QEMU TCG: README, Known
# issues); `make matrix CELLS="... i386-pvh"` or `make boot-i386-pvh`
# run it.
CELLS ?= native pv pvh i386-native
# CI (`make test`) leaves PVH out: under Xen nested in QEMU TCG a PVH domU
# sometimes dies on its own (a triple fault at a user-space CPUID while
# systemd started, in one of three boots), which would make CI fail at
# random. `make matrix` runs it.
TEST_CELLS ?= native pv i386-native
RUN_ID := $(shell date +%Y%m%d-%H%M%S)
RUN_DIR ?= $(OUT)/runs/$(RUN_ID)
# Tests not run, each reported as skipped with its reason: known failures
# still under investigation, and tests too slow for the default run.
NOT_RUN ?= $(CURDIR)/known-failures.txt $(CURDIR)/slow-tests.txt
# Guest lifecycle operations driven from dom0 (PV/PVH only), each checked
# from both sides, in this order (shutdown ends the run: xl shutdown instead
# of the guest powering itself off).
LIFECYCLE := pause vcpu-set mem-set block-attach network-attach save-restore reboot shutdown
LIFECYCLE_OPS ?= $(LIFECYCLE)
export OUT CACHE SUITES TESTS RUN_DIR KSRC NOT_RUN LIFECYCLE_OPS

S := $(CURDIR)/scripts

.PHONY: all main test selftest tree apply check-apply kernel kselftest full without images docs-check boot-pv boot-pvh boot-native run-dir clean distclean help \
	check-patches check-patches-full mail mail-verify mainline quick unpatched lifecycle matrix kselftest-i386 boot-i386-native boot-i386-pvh bench

all: main

help:
	@sed -n '3,10p' Makefile

# Main job: apply, build, boot the PV domU, run the kselftests, summary.
main: boot-pv

# Every suite named in SUITES or TESTS is built, and the xen suite always
# (save-restore runs some of its tests after the last restore).
BUILD_SUITES = $(sort xen $(SUITES) $(foreach t,$(TESTS),$(firstword $(subst :, ,$(t)))))
kselftest: kernel
	@t=$$($(S)/fetch-tree.sh) && SUITES="$(BUILD_SUITES)" \
	  $(S)/build-selftests.sh "$$t" $(FLAVOUR) $(OUT)/build/$(FLAVOUR)/kselftest_install

# A small, fast set for a quick answer (about 2 minutes warm): one or two
# tests of each suite the default set runs.
QUICK_TESTS := xen:xen_hypervisor xen:xen_evtchn xen:xen_xenstore x86:iopl_64 x86:sigreturn_64 timers:nanosleep
quick:
	@$(MAKE) --no-print-directory boot-pv SUITES= TESTS="$(QUICK_TESTS)" LIFECYCLE_OPS=

# Guest lifecycle operations driven from dom0 while the PV domU runs, no
# kselftests: xl pause/unpause, vcpu-set down and up, mem-set (balloon)
# down by half and back, block-attach/detach, network-attach/detach, three
# save/restore round trips, reboot, shutdown.
lifecycle:
	@$(MAKE) --no-print-directory boot-pv SUITES= TESTS= LIFECYCLE_OPS="$(LIFECYCLE)"

# The whole suites, slow tests included (known failures still not run).
full:
	@$(MAKE) --no-print-directory boot-pv SUITES="$(FULL_SUITES)" TESTS="$(FULL_TESTS)" NOT_RUN="$(CURDIR)/known-failures.txt"

images:
	@$(S)/mk-dom0.sh >/dev/null && $(S)/mk-domu.sh >/dev/null

boot-pv boot-pvh boot-native: boot-%: kselftest
	@$(S)/run-guest.sh $(FLAVOUR) $*

# Print the tree's path (preparing it when needed).
tree:
	@$(S)/fetch-tree.sh

run-dir:
	@mkdir -p $(RUN_DIR) && ln -sfn $(RUN_DIR) $(OUT)/last

apply: run-dir
	@t=$$($(S)/fetch-tree.sh) && APPLY_LOG=$(RUN_DIR)/apply.log $(S)/apply.sh "$$t"

check-apply:
	@t=$$($(S)/fetch-tree.sh) && $(S)/apply.sh --check "$$t"

kernel: apply
	@t=$$($(S)/fetch-tree.sh) && SUITES="$(KCONFIG_SUITES)" $(S)/build-kernel.sh "$$t" $(FLAVOUR)

# Documentation/virt (htmldocs), kernel-doc and the names the rst cites.
docs-check: apply
	@t=$$($(S)/fetch-tree.sh) && $(S)/check-docs.sh "$$t"

# Show what a patch fixes: the series without PATCH, booted as PV and PVH,
# must fail its checks. E.g.
#   make without PATCH=arch-x86-pv/0001-x86-xen-register-a-platform-power-off-handler.patch
without:
	@[ -n "$(PATCH)" ] || { echo "error: give PATCH=<series entry>" >&2; exit 1; }
	@KCONFIG_SUITES="$(KCONFIG_SUITES)" BUILD_SUITES="$(BUILD_SUITES)" $(S)/without-patch.sh $(PATCH) $(or $(GUESTS),pv pvh)

# The pinned kernel without the series (same config, same kselftests) as a
# PV domU; with the native and PV summaries of the newest run that has both
# (`make test`), the table of what the series fixes: compare-upstream.md in
# that run's directory.
unpatched: kselftest
	@main=$$(for d in $$(ls -td $(OUT)/runs/*/ 2>/dev/null); do \
	  [ -f $$d/native/summary.txt ] && [ -f $$d/pv/summary.txt ] && { echo $${d%/}; break; }; done); \
	RUN_DIR=$$main $(S)/unpatched.sh $(FLAVOUR) $(or $(GUESTS),pv)

# Microbenchmarks (bench/pvbench.c) on the pinned kernel without the
# series and with it, natively and as a PV domU, in one run, with the
# hypercalls per operation counted from dom0 with xentrace: the table and
# the plot in $(RUN_DIR)/bench (README, Performance). BENCH=, BENCH_CELLS=,
# BENCH_REPS= choose what runs.
bench: kernel run-dir
	@KCONFIG_SUITES="$(KCONFIG_SUITES)" $(S)/bench.sh $(FLAVOUR)
# Per patch: From/Subject/body/Signed-off-by, checkpatch --strict (exceptions
# in checkpatch-exceptions.txt) and a build after each patch changed since
# HEAD~1 (bisectability; BASE_REV= to compare with another commit).
check-patches:
	@t=$$($(S)/fetch-tree.sh) && FLAVOUR=$(FLAVOUR) KCONFIG_SUITES="$(KCONFIG_SUITES)" \
	  $(S)/check-patches.sh --build=fast --tree "$$t"

# The same, building the tree after every patch of the series.
check-patches-full:
	@t=$$($(S)/fetch-tree.sh) && FLAVOUR=$(FLAVOUR) KCONFIG_SUITES="$(KCONFIG_SUITES)" \
	  $(S)/check-patches.sh --build=full --tree "$$t"

# Mail-ready series under out/mail/ (one per subsystem, git am-checked).
mail:
	@$(S)/mail.sh

mail-verify:
	@$(S)/mail.sh --verify

# The series on the newest linux-source-N.M of Debian unstable.
mainline:
	@$(S)/mainline.sh

# The project's own tests (no kernel build): fast.
selftest:
	@$(S)/run-tests.sh

# The i386 kernel and its kselftests.
kselftest-i386:
	@$(MAKE) --no-print-directory kselftest FLAVOUR=i386-guest $(I386_SET)

# Every cell of the matrix: the x86_64 kernel natively, as a PV domU (with
# the lifecycle operations) and as a PVH domU, the i386 kernel natively and
# as a PVH domU, each with its summary; then native and PV side by side
# and the table of the cells. Fails on any failure, and on a failure only
# PV has.
# The lifecycle operations run on PV only (LIFECYCLE_OPS= for PVH). PVH
# runs every suite but x86: under Xen nested in QEMU TCG three of its
# programs brought the PVH domain down (single_step_syscall_32 and
# syscall_arg_fault_32: VMEXIT_INVALID from QEMU's SVM, domain crashed;
# syscall_nt_64 "Set DF and issue a syscall": triple fault, shutdown
# reason reboot). See README, Known issues.
matrix: kselftest $(if $(filter i386-%,$(CELLS)),kselftest-i386) run-dir
	@rc=0; \
	for c in $(CELLS); do \
	  case $$c in \
	  i386-*) $(I386_SET) $(S)/run-guest.sh i386-guest $${c#i386-} || rc=1 ;; \
	  pvh) LIFECYCLE_OPS= SUITES="$(filter-out x86,$(SUITES))" \
	    $(S)/run-guest.sh x86_64-guest pvh || rc=1 ;; \
	  *) $(S)/run-guest.sh x86_64-guest $$c || rc=1 ;; \
	  esac; \
	done; \
	if [ -f $(RUN_DIR)/native/summary.txt ] && [ -f $(RUN_DIR)/pv/summary.txt ]; then \
	  echo "==> native and PV side by side ($(RUN_DIR)/compare.md)"; \
	  $(S)/compare.sh $(RUN_DIR)/native/summary.txt $(RUN_DIR)/pv/summary.txt $(RUN_DIR)/compare.md >/dev/null || rc=1; \
	fi; \
	echo "==> the matrix ($(RUN_DIR)/matrix.md)"; \
	$(S)/matrix.sh $(RUN_DIR) $(CELLS) || rc=1; \
	exit $$rc

# The i386 kernel natively or as a PVH domU.
boot-i386-native boot-i386-pvh: boot-i386-%: kselftest-i386
	@$(I386_SET) $(S)/run-guest.sh i386-guest $*

# CI: the harness's own tests, the patch checks, a domU that panics at boot
# (the run must fail and name the stage), then the matrix's TEST_CELLS.
test: selftest check-patches kselftest docs-check run-dir
	@tests/boot-panic.sh
	@$(MAKE) --no-print-directory matrix CELLS="$(TEST_CELLS)"

clean:
	rm -rf $(OUT)/build $(OUT)/runs $(OUT)/last

distclean:
	rm -rf $(OUT)
