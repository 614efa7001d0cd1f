#!/usr/bin/env bash
# Boot the built kernel natively under QEMU or as a Xen domU of GUEST_TYPE
# (native, pv, pvh) with the Debian userspace, run the kselftests in it
# and report. scripts/run-cell.sh calls it with the facts of a cell.
#
#   scripts/run-guest.sh FLAVOUR GUEST_TYPE
#
# Environment: CELL (the cell's name: its directory and the summary's
# label; default GUEST_TYPE), DOMU_ARCH (amd64, i386), SUITES (kselftest
# collections) and TESTS ("suite:test ..."), LIFECYCLE_OPS, KSELFTEST_DIR
# (the installed kselftests; default the flavour's), NOT_RUN (files
# listing tests not to run, with reasons), KNOWN_FAILURES (the tests
# expected to fail: run, a failure is an XFAIL and a pass an XPASS; default
# known-failures.txt), XEN_BUGS, RUN_DIR (the run; the cell's
# directory is CELL_DIR, default RUN_DIR/CELL), DOMU_CMDLINE_EXTRA,
# DEBIAN_KERNEL (boot Debian's kernel package of that ABI instead),
# SUMMARY_LABEL (default the cell), and what boot.sh takes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
not() { ! "$@"; }
[ $# -eq 2 ] || die "usage: scripts/run-guest.sh FLAVOUR GUEST_TYPE"
FLAVOUR=$1 GUEST_TYPE=$2
CELL=${CELL:-$GUEST_TYPE}
DOMU_ARCH=${DOMU_ARCH:-amd64}
export GUEST_TYPE LIFECYCLE_OPS DOMU_ARCH
O=$(build_dir "$FLAVOUR")
kernel=$O/arch/x86/boot/bzImage
release=$O/include/config/kernel.release
# DEBIAN_KERNEL=ABI: Debian's kernel package of that ABI instead, with an
# initramfs for its modular frontends (scripts/debian-kernel.sh), to
# calibrate a test on a kernel that has the bug it is for.
if [ -n "${DEBIAN_KERNEL:-}" ]; then
	[ "$GUEST_TYPE" != native ] || die "DEBIAN_KERNEL=$DEBIAN_KERNEL: only for a Xen guest (pv, pvh), not native"
	dk=$("$TOP/scripts/debian-kernel.sh" "$DEBIAN_KERNEL")
	kernel=$dk/vmlinuz release=$dk/kernel-release
	DOMU_RAMDISK=$dk/initrd.cpio
	export DOMU_RAMDISK
fi
kst=${KSELFTEST_DIR:-$O/kselftest_install}
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel' first"
[ -f "$kst/kselftest-list.txt" ] || die "no kselftests in $kst: run 'make kselftest' first"
CELL_DIR=${CELL_DIR:-${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}/$CELL}
export CELL_DIR
mkdir -p "$CELL_DIR"
# Every time limit below, in boot.sh, in dom0 and in the guest is scaled by
# the host's measured speed (lib.sh: speed_pct).
SPEED_PCT=$(speed_pct)
export SPEED_PCT
echo "$SPEED_PCT" >"$CELL_DIR/speed-pct"
stage "host speed: time limits x$((SPEED_PCT / 100)).$(printf '%02d' $((SPEED_PCT % 100))) (SPEED_PCT=$SPEED_PCT; 100 = the reference machine)"

t0=$(now)
if [ "$GUEST_TYPE" = native ]; then
	stage "images: guest userspace"
	d0=-
else
	stage "images: Xen, dom0, domU userspace"
	d0=$("$TOP/scripts/mk-dom0.sh")
fi
du=$("$TOP/scripts/mk-domu.sh")

# Which tests: every test of SUITES, then the single tests in TESTS
# ("suite:test"), in that order.
expected=$CELL_DIR/expected.txt
: >"$expected"
for s in ${SUITES:-}; do
	grep "^$s:" "$kst/kselftest-list.txt" >>"$expected" ||
		die "SUITES: no test of suite $s was built (see $kst/kselftest-list.txt)"
done
# "mm:vmtests-CATEGORY" is one category of mm's run_vmtests.sh (see pvci-run).
for t in ${TESTS:-}; do
	case $t in mm:vmtests-?*) b=mm:run_vmtests.sh ;; *) b=$t ;; esac
	grep -qx "$b" "$kst/kselftest-list.txt" || die "TESTS: $t is not in the built kselftests ($b not in $kst/kselftest-list.txt)"
	grep -qx "$t" "$expected" || echo "$t" >>"$expected"
