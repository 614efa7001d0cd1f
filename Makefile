# pv_ops / Xen guest patch series and the harness that proves it.
# `make help` lists the targets and the knobs; README.md and docs/ say more.
#
# The cells (kernel flavour x guest type x test profile) are data:
# cells/cells.txt, cells/profiles/, cells/lifecycle-ops. One runner,
# scripts/run-cell.sh CELL, does a whole cell; the targets below call it.

include pin.env

SHELL := /bin/bash
# One make at a time: check-patches rewinds the tree that the kernel and
# the kselftests are built from.
.NOTPARALLEL:

# Knobs ("#? NAME  what (default)" lines are what `make help` prints).
#? KTREE          the tree of make tree/apply/check-apply/docs-check/mail: lts (pin.env LINUX_VERSION) or mainline (MAINLINE_VERSION); a cell's row says its own
#? KSRC           a Linux tree to apply the series to and build (default: the pinned tree, extracted into out/src/linux)
#? MAINLINE_KSRC  the same for the mainline tree (default: Debian unstable's, extracted into out/src/linux-mainline)
#? OUT            this checkout's outputs: tree, builds, runs (out/)
#? CACHE          downloads, ccache and images, shared between checkouts (~/.cache/pvops-series)
#? CELL           the cell `make kernel`/`make kselftest` build for (pv)
#? CELLS          the cells `make matrix` runs (the rows of cells/cells.txt with runs=ci or matrix)
#? TEST_CELLS     the cells `make test` runs (the rows with runs=ci)
#? PROFILE        the test profile, cells/profiles/NAME (the cell's)
#? SUITES         kselftest suites to run; set, even empty, it replaces the profile's
#? TESTS          single suite:test entries to run ("mm:vmtests-CAT": one run_vmtests.sh category)
#? NOT_RUN        files of tests not run, with reasons (slow-tests.txt)
#? KNOWN_FAILURES tests run and expected to fail: a failure is an XFAIL, a pass an XPASS (known-failures.txt; empty: none)
#? LIFECYCLE_OPS  the lifecycle operations of cells with lifecycle=yes (cells/lifecycle-ops)
#? KSELFTEST_TIMEOUT  each test's limit, s on the reference machine (300)
#? STALL_TIMEOUT  the tests stage fails after this long without a test or lifecycle step ending, s (KSELFTEST_TIMEOUT + 180, scaled)
#? SPEED_PCT      the host's speed in % of the reference machine; time limits scale by it (measured)
#? SPEED_LIMITS   tests not run on a host slower than their limit, with reasons (speed-limits.txt)
#? EXPECTED_SKIPS the subtest skips each cell expects; any other fails its test (expected-skips.txt; empty: none)
#? XEN_BUGS       tests whose failure with a known Xen bug's console signature is an XFAIL (xen-bugs.txt)
#? XEN_HYPERVISOR a Xen ELF to boot instead of Debian's (a Xen build with a fix)
#? DOMU_CMDLINE_EXTRA  appended to the guest kernel's command line
#? JOBS           make -j for the kernel build (cores + 1)
#? PATCH          the series entry `make without` leaves out
#? FRESH_TARGETS  what `make fresh-check` runs in the clean root (images quick)
#? FRESH_CPUS     CPUs' worth of time the clean root gets in all, to stand in for a slow machine (e.g. 0.59; default unlimited)
#? XEN_FUZZ_SECONDS XEN_FUZZ_SEED  xen:xen_fuzz's time (the profile's fuzz-seconds:, else 30 s) and seed (printed by each run)
#? FUZZ_CELL FUZZ_SECONDS  the cell and time of `make fuzz` (pv-debug, 600)
#? BENCH BENCH_CELLS BENCH_REPS  what `make bench` runs (every benchmark; native-upstream native pv-upstream pv; 7)

OUT ?= $(CURDIR)/out
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pvops-series
CELL ?= pv
# The cells by their `runs` column: ci (make test and make matrix), matrix
# (make matrix), manual (only when named).
cells_where = $(shell bash -c '. scripts/lib.sh && cell_names $(1)' | xargs)
CELLS ?= $(call cells_where,runs=ci) $(call cells_where,runs=matrix)
TEST_CELLS ?= $(call cells_where,runs=ci)
# check-patches and bench build the x86_64 kernel.
FLAVOUR ?= x86_64-guest
RUN_ID := $(shell date +%Y%m%d-%H%M%S)
RUN_DIR ?= $(OUT)/runs/$(RUN_ID)
NOT_RUN ?= $(CURDIR)/slow-tests.txt
export OUT CACHE RUN_DIR KSRC NOT_RUN
# Exported only when given (given empty, they mean "none").
$(foreach v,SUITES TESTS PROFILE LIFECYCLE_OPS KNOWN_FAILURES EXPECTED_SKIPS,$(if $(filter undefined,$(origin $(v))),,$(eval export $(v))))

