#!/usr/bin/env bash
# Tests of make bench's pieces that run without a guest: xtcount on
# xentrace files made here, pvbench's interface, and bench-report.sh on
# cell logs made here (per-op figures, missing figures, lost records).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
gcc -O2 -Wall -Wextra -o "$W/xtcount" "$TOP/bench/xtcount.c"
expect "xtcount builds" test -x "$W/xtcount"
gcc -O2 -Wall -Wextra -static -o "$W/pvbench" "$TOP/bench/pvbench.c"
expect "pvbench builds (static)" test -x "$W/pvbench"

# xentrace records: header (event | extra words << 28 | TSC bit 31), TSC,
# extra words. hc OP [COUNT]: a hypercall; sub OP [COUNT]: in a multicall.
rec() { perl -e 'print pack("V*", @ARGV)' "$@"; }
hc() { if [ $# -eq 1 ]; then rec $((0x0020100d | 1 << 28 | 1 << 31)) 1 2 "$1"
	else rec $((0x0020100d | 2 << 28 | 1 << 31)) 1 2 $(($1 | 1 << 22)) "$2"; fi; }
sub() { if [ $# -eq 1 ]; then rec $((0x0020200e | 1 << 28 | 1 << 31)) 1 2 "$1"
	else rec $((0x0020200e | 2 << 28 | 1 << 31)) 1 2 $(($1 | 1 << 22)) "$2"; fi; }
ptwr() { rec $((0x0020100b | 1 << 31)) 1 2; }
lost() { rec $((0x0001f001 | 1 << 28)) "$1"; }
cpu() { rec $((0x0001f003 | 2 << 28)) 1 100; }
{ cpu; hc 23; hc 23; hc 33; hc 33; hc 23; hc 1 4; hc 1 $((0x80000002)); hc 13 2; sub 1 3; sub 14
  ptwr; hc 26 2; hc 33; hc 33; hc 23; hc 23; } >"$W/a.trc"
out=$("$W/xtcount" "$W/a.trc")
expect_match "xtcount: every hypercall, by number" '^hypercalls=12 .* ops=1:1,13:1,23:5,26:1,33:4$' "$out"
expect_match "xtcount: mmu_update entries alone and in multicalls; a preempted call's restart not counted" \
	' mmu_update=2 mmu_entries=7 .* restarts=1 ' "$out"
out=$("$W/xtcount" -w 33 "$W/a.trc")
expect_match "xtcount -w 33: only what lies between the marks" \
	'^hypercalls=4 multicalls=1 mc_entries=2 mmu_update=2 mmu_entries=7 mmuext=1 mmuext_entries=2 uvma=1 iret=1 ptwr=1 .* ops=1:1,13:1,23:1,26:1$' "$out"
{ hc 23; hc 33; hc 23; } >"$W/b.trc"
"$W/xtcount" -w 33 "$W/b.trc" >/dev/null 2>&1
expect "xtcount -w: one mark only is an error" [ $? -eq 1 ]
{ hc 33; lost 12; hc 33; } >"$W/c.trc"
expect_match "xtcount: lost records are counted" ' lost=12 ' "$("$W/xtcount" -w 33 "$W/c.trc")"
head -c 10 "$W/a.trc" >"$W/d.trc"
"$W/xtcount" "$W/d.trc" >/dev/null 2>&1
expect "xtcount: a file cut in a record is an error" [ $? -eq 1 ]

expect_match "pvbench list: the nine benchmarks" \
	'^null-syscall getpid fork-exit fork-256m fork-exec mmap-4m page-fault ctxsw-pipe signal$' "$("$W/pvbench" list | xargs)"
out=$("$W/pvbench" run getpid 3)
expect_match "pvbench run: one line, iterations and median" '^bench getpid iters=[0-9]+ reps=3 median_ns=[0-9]+ min_ns=[0-9]+ max_ns=[0-9]+$' "$out"
"$W/pvbench" run no-such 3 >/dev/null 2>&1
expect "pvbench run: an unknown benchmark is a usage error" [ $? -eq 2 ]
out=$("$W/pvbench" run fork-exec 1)
expect_match "pvbench: fork-exec executes itself" '^bench fork-exec iters=[0-9]+ reps=1 ' "$out"

# bench-report.sh on made-up cells.
B=$W/bench
cellog() { # CELL BENCH MEDIAN
	mkdir -p "$B/$1"
	echo "PVCI-DOMU: bench $2 iters=100 reps=5 median_ns=$3 min_ns=1 max_ns=9" >>"$B/$1/guest.log"
}
hcline() { # CELL BENCH K HYPERCALLS MMU_ENTRIES LOST
	echo "PVCI: bench-hc $2 $3 hypercalls=$4 multicalls=0 mc_entries=0 mmu_update=0 mmu_entries=$5 mmuext=0 mmuext_entries=0 uvma=0 iret=0 ptwr=0 traps=0 lost=$6 restarts=0 ops=23:$4" >>"$B/$1/dom0.log"
}
for c in native-upstream native; do cellog $c fork-exit 1000; done
cellog pv-upstream fork-exit 4000
cellog pv fork-exit 3000
mkdir -p "$B/pv"
echo "pvci-domu login: PVCI-DOMU: bench ctxsw-pipe iters=100 reps=5 median_ns=500 min_ns=1 max_ns=9" >>"$B/pv/guest.log"
hcline pv-upstream fork-exit 0 10 0 0; hcline pv-upstream fork-exit 100 8010 2000 0
hcline pv fork-exit 0 10 0 0; hcline pv fork-exit 100 7010 1000 0
out=$("$TOP/scripts/bench-report.sh" "$B" native-upstream native pv-upstream pv 2>&1)
rc=$?
expect_match "bench-report: a row with the times in µs, the PV ratio and the hypercalls per op" \
	'^\| fork-exit \| 1\.00 \| 1\.00 \| 4\.00 \| 3\.00 \| 0\.75 \| 80\.00 / 70\.00 \| 0\.00 / 0\.00 \| 20\.00 / 10\.00 \| 0\.00 / 0\.00 \|$' "$out"
expect_match "bench-report: a result after a getty prompt on the same line is read" '^\| ctxsw-pipe \| - \| - \| - \| 0\.50 \|' "$out"
expect "bench-report: a benchmark timed but not traced is no failure" [ $rc -eq 0 ]
expect "bench-report: bench.tsv has a row per cell and benchmark" [ "$(grep -c . "$B/bench.tsv")" -eq 6 ]
hcline pv ctxsw-pipe 0 10 0 0; hcline pv ctxsw-pipe 100 610 0 7
"$TOP/scripts/bench-report.sh" "$B" native-upstream native pv-upstream pv >/dev/null 2>&1
expect "bench-report: a trace that lost records fails" [ $? -eq 1 ]
sed -i '/ctxsw-pipe/d' "$B/pv/dom0.log"
echo "PVCI-DOMU: bench-error signal: pvbench once signal 10 failed" >>"$B/pv/guest.log"
out=$("$TOP/scripts/bench-report.sh" "$B" native-upstream native pv-upstream pv 2>&1)
expect "bench-report: a benchmark error fails the report" [ $? -eq 1 ]
expect_match "bench-report: the error is named with its cell" '^pv: bench-error signal' "$out"
"$TOP/scripts/bench-report.sh" "$B" native pv-upstream pv nowhere >/dev/null 2>&1
expect "bench-report: a cell without a log fails" [ $? -eq 1 ]
finish
