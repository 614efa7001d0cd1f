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
SUITES ?= timers x86
FLAVOUR ?= x86_64-guest
RUN_ID := $(shell date +%Y%m%d-%H%M%S)
RUN_DIR ?= $(OUT)/runs/$(RUN_ID)
KNOWN_FAILURES ?= $(CURDIR)/known-failures.txt
export OUT CACHE SUITES TESTS RUN_DIR KSRC KNOWN_FAILURES

S := $(CURDIR)/scripts
# The tree to build: KSRC, or the pinned tree under out/src.
TREE = $(shell $(S)/fetch-tree.sh)

.PHONY: all main test selftest tree apply check-apply kernel kselftest images docs-check boot-pv boot-pvh run-dir clean distclean help

all: main

help:
	@sed -n '3,10p' Makefile

# Main job: apply, build, boot the PV domU, run the kselftests, summary.
main: boot-pv

kselftest: kernel
	@t=$$($(S)/fetch-tree.sh 2>/dev/null) && \
	  $(S)/build-selftests.sh "$$t" $(FLAVOUR) $(OUT)/build/$(FLAVOUR)/kselftest_install

images:
	@$(S)/mk-dom0.sh >/dev/null && $(S)/mk-domu.sh >/dev/null

boot-pv boot-pvh: boot-%: kselftest
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
	@t=$$($(S)/fetch-tree.sh 2>/dev/null) && $(S)/build-kernel.sh "$$t" $(FLAVOUR)

# Documentation/virt (htmldocs), kernel-doc and the names the rst cites.
docs-check: apply
	@t=$$($(S)/fetch-tree.sh 2>/dev/null) && $(S)/check-docs.sh "$$t"

# The project's own tests (no kernel build): fast.
selftest:
	@$(S)/run-tests.sh

# CI: the harness's own tests, a domU that panics at boot (the run must
# fail and name the stage), then the main job. Its last line is the summary.
test: selftest kselftest docs-check
	@tests/boot-panic.sh
	@$(S)/run-guest.sh $(FLAVOUR) pv

clean:
	rm -rf $(OUT)/build $(OUT)/runs $(OUT)/last

distclean:
	rm -rf $(OUT)
