#!/usr/bin/env bash
# Put the results of the same tests on two guests side by side (the
# baseline first), as a Markdown table, and count the failures that only
# the second one has.
#
#   scripts/compare.sh BASE_SUMMARY OTHER_SUMMARY [OUT.md]
#
# SUMMARY: a run's summary.txt ("LABEL: RESULT suite:test  # why" lines and
# the closing "LABEL: N passed, N failed, N skipped"). Prints the table (and
# writes it to OUT.md), then both summary lines and
# "only on OTHER: N failed". Exit 1 when the other guest fails a test that
# passes or is skipped on the baseline.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/compare.sh BASE_SUMMARY OTHER_SUMMARY [OUT.md]" >&2; exit 2; }
for f in "$1" "$2"; do [ -f "$f" ] || { echo "error: no summary $f" >&2; exit 2; }; done
out=${3:-/dev/null}
awk '
	# "pv: PASS    x86:foo_64  # why" -> label, result, test
	function parse(line, r) {
		if (line !~ /^[a-z0-9_-]+: (PASS|FAIL|SKIP|MISSING) /) return 0
		split(line, r, " +")
		return 1
	}
	FNR == 1 { file++ }
	file == 1 && parse($0, a) { lb = a[1]; sub(/:$/, "", lb); base[a[3]] = a[2]; order[++n] = a[3]; next }
	file == 2 && parse($0, a) { lo = a[1]; sub(/:$/, "", lo); other[a[3]] = a[2]; if (!(a[3] in base)) order[++n] = a[3]; next }
	/ passed, .* failed, .* skipped$/ { total[file] = $0 }
	END {
		printf "| suite | test | %s | %s |\n|---|---|---|---|\n", lb, lo
		for (i = 1; i <= n; i++) {
			t = order[i]; s = t; sub(/:.*/, "", s); name = t; sub(/^[^:]*:/, "", name)
			b = (t in base) ? base[t] : "-"; o = (t in other) ? other[t] : "-"
			printf "| %s | %s | %s | %s |\n", s, name, b, o
			if ((o == "FAIL" || o == "MISSING") && b != "FAIL" && b != "MISSING") only++
		}
		print total[1] > "/dev/stderr"; print total[2] > "/dev/stderr"
		printf "only on %s: %d failed\n", lo, only + 0 > "/dev/stderr"
		exit only > 0
	}' "$1" "$2" | tee "$out"
