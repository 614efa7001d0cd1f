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
# when one passed. A later patch that no longer applies without PATCH
# (it changes the same lines) is left out too, named on standard error
# and in $OUT/without/<patch>/also-left-out.
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
# (Not $W/series: $OUT/series/ holds the mainline series made from it.)
grep -vxF "$P" "$SERIES" >"$W/series.txt"
CCACHE_BASEDIR=$(dirname "$TOP/out")
RUN_DIR=$W/runs/$(date +%Y%m%d-%H%M%S)
export OUT=$W SERIES=$W/series.txt CCACHE_BASEDIR RUN_DIR
# A later patch that changes what PATCH changed does not apply without
# it: it is left out too, and named (its own proof needs PATCH).
: >"$W/also-left-out"
tree=$("$TOP/scripts/fetch-tree.sh")
while ! err=$(APPLY_LOG=$W/apply.log "$TOP/scripts/apply.sh" "$tree" 2>&1 >/dev/null); do
	dep=$(sed -n 's/^error: patch \(.*\) does not apply to .*/\1/p' <<<"$err" | head -n 1)
	[ -n "$dep" ] && grep -qxF "$dep" "$W/series.txt" ||
		die "without $P: the series does not apply: $(head -n 3 <<<"$err")"
	grep -vxF "$dep" "$W/series.txt" >"$W/series.new" && mv "$W/series.new" "$W/series.txt"
	echo "$dep" >>"$W/also-left-out"
	say "without $P: $dep left out too (it does not apply without $P)"
done
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
