#!/usr/bin/env bash
# Tests of scripts/lib.sh: status and progress on stderr, data alone on
# stdout, even when a missing package is installed on the way (a fresh
# machine: `apt_install` used to print "installing: ..." on stdout, which
# corrupted the image path run-guest.sh captured from mk-dom0.sh).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# A fake apt-get that "installs" by creating the command it was asked for,
# and prints on stdout as the real one does.
mkdir -p "$W/bin"
cat >"$W/bin/apt-get" <<'SH'
#!/bin/sh
echo "apt-get $*"
[ "$1" = install ] || exit 0
for a; do case $a in -*|install) ;; *) printf '#!/bin/sh\n' >"$FAKE_BIN/$a"; chmod +x "$FAKE_BIN/$a" ;; esac; done
SH
chmod +x "$W/bin/apt-get"
cat >"$W/producer.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
. "$TOP/scripts/lib.sh"
data_on_stdout
need pvci-fake-tool:pvci-fake-tool
stage "a stage"
say "progress"
note "a note"
echo "a command's own output"
result /the/path
SH
run_producer() { # as root (apt_install installs), or as a fake root for the test
	PATH="$W/bin:$PATH" FAKE_BIN=$W/bin CACHE=$W/cache bash "$W/producer.sh"
}
if [ "$(id -u)" = 0 ]; then
	out=$(run_producer 2>"$W/err"); rc=$?
	expect "a script with a missing package exits 0" [ "$rc" -eq 0 ]
	expect_match "stdout is the data alone, after an install" '^/the/path$' "$out"
	expect "stdout has one line" [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]
	expect_match "the install is reported on stderr" 'installing: pvci-fake-tool' "$(cat "$W/err")"
	expect_match "stage and say go to stderr" '==> a stage' "$(cat "$W/err")"
else
	echo "ok 0 - # SKIP not root: apt_install refuses to install"
fi
# say/stage/note/warn never write to stdout, with or without data_on_stdout.
out=$(bash -c ". '$TOP/scripts/lib.sh'; say a; stage b; note c; warn d" 2>/dev/null)
expect "say, stage, note and warn write nothing to stdout" [ -z "$out" ]
# Two runs sharing the cache: the second waits for the first's lock on an
# entry, and says so.
(CACHE=$W/cache bash -c ". '$TOP/scripts/lib.sh'; lock_entry img-x; sleep 2") &
sleep 0.5
t0=$(date +%s%N)
err=$(CACHE=$W/cache bash -c ". '$TOP/scripts/lib.sh'; lock_entry img-x" 2>&1)
waited=$((($(date +%s%N) - t0) / 1000000))
wait
expect "lock_entry: the second holder waits for the first (${waited} ms)" [ "$waited" -ge 1000 ]
expect_match "lock_entry: ... and says what it waits for" 'waiting for .*/locks/img-x.lock' "$err"
# Error-level kernel messages against the allow-list.
ukerr() { bash -c '. "$1/scripts/lib.sh" && unexpected_kernel_errors "$2" "$3" "$4"' _ "$TOP" "$@"; }
printf '%s\n' 'x ok' 'PVCI-DOMU: dmesg-err: [   81.503134] traps: iopl_32[741] attempts to use CLI/STI, pretending it'"'"'s a NOP, ip:1' \
	'PVCI-DOMU: dmesg-err: [    2.000000] xen:privcmd: No target domain found, blocking all hypercalls' \
	'PVCI-DOMU: dmesg-err: [    3.1] ACPI Error: No handler or method for GPE 01, disabling event' >"$W/guest.log"
printf '%s\n' '# comment :: x :: y' "pv,native :: ^traps: iopl_(32|64)\[[0-9]+\] attempts to use CLI/STI :: on purpose" \
	'pvh :: ^ACPI Error: No handler or method for GPE :: Xen' >"$W/allowed"
