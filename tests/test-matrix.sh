#!/usr/bin/env bash
# Tests of scripts/matrix.sh: one row per cell from the cells'
# results.json (written here by scripts/cell-results.sh, as a run does),
# and the exit status when a cell failed a test or has no results.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cell() { # NAME SUMMARY-LINE SECONDS
	mkdir -p "$W/$1"
	printf '%s: PASS    x86:a_64\n%s: %s\n' "$1" "$1" "$2" >"$W/$1/summary.txt"
	printf 'stage domu-userspace   10 s\nstage tests %d s\n' $(($3 - 10)) >"$W/$1/stages.log"
	"$TOP/scripts/cell-results.sh" "$W/$1" "$1"
}
cell native "80 passed, 0 failed, 20 skipped" 180
cell pv "90 passed, 0 failed, 21 skipped, 1 xfail, 2 xpass" 390
cell i386-pvh "50 passed, 0 failed, 12 skipped" 200
out=$("$TOP/scripts/matrix.sh" "$W" native pv i386-pvh)
rc=$?
expect "all cells passed: exit 0" [ $rc -eq 0 ]
expect_match "a row per cell: x86_64 native" '^\| native \| lts \| x86_64 \| native \| 80 \| 0 \| 20 \| 0 \| 0 \| 180 s \|$' "$out"
expect_match "a row per cell: i386 pvh" '^\| i386-pvh \| lts \| i386 \| pvh \| 50 \| 0 \| 12 \| 0 \| 0 \| 200 s \|$' "$out"
expect "the table is written to matrix.md" grep -q '| pv | lts | x86_64 | pv | 90 |' "$W/matrix.md"
expect_match "expected failures and unexpected passes have their columns" '^\| pv \| lts \| x86_64 \| pv \| 90 \| 0 \| 21 \| 1 \| 2 \| 390 s \|$' "$out"
cell mainline-pv "40 passed, 0 failed, 5 skipped" 300
echo 7.2.13-pvci >"$W/mainline-pv/kernel-release"
out=$("$TOP/scripts/matrix.sh" "$W" mainline-pv)
expect_match "the mainline cell: its tree and the kernel release the run recorded" '^\| mainline-pv \| mainline \| 7.2.13-pvci \| pv \| 40 \|' "$out"
cell pvh "70 passed, 2 failed, 3 skipped" 250
"$TOP/scripts/matrix.sh" "$W" native pvh >/dev/null
expect "a cell with failures: exit 1" [ $? -eq 1 ]
out=$("$TOP/scripts/matrix.sh" "$W" native i386-native)
rc=$?
expect "a cell without results: exit 1" [ $rc -eq 1 ]
expect_match "a cell without results is named as such" 'i386 \| native \| - \| no results' "$out"
mkdir -p "$W/i386-native" && echo '{"cell": "i386-native", "passed": 3' >"$W/i386-native/results.json"
out=$("$TOP/scripts/matrix.sh" "$W" i386-native 2>"$W/err")
expect "a cell whose results.json is cut short: exit 1" [ $? -eq 1 ]
expect "  ... with an error naming the file" grep -q "i386-native/results.json is not valid JSON" "$W/err"
"$TOP/scripts/matrix.sh" "$W" >/dev/null 2>&1
expect "no cell given: usage error" [ $? -eq 2 ]
finish
