#!/usr/bin/env bash
# The table and plot of `make bench` from its cells' logs.
#
#   scripts/bench-report.sh BENCH_DIR CELL...
#
# Reads BENCH_DIR/CELL/guest.log ("PVCI-DOMU: bench NAME iters=N ...
# median_ns=X ...") and BENCH_DIR/CELL/dom0.log ("PVCI: bench-hc NAME K
# hypercalls=... ", K = 0 for the set-up alone, K = N for N operations).
# Writes BENCH_DIR/bench.tsv (every figure: one row per cell and
# benchmark), bench.md (the table, also printed) and, with gnuplot,
# bench.png. The cells native-upstream, native, pv-upstream and pv fill
# the table's columns; the ratio is PV with the series over PV without.
# Exit 1 when a benchmark has no figure in a cell that ran it, or a trace
# lost records.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die "usage: scripts/bench-report.sh BENCH_DIR CELL..."
B=$1
shift
tsv=$B/bench.tsv md=$B/bench.md
cols="hypercalls multicalls mc_entries mmu_update mmu_entries mmuext mmuext_entries uvma iret ptwr traps restarts"
{
	printf 'cell\tbenchmark\titers\tmedian_ns\tmin_ns\tmax_ns'
	for c in $cols; do printf '\t%s_per_op' "$c"; done
	printf '\tlost\n'
	for cell in "$@"; do
		d=$B/$cell
		[ -f "$d/guest.log" ] || continue
		logs=("$d/guest.log")
		[ -f "$d/dom0.log" ] && logs+=("$d/dom0.log")
		awk -v cell="$cell" -v cols="$cols" '
		BEGIN { nc = split(cols, cs, " ") }
		function kv(s, k,   a, n, i) { n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2); return "" }
		# A getty may share the console line: what precedes the tag goes.
		FILENAME ~ /guest.log$/ && /PVCI-DOMU: bench [^ ]+ iters=/ {
			s = $0; sub(/.*PVCI-DOMU: bench /, "", s)
			n = s; sub(/ .*/, "", n); order[++nb] = n
			it[n] = kv(s, "iters"); med[n] = kv(s, "median_ns"); mn[n] = kv(s, "min_ns"); mx[n] = kv(s, "max_ns")
		}
		FILENAME ~ /dom0.log$/ && /^PVCI: bench-hc [^ ]+ [0-9]+ hypercalls=/ {
			n = $3; k = $4
			for (i = 1; i <= nc; i++) hc[n, k, cs[i]] = kv($0, cs[i])
			lost[n] += kv($0, "lost"); traced[n, k] = 1
		}
		END {
			for (j = 1; j <= nb; j++) {
				n = order[j]
				printf "%s\t%s\t%s\t%s\t%s\t%s", cell, n, it[n], med[n], mn[n], mx[n]
				for (i = 1; i <= nc; i++) {
					if (traced[n, 0] && traced[n, it[n]] && it[n] > 0)
						printf "\t%.2f", (hc[n, it[n], cs[i]] - hc[n, 0, cs[i]]) / it[n]
					else
						printf "\t-"
				}
				printf "\t%s\n", (traced[n, 0] ? lost[n] + 0 : "-")
			}
		}' "${logs[@]}"
	done
} >"$tsv"

# The table: one row per benchmark (in the order the cells ran them).
awk -F'\t' '
function get(c, b, f) { return ((c, b) in row) ? val[c, b, f] : "-" }
function ratio(a, b) { return (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a > 0) ? sprintf("%.2f", b / a) : "-" }
function us(ns) { return ns ~ /^[0-9]+$/ ? sprintf("%.2f", ns / 1000) : "-" }
function pair(c1, c2, b, f) { return get(c1, b, f) " / " get(c2, b, f) }
NR == 1 { for (i = 1; i <= NF; i++) fi[$i] = i; next }
{
	row[$1, $2] = 1
	if (!($2 in seen)) { seen[$2] = 1; order[++nb] = $2 }
	for (f in fi) val[$1, $2, f] = $(fi[f])
}
END {
	print "| benchmark | native upstream µs | native series µs | PV upstream µs | PV series µs | PV series/upstream | hypercalls/op PV upstream / series | multicalls/op | mmu_update entries/op | emulated PTE writes/op |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (j = 1; j <= nb; j++) {
		b = order[j]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", b,
			us(get("native-upstream", b, "median_ns")), us(get("native", b, "median_ns")),
			us(get("pv-upstream", b, "median_ns")), us(get("pv", b, "median_ns")),
			ratio(get("pv-upstream", b, "median_ns"), get("pv", b, "median_ns")),
			pair("pv-upstream", "pv", b, "hypercalls_per_op"), pair("pv-upstream", "pv", b, "multicalls_per_op"),
			pair("pv-upstream", "pv", b, "mmu_entries_per_op"), pair("pv-upstream", "pv", b, "ptwr_per_op")
	}
}' "$tsv" >"$md"
cat "$md"

