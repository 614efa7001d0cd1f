#!/usr/bin/env bash
# Build and boot the series without one patch, to show what that patch
# fixes: the harness's checks (and the tests in TESTS/SUITES) must fail
# here where they pass with the whole series.
#
#   scripts/without-patch.sh PATCH GUEST_TYPE...
#
# PATCH is a series entry (e.g. arch-x86-pv/0001-...patch). Uses its own
# OUT ($OUT/without/<patch>) and the shared ccache, so only what the patch
# touches is compiled again. Prints each guest's summary; exits 0 when
# every run FAILED (the patch is needed), 1 when one passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die "usage: scripts/without-patch.sh PATCH GUEST_TYPE..."
P=$1
shift
series_patches | grep -qx "$P" || die "$P is not in the series"
name=$(basename "$P" .patch)
W=$OUT/without/$name
mkdir -p "$W"
grep -vxF "$P" "$SERIES" >"$W/series"
export OUT=$W SERIES=$W/series CCACHE_BASEDIR=$(dirname "$TOP/out")
export RUN_DIR=$W/runs/$(date +%Y%m%d-%H%M%S)
tree=$("$TOP/scripts/fetch-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
SUITES=$KCONFIG_SUITES "$TOP/scripts/build-kernel.sh" "$tree" x86_64-guest
SUITES="${BUILD_SUITES-x86}" "$TOP/scripts/build-selftests.sh" "$tree" x86_64-guest "$W/build/x86_64-guest/kselftest_install"
rc=0
for g in "$@"; do
	if "$TOP/scripts/run-guest.sh" x86_64-guest "$g"; then
		say "without $P: $g run PASSED (the patch is not needed for these checks)"
		rc=1
	else
		say "without $P: $g run FAILED, as expected"
	fi
done
exit $rc
