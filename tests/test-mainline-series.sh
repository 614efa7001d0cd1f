#!/usr/bin/env bash
# Tests of the mainline series (mainline/, scripts/lib.sh:
# compose_mainline_series): the series less mainline/not-applied.txt, with
# the versions in mainline/patches/, then mainline/only.txt's patches;
# entries that name no patch of the series are refused, naming the file.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib-test.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
compose() { bash -c '. "$1/scripts/lib.sh" && compose_mainline_series "${@:2}"' _ "$TOP" "$@" 2>&1; }

compose "$W/real" >/dev/null; rc=$?
expect "the real mainline series composes" [ $rc -eq 0 ]
n_series=$(bash -c '. "$1/scripts/lib.sh" && series_patches | wc -l' _ "$TOP")
n_not=$(sed 's/#.*//' "$TOP/mainline/not-applied.txt" | awk 'NF' | wc -l)
n_only=$(sed 's/#.*//' "$TOP/mainline/only.txt" | awk 'NF' | wc -l)
expect "mainline series: the series less not-applied.txt plus only.txt ($n_series - $n_not + $n_only)" \
	[ "$(wc -l <"$W/real/series")" -eq $((n_series - n_not + n_only)) ]
noreason=$(awk '!/^[[:space:]]*(#|$)/ && NF < 2' "$TOP/mainline/not-applied.txt" "$TOP/mainline/only.txt")
expect "every not-applied and only entry has a reason" [ -z "$noreason" ]
o=$(sed 's/#.*//' "$TOP/mainline/only.txt" | awk 'NF { print $1; exit }')
last=0
[ -n "$o" ] && [ "$(grep -nxF "$o" "$W/real/series" | cut -d: -f1)" -gt $((n_series - n_not)) ] &&
	[ "$(readlink "$W/real/patches/$o")" = "$TOP/mainline/patches/$o" ] && last=1
expect "a mainline-only patch comes last, linked to mainline/patches/" [ $last = 1 ]
ok=1
for f in $(cd "$TOP/mainline/patches" && find . -name '*.patch' | sed 's|^\./||'); do
	[ "$(readlink "$W/real/patches/$f")" = "$TOP/mainline/patches/$f" ] || ok=0
done
expect "a patch with a mainline version links to it" [ $ok = 1 ]
p=$(grep -m1 arch-x86-pv/0003 "$W/real/series")
expect "a patch without one links to patches/" [ "$(readlink "$W/real/patches/$p")" = "$TOP/patches/$p" ]
expect "no patch is both not applied and given a mainline version" \
	not grep -qxF -f <(cd "$TOP/mainline/patches" && find . -name '*.patch' | sed 's|^\./||') <(sed 's/#.*//' "$TOP/mainline/not-applied.txt" | awk 'NF { print $1 }')

# Made from the series less one patch (scripts/without-patch.sh): that
# patch is gone, and the others keep their mainline versions.
m=$(cd "$TOP/mainline/patches" && find . -name '*.patch' | sed 's|^\./||' | sort | head -n 1)
bash -c '. "$1/scripts/lib.sh" && series_patches' _ "$TOP" | grep -vxF "$p" >"$W/less.series"
compose "$W/less" "$W/less.series" >/dev/null; rc=$?
expect "the series less a patch composes" [ $rc -eq 0 ]
expect "the series less a patch: that patch is not in the mainline series" not grep -qxF "$p" "$W/less/series"
expect "the series less a patch: one entry fewer than the whole" [ "$(wc -l <"$W/less/series")" -eq $(($(wc -l <"$W/real/series") - 1)) ]
expect "the series less a patch: a mainline version is still used" [ "$(readlink "$W/less/patches/$m")" = "$TOP/mainline/patches/$m" ]
bash -c '. "$1/scripts/lib.sh" && series_patches' _ "$TOP" | grep -vxF "$m" >"$W/less2.series"
compose "$W/less2" "$W/less2.series" >/dev/null; rc=$?
expect "the series less a patch that has a mainline version composes" [ $rc -eq 0 ]
expect "... and that patch is left out" not grep -qxF "$m" "$W/less2/series"

# Bad input.
mkdir -p "$W/m1/patches" "$W/m2/patches/selftests" "$W/m3/patches/arch-x86-pv"
echo 'selftests/9999-nosuch.patch gone' >"$W/m1/not-applied.txt"
expect_match "not-applied.txt naming no patch is refused" 'not-applied.txt names selftests/9999-nosuch.patch, which is not in the series' \
	"$(MAINLINE_DIR=$W/m1 compose "$W/o1")"
: >"$W/m2/not-applied.txt"
echo x >"$W/m2/patches/selftests/9999-old-name.patch"
expect_match "a mainline version of no patch is refused" 'selftests/9999-old-name.patch is not a patch of the series' \
	"$(MAINLINE_DIR=$W/m2 compose "$W/o2")"
echo "$p both" >"$W/m3/not-applied.txt"
cp "$TOP/patches/$p" "$W/m3/patches/$p"
expect_match "a patch both not applied and in patches/ is refused" "$p is both in" "$(MAINLINE_DIR=$W/m3 compose "$W/o3")"
mkdir -p "$W/m4/patches" "$W/m5/patches/arch-x86-pv"
: >"$W/m4/not-applied.txt"
echo 'selftests/9999-only.patch reason' >"$W/m4/only.txt"
expect_match "only.txt naming a missing file is refused" 'only.txt names selftests/9999-only.patch, but' \
	"$(MAINLINE_DIR=$W/m4 compose "$W/o4")"
: >"$W/m5/not-applied.txt"
echo "$p reason" >"$W/m5/only.txt"
cp "$TOP/patches/$p" "$W/m5/patches/$p"
expect_match "only.txt naming a patch of the series is refused" "only.txt names $p, which is in the series" \
	"$(MAINLINE_DIR=$W/m5 compose "$W/o5")"
finish
