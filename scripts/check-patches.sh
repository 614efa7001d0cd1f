#!/usr/bin/env bash
# Check every patch of the series the way upstream will.
#
#   scripts/check-patches.sh [--build=none|fast|full] [--tree DIR] [PATCH...]
#
# Per patch (the series entries, or only the PATCHes named):
#   header      From: Name <email>; Subject: [PATCH] area: summary; a commit
#               message body; Signed-off-by: Name <email>; a "---" line
#               between the message and the diff (git am and quilt both
#               read that layout), then a diffstat, as git format-patch
#               writes it (scripts/format-patches.sh).
#   checkpatch  scripts/checkpatch.pl --strict of the tree: zero errors,
#               warnings and checks, except the "PATCH TYPE reason" entries
#               of checkpatch-exceptions.txt. UNKNOWN_COMMIT_ID exceptions
#               are honoured only when the tree is not a git tree with
#               history (a tarball tree cannot resolve any commit id); in
#               a git tree the ids are checked for real.
#   build       (bisectability) the series up to and including the patch is
#               applied to the tree (scripts/apply.sh with a truncated
#               series, so quilt state and mtimes stay right) and built:
#               the x86_64 guest kernel with scripts/build-kernel.sh (same
#               out-of-tree build dir and ccache as `make kernel`, so a step
#               only recompiles what the patch changes), plus the kselftest
#               suites the patch touches. Every step uses one config: the
#               kselftest config fragments are those of the whole series.
#               The whole series is re-applied at the end; the next
#               `make kernel` rebuilds incrementally.
#     --build=fast  only the patches changed since BASE_REV (default HEAD~1:
#                   the patches the last commit changed, plus uncommitted
#                   changes) and, when the last commit reordered or inserted
#                   entries in the series, every entry from the first one
#                   that differs. This is what `make test` runs.
#     --build=full  after every patch of the series (`make check-patches-full`).
#     --build=objects  no bisect steps and no link: the whole series
#                   applied, the objects of the C files it changes compiled
#                   (arch/x86/kernel/paravirt.o too when it changes an
#                   arch/x86 header), and the kselftest suites it touches
#                   built. What `make test` runs on the mainline tree, whose
#                   full build and boot are in `make matrix` (cold, a second
#                   kernel build does not fit CI on the slow machines).
#     --build=none  no build (default when run by hand).
# Exit 1 if any patch fails; the last line is "patches: N passed, N failed".
#
# Environment: TREE-independent overrides for tests and other setups:
#   CHECKPATCH=path      checkpatch.pl to run (default TREE/scripts/checkpatch.pl)
#   EXCEPTIONS=file      default checkpatch-exceptions.txt
#   CHECK_BUILD_CMD=cmd  build command instead of build-kernel.sh, run with
#                        bash -c in TREE (TREE and PATCH exported)
#   BASE_REV=rev         base of --build=fast (default HEAD~1)
#   FLAVOUR, KCONFIG_SUITES as in the Makefile; SERIES, PATCHES, OUT.
#   KTREE=mainline       the mainline series (mainline/) and tree; its log
#                        and summary are check-patches-mainline*.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=none tree=
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--build=*) mode=${1#--build=} ;;
	--build) mode=${2:?}; shift ;;
	--tree=*) tree=${1#--tree=} ;;
	--tree) tree=${2:?}; shift ;;
	-h|--help) sed -n '2,51p' "$0"; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) only+=("$1") ;;
	esac
	shift
done
case $mode in none|fast|full|objects) ;; *) die "--build=$mode: use none, fast, full or objects" ;; esac

[ -n "$tree" ] || tree=$("$TOP/scripts/fetch-tree.sh")
check_tree "$tree" 2>/dev/null || true
[ -d "$tree" ] || die "tree $tree: no such directory"
TREE=$(cd "$tree" && pwd)
# KTREE=mainline: the mainline series (lib.sh: use_ktree_series).
use_ktree_series
PATCHES=$(cd "$PATCHES" && pwd) SERIES=$(realpath "$SERIES")
EXCEPTIONS=${EXCEPTIONS:-$TOP/checkpatch-exceptions.txt}
CHECKPATCH=${CHECKPATCH:-$TREE/scripts/checkpatch.pl}
FLAVOUR=${FLAVOUR:-x86_64-guest}
LOGDIR=${RUN_DIR:-$OUT/logs}/check-patches$(ktree_suffix)
rm -rf "$LOGDIR" && mkdir -p "$LOGDIR"
[ -f "$CHECKPATCH" ] || die "no checkpatch.pl at $CHECKPATCH (set CHECKPATCH=)"
need perl:perl

