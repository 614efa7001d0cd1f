#!/usr/bin/env bash
# Apply the quilt series to a kernel tree: quilt push -a --fuzz=0.
#
#   scripts/apply.sh [--check] TREE
#
# - A series already applied (by quilt, or by other means such as git am) is
#   detected and not applied twice.
# - Patches changed since they were pushed (the file differs from what was
#   applied) are popped and pushed again, and every file they touched is
#   given a new mtime so that an incremental build sees the change.
# - --check says whether the series applies, without changing TREE.
# - A patch that does not apply: exit 1, naming the patch, the file and the
#   hunk; TREE is left with the patches before it applied.
# KTREE=mainline: the mainline series (mainline/). SERIES and PATCHES
# (environment) select another series, for tests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check=0
case ${1:-} in
--check) check=1; shift ;;
-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
esac
[ $# -eq 1 ] || die "usage: scripts/apply.sh [--check] TREE"
check_tree "$1"
TREE=$(cd "$1" && pwd)
need quilt:quilt patch:patch

# The mainline tree takes the mainline series (lib.sh: use_ktree_series).
use_ktree_series
export QUILT_PATCHES=$PATCHES QUILT_SERIES=$SERIES QUILT_PC=.pc
# quilt records the series and patches directory of the first push in .pc
# and prefers them to the environment: make ours win (check-patches.sh
# pushes truncated copies of the series; without-patch.sh another one).
quilt_ours() {
	if [ -d "$TREE/.pc" ]; then
		echo "$QUILT_SERIES" >"$TREE/.pc/.quilt_series"
		echo "$QUILT_PATCHES" >"$TREE/.pc/.quilt_patches"
	fi
}
q() {
	quilt_ours
	(cd "$TREE" && quilt --quiltrc=/dev/null "$@")
}
STAMP=$TREE/.pc/.pvci-applied

mapfile -t want < <(series_patches)
for p in "${want[@]}"; do
	[ -f "$PATCHES/$p" ] || die "series names $p, but $PATCHES/$p does not exist"
done
sha_of() { sha256sum "$PATCHES/$1" | cut -d' ' -f1; }
want_sha=()
for p in "${want[@]}"; do want_sha+=("$(sha_of "$p")"); done

# What quilt has applied in TREE, with the sha256 recorded when it was pushed.
have=() have_sha=()
if [ -f "$TREE/.pc/applied-patches" ]; then
	mapfile -t have <"$TREE/.pc/applied-patches"
	for p in "${have[@]}"; do
		s=$(awk -v p="$p" '$1 == p { print $2 }' "$STAMP" 2>/dev/null)
		have_sha+=("${s:-unknown}")
	done
fi
# Length of the common, unchanged prefix.
k=0
while [ $k -lt ${#have[@]} ] && [ $k -lt ${#want[@]} ] &&
	[ "${have[$k]}" = "${want[$k]}" ] && [ "${have_sha[$k]}" = "${want_sha[$k]}" ]; do
	k=$((k + 1))
done

write_stamp() {
	[ -d "$TREE/.pc" ] || return 0
	: >"$STAMP"
	local p
	while read -r p; do
		[ -n "$p" ] && printf '%s %s\n' "$p" "$(sha_of "$p")" >>"$STAMP"
	done <"$TREE/.pc/applied-patches" 2>/dev/null || true
}

# Files a patch touches (paths inside the tree).
patch_files() {
	sed -n -e 's/^+++ \([^[:space:]]*\).*/\1/p' -e 's/^--- \([^[:space:]]*\).*/\1/p' "$PATCHES/$1" |
		grep -v '^/dev/null$' | sed 's|^[^/]*/||' | sort -u
}

# Explain a failed quilt push from its output (file $1), naming patch, file, hunk.
explain_failure() {
	awk '
	/^Applying patch / { patch = $3 }
	/^patching file / { file = substr($0, 15) }
	/^Hunk #[0-9]+ FAILED/ { printf "  %s: %s\n", file, $0; bad = 1 }
	/can.t find file to patch|No file to patch/ { printf "  %s: file not found in the tree\n", file; bad = 1 }
	/Reversed \(or previously applied\) patch detected/ { printf "  %s: looks already applied (reversed patch detected)\n", file; bad = 1 }
	/does not apply/ { failed = patch }
	END {
		if (!bad) print "  (no hunk named; full quilt output follows)"
		print failed > "/dev/stderr"
	}' "$1"
}

# Report a failed push (quilt output in $1); sets FAILED to the patch's name.
report_failure() {
	FAILED=$(explain_failure "$1" 2>&1 >"$scratch/why")
	printf 'error: patch %s does not apply to %s:\n' "${FAILED:-?}" "$TREE" >&2
	cat "$scratch/why" >&2
}

# Build a scratch copy of just the files the remaining patches touch, as they
# would be after popping the stale patches, and push the rest there. Used by
# --check and to detect a series applied without quilt.
scratch_push() {
	local dir=$1 mode=$2 i f b p
	shift 2
	for p in "$@"; do patch_files "$p"; done | sort -u | while read -r f; do
		if [ -e "$TREE/$f" ]; then
			mkdir -p "$dir/$(dirname "$f")"
			cp -p "$TREE/$f" "$dir/$f"
		fi
	done
	# Roll back the stale applied patches with quilt's own backups.
	for ((i = ${#have[@]} - 1; i >= k; i--)); do
		b=$TREE/.pc/${have[$i]}
		[ -d "$b" ] || continue
		(cd "$b" && find . -type f ! -name .timestamp) | while read -r f; do
			f=${f#./}
			mkdir -p "$dir/$(dirname "$f")"
			if [ -s "$b/$f" ]; then cp -p "$b/$f" "$dir/$f"; else rm -f "$dir/$f"; fi
		done
	done
	if [ "$mode" = reverse ]; then
		for ((i = $# ; i >= 1; i--)); do
			patch -d "$dir" -p1 -R -s -f --fuzz=0 --no-backup-if-mismatch -r - <"$PATCHES/${!i}" >/dev/null 2>&1 || return 1
		done
		return 0
	fi
	mkdir -p "$dir/.scratch-series"
	printf '%s\n' "$@" >"$dir/.scratch-series/series"
	(cd "$dir" && QUILT_SERIES=$dir/.scratch-series/series quilt --quiltrc=/dev/null push -a --fuzz=0) >"$dir/.push.log" 2>&1
}

rest=("${want[@]:$k}")
npop=$((${#have[@]} - k))

if [ $npop -eq 0 ] && [ ${#rest[@]} -eq 0 ]; then
	if [ ${#want[@]} -eq 0 ]; then
		say "series is empty: nothing to apply to $TREE"
	else
		say "series already applied to $TREE (${#want[@]} patches): nothing to do"
	fi
	# The same patches may have been pushed from another series file
	# (check-patches.sh's truncated copy ending with the last patch):
	# point quilt at ours, for the quilt commands run by hand after this.
	[ $check = 1 ] || quilt_ours
	exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Series applied by other means (e.g. git am on a stable checkout)?
if [ ${#have[@]} -eq 0 ] && [ ${#want[@]} -gt 0 ] && ! scratch_push "$scratch/fwd" forward "${want[@]}" &&
	scratch_push "$scratch/rev" reverse "${want[@]}"; then
	say "series already applied to $TREE without quilt (every patch reverses cleanly): nothing to do"
	exit 0
fi

if [ $check -eq 1 ]; then
	if [ ${#rest[@]} -eq 0 ] || scratch_push "$scratch/chk" forward "${rest[@]}"; then
		say "series applies cleanly to $TREE: $k already applied, $npop to pop, ${#rest[@]} to push"
		exit 0
	fi
	report_failure "$scratch/chk/.push.log"
	exit 1
fi

if [ $npop -gt 0 ]; then
	# Remember every file the stale patches touched: popping restores their
	# old mtimes, which would hide the change from make.
	touched=$scratch/touched
	for ((i = k; i < ${#have[@]}; i++)); do
		[ -d "$TREE/.pc/${have[$i]}" ] && (cd "$TREE/.pc/${have[$i]}" && find . -type f ! -name .timestamp)
	done | sed 's|^\./||' | sort -u >"$touched"
	if [ $k -eq 0 ]; then
		say "popping all ${#have[@]} applied patches (series changed)"
		q pop -a -f -q >"$scratch/pop.log" 2>&1 || { cat "$scratch/pop.log" >&2; die "quilt pop -a failed in $TREE"; }
	else
		say "popping $npop patches down to ${have[$((k - 1))]} (series changed)"
		q pop -f -q "${have[$((k - 1))]}" >"$scratch/pop.log" 2>&1 || { cat "$scratch/pop.log" >&2; die "quilt pop failed in $TREE"; }
	fi
	while read -r f; do [ -e "$TREE/$f" ] && touch "$TREE/$f"; done <"$touched"
	write_stamp
fi

if [ ${#rest[@]} -eq 0 ]; then
	say "series applied to $TREE: ${#want[@]} patches"
	exit 0
fi

log=${APPLY_LOG:-$scratch/push.log}
if q push -a --fuzz=0 >"$log" 2>&1; then
	write_stamp
	grep '^Applying patch' "$log" | sed 's/^/  /' >&2
	say "series applied to $TREE: ${#want[@]} patches (${#rest[@]} pushed now)"
	exit 0
fi
write_stamp
report_failure "$log"
top=$(q top 2>/dev/null || true)
printf 'error: tree left as it was before %s (quilt top: %s)\n' "${FAILED:-that patch}" "${top:-none}" >&2
[ -n "${APPLY_LOG:-}" ] && printf 'error: full quilt output: %s\n' "$log" >&2
exit 1
