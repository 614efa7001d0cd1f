#!/usr/bin/env bash
# Tests of the cells as data (cells/cells.txt, cells/profiles/,
# cells/lifecycle-ops) and of the functions that read them (scripts/lib.sh):
# every row of the real table is valid, the runs column selects the CI and
# matrix cells, profiles inherit and drop suites, and a bad name or row is
# refused with a message that names the problem.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
lib() { bash -c ". '$TOP/scripts/lib.sh' && $1" 2>&1; }

for c in $(lib cell_names); do
	expect "cells.txt: row $c is valid" bash -c ". '$TOP/scripts/lib.sh' && cell_load $c"
done
expect_match "CI cells: pv" '^pv$' "$(lib 'cell_names runs=ci | xargs')"
expect_match "the mainline PV cell is on the mainline tree" '^mainline x86_64-guest pv mainline yes$' \
	"$(lib 'cell_load mainline-pv; echo $CELL_TREE $CELL_FLAVOUR $CELL_GUEST $CELL_PROFILE $CELL_LIFECYCLE')"
expect_match "the cells on the mainline tree" '^mainline-pv mainline-pv-full$' "$(lib 'cell_names tree=mainline | xargs')"
expect_match "the PV cell runs the lifecycle operations" '^lts x86_64-guest pv amd64 default yes$' \
	"$(lib 'cell_load pv; echo $CELL_TREE $CELL_FLAVOUR $CELL_GUEST $CELL_USERSPACE $CELL_PROFILE $CELL_LIFECYCLE')"
out=$(lib 'cell_load i386-pv'); rc=$?
expect "an unknown cell is refused" [ $rc -ne 0 ]
expect_match "... naming the cells there are" "no cell 'i386-pv' in cells/cells.txt \\(cells: native pv mainline-pv mainline-pv-full pv-debug pvh" "$out"
expect_match "profile pvh: the default suites without x86" '^xen vDSO cpu-hotplug' "$(lib 'profile_get pvh suites')"
expect "profile pvh: no x86 suite" not grep -qw x86 <<<"$(lib 'profile_get pvh suites')"
expect_match "profile pvh: the default tests" 'mm:vmtests-cow' "$(lib 'profile_get pvh tests')"
expect_match "profile quick: tests only" '^$' "$(lib 'profile_get quick suites')"
out=$(lib 'profile_get nosuch suites'); rc=$?
expect "an unknown profile is refused, naming the profiles" [ $rc -ne 0 ]
expect_match "... naming the profiles" 'no test profile cells/profiles/nosuch \(profiles: debug default' "$out"
expect_match "profile debug: the fuzzer runs 120 s" '^120$' "$(lib 'profile_get debug fuzz-seconds')"
expect_match "profile default: the fuzzer's own time" '^$' "$(lib 'profile_get default fuzz-seconds')"
expect_match "profile default: the fuzzer from a fixed seed (CI)" '^[0-9]+$' "$(lib 'profile_get default fuzz-seed')"
expect_match "profile debug: a seed drawn per run" '^$' "$(lib 'profile_get debug fuzz-seed')"
expect_match "profile fuzz: xen_fuzz alone" '^xen:xen_fuzz$' "$(lib 'profile_get fuzz tests')"
expect_match "lifecycle-ops: shutdown comes last" ' shutdown$' "$(lib default_lifecycle_ops)"
expect_match "profile debug: preempt-storm besides the default operations" '^preempt-storm$' "$(lib 'profile_get debug lifecycle-extra')"
expect_match "lifecycle-extra goes before the reboot and shutdown" ' restore-detach preempt-storm reboot shutdown$' "$(lib 'default_lifecycle_ops preempt-storm')"
expect_match "no lifecycle-extra: the list as it is" ' restore-detach reboot shutdown$' "$(lib 'default_lifecycle_ops ""')"

# A table with bad rows.
printf 'e lts i386-guest pvh i386 i386 yes ci\na lts x86_64-guest pv amd64 default yes ci extra\nb lts x86_64-guest kvm amd64 default no ci\nc lts x86_64-guest pv amd64 default no sometimes\nd lts nosuch-guest pv amd64 default no ci\nf next x86_64-guest pv amd64 default no ci\n' >"$W/cells.txt"
bad() { CELLS_FILE=$W/cells.txt bash -c ". '$TOP/scripts/lib.sh' && cell_load $1" 2>&1; }
expect_match "a row with 9 fields is refused" 'row of cell a has 9 fields, not 8' "$(bad a)"
expect_match "an unknown tree is refused" "tree 'next' is not lts or mainline" "$(bad f)"
expect_match "an unknown guest type is refused" "guest 'kvm' is not native, pv or pvh" "$(bad b)"
expect_match "an unknown runs value is refused" "runs 'sometimes' is not ci, matrix or manual" "$(bad c)"
expect_match "a flavour without a kconfig fragment is refused" 'no kconfig/nosuch-guest.config' "$(bad d)"
expect_match "lifecycle on an i386 guest is refused" 'cell e: lifecycle yes needs a Xen guest .* amd64 userspace' "$(bad e)"

out=$("$TOP/scripts/run-cell.sh" 2>&1); rc=$?
expect_match "run-cell.sh without a cell: usage naming the cells" 'usage: scripts/run-cell.sh .*\(cells: native pv' "$out"
finish
