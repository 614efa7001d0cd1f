#!/usr/bin/env bash
# Tests of scripts/report.sh: results parsed from run_kselftest.sh's TAP as
# it appears in a guest console log, missing results, the summary line.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat >"$W/log" <<'LOG'
[   12.000000] systemd[1]: Started pvci-tests.service.
TAP version 13
1..5
# timeout set to 0
# selftests: timers: posix_timers
# ok 1 Passed
ok 1 selftests: timers: posix_timers
# selftests: timers: rtcpie
ok 2 selftests: timers: rtcpie # SKIP
# selftests: x86: sigreturn_64
not ok 3 selftests: x86: sigreturn_64 # exit=1
# selftests: x86: ldt_gdt_64
not ok 4 selftests: x86: ldt_gdt_64 # TIMEOUT 45 seconds
LOG
printf 'timers:posix_timers\ntimers:rtcpie\nx86:sigreturn_64\nx86:ldt_gdt_64\nx86:fsgsbase_64\n' >"$W/expected"
out=$("$TOP/scripts/report.sh" "$W/log" "$W/expected" pv: 2>&1); rc=$?
expect "mixed results: exit 1" [ $rc -eq 1 ]
expect_match "pass line" "^pv: PASS +timers:posix_timers$" "$out"
expect_match "skip line" "^pv: SKIP +timers:rtcpie" "$out"
expect_match "fail line with reason" "^pv: FAIL +x86:sigreturn_64 +# exit=1" "$out"
expect_match "timeout is a failure" "^pv: FAIL +x86:ldt_gdt_64 +# TIMEOUT" "$out"
expect_match "missing result is a failure" "^pv: MISSING +x86:fsgsbase_64" "$out"
expect_match "summary is the last line" "pv: 1 passed, 3 failed, 1 skipped\$" "$(printf '%s\n' "$out" | tail -n1)"

printf 'ok 1 selftests: timers: posix_timers\nok 2 selftests: timers: rtcpie # SKIP\n' >"$W/log2"
printf 'timers:posix_timers\ntimers:rtcpie\n' >"$W/expected2"
out=$("$TOP/scripts/report.sh" "$W/log2" "$W/expected2" pv: 2>&1); rc=$?
expect "all passed or skipped: exit 0" [ $rc -eq 0 ]
expect_match "all passed: summary" "^pv: 1 passed, 0 failed, 1 skipped$" "$out"

# An expected failure (xen-bugs.txt) replaces the test's failure, is
# counted apart and does not fail the run.
printf '%s\n' '# selftests: x86: ldt_gdt_32' 'not ok 1 selftests: x86: ldt_gdt_32 # exit=139' 'ok 1 selftests: x86: ldt_gdt_64' \
	'ok 0 selftests: x86: ldt_gdt_32 # XFAIL (xen-bugs.txt): Xen bug' >"$W/log4"
printf 'x86:ldt_gdt_32\nx86:ldt_gdt_64\n' >"$W/expected4"
out=$("$TOP/scripts/report.sh" "$W/log4" "$W/expected4" pv: 2>&1); rc=$?
expect "an expected failure: exit 0" [ $rc -eq 0 ]
expect_match "an expected failure: its line and reason" '^pv: XFAIL +x86:ldt_gdt_32 +# XFAIL \(xen-bugs.txt\): Xen bug$' "$out"
expect_match "an expected failure: counted apart" '^pv: 1 passed, 0 failed, 0 skipped, 1 xfail$' "$out"

# An operation reported once per round (make soak): a later pass does not
# hide an earlier failure, which keeps its reason.
printf '%s\n' 'ok 1 selftests: lifecycle: pause' 'not ok 2 selftests: lifecycle: pause # round 2: gap 0 s' \
	'ok 3 selftests: lifecycle: pause' >"$W/log6"
printf 'lifecycle:pause\n' >"$W/expected6"
out=$("$TOP/scripts/report.sh" "$W/log6" "$W/expected6" pv: 2>&1); rc=$?
expect "a failed round among passes: exit 1" [ $rc -eq 1 ]
expect_match "a failed round among passes: the failure and its reason" '^pv: FAIL +lifecycle:pause +# round 2: gap 0 s$' "$out"

# A known failure that passed (XPASS) is counted apart too, and does not
# fail the run; another failure still does.
printf '%s\n' 'ok 1 selftests: timers: posix_timers' 'ok 0 selftests: timers: posix_timers # XPASS (known-failures.txt): passed, the entry can go: x' \
	'not ok 2 selftests: x86: mov_ss_trap_64 # exit=139' 'ok 0 selftests: x86: mov_ss_trap_64 # XFAIL (known-failures.txt): y' >"$W/log5"
printf 'timers:posix_timers\nx86:mov_ss_trap_64\n' >"$W/expected5"
out=$("$TOP/scripts/report.sh" "$W/log5" "$W/expected5" pv: 2>&1); rc=$?
expect "xfail and xpass: exit 0" [ $rc -eq 0 ]
expect_match "xpass: its line says the entry can go" '^pv: XPASS +timers:posix_timers +# XPASS \(known-failures.txt\): passed, the entry can go: x$' "$out"
expect_match "xfail and xpass: counted apart" '^pv: 0 passed, 0 failed, 0 skipped, 1 xfail, 1 xpass$' "$out"
printf 'not ok 3 selftests: x86: other_64 # exit=1\n' >>"$W/log5"
printf 'x86:other_64\n' >>"$W/expected5"
out=$("$TOP/scripts/report.sh" "$W/log5" "$W/expected5" pv: 2>&1); rc=$?
expect "xpass beside a failure: exit 1" [ $rc -eq 1 ]

# The subtests line: the counts of the tests that have subtests.
printf 'x86:a\tok\t5\t0\t2\t\tb; c\nx86:d\tnot ok\t1\t1\t0\te\t\n' >"$W/sub.tsv"
out=$(SUBTESTS=$W/sub.tsv "$TOP/scripts/report.sh" "$W/log4" "$W/expected4" pv: 2>&1)
expect_match "subtests: one line before the summary" '^pv: subtests: 6 passed, 1 failed, 2 skipped in 2 tests$' "$(tail -n 2 <<<"$out" | head -n 1)"

: >"$W/empty"
: >"$W/expected3"
out=$("$TOP/scripts/report.sh" "$W/empty" "$W/expected3" pv: 2>&1); rc=$?
expect "nothing ran: exit 1" [ $rc -eq 1 ]
finish
