#!/usr/bin/env bash
# One line per cell of the matrix run in RUN_DIR: cell, tree, kernel, guest type, the
# kselftest counts and the time of the boot's stages, as a Markdown table
# (also written to RUN_DIR/matrix.md), from each cell's results.json.
#
#   scripts/matrix.sh RUN_DIR CELL...
#
# CELL: a row of cells/cells.txt, whose run wrote RUN_DIR/CELL. A cell
# without results (its run failed before them) counts as failed.
# Exit 1 if any cell failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: scripts/matrix.sh RUN_DIR CELL..." >&2; exit 2; }
dir=$1
shift
rc=0
md=$dir/matrix.md
{
	echo "| cell | tree | kernel | guest | passed | failed | skipped | xfail | xpass | boot stages |"
	echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|"
	for c in "$@"; do
		cell_load "$c"
		k=${CELL_FLAVOUR%-guest} g=$CELL_GUEST
		# The kernel's release as the run recorded it, else the flavour.
		r=$(cat "$dir/$c/kernel-release" 2>/dev/null || true)
		j=$dir/$c/results.json
		if [ -f "$j" ] && tsv=$(results_tsv "$j") && counts=$(awk -F '\t' '$1 == "counts" { print $2, $3, $4, $5, $6 }' <<<"$tsv") && [ -n "$counts" ]; then
			read -r p f sk xf xp <<<"$counts"
			t=$(awk -F '\t' '$1 == "stage" { s += $3; n++ } END { if (n) print s " s" }' <<<"$tsv")
			[ "$f" -eq 0 ] && [ "$p" -gt 0 ] || rc=1
		else
			p=- f="no results (see $dir/$c/stages.log)" sk=- xf=- xp=- t='' rc=1
		fi
		echo "| $c | $CELL_TREE | ${r:-$k} | $g | $p | $f | $sk | $xf | $xp | ${t:--} |"
	done
} >"$md"
cat "$md"
exit $rc
