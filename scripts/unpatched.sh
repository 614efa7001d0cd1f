#!/usr/bin/env bash
# Boot the pinned kernel WITHOUT the series, with the same config and the
# same kselftest binaries as the patched kernel, to show which failures the
# series fixes (the kernel is the only difference: the tests, including
# the selftests patches' fixes and the xen suite, come from the patched tree).
#
#   scripts/unpatched.sh FLAVOUR CELL...        CELL: rows of cells/cells.txt
#   scripts/unpatched.sh FLAVOUR --build-only   build it, print its bzImage
#
# Uses its own OUT ($OUT/unpatched: a pristine tree, build dir and runs) and
# the shared ccache. Each cell's summary is labelled CELL-upstream.
# Needs the patched tree and its kselftests (make kselftest). Prints the
# summaries; when $RUN_DIR has this run's patched native and PV summaries
# (make test), writes the three-column table to $RUN_DIR/compare-upstream.md.
# Exit 0 when every run produced a summary (failures are expected here).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die "usage: scripts/unpatched.sh FLAVOUR CELL... | FLAVOUR --build-only"
FLAVOUR=$1
shift
build_only=
[ "$1" != --build-only ] || build_only=1
patched_tree=$("$TOP/scripts/fetch-tree.sh")
kst=$OUT/build/$FLAVOUR/kselftest_install
[ -n "$build_only" ] || [ -f "$kst/kselftest-list.txt" ] || die "no kselftests in $kst: run 'make kselftest' first"
MAIN_RUN_DIR=${RUN_DIR:-}
W=$OUT/unpatched
mkdir -p "$W/build/$FLAVOUR"
# The same kernel config as the patched kernel: the kselftest fragments
# come from the patched tree (the series adds the xen suite's).
kselftest_fragment "$patched_tree" "$KCONFIG_SUITES" >"$W/kselftest.config"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$OUT")}
export OUT=$W KSELFTEST_CONFIG=$W/kselftest.config
# Always the pinned tree (KSRC= names the tree the series is applied to).
tree=$(KSRC='' "$TOP/scripts/fetch-tree.sh")
# --build-only: the build's log in the caller's run (RUN_DIR), its output
# on stderr, the bzImage's path alone on stdout.
out=1
if [ -n "$build_only" ]; then
	out=2
else
	RUN_DIR=$W/runs/$(date +%Y%m%d-%H%M%S)
	export RUN_DIR
	mkdir -p "$RUN_DIR"
fi
{
	stage "unpatched: building $FLAVOUR from $tree ($(tree_version "$tree"), no patches)"
	"$TOP/scripts/build-kernel.sh" "$tree" "$FLAVOUR"
} >&$out
if [ -n "$build_only" ]; then
	echo "$W/build/$FLAVOUR/arch/x86/boot/bzImage"
	exit 0
fi
rm -rf "$W/build/$FLAVOUR/kselftest_install"
cp -a "$kst" "$W/build/$FLAVOUR/kselftest_install"
for g in "$@"; do
	cell_load "$g"
	[ "$CELL_FLAVOUR" = "$FLAVOUR" ] || die "cell $g runs the $CELL_FLAVOUR kernel, not $FLAVOUR"
	SUMMARY_LABEL=$g-upstream "$TOP/scripts/run-cell.sh" --boot-only "$g" ||
		[ -f "$RUN_DIR/$g/results.json" ] || die "the $g run of the unpatched kernel gave no results: see $RUN_DIR/$g"
done
if [ -n "$MAIN_RUN_DIR" ] && [ -f "$MAIN_RUN_DIR/native/results.json" ] && [ -f "$MAIN_RUN_DIR/pv/results.json" ]; then
	more=()
	for g in "$@"; do [ ! -f "$RUN_DIR/$g/results.json" ] || more+=("$RUN_DIR/$g/results.json"); done
	stage "native, PV with the series, and without it ($MAIN_RUN_DIR/compare-upstream.md)"
	"$TOP/scripts/compare.sh" "$MAIN_RUN_DIR/native/results.json" "$MAIN_RUN_DIR/pv/results.json" \
		"$MAIN_RUN_DIR/compare-upstream.md" "${more[@]}" >/dev/null || true
fi
