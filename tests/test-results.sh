#!/usr/bin/env bash
# Tests of the result files on a real console log kept as a fixture
# (tests/fixtures/native: the native cell of a make test run): report.sh
# turns the log into the summary that run produced; cell-results.sh writes
# results.json and junit.xml with every test; results-page.sh renders
# docs/results.md from a run directory.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
F=$TOP/tests/fixtures/native
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

gunzip -c "$F/results.log.gz" >"$W/results.log"
out=$("$TOP/scripts/report.sh" "$W/results.log" "$F/expected.txt" native: 2>&1)
expect "report.sh: the fixture log gives the run's summary, line for line" diff <(printf '%s\n' "$out") "$F/summary.txt"
expect_match "report.sh: its closing line" '^native: 86 passed, 0 failed, 24 skipped$' "$(tail -n1 <<<"$out")"
# A log cut in the middle of the run: the tests after the cut are MISSING.
head -n 3000 "$W/results.log" >"$W/cut.log"
out=$("$TOP/scripts/report.sh" "$W/cut.log" "$F/expected.txt" native: 2>&1); rc=$?
expect "report.sh: a truncated log fails" [ $rc -ne 0 ]
expect_match "report.sh: ... with the tests it lacks as MISSING" '^native: MISSING ' "$out"

R=$W/run/native
mkdir -p "$R"
cp "$F/summary.txt" "$F/test-times.txt" "$F/stages.log" "$R/"
echo 'PVCI-DOMU: stage userspace-up kernel=6.12.117-pvci init=/usr/lib/systemd/systemd state=running' >"$R/guest.log"
echo 123 >"$R/speed-pct"
"$TOP/scripts/cell-results.sh" "$R" native
j=$R/results.json
expect_match "results.json: the cell, kernel and speed" '"cell": "native",' "$(cat "$j")"
expect_match "results.json: the kernel" '"kernel": "6.12.117-pvci",' "$(cat "$j")"
expect_match "results.json: the counts" '"passed": 86,' "$(cat "$j")"
expect "results.json: one entry per test of the summary (110)" [ "$(grep -c '"status": ' "$j")" -eq 110 ]
expect "results.json: 24 skips" [ "$(grep -c '"status": "skip"' "$j")" -eq 24 ]
expect_match "results.json: a test's time" '"name": "xen:xen_time", "status": "pass", "reason": "", "seconds": 3' "$(cat "$j")"
expect_match "results.json: a skip's reason" '"name": "x86:mov_ss_trap_64", "status": "skip", "reason": "SKIP not run' "$(cat "$j")"
expect_match "results.json: the stages" '"name": "tests", "seconds": 184' "$(cat "$j")"
expect "results.json: braces balance" [ "$(tr -cd '{' <"$j" | wc -c)" -eq "$(tr -cd '}' <"$j" | wc -c)" ]
expect "junit.xml: one testcase per test" [ "$(grep -c '<testcase ' "$R/junit.xml")" -eq 110 ]
expect_match "junit.xml: the suite's counts" '<testsuite name="native" tests="110" failures="0" skipped="24">' "$(cat "$R/junit.xml")"
k=$R/results.ktap
expect "results.ktap: one KTAP document, its header and one plan" [ "$(sed -n '1p;3p' "$k" | xargs)" = "KTAP version 1 1..110" ]
expect "results.ktap: one result line per test, numbered 1 to 110" [ "$(grep -Ec '^(not )?ok [0-9]+ ' "$k")" -eq 110 ] && [ "$(tail -n1 "$k" | cut -d' ' -f2)" = 110 ]
expect_match "results.ktap: a skip with its reason, on one line" '^ok [0-9]+ x86:mov_ss_trap_64 # SKIP not run' "$(cat "$k")"

# A failed test shows in both.
sed -i 's/^native: PASS    xen:xen_time$/native: FAIL    xen:xen_time  # exit=1/' "$R/summary.txt"
"$TOP/scripts/cell-results.sh" "$R" native
expect_match "results.json: a failure" '"name": "xen:xen_time", "status": "fail", "reason": "exit=1"' "$(cat "$j")"
expect_match "junit.xml: a failure" 'name="xen:xen_time" time="3"><failure message="exit=1"/>' "$(cat "$R/junit.xml")"
expect_match "results.ktap: a failure" '^not ok [0-9]+ xen:xen_time # exit=1$' "$(cat "$k")"
# An expected failure (xen-bugs.txt): its own status and count.
sed -i -e 's/^native: FAIL    xen:xen_time  # exit=1$/native: XFAIL   xen:xen_time  # XFAIL (xen-bugs.txt): a Xen bug/' \
	-e 's/^native: 86 passed, 0 failed, 24 skipped$/native: 85 passed, 0 failed, 24 skipped, 1 xfail/' "$R/summary.txt"
