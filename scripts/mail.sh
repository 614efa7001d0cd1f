#!/usr/bin/env bash
# Turn the series into mail-ready patch series, one per upstream subsystem,
# and check that they apply. Nothing is sent. KTREE=mainline (the default
# here): the mainline series, for upstream, in $OUT/mail; KTREE=lts: the
# 6.12 series, the stable backports, in $OUT/mail-lts.
#
#   scripts/mail.sh            make out/mail/, then verify it
#   scripts/mail.sh --verify   only verify what out/mail/ holds
#
# 1. A git tree of the pinned version, cached in $OUT/git/linux: the pinned
#    tarball (scripts/fetch-tree.sh --tarball) extracted and committed once
#    (tag "pinned"); MAIL_BASE_TREE=DIR commits that directory instead
#    (for tests).
# 2. git am of every patch of the series, in order, on a branch "mail".
# 3. Per area of the series (arch-x86-pv -> x86/xen, drivers-xen-front ->
#    drivers/xen, Documentation, selftests), in series order:
#    git format-patch --cover-letter into $OUT/mail/N-<name>/, with
#    To: (maintainers, supporters) and Cc: (reviewers, lists) from the
#    tree's scripts/get_maintainer.pl --no-git, and the cover letter filled
#    in: subject and summary (mail/<area>.txt, or the patches' subjects),
#    what it depends on, how it was tested, and the results of the last
#    run ($OUT/last/*/results.json; LAST_RUN=DIR for another run directory)
#    and of the last scripts/check-patches.sh ($OUT/check-patches.last).
#    A patch trees.txt gives to the stable tree (a backport of an upstream
#    commit) goes into a series of its own for its area, [PATCH 6.12.y],
#    To: stable@vger.kernel.org.
# 4. Verify: in a separate worktree reset to the pinned commit
#    ($OUT/git/verify), git am every patch of $OUT/mail/*/ in order (cover
#    letters left out): all must apply, and the result must be the same
#    tree as the series gives. Exit 1 naming the file that does not apply.
set -euo pipefail
# The upstream submission is made from the mainline series (mainline/);
# KTREE=lts makes the 6.12 series, the stable backports, in $OUT/mail-lts.
KTREE=${KTREE:-mainline}
. "$(dirname "$0")/lib.sh"

verify_only=0
case ${1:-} in
--verify) verify_only=1 ;;
-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
'') ;;
*) die "usage: scripts/mail.sh [--verify]" ;;
esac
need git:git perl:perl

use_ktree_series
if [ "$KTREE" = mainline ]; then
	G=$OUT/git/linux-mainline MAIL=$OUT/mail
else
	G=$OUT/git/linux MAIL=$OUT/mail-$KTREE
fi
TREES=${TREES:-$TOP/mail/trees.txt}
LAST_RUN=${LAST_RUN:-$OUT/last}
# The sender: MAIL_FROM="Name <email>", else git's user.name and
# user.email (this repository's, else the global ones). Every mailed patch
# is signed off by the sender: the Signed-off-by of the DCO needs a real
# person, so a placeholder identity is refused, and the patches'
# placeholder Signed-off-by lines and authors are replaced by the
# sender's. A real person's (e.g. the author of an upstream commit a patch
# backports) stay.
is_placeholder() { # EMAIL: an address no person reads
	case ${1,,} in
	*.example | *@example.com | *@example.org | *@example.net | *.invalid | *.test | *.localhost | \
		*@localhost | *noreply*) return 0 ;;
	esac
	return 1
}
if [ -n "${MAIL_FROM:-}" ]; then
	sender=$MAIL_FROM
else
	sn=$(git -C "$TOP" config user.name || true)
	se=$(git -C "$TOP" config user.email || true)
	[ -n "$sn" ] && [ -n "$se" ] ||
		die "make mail signs every patch off with your identity, and git has none: set git config user.name and user.email (or MAIL_FROM=\"Name <email>\")"
	sender="$sn <$se>"
