#!/usr/bin/env bash
# Run one cell of cells/cells.txt from start to end: the tree with the
# series applied, the cell's kernel flavour, the kselftests of its test
# profile, the boot (natively or as a Xen domU), the tests, the lifecycle
# operations and the summary.
#
#   scripts/run-cell.sh [--build-only | --boot-only] CELL
#
# --build-only stops after the kernel and the kselftests; --boot-only uses
# what is built (make test's panic check, make unpatched).
#
# Environment (each overrides what the cell's row and profile say):
#   PROFILE        the test profile (cells/profiles/NAME)
#   SUITES, TESTS  the kselftest suites / single suite:test entries to run
#                  (set, even empty, they replace the profile's)
#   LIFECYCLE_OPS  the lifecycle operations (cells with lifecycle=yes)
#   LC_SAVE_ROUNDS the save-restore operation's rounds (the profile's
#                  save-rounds:, else 1)
#   XEN_FUZZ_SECONDS, XEN_FUZZ_SEED  xen:xen_fuzz's time (the profile's
#                  fuzz-seconds:, else the program's 30 s) and seed (the
#                  profile's fuzz-seed:, else one the program draws)
#   RUN_DIR        the run's directory; the cell's is RUN_DIR/CELL, or
#                  CELL_DIR when given
#   KSRC, SERIES, OUT, KSELFTEST_DIR (kselftests built elsewhere, for
#   make unpatched), and what run-guest.sh and boot.sh take.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=all
case ${1:-} in --build-only) mode=build; shift ;; --boot-only) mode=boot; shift ;; esac
[ $# -eq 1 ] || die "usage: scripts/run-cell.sh [--build-only | --boot-only] CELL (cells: $(cell_names | xargs))"
CELL=$1
cell_load "$CELL"
# The cell's tree: every script below works on it (lib.sh: KTREE).
KTREE=$CELL_TREE
export KTREE
PROFILE=${PROFILE:-$CELL_PROFILE}
[ -n "${SUITES+x}" ] || SUITES=$(profile_get "$PROFILE" suites)
[ -n "${TESTS+x}" ] || TESTS=$(profile_get "$PROFILE" tests)
if [ "$CELL_LIFECYCLE" = yes ]; then
	[ -n "${LIFECYCLE_OPS+x}" ] || LIFECYCLE_OPS=$(default_lifecycle_ops "$(profile_get "$PROFILE" lifecycle-extra)")
else
	LIFECYCLE_OPS=
fi
# Every suite named in SUITES or TESTS is built, and the xen suite always
# (save-restore runs some of its tests after the last restore).
test_suites=$(printf '%s\n' $TESTS | cut -d: -f1)
BUILD_SUITES=$(printf '%s\n' xen $SUITES $test_suites | sort -u | xargs)
# xen:xen_fuzz's time and seed: the profile's "fuzz-seconds:" and
# "fuzz-seed:" unless set (no seed: the program draws one per run).
[ -n "${XEN_FUZZ_SECONDS+x}" ] || XEN_FUZZ_SECONDS=$(profile_get "$PROFILE" fuzz-seconds)
[ -n "${XEN_FUZZ_SEED+x}" ] || XEN_FUZZ_SEED=$(profile_get "$PROFILE" fuzz-seed)
[[ ${XEN_FUZZ_SECONDS:-0} =~ ^[0-9]+$ ]] || die "XEN_FUZZ_SECONDS=$XEN_FUZZ_SECONDS: a whole number of seconds"
[[ ${XEN_FUZZ_SEED:-0} =~ ^[0-9]+$ ]] || die "XEN_FUZZ_SEED=$XEN_FUZZ_SEED: a whole number (the seed a run printed)"
[ -n "${LC_SAVE_ROUNDS+x}" ] || LC_SAVE_ROUNDS=$(profile_get "$PROFILE" save-rounds)
[[ ${LC_SAVE_ROUNDS:-1} =~ ^[1-9][0-9]*$ ]] || die "LC_SAVE_ROUNDS=$LC_SAVE_ROUNDS: a whole number of save-restore rounds, 1 or more"
export SUITES TESTS LIFECYCLE_OPS CELL XEN_FUZZ_SECONDS XEN_FUZZ_SEED LC_SAVE_ROUNDS
O=$(build_dir "$CELL_FLAVOUR")
KSELFTEST_DIR=${KSELFTEST_DIR:-$O/kselftest_install}
RUN_DIR=${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}
export RUN_DIR
mkdir -p "$RUN_DIR"

if [ $mode != boot ]; then
	tree=$("$TOP/scripts/fetch-tree.sh")
	APPLY_LOG=$RUN_DIR/apply$(ktree_suffix).log "$TOP/scripts/apply.sh" "$tree"
	"$TOP/scripts/build-kernel.sh" "$tree" "$CELL_FLAVOUR"
	BUILD_SUITES=$BUILD_SUITES "$TOP/scripts/build-selftests.sh" "$tree" "$CELL_FLAVOUR" "$KSELFTEST_DIR"
fi
[ $mode != build ] || exit 0
DOMU_ARCH=$CELL_USERSPACE KSELFTEST_DIR=$KSELFTEST_DIR \
	exec "$TOP/scripts/run-guest.sh" "$CELL_FLAVOUR" "$CELL_GUEST"
