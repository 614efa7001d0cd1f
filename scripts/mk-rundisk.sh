#!/usr/bin/env bash
# Make this run's domU root disk: the cached Debian userspace plus the
# kselftests of this tree and the harness's test unit, as a raw ext4 image.
#
#   scripts/mk-rundisk.sh DOMU_IMG_DIR KSELFTEST_DIR IMAGE
#
# Environment: KSELFTEST_TESTS ("suite:test ..." to run in the guest, in
# order; empty: none), KSELFTEST_TIMEOUT (per-test timeout, s),
# POWEROFF_CMD (how the guest powers off), BENCH ("benchmark ..." for
# pvbench to run, make bench), BENCH_BIN (pvbench), BENCH_REPS,
# BENCH_TRACE (1: count hypercalls with dom0's xentrace),
# XEN_FUZZ_SECONDS and XEN_FUZZ_SEED (xen:xen_fuzz's; empty: its own).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die "usage: scripts/mk-rundisk.sh DOMU_IMG_DIR KSELFTEST_DIR IMAGE"
base=$1/rootfs KST=$2 IMG=$3
[ -d "$base" ] || die "no domU rootfs in $1"
need mkfs.ext4:e2fsprogs
stage=$(dirname "$IMG")/domu-stage
rm -rf "$stage"
# Hard links: only new files are added below, the cached tree is not written.
cp -al "$base" "$stage"
mkdir -p "$stage/opt" "$stage/etc/pvci" "$stage/usr/local/sbin"
[ -d "$KST" ] && cp -a "$KST" "$stage/opt/kselftest"
install -m 0755 "$TOP/scripts/pvci-run" "$stage/usr/local/sbin/pvci-run"
# The preempt-storm operation's thread storm (bench/pvstorm.c).
case " ${LIFECYCLE_OPS:-} " in *" preempt-storm "*)
	need gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
	gcc -O2 -Wall -static -pthread -o "$stage/usr/local/bin/pvstorm" "$TOP/bench/pvstorm.c" ||
		die "cannot build bench/pvstorm.c" ;;
esac
if [ -n "${BENCH:-}" ]; then
	[ -x "${BENCH_BIN:-}" ] || die "BENCH needs the pvbench program in BENCH_BIN (${BENCH_BIN:-unset})"
	install -m 0755 "$BENCH_BIN" "$stage/usr/local/bin/pvbench"
fi
{
	printf 'KSELFTEST_TESTS=%q\n' "${KSELFTEST_TESTS:-}"
	printf 'KSELFTEST_TIMEOUT=%q\n' "${KSELFTEST_TIMEOUT:-}"
	printf 'SPEED_PCT=%q\n' "${SPEED_PCT:-100}"
	printf 'POWEROFF_CMD=%q\n' "${POWEROFF_CMD:-systemctl poweroff}"
	printf 'LIFECYCLE_OPS=%q\n' "${LIFECYCLE_OPS:-}"
	printf 'LC_SAVE_ROUNDS=%q\n' "${LC_SAVE_ROUNDS:-}"
	printf 'LC_STORM_ROUNDS=%q\n' "${LC_STORM_ROUNDS:-}"
	printf 'BENCH=%q\n' "${BENCH:-}"
	printf 'BENCH_REPS=%q\n' "${BENCH_REPS:-}"
	printf 'BENCH_TRACE=%q\n' "${BENCH_TRACE:-}"
	printf 'XEN_FUZZ_SECONDS=%q\n' "${XEN_FUZZ_SECONDS:-}"
	printf 'XEN_FUZZ_SEED=%q\n' "${XEN_FUZZ_SEED:-}"
} >"$stage/etc/pvci/run.conf"
rm -f "$IMG"
mkfs.ext4 -q -F -L pvci-root -d "$stage" "$IMG" "${DOMU_DISK_SIZE:-2G}" >&2 ||
	die "mkfs.ext4 -d failed for $IMG"
rm -rf "$stage"