fi
[[ $sender =~ ^([^\<]*[^\<\ ])\ \<([^\>@]+@[^\>]+)\>$ ]] || die "sender '$sender' is not \"Name <email>\""
export GIT_COMMITTER_NAME=${BASH_REMATCH[1]} GIT_COMMITTER_EMAIL=${BASH_REMATCH[2]}
is_placeholder "$GIT_COMMITTER_EMAIL" &&
	die "sender '$sender' is a placeholder, not a person: the Signed-off-by of the DCO needs your real name and address (git config user.name/user.email, or MAIL_FROM=)"
git_() { git -C "$G" -c user.name="$GIT_COMMITTER_NAME" -c user.email="$GIT_COMMITTER_EMAIL" -c core.autocrlf=false -c am.keepcr=false "$@"; }

# Area of the series -> upstream subsystem name and directory name.
label_of() {
	case $1 in
	arch-x86-pv) echo x86/xen ;;
	drivers-xen-front) echo drivers/xen ;;
	*-stable) echo "$(label_of "${1%-stable}")-stable-${LINUX_VERSION%.*}" ;;
	*) echo "$1" ;;
	esac
}

# The line of mail/trees.txt for patch $1: "TREE" or "TREE (URL)"; nothing
# when the file does not name it.
tree_line() {
	[ -f "$TREES" ] || return 0
	awk -v p="$1" '!/^#/ && NF >= 2 && (p == $1 || index(p, $1 "-") == 1) { print $2 (NF > 2 ? " (" $3 ")" : ""); exit }' "$TREES"
}
slug_of() { label_of "$1" | tr '/' '-'; }

# (1) The pinned tree as a git repository.
base_tree() {
	local src stamp
	if [ -n "${MAIL_BASE_TREE:-}" ]; then
		src=$(cd "$MAIL_BASE_TREE" && pwd)
		stamp="dir $src $(find "$src" -type f -newer "$src" 2>/dev/null | wc -l) $(stat -c %Y "$src")"
	else
		src=$("$TOP/scripts/fetch-tree.sh" --tarball)
		stamp="$(readlink -f "$src") $(stat -c '%s %Y' "$src")"
	fi
	if [ -f "$G/.git/pvci-source" ] && [ "$(cat "$G/.git/pvci-source")" = "$stamp" ] &&
		git_ rev-parse -q --verify pinned >/dev/null; then
		return 0
	fi
	local t0
	t0=$(now)
	say "making a git tree of the pinned version in $G (once)"
	rm -rf "$G" "$G-verify" && mkdir -p "$G"
	if [ -d "$src" ]; then
		cp -a "$src"/. "$G"/
		rm -rf "$G/.pc" "$G/.git"
	else
		tar -C "$G" --strip-components=1 -xf "$src"
	fi
	git_ init -q
	git_ config gc.auto 0
	git_ add -A -f .
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git_ commit -q -m "Linux $(tree_version "$G" || echo "$(ktree_version)") (pinned tree: $(basename "$src"))" --author="pvops-series harness <pvops-series@localhost>"
	git_ tag -f pinned >/dev/null
	printf '%s\n' "$stamp" >"$G/.git/pvci-source"
	say "git tree of the pinned version ready in $(($(now) - t0)) s"
}

# git am the files given, in order, on top of the pinned commit in worktree
# $1; on failure print which file and why, and return 1.
am_files() {
	local wt=$1 f log
	shift
	log=$(mktemp)
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f --detach pinned
	git -C "$wt" clean -q -fdx
	for f in "$@"; do
		if ! git -C "$wt" -c user.name="$GIT_COMMITTER_NAME" -c user.email="$GIT_COMMITTER_EMAIL" am -q "$f" >"$log" 2>&1; then
			printf 'error: git am: %s does not apply to a fresh Linux %s tree:\n' "${f#"$TOP"/}" "$(ktree_version)" >&2
			sed 's/^/  /' "$log" | head -n 20 >&2
			git -C "$wt" am --abort >/dev/null 2>&1 || true
			rm -f "$log"
			return 1
		fi
	done
	rm -f "$log"
}