u=$(ukerr pv "$W/guest.log" "$W/allowed")
expect_match "kernel errors: an unexpected one is named" '^xen:privcmd: No target domain found' "$u"
expect_match "kernel errors: one expected only on another cell is unexpected here" '^ACPI Error: No handler' "$u"
expect "kernel errors: the expected one is not listed, timestamps go" not grep -q 'iopl_32\|^\[' <<<"$u"
u=$(ukerr pvh "$W/guest.log" "$W/allowed")
expect "kernel errors: pvh expects the GPE line, not the iopl one" [ "$(printf '%s\n' "$u" | grep -c .)" -eq 2 ]
printf 'x ok\n' >"$W/guest2.log"
expect "kernel errors: none printed, none unexpected" [ -z "$(ukerr pv "$W/guest2.log" "$W/allowed")" ]
# Known bugs outside Linux: a failure with the bug's signature in the
# test's part of the console is an XFAIL, and that part leaves the log the
# kernel checks read; a failure without it, or a pass, stays what it is.
kbx() { bash -c '. "$1/scripts/lib.sh" && known_bug_xfails "$2" "$3" "$4" "$5"' _ "$TOP" "$@"; }
printf '%s\n' '# CELLS :: T :: RE :: WHY' 'pv,pv-debug :: x86:ldt_gdt_32 :: RIP: e030:xen_failsafe_callback\+0x0/ :: Xen bug (report)' \
	'pv :: x86:ldt_gdt_64 :: RIP: e030:xen_failsafe_callback\+0x0/ :: Xen bug' 'pv :: x86:sigreturn_64 :: never :: nothing' >"$W/bugs"
printf '%s\r\n' '# selftests: x86: ldt_gdt_32' '[  148.5] Oops: segment-related general protection fault: 0068 [#1] SMP' \
	'[  148.6] RIP: e030:xen_failsafe_callback+0x0/0x90' 'not ok 1 selftests: x86: ldt_gdt_32 # exit=139' \
	'# selftests: x86: ldt_gdt_64' '[  150.1] Oops: general protection fault, probably for non-canonical address' 'not ok 1 selftests: x86: ldt_gdt_64 # exit=139' \
	'# selftests: x86: sigreturn_64' 'ok 1 selftests: x86: sigreturn_64' 'after' >"$W/bug.log"
x=$(kbx pv "$W/bug.log" "$W/bugs" "$W/checked.log")
expect_match "known bug: the failure with its signature is an XFAIL, with the file and reason" \
	'^ok 0 selftests: x86: ldt_gdt_32 # XFAIL \(bugs\): Xen bug \(report\)$' "$x"
expect "known bug: only that one" [ "$(printf '%s\n' "$x" | grep -c .)" -eq 1 ]
expect "known bug: its oops leaves the checked log" not grep -q 'xen_failsafe_callback' "$W/checked.log"
expect "known bug: a failure without the signature stays, with its oops" grep -q 'non-canonical' "$W/checked.log"
expect "known bug: the rest of the log stays" grep -qx 'after' "$W/checked.log"
expect "known bug: not on a cell the line does not name" [ -z "$(kbx native "$W/bug.log" "$W/bugs" "$W/checked.log")" ]
expect "known bug: ... whose checked log is the whole log" grep -q 'xen_failsafe_callback' "$W/checked.log"
printf '%s\n' 'pv-debug :: x86:syscall_nt_64 :: WARNING: .* at arch/x86/include/asm/entry-common.h:[0-9]+ :: Xen DF bug' >"$W/bugs2"
printf '%s\n' '# selftests: x86: syscall_nt_64' '[  5.1] WARNING: CPU: 1 PID: 9 at arch/x86/include/asm/entry-common.h:32 do_syscall_64+0x1/0x2' \
	'ok 1 selftests: x86: syscall_nt_64' '# selftests: x86: other_64' '[  6.1] WARNING: CPU: 0 PID: 10 at mm/x.c:1 f+0x1/0x2' 'ok 2 selftests: x86: other_64' >"$W/bug2.log"