done
# Tests listed for this cell (the first field: one cell, or several
# separated by commas) in the files named in NOT_RUN (e.g.
# slow-tests.txt) are not run: they are reported as
# skipped with the file's name and the reason written there. So are the
# tests of speed-limits.txt when this host is slower than their limit.
# A lifecycle operation listed there as lifecycle:OP is left out of
# LIFECYCLE_OPS the same way.
notrun=$CELL_DIR/not-run.log
: >"$notrun"
not_run_why() { # NAME: "(FILE): REASON" when NOT_RUN lists NAME for CELL
	awk -v g="$CELL" -v t="$1" '$2 == t && index("," $1 ",", "," g ",") { f = FILENAME; sub(/.*\//, "", f); $1 = $2 = ""; sub(/^ +/, ""); print "(" f "): " $0; exit }' \
		${NOT_RUN:-} /dev/null 2>/dev/null
}
ops=
for op in ${LIFECYCLE_OPS:-}; do
	why=$(not_run_why "lifecycle:$op")
	# The driver domain boots the domU's kernel with no modules; a
	# Debian kernel has netback as one.
	case $op:${DEBIAN_KERNEL:+debian} in driver-domain*:debian)
		why="(DEBIAN_KERNEL): the driver domain boots the domU's kernel without modules, and Debian's builds netback as one" ;;
	esac
	if [ -n "$why" ]; then
		echo "ok 0 selftests: lifecycle: $op # SKIP not run $why" >>"$notrun"
		echo "lifecycle:$op" >>"$expected"
	else
		ops="$ops${ops:+ }$op"
	fi
done
LIFECYCLE_OPS=$ops
run_list=$(while read -r t; do
	case $t in lifecycle:*) continue ;; esac
	why=$(not_run_why "$t")
	[ -n "$why" ] || why=$(speed_limited "$CELL" "$t" "$SPEED_PCT" "${SPEED_LIMITS-$TOP/speed-limits.txt}")
	if [ -n "$why" ]; then
		echo "ok 0 selftests: ${t%%:*}: ${t#*:} # SKIP not run $why" >>"$notrun"
	else
		echo "$t"
	fi
done <"$expected")
[ -n "${KSELFTEST_TESTS+x}" ] || KSELFTEST_TESTS=$(echo $run_list)
# KSELFTEST_TIMEOUT: each test's own limit, scaled to this host here;
# TESTS_TIMEOUT: the tests stage's, which grows with the number of tests
# (boot.sh scales it with the other stages' limits).
KSELFTEST_TIMEOUT=$(scaled "${KSELFTEST_TIMEOUT:-300}")
export KSELFTEST_TESTS KSELFTEST_TIMEOUT
export TESTS_TIMEOUT=${TESTS_TIMEOUT:-$((900 + 30 * $(echo $KSELFTEST_TESTS | wc -w) + 300 * $(echo $LIFECYCLE_OPS | wc -w)))}
lists=$(for f in ${NOT_RUN:-} ${SPEED_LIMITS-$TOP/speed-limits.txt}; do basename "$f"; done | xargs)
nlc=$(grep -c '^ok 0 selftests: lifecycle: ' "$notrun" || true) # 0 and exit 1 when none
stage "domU disk: $(echo $KSELFTEST_TESTS | wc -w) of $(($(wc -l <"$expected") - nlc)) tests to run ($(($(wc -l <"$notrun") - nlc)) not run: listed in ${lists:-nothing}); $(echo $LIFECYCLE_OPS | wc -w) lifecycle operations ($nlc not run)"
mkdir -p "$OUT/work"
disk=$OUT/work/domu-$CELL.img
rm -f "$disk"
disk_need cell "$OUT"
"$TOP/scripts/mk-rundisk.sh" "$du" "$kst" "$disk"
t1=$(now)
cp "$release" "$CELL_DIR/kernel-release"
if [ "$GUEST_TYPE" = native ]; then
	stage "boot: QEMU, native ($(cat "$release"))"
else
	stage "boot: Xen + dom0 under QEMU, $GUEST_TYPE domU ($(cat "$release"))"
fi
# A boot that failed after the guest came up (a stage timed out or
# stalled, the guest froze or panicked) is still reported from what the
# guest printed: the tests that ended have their results, the rest are
# missing, and harness:boot-stages fails naming the stage.
boot_rc=0
"$TOP/scripts/boot.sh" "$d0" "$kernel" "$disk" || boot_rc=$?
t2=$(now)
[ $boot_rc = 0 ] || grep -q 'PVCI-DOMU: stage userspace-up' "$CELL_DIR/guest.log" 2>/dev/null || exit $boot_rc

