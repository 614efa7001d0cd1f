#!/usr/bin/env bash
# Print the path of the kernel tree to build, preparing it if needed.
# KTREE (lib.sh) says which: lts (default) or mainline.
#
#   KSRC=/path   use that tree as it is (any 6.12.y tree, e.g. a stable git
#                checkout); the series is applied to it in place.
#                MAINLINE_KSRC=/path: the same for the mainline tree.
#   mainline     extract Debian unstable's $MAINLINE_SOURCE_PKG
#                ($MAINLINE_SOURCE_DEBVER, downloaded into the cache without
#                installing it) into $OUT/src/linux-mainline.
#   otherwise    extract the pinned tree into $OUT/src/linux from, in order:
#                1. $DLCACHE/linux-$LINUX_VERSION.tar.xz (kernel.org tarball),
#                   used only if its sha256 is LINUX_TARBALL_SHA256;
#                2. Debian's $LINUX_SOURCE_PKG (/usr/src tarball if installed,
#                   else downloaded into the cache without installing).
# Progress goes to stderr; the tree path alone to stdout.
#
#   scripts/fetch-tree.sh --tarball   print the path of the pinned tarball
#                                      instead (downloading it if needed)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
data_on_stdout

want_tarball=0
[ "${1:-}" = --tarball ] && want_tarball=1
if [ "$KTREE" = mainline ]; then
	KSRC=${MAINLINE_KSRC:-}
	if [ $want_tarball = 1 ] && [ -n "$KSRC" ]; then
		die "MAINLINE_KSRC=$KSRC is set: there is no pinned tarball to print (unset MAINLINE_KSRC)"
	fi
fi
if [ $want_tarball = 1 ] && [ -n "${KSRC:-}" ]; then
	die "KSRC=$KSRC is set: there is no pinned tarball to print (unset KSRC)"
fi
# The pinned tree is an .xz tarball (tar calls xz), possibly inside a .deb.
[ -n "${KSRC:-}" ] || need xz:xz-utils dpkg-deb:dpkg
if [ -n "${KSRC:-}" ]; then
	check_tree "$KSRC"
	result "$(cd "$KSRC" && pwd)"
	exit 0
fi

tarball=
korg=$DLCACHE/linux-$LINUX_VERSION.tar.xz
if [ "$KTREE" = mainline ]; then
	deb=$(sid_deb_download "$MAINLINE_SOURCE_PKG" "$MAINLINE_SOURCE_DEBVER")
	tarball=$(deb_tarball "$deb" "$MAINLINE_SOURCE_PKG")
	origin="$(basename "$deb")"
elif [ -f "$korg" ]; then
	[ -n "$LINUX_TARBALL_SHA256" ] || die "$korg found but no sha256 is pinned for it: set LINUX_TARBALL_SHA256 in pin.env (or on the command line) to the value in kernel.org's sha256sums.asc"
	sum=$(sha256sum "$korg" | cut -d' ' -f1)
	[ "$sum" = "$LINUX_TARBALL_SHA256" ] || die "$korg: sha256 $sum does not match the pinned $LINUX_TARBALL_SHA256; remove the file or fix the pin"
	tarball=$korg
	origin="kernel.org tarball $korg (sha256 verified)"
else
	installed=/usr/src/$LINUX_SOURCE_PKG.tar.xz
	if [ -f "$installed" ]; then
		tarball=$installed
		origin="$LINUX_SOURCE_PKG $(dpkg-query -W -f '${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null || echo '(unknown version)') from $installed"
	else
		deb=$(deb_download "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_DEBVER")
		tarball=$(deb_tarball "$deb" "$LINUX_SOURCE_PKG")
		origin="$(basename "$deb")"
	fi
fi

if [ $want_tarball = 1 ]; then
	result "$tarball"
	exit 0
fi

tree=$OUT/src/linux
[ "$KTREE" = lts ] || tree=$OUT/src/linux-$KTREE
stamp="$(readlink -f "$tarball") $(stat -c '%s %Y' "$tarball")"
if [ ! -f "$tree/.pvci-source" ] || [ "$(cat "$tree/.pvci-source")" != "$stamp" ]; then
	printf 'extracting %s into %s\n' "$origin" "$tree" >&2
	rm -rf "$tree.new" "$tree"
	disk_need tree "$OUT"
	mkdir -p "$tree.new"
	tar -C "$tree.new" --strip-components=1 -xf "$tarball" 2>"$OUT/src/tar.log" ||
		die "extracting $tarball failed$(disk_why "$OUT/src/tar.log" "$OUT"): $(tail -n 3 "$OUT/src/tar.log")"
	printf '%s\n' "$stamp" >"$tree.new/.pvci-source"
	mv "$tree.new" "$tree"
fi
check_tree "$tree"
result "$tree"