x=$(kbx pv-debug "$W/bug2.log" "$W/bugs2" "$W/checked.log")
expect "known bug: a pass with the signature stays a pass (no XFAIL line)" not grep -q XFAIL <<<"$x"
expect_match "known bug: ... and says its part left the kernel checks" '^# x86:syscall_nt_64: passed; .*left out of the kernel checks$' "$x"
expect "known bug: ... which do not see its warning" not grep -q 'entry-common' "$W/checked.log"
expect "known bug: ... but still see another test's" grep -q 'mm/x.c' "$W/checked.log"
expect "known bug: ... and its result line" grep -qx 'ok 1 selftests: x86: syscall_nt_64' "$W/checked.log"
printf 'pv :: x86:a_64 :: only three fields\n' >"$W/badbugs"
err=$(kbx pv "$W/bug.log" "$W/badbugs" "$W/checked.log" 2>&1)
expect "known bug: a bad line fails" [ $? -ne 0 ]
expect_match "known bug: ... naming the file and the line" 'badbugs:1: want CELLS :: SUITE:TEST :: REGEX :: REASON' "$err"
# Subtests: counted per test from its KTAP lines; a test that exited 0
# after failed subtests fails, a passed one names what it skipped.
printf '%s\r\n' '# selftests: breakpoints: breakpoint_test' '# 1..3' '# ok 1 Test a' '# not ok 2 Test icebp' '# not ok 3 Test int 3 trap' \
	'# # Totals: pass:1 fail:2 xfail:0 xpass:0 skip:0 error:0' 'ok 1 selftests: breakpoints: breakpoint_test' \
	'# selftests: timers: nanosleep' '# ok 1 CLOCK_REALTIME' '# ok 2 # SKIP CLOCK_TAI' '# ok 3 boot # SKIP no RTC' 'ok 2 selftests: timers: nanosleep' \
	'# selftests: xen: xen_time' '# ok 1 clocksource # SKIP "tsc"; not on Xen' '# ok 2 b' 'ok 5 selftests: xen: xen_time' \
	'# selftests: x86: a_64' '# not ok 1 b' 'not ok 3 selftests: x86: a_64 # exit=1' \
	'# selftests: x86: plain_64' 'ok 4 selftests: x86: plain_64' >"$W/sub.log"
sc=$(bash -c '. "$1/scripts/lib.sh" && subtest_counts "$2"' _ "$TOP" "$W/sub.log")
expect_match "subtests: counted, with the failed names" $'^breakpoints:breakpoint_test\tok\t1\t2\t0\tTest icebp; Test int 3 trap\t\t$' "$sc"
expect_match "subtests: skipped ones named with their reason" $'^timers:nanosleep\tok\t1\t0\t2\t\tCLOCK_TAI; boot: no RTC\t$' "$sc"
expect_match "subtests: a '; ' inside a skip reason is no separator" $'^xen:xen_time\tok\t1\t0\t1\t\tclocksource: "tsc", not on Xen\t$' "$sc"
expect "subtests: a test without subtests has no line" not grep -q plain_64 <<<"$sc"
sr=$(bash -c '. "$1/scripts/lib.sh" && subtest_results' _ "$TOP" <<<"$sc")
expect_match "subtests: exit 0 after failed subtests is a failure" \
	'^not ok 0 selftests: breakpoints: breakpoint_test # exit=0 with 2 failed subtests: Test icebp; Test int 3 trap$' "$sr"
expect_match "subtests: a pass says what it skipped" '^ok 0 selftests: timers: nanosleep # subtests: 1 passed, 2 skipped: CLOCK_TAI; boot: no RTC$' "$sr"
expect_match "subtests: a failed test keeps its reason and names its failed subtests" '^not ok 0 selftests: x86: a_64 # exit=1; 1 failed subtest: b$' "$sr"
# Expected subtest skips: a passed test's skip that no line of its cell
# (or *) expects fails it; a bad line is named.
us() { bash -c '. "$1/scripts/lib.sh" && unexpected_skips "$2" "$3"' _ "$TOP" "$@"; }
printf '%s\n' '# c' '* timers:nanosleep /^CLOCK_TAI$/ no TAI' 'pv timers:nanosleep /^boot: / no RTC' \
	'* xen:xen_time /^clocksource: "tsc", not on Xen$/ not on Xen' >"$W/skips"
