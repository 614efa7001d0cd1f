#!/usr/bin/env bash
# Tests of scripts/mail.sh and scripts/mainline.sh on a small fake kernel
# tree: mail.sh makes one format-patch series per area with a filled-in
# cover letter and get_maintainer.pl recipients, the files apply with
# git am to a fresh tree, --verify names a file that does not apply;
# mainline.sh classifies patches as applying, needing a refresh, already
# upstream or failing, and refreshes the series for that tree.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OUT=$W/out GIT_CONFIG_GLOBAL=/dev/null

mktree() { # DIR
	mkdir -p "$1/arch/x86/xen" "$1/Documentation/virt" "$1/scripts"
	printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n' >"$1/Makefile"
	echo 'mainmenu "fake"' >"$1/Kconfig"
	seq 1 40 | sed 's/^/int v/; s/$/;/' >"$1/arch/x86/xen/enlighten.c"
	printf 'Paravirt ops\n============\n\nText.\n' >"$1/Documentation/virt/paravirt_ops.rst"
	# get_maintainer.pl stand-in: a maintainer and a list per directory.
	cat >"$1/scripts/get_maintainer.pl" <<'EOF'
my $x = 0; my $d = 0;
while (<>) { $x = 1 if m{^\+\+\+ b/arch/}; $d = 1 if m{^\+\+\+ b/Documentation/}; }
print "Xen Maintainer <xen\@example.org> (supporter:XEN HYPERVISOR X86)\nArch Maintainer <x86\@example.org> (maintainer:X86 ARCHITECTURE (32-BIT AND 64-BIT))\nxen-devel\@example.org (moderated list:XEN HYPERVISOR X86)\n" if $x;
print "Doc Maintainer <doc\@example.org> (maintainer:DOCUMENTATION)\n" if $d;
print "linux-kernel\@example.org (open list)\n";
EOF
}
mkpatch() { # NAME SUBJECT FILE SED-EXPR [BASE-SED-EXPR]
	local name=$1 subj=$2 file=$3 expr=$4 base=${5:-} t=$W/mk
	rm -rf "$t" && mkdir -p "$t" && cp -r "$W/base" "$t/a"
	[ -n "$base" ] && sed -i "$base" "$t/a/$file"
	cp -r "$t/a" "$t/b"
	sed -i "$expr" "$t/b/$file"
	mkdir -p "$(dirname "$P/$name")"
	{
		printf 'From: T Tester <t@example.org>\nSubject: [PATCH] %s\n\n' "$subj"
		printf 'Why the change is needed.\n\nSigned-off-by: T Tester <t@example.org>\n---\n'
		(cd "$t" && diff -up "a/$file" "b/$file")
	} >"$P/$name"
}

P=$W/patches S=$W/series
mktree "$W/base"
X1=arch-x86-pv/0001-x86-xen-change-v10.patch X2=arch-x86-pv/0002-x86-xen-change-v30.patch
D1=Documentation/0001-Documentation-more-text.patch
mkpatch $X1 'x86/xen: change v10' arch/x86/xen/enlighten.c 's/^int v10;/int w10;/'
mkpatch $X2 'x86/xen: change v30' arch/x86/xen/enlighten.c 's/^int v30;/int w30;/' 's/^int v10;/int w10;/'
mkpatch $D1 'Documentation: virt: more text' Documentation/virt/paravirt_ops.rst 's/^Text\.$/More text./'
printf '# arch-x86-pv\n%s\n%s\n# drivers-xen-front\n# Documentation\n%s\n' $X1 $X2 $D1 >"$S"
printf '# a comment\narch-x86-pv/0002 x86/tip git://tip.example.org/tip.git\n' >"$W/trees.txt"
mail() { MAIL_FROM=${MAIL_FROM-"Sam Sender <sam@kernel.org>"} SERIES=$S PATCHES=$P TREES=$W/trees.txt MAIL_BASE_TREE=$W/base "$TOP/scripts/mail.sh" "$@"; }

