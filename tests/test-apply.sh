#!/usr/bin/env bash
# Tests of scripts/apply.sh and scripts/fetch-tree.sh on small fake kernel
# trees: empty series, a series that applies, re-application, a series
# applied without quilt, a patch that does not apply, --check, a changed
# patch, a tree that is not a kernel tree, the version note, and the
# kernel.org tarball sha256 check.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

mktree() { # DIR [SUBLEVEL]
	mkdir -p "$1/arch/x86/xen" "$1/drivers/xen"
	printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = %s\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n' "${2:-117}" >"$1/Makefile"
	echo 'mainmenu "fake"' >"$1/Kconfig"
	printf 'int a;\nint b;\nint c;\nint d;\nint e;\nint f;\nint g;\n' >"$1/arch/x86/xen/enlighten.c"
	printf 'void x(void);\nvoid y(void);\nvoid z(void);\n' >"$1/drivers/xen/events.c"
}
# mkpatch NAME FILE SED-EXPR: a patch against the pristine fake tree.
mkpatch() {
	local name=$1 file=$2 expr=$3 t=$W/mk
	rm -rf "$t" && mktree "$t/a" && cp -r "$t/a" "$t/b"
	sed -i "$expr" "$t/b/$file"
	mkdir -p "$(dirname "$P/$name")"
	{
		printf 'From: T <t@example.org>\nSubject: [PATCH] %s\n\nbody\n\nSigned-off-by: T <t@example.org>\n---\n' "$name"
		(cd "$t" && diff -u "a/$file" "b/$file")
	} >"$P/$name"
}
tree_sum() { (cd "$1" && find . -path ./.pc -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
apply() { SERIES=$S PATCHES=$P "$TOP/scripts/apply.sh" "$@"; }

P=$W/patches S=$W/series
mkdir -p "$P"

# 1. empty series
printf '# nothing yet\n\n# arch-x86-pv\n' >"$S"
mktree "$W/t1"
before=$(tree_sum "$W/t1")
out=$(apply "$W/t1" 2>&1); rc=$?
expect "empty series: exit 0" [ $rc -eq 0 ]
expect_match "empty series: says so" "series is empty" "$out"
expect "empty series: tree unchanged" [ "$(tree_sum "$W/t1")" = "$before" ]
out=$(apply --check "$W/t1" 2>&1); rc=$?
expect "empty series --check: exit 0" [ $rc -eq 0 ]

# 2. a series that applies
mkpatch arch-x86-pv/0001-one.patch arch/x86/xen/enlighten.c 's/int b;/int b2;/'
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/void y(void);/void y2(void);/'
printf '# arch-x86-pv\narch-x86-pv/0001-one.patch\n# drivers-xen-front\ndrivers-xen-front/0001-two.patch\n' >"$S"
mktree "$W/t2"
before=$(tree_sum "$W/t2")
out=$(apply --check "$W/t2" 2>&1); rc=$?
expect "--check on a clean tree: exit 0" [ $rc -eq 0 ]
expect_match "--check: says it applies" "applies cleanly" "$out"
expect "--check: tree unchanged" [ "$(tree_sum "$W/t2")" = "$before" ]
expect "--check: no quilt state left" [ ! -e "$W/t2/.pc" ]
out=$(apply "$W/t2" 2>&1); rc=$?
expect "series applies: exit 0" [ $rc -eq 0 ]
expect "series applies: first patch in" grep -q 'int b2;' "$W/t2/arch/x86/xen/enlighten.c"
expect "series applies: second patch in" grep -q 'void y2(void);' "$W/t2/drivers/xen/events.c"
expect_match "series applies: names patches" "drivers-xen-front/0001-two.patch" "$out"

# 3. re-applying to an already patched tree
after=$(tree_sum "$W/t2")
out=$(apply "$W/t2" 2>&1); rc=$?
expect "re-apply: exit 0" [ $rc -eq 0 ]
expect_match "re-apply: detected" "already applied" "$out"
expect "re-apply: tree unchanged" [ "$(tree_sum "$W/t2")" = "$after" ]
expect "re-apply: no double hunk" [ "$(grep -c 'int b2;' "$W/t2/arch/x86/xen/enlighten.c")" -eq 1 ]
out=$(apply --check "$W/t2" 2>&1); rc=$?
expect "--check on patched tree: exit 0" [ $rc -eq 0 ]
# The same patches pushed from another series file (check-patches.sh's
# truncated copy): quilt is pointed back at ours.
echo "$W/elsewhere/series" >"$W/t2/.pc/.quilt_series"
apply "$W/t2" >/dev/null 2>&1
expect "re-apply: quilt's series file is ours again" [ "$(cat "$W/t2/.pc/.quilt_series")" = "$S" ]

# 4. series applied without quilt (git am, patch -p1)
mktree "$W/t4"
for p in arch-x86-pv/0001-one.patch drivers-xen-front/0001-two.patch; do patch -s -d "$W/t4" -p1 <"$P/$p"; done
after=$(tree_sum "$W/t4")
out=$(apply "$W/t4" 2>&1); rc=$?
expect "applied without quilt: exit 0" [ $rc -eq 0 ]
expect_match "applied without quilt: detected" "already applied .*without quilt" "$out"
expect "applied without quilt: tree unchanged" [ "$(tree_sum "$W/t4")" = "$after" ]

# 5. a patch that does not apply
mkpatch drivers-xen-front/0002-bad.patch drivers/xen/events.c 's/void z(void);/void z2(void);/'
sed -i 's/^ void y(void);/ void q(void);/' "$P/drivers-xen-front/0002-bad.patch"
printf 'arch-x86-pv/0001-one.patch\ndrivers-xen-front/0002-bad.patch\ndrivers-xen-front/0001-two.patch\n' >"$S"
mktree "$W/t5"
before=$(tree_sum "$W/t5")
out=$(apply --check "$W/t5" 2>&1); rc=$?
expect "--check, bad patch: exit 1" [ $rc -eq 1 ]
expect_match "--check, bad patch: names the patch" "0002-bad.patch does not apply" "$out"
expect_match "--check, bad patch: names file and hunk" "drivers/xen/events.c: Hunk #1 FAILED" "$out"
expect "--check, bad patch: tree unchanged" [ "$(tree_sum "$W/t5")" = "$before" ]
out=$(apply "$W/t5" 2>&1); rc=$?
expect "bad patch: exit 1" [ $rc -eq 1 ]
expect_match "bad patch: names the patch" "patch drivers-xen-front/0002-bad.patch does not apply" "$out"
expect_match "bad patch: names file and hunk" "drivers/xen/events.c: Hunk #1 FAILED" "$out"
expect "bad patch: earlier patch stays applied" grep -q 'int b2;' "$W/t5/arch/x86/xen/enlighten.c"
expect "bad patch: its file untouched" cmp -s "$W/t5/drivers/xen/events.c" "$W/t1/drivers/xen/events.c"
expect "bad patch: no .rej/.orig left" [ -z "$(find "$W/t5" -name '*.rej' -o -name '*.orig')" ]
expect_match "bad patch: says where the tree stands" "quilt top: arch-x86-pv/0001-one.patch" "$out"

# 6. a patch changed after it was applied: popped, pushed again, mtime bumped
printf 'arch-x86-pv/0001-one.patch\ndrivers-xen-front/0001-two.patch\n' >"$S"
touch -d '2001-01-01' "$W/t2/arch/x86/xen/enlighten.c"
mkpatch arch-x86-pv/0001-one.patch arch/x86/xen/enlighten.c 's/int b;/int b3;/'
out=$(apply "$W/t2" 2>&1); rc=$?
expect "changed patch: exit 0" [ $rc -eq 0 ]
expect "changed patch: new content" grep -q 'int b3;' "$W/t2/arch/x86/xen/enlighten.c"
expect "changed patch: old content gone" not grep -q 'int b2;' "$W/t2/arch/x86/xen/enlighten.c"
expect "changed patch: file is newer than before" [ "$(stat -c %Y "$W/t2/arch/x86/xen/enlighten.c")" -gt 978307200 ]
expect "changed patch: later patch still in" grep -q 'void y2(void);' "$W/t2/drivers/xen/events.c"
# the series emptied again: everything popped
printf '# empty\n' >"$S"
out=$(apply "$W/t2" 2>&1); rc=$?
expect "series emptied: exit 0" [ $rc -eq 0 ]
expect "series emptied: tree back to pristine" cmp -s "$W/t2/arch/x86/xen/enlighten.c" "$W/t1/arch/x86/xen/enlighten.c"

# 7. not a kernel tree
mkdir -p "$W/notkernel" && echo hi >"$W/notkernel/README"
out=$(apply "$W/notkernel" 2>&1); rc=$?
expect "not a kernel tree: apply.sh fails" [ $rc -ne 0 ]
expect_match "not a kernel tree: apply.sh says so" "is not a Linux kernel tree" "$out"
out=$(KSRC=$W/notkernel "$TOP/scripts/fetch-tree.sh" 2>&1); rc=$?
expect "KSRC not a kernel tree: fails" [ $rc -ne 0 ]
expect_match "KSRC not a kernel tree: says so" "KSRC=$W/notkernel is not a Linux kernel tree" "$out"
out=$(KSRC=$W/does-not-exist "$TOP/scripts/fetch-tree.sh" 2>&1); rc=$?
expect_match "KSRC missing: says so" "no such directory" "$out"
out=$(make -s -C "$TOP" tree KSRC=$W/notkernel OUT=$W/out 2>&1); rc=$?
expect "make tree with a bad KSRC: fails" [ $rc -ne 0 ]
expect_match "make tree with a bad KSRC: says so" "is not a Linux kernel tree" "$out"

# 8. another 6.12.y: one note, then going on
mktree "$W/t8" 100
out=$(KSRC=$W/t8 "$TOP/scripts/fetch-tree.sh" 2>&1); rc=$?
expect "other 6.12.y: exit 0" [ $rc -eq 0 ]
expect_match "other 6.12.y: one clear note" "note: tree .* is Linux 6.12.100, not the 6.12.117 the lts series is tested on" "$out"

# 9. a kernel.org tarball in the download cache is verified by sha256
mkdir -p "$W/dl" "$W/tb"
mktree "$W/tb/linux-6.12.117"
tar -C "$W/tb" -cJf "$W/dl/linux-6.12.117.tar.xz" linux-6.12.117
sum=$(sha256sum "$W/dl/linux-6.12.117.tar.xz" | cut -d' ' -f1)
fetch() { DLCACHE=$W/dl OUT=$W/out "$TOP/scripts/fetch-tree.sh" 2>&1; }
out=$(LINUX_TARBALL_SHA256=0000 fetch); rc=$?
expect "tarball, wrong sha256: refused" [ $rc -ne 0 ]
expect_match "tarball, wrong sha256: says so" "does not match the pinned" "$out"
out=$(LINUX_TARBALL_SHA256='' fetch); rc=$?
expect "tarball, no sha256 pinned: refused" [ $rc -ne 0 ]
expect_match "tarball, no sha256 pinned: says so" "no sha256 is pinned" "$out"
out=$(LINUX_TARBALL_SHA256=$sum fetch); rc=$?
expect "tarball, right sha256: used" [ $rc -eq 0 ]
expect "tarball, right sha256: extracted" [ -f "$W/out/src/linux/arch/x86/xen/enlighten.c" ]
expect_match "tarball, right sha256: prints the tree" "$W/out/src/linux\$" "$out"

finish