expect "expected skips: all expected, nothing printed" [ -z "$(us pv "$W/skips" <<<"$sc")" ]
x=$(us native "$W/skips" <<<"$sc")
expect_match "expected skips: one not expected in this cell fails the test, named" \
	'^not ok 0 selftests: timers: nanosleep # 1 unexpected subtest skip \(skips\): boot: no RTC$' "$x"
expect "expected skips: a failed test is left alone" not grep -q 'a_64\|breakpoint' <<<"$x"
printf 'pv timers:nanosleep no slashes\n' >"$W/badskips"
err=$(us pv "$W/badskips" <<<"$sc" 2>&1)
expect_match "expected skips: a bad line is named" 'badskips:1: want CELLS SUITE:TEST /REGEX/ REASON' "$err"
# Whole tests that skip: checked against the same file by the reason they
# printed; SUITE:* covers a suite; harness "not run" skips are left alone.
ws() { bash -c '. "$1/scripts/lib.sh" && whole_skips "$2" "$3" "$4"' _ "$TOP" "$@"; }
printf '%s\n' '* x86:amx_64 /^no AMX support$/ no AMX' 'native xen:* /^not on Xen: / not on Xen' >"$W/wskips"
printf '%s\r\n' '# selftests: x86: amx_64' '# TAP version 13' '# 1..0 # SKIP no AMX support' 'ok 1 selftests: x86: amx_64 # SKIP' \
	'# selftests: xen: xen_evtchn' '# 1..0 # SKIP not on Xen: no xenbus' 'ok 2 selftests: xen: xen_evtchn # SKIP' \
	'# selftests: x86: lam_64' '# Unsupported LAM feature!' 'ok 3 selftests: x86: lam_64 # SKIP' \
	'ok 4 selftests: rseq: param_test # SKIP not run (slow-tests.txt): slow' \
	'# selftests: x86: ok_64' '# ok 1 # SKIP a subtest' '# ok 2 b' 'ok 5 selftests: x86: ok_64' >"$W/ws.log"
x=$(ws native "$W/wskips" "$W/ws.log")
expect_match "whole skips: an expected one keeps its reason" '^ok 0 selftests: x86: amx_64 # SKIP no AMX support$' "$x"
expect_match "whole skips: SUITE:* matches every test of the suite" '^ok 0 selftests: xen: xen_evtchn # SKIP not on Xen: no xenbus$' "$x"
expect_match "whole skips: one not listed fails, with the last line it printed" \
	'^not ok 0 selftests: x86: lam_64 # unexpected skip \(wskips\): Unsupported LAM feature!$' "$x"
