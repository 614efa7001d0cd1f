#!/usr/bin/env bash
# One line per cell of the matrix run in RUN_DIR: cell, tree, kernel, guest type, the
# kselftest summary and the time from boot to summary, as a Markdown table
# (also written to RUN_DIR/matrix.md).
#
#   scripts/matrix.sh RUN_DIR CELL...
#
# CELL: a row of cells/cells.txt, whose run wrote RUN_DIR/CELL. A cell
# without a summary (its run failed before the results) counts as failed.
# Exit 1 if any cell failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: scripts/matrix.sh RUN_DIR CELL..." >&2; exit 2; }
dir=$1
shift
rc=0
md=$dir/matrix.md
{
	echo "| cell | tree | kernel | guest | passed | failed | skipped | xfail | xpass | boot to summary |"
	echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|"
	for c in "$@"; do
		cell_load "$c"
		k=${CELL_FLAVOUR%-guest} g=$CELL_GUEST
		# The kernel's release as the run recorded it, else the flavour.
		r=$(cat "$dir/$c/kernel-release" 2>/dev/null || true)
		s=$(tail -n 1 "$dir/$c/summary.txt" 2>/dev/null || true)
		t=$(sed -n 's/.*boot-to-summary \([0-9]*\) s.*/\1 s/p' "$dir/$c/times.txt" 2>/dev/null || true)
		if [[ $s =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped(,\ ([0-9]+)\ xfail)?(,\ ([0-9]+)\ xpass)? ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} sk=${BASH_REMATCH[3]} xf=${BASH_REMATCH[5]:-0} xp=${BASH_REMATCH[7]:-0}
			[ "$f" -eq 0 ] && [ "$p" -gt 0 ] || rc=1
		else
			p=- f="no summary (see $dir/$c/stages.log)" sk=- xf=- xp=- rc=1
		fi
		echo "| $c | $CELL_TREE | ${r:-$k} | $g | $p | $f | $sk | $xf | $xp | ${t:--} |"
	done
} >"$md"
cat "$md"
exit $rc