# 1. make the mail
out=$(mail 2>&1); rc=$?
expect "mail: exit 0" [ $rc -eq 0 ]
expect "mail: x86/xen series: cover + 2 patches" [ "$(ls "$OUT/mail/1-x86-xen/"*.patch 2>/dev/null | wc -l)" -eq 3 ]
expect "mail: Documentation series: cover + 1 patch" [ "$(ls "$OUT/mail/2-Documentation/"*.patch 2>/dev/null | wc -l)" -eq 2 ]
expect "mail: no series for an empty area" [ ! -e "$OUT/mail/2-drivers-xen" ]
c=$(cat "$OUT/mail/1-x86-xen/0000-cover-letter.patch" 2>/dev/null)
expect "cover: no placeholder left" not grep -q '\*\*\*' <<<"$c"
expect_match "cover: numbered subject" "^Subject: \[PATCH 0/2\] " "$c"
expect_match "cover: how it was tested" "^How it was tested:" "$c"
expect_match "cover: last run results (none here)" "Results of the last run: none recorded" "$c"
expect_match "cover: To: from get_maintainer.pl" "^To: Xen Maintainer <xen@example.org>" "$c"
expect_match "cover: Cc: lists" "^Cc: xen-devel@example.org" "$c"
expect_match "cover: maintainer with a parenthesis in the role: To:" "^ +Arch Maintainer <x86@example.org>$" "$c"
expect_match "cover: from the sender" "^From: Sam Sender <sam@kernel.org>" "$c"
expect_match "cover: the tree of a patch named in trees.txt" "^  \[2/2\] x86/xen: change v30: x86/tip \(git://tip.example.org/tip.git\)$" "$c"
expect "cover: no tree line for a patch trees.txt does not name" not grep -q '^  \[1/2\]' <<<"$c"
expect "docs cover: no tree note" not grep -q 'go to these trees' "$OUT/mail/2-Documentation/0000-cover-letter.patch"
p1=$(cat "$OUT/mail/1-x86-xen/0001-"*.patch 2>/dev/null)
expect_match "patch: authored by the sender" "^From: Sam Sender <sam@kernel.org>" "$p1"
expect_match "patch: signed off by the sender" "^Signed-off-by: Sam Sender <sam@kernel.org>$" "$p1"
expect "patch: the placeholder sign-off is gone" not grep -q "^Signed-off-by: T Tester <t@example.org>" <<<"$p1"
expect_match "patch: numbered subject, area kept" "^Subject: \[PATCH 1/2\] x86/xen: " "$p1"
expect_match "patch: recipients too" "^To: Xen Maintainer" "$p1"
d=$(cat "$OUT/mail/2-Documentation/0000-cover-letter.patch" 2>/dev/null)
expect_match "docs cover: its own maintainer" "^To: Doc Maintainer" "$d"
expect_match "says it verified" "verified: git am applies all 3 patches" "$out"

# results of the last run go into the cover letter
mkdir -p "$OUT/runs/r1/pv" && ln -sfn "$OUT/runs/r1" "$OUT/last"
printf 'pv: PASS    x86:foo\npv: 1 passed, 0 failed, 0 skipped\n' >"$OUT/runs/r1/pv/summary.txt"
"$TOP/scripts/cell-results.sh" "$OUT/runs/r1/pv" pv
mail >/dev/null 2>&1
c=$(cat "$OUT/mail/1-x86-xen/0000-cover-letter.patch" 2>/dev/null)
expect_match "cover: results of the last run" "^Results of the last run with results \(r1, pv domU" "$c"
expect_match "cover: its summary line" "^  pv: 1 passed, 0 failed, 0 skipped$" "$c"

