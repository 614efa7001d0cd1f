#!/usr/bin/env bash
# Tests of scripts/check-patches.sh on a small fake kernel tree and series:
# a clean series passes; a patch without Signed-off-by, one with a
# checkpatch error, and one after which the tree does not build each fail,
# naming the patch; checkpatch exceptions; --build=fast builds only after
# the patches the last commit changed; --build=objects compiles what the
# whole series changes.
#
# checkpatch: the real scripts/checkpatch.pl when a kernel tree is at hand
# (CHECKPATCH_TREE=, or $OUT/src/linux after `make apply`), else a small
# stand-in that reports the same way (--show-types lines) for the two
# findings these tests make: trailing whitespace and Fixes: ids.
# The build: the fake tree's Makefile compiles its two C files with -Werror
# (CHECK_BUILD_CMD=make); no kernel is built.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"

real_cp=
for t in ${CHECKPATCH_TREE:-} "${OUT:-$TOP/out}/src/linux" "$TOP/out/src/linux"; do
	[ -f "$t/scripts/checkpatch.pl" ] && { real_cp=$t/scripts; break; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OUT=$W/out

mktree() { # DIR
	mkdir -p "$1/arch/x86/xen" "$1/drivers/xen" "$1/scripts"
	printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n\nall:\n\t$(CC) -fsyntax-only -Wall -Werror arch/x86/xen/enlighten.c drivers/xen/events.c\n' >"$1/Makefile"
	echo 'mainmenu "fake"' >"$1/Kconfig"
	printf 'int a;\nint b;\nint c;\nint d;\nint e;\nint f;\nint g;\n' >"$1/arch/x86/xen/enlighten.c"
	printf 'int x;\nint y;\nint z;\n' >"$1/drivers/xen/events.c"
}
# mkpatch NAME FILE SED-EXPR [BASE-SED-EXPR] [SOB=1] [MSG-EXTRA]: a patch
# against the fake tree (after BASE-SED-EXPR, for a patch that goes on top
# of another one).
mkpatch() {
	local name=$1 file=$2 expr=$3 base=${4:-} sob=${5:-1} extra=${6:-} t=$W/mk
	rm -rf "$t" && mktree "$t/a"
	[ -n "$base" ] && sed -i "$base" "$t/a/$file"
	cp -r "$t/a" "$t/b"
	sed -i "$expr" "$t/b/$file"
	mkdir -p "$(dirname "$P/$name")"
	{
		printf 'From: T Tester <t@example.org>\nSubject: [PATCH] xen: change %s\n\n' "$(basename "$name" .patch)"
		printf 'Change one line so that the tests have a patch to check.\n'
		[ -n "$extra" ] && printf '\n%s\n' "$extra"
		[ "$sob" = 1 ] && printf '\nSigned-off-by: T Tester <t@example.org>\n'
		printf -- '---\n'
		[ "${NOSTAT:-}" = 1 ] || printf ' %s | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n' "$file"
		(cd "$t" && diff -u "a/$file" "b/$file")
	} >"$P/$name"
}
check() { SERIES=$S PATCHES=$P EXCEPTIONS=$E CHECKPATCH=$CP CHECK_BUILD_CMD=make "$TOP/scripts/check-patches.sh" --tree "$W/tree" "$@"; }

P=$W/patches S=$W/series E=$W/exceptions
mkdir -p "$P"
: >"$E"
mktree "$W/tree"
if [ -n "$real_cp" ]; then
	cp "$real_cp/checkpatch.pl" "$real_cp/spelling.txt" "$W/tree/scripts/"
	[ -f "$real_cp/const_structs.checkpatch" ] && cp "$real_cp/const_structs.checkpatch" "$W/tree/scripts/"
	CP=$W/tree/scripts/checkpatch.pl
	echo "# checkpatch: the real one, from $real_cp"
else
	CP=$W/fake-checkpatch.pl
	cat >"$CP" <<'EOF'
#!/usr/bin/perl
# Stand-in for checkpatch.pl --show-types: trailing whitespace (ERROR),
# commit ids (WARNING UNKNOWN_COMMIT_ID: no git here), missing sign-off.
my $f = $ARGV[-1]; open(my $fh, '<', $f) or die; my ($n, $bad, $sob, $inlog) = (0, 0, 0, 1);
while (<$fh>) { $n++; chomp;
	$inlog = 0 if /^---$/; $sob = 1 if /^Signed-off-by: /;
	if (/^\+.*[ \t]$/) { print "ERROR:TRAILING_WHITESPACE: trailing whitespace\n#$n: FILE: x\n\n"; $bad = 1 }
	if ($inlog && /^(fixes:|commit)\s+([0-9a-f]{6,40})\b/i) { print "WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '$2', maybe rebased or not pulled?\n#$n: \n\n"; $bad = 1 }
}
unless ($sob) { print "ERROR:MISSING_SIGN_OFF: Missing Signed-off-by: line(s)\n\n"; $bad = 1 }
exit $bad;
EOF
	echo "# checkpatch: a stand-in (no kernel tree in out/src/linux)"
fi

A=arch-x86-pv/0001-x86-xen-good.patch
B=drivers-xen-front/0001-xen-breaks-the-build.patch
C=drivers-xen-front/0002-xen-fixes-the-build.patch

# 1. a clean series of two patches: passes, with and without builds
mkpatch $A arch/x86/xen/enlighten.c 's/int b;/int b2;/'
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2;/'
printf '# arch-x86-pv\n%s\n# drivers-xen-front\ndrivers-xen-front/0001-two.patch\n' $A >"$S"
out=$(check 2>&1); rc=$?
expect "clean series: exit 0" [ $rc -eq 0 ]
expect_match "clean series: summary line" "^patches: 2 passed, 0 failed$" "$out"
out=$(check --build=full 2>&1); rc=$?
expect "clean series, full build: exit 0" [ $rc -eq 0 ]
expect_match "clean series, full build: built after each patch" "built after drivers-xen-front/0001-two.patch" "$out"
expect "clean series, full build: whole series applied after" grep -q 'int y2;' "$W/tree/drivers/xen/events.c"

# 2. a patch without Signed-off-by
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2;/' '' 0
out=$(check 2>&1); rc=$?
expect "no Signed-off-by: exit 1" [ $rc -eq 1 ]
expect_match "no Signed-off-by: names the patch and the problem" "^FAIL  drivers-xen-front/0001-two.patch: no Signed-off-by: line" "$out"
expect_match "no Signed-off-by: the other patch passes" "^ok    $A" "$out"
expect_match "no Signed-off-by: summary line" "^patches: 1 passed, 1 failed$" "$out"

# header problems: no From:, no [PATCH] area: summary, no body
sed -i -e '1d' -e 's/^Subject: \[PATCH\] xen: /Subject: /' "$P/drivers-xen-front/0001-two.patch"
out=$(check 2>&1); rc=$?
expect "bad header: exit 1" [ $rc -eq 1 ]
expect_match "bad header: no From: named" "0001-two.patch: first line is not \"From: Name <email>\"" "$out"
expect_match "bad header: bad Subject: named" "0001-two.patch: Subject: is not \"\[PATCH\] area: summary\"" "$out"
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2;/'
sed -i '/^Change one line/d' "$P/drivers-xen-front/0001-two.patch"
out=$(check 2>&1); rc=$?
expect_match "no body: named" "0001-two.patch: no commit message body" "$out"
NOSTAT=1 mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2;/'
out=$(check 2>&1); rc=$?
expect "no diffstat: exit 1" [ $rc -eq 1 ]
expect_match "no diffstat: named" "0001-two.patch: no diffstat after \"---\"" "$out"

# 3. a checkpatch error (trailing whitespace on an added line)
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2; /'
out=$(check 2>&1); rc=$?
expect "checkpatch error: exit 1" [ $rc -eq 1 ]
expect_match "checkpatch error: names the patch and the type" "^FAIL  drivers-xen-front/0001-two.patch: checkpatch ERROR TRAILING_WHITESPACE" "$out"
expect_match "checkpatch error: summary line" "^patches: 1 passed, 1 failed$" "$out"

# 4. a checkpatch warning: fails unless listed, with a reason, as an exception
mkpatch drivers-xen-front/0001-two.patch drivers/xen/events.c 's/int y;/int y2;/' '' 1 \
	'Fixes: 0123456789ab ("xen: add events")'
out=$(check 2>&1); rc=$?
expect "unknown commit id: exit 1" [ $rc -eq 1 ]
expect_match "unknown commit id: named" "0001-two.patch: checkpatch WARNING UNKNOWN_COMMIT_ID" "$out"
echo "drivers-xen-front/0001-two.patch UNKNOWN_COMMIT_ID checked by hand; no git history" >"$E"
out=$(check 2>&1); rc=$?
expect "listed exception: exit 0" [ $rc -eq 0 ]
expect_match "listed exception: reported" "0001-two.patch \(checkpatch exceptions: UNKNOWN_COMMIT_ID x1\)" "$out"
echo "drivers-xen-front/0001-two.patch UNKNOWN_COMMIT_ID" >"$E"
out=$(check 2>&1); rc=$?
expect "exception without a reason: refused" [ $rc -ne 0 ]
expect_match "exception without a reason: says so" "gives no reason" "$out"
echo "drivers-xen-front/0009-gone.patch UNKNOWN_COMMIT_ID a patch since dropped" >"$E"
out=$(check 2>&1)
expect_match "exception of no patch: called stale" "0009-gone.patch is not in the series \(stale entry\)" "$out"
mkdir -p "$W/mainline" && echo "drivers-xen-front/0009-gone.patch fixes code only mainline has" >"$W/mainline/only.txt"
out=$(MAINLINE_DIR=$W/mainline check 2>&1)
expect_no_match "exception of a mainline-only patch: not stale" "stale entry" "$out"
: >"$E"

# 5. a patch that breaks the build, fixed by the next one: only it is named
mkpatch $B drivers/xen/events.c 's/^int y;/int y/'
mkpatch $C drivers/xen/events.c 's/^int y$/int y;/' 's/^int y;/int y/'
printf '%s\n' $A $B $C >"$S"
out=$(check 2>&1); rc=$?
expect "breaking patch, no build: checks pass" [ $rc -eq 0 ]
out=$(check --build=full 2>&1); rc=$?
expect "breaking patch: exit 1" [ $rc -eq 1 ]
expect_match "breaking patch: names the patch" "^FAIL  $B: the tree does not build after this patch" "$out"
expect_match "breaking patch: shows the compiler error" "events.c.*error" "$out"
expect "breaking patch: the fixing patch is not blamed" not grep -q "^FAIL  $C" <<<"$out"
expect_match "breaking patch: built after the fix" "built after $C" "$out"
expect_match "breaking patch: summary line" "^patches: 2 passed, 1 failed$" "$out"
expect "breaking patch: whole series applied after" grep -qx 'int y;' "$W/tree/drivers/xen/events.c"

# 6. --build=fast: only after the patches the last commit changed
git init -q "$W/repo" && mkdir -p "$W/repo/patches"
cp -r "$P"/. "$W/repo/patches/" && printf '%s\n' $A >"$W/repo/series"
g() { git -C "$W/repo" -c user.name=T -c user.email=t@example.org "$@"; }
g add -A && g commit -q -m one
printf '%s\n' $A $B $C >"$W/repo/series"
g add -A && g commit -q -m "two more"
fast() { SERIES=$W/repo/series PATCHES=$W/repo/patches EXCEPTIONS=$E CHECKPATCH=$CP CHECK_BUILD_CMD=make \
	"$TOP/scripts/check-patches.sh" --tree "$W/tree" --build=fast 2>&1; }
out=$(fast); rc=$?
expect "fast, two patches added: fails on the breaking one" [ $rc -eq 1 ]
expect_match "fast, two patches added: names it" "^FAIL  $B: the tree does not build" "$out"
expect "fast, two patches added: first patch not built" not grep -q "built after $A" <<<"$out"
expect_match "fast: says how many builds" "build after 2 \(fast\)" "$out"
# the last commit changes only the first patch: one build, after it
mkpatch $A arch/x86/xen/enlighten.c 's/int b;/int b3;/'
cp "$P/$A" "$W/repo/patches/$A"
g commit -q -am "change the first patch"
out=$(fast); rc=$?
expect_match "fast, first patch changed: built after it" "built after $A" "$out"
expect "fast, first patch changed: no other build" not grep -q "built after $C" <<<"$out"
expect_match "fast: one build" "build after 1 \(fast\)" "$out"
# an uncommitted change counts too
sed -i 's/^Change one line/Change a line/' "$W/repo/patches/$C"
out=$(fast); rc=$?
expect_match "fast, uncommitted change: built after it" "built after $C" "$out"

# 7. --build=objects: the whole series applied, the objects it changes
obj() { RUN_DIR=$W/run SERIES=$S PATCHES=$P EXCEPTIONS=$E CHECKPATCH=$CP CHECK_BUILD_CMD='echo "objects: $OBJECTS"; make' \
	"$TOP/scripts/check-patches.sh" --tree "$W/tree" --build=objects 2>&1; }
printf '%s\n' $A $B $C >"$S"
out=$(obj); rc=$?
expect "objects, a break fixed later in the series: exit 0" [ $rc -eq 0 ]
expect_match "objects: the C files the series changes" "objects: arch/x86/xen/enlighten.o drivers/xen/events.o" "$(cat "$W/run/check-patches/objects.log")"
expect_match "objects: says what it compiled" "^objects: the series applied, 2 objects compiled" "$out"
expect "objects: no bisect step" not grep -q "built after" <<<"$out"
printf '%s\n' $A $B >"$S"
out=$(obj); rc=$?
expect "objects, the series ends broken: exit 1" [ $rc -eq 1 ]
expect_match "objects, broken: says so" "^FAIL  objects: .*failed \(log " "$out"
expect_match "objects, broken: counted" "^patches: 2 passed, 1 failed$" "$out"

finish