verify() {
	local files wt=$G-verify n
	mapfile -t files < <(find "$MAIL" -mindepth 2 -maxdepth 2 -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
	[ ${#files[@]} -gt 0 ] || die "no patches in $MAIL: run scripts/mail.sh (make mail) first"
	if [ ! -d "$wt" ]; then
		git_ worktree prune
		git_ worktree add -q --detach "$wt" pinned
	fi
	n=${#files[@]}
	am_files "$wt" "${files[@]}" || die "mail: the exported series does not apply with git am (files in $MAIL)"
	if git_ rev-parse -q --verify mail >/dev/null && ! git -C "$wt" diff --quiet mail HEAD --; then
		git -C "$wt" diff --stat mail HEAD -- | tail -n 5 >&2
		die "mail: git am of $MAIL gives another tree than the series"
	fi
	say "mail: verified: git am applies all $n patches of $MAIL cleanly to a fresh Linux $(ktree_version) tree (pinned commit $(git_ rev-parse --short pinned)); the result is the series' tree"
}

if [ $verify_only = 1 ]; then
	[ -d "$G/.git" ] || die "no git tree in $G: run scripts/mail.sh first"
	verify
	exit 0
fi

t_start=$(now)
base_tree

# (2) git am the series, remembering where each area ends.
mapfile -t all < <(series_patches)
[ ${#all[@]} -gt 0 ] || die "the series is empty: nothing to mail"
git_ am --abort >/dev/null 2>&1 || true
git_ checkout -q -f -B mail pinned
git_ clean -q -fdx
areas=()
declare -A first=() last=() count=() area_of=()
prev=pinned
for p in "${all[@]}"; do
	[ -f "$PATCHES/$p" ] || die "series names $p, but $PATCHES/$p does not exist"
	a=${p%%/*}
	[ "$a" = "$p" ] && a=misc
	# A backport of an upstream commit for the stable tree (trees.txt:
	# stable) goes to stable@ in a series of its own, not upstream.
	t=$(tree_line "$p")
	[ "${t%% *}" = stable ] && a=$a-stable
	area_of[$p]=$a
	if ! git_ am -q "$PATCHES/$p" >"$OUT/git/am.log" 2>&1; then
		sed 's/^/  /' "$OUT/git/am.log" | head -n 20 >&2
		git_ am --abort >/dev/null 2>&1 || true
		die "git am: patch $p does not apply to Linux $(ktree_version) after the patches before it"
	fi
	# The sender authors it and signs it off; placeholder sign-offs go.
	git_ log -1 --format=%B | while IFS= read -r line; do
		if [[ $line =~ ^Signed-off-by:\ .*\<([^\>]+)\>$ ]] && is_placeholder "${BASH_REMATCH[1]}"; then
			continue
		fi
		printf '%s\n' "$line"
	done >"$OUT/git/msg"
	author=()
	is_placeholder "$(git_ log -1 --format=%ae)" && author=(--author="$sender")
	git_ commit -q --amend --no-verify "${author[@]}" --signoff -F "$OUT/git/msg"
	if [ -z "${count[$a]:-}" ]; then
		for x in "${areas[@]}"; do
			[ "$x" = "$a" ] && die "area $a is split in two by another area in the series: one mail series per area needs its patches together"
		done
		areas+=("$a")
		first[$a]=$prev
		count[$a]=0
	fi
	count[$a]=$((count[$a] + 1))
	prev=$(git_ rev-parse HEAD)
	last[$a]=$prev
done

# What was tested, and the results of the last run.
tested() {
	local d s any=0 tested suites
	if [ "$KTREE" = mainline ]; then
		tested="Linux $MAINLINE_VERSION (Debian's $MAINLINE_SOURCE_PKG $MAINLINE_SOURCE_DEBVER, from unstable), and its 6.12 version to Linux $LINUX_VERSION"
		suites="the new xen suite and the x86 suite on $MAINLINE_VERSION, with guest lifecycle operations (save/restore, vCPU and memory changes, device attach); on $LINUX_VERSION also the timers, mm, futex and other suites, and the same kernel booted natively under QEMU (no Xen) as the baseline"
	else
		tested="Linux $LINUX_VERSION (Debian's $LINUX_SOURCE_PKG $LINUX_SOURCE_DEBVER)"
		suites="the new xen suite, the x86 suite, timers, mm, futex and other suites. The same kernel and disk also boot natively under QEMU (no Xen), where the same tests run as the baseline"
	fi
	fmt -w 72 <<EOF
How it was tested: the series is applied with quilt to $tested and built for x86_64 with a small guest config. That kernel boots as a Xen PV domU under Xen ($XEN_PKG) with a Debian $DEBIAN_SUITE dom0, all in QEMU/TCG, with a Debian $DEBIAN_SUITE userspace in the domU, and runs the kselftests there: $suites. The rig also checks that the domain powers off and that Xen records the shutdown reason "poweroff". The rig's test command also checks each patch: its header, checkpatch.pl --strict, and a build of the tree after each patch the last change touched (after every patch in its full mode).
EOF
	cpl=$OUT/check-patches$(ktree_suffix).last
	if [ -f "$cpl" ]; then
		echo
		echo "Last check of the patches (scripts/check-patches.sh):"
		sed 's/^/  /' "$cpl"
	fi
	echo
	# The last run, or the newest run with results when the last has none
	# (e.g. a run still going on, or one that stopped before the tests).
	run=$LAST_RUN
	if ! ls "$run"/*/results.json >/dev/null 2>&1; then
		s=$(ls -t "$(dirname "$(readlink -f "$run")")"/*/*/results.json "$OUT"/runs/*/*/results.json 2>/dev/null | head -n1 || true)
		[ -n "$s" ] && run=$(dirname "$(dirname "$s")")
	fi
	for d in "$run"/*/; do
		s=$d/results.json
		[ -f "$s" ] || continue
		any=1
		tsv=$(results_tsv "$s" 2>&1) || { echo "Results in $s: unreadable ($tsv)."; echo; continue; }
		echo "Results of the last run with results ($(basename "$(readlink -f "$run")"), $(basename "$d") domU, $(date -u -r "$s" '+%Y-%m-%d %H:%M UTC')):"
		awk -F '\t' '$1 == "stage" { s += $3; n++ } END { if (n) printf "  boot stages: %d s\n", s }' <<<"$tsv"
		awk -F '\t' '
			$1 == "cell" { c = $2 }
			$1 == "test" { printf "  %s: %-7s %s%s\n", c, $3, $2, ($4 != "" ? "  # " $4 : "") }
			$1 == "counts" { printf "  %s: %d passed, %d failed, %d skipped%s%s\n", c, $2, $3, $4, ($5 > 0 ? ", " $5 " xfail" : ""), ($6 > 0 ? ", " $6 " xpass" : "") }' <<<"$tsv"
		echo
	done
	[ $any = 1 ] || echo "Results of the last run: none recorded (no $LAST_RUN/*/results.json)."
}

# Which upstream tree takes each patch of area $1 (mail/trees.txt): one
# line per patch, or nothing when the file names none of them.
trees_note() {
	local a=$1 p i=0 n=0 t lines=() sub
	[ -f "$TREES" ] || return 0
	for p in "${all[@]}"; do [ "${area_of[$p]}" = "$a" ] && n=$((n + 1)); done
	for p in "${all[@]}"; do
		[ "${area_of[$p]}" = "$a" ] || continue
		i=$((i + 1))
		t=$(tree_line "$p")
		[ -n "$t" ] || continue
		sub=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$PATCHES/$p" | head -n 1)
		lines+=("  [$i/$n] $sub: $t")
	done
	[ ${#lines[@]} -gt 0 ] || return 0
	echo "The patches go to these trees:"
	printf '%s\n' "${lines[@]}"
	echo
}

# (3) One format-patch series per area.
rm -rf "$MAIL" && mkdir -p "$MAIL"
gm=$G/scripts/get_maintainer.pl
n=0
done_labels=()
for a in "${areas[@]}"; do
	n=$((n + 1))
	label=$(label_of "$a")
	dir=$MAIL/$n-$(slug_of "$a")
	range=${first[$a]}..${last[$a]}
	# Recipients: get_maintainer.pl on the area's whole diff.
	to=() cc=()
	if [ -f "$gm" ]; then
		git_ diff "$range" >"$MAIL/.diff"
		while IFS= read -r line; do
			addr=${line%% (*}
			role=${line#* (}
			case $role in
			maintainer:* | supporter:* | "odd fixer:"*) to+=("$addr") ;;
			*) cc+=("$addr") ;;
			esac
		done < <(cd "$G" && perl scripts/get_maintainer.pl --no-git --no-git-fallback "$MAIL/.diff" 2>/dev/null | grep -v '^$' || true)
		rm -f "$MAIL/.diff"
	else
		note "no scripts/get_maintainer.pl in the tree: $label series has no recipients"
	fi
	prefix=PATCH
	case $a in
	*-stable)
		prefix="PATCH ${LINUX_VERSION%.*}.y"
		to=(stable@vger.kernel.org "${to[@]}")
		;;
	esac
	rcpt=()
	for x in "${to[@]}"; do rcpt+=("--to=$x"); done
	for x in "${cc[@]}"; do rcpt+=("--cc=$x"); done
	git_ format-patch -q --cover-letter --thread=shallow --subject-prefix="$prefix" "${rcpt[@]}" -o "$dir" "$range" >/dev/null
	files=()
	for f in "$dir"/*.patch; do [ "${f##*/}" = 0000-cover-letter.patch ] || files+=("$f"); done
	# Depends on earlier areas? (does it apply to the pinned tree alone)
	dep=
	idx=$(mktemp)
	# One patch after the other into a scratch index: the later patches
	# of an area may build on its earlier ones.
	alone=1
	GIT_INDEX_FILE=$idx git_ read-tree pinned || alone=0
	for f in "${files[@]}"; do
		[ $alone = 1 ] || break
		GIT_INDEX_FILE=$idx git_ apply --cached "$f" 2>/dev/null || alone=0
	done
	if [ $alone = 0 ]; then
		dep="This series applies to Linux $LINUX_VERSION on top of the $(IFS=,; echo "${done_labels[*]}" | sed 's/,/, /g') series posted with it."
	else
		dep="This series applies to Linux $LINUX_VERSION on its own."
	fi
	rm -f "$idx"
	done_labels+=("$label")
	# Cover letter.
	cover=$dir/0000-cover-letter.patch
	if [ -f "$TOP/mail/$a.txt" ]; then
		subject=$(head -n1 "$TOP/mail/$a.txt")
		intro=$(tail -n +2 "$TOP/mail/$a.txt")
	else
		subject="$label: $(git_ log --format=%s -1 "${last[$a]}" | sed 's/^[^:]*: //')$([ "${count[$a]}" -le 1 ] || echo " and $((count[$a] - 1)) more")"
		intro="This series:"$'\n'$(git_ log --reverse --format='- %s' "$range")
	fi
	blurb=$dir/.blurb
	{
		printf '%s\n\n%s\n\n' "$intro" "$dep"
		trees_note "$a"
		tested
	} >"$blurb"
	SUBJECT=$subject BLURB=$blurb perl -0pi -e '
		s/\*\*\* SUBJECT HERE \*\*\*/$ENV{SUBJECT}/;
		my $b = do { local $/; open my $f, "<", $ENV{BLURB} or die; <$f> }; $b =~ s/\n+\z//;
		s/\*\*\* BLURB HERE \*\*\*/$b/;' "$cover"
	rm -f "$blurb"
	printf '%s\n' "${to[@]}" >"$dir/to.txt"
	printf '%s\n' "${cc[@]}" >"$dir/cc.txt"
	say "$label: ${count[$a]} patches + cover letter in ${dir#"$TOP"/} (To: ${#to[@]}, Cc: ${#cc[@]})"
done
cat >"$MAIL/README.txt" <<EOF
Mail-ready series made by scripts/mail.sh ($(date -u '+%Y-%m-%d %H:%M UTC')) from
the series on Linux $LINUX_VERSION, one directory per upstream subsystem, in
the order they apply. Nothing was sent. Each mail carries its To:/Cc:
(from scripts/get_maintainer.pl --no-git; also in to.txt and cc.txt).
To send one series, after reading it:

  git send-email --annotate DIR/*.patch

EOF
say "mail: ${#all[@]} patches in ${#areas[@]} series under $MAIL in $(($(now) - t_start)) s"

# (4) Verify.
verify
