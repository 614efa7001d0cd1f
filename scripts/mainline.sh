#!/usr/bin/env bash
# Try the series on the newest Linux that Debian packages: the newest
# linux-source-N.M of Debian unstable (sid), and report, per patch, whether
# it applies, needs a refresh, fails or is already upstream.
#
#   scripts/mainline.sh
#
# 1. Debian unstable's package lists, in a private apt state
#    ($CACHE/apt-mainline, refreshed at most every 12 hours; the system's
#    apt configuration is not changed). The mirror is the one the system's
#    own Debian sources use. MAINLINE_SUITES="sid experimental" also looks
#    at experimental (release candidates); MAINLINE_PKG=linux-source-7.2
#    picks a package by name.
# 2. apt-get download of the newest linux-source-N.M (into $DLCACHE/debs),
#    its tarball extracted into $OUT/mainline/linux-VERSION (kept).
# 3. Each patch on its own, on the pristine tree (patch --dry-run):
#      applies           cleanly (no fuzz, no offset)
#      needs refresh     applies only with an offset or fuzz
#      already upstream  the patch reverse-applies: mainline has it
#      fails             some hunks do not apply at all
#      needs the earlier P  only files that an earlier patch P creates are
#                        missing (then "in order" is what counts)
#    Then the whole series in order with quilt (push --fuzz=2) in that
#    tree: patches already upstream are left out, patches that apply with
#    fuzz or offset are refreshed (quilt refresh -p ab --no-timestamps
#    --no-index), failing ones are left out and listed.
# 4. Output in $OUT/mainline/VERSION/: status.md (Markdown table), series
#    and patches/ (the series refreshed for that version).
# The series tried is the mainline series (mainline/README.md): the series
# less mainline/not-applied.txt, with the versions in mainline/patches/.
# MAINLINE_TREE=DIR uses that kernel tree instead of steps 1-2 (tests).
# Exit 0 when every patch was classified (whatever the result).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h|--help) sed -n '2,30p' "$0"; exit 0 ;;
'') ;;
--save) die "--save is gone: the mainline series is kept in mainline/ (mainline/README.md)" ;;
*) die "usage: scripts/mainline.sh" ;;
esac
need apt-get:apt dpkg-deb:dpkg quilt:quilt patch:patch xz:xz-utils
export KTREE=mainline
use_ktree_series

if [ -n "${MAINLINE_TREE:-}" ]; then
	# A given tree (tests, or a mainline checkout): steps 1 and 2 skipped.
	tree=$(cd "$MAINLINE_TREE" && pwd) pkg="tree $MAINLINE_TREE" ver=$(tree_version "$MAINLINE_TREE")
