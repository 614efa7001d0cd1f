#!/usr/bin/env bash
# Run the project's own tests (tests/test-*.sh) and shellcheck -S warning
# on every harness script, and print one closing line.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
# What the tests run themselves (the harness scripts they call install
# their own): a C compiler and libc headers (bench's programs, the fake
# kernel tree of test-check-patches.sh), xz (tarballs), python3 (the
# results and prove-fixes pages), shellcheck. A fresh machine has none.
need gcc:gcc /usr/include/stdio.h:libc6-dev xz:xz-utils python3:python3 shellcheck:shellcheck
pass=0 fail=0
for t in "$TOP"/tests/test-*.sh; do
	echo "# $(basename "$t")"
	out=$(bash "$t" 2>&1)
	printf '%s\n' "$out" | grep -v '^ok '
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)) fail=$((fail + f))
done
echo "# shellcheck -S warning"
if out=$(cd "$TOP" && shellcheck -S warning -f gcc scripts/*.sh scripts/pvci-run scripts/dom0-init \
	scripts/dom0-hotplug tests/*.sh .ci/run 2>&1); then
	pass=$((pass + 1))
else
	printf '%s\n' "$out"
	echo "not ok - shellcheck -S warning"
	fail=$((fail + 1))
fi
echo "harness tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