rc=0
for cell in "$@"; do
	[ -f "$B/$cell/guest.log" ] || { warn "bench: cell $cell has no guest log ($B/$cell)"; rc=1; continue; }
	grep -o 'PVCI-DOMU: bench-error.*' "$B/$cell/guest.log" | sed "s/^PVCI-DOMU: /$cell: /" >&2 && rc=1
	grep '^PVCI: bench-hc .* error:' "$B/$cell/dom0.log" 2>/dev/null | sed "s/^PVCI: /$cell: /" >&2 && rc=1
done
awk -F'\t' 'NR > 1 && $4 == "" { print "bench: no time for " $2 " in " $1; bad = 1 }
	NR > 1 && $NF ~ /^[1-9]/ { print "bench: the trace of " $2 " in " $1 " lost " $NF " records"; bad = 1 }
	END { exit bad }' "$tsv" >&2 || rc=1

# The plot: time per operation in each cell that ran (log scale), and
# the hypercalls per operation of the PV cells.
if command -v gnuplot >/dev/null; then
	dat=$B/bench.dat
	plot_cells="native-upstream native pv-upstream pv"
	awk -F'\t' -v cells="$plot_cells" 'NR == 1 { next }
		{ if (!($2 in seen)) { seen[$2] = 1; order[++nb] = $2 } t[$1, $2] = $4; h[$1, $2] = $7 }
		function v(x) { return x ~ /^[0-9.]+$/ && x > 0 ? x : "NaN" }
		END { nc = split(cells, c, " ")
			for (j = 1; j <= nb; j++) { b = order[j]; line = b
				for (i = 1; i <= nc; i++) line = line " " v(t[c[i], b] / 1000)
				print line, v(h["pv-upstream", b]), v(h["pv", b]) } }' "$tsv" >"$dat"
	# Only the columns of the cells that ran (gnuplot refuses an empty one).
	tplot='' hplot='' col=2
	for c in $plot_cells; do
		hcol=
		case $c in native-upstream) t="native upstream" lc=999999 ;; native) t="native series" lc=40a040 ;;
		pv-upstream) t="PV upstream" lc=e08020 hcol=6 ;; pv) t="PV series" lc=2060c0 hcol=7 ;; esac
		if [ -f "$B/$c/guest.log" ]; then
			x=; [ -n "$tplot" ] || x=":xtic(1)"
			tplot="$tplot${tplot:+, }\"$dat\" using $col$x title \"$t\" lc rgb \"#$lc\""
			x=; [ -n "$hplot" ] || x=":xtic(1)"
			[ -z "$hcol" ] || hplot="$hplot${hplot:+, }\"$dat\" using $hcol$x title \"$t\" lc rgb \"#$lc\""
		fi
		col=$((col + 1))
	done
	{
		cat <<GP
set terminal png size 1200,900
set output "$B/bench.png"
set multiplot layout 2,1 title "make bench $(date -u +%Y-%m-%d), $(nproc) CPUs, QEMU TCG, one vCPU per guest"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -20
set logscale y
set grid ytics
set key outside right top
set ylabel "time per op (µs, median)"
plot $tplot
GP
		[ -z "$hplot" ] || printf 'set ylabel "hypercalls per op"\nset yrange [0.5:*]\nplot %s\n' "$hplot"
		echo "unset multiplot"
	} >"$B/bench.gp"
	gnuplot "$B/bench.gp" >"$B/gnuplot.log" 2>&1 || { warn "bench: gnuplot failed (see $B/gnuplot.log)"; rc=1; }
	[ -s "$B/bench.png" ] && say "plot: $B/bench.png"
fi
say "table: $md, every figure: $tsv"
exit $rc