S := $(CURDIR)/scripts

.PHONY: all main test selftest tree apply check-apply kernel kselftest full without images docs-check \
	run-dir clean distclean help check-patches check-patches-full fresh-check fresh-check-ci format-patches prove-fixes mail mail-verify \
	mainline quick unpatched lifecycle matrix bench results fuzz soak

all: main

## The targets and the knobs.
help:
	@echo "Targets:"; awk '/^## /{d=substr($$0,4); next} /^[a-z][a-z% -]*:/ && d!="" {sub(/:.*/,""); printf "  make %-18s %s\n", $$0, d} {d=""}' Makefile
	@echo "Cells (make boot-CELL; cells/cells.txt):"; printf '  %s\n' "$$(bash -c '. scripts/lib.sh && cell_names' | xargs)"
	@echo "Knobs (make NAME=value):"; sed -n 's/^#? /  /p' Makefile

## The main job: the series on the pinned tree, the x86_64 kernel booted as a PV domU, its tests and lifecycle operations, the summary.
main: boot-pv

## One cell of cells/cells.txt from start to end (e.g. boot-pv, boot-native, boot-i386-native).
boot-%: run-dir
	@$(S)/run-cell.sh $*

## Build CELL's kernel and kselftests (no boot).
kernel kselftest: run-dir
	@$(S)/run-cell.sh --build-only $(CELL)

## Six tests on the PV domU, no lifecycle operations (about 2 minutes warm).
quick:
	@$(MAKE) --no-print-directory boot-pv PROFILE=quick LIFECYCLE_OPS=

## Every lifecycle operation on the PV domU, no kselftests.
lifecycle:
	@$(MAKE) --no-print-directory boot-pv PROFILE=none NOT_RUN=

## The lifecycle soak: cells/soak-ops SOAK_ROUNDS (10) times on SOAK_CELL (pv-debug), no kselftests.
soak:
	@r=$${SOAK_ROUNDS:-10}; case $$r in ''|*[!0-9]*|0) echo "error: SOAK_ROUNDS=$$r: give a whole number of rounds, 1 or more" >&2; exit 2 ;; esac; \
	ops=$$(sed 's/#.*//' cells/soak-ops | xargs); [ -n "$$ops" ] || { echo "error: cells/soak-ops names no operation" >&2; exit 2; }; \
	all=; i=0; while [ $$i -lt $$r ]; do all="$$all $$ops"; i=$$((i + 1)); done; \
	$(MAKE) --no-print-directory boot-$${SOAK_CELL:-pv-debug} PROFILE=none NOT_RUN= LIFECYCLE_OPS="$${all# } shutdown" LC_SAVE_ROUNDS=1

## The whole suites on the PV domU, slow tests included.
full:
	@$(MAKE) --no-print-directory boot-pv PROFILE=full NOT_RUN=

## xen:xen_fuzz alone for FUZZ_SECONDS (600) on FUZZ_CELL (pv-debug); XEN_FUZZ_SEED=N repeats a run.
fuzz:
	@secs=$${XEN_FUZZ_SECONDS:-$${FUZZ_SECONDS:-600}}; \
	$(MAKE) --no-print-directory boot-$${FUZZ_CELL:-pv-debug} PROFILE=fuzz LIFECYCLE_OPS= \
		XEN_FUZZ_SECONDS=$$secs KSELFTEST_TIMEOUT=$$((secs + 300))

## A panicking domU (the run must fail, naming the stage), every cell in CELLS, one summary each; native and PV side by side; the table of the cells.
matrix: run-dir
	@rc=0; \
	if [ -z "$(NO_PANIC_CHECK)" ]; then $(S)/run-cell.sh --build-only pv && tests/boot-panic.sh || rc=1; fi; \
	for c in $(CELLS); do $(S)/run-cell.sh $$c || rc=1; done; \
	if [ -f $(RUN_DIR)/native/results.json ] && [ -f $(RUN_DIR)/pv/results.json ]; then \
	  echo "==> native and PV side by side ($(RUN_DIR)/compare.md)" >&2; \
	  $(S)/compare.sh $(RUN_DIR)/native/results.json $(RUN_DIR)/pv/results.json $(RUN_DIR)/compare.md >/dev/null || rc=1; \
	fi; \
	echo "==> the matrix ($(RUN_DIR)/matrix.md)" >&2; \
	$(S)/matrix.sh $(RUN_DIR) $(CELLS) || rc=1; \
	exit $$rc

## What CI runs: the set-up from nothing with the harness's tests, the patch and docs checks, the pv kernel, then TEST_CELLS.
# Each part timed: $(RUN_DIR)/ci-times.txt (scripts/ci-parts.sh). The
# harness's tests run in fresh-check-ci's clean root (make selftest runs
# them here); the panicking domU is in make matrix.
test: run-dir
	@TEST_CELLS="$(TEST_CELLS)" $(S)/ci-parts.sh fresh-check-ci check-patches docs-check kernel cells