# Failed tests that are a known bug outside Linux (xen-bugs.txt: the bug's
# signature on the console) become expected failures (XFAIL); what the
# kernel printed during them is left out of the kernel checks below.
# XEN_BUGS= (empty): none.
# checked: the console the kernel checks read.
xfails=$CELL_DIR/xfail.log bugs=${XEN_BUGS-$TOP/xen-bugs.txt} checked=$CELL_DIR/guest.log
: >"$xfails"
if [ -n "$bugs" ]; then
	checked=$CELL_DIR/guest-checked.log
	known_bug_xfails "$CELL" "$CELL_DIR/guest.log" "$bugs" "$checked" >"$xfails" ||
		die "XEN_BUGS: $bugs has a bad line (above)"
fi
! grep -q "^ok 0" "$xfails" || warn "expected failures (a known bug outside Linux): $(sed -n 's/^ok 0 selftests: \(.*\) # XFAIL.*/\1/p' "$xfails" | xargs)"
grep "^# .*: passed; " "$xfails" | sed "s/^# /note: /" >&2 || true
# Subtests: a test that exits 0 after failed subtests fails; a passed one
# says how many and which subtests it skipped (subtests.tsv: the counts).
# A skipped subtest that EXPECTED_SKIPS (default expected-skips.txt) does
# not expect for this cell fails its test; EXPECTED_SKIPS= (empty): none.
subtests=$CELL_DIR/subtests.log
subtest_counts "$CELL_DIR/guest.log" >"$CELL_DIR/subtests.tsv"
subtest_results <"$CELL_DIR/subtests.tsv" >"$subtests"
es=${EXPECTED_SKIPS-$TOP/expected-skips.txt}
wskips=$CELL_DIR/whole-skips.log
: >"$wskips"
if [ -n "$es" ]; then
	unexpected_skips "$CELL" "$es" <"$CELL_DIR/subtests.tsv" >>"$subtests" ||
		die "EXPECTED_SKIPS: $es has a bad line (above)"
	# Whole tests that skipped: the same list, matched against the reason
	# the test gave; the summary shows that reason.
	whole_skips "$CELL" "$es" "$CELL_DIR/guest.log" >"$wskips" ||
		die "EXPECTED_SKIPS: $es has a bad line (above)"
fi
# Known failures (KNOWN_FAILURES, default known-failures.txt) were run:
# a failure is expected (XFAIL), a pass (XPASS) says the entry can go.
# KNOWN_FAILURES= (empty): none.
kfails=$CELL_DIR/known-failures.log kf=${KNOWN_FAILURES-$TOP/known-failures.txt}
: >"$kfails"
[ -z "$kf" ] || cat "$CELL_DIR/guest.log" "$xfails" "$subtests" | known_failure_results "$CELL" /dev/stdin "$kf" >"$kfails"
if grep -q ' # XPASS' "$kfails"; then
	warn "passed, though ${kf##*/} lists them as failing here (the entries can go): $(sed -n 's/^ok 0 selftests: \(.*\) # XPASS.*/\1/p' "$kfails" | sed 's/: /:/' | xargs)"
fi

# Checks the host makes on the guest's behaviour, reported like kselftests.
checks=$CELL_DIR/harness-checks.log
: >"$checks"
n=0
check() { # NAME WHY-IF-FAILED COMMAND...
	local name=$1 why=$2
	shift 2
	n=$((n + 1))
	echo "harness:$name" >>"$expected"
	if "$@"; then
		echo "ok $n selftests: harness: $name" >>"$checks"
	else
		echo "not ok $n selftests: harness: $name # $why" >>"$checks"
	fi
}
# reboot(2) POWER_OFF must power off, not fall back to halt, and Xen must
# record the domain's shutdown reason as poweroff.
check poweroff-not-halt "guest printed: $(grep -m1 -o 'Power off not available.*' "$CELL_DIR/guest.log")" \
	not grep -q 'Power off not available' "$CELL_DIR/guest.log"
check boot-stages "$(grep -a '^FAIL: stage' "$CELL_DIR/stages.log" 2>/dev/null | tail -n 1) (scripts/boot.sh exit $boot_rc)" [ $boot_rc = 0 ]
check shutdown-reason-poweroff "shutdown reason recorded (by Xen, or QEMU exiting natively): $(cat "$CELL_DIR/domu-shutdown-reason" 2>/dev/null || echo none)" \
	grep -qsx poweroff "$CELL_DIR/domu-shutdown-reason"