mapfile -t all < <(series_patches)
for p in "${all[@]}"; do
	[ -f "$PATCHES/$p" ] || die "series names $p, but $PATCHES/$p does not exist"
done
if [ ${#only[@]} -gt 0 ]; then
	for p in "${only[@]}"; do grep -qxF "$p" <<<"$(printf '%s\n' "${all[@]}")" || die "$p is not in the series"; done
	checked=("${only[@]}")
else
	checked=("${all[@]}")
fi

# A git tree with history can resolve the commit ids of Fixes: tags.
tree_has_history=0
# The tree's own repository: a tree inside another one (out/src/linux in
# this project's clone) has no history of its own.
if [ "$(git -C "$TREE" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$TREE" && pwd -P)" ] &&
	[ "$(git -C "$TREE" rev-list --count HEAD 2>/dev/null || echo 0)" -gt 1 ]; then
	tree_has_history=1
fi
# checkpatch wants the top of a kernel tree unless told --no-tree.
cp_opts=(--strict --show-types --color=never --no-summary)
for f in COPYING MAINTAINERS Kbuild scripts/checkpatch.pl; do
	[ -e "$TREE/$f" ] || { cp_opts+=(--no-tree); break; }
done

declare -A fail_why=()
fail() { # PATCH WHY
	fail_why[$1]+="$2"$'\n'
	printf 'FAIL  %s: %s\n' "$1" "$2"
}

excepted() { # PATCH TYPE
	[ -f "$EXCEPTIONS" ] || return 1
	[ "$2" = UNKNOWN_COMMIT_ID ] && [ $tree_has_history = 1 ] && return 1
	awk -v p="$1" -v t="$2" '$1 == p && $2 == t { f = 1 } END { exit !f }' "$EXCEPTIONS"
}
# Exceptions must give a reason and name a patch of the series or of
# mainline/only.txt (one file serves both trees).
if [ -f "$EXCEPTIONS" ]; then
	known=$(printf '%s\n' "${all[@]}"; series_patches "$TOP/series"; mainline_list only.txt)
	while read -r p t why; do
		case $p in '' | \#*) continue ;; esac
		[ -n "$why" ] || die "$EXCEPTIONS: '$p $t' gives no reason"
		grep -qxF "$p" <<<"$known" ||
			note "$EXCEPTIONS: $p is not in the series (stale entry)"
	done <"$EXCEPTIONS"
fi

# (1) The header: From, Subject, body, Signed-off-by, "---".
check_header() { # PATCH
	local f=$PATCHES/$1 problems
	problems=$(awk '
		BEGIN { part = "head" }
		part == "head" && NR == 1 && !/^From: .+ <[^>]+@[^>]+>$/ { print "first line is not \"From: Name <email>\"" }
		part == "head" && /^Subject: / {
			subj = 1
			if ($0 !~ /^Subject: \[PATCH[^]]*\] [^ :][^:]*: [^ ]/) print "Subject: is not \"[PATCH] area: summary\": " substr($0, 10)
		}
		part == "head" && /^$/ { part = "msg"; next }
		part == "msg" && (/^---$/ || /^diff / || /^Index: / || /^--- [^ ]/) {
			if ($0 == "---") sep = 1
			part = "diff"; next
		}
		part == "diff" && !hunks && /^ [0-9]+ files? changed/ { stat = 1 }
		part == "diff" && /^(diff |--- |@@ )/ { hunks = 1 }
		part == "msg" && /^Signed-off-by: .+ <[^>]+@[^>]+>$/ { sob = 1; next }
		part == "msg" && /^[A-Za-z-]+: / { next }
		part == "msg" && /[^[:space:]]/ { body = 1 }
		END {
			if (!subj) print "no Subject: line in the header"
			if (!body) print "no commit message body"
			if (!sob) print "no Signed-off-by: line in the commit message"
			if (!sep) print "no \"---\" line between the commit message and the diff"
			if (sep && !stat) print "no diffstat after \"---\" (git format-patch form: make format-patches writes it)"
		}' "$f")
	[ -z "$problems" ] && return 0
	while IFS= read -r why; do fail "$1" "$why"; done <<<"$problems"
	return 1
}

# (2) checkpatch --strict.
check_checkpatch() { # PATCH N
	local log=$LOGDIR/checkpatch-$2.log rc=0 lvl type msg ctx bad=0 exc=()
	(cd "$TREE" && perl "$CHECKPATCH" "${cp_opts[@]}" "$PATCHES/$1") >"$log" 2>&1 || rc=$?
	while IFS=$'\t' read -r lvl type msg ctx; do
		if excepted "$1" "$type"; then
			exc+=("$type")
		else
			fail "$1" "checkpatch $lvl $type: $msg${ctx:+ ($ctx)}"
			bad=1
		fi
	done < <(awk '
		/^(ERROR|WARNING|CHECK):[A-Z0-9_]+: / {
			if (l != "") print l "\t"
			split($0, a, ":"); lvl = a[1]; type = a[2]
			msg = substr($0, length(lvl) + length(type) + 4)
			l = lvl "\t" type "\t" msg; next
		}
		l != "" && /^#[0-9]+: *$/ { n = substr($0, 2); sub(/: *$/, "", n); getline; print l "\tline " n ": " $0; l = ""; next }
		l != "" && /^#[0-9]+: / { print l "\t" substr($0, 2); l = ""; next }
		l != "" { print l "\t"; l = "" }
		END { if (l != "") print l "\t" }' "$log")
	if [ $bad = 0 ] && [ $rc -ne 0 ] && [ ${#exc[@]} -eq 0 ]; then
		fail "$1" "checkpatch exited $rc with no finding it could name: see $log"
		bad=1
	fi
	[ ${#exc[@]} -gt 0 ] && EXCEPTED[$1]=$(printf '%s\n' "${exc[@]}" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
	return $bad
}
declare -A EXCEPTED=()

# (3) Which patches to build after.
to_build=()
case $mode in
full) to_build=("${all[@]}") ;;
fast)
	base=${BASE_REV:-HEAD~1}
	repo=$(git -C "$PATCHES" rev-parse --show-toplevel 2>/dev/null || true)
	if [ -z "$repo" ] || ! git -C "$repo" rev-parse -q --verify "$base^{commit}" >/dev/null; then
		# A shallow clone (CI) cannot tell what the last commit changed, and
		# building after every patch there means several cold builds: build
		# the whole series only, and say so.
		note "--build=fast: no $base to compare with (not a git checkout, or a shallow clone): building after the last patch only; run make check-patches-full for every patch"
		[ ${#all[@]} -gt 0 ] && to_build=("${all[-1]}")
	else
		prel=$(realpath --relative-to="$repo" "$PATCHES")
		srel=$(realpath --relative-to="$repo" "$SERIES")
		declare -A pick=()
		while read -r f; do
			[ -n "$f" ] && pick[${f#"$prel"/}]=1
		done < <(git -C "$repo" diff --name-only "$base" -- "$prel")
		git -C "$repo" show "$base:$srel" >"$LOGDIR/series-base" 2>/dev/null || : >"$LOGDIR/series-base"
		mapfile -t old < <(series_patches "$LOGDIR/series-base")
		i=0
		while [ $i -lt ${#all[@]} ] && [ $i -lt ${#old[@]} ] && [ "${all[$i]}" = "${old[$i]}" ]; do i=$((i + 1)); done
		for ((; i < ${#all[@]}; i++)); do pick[${all[$i]}]=1; done
		for p in "${all[@]}"; do [ -n "${pick[$p]:-}" ] && to_build+=("$p"); done
	fi
	;;
esac
if [ ${#only[@]} -gt 0 ] && [ $mode != none ]; then
	keep=()
	for p in "${to_build[@]}"; do grep -qxF "$p" <<<"$(printf '%s\n' "${only[@]}")" && keep+=("$p"); done
	to_build=("${keep[@]}")
fi

if [ $mode = objects ]; then what="the objects the series changes"; else what="build after ${#to_build[@]} ($mode)"; fi
stage "check-patches: ${#checked[@]} patches; checkpatch $(basename "$CHECKPATCH") --strict$([ $tree_has_history = 0 ] && echo ' (tree without git history)'); $what"

n=0
for p in "${checked[@]}"; do
	n=$((n + 1))
	check_header "$p" || true
	check_checkpatch "$p" "$n" || true
done

# Builds, in series order.
built_any=0
build_step() { # PATCH INDEX
	local p=$1 i=$2 log=$LOGDIR/build-$2.log pre=$LOGDIR/series-upto suites t0
	# One path for every step: quilt keeps using the series file of the
	# first push (apply.sh rewrites .pc/.quilt_series, but keep it simple).
	printf '%s\n' "${all[@]:0:$((i + 1))}" >"$pre"
	if ! SERIES=$pre PATCHES=$PATCHES "$TOP/scripts/apply.sh" "$TREE" >"$log.apply" 2>&1; then
		sed -n 's/^error: /  /p' "$log.apply"
		fail "$p" "the series up to this patch does not apply to $TREE (see $log.apply)"
		return 0
	fi
	built_any=1
	t0=$(now)
	if [ -n "${CHECK_BUILD_CMD:-}" ]; then
		if ! (cd "$TREE" && TREE=$TREE PATCH=$p bash -c "$CHECK_BUILD_CMD") >"$log" 2>&1; then
			grep -E 'error|Error' "$log" | head -n 10 | sed 's/^/  /'
			fail "$p" "the tree does not build after this patch (\`$CHECK_BUILD_CMD\`, log $log)"
			return 0
		fi
	else
		if ! RUN_DIR=$LOGDIR/build-$i "$TOP/scripts/build-kernel.sh" "$TREE" "$FLAVOUR" >"$log" 2>&1; then
			grep -hE 'error:|Error [0-9]|\*\*\*' "$LOGDIR/build-$i/build-$FLAVOUR.log" "$log" 2>/dev/null | head -n 10 | sed 's/^/  /'
			fail "$p" "the $FLAVOUR kernel does not build after this patch (log $LOGDIR/build-$i/build-$FLAVOUR.log)"
			return 0
		fi
		# The kselftest suites the patch touches.
		suites=$(sed -n 's|^+++ [^/]*/tools/testing/selftests/\([^/]*\)/.*|\1|p' "$PATCHES/$p" | sort -u | xargs)
		if [ -n "$suites" ] && ! RUN_DIR=$LOGDIR/build-$i BUILD_SUITES=$suites "$TOP/scripts/build-selftests.sh" "$TREE" "$FLAVOUR" \
			"$OUT/build/$FLAVOUR/check-patches-kselftest" >>"$log" 2>&1; then
			grep -hE 'error' "$LOGDIR/build-$i/build-kselftest-$FLAVOUR.log" 2>/dev/null | head -n 10 | sed 's/^/  /'
			fail "$p" "kselftests ($suites) do not build after this patch (log $LOGDIR/build-$i/build-kselftest-$FLAVOUR.log)"
			return 0
		fi
	fi
	printf 'built after %s in %d s\n' "$p" $(($(now) - t0))
}
if [ ${#to_build[@]} -gt 0 ]; then
	t_build=$(now)
	# One kernel config for every step: the kselftest config fragments of
	# the whole series (a selftests patch that adds a suite's config would
	# otherwise change the config along the series, and every step would
	# rebuild most of the kernel). Made with the whole series applied.
	if [ -z "${CHECK_BUILD_CMD:-}" ]; then
		SERIES=$SERIES PATCHES=$PATCHES "$TOP/scripts/apply.sh" "$TREE" >"$LOGDIR/apply-all.log" 2>&1 ||
			{ cat "$LOGDIR/apply-all.log" >&2; die "the series does not apply to $TREE"; }
		kselftest_fragment "$TREE" "$KCONFIG_SUITES" >"$LOGDIR/kselftest.config"
		export KSELFTEST_CONFIG=$LOGDIR/kselftest.config
	fi
	for i in "${!all[@]}"; do
		grep -qxF "${all[$i]}" <<<"$(printf '%s\n' "${to_build[@]}")" && build_step "${all[$i]}" "$i"
	done
	if [ $built_any = 1 ]; then
		SERIES=$SERIES PATCHES=$PATCHES "$TOP/scripts/apply.sh" "$TREE" >"$LOGDIR/restore.log" 2>&1 ||
			{ cat "$LOGDIR/restore.log" >&2; die "could not re-apply the whole series to $TREE"; }
		say "bisect build: ${#to_build[@]} steps in $(($(now) - t_build)) s; whole series re-applied to $TREE"
	fi
fi

# (4) --build=objects: the whole series, the objects it changes.
objects_line=
if [ $mode = objects ]; then
	t_obj=$(now) log=$LOGDIR/objects.log why=
	files=$(for p in "${all[@]}"; do sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$PATCHES/$p"; done | sort -u)
	objs=$(grep -E '^(arch|block|drivers|fs|init|kernel|lib|mm|net)/.*\.c$' <<<"$files" | sed 's/\.c$/.o/' | xargs || true)
	if grep -qE '^arch/x86/include/.*\.h$' <<<"$files"; then objs="$objs arch/x86/kernel/paravirt.o"; fi
	suites=$(sed -n 's|^tools/testing/selftests/\([^/]*\)/.*|\1|p' <<<"$files" | sort -u | xargs)
	if ! SERIES=$SERIES PATCHES=$PATCHES "$TOP/scripts/apply.sh" "$TREE" >"$LOGDIR/apply-all.log" 2>&1; then
		sed -n 's/^error: /  /p' "$LOGDIR/apply-all.log"
		why="the series does not apply to $TREE (see $LOGDIR/apply-all.log)"
	elif [ -n "${CHECK_BUILD_CMD:-}" ]; then
		(cd "$TREE" && TREE=$TREE OBJECTS=$objs SUITES=$suites bash -c "$CHECK_BUILD_CMD") >"$log" 2>&1 ||
			why="\`$CHECK_BUILD_CMD\` failed (log $log)"
	elif [ -n "${objs// /}" ] && ! RUN_DIR=$LOGDIR/objects BUILD_TARGETS=$objs "$TOP/scripts/build-kernel.sh" "$TREE" "$FLAVOUR" >"$log" 2>&1; then
		grep -hE 'error:|Error [0-9]|\*\*\*' "$LOGDIR/objects/build-$(ktree_tag)$FLAVOUR.log" "$log" 2>/dev/null | head -n 10 | sed 's/^/  /'
		why="the objects the series changes do not compile (log $LOGDIR/objects/build-$(ktree_tag)$FLAVOUR.log)"
	elif [ -n "$suites" ] && ! RUN_DIR=$LOGDIR/objects BUILD_SUITES=$suites "$TOP/scripts/build-selftests.sh" "$TREE" "$FLAVOUR" \
		"$OUT/build/$FLAVOUR/check-patches-kselftest$(ktree_suffix)" >>"$log" 2>&1; then
		grep -hE 'error' "$LOGDIR/objects/build-kselftest-$(ktree_tag)$FLAVOUR.log" 2>/dev/null | head -n 10 | sed 's/^/  /'
		why="kselftests ($suites) do not build (log $LOGDIR/objects/build-kselftest-$(ktree_tag)$FLAVOUR.log)"
	fi
	n_objs=$(wc -w <<<"$objs")
	if [ -z "$why" ]; then
		objects_line="objects: the series applied, $n_objs objects compiled, kselftests built (${suites:-none}) in $(($(now) - t_obj)) s"
		say "$objects_line"
	else
		objects_line="objects: FAIL: $why"
		printf 'FAIL  objects: %s\n' "$why"
	fi
fi

pass=0 nfail=0
for p in "${checked[@]}"; do
	if [ -n "${fail_why[$p]:-}" ]; then
		nfail=$((nfail + 1))
	else
		pass=$((pass + 1))
		printf 'ok    %s%s\n' "$p" "${EXCEPTED[$p]:+ (checkpatch exceptions: ${EXCEPTED[$p]})}"
	fi
done
# Patches built but not in the checked list still count.
for p in "${to_build[@]}"; do
	grep -qxF "$p" <<<"$(printf '%s\n' "${checked[@]}")" && continue
	[ -n "${fail_why[$p]:-}" ] && nfail=$((nfail + 1))
done
case $objects_line in "objects: FAIL"*) nfail=$((nfail + 1)) ;; esac
say "patches: $pass passed, $nfail failed"
{
	date -u '+%Y-%m-%d %H:%M UTC'
	echo "checkpatch --strict: $(basename "$CHECKPATCH") of Linux $(tree_version "$TREE"), exceptions: $(grep -cv '^[[:space:]]*\(#\|$\)' "$EXCEPTIONS" 2>/dev/null || echo 0) listed"
	echo "build after each patch: $mode mode, built after ${#to_build[@]} of ${#all[@]} patches${built_any:+}"
	[ ${#to_build[@]} -gt 0 ] && printf '  %s\n' "${to_build[@]}"
	[ -z "$objects_line" ] || echo "$objects_line"
	echo "patches: $pass passed, $nfail failed"
} >"$LOGDIR/summary.txt"
# The last run's summary, for the cover letters of scripts/mail.sh.
mkdir -p "$OUT" && cp "$LOGDIR/summary.txt" "$OUT/check-patches$(ktree_suffix).last"
[ $nfail -eq 0 ]
