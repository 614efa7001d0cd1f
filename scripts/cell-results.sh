#!/usr/bin/env bash
# The results of one cell for machines: CELL_DIR/results.json and
# CELL_DIR/junit.xml, from what run-guest.sh wrote there (summary.txt, the
# per-test times in test-times.txt, the boot stages in stages.log, the host
# speed in speed-pct).
#
#   scripts/cell-results.sh CELL_DIR [CELL]
#
# results.json: {"cell", "kernel", "speed_pct", "passed", "failed",
# "skipped", "xfail", "xpass", "stages": [{"name", "seconds"}], "tests":
# [{"name", "status" (pass, fail, skip, xfail, xpass, missing), "reason",
# "seconds"}]}; in junit.xml an expected failure is a skipped test with its
# reason, an unexpected pass a pass. results.ktap: the cell as one KTAP
# document (Documentation/dev-tools/ktap.rst), one result line per test in
# the summary's order under one plan: "ok N TEST", "ok N TEST # SKIP why",
# "ok N TEST # XFAIL why", "ok N TEST # XPASS why", "not ok N TEST # why"
# (TIMEOUT for a time-out), "not ok N TEST # ERROR no result" (missing);
# what kunit.py parse reads.
# Prints nothing.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/cell-results.sh CELL_DIR [CELL]" >&2; exit 2; }
D=$1 CELL=${2:-$(basename "$1")}
[ -f "$D/summary.txt" ] || { echo "error: no summary.txt in $D" >&2; exit 1; }
kernel=$(sed -n 's/^PVCI-DOMU: stage userspace-up kernel=\([^ ]*\).*/\1/p' "$D/guest.log" 2>/dev/null | head -n1 || true)
speed=$(cat "$D/speed-pct" 2>/dev/null || echo 100)
touch "$D/test-times.txt" "$D/stages.log"
awk -v cell="$CELL" -v kernel="$kernel" -v speed="$speed" -v json="$D/results.json" -v junit="$D/junit.xml" -v ktap="$D/results.ktap" '
	function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/[\001-\037]/, "", s); return "\"" s "\"" }
	function xml(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); gsub(/[\001-\037]/, "", s); return s }
	FILENAME ~ /test-times.txt$/ { secs[$1] = $2; next }
	FILENAME ~ /stages.log$/ && /^stage / { sn[++ns] = $2; ss[ns] = $3; next }
	FILENAME ~ /summary.txt$/ {
		line = $0; sub(/^[^ ]+: /, "", line)
		if (line ~ /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped(, [0-9]+ (xfail|xpass))*$/) {
			nc = split(line, c, ", ")
			for (i = 1; i <= nc; i++) { split(c[i], w, " "); cnt[w[2]] = w[1] + 0 }
			p = cnt["passed"]; f = cnt["failed"]; s = cnt["skipped"]; x = cnt["xfail"] + 0; xp = cnt["xpass"] + 0
			next
		}
		if (!match(line, /^(PASS|FAIL|SKIP|XFAIL|XPASS|MISSING) +/)) next
		st = tolower(substr(line, 1, RLENGTH)); gsub(/ /, "", st)
		rest = substr(line, RLENGTH + 1)
		why = ""; i = index(rest, "  # ")
		if (i) { why = substr(rest, i + 4); rest = substr(rest, 1, i - 1) }
		sub(/ \(not in the expected list\)$/, "", rest)
		nt++; tn[nt] = rest; tst[nt] = st; tw[nt] = why
	}
	END {
		printf "{\n  \"cell\": %s,\n  \"kernel\": %s,\n  \"speed_pct\": %d,\n", js(cell), js(kernel), speed > json
		printf "  \"passed\": %d,\n  \"failed\": %d,\n  \"skipped\": %d,\n  \"xfail\": %d,\n  \"xpass\": %d,\n  \"stages\": [", p, f, s, x, xp > json
		for (i = 1; i <= ns; i++) printf "%s\n    {\"name\": %s, \"seconds\": %d}", (i > 1 ? "," : ""), js(sn[i]), ss[i] > json
		printf "\n  ],\n  \"tests\": [" > json
		for (i = 1; i <= nt; i++)
			printf "%s\n    {\"name\": %s, \"status\": %s, \"reason\": %s, \"seconds\": %s}", (i > 1 ? "," : ""),
				js(tn[i]), js(tst[i]), js(tw[i]), (tn[i] in secs ? secs[tn[i]] : "null") > json
		printf "\n  ]\n}\n" > json
		printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > junit
		printf "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n", xml(cell), nt, f, s + x > junit
		for (i = 1; i <= nt; i++) {
			split(tn[i], parts, ":")
			printf "  <testcase classname=\"%s.%s\" name=\"%s\"%s>", xml(cell), xml(parts[1]), xml(tn[i]),
				(tn[i] in secs ? " time=\"" secs[tn[i]] "\"" : "") > junit
			if (tst[i] == "fail" || tst[i] == "missing") printf "<failure message=\"%s\"/>", xml(tst[i] == "missing" ? "no result" : tw[i]) > junit
			else if (tst[i] == "skip" || tst[i] == "xfail") printf "<skipped message=\"%s\"/>", xml(tw[i]) > junit
			printf "</testcase>\n" > junit
		}
		printf "</testsuite>\n" > junit
		printf "KTAP version 1\n# cell %s, kernel %s\n1..%d\n", cell, kernel, nt > ktap
		for (i = 1; i <= nt; i++) {
			kw = tw[i]; sub(/^(SKIP|XFAIL|XPASS) */, "", kw); gsub(/[\001-\037]/, " ", kw)
			if (tst[i] == "pass") d = ""
			else if (tst[i] == "skip") d = " # SKIP " kw
			else if (tst[i] == "xfail") d = " # XFAIL " kw
			else if (tst[i] == "xpass") d = " # XPASS " kw
			else if (tst[i] == "missing") d = " # ERROR no result"
			else d = " # " kw
			sub(/ +$/, "", d)
			printf "%s %d %s%s\n", (tst[i] == "fail" || tst[i] == "missing" ? "not ok" : "ok"), i, tn[i], d > ktap
		}
	}' "$D/test-times.txt" "$D/stages.log" "$D/summary.txt"
