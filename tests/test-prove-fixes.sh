#!/usr/bin/env bash
# Tests of scripts/prove-fixes.sh that boot nothing: prove-fixes.txt's rows
# are checked (a patch not in the series, a row without a reason, a cell
# without tests), and rows that no test can show go into the table with
# their reason.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
first=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series" | head -n 1)
pf() { PROVE_FIXES=$W/pf.txt RUN_DIR=$W/run OUT=$W/out "$TOP/scripts/prove-fixes.sh" "$@"; }

echo "arch-x86-pv/9999 pv x86:foo a reason" >"$W/pf.txt"
out=$(pf 2>&1); rc=$?
expect "a patch not in the series: exit 1" [ $rc -ne 0 ]
expect_match "a patch not in the series: named" "arch-x86-pv/9999 is not in the series" "$out"

echo "${first%%-*} pv x86:foo" >"$W/pf.txt"
out=$(pf 2>&1)
expect_match "a row without a reason: named" "gives no reason" "$out"

echo "${first%%-*} pv - a reason" >"$W/pf.txt"
out=$(pf 2>&1)
expect_match "a cell without tests: named" "names cell pv but no tests" "$out"

echo "${first%%-*} nocell x86:foo a reason" >"$W/pf.txt"
out=$(pf 2>&1)
expect_match "an unknown cell: named" "nocell" "$out"

echo "${first%%-*} - - documentation only: make docs-check" >"$W/pf.txt"
docs_before=$(cksum <"$TOP/docs/prove-fixes.md" 2>/dev/null || echo none)
out=$(pf "${first%%-*}" 2>&1); rc=$?
expect "a row without a test: exit 0, nothing booted" [ $rc -eq 0 ]
t=$(cat "$W/run/prove-fixes/prove-fixes.md" 2>/dev/null)
expect_match "a row without a test: in the table with its reason" "no test in the rig: documentation only: make docs-check" "$t"
expect_match "the table counts the rows with a test" "Rows with a test: 0 proven, 0 not, 0 not run" "$t"
expect "a run of some rows leaves docs/prove-fixes.md alone" [ "$(cksum <"$TOP/docs/prove-fixes.md" 2>/dev/null || echo none)" = "$docs_before" ]
# A row's tests: the kselftests run (workloads in parentheses included) and
# the entries judged (workloads left out).
pk() { bash -c '. "$1/scripts/lib.sh" && "$2" "$3"' _ "$TOP" "$@"; }
expect "proof_kselftests: tests and workloads, no harness checks" \
	[ "$(pk proof_kselftests 'harness:no-kernel-warn-bug-oops,(xen:xen_gntalloc),x86:iopl_32')" = "xen:xen_gntalloc x86:iopl_32" ]
expect "proof_judged: tests and harness checks, no workloads" \
	[ "$(pk proof_judged 'harness:no-kernel-warn-bug-oops,(xen:xen_gntalloc),x86:iopl_32')" = "harness:no-kernel-warn-bug-oops x86:iopl_32" ]
expect "the shipped prove-fixes.txt: every row with a cell judges something" \
	bash -c '. "$1/scripts/lib.sh"; while read -r p c t r; do case $p in ""|"#"*) continue;; esac; [ "$c" = - ] || [ -n "$(proof_judged "$t")" ] || exit 1; done <"$1/prove-fixes.txt"' _ "$TOP"
finish
