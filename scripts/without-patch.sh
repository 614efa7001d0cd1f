#!/usr/bin/env bash
# Build and boot the series without one patch, to show what that patch
# fixes: the harness's checks (and the tests of the cells' profiles, or
# SUITES/TESTS) must fail here where they pass with the whole series.
#
#   scripts/without-patch.sh PATCH CELL...
#
# PATCH is a series entry (e.g. arch-x86-pv/0001-...patch), CELL a row of
# cells/cells.txt. Uses its own OUT ($OUT/without/<patch>) and the shared
# ccache, so only what the patch touches is compiled again. Prints each
# cell's summary; exits 0 when every run FAILED (the patch is needed), 1
# when one passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die "usage: scripts/without-patch.sh PATCH CELL..."
P=$1
shift
grep -qxF "$P" <<<"$(series_patches)" || die "$P is not in the series"
for c in "$@"; do cell_load "$c"; done
name=$(basename "$P" .patch)
W=$OUT/without/$name
mkdir -p "$W"
grep -vxF "$P" "$SERIES" >"$W/series"
CCACHE_BASEDIR=$(dirname "$TOP/out")
RUN_DIR=$W/runs/$(date +%Y%m%d-%H%M%S)
export OUT=$W SERIES=$W/series CCACHE_BASEDIR RUN_DIR
rc=0
for c in "$@"; do
	if "$TOP/scripts/run-cell.sh" "$c"; then
		say "without $P: cell $c PASSED (the patch is not needed for these checks)"
		rc=1
	else
		say "without $P: cell $c FAILED, as expected"
	fi
done
exit $rc
