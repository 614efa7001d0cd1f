#!/usr/bin/env bash
# make bench: the same microbenchmarks (bench/pvbench.c) on the pinned
# kernel without the series and with it, each natively under QEMU and as
# a Xen PV domU, one boot per cell, in one run; in the PV domUs, the
# hypercalls of each operation, counted from dom0 with xentrace
# (bench/xtcount.c). Prints the table; writes RUN_DIR/bench/bench.md,
# bench.tsv (every figure) and bench.png.
#
#   scripts/bench.sh FLAVOUR
#
# Environment: BENCH (benchmarks, default every one: bench/pvbench list),
# BENCH_CELLS (default "native-upstream native pv-upstream pv"),
# BENCH_REPS (timed runs per benchmark, whose median is reported; 7),
# RUN_DIR, KCONFIG_SUITES (the kernel config's kselftest fragments, as
# for make kernel). Every guest has one vCPU (natively too), so that a
# context switch is one and the trace holds the domU alone.
# Exit 1 when a cell did not boot to the end or a figure is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: scripts/bench.sh FLAVOUR"
FLAVOUR=$1
[ "$FLAVOUR" = x86_64-guest ] || die "make bench runs the x86_64 kernel (PV guests are 64-bit only), not $FLAVOUR"
BENCH_CELLS=${BENCH_CELLS:-native-upstream native pv-upstream pv}
RUN_DIR=${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}
B=$RUN_DIR/bench
mkdir -p "$B"
need gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev gnuplot:gnuplot-nox file:file
t0=$(now)

# The guest's and dom0's programs, static (they run on bookworm).
tools=$OUT/build/bench
mkdir -p "$tools"
for p in pvbench xtcount; do
	gcc -O2 -Wall -Wextra -static -o "$tools/$p" "$TOP/bench/$p.c" >"$B/build-$p.log" 2>&1 ||
		{ cat "$B/build-$p.log" >&2; die "cannot build bench/$p.c: see $B/build-$p.log"; }
done
all=$("$tools/pvbench" list | xargs)
BENCH=${BENCH:-$all}
for b in $BENCH; do
	case " $all " in *" $b "*) ;; *) die "BENCH: no benchmark $b (bench/pvbench list: $all)" ;; esac
done

series_k=$OUT/build/$FLAVOUR/arch/x86/boot/bzImage
[ -f "$series_k" ] || die "no kernel at $series_k: run 'make kernel' first"
upstream_k=
case " $BENCH_CELLS " in *-upstream" "*)
	upstream_k=$(RUN_DIR=$B "$TOP/scripts/unpatched.sh" "$FLAVOUR" --build-only | tail -n 1)
	[ -f "$upstream_k" ] || die "no kernel without the series at $upstream_k" ;;
esac
d0=
case " $BENCH_CELLS " in *" pv"*) stage "images: Xen, dom0, domU userspace"; d0=$("$TOP/scripts/mk-dom0.sh") ;; esac
du=$("$TOP/scripts/mk-domu.sh")
t1=$(now)

rc=0
mkdir -p "$OUT/work"
for cell in $BENCH_CELLS; do
	case $cell in
	native) k=$series_k g=native trace= ;;
	native-upstream) k=$upstream_k g=native trace= ;;
	pv) k=$series_k g=pv trace=1 ;;
	pv-upstream) k=$upstream_k g=pv trace=1 ;;
	*) die "BENCH_CELLS: no cell $cell (native-upstream native pv-upstream pv)" ;;
	esac
	disk=$OUT/work/bench-$cell.img
	BENCH=$BENCH BENCH_BIN=$tools/pvbench BENCH_REPS=${BENCH_REPS:-7} BENCH_TRACE=$trace \
		KSELFTEST_TESTS='' LIFECYCLE_OPS='' "$TOP/scripts/mk-rundisk.sh" "$du" /nonexistent "$disk"
	stage "bench: $cell ($(file -b "$k" | sed -n 's/.*version \([^ ]*\).*/\1/p'), $(echo $BENCH | wc -w) benchmarks)"
	c0=$(now)
	if ! CELL_DIR=$B/$cell GUEST_TYPE=$g DOMU_NAME=pvci-bench DOMU_VCPUS=1 BENCH_TRACE=$trace \
		BENCH_TOOLS=$tools LIFECYCLE_OPS='' "$TOP/scripts/boot.sh" "${d0:--}" "$k" "$disk"; then
		warn "bench: cell $cell failed: see $B/$cell"
		rc=1
	fi
	echo "$cell $(($(now) - c0))" >>"$B/times.txt"
	grep -ho 'PVCI-DOMU: bench .*\|PVCI-DOMU: bench-error.*' "$B/$cell/guest.log" 2>/dev/null | sed 's/^PVCI-DOMU: /  /' || true
done
stage "bench: native and PV, without and with the series ($B)"
"$TOP/scripts/bench-report.sh" "$B" $BENCH_CELLS || rc=1
say "times: kernels and images $((t1 - t0)) s, cells: $(awk '{ printf "%s%s %d s", s, $1, $2; s = ", " }' "$B/times.txt"), total $(($(now) - t0)) s"
exit $rc
