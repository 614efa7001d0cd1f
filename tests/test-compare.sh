#!/usr/bin/env bash
# Tests of scripts/compare.sh: the side-by-side table, extra columns, and
# the exit status on failures only the second guest has. Its inputs are
# results.json files, written here from summaries by scripts/cell-results.sh
# as a run writes them.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/native.d" && cat >"$W/native.d/summary.txt" <<'S'
native: PASS    x86:a_64
native: FAIL    x86:b_64  # exit=1
native: SKIP    x86:c_64  # SKIP no xen
native: 1 passed, 1 failed, 1 skipped
S
mkdir -p "$W/pv.d" && cat >"$W/pv.d/summary.txt" <<'S'
pv: PASS    x86:a_64
pv: FAIL    x86:b_64  # exit=1
pv: PASS    x86:c_64
pv: 2 passed, 1 failed, 0 skipped
S
mkdir -p "$W/pv-bad.d" && cat >"$W/pv-bad.d/summary.txt" <<'S'
pv: FAIL    x86:a_64  # exit=1
pv: PASS    x86:b_64
pv: MISSING x86:c_64
pv: 1 passed, 2 failed, 0 skipped
S
mkdir -p "$W/upstream.d" && cat >"$W/upstream.d/summary.txt" <<'S'
pv-upstream: FAIL    x86:a_64  # exit=1
pv-upstream: PASS    x86:d_64
pv-upstream: 1 passed, 1 failed, 0 skipped
S
for c in native pv pv-bad upstream; do
	"$TOP/scripts/cell-results.sh" "$W/$c.d" "$(sed -n '1s/: .*//p' "$W/$c.d/summary.txt")"
	mv "$W/$c.d/results.json" "$W/$c"
done
out=$("$TOP/scripts/compare.sh" "$W/native" "$W/pv" "$W/t.md" 2>&1); rc=$?
expect "a failure on both: exit 0" [ $rc -eq 0 ]
expect_match "table header" '^\| suite \| test \| native \| pv \|$' "$out"
expect_match "row" '^\| x86 \| b_64 \| FAIL \| FAIL \|$' "$out"
expect_match "no failure only on pv" '^only on pv: 0 failed$' "$out"
expect "table written to OUT.md" grep -q '^| x86 | c_64 | SKIP | PASS |$' "$W/t.md"
out=$("$TOP/scripts/compare.sh" "$W/native" "$W/pv-bad" 2>&1); rc=$?
expect "failures only on pv: exit 1" [ $rc -eq 1 ]
expect_match "fail and missing counted, a fail on both not" '^only on pv: 2 failed$' "$out"
expect_match "the failures named" '^pv failed: x86:a_64 x86:c_64$' "$out"
expect_match "the baseline's failures named" '^native failed: x86:b_64$' "$out"
out=$("$TOP/scripts/compare.sh" "$W/native" "$W/pv" "" "$W/upstream" 2>&1); rc=$?
expect "extra column: exit from the first two only" [ $rc -eq 0 ]
expect_match "extra column header" '^\| suite \| test \| native \| pv \| pv-upstream \|$' "$out"
expect_match "extra column result" '^\| x86 \| a_64 \| PASS \| PASS \| FAIL \|$' "$out"
expect_match "a test only in the extra column" '^\| x86 \| d_64 \| - \| - \| PASS \|$' "$out"
expect_match "every summary line" 'pv-upstream: 1 passed, 1 failed, 0 skipped' "$out"
"$TOP/scripts/compare.sh" "$W/native" "$W/nonexistent" >/dev/null 2>&1; rc=$?
expect "a missing results file: exit 2" [ $rc -eq 2 ]
echo '{"cell": "pv", "tests": [' >"$W/cut"
"$TOP/scripts/compare.sh" "$W/native" "$W/cut" >/dev/null 2>"$W/err"; rc=$?
expect "a results file cut short: exit 2" [ $rc -eq 2 ]
expect "  ... with an error naming it" grep -q "$W/cut is not valid JSON" "$W/err"
finish