else
	# (1) A private apt state for Debian unstable (lib.sh).
	sid_apt_setup
	aptopts=("${sid_apt_opts[@]}")

	# (2) The newest linux-source-N.M and its tree.
	pkg=${MAINLINE_PKG:-}
	if [ -z "$pkg" ]; then
		best='' bestver=''
		while read -r p; do
			v=$(apt-cache "${aptopts[@]}" show "$p" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
			[ -n "$v" ] || continue
			if [ -z "$bestver" ] || dpkg --compare-versions "$v" gt "$bestver"; then best=$p bestver=$v; fi
		done < <(apt-cache "${aptopts[@]}" pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -u)
		[ -n "$best" ] || die "no linux-source-N.M package in Debian ${MAINLINE_SUITES:-sid}"
		pkg=$best
	fi
	ver=$(apt-cache "${aptopts[@]}" show "$pkg" | sed -n 's/^Version: //p' | sort -V | tail -n1)
	deb=$(sid_deb_download "$pkg" "$ver")
	tarball=$(deb_tarball "$deb" "$pkg")
	tree=$OUT/mainline/linux-$ver
	stamp="$(stat -c '%s %Y' "$tarball")"
	if [ ! -f "$tree/.pvci-source" ] || [ "$(cat "$tree/.pvci-source")" != "$stamp" ]; then
		say "extracting $pkg $ver into $tree"
		rm -rf "$tree" "$tree.new" && mkdir -p "$tree.new"
		tar -C "$tree.new" --strip-components=1 -xf "$tarball"
		echo "$stamp" >"$tree.new/.pvci-source"
		mv "$tree.new" "$tree"
	fi
fi
V=$(tree_version "$tree")
[ -n "$V" ] || die "$tree is not a kernel tree"
# Back to the pristine tree (an earlier run left the mainline series applied).
if [ -d "$tree/.pc" ]; then
	(cd "$tree" && quilt --quiltrc=/dev/null pop -a -f -q) >/dev/null 2>&1 || die "cannot pop the earlier mainline series in $tree"
	rm -rf "$tree/.pc"
fi
R=$OUT/mainline/$V
rm -rf "$R" && mkdir -p "$R/patches"
say "series on Linux $V (Debian $pkg $ver): each patch on its own, then in order"

# (3a) Each patch on its own.
mapfile -t all < <(series_patches)
declare -A alone=() seq=()
for p in "${all[@]}"; do
	f=$PATCHES/$p
	if out=$(patch -d "$tree" -p1 --dry-run -f --fuzz=0 <"$f" 2>&1); then
		if grep -q 'offset' <<<"$out"; then
			alone[$p]="needs refresh (offset $(grep -o 'offset -\?[0-9]* lines\?' <<<"$out" | head -n1 | sed 's/offset //'))"
		else
			alone[$p]=applies
		fi
	elif patch -d "$tree" -p1 --dry-run -R -f <"$f" >/dev/null 2>&1; then
		alone[$p]="already upstream (reverse-applies)"
	elif out=$(patch -d "$tree" -p1 --dry-run -f <"$f" 2>&1); then
		alone[$p]="needs refresh (fuzz)"
	else
		nf=$(grep -c '^Hunk #[0-9]* FAILED' <<<"$out" || true)
		nh=$(grep -c '^@@' "$f" || true)
		files=$(awk '/^(patching|checking) file / { f = $3 } /^Hunk #[0-9]+ FAILED/ { print f }' <<<"$out" | sort -u | xargs)
		# Files the tree does not have (an earlier patch may create them).
		missing=$(awk '/can.t find file to patch/ { m = 1 } m && /^\|\+\+\+ / { sub(/^\|\+\+\+ [^\/]*\//, ""); sub(/[ \t].*/, ""); print; m = 0 }' <<<"$out" | sort -u)
		why=
		[ "$nf" -gt 0 ] && why="$nf of $nh hunks ($files)"
		if [ -n "$missing" ]; then
			made_by=$(for m in $missing; do for q in "${all[@]}"; do [ "$q" = "$p" ] && break
				awk -v f="+++ b/$m" 'index($0, f) == 1 && substr($0, length(f) + 1, 1) ~ /^([ \t]|)$/ { x = 1 } END { exit !x }' \
					"$PATCHES/$q" && { echo "$q"; break; }; done; done | sort -u | xargs)
			why="${why:+$why; }$(wc -w <<<"$missing") file(s) not in the tree${made_by:+, created by $made_by}"
		fi
		if [ "$nf" -eq 0 ] && [ -n "$made_by" ]; then
			alone[$p]="needs the earlier $made_by"
		else
			alone[$p]="fails: ${why:-see patch --dry-run}"
		fi
	fi
done

# (3b) In order, with quilt, refreshing what needs it.
export QUILT_PATCHES=$R/patches QUILT_SERIES=$R/series QUILT_PC=.pc QUILT_DIFF_OPTS=-p
: >"$R/series"
differs=0
for p in "${all[@]}"; do
	case ${alone[$p]} in
	"already upstream"*) seq[$p]="left out (upstream)"; differs=1; continue ;;
	esac
	mkdir -p "$R/patches/$(dirname "$p")"
	cp "$PATCHES/$p" "$R/patches/$p"
	echo "$p" >>"$R/series"
	if out=$(cd "$tree" && quilt --quiltrc=/dev/null push --fuzz=2 2>&1); then
		if grep -qE 'offset|fuzz' <<<"$out"; then
			(cd "$tree" && quilt --quiltrc=/dev/null refresh -p ab --no-timestamps --no-index) >/dev/null 2>&1 ||
				die "quilt refresh of $p failed in $tree"
			seq[$p]=refreshed
			differs=1
		else
			seq[$p]=applies
		fi
	else
		seq[$p]="fails: left out"
		sed -i '$d' "$R/series"
		echo "# fails on $V, needs porting: $p" >>"$R/series"
		rm -f "$R/patches/$p"
		differs=1
	fi
done

# (4) The table.
{
	echo "Series on Linux $V (Debian \`$pkg\` $ver, $(date -u +%Y-%m-%d)): each patch on its own on the pristine tree, and in order."
	echo
	echo "| patch | on its own | in order | mainline series |"
	echo "|---|---|---|---|"
	for p in "${all[@]}"; do
		case ${seq[$p]} in
		applies) m="as is" ;;
		refreshed) m="refreshed copy" ;;
		*) m="-" ;;
		esac
		echo "| $p | ${alone[$p]} | ${seq[$p]} | $m |"
	done
} >"$R/status.md"
cat "$R/status.md"
if [ $differs = 0 ]; then
	say "every patch of the mainline series applies cleanly to Linux $V"
else
	say "the mainline series needs changes on Linux $V: the refreshed one is in $R; put the patches that differ in mainline/patches/ (mainline/README.md)"
fi
say "tree with the mainline series applied (quilt): $tree"