## docs/results.md from the newest run's data (or RESULTS_RUN=out/runs/ID): cells, stage times, every test.
results:
	@$(S)/results-page.sh $(RESULTS_RUN)

## Print the dom0 and domU image directories (paths alone on stdout), building them when needed.
images:
	@$(S)/mk-dom0.sh && $(S)/mk-domu.sh

## Print the tree's path, preparing it when needed.
tree:
	@$(S)/fetch-tree.sh

run-dir:
	@mkdir -p $(RUN_DIR) && ln -sfn $(RUN_DIR) $(OUT)/last
	@[ -f $(RUN_DIR)/commit ] || git -C $(CURDIR) describe --always --dirty >$(RUN_DIR)/commit 2>/dev/null || true

## Apply the series to the tree (quilt push -a --fuzz=0).
apply: run-dir
	@t=$$($(S)/fetch-tree.sh) && APPLY_LOG=$(RUN_DIR)/apply.log $(S)/apply.sh "$$t"

## Does the series apply? Changes nothing.
check-apply:
	@t=$$($(S)/fetch-tree.sh) && $(S)/apply.sh --check "$$t"

## Documentation/virt (htmldocs), kernel-doc and the names the rst cites.
docs-check: apply
	@t=$$($(S)/fetch-tree.sh) && $(S)/check-docs.sh "$$t"

## The series without PATCH, booted in GUESTS (default: cells pv pvh), must fail its checks.
without:
	@[ -n "$(PATCH)" ] || { echo "error: give PATCH=<series entry>" >&2; exit 1; }
	@$(S)/without-patch.sh $(PATCH) $(or $(GUESTS),pv pvh)

## Each fix proven: its tests without the patch and with the series (prove-fixes.txt; writes docs/prove-fixes.md).
prove-fixes: run-dir
	@$(S)/prove-fixes.sh $(PATCH)

## The pinned kernel without the series, same config and kselftests, as a PV domU; table against the newest make test run.
unpatched:
	@$(S)/run-cell.sh --build-only pv
	@main=$$(for d in $$(ls -td $(OUT)/runs/*/ 2>/dev/null); do \
	  [ -f $$d/pv/results.json ] && { echo $${d%/}; break; }; done); \
	RUN_DIR=$$main $(S)/unpatched.sh $(FLAVOUR) $(or $(GUESTS),pv)

## Microbenchmarks without and with the series, natively and as a PV domU, hypercalls per operation (docs/performance.md).
bench: run-dir
	@$(S)/run-cell.sh --build-only pv
	@$(S)/bench.sh $(FLAVOUR)

## Per patch: header, checkpatch --strict, a build after each patch changed since HEAD~1 (BASE_REV=); the mainline series: header and checkpatch of its tree.
check-patches:
	@t=$$($(S)/fetch-tree.sh) && FLAVOUR=$(FLAVOUR) $(S)/check-patches.sh --build=fast --tree "$$t"
	@t=$$(KTREE=mainline $(S)/fetch-tree.sh) && KTREE=mainline $(S)/check-patches.sh --build=objects --tree "$$t"

## The same, building the tree after every patch of the series.
check-patches-full:
	@t=$$($(S)/fetch-tree.sh) && FLAVOUR=$(FLAVOUR) $(S)/check-patches.sh --build=full --tree "$$t"

## The README's commands in a clean Debian root (debootstrap, chroot): every package installed by the harness.
fresh-check: run-dir
	@$(S)/fresh-check.sh

# The part of it CI runs: the harness's own tests and the package installs
# of the image, tree and apply stages and what their callers capture,
# without the kernel build and the boot. The image cache is shared: on a machine without images they are
# built once, in the clean root, and the cells use them.
fresh-check-ci: run-dir
	@FRESH_TARGETS="selftest images tree check-apply" FRESH_SHARE="downloads images" $(S)/fresh-check.sh

## Rewrite the patches in git format-patch form (diffstat, function context); the code is unchanged.
format-patches:
	@$(S)/format-patches.sh

## Mail-ready series under out/mail/ from the mainline series (one per subsystem, git am-checked); KTREE=lts: the 6.12 backports in out/mail-lts/
mail:
	@$(S)/mail.sh

mail-verify:
	@$(S)/mail.sh --verify

## The mainline series tried on the newest linux-source-N.M of Debian unstable (may be newer than the pin).
mainline:
	@$(S)/mainline.sh

## The harness's own tests (no kernel build).
selftest:
	@$(S)/run-tests.sh

clean:
	rm -rf $(OUT)/build $(OUT)/runs $(OUT)/last

distclean:
	rm -rf $(OUT)
