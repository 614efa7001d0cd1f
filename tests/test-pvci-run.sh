#!/usr/bin/env bash
# Tests of the guest's test runner (scripts/pvci-run, between its
# "test-runner" markers), run on the host with a fake run_kselftest.sh and
# run_vmtests.sh: the list's order, one runner call per run of tests of one
# collection, mm:vmtests-CATEGORY alone, a test whose result line the
# group's runner never printed run again on its own, and nothing of one
# group leaking into the next test (the group's loop once reused the
# caller's loop variable: "mm:vmtests-x86:b" ran instead of mm:vmtests-foo).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/ks/mm" "$W/tmp"
sed -n '/^# >>> test-runner/,/^# <<< test-runner/p' "$TOP/scripts/pvci-run" |
	sed "s|/tmp/|$W/tmp/|g" >"$W/runner.sh"
expect "the runner part is marked in pvci-run" test "$(wc -l <"$W/runner.sh")" -gt 20

# The fake runner: "-t C:T" for each test; with FAKE_DIE=C:T it stops,
# without a result line, at that test when it runs more than one.
cat >"$W/ks/run_kselftest.sh" <<'SH'
#!/bin/sh
n=0 tests=
while [ $# -gt 0 ]; do
	case $1 in -t) tests="$tests $2"; shift ;; -o) shift ;; esac
	shift
done
echo "CALL$tests" >>"$FAKE_CALLS"
echo "TAP version 13"
for t in $tests; do
	n=$((n + 1))
	echo "# selftests: ${t%%:*}: ${t#*:}"
	[ "$t" = "${FAKE_DIE:-}" ] && [ "$tests" != " $t" ] && exit 1
	echo "ok $n selftests: ${t%%:*}: ${t#*:}"
done
SH
cat >"$W/ks/mm/run_vmtests.sh" <<'SH'
#!/bin/sh
echo "VMTESTS $2" >>"$FAKE_CALLS"
echo "# SUMMARY: PASS=1 SKIP=0 FAIL=0"
SH
chmod +x "$W/ks/run_kselftest.sh" "$W/ks/mm/run_vmtests.sh"

run() { # TESTS [FAKE_DIE]
	: >"$W/calls"
	(cd "$W/ks" && FAKE_CALLS=$W/calls FAKE_DIE=${2:-} KSELFTEST_TESTS=$1 sh -c \
		'say() { echo "PVCI-DOMU: $*"; }; . "$0"; run_tests' "$W/runner.sh")
}
results() { grep -E '^(not )?ok ' | sed 's/^\(not \)*ok [0-9]* selftests: //'; }

out=$(run "x86:a x86:b mm:vmtests-foo timers:c timers:d x86:e")
expect_eq "one call per run of one collection, in the list's order" \
	 'CALL x86:a x86:b
VMTESTS foo
CALL timers:c timers:d
CALL x86:e' "$(cat "$W/calls")"
expect_eq "every test has its result, once, in order" \
	 'x86: a
x86: b
mm: vmtests-foo
timers: c
timers: d
x86: e' "$(results <<<"$out")"
expect_match "a time line for each test" \
	'PVCI-DOMU: time mm:vmtests-foo [0-9]+ s' "$out"
expect_match "grouped tests' time lines" 'PVCI-DOMU: time timers:d [0-9]+ s' "$out"

out=$(run "x86:a x86:b x86:c mm:vmtests-foo timers:c" x86:b)
expect_eq "a test the group's runner did not report runs again alone, the rest too" \
	 'CALL x86:a x86:b x86:c
CALL x86:b
CALL x86:c
VMTESTS foo
CALL timers:c' "$(cat "$W/calls")"
expect_eq "its result, then the next tests' (the caller's list intact)" \
	 'x86: a
x86: b
x86: c
mm: vmtests-foo
timers: c' "$(results <<<"$out")"
expect_match "says why it ran again" "no result for x86:b from its group's runner" "$out"
finish