# The guest must see every vCPU it was given, from boot (users reported
# PV domUs built without CONFIG_X86_MPPARSE, as ours are, coming up with
# one).
seen=$(sed -n 's/^PVCI-DOMU: cpus-at-boot count=\([0-9]*\) .*/\1/p' "$CELL_DIR/guest.log" | head -n 1)
check vcpus-at-boot "the guest saw ${seen:-no} CPUs at boot, it was given ${DOMU_VCPUS:-2}" [ "${seen:-0}" = "${DOMU_VCPUS:-2}" ]
# The kernel must not warn, oops or lock up during the run, nor report
# what its checkers find in a debug kernel (x86_64-debug): lockdep and
# RCU-lockdep ("WARNING: possible circular locking dependency", ...),
# UBSAN, KASAN, KFENCE ("BUG: KFENCE: ..."), the hung task detector.
splat=$(kernel_splat "$checked")
check no-kernel-warn-bug-oops "guest console: $splat" [ -z "$splat" ]
# Error-level kernel messages: only those kernel-errors-allowed.txt
# expects for this cell (KERNEL_ERRORS_ALLOWED= another file).
unexpected=$(unexpected_kernel_errors "$CELL" "$CELL_DIR/guest.log" "${KERNEL_ERRORS_ALLOWED:-$TOP/kernel-errors-allowed.txt}")
check no-unexpected-kernel-errors "$(printf '%s\n' "$unexpected" | grep -c .) error-level kernel message(s) not in kernel-errors-allowed.txt, the first: $(printf '%s\n' "$unexpected" | head -n 1)" \
	[ -z "$unexpected" ]
# Lifecycle operations (LIFECYCLE_OPS): the guest reports what it saw as
# lifecycle:OP; dom0 what xl saw, as lifecycle-dom0:OP.
dom0_all_ok() { [ -n "$1" ] && ! grep -q ' fail: ' <<<"$1"; }
# xl shutdown: the guest cannot report after it; what it printed on the
# console after asking for it must end with the kernel powering off.
case " ${LIFECYCLE_OPS:-} " in *" shutdown "*)
	if sed -n '/PVCI-DOMU: lc-request shutdown/,$p' "$CELL_DIR/guest.log" | grep -c 'reboot: Power down' >/dev/null; then
		echo "ok 0 selftests: lifecycle: shutdown" >>"$checks"
	else
		echo "not ok 0 selftests: lifecycle: shutdown # no 'reboot: Power down' on the guest console after it asked for xl shutdown" >>"$checks"
	fi ;;
esac
# dom0's lines of OP: a line belongs to the longest operation its step
# name is or starts with followed by "-" (driver-domain-end is
# driver-domain's, driver-domain-reattach-end driver-domain-reattach's).
dom0_lines() { # OP
	awk -v op="$1" -v ops="${LIFECYCLE_OPS:-}" 'BEGIN { n = split(ops, o, " ") }
		/^PVCI: lc-dom0 / {
			best = ""
			for (i = 1; i <= n; i++)
				if (($3 == o[i] || index($3, o[i] "-") == 1) && length(o[i]) > length(best))
					best = o[i]
			if (best == op)
				print
		}' "$CELL_DIR/dom0.log" 2>/dev/null || true
}
for op in $(printf '%s\n' ${LIFECYCLE_OPS:-} | awk '!seen[$0]++'); do
	echo "lifecycle:$op" >>"$expected"
	d=$(dom0_lines "$op")
	f=$(grep -m1 ' fail: ' <<<"$d" || true)
	check "lifecycle-dom0-$op" "${f:-${d:-no lc-dom0 $op line in dom0.log}}" dom0_all_ok "$d"
done

printf 'times: images+disk %d s, boot-to-summary %d s\n' $((t1 - t0)) $((t2 - t1)) | tee "$CELL_DIR/times.txt" >&2
grep '^PVCI-DOMU: dmesg-err: ' "$CELL_DIR/guest.log" | sed 's/^PVCI-DOMU: //' >&2 || true
stage "results ($CELL $([ "$GUEST_TYPE" = native ] && echo guest || echo domU))"
rc=0
# Order matters: a later line replaces an earlier one (report.sh), so a
# known bug's XFAIL (xfails) comes after the failed-subtests line it
# explains (subtests).
cat "$CELL_DIR/guest.log" "$notrun" "$subtests" "$xfails" "$kfails" "$wskips" "$checks" >"$CELL_DIR/results.log"
sed -n -e 's/^PVCI-DOMU: time \([^ ]*\) \([0-9]*\) s$/\1 \2/p' \
	-e 's/^PVCI-DOMU: lc-time \([^ ]*\) \([0-9]*\) s$/lifecycle:\1 \2/p' "$CELL_DIR/guest.log" >"$CELL_DIR/test-times.txt"
SUBTESTS=$CELL_DIR/subtests.tsv "$TOP/scripts/report.sh" "$CELL_DIR/results.log" "$expected" "${SUMMARY_LABEL:-$CELL}:" | tee "$CELL_DIR/summary.txt" || rc=1
# For machines: results.json and junit.xml beside the summary.
"$TOP/scripts/cell-results.sh" "$CELL_DIR" "${SUMMARY_LABEL:-$CELL}" || warn "no results.json for $CELL_DIR"
exit $rc