# 2. the files apply with git am to a fresh copy of the tree
rm -rf "$W/fresh" && cp -r "$W/base" "$W/fresh"
git -C "$W/fresh" init -q && git -C "$W/fresh" add -A && git -C "$W/fresh" -c user.name=T -c user.email=t@e commit -q -m base
out=$(git -C "$W/fresh" -c user.name=T -c user.email=t@e am "$OUT"/mail/*/000[1-9]-*.patch 2>&1); rc=$?
expect "git am on a fresh tree: exit 0" [ $rc -eq 0 ]
expect "git am on a fresh tree: 3 commits" [ "$(git -C "$W/fresh" rev-list --count HEAD)" -eq 4 ]
expect "git am on a fresh tree: the author is the sender" [ "$(git -C "$W/fresh" log -1 --format=%an)" = "Sam Sender" ]
expect "git am on a fresh tree: the series' content" grep -q '^int w30;' "$W/fresh/arch/x86/xen/enlighten.c"

# 3. --verify names a file that does not apply
sed -i 's/^-int v30;/-int q30;/' "$OUT"/mail/1-x86-xen/0002-*.patch
out=$(mail --verify 2>&1); rc=$?
expect "--verify, broken file: exit 1" [ $rc -ne 0 ]
expect_match "--verify, broken file: names it" "0002-.*\.patch does not apply" "$out"

# 4. mainline.sh on a "newer" tree: one patch applies, one needs a refresh,
# one is upstream, one fails
mktree "$W/ml"
sed -i 's/^SUBLEVEL = 117/SUBLEVEL = 0/; s/^PATCHLEVEL = 12/PATCHLEVEL = 99/' "$W/ml/Makefile"
sed -i '1i int new1;\nint new2;' "$W/ml/arch/x86/xen/enlighten.c"          # offset for both x86 patches
sed -i 's/^int v30;/int w30;/' "$W/ml/arch/x86/xen/enlighten.c"            # 0002 is upstream
sed -i 's/^Text\.$/Other text./' "$W/ml/Documentation/virt/paravirt_ops.rst"  # docs patch fails
# a patch that creates a file, and one that changes that file
N1=selftests/0001-selftests-xen-add-a-suite.patch N2=selftests/0002-selftests-xen-more.patch
mkdir -p "$P/selftests" "$W/n/a" "$W/n/b/tools/testing/selftests/xen"
printf 'TEST_GEN_PROGS := a\n' >"$W/n/b/tools/testing/selftests/xen/Makefile"
{ printf 'From: T Tester <t@example.org>\nSubject: [PATCH] selftests/xen: add a suite\n\nWhy.\n\nSigned-off-by: T Tester <t@example.org>\n---\n'
  (cd "$W/n" && diff -uNr a b); } >"$P/$N1"
cp -r "$W/n/b" "$W/n/c" && printf 'TEST_GEN_PROGS := a b\n' >"$W/n/c/tools/testing/selftests/xen/Makefile"
{ printf 'From: T Tester <t@example.org>\nSubject: [PATCH] selftests/xen: more\n\nWhy.\n\nSigned-off-by: T Tester <t@example.org>\n---\n'
  (cd "$W/n" && diff -uNr b c | sed 's|^--- b/|--- a/|; s|^+++ c/|+++ b/|'); } >"$P/$N2"
printf '%s\n' $N1 $N2 >>"$S"
out=$(SERIES=$S PATCHES=$P MAINLINE_TREE=$W/ml "$TOP/scripts/mainline.sh" 2>&1); rc=$?
expect "mainline: exit 0" [ $rc -eq 0 ]
expect_match "mainline: new file -> applies" "\| $N1 \| applies \| applies \|" "$out"
expect_match "mainline: depends on an earlier patch -> named" "\| $N2 \| needs the earlier $N1 \| applies \|" "$out"
expect_match "mainline: offset -> needs refresh" "\| $X1 \| needs refresh \(offset 2 lines\) \| refreshed \| refreshed copy \|" "$out"
expect_match "mainline: reverse-applies -> upstream" "\| $X2 \| already upstream \(reverse-applies\) \| left out \(upstream\) \|" "$out"
expect_match "mainline: fails, naming the file" "\| $D1 \| fails: 1 of 1 hunks \(Documentation/virt/paravirt_ops.rst\) \| fails: left out \|" "$out"
R=$OUT/mainline/6.99.0
expect "mainline: series lists only what applies" [ "$(grep -v '^#' "$R/series" 2>/dev/null | xargs)" = "$X1 $N1 $N2" ]
expect_match "mainline: refreshed patch keeps its header" "^Signed-off-by: T Tester" "$(cat "$R/patches/$X1" 2>/dev/null)"
expect_match "mainline: refreshed patch at the new line" "^@@ -1,7 \+1,7 @@|^@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@" "$(cat "$R/patches/$X1" 2>/dev/null)"
expect "mainline: tree has the mainline series applied" grep -q '^int w10;' "$W/ml/arch/x86/xen/enlighten.c"
# a second run starts from the pristine tree again
out=$(SERIES=$S PATCHES=$P MAINLINE_TREE=$W/ml "$TOP/scripts/mainline.sh" 2>&1); rc=$?
expect "mainline, second run: same result" grep -q 'needs refresh (offset 2 lines)' <<<"$out"

# A backport for the stable tree (trees.txt: stable): a series of its own,
# [PATCH 6.12.y], to stable@vger.kernel.org; the area's upstream series
# keeps the others.
X3=arch-x86-pv/0003-x86-xen-backport-change-v35.patch
mkpatch $X3 'x86/xen: change v35' arch/x86/xen/enlighten.c 's/^int v35;/int w35;/' 's/^int v10;/int w10;/; s/^int v30;/int w30;/'
printf '%s\n%s\n%s\n' $X1 $X2 $X3 >"$W/series-stable"
printf 'arch-x86-pv/0003 stable git://stable.example.org/linux.git\n' >>"$W/trees.txt"
S_ALL=$S S=$W/series-stable
out=$(mail 2>&1); rc=$?
S=$S_ALL
expect "mail with a stable backport: exit 0" [ $rc -eq 0 ]
expect "stable: the upstream series keeps 2 patches" [ "$(ls "$OUT/mail/1-x86-xen/"*.patch 2>/dev/null | wc -l)" -eq 3 ]
st=$(cat "$OUT"/mail/2-x86-xen-stable-6.12/0001-*.patch 2>/dev/null)
expect_match "stable: its own series, [PATCH 6.12.y 1/1]" "^Subject: \[PATCH 6\.12\.y 1/1\] x86/xen: change v35" "$st"
expect_match "stable: to stable@vger.kernel.org" "^To: stable@vger.kernel.org" "$st"
expect_match "stable: the cover letter names the tree" "^  \[1/1\] x86/xen: change v35: stable \(git://stable.example.org/linux.git\)$" "$(cat "$OUT"/mail/2-x86-xen-stable-6.12/0000-cover-letter.patch 2>/dev/null)"
sed -i '$d' "$W/trees.txt"

# No identity, or a placeholder one: no mail.
out=$(MAIL_FROM='' GIT_CONFIG_NOSYSTEM=1 HOME=$W/nohome mail 2>&1); rc=$?
expect "mail: no sender identity is refused" [ $rc -ne 0 ]
expect_match "... saying how to set one" 'git has none: set git config user.name and user.email' "$out"
out=$(MAIL_FROM="Seed maintainers <maintainers@users.noreply.h-seed.example>" mail 2>&1); rc=$?
expect "mail: a placeholder sender is refused" [ $rc -ne 0 ]
expect_match "... because the DCO needs a person" 'is a placeholder, not a person' "$out"
finish
