#!/usr/bin/env bash
# A domU kernel that panics at boot must make the run fail within its
# stage's timeout, naming the stage and showing the panic. Needs the built
# kernel and the images (run by `make test` after `make kselftest`).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
OUT=${OUT:-$TOP/out}
RUN_DIR=${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}/panic
t0=$(date +%s)
out=$(CELL_DIR=$RUN_DIR DOMU_CMDLINE_EXTRA="init=/nonexistent-init panic=1" KSELFTEST_TESTS="" \
	USERSPACE_TIMEOUT=180 "$TOP/scripts/run-cell.sh" --boot-only pv 2>&1)
rc=$?
dt=$(($(date +%s) - t0))
printf '%s\n' "$out" >"$OUT/last-panic-test.log"
expect "panicking domU: run fails" [ $rc -ne 0 ]
expect_match "panicking domU: names the stage" "FAIL: stage domu-userspace" "$out"
expect_match "panicking domU: shows the panic" "Kernel panic - not syncing" "$out"
expect_match "panicking domU: shows the guest log tail" "last lines of .*/guest.log" "$out"
# The panic ends the stage, not its timeout: the stage's own time counts
# (Xen and dom0 before it take minutes more on a loaded machine).
st=$(printf '%s\n' "$out" | sed -n 's/^FAIL: stage domu-userspace (after \([0-9]*\) s).*/\1/p')
expect "panicking domU: the panic ends the stage well before its timeout (180 s scaled by the host speed) (stage ${st:-?} s, whole run ${dt} s)" \
	[ "${st:-999}" -lt 170 ]
finish
