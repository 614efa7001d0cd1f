#!/usr/bin/env bash
# What `make test` runs, part by part, in order, each timed: one line per
# part in $RUN_DIR/ci-times.txt, "PART SECONDS ok|FAIL" (the results page
# renders it; docs/timings.md#cis-budget). Stops at the first part that
# fails, after recording it.
#
#   scripts/ci-parts.sh PART...
#
# Parts: selftest fresh-check-ci check-patches docs-check (the make
# targets), kernel (the pv cell's kernel and kselftests), panic (a domU
# that panics must fail the run), cells (make matrix CELLS=$TEST_CELLS,
# without matrix's panic check).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
: "${RUN_DIR:?RUN_DIR is not set (run it through make test)}"
times=$RUN_DIR/ci-times.txt
mkdir -p "$RUN_DIR"
: >"$times"
t_all=$(now)
for part in "$@"; do
	case $part in
	selftest | fresh-check-ci | check-patches | docs-check) cmd=(make --no-print-directory -C "$TOP" "$part") ;;
	kernel) cmd=("$TOP/scripts/run-cell.sh" --build-only pv) ;;
	panic) cmd=("$TOP/tests/boot-panic.sh") ;;
	cells) cmd=(make --no-print-directory -C "$TOP" matrix CELLS="${TEST_CELLS:?TEST_CELLS is not set}" NO_PANIC_CHECK=1) ;;
	*) die "ci-parts.sh: unknown part '$part' (selftest fresh-check-ci check-patches docs-check kernel panic cells)" ;;
	esac
	t0=$(now) rc=0
	"${cmd[@]}" || rc=$?
	if [ $rc = 0 ]; then st=ok; else st=FAIL; fi
	echo "$part $(($(now) - t0)) $st" >>"$times"
	if [ $rc != 0 ]; then
		warn "make test: part '$part' failed (exit $rc) after $(($(now) - t0)) s; the parts' times: $times"
		exit $rc
	fi
done
say "make test: $# parts in $(($(now) - t_all)) s ($(awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $1, $2 }' "$times")); $times"
