#!/usr/bin/env bash
# Put the results of the same tests on several guests side by side (the
# baseline first), as a Markdown table, and count the failures that only
# the second one has.
#
#   scripts/compare.sh BASE_SUMMARY OTHER_SUMMARY [OUT.md [MORE_SUMMARY...]]
#
# SUMMARY: a run's summary.txt ("LABEL: RESULT suite:test  # why" lines and
# the closing "LABEL: N passed, N failed, N skipped"). A column's title is
# its LABEL. MORE_SUMMARY files add columns (e.g. the PV run of the kernel
# without the series) and do not count in the exit status. Prints the table
# (and writes it to OUT.md), then every summary line and
# "only on OTHER: N failed". Exit 1 when OTHER fails a test that passes or
# is skipped on the baseline.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/compare.sh BASE_SUMMARY OTHER_SUMMARY [OUT.md [MORE_SUMMARY...]]" >&2; exit 2; }
files=("$1" "$2" "${@:4}")
for f in "${files[@]}"; do [ -f "$f" ] || { echo "error: no summary $f" >&2; exit 2; }; done
out=${3:-/dev/null}
[ -n "$out" ] || out=/dev/null
awk '
	FNR == 1 { file++; nf = file }
	# "pv: PASS    x86:foo_64  # why" -> label, result, test
	/^[a-z0-9_-]+: (PASS|FAIL|SKIP|XFAIL|XPASS|MISSING) / {
		split($0, a, " +")
		lb = a[1]; sub(/:$/, "", lb); label[file] = lb
		if (!(a[3] in seen)) { seen[a[3]] = 1; order[++n] = a[3] }
		res[file, a[3]] = a[2]
		next
	}
	/ passed, .* failed, .* skipped(, [0-9]+ (xfail|xpass))*$/ { total[file] = $0 }
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
			print total[f] > "/dev/stderr"
			# Name the failures: the summaries may have scrolled away.
			bad = ""
			for (i = 1; i <= n; i++)
				if ((f, order[i]) in res && (res[f, order[i]] == "FAIL" || res[f, order[i]] == "MISSING"))
					bad = bad " " order[i]
			if (bad != "") print label[f] " failed:" bad > "/dev/stderr"
		}
		printf "only on %s: %d failed\n", label[2], only + 0 > "/dev/stderr"
		exit only > 0
	}' "${files[@]}" | tee "$out"
