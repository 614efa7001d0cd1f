#!/usr/bin/env bash
# Run the project's own tests (tests/test-*.sh) and print one closing line.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
for t in "$TOP"/tests/test-*.sh; do
	echo "# $(basename "$t")"
	out=$(bash "$t" 2>&1)
	printf '%s\n' "$out" | grep -v '^ok '
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)) fail=$((fail + f))
done
echo "harness tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