expect "whole skips: harness skips and passed tests get no line" [ "$(printf '%s\n' "$x" | grep -c .)" -eq 3 ]
x=$(ws pv "$W/wskips" "$W/ws.log")
expect_match "whole skips: another cell's entry is not used" '^not ok 0 selftests: xen: xen_evtchn # unexpected skip' "$x"
err=$(ws pv "$W/badskips" "$W/ws.log" 2>&1) && rc=0 || rc=$?
expect_match "whole skips: a bad line is named" 'badskips:1: want CELLS SUITE:TEST /REGEX/ REASON' "$err"
expect "whole skips: a bad line fails" [ "$rc" -ne 0 ]
# scripts/kcc: ccache for C, plain gcc for assembler and for C with .incbin.
mkdir -p "$W/kccbin"
printf '#!/bin/sh\necho ccache "$@"\n' >"$W/kccbin/ccache"
printf '#!/bin/sh\necho gcc "$@"\n' >"$W/kccbin/gcc"
chmod +x "$W/kccbin/ccache" "$W/kccbin/gcc"
printf 'int x;\n' >"$W/plain.c"
printf 'asm(".incbin \\"data.gz\\"");\n' >"$W/bin.c"
kcc() { PATH="$W/kccbin:$PATH" "$TOP/scripts/kcc" "$@"; }
expect_match "kcc: a C file goes through ccache" '^ccache gcc -c -o plain.o ' "$(kcc -c -o plain.o "$W/plain.c")"
expect_match "kcc: an assembler file does not (.incbin: piggy.S)" '^gcc -D__ASSEMBLY__ -c ' "$(kcc -D__ASSEMBLY__ -c "$W/piggy.S")"
expect_match "kcc: nor a C file with a .incbin (kernel/configs.c)" '^gcc -c ' "$(kcc -c "$W/bin.c")"
# Known failures are run: a failure is an XFAIL, a pass an XPASS, a skip
# or no result nothing; only the cell's entries count.
kfr() { bash -c '. "$1/scripts/lib.sh" && known_failure_results "$2" "$3" "$4"' _ "$TOP" "$@"; }
printf '%s\n' '# cells test reason' 'pv,native x86:mov_ss_trap_64 SIGSEGV under TCG' 'pv ptrace:vmaccess attach times out' \
	'pv timers:posix_timers three checks fail' 'pv mm:vmtests-thp no THP' 'native x86:fsgsbase_64 flaky' >"$W/kfail"
printf '%s\r\n' '# selftests: x86: mov_ss_trap_64' 'not ok 3 selftests: x86: mov_ss_trap_64 # exit=139' \
	'not ok 4 selftests: ptrace: vmaccess # TIMEOUT 45 seconds' 'ok 5 selftests: timers: posix_timers' \
	'ok 6 selftests: mm: vmtests-thp # SKIP' 'not ok 7 selftests: x86: fsgsbase_64 # exit=1' >"$W/kf.log"
x=$(kfr pv "$W/kf.log" "$W/kfail")
expect_match "known failure: a failure is an XFAIL, with the file and reason" \
	'^ok 0 selftests: x86: mov_ss_trap_64 # XFAIL \(kfail\): SIGSEGV under TCG$' "$x"
expect_match "known failure: a time-out too" '^ok 0 selftests: ptrace: vmaccess # XFAIL \(kfail\): attach times out$' "$x"
expect_match "known failure: a pass is an XPASS: the entry can go" \
	'^ok 0 selftests: timers: posix_timers # XPASS \(kfail\): passed, the entry can go: three checks fail$' "$x"
expect "known failure: a skip stays a skip, another cell's entry is not used" [ "$(printf '%s\n' "$x" | grep -c .)" -eq 3 ]
expect "known failure: a test without a result gets no line (it stays missing)" \
	[ -z "$(printf 'ok 1 selftests: x86: other_64\n' | kfr pv /dev/stdin "$W/kfail")" ]
printf '%s\n' 'pv breakpoints:breakpoint_test /failed subtests?: Test icebp$/ QEMU TCG has no ICEBP' >"$W/kfsig"
x=$(printf 'not ok 0 selftests: breakpoints: breakpoint_test # exit=0 with 1 failed subtest: Test icebp\n' | kfr pv /dev/stdin "$W/kfsig")
expect_match "known failure with a signature: a failure that matches it is an XFAIL, the reason without it" \
	'^ok 0 selftests: breakpoints: breakpoint_test # XFAIL \(kfsig\): QEMU TCG has no ICEBP$' "$x"