"$TOP/scripts/cell-results.sh" "$R" native
expect_match "results.json: an expected failure" '"name": "xen:xen_time", "status": "xfail", "reason": "XFAIL \(xen-bugs.txt\): a Xen bug"' "$(cat "$j")"
expect_match "results.json: counted apart" '"xfail": 1,' "$(cat "$j")"
expect_match "results.ktap: an expected failure" '^ok [0-9]+ xen:xen_time # XFAIL \(xen-bugs.txt\): a Xen bug$' "$(cat "$k")"
expect_match "junit.xml: an expected failure is skipped, with its reason" 'name="xen:xen_time" time="3"><skipped message="XFAIL \(xen-bugs.txt\): a Xen bug"/>' "$(cat "$R/junit.xml")"
# A known failure that passed: its own status and count, a pass in junit.
cp "$R/summary.txt" "$W/summary.keep"
sed -i -e 's/^native: PASS    xen:xen_mmu$/native: XPASS   xen:xen_mmu  # XPASS (known-failures.txt): passed, the entry can go: x/' \
	-e 's/^native: 85 passed, 0 failed, 24 skipped, 1 xfail$/native: 84 passed, 0 failed, 24 skipped, 1 xfail, 1 xpass/' "$R/summary.txt"
"$TOP/scripts/cell-results.sh" "$R" native
expect_match "results.json: an unexpected pass" '"name": "xen:xen_mmu", "status": "xpass", "reason": "XPASS' "$(cat "$j")"
expect_match "results.json: counted apart" '"xpass": 1,' "$(cat "$j")"
expect_match "junit.xml: an unexpected pass is a pass" 'name="xen:xen_mmu"( time="[0-9]+")?></testcase>' "$(cat "$R/junit.xml")"
cp "$W/summary.keep" "$R/summary.txt"
"$TOP/scripts/cell-results.sh" "$R" native

printf 'selftest 31 ok\nkernel 497 ok\ncells 615 ok\n' >"$W/run/ci-times.txt"
out=$(OUT=$W "$TOP/scripts/results-page.sh" "$W/run" "$W/results.md" 2>&1); rc=$?
expect_match "results page: make test part by part, from ci-times.txt" '^\| kernel \| 497 \| ok \|$' "$(cat "$W/results.md")"
expect_match "results page: ... and their sum" '^\| \*\*all\*\* \| \*\*1143\*\* \| \|$' "$(cat "$W/results.md")"
expect "results-page.sh: renders a run" [ $rc -eq 0 ]
expect_match "results page: stamped with the run and the speed" 'host speed 123% of the reference' "$(cat "$W/results.md")"
expect_match "results page: the cells table" '^\| native \| lts \| x86_64 \| native \| 85 \| 0 \| 24 \| 1 \|' "$(cat "$W/results.md")"
expect_match "results page: the stage times" '^\| native \| 7 \| 184 \| 1 \|$' "$(cat "$W/results.md")"
out=$(OUT=$W/empty "$TOP/scripts/results-page.sh" 2>&1); rc=$?
expect "results-page.sh: no run is an error" [ $rc -ne 0 ]
expect_match "... that says what to run" "no run with a cell's results.json" "$out"
err=$(RUN_DIR=$W/ci "$TOP/scripts/ci-parts.sh" nosuch 2>&1); rc=$?
expect "ci-parts.sh: an unknown part is refused" [ $rc -ne 0 ]
expect_match "ci-parts.sh: ... naming it and the parts there are" "unknown part 'nosuch' \(selftest fresh-check-ci" "$err"
err=$(env -u RUN_DIR "$TOP/scripts/ci-parts.sh" selftest 2>&1); rc=$?
expect_match "ci-parts.sh: needs RUN_DIR" 'RUN_DIR is not set' "$err"
finish
