#!/usr/bin/env bash
# Rewrite the patches of the series in the form `git format-patch` gives
# them (a diffstat after "---", "diff --git" headers, hunk headers with
# the function they are in), keeping each patch's From:, Subject: and
# message as they are. The code they change does not change.
#
#   scripts/format-patches.sh [PATCH...]   default: every patch of the series
#
# How: a git repository under $OUT/format-patches holding only the files
# the series touches, as the pinned tarball has them (scripts/fetch-tree.sh
# --tarball); git am of each patch in series order, then git format-patch
# of that commit. A patch given on the command line is rewritten only if
# its text changes; every patch of the series is applied (the later ones
# need the earlier ones). Prints nothing on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git:git xz:xz-utils

mapfile -t all < <(series_patches)
[ ${#all[@]} -gt 0 ] || die "the series is empty"
declare -A want=()
if [ $# -gt 0 ]; then
	for p in "$@"; do
		p=${p#patches/}
		grep -qxF "$p" <<<"$(printf '%s\n' "${all[@]}")" || die "$p is not in the series ($SERIES)"
		want[$p]=1
	done
else
	for p in "${all[@]}"; do want[$p]=1; done
fi

W=$OUT/format-patches
rm -rf "$W" && mkdir -p "$W/repo"
# The files the series touches (a new file is simply not in the tarball).
for p in "${all[@]}"; do
	[ -f "$PATCHES/$p" ] || die "series names $p, but $PATCHES/$p does not exist"
	sed -n 's|^--- a/\([^[:space:]]*\).*|\1|p; s|^+++ b/\([^[:space:]]*\).*|\1|p' "$PATCHES/$p"
done | sort -u >"$W/files"
tarball=$("$TOP/scripts/fetch-tree.sh" --tarball)
sed 's|^|*/|' "$W/files" >"$W/members"
# Members that do not exist (new files) make tar complain: fine.
tar -C "$W/repo" --strip-components=1 --wildcards -xf "$tarball" -T "$W/members" >"$W/tar.log" 2>&1 || true
g() { git -C "$W/repo" -c user.name=format-patches -c user.email=format-patches@localhost -c core.autocrlf=false "$@"; }
g init -q
g add -A -f .
g commit -q --allow-empty -m pinned
# The header as the series writes it: no Date:, each field on one line
# (format-patch folds long ones).
unfold_header() {
	awk 'h == 0 && /^$/ { if (prev != "") print prev; prev = ""; h = 1 }
		h == 0 { if (/^[ \t]/) { sub(/^[ \t]+/, " "); prev = prev $0; next }
			if (prev != "" && prev !~ /^Date: /) print prev; prev = $0; next }
		{ print }'
}
changed=0
for p in "${all[@]}"; do
	if ! g am -q --keep-non-patch "$PATCHES/$p" >"$W/am.log" 2>&1; then
		sed 's/^/  /' "$W/am.log" | head -n 20 >&2
		die "git am: $p does not apply after the patches before it (log $W/am.log)"
	fi
	[ -n "${want[$p]:-}" ] || continue
	# format-patch's first line ("From <sha> <date>") and Date: go: the
	# series' patches start with From: and carry no date.
	g format-patch -1 --stdout --no-signature --subject-prefix=PATCH HEAD |
		sed '1{/^From [0-9a-f]\{40\} /d}' | unfold_header >"$W/new.patch"
	if ! cmp -s "$W/new.patch" "$PATCHES/$p"; then
		cp "$W/new.patch" "$PATCHES/$p"
		changed=$((changed + 1))
		say "rewritten: $p"
	fi
done
say "format-patches: ${#want[@]} patch(es) checked, $changed rewritten"