x=$(printf 'not ok 0 selftests: breakpoints: breakpoint_test # exit=0 with 2 failed subtests: Test icebp; Test x\n' | kfr pv /dev/stdin "$W/kfsig")
expect "known failure with a signature: another failure stays a failure" [ -z "$x" ]
err=$(kfr pv "$W/kf.log" "$W/nosuch" 2>&1)
expect_match "known failure: a missing file is named" 'KNOWN_FAILURES: no such file: .*/nosuch' "$err"
# kselftest_fragment: =m becomes =y, CONFIG_TEST_*=m goes, one line per
# symbol (the last suite's value).
mkdir -p "$W/kf/tools/testing/selftests/a" "$W/kf/tools/testing/selftests/b"
printf 'CONFIG_X=y\nCONFIG_Y=m\n# a comment\nCONFIG_TEST_Z=m\n' >"$W/kf/tools/testing/selftests/a/config"
printf 'CONFIG_X=y\n# CONFIG_Y is not set\nCONFIG_W=y\n' >"$W/kf/tools/testing/selftests/b/config"
kf=$(bash -c '. "$1/scripts/lib.sh" && kselftest_fragment "$2" "a b"' _ "$TOP" "$W/kf")
expect "kselftest_fragment: one line per symbol, the last value" [ "$kf" = "$(printf 'CONFIG_X=y\n# CONFIG_Y is not set\nCONFIG_W=y')" ]
# speed-limits: a test is not run on a host slower than its limit.
sl() { bash -c '. "$1/scripts/lib.sh" && speed_limited "$2" "$3" "$4" "$5"' _ "$TOP" "$@"; }
printf '%s\n' '# c' 'pv,pvh timers:mqueue-lat 200 fixed 40 ms bound' 'native x:y 50 z' >"$W/limits"
expect_match "speed_limited: slower than the limit: skipped, with factor, limit and reason" \
	'^\(limits\): host speed factor 277 above this test.s limit 200: fixed 40 ms bound$' "$(sl pv timers:mqueue-lat 277 "$W/limits")"
expect "speed_limited: at the limit: run" [ -z "$(sl pv timers:mqueue-lat 200 "$W/limits")" ]
expect "speed_limited: another cell: run" [ -z "$(sl native timers:mqueue-lat 900 "$W/limits")" ]
expect "speed_limited: no file given: run" [ -z "$(sl pv timers:mqueue-lat 900 "")" ]
expect "speed_limited: a missing file is an error" not sl pv timers:mqueue-lat 900 "$W/nope"
expect "the shipped speed-limits.txt parses" sl pv timers:mqueue-lat 100 "$TOP/speed-limits.txt"
expect_match "the shipped speed-limits.txt gates mqueue-lat on pv" 'limit' "$(sl pv timers:mqueue-lat 999 "$TOP/speed-limits.txt")"
# cpu_limit refuses what is not a number of CPUs, before touching cgroups.
cl() { bash -c '. "$1/scripts/lib.sh" && cpu_limit "$2"' _ "$TOP" "$1" 2>&1; }
expect_match "cpu_limit: a bad value is refused, naming it" 'FRESH_CPUS=fast: a number of CPUs greater than 0' "$(cl fast)"
expect_match "cpu_limit: zero is refused" 'FRESH_CPUS=0: a number' "$(cl 0)"
# kernel_splat: the kernel's warnings and its checkers' reports.
ks() { printf '%s\n' "$@" >"$W/console"; bash -c '. "$1/scripts/lib.sh" && kernel_splat "$2"' _ "$TOP" "$W/console"; }
expect "kernel_splat: a clean log" [ -z "$(ks '[    1.0] Linux version 6.12' '# WARNING: a test said so' 'ok 1 selftests: x86: a')" ]
expect_match "kernel_splat: a WARN" 'WARNING: CPU: 1 PID' "$(ks 'x' '[    2.0] WARNING: CPU: 1 PID: 9 at mm/x.c:1 f+0x1/0x2')"
expect_match "kernel_splat: lockdep" 'possible circular locking' "$(ks '[    2.0] WARNING: possible circular locking dependency detected')"
expect_match "kernel_splat: UBSAN" 'UBSAN: shift-out-of-bounds' "$(ks '[    2.0] UBSAN: shift-out-of-bounds in arch/x86/xen/a.c:1:2')"
expect_match "kernel_splat: KFENCE" 'BUG: KFENCE' "$(ks '[    2.0] BUG: KFENCE: use-after-free read in f+0x1/0x2')"
expect_match "kernel_splat: a hung task" 'INFO: task' "$(ks '[  300.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.')"
# Disk space: a stage that would not fit stops at once, naming what and
# where; a failure from a full disk says so.
dn() { DISK_NEEDS=$W/needs bash -c '. "$1/scripts/lib.sh" && disk_need "$2" "$3"' _ "$TOP" "$@" 2>&1; }
printf '%s\n' '# name MiB' 'small 1' 'huge 999999999' >"$W/needs"
expect "disk_need: room enough" dn small "$W/nonexistent/sub/dir"
expect_match "disk_need: not enough: names the stage, the place, free and needed MiB" \
	"^error: not enough disk space for huge: [0-9]+ MiB free where $W/x is, it needs about 999999999 MiB" "$(dn huge "$W/x")"
