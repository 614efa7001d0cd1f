#!/usr/bin/env bash
# Put the results of the same tests on several guests side by side (the
# baseline first), as a Markdown table, and count the failures that only
# the second one has.
#
#   scripts/compare.sh BASE_RESULTS OTHER_RESULTS [OUT.md [MORE_RESULTS...]]
#
# RESULTS: a cell's results.json (scripts/cell-results.sh). A column's
# title is its cell's label. MORE_RESULTS files add columns (e.g. the PV
# run of the kernel without the series) and do not count in the exit
# status. Prints the table (and writes it to OUT.md), then each cell's
# "LABEL: N passed, N failed, N skipped" and "only on OTHER: N failed".
# Exit 1 when OTHER fails a test that passes or is skipped on the
# baseline.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: scripts/compare.sh BASE_RESULTS OTHER_RESULTS [OUT.md [MORE_RESULTS...]]" >&2; exit 2; }
files=("$1" "$2" "${@:4}")
for f in "${files[@]}"; do [ -f "$f" ] || { echo "error: no results file $f (a cell's results.json)" >&2; exit 2; }; done
out=${3:-/dev/null}
[ -n "$out" ] || out=/dev/null
tsv=()
trap 'rm -f "${tsv[@]}"' EXIT
for f in "${files[@]}"; do
	t=$(mktemp)
	tsv+=("$t")
	results_tsv "$f" >"$t" || exit 2
done
awk -F '\t' '
	FNR == 1 { file++; nf = file }
	$1 == "cell" { label[file] = $2; next }
	$1 == "test" {
		if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
		res[file, $2] = $3
		next
	}
	$1 == "counts" {
		total[file] = sprintf("%d passed, %d failed, %d skipped%s%s", $2, $3, $4,
			($5 > 0 ? ", " $5 " xfail" : ""), ($6 > 0 ? ", " $6 " xpass" : ""))
	}
	END {
		printf "| suite | test |"
		for (f = 1; f <= nf; f++) printf " %s |", label[f]
		printf "\n|---|---|"
		for (f = 1; f <= nf; f++) printf "---|"
		printf "\n"
		for (i = 1; i <= n; i++) {
			t = order[i]; s = t; sub(/:.*/, "", s); name = t; sub(/^[^:]*:/, "", name)
			printf "| %s | %s |", s, name
			for (f = 1; f <= nf; f++) printf " %s |", ((f, t) in res) ? res[f, t] : "-"
			printf "\n"
			b = ((1, t) in res) ? res[1, t] : "-"; o = ((2, t) in res) ? res[2, t] : "-"
			if ((o == "FAIL" || o == "MISSING") && b != "FAIL" && b != "MISSING") only++
		}
		for (f = 1; f <= nf; f++) {
			print label[f] ": " total[f] > "/dev/stderr"
			# Name the failures: the summaries may have scrolled away.
			bad = ""
			for (i = 1; i <= n; i++)
				if ((f, order[i]) in res && (res[f, order[i]] == "FAIL" || res[f, order[i]] == "MISSING"))
					bad = bad " " order[i]
			if (bad != "") print label[f] " failed:" bad > "/dev/stderr"
		}
		printf "only on %s: %d failed\n", label[2], only + 0 > "/dev/stderr"
		exit only > 0
	}' "${tsv[@]}" | tee "$out"
