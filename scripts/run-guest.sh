#!/usr/bin/env bash
# Boot the built kernel as a Xen domU of GUEST_TYPE with the Debian
# userspace, run the kselftests in it and report.
#
#   scripts/run-guest.sh FLAVOUR GUEST_TYPE
#
# Environment: SUITES (kselftest collections) or TESTS ("suite:test ..."),
# RUN_DIR, DOMU_CMDLINE_EXTRA, and what boot.sh takes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
not() { ! "$@"; }
[ $# -eq 2 ] || die "usage: scripts/run-guest.sh FLAVOUR GUEST_TYPE"
FLAVOUR=$1 GUEST_TYPE=$2
export GUEST_TYPE
O=$OUT/build/$FLAVOUR
kernel=$O/arch/x86/boot/bzImage
kst=$O/kselftest_install
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make kernel' first"
[ -x "$kst/run_kselftest.sh" ] || die "no kselftests in $kst: run 'make kselftest' first"
RUN_DIR=${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}/$GUEST_TYPE
export RUN_DIR
mkdir -p "$RUN_DIR"

t0=$(now)
stage "images: Xen, dom0, domU userspace"
d0=$("$TOP/scripts/mk-dom0.sh")
du=$("$TOP/scripts/mk-domu.sh")

# Which tests: TESTS (suite:test words) or every test of SUITES.
args=() expected=$RUN_DIR/expected.txt
if [ -n "${TESTS:-}" ]; then
	for t in $TESTS; do
		grep -qx "$t" "$kst/kselftest-list.txt" || die "TESTS: $t is not in the built kselftests ($kst/kselftest-list.txt)"
		args+=(-t "$t")
	done
	printf '%s\n' $TESTS >"$expected"
else
	: >"$expected"
	for s in $SUITES; do
		grep -q "^$s:" "$kst/kselftest-list.txt" || die "SUITES: no test of suite $s was built (see $kst/kselftest-list.txt)"
		args+=(-c "$s")
		grep "^$s:" "$kst/kselftest-list.txt" >>"$expected"
	done
fi
[ -n "${KSELFTEST_ARGS+x}" ] || KSELFTEST_ARGS="${args[*]}"
export KSELFTEST_ARGS
stage "domU disk: $(wc -l <"$expected") tests ($KSELFTEST_ARGS)"
mkdir -p "$OUT/work"
disk=$OUT/work/domu-$GUEST_TYPE.img
"$TOP/scripts/mk-rundisk.sh" "$du" "$kst" "$disk"
t1=$(now)
stage "boot: Xen + dom0 under QEMU, $GUEST_TYPE domU ($(cat "$O/include/config/kernel.release"))"
"$TOP/scripts/boot.sh" "$d0" "$kernel" "$disk"
t2=$(now)

# Checks the host makes on the guest's behaviour, reported like kselftests.
checks=$RUN_DIR/harness-checks.log
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
check poweroff-not-halt "guest printed: $(grep -m1 -o 'Power off not available.*' "$RUN_DIR/guest.log")" \
	not grep -q 'Power off not available' "$RUN_DIR/guest.log"
check shutdown-reason-poweroff "Xen recorded shutdown reason: $(cat "$RUN_DIR/domu-shutdown-reason")" \
	grep -qx poweroff "$RUN_DIR/domu-shutdown-reason"

printf 'times: images+disk %d s, boot-to-summary %d s\n' $((t1 - t0)) $((t2 - t1)) | tee "$RUN_DIR/times.txt"
grep '^PVCI-DOMU: dmesg-err: ' "$RUN_DIR/guest.log" | sed 's/^PVCI-DOMU: //' || true
stage "results ($GUEST_TYPE domU)"
rc=0
cat "$RUN_DIR/guest.log" "$checks" >"$RUN_DIR/results.log"
"$TOP/scripts/report.sh" "$RUN_DIR/results.log" "$expected" "$GUEST_TYPE:" | tee "$RUN_DIR/summary.txt" || rc=1
exit $rc