expect "disk_need: DISK_CHECK=no does not look" env DISK_CHECK=no DISK_NEEDS=$W/needs bash -c '. "$1/scripts/lib.sh" && disk_need huge /' _ "$TOP"
expect_match "disk_need: an unknown stage is an error" "no entry 'nope'" "$(dn nope /)"
for n in tree kernel-build kernel-rebuild dom0-image domu-image fresh-root fresh-check cell; do
	expect "disk-needs.txt gives $n" bash -c '. "$1/scripts/lib.sh" && disk_needs "$2"' _ "$TOP" "$n"
done
printf 'Unpacking x\ndpkg: error: failed to write status database: No space left on device\n' >"$W/full.log"
expect_match "disk_why: a log of a full disk" '^: the disk is full \([0-9]+ MiB free where /tmp is\): dpkg: error' \
	"$(bash -c '. "$1/scripts/lib.sh" && disk_why "$2" /tmp' _ "$TOP" "$W/full.log")"
expect "disk_why: another failure: nothing" [ -z "$(bash -c '. "$1/scripts/lib.sh" && disk_why "$2" /tmp' _ "$TOP" "$W/needs")" ]
# cache_prune: old entries of a kind go, the current one, recent ones and
# locked ones stay.
C=$W/pcache
mkdir -p "$C/images/dom0-old" "$C/images/dom0-cur" "$C/images/dom0-recent" "$C/images/dom0-held" "$C/images/domu-old"
: >"$C/fresh-root-old.tar"
touch -d '10 days ago' "$C/images/dom0-old" "$C/images/dom0-cur" "$C/images/dom0-held" "$C/images/domu-old" "$C/fresh-root-old.tar"
mkdir -p "$C/locks"
(exec 8>"$C/locks/dom0-held.lock"; flock 8; sleep 3) &
sleep 0.5
CACHE=$C bash -c '. "$1/scripts/lib.sh" && cache_prune dom0 cur && cache_prune fresh-root new' _ "$TOP" 2>"$W/prune.err"
wait
expect "cache_prune: an entry unused for 10 days goes" [ ! -e "$C/images/dom0-old" ]
expect "cache_prune: the current key stays, however old" [ -d "$C/images/dom0-cur" ]
expect "cache_prune: a recently used entry stays" [ -d "$C/images/dom0-recent" ]
expect "cache_prune: an entry another run holds stays" [ -d "$C/images/dom0-held" ]
expect "cache_prune: another kind's entries stay" [ -d "$C/images/domu-old" ]
expect "cache_prune: an old fresh-root tarball goes" [ ! -e "$C/fresh-root-old.tar" ]
expect_match "cache_prune: says what it removed" 'removed .*/dom0-old from the cache' "$(cat "$W/prune.err")"
expect_match "cache_prune: a bad CACHE_KEEP_DAYS is refused" 'CACHE_KEEP_DAYS=soon' \
	"$(CACHE=$C CACHE_KEEP_DAYS=soon bash -c '. "$1/scripts/lib.sh" && cache_prune dom0 cur' _ "$TOP" 2>&1)"
finish
