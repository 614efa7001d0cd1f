#!/usr/bin/env bash
# Collect the kselftest TAP from the guest console log and print one line
# per test and the summary line "N passed, N failed, N skipped".
#
#   scripts/report.sh GUEST_LOG EXPECTED_LIST [LABEL]
#
# EXPECTED_LIST: "suite:test" lines (kselftest-list.txt, filtered to what was
# asked for). A test with no result in the log counts as failed (MISSING).
# A later result line for the same test replaces an earlier one; "# XFAIL"
# (an expected failure: xen-bugs.txt, known-failures.txt) and "# XPASS" (a
# known failure that passed: its entry can go) are counted apart, as
# ", N xfail" and ", N xpass" after the summary, and do not fail the run.
# SUBTESTS=file (lib.sh subtest_counts' lines): a line before the summary
# with the subtests those tests counted, "subtests: N passed, N failed,
# N skipped in N tests".
# Exit 1 on any failure or missing result, or if nothing ran at all.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: scripts/report.sh GUEST_LOG EXPECTED_LIST [LABEL]" >&2; exit 2; }
LOG=$1 EXPECTED=$2 LABEL=${3:-}
sub=${SUBTESTS:-/dev/null}
[ -f "$sub" ] || sub=/dev/null
awk -v label="${LABEL:+$LABEL }" -v subf="$sub" '
	function tally(r) { if (r == "PASS") p++; else if (r == "SKIP") s++; else if (r == "XFAIL") x++; else if (r == "XPASS") xp++; else f++ }
	FNR == NR { if ($0 != "") { want[++n] = $0 } ; next }
	# run_kselftest.sh result lines: "ok 3 selftests: suite: test # SKIP"
	/^(not )?ok [0-9]+ selftests: [^ ]+: / {
		line = $0
		res = (line ~ /^not ok/) ? "FAIL" : "PASS"
		sub(/^(not )?ok [0-9]+ selftests: /, "", line)
		split(line, a, " # ")
		name = a[1]; sub(/: /, ":", name); sub(/[ \t]+$/, "", name)
		dir = (index(line, " # ") ? substr(line, index(line, " # ") + 3) : "")
		if (dir ~ /^SKIP/) res = "SKIP"
		if (dir ~ /^XFAIL/) res = "XFAIL"
		if (dir ~ /^XPASS/) res = "XPASS"
		if (dir ~ /^TIMEOUT/ || dir ~ /^exit=/) res = "FAIL"
		# A later line replaces an earlier one (an expected failure, XFAIL,
		# replaces the failure), but a pass never hides a failure: a
		# lifecycle operation make soak repeats fails if any round did.
		if (!(got[name] == "FAIL" && res == "PASS")) { got[name] = res; why[name] = dir }
	}
	END {
		for (i = 1; i <= n; i++) {
			t = want[i]
			if (t in got) { r = got[t] } else { r = "MISSING" }
			printf "%s%-7s %s%s\n", label, r, t, (why[t] != "" ? "  # " why[t] : "")
			tally(r)
			seen[t] = 1
		}
		for (t in got) if (!(t in seen)) {
			printf "%s%-7s %s (not in the expected list)\n", label, got[t], t
			tally(got[t])
		}
		while ((getline l < subf) > 0) { split(l, c, "\t"); sp += c[3]; sf += c[4]; sk += c[5]; st++ }
		if (st) printf "%ssubtests: %d passed, %d failed, %d skipped in %d tests\n", label, sp, sf, sk, st
		printf "%s%d passed, %d failed, %d skipped%s%s\n", label, p + 0, f + 0, s + 0, (x ? ", " x " xfail" : ""), (xp ? ", " xp " xpass" : "")
		exit (f > 0 || p + s + x + xp == 0) ? 1 : 0
	}' "$EXPECTED" "$LOG"
