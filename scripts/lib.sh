# shellcheck shell=bash
# Common definitions for the harness scripts. Sourced, never run.
#
# Paths (all overridable from the environment / make command line):
#   TOP    the repository
#   OUT    per-checkout outputs: source tree, build dirs, logs of every run
#   CACHE  outputs shared between checkouts, keyed by their inputs:
#          downloaded packages, ccache, dom0/domU images

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# pin.env gives defaults; a value already in the environment (e.g. from the
# make command line) wins.
while IFS='=' read -r _k _v; do
	case $_k in '' | \#*) continue ;; esac
	[ -n "${!_k+x}" ] || declare "$_k=$_v"
done <"$TOP/pin.env"
unset _k _v
OUT=${OUT:-$TOP/out}
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvops-series}
DLCACHE=${DLCACHE:-$CACHE/downloads}
SERIES=${SERIES:-$TOP/series}
PATCHES=${PATCHES:-$TOP/patches}
JOBS=${JOBS:-$(($(nproc) + 1))}
KCONFIG_SUITES=${KCONFIG_SUITES:-$(sed 's/#.*//' "$TOP/kconfig/kselftest-suites" | xargs)}

# Status and progress go to stderr: standard output carries only the data
# callers capture (paths, keys), see data_on_stdout.
say()  { printf '%s\n' "$*" >&2; }

# A script that stops on an error (set -e) says where and what failed,
# instead of exiting without a word.
if [[ $- == *e* ]]; then
	trap 'printf "error: %s, line %d: \"%s\" failed (exit %d)\n" "${0##*/}" "$LINENO" "$BASH_COMMAND" "$?" >&2' ERR
fi
note() { printf 'note: %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print a stage banner: "==> name: text"
stage() { printf '==> %s\n' "$*" >&2; }

# For scripts whose standard output is data a caller captures (a path, a
# key): from here on, anything any command prints goes to stderr, and only
# what is passed to `result` reaches the caller's stdout.
data_on_stdout() { exec 3>&1 1>&2; }
result() { printf '%s\n' "$*" >&3; }

# Seconds since the epoch, for timings.
now() { date +%s; }

# The kernel tree a command works on (KTREE, a cell's tree column):
#   lts       the pinned LTS tree, LINUX_VERSION (KSRC= another tree)
#   mainline  the newest tree Debian carries, MAINLINE_VERSION
#             (MAINLINE_KSRC= another tree)
KTREE=${KTREE:-lts}
case $KTREE in lts | mainline) ;; *) die "KTREE=$KTREE: the trees are lts and mainline" ;; esac
# The version the series is tested on for KTREE.
ktree_version() { if [ "$KTREE" = mainline ]; then echo "$MAINLINE_VERSION"; else echo "$LINUX_VERSION"; fi; }
# "mainline-" on the mainline tree, nothing on lts: in log names.
ktree_tag() { [ "$KTREE" = lts ] || echo "$KTREE-"; }
# "-mainline" on the mainline tree, nothing on lts: after a name.
ktree_suffix() { [ "$KTREE" = lts ] || echo "-$KTREE"; }
# The build directory of FLAVOUR on KTREE.
build_dir() { if [ "$KTREE" = mainline ]; then echo "$OUT/build/mainline/$1"; else echo "$OUT/build/$1"; fi; }

# The series of the mainline tree is the series, less the patches listed in
# mainline/not-applied.txt ("PATCH REASON" lines), with the version in
# mainline/patches/ of each patch that differs there, then the patches for
# mainline only (mainline/only.txt, "PATCH REASON" lines: fixes of code
# the LTS tree does not have; their one copy is in mainline/patches/).
# compose_mainline_series DIR [SERIES] writes it to DIR/series and
# DIR/patches (links to the one source of each patch) and fails on an
# entry or a version naming no patch of the series. SERIES (default the
# series) is the list it is made from, e.g. the series less one patch
# (scripts/without-patch.sh); the entries are checked against the series.
MAINLINE_DIR=${MAINLINE_DIR:-$TOP/mainline}
mainline_list() { [ ! -f "$MAINLINE_DIR/$1" ] || sed -e 's/#.*//' "$MAINLINE_DIR/$1" | awk 'NF { print $1 }'; }
mainline_not_applied() { mainline_list not-applied.txt; }
compose_mainline_series() {
	local d=$1 p src all skip only from
	all=$(series_patches "$TOP/series")
	from=$(series_patches "${2:-$TOP/series}")
	skip=$(mainline_not_applied)
	only=$(mainline_list only.txt)
	for p in $skip; do
		grep -qxF "$p" <<<"$all" || die "${MAINLINE_DIR#"$TOP"/}/not-applied.txt names $p, which is not in the series"
	done
	for p in $only; do
		! grep -qxF "$p" <<<"$all" || die "${MAINLINE_DIR#"$TOP"/}/only.txt names $p, which is in the series: a mainline version goes in ${MAINLINE_DIR#"$TOP"/}/patches/ alone"
		[ -f "$MAINLINE_DIR/patches/$p" ] || die "${MAINLINE_DIR#"$TOP"/}/only.txt names $p, but ${MAINLINE_DIR#"$TOP"/}/patches/$p does not exist"
	done
	while read -r p; do
		p=${p#./}
		grep -qxF "$p" <<<"$only" && continue
		grep -qxF "$p" <<<"$all" || die "${MAINLINE_DIR#"$TOP"/}/patches/$p is not a patch of the series nor in only.txt (renamed or dropped?)"
		! grep -qxF "$p" <<<"$skip" || die "$p is both in ${MAINLINE_DIR#"$TOP"/}/not-applied.txt and in ${MAINLINE_DIR#"$TOP"/}/patches/"
	done < <(cd "$MAINLINE_DIR/patches" 2>/dev/null && find . -name '*.patch' | sort)
	rm -rf "$d" && mkdir -p "$d/patches"
	: >"$d/series"
	while read -r p; do
		grep -qxF "$p" <<<"$skip" && continue
		src=$MAINLINE_DIR/patches/$p
		[ -f "$src" ] || src=$TOP/patches/$p
		mkdir -p "$d/patches/$(dirname "$p")"
		ln -s "$src" "$d/patches/$p"
		echo "$p" >>"$d/series"
	done <<<"$from"
	for p in $only; do
		mkdir -p "$d/patches/$(dirname "$p")"
		ln -s "$MAINLINE_DIR/patches/$p" "$d/patches/$p"
		echo "$p" >>"$d/series"
	done
}
# Point SERIES and PATCHES at KTREE's series, made from SERIES (the
# series, or the series less a patch), unless PATCHES was given.
use_ktree_series() {
	[ "$KTREE" = mainline ] || return 0
	[ "$PATCHES" = "$TOP/patches" ] || return 0
	compose_mainline_series "$OUT/series/mainline" "$SERIES"
	SERIES=$OUT/series/mainline/series PATCHES=$OUT/series/mainline/patches
}

# The patches listed in the series file, one per line (comments and blank
# lines dropped; quilt options after the name are not supported).
series_patches() {
	local f=${1:-$SERIES}
	[ -f "$f" ] || die "series file not found: $f"
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$f" | grep -v '^$' || true
}

# "6.12.117" (or "6.12.0-rc1") from a tree's top-level Makefile; empty if the
# directory is not a kernel tree.
tree_version() {
	local mk=$1/Makefile v p s e
	[ -f "$mk" ] && [ -d "$1/arch/x86" ] && [ -f "$1/Kconfig" ] || return 0
	v=$(sed -n 's/^VERSION = //p' "$mk" | head -n1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$mk" | head -n1)
	s=$(sed -n 's/^SUBLEVEL = //p' "$mk" | head -n1)
	e=$(sed -n 's/^EXTRAVERSION =[[:space:]]*//p' "$mk" | head -n1)
	[ -n "$v" ] && [ -n "$p" ] || return 0
	printf '%s.%s.%s%s\n' "$v" "$p" "${s:-0}" "$e"
}

# Fail with a clear message unless $1 is a kernel tree; print the one-line
# note when it is not the pinned version.
check_tree() {
	local t=$1 v
	[ -d "$t" ] || die "KSRC=$t: no such directory"
	v=$(tree_version "$t")
	[ -n "$v" ] || die "KSRC=$t is not a Linux kernel tree (needs a top-level Makefile with VERSION/PATCHLEVEL, Kconfig and arch/x86)"
	if [ "$v" != "$(ktree_version)" ]; then
		note "tree $t is Linux $v, not the $(ktree_version) the $KTREE series is tested on; going on"
	fi
}

# Install Debian packages that provide missing commands/files.
# Usage: need CMD_OR_PATH:PACKAGE ...
need() {
	local missing=() item what pkg
	for item in "$@"; do
		what=${item%%:*}
		pkg=${item#*:}
		case $what in
		/*) [ -e "$what" ] || missing+=("$pkg") ;;
		*) command -v "$what" >/dev/null 2>&1 || missing+=("$pkg") ;;
		esac
	done
	# Each package once (depmod and modprobe are both kmod's).
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_install "${missing[@]}"
}

# apt-get update, at most every 12 hours (the package lists apt-get install,
# apt-get download and apt-cache read).
apt_update_once() {
	if [ ! -f "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
		mkdir -p "$CACHE"
		apt-get update -q >"$CACHE/apt-update.log" 2>&1 || die "apt-get update failed: see $CACHE/apt-update.log"
		touch "$CACHE/.apt-updated"
	fi
}

# A static build of a C program that runs as an initramfs's /init (no
# shell, no libraries in that initramfs): the driver domain's
# (scripts/drvdom/init.c) and a Debian kernel's (scripts/debian-kernel/init.c).
static_init() { # SRC DEST
	need gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
	gcc -static -O2 -Wall -o "$2" "$1" || die "cannot build the /init $2 from ${1#"$TOP"/}"
}
apt_install() {
	[ "$(id -u)" = 0 ] || die "missing packages: $* (install them, or run as root so the harness can)"
	say "installing: $*"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
		>"$CACHE/apt-install.log" 2>&1 || {
		tail -n 20 "$CACHE/apt-install.log" >&2
		die "apt-get install $* failed$(disk_why "$CACHE/apt-install.log" /var/cache/apt); see $CACHE/apt-install.log"
	}
}

# Download a Debian binary package into the download cache (without
# installing it) and print the .deb's path. Tries NAME=VERSION first when a
# version is given, then whatever version the registry serves.
# The .deb of PACKAGE VERSION in the download cache, if it is there
# (apt-get download writes an epoch's ":" as "%3a").
cached_deb() { # PACKAGE VERSION
	ls "$DLCACHE/debs/${1}_$(printf %s "$2" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -n1 || true
}
deb_download() {
	local pkg=$1 ver=${2:-} d=$DLCACHE/debs f
	mkdir -p "$d"
	if [ -n "$ver" ]; then
		f=$(cached_deb "$pkg" "$ver")
		[ -n "$f" ] && { echo "$f"; return 0; }
	fi
	f=$(ls -t "$d/${pkg}_"*.deb 2>/dev/null | head -n1)
	if [ -n "$f" ] && [ -z "$ver" ]; then echo "$f"; return 0; fi
	need apt-get:apt
	apt_update_once
	(cd "$d" && { { [ -n "$ver" ] && apt-get download -q "$pkg=$ver"; } || apt-get download -q "$pkg"; }) \
		>"$d/download.log" 2>&1 || { [ -n "$f" ] && { echo "$f"; return 0; }; die "cannot download $pkg: see $d/download.log"; }
	ls -t "$d/${pkg}_"*.deb | head -n1
}

# Download a package of Debian MAINLINE_SUITE (unstable) into the download
# cache and print the .deb's path, through a private apt state in
# $CACHE/apt-mainline (refreshed at most every 12 hours) that uses the
# system's Debian mirror: the system's apt configuration is not changed.
# MAINLINE_SUITES="sid experimental" looks at more suites.
sid_apt_opts=()
sid_apt_setup() {
	local A=$CACHE/apt-mainline uri key
	need apt-get:apt gpgv:gpgv /usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/prefs.d" "$A/parts.d"
	# The system's Debian mirror (deb822 or one-line sources).
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' | grep '/debian/*$' | head -n1 || true)
	[ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\/*\)[[:space:]].*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n1 || true)
	[ -n "$uri" ] || die "no Debian mirror found in the system's apt sources (/etc/apt/sources.list*), needed for Debian ${MAINLINE_SUITES:-$MAINLINE_SUITE}"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	local want=
	for s in ${MAINLINE_SUITES:-$MAINLINE_SUITE}; do want="${want}deb [signed-by=$key] $uri $s main"$'\n'; done
	[ "$(cat "$A/sources.list" 2>/dev/null)"$'\n' = "$want" ] || printf '%s' "$want" >"$A/sources.list"
	sid_apt_opts=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts="$A/parts.d"
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
		-o Dir::Etc::Preferences="$A/preferences" -o Dir::Etc::PreferencesParts="$A/prefs.d"
		-o APT::Architectures::=amd64 -o Debug::NoLocking=1)
	if [ ! -f "$A/.updated" ] || [ -n "$(find "$A/.updated" -mmin +720)" ] ||
		[ "$(cat "$A/.updated")" != "$(cat "$A/sources.list")" ]; then
		say "apt-get update (Debian ${MAINLINE_SUITES:-$MAINLINE_SUITE}, private state in $A)"
		apt-get -q "${sid_apt_opts[@]}" update >"$A/update.log" 2>&1 || { tail -n 5 "$A/update.log" >&2; die "apt-get update of Debian ${MAINLINE_SUITES:-$MAINLINE_SUITE} failed: see $A/update.log"; }
		cp "$A/sources.list" "$A/.updated"
	fi
}
sid_deb_download() { # PACKAGE VERSION
	local pkg=$1 ver=$2 d=$DLCACHE/debs f
	mkdir -p "$d"
	f=$(cached_deb "$pkg" "$ver")
	[ -n "$f" ] && { echo "$f"; return 0; }
	sid_apt_setup
	say "downloading $pkg $ver (Debian ${MAINLINE_SUITES:-$MAINLINE_SUITE})"
	(cd "$d" && apt-get -q "${sid_apt_opts[@]}" download "$pkg=$ver") >"$CACHE/apt-mainline/download.log" 2>&1 ||
		{ tail -n 5 "$CACHE/apt-mainline/download.log" >&2; die "apt-get download $pkg=$ver from Debian ${MAINLINE_SUITES:-$MAINLINE_SUITE} failed (see $CACHE/apt-mainline/download.log); if Debian no longer has it, set MAINLINE_SOURCE_DEBVER (pin.env) to the version it has: make mainline lists it"; }
	f=$(cached_deb "$pkg" "$ver")
	[ -n "$f" ] || die "apt-get download $pkg=$ver left no .deb in $d"
	echo "$f"
}

# The tarball inside a linux-source .deb (DEB, PACKAGE), unpacked once
# into the download cache.
deb_tarball() {
	local x
	x=$DLCACHE/$(basename "$1" .deb)
	if [ ! -f "$x/usr/src/$2.tar.xz" ]; then
		rm -rf "$x" && mkdir -p "$x"
		dpkg-deb -x "$1" "$x"
	fi
	echo "$x/usr/src/$2.tar.xz"
}

# The kselftest `config` fragments of the suites named in $2 (a list),
# concatenated, for a kernel built without modules: a =m becomes =y, except
# the test modules (CONFIG_TEST_*), which built in would run their tests at
# every boot (test_vmalloc takes minutes under TCG); their tests skip.
kselftest_fragment() {
	local tree=$1 s f
	for s in $2; do
		f=$tree/tools/testing/selftests/$s/config
		[ -f "$f" ] || continue
		sed -e '/^CONFIG_TEST_[A-Z0-9_]*=m$/d' -e 's/=m$/=y/' "$f"
	done |
		# One line per symbol, the last suite's value (merge_config.sh's
		# check of the result trips over a symbol asked for twice).
		awk '{ k = $0 }
			/^CONFIG_[A-Za-z0-9_]+=/ { sub(/=.*/, "", k) }
			/^# CONFIG_[A-Za-z0-9_]+ is not set/ { k = $2 }
			k == $0 { next }
			!(k in v) { order[++n] = k }
			{ v[k] = $0 }
			END { for (i = 1; i <= n; i++) print v[order[i]] }'
}

# The host's speed, as a percentage of the time a fixed single-threaded
# workload takes on the machines the harness's time limits were set on
# (100; a machine of this kind that builds the x86_64 guest kernel in
# 375 s cold). Machines of this kind differ 3-4x in speed, and TCG runs the
# guests at the host's single-thread speed: every time limit the harness
# sets (boot stages, per-test timeouts, waits in dom0 and in the guest) is
# a limit on the reference machine, scaled by this. Never below 100.
# SPEED_PCT=N in the environment skips the measurement. The workload runs
# in mawk (Debian's awk, priority required: on every machine of this kind)
# so that the interpreter is the same everywhere.
# SPEED_REF_MS: the workload's time there (245-248 ms, the fastest 245 ms,
# measured 2026-12-02 on a machine that built the kernel cold in 371 s).
SPEED_REF_MS=${SPEED_REF_MS:-250}
speed_pct() {
	local best='' t0 ms i pct
	if [ -n "${SPEED_PCT:-}" ]; then
		[[ $SPEED_PCT =~ ^[1-9][0-9]*$ ]] || die "SPEED_PCT=$SPEED_PCT: a whole percentage (100: the reference machine)"
		echo "$SPEED_PCT"
		return 0
	fi
	# The fastest of three runs: a core busy for a moment does not count.
	for i in 1 2 3; do
		t0=$(date +%s%N)
		mawk 'BEGIN { for (i = 0; i < 5000000; i++) s += i % 7; exit s == 0 }'
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ -n "$best" ] && [ "$best" -le "$ms" ] || best=$ms
	done
	pct=$((best * 100 / SPEED_REF_MS))
	[ "$pct" -ge 100 ] || pct=100
	echo "$pct"
}
# A time limit (s) on the reference machine, scaled to this one.
scaled() { echo $(($1 * ${SPEED_PCT:-100} / 100)); }

# The cells (cells/cells.txt): one row per cell, fields in this order.
CELLS_FILE=${CELLS_FILE:-$TOP/cells/cells.txt}
CELL_FIELDS="cell tree flavour guest userspace profile lifecycle runs"
# The names of the cells, one per line; with FIELD=VALUE, only those rows.
# shellcheck disable=SC2120 # callers outside this file pass FIELD=VALUE
cell_names() {
	local want=${1:-}
	awk -v fields="$CELL_FIELDS" -v want="$want" '
		BEGIN { n = split(fields, f, " "); for (i = 1; i <= n; i++) col[f[i]] = i
			if (want != "") { split(want, w, "="); wc = col[w[1]]; wv = w[2] } }
		/^[[:space:]]*(#|$)/ { next }
		!wc || $wc == wv { print $1 }' "$CELLS_FILE"
}
# Set CELL_<FIELD> (CELL_FLAVOUR, CELL_GUEST, ...) from the row of cell $1;
# fail naming the cells there are when there is no such row.
cell_load() {
	local row i f
	row=$(awk -v c="$1" '$1 == c && !/^[[:space:]]*#/' "$CELLS_FILE")
	[ -n "$row" ] || die "no cell '$1' in ${CELLS_FILE#"$TOP"/} (cells: $(cell_names | xargs))"
	set -- $row
	[ $# -eq 8 ] || die "${CELLS_FILE#"$TOP"/}: the row of cell $1 has $# fields, not 8 ($CELL_FIELDS)"
	i=0
	for f in $CELL_FIELDS; do
		i=$((i + 1))
		declare -g "CELL_${f^^}=${!i}"
	done
	case $CELL_TREE in lts | mainline) ;; *) die "cell $1: tree '$CELL_TREE' is not lts or mainline" ;; esac
	case $CELL_GUEST in native | pv | pvh) ;; *) die "cell $1: guest '$CELL_GUEST' is not native, pv or pvh" ;; esac
	case $CELL_USERSPACE in amd64 | i386) ;; *) die "cell $1: userspace '$CELL_USERSPACE' is not amd64 or i386" ;; esac
	case $CELL_LIFECYCLE in yes | no) ;; *) die "cell $1: lifecycle '$CELL_LIFECYCLE' is not yes or no" ;; esac
	# Lifecycle operations need dom0 to drive them, and xenstore-utils in
	# the guest (Debian builds it for amd64 only).
	[ "$CELL_LIFECYCLE" = no ] || { [ "$CELL_GUEST" != native ] && [ "$CELL_USERSPACE" = amd64 ]; } ||
		die "cell $1: lifecycle yes needs a Xen guest (pv, pvh) with an amd64 userspace"
	case $CELL_RUNS in ci | matrix | manual) ;; *) die "cell $1: runs '$CELL_RUNS' is not ci, matrix or manual" ;; esac
	[ -f "$TOP/kconfig/$CELL_FLAVOUR.config" ] || die "cell $1: no kconfig/$CELL_FLAVOUR.config for flavour $CELL_FLAVOUR"
	[ -f "$TOP/cells/profiles/$CELL_PROFILE" ] || die "cell $1: no test profile cells/profiles/$CELL_PROFILE"
}
# The values of KEY in test profile $1 (cells/profiles/NAME: "KEY: words"
# lines, repeated keys add up; "base: NAME" starts from another profile,
# "drop-suites: ..." removes suites from it).
profile_get() {
	local p=$TOP/cells/profiles/$1 key=$2 base drop v w out=
	[ -f "$p" ] || die "no test profile cells/profiles/$1 (profiles: $(cd "$TOP/cells/profiles" && echo *))"
	_pf() { sed -n "s/^$2:[[:space:]]*//p" "$1" | xargs; }
	base=$(_pf "$p" base)
	[ -z "$base" ] || out=$(profile_get "$base" "$key")
	out="$out $(_pf "$p" "$key")"
	if [ "$key" = suites ]; then
		drop=$(_pf "$p" drop-suites)
		v=
		for w in $out; do case " $drop " in *" $w "*) ;; *) v="$v $w" ;; esac; done
		out=$v
	fi
	echo $out
}
# A prove-fixes.txt row's TESTS (suite:test and harness:check entries,
# separated by commas; an entry in parentheses is a workload, run for a
# harness check to watch but not judged): the kselftests to run, and the
# entries whose result proves the patch.
proof_kselftests() { tr ',' '\n' <<<"$1" | tr -d '()' | grep -v -e '^harness:' -e '^lifecycle:' -e '^$' | xargs; }
# The lifecycle operations a row names ("lifecycle:OP" entries), in order.
proof_lifecycle() { tr ',' '\n' <<<"$1" | tr -d '()' | sed -n 's/^lifecycle://p' | xargs; }
proof_judged() { tr ',' '\n' <<<"$1" | grep -v -e '^(' -e '^$' | xargs; }

# The lifecycle operations of a cell whose row says lifecycle=yes: those of
# cells/lifecycle-ops, with EXTRA (its profile's lifecycle-extra) before the
# first operation that ends the boot (reboot, shutdown).
default_lifecycle_ops() { # [EXTRA]
	local op out='' put=''
	for op in $(sed 's/#.*//' "$TOP/cells/lifecycle-ops"); do
		case $op in reboot | shutdown) [ -n "$put" ] || out="$out ${1:-}" put=1 ;; esac
		out="$out $op"
	done
	[ -n "$put" ] || out="$out ${1:-}"
	echo $out
}

# Hold an exclusive lock on the shared cache entry NAME until the script
# exits: two checkouts sharing $CACHE never build or remove the same entry
# at once (the second waits, then finds it done).
lock_entry() {
	local f=$CACHE/locks/$1.lock
	mkdir -p "$CACHE/locks"
	exec 9>"$f"
	flock -n 9 || { note "waiting for $f (another run is building $1)"; flock 9; }
}

# Disk space. A full disk stops a run with a message that says so: before
# a stage writes, disk_need checks the figure disk-needs.txt gives for it;
# after a command failed, disk_why tells whether the disk was why.
# MiB free on the filesystem that holds DIR (or its nearest existing parent).
free_mib() { # DIR
	local d=$1
	while [ ! -e "$d" ]; do d=$(dirname "$d"); done
	df -Pm "$d" | awk 'NR == 2 { print $4 }'
}
# The MiB disk-needs.txt gives for NAME.
disk_needs() { # NAME
	awk -v n="$1" '!/^[[:space:]]*#/ && $1 == n { print $2; f = 1; exit } END { exit !f }' \
		"${DISK_NEEDS:-$TOP/disk-needs.txt}" || die "disk-needs.txt has no entry '$1'"
}
# Stop unless the filesystem of DIR has the room NAME needs (DISK_CHECK=no:
# don't look).
disk_need() { # NAME DIR
	local mib have
	[ "${DISK_CHECK:-yes}" = no ] && return 0
	mib=$(disk_needs "$1")
	have=$(free_mib "$2")
	[ "$have" -ge "$mib" ] && return 0
	die "not enough disk space for $1: $have MiB free where $2 is, it needs about $mib MiB (disk-needs.txt). Free some (make clean; old entries of $CACHE), or set OUT= or CACHE= to a larger filesystem (DISK_CHECK=no skips this check)"
}
# For a failed command's die message: ": the disk is full (...)" when LOG
# says it ran out of space, nothing otherwise.
disk_why() { # LOG DIR
	local l
	l=$(grep -a -m 1 'No space left on device' "$1" 2>/dev/null) || return 0
	printf ': the disk is full (%s MiB free where %s is): %s' "$(free_mib "$2")" "$2" "$l"
}

# Remove the cache entries of KIND ($CACHE/images/KIND-*, $CACHE/KIND-*.tar)
# other than KEY's that no run has used for CACHE_KEEP_DAYS days (default
# 7): each new key (a changed package list, a Debian point release) would
# otherwise leave the old entry on the disk for ever. A run that finds an
# entry marks it used (cache_used: its mtime). An entry another run holds
# locked is left alone.
cache_prune() { # KIND KEY
	local e name days=${CACHE_KEEP_DAYS:-7}
	case $days in '' | *[!0-9]*) die "CACHE_KEEP_DAYS=$days: give a number of days" ;; esac
	mkdir -p "$CACHE/locks"
	for e in "$CACHE/images/$1"-* "$CACHE/$1"-*.tar; do
		[ -e "$e" ] || continue
		name=${e##*/}
		name=${name%.tar}
		[ "$name" != "$1-$2" ] || continue
		[ -n "$(find "$e" -maxdepth 0 -mtime +"$days")" ] || continue
		(
			exec 8>"$CACHE/locks/$name.lock"
			flock -n 8 || exit 0
			rm -rf "$e" && note "removed $e from the cache (unused for more than $days days)"
		)
	done
}
cache_used() { touch "$1"; }

# sha256 of a string (for cache keys).
key_of() { sha256sum | cut -c1-16; }

# The error-level kernel messages of a guest's console log (the guest's
# "PVCI-DOMU: dmesg-err:" lines, without their timestamps) that the
# allow-list file does not expect for CELL (lines "CELLS :: REGEX ::
# REASON"; CELLS separated by commas). Prints them, one per line.
unexpected_kernel_errors() { # CELL GUEST-LOG ALLOWED-FILE
	local re
	[ -f "$3" ] || die "no such file: $3"
	re=$(mktemp)
	awk -F ' :: ' -v c="$1" '!/^[[:space:]]*#/ && NF >= 3 {
		n = split($1, cs, ","); for (i = 1; i <= n; i++) if (cs[i] == c) print $2 }' "$3" >"$re"
	sed -n 's/\r$//; s/^PVCI-DOMU: dmesg-err: \(\[ *[0-9.]*\] \)\{0,1\}//p' "$2" | grep -a -v -E -f "$re" | sort -u || true
	rm -f "$re"
}

# An awk function for the kselftest runner's result lines, "ok N
# selftests: SUITE: TEST # DIRECTIVE" (or "not ok ..."): ksft_result(LINE)
# sets rname ("SUITE:TEST"), rfailed (1 for "not ok") and rdir (what follows
# " # ", or ""). Prepended to the awk programs below that read them.
KSFT_RESULT_AWK='
	function ksft_result(l) {
		rfailed = (l ~ /^not ok /)
		sub(/^(not )?ok [0-9]+ selftests: /, "", l)
		rdir = (index(l, " # ") ? substr(l, index(l, " # ") + 3) : "")
		sub(/ # .*/, "", l); sub(/: /, ":", l); sub(/[ \t]+$/, "", l)
		rname = l
	}'

# Failures that are a known bug outside Linux, from a file of lines
# "CELLS :: SUITE:TEST :: REGEX :: REASON" (xen-bugs.txt): a failed TEST
# whose part of GUEST-LOG (from "# selftests: SUITE: TEST" to its result
# line) has a line matching REGEX (an ERE) is an expected failure. Prints
# an "ok 0 selftests: SUITE: TEST # XFAIL (FILE): REASON" line for each
# one, and writes GUEST-LOG without those tests' parts to CHECKED-LOG, for
# the kernel checks: what the bug made the kernel print is expected there,
# anything else still fails them. Any other failure of TEST stays a failure.
# A TEST that passed with the signature in its part (a bug the test itself
# does not see, but the kernel reports, e.g. a DEBUG_ENTRY warning) stays
# a pass; its part leaves CHECKED-LOG too, and a "# SUITE:TEST: passed,
# ..." line says so.
known_bug_xfails() { # CELL GUEST-LOG BUGS-FILE CHECKED-LOG
	[ -f "$3" ] || die "no such file: $3"
	: >"$4"
	awk -v c="$1" -v out="$4" -v f="${3##*/}" "$KSFT_RESULT_AWK"'
		FILENAME == ARGV[1] {
			if ($0 ~ /^[[:space:]]*(#|$)/) next
			n = split($0, a, / :: /)
			if (n < 4) { printf "%s:%d: want CELLS :: SUITE:TEST :: REGEX :: REASON\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 1 }
			if (index("," a[1] ",", "," c ",")) { re[a[2]] = a[3]; why[a[2]] = a[4] }
			next
		}
		{ sub(/\r$/, "") }
		/^# selftests: [^ ]+: / {
			flush()
			t = $0; sub(/^# selftests: /, "", t); sub(/: /, ":", t); sub(/[ \t]+$/, "", t)
			if (t in re) { cur = t; nspan = 0; hit = 0 }
		}
		cur != "" {
			span[++nspan] = $0
			if ($0 ~ re[cur]) hit = 1
			if ($0 ~ /^(not )?ok [0-9]+ selftests: /) {
				ksft_result($0)
				if (rname == cur) {
					if (rfailed && hit) {
						u = cur; sub(/:/, ": ", u)
						print "ok 0 selftests: " u " # XFAIL (" f "): " why[cur]
						print span[nspan] > out
						cur = ""; nspan = 0
					} else if (hit) {
						print "# " cur ": passed; what the kernel printed during it matches " f " (" why[cur] "): left out of the kernel checks"
						print span[nspan] > out
						cur = ""; nspan = 0
					} else flush()
				}
			}
			next
		}
		{ print > out }
		function flush(  i) { for (i = 1; i <= nspan; i++) print span[i] > out; cur = ""; nspan = 0 }
		END { if (bad) exit 1; flush(); close(out) }' "$3" "$2"
}

# A cell's results.json (scripts/cell-results.sh: the one record of a
# cell's results) as tab-separated lines for the shell and awk, in its
# order: "cell LABEL", then "test NAME STATUS REASON SECONDS" per test
# (STATUS in capitals: PASS, FAIL, SKIP, XFAIL, XPASS, MISSING; SECONDS
# empty when not measured), then "counts PASSED FAILED SKIPPED XFAIL
# XPASS", and "stage NAME SECONDS" per boot stage. compare.sh, matrix.sh,
# mail.sh and results-page.sh read a cell's results through it.
results_tsv() { # RESULTS_JSON
	[ -f "$1" ] || die "no results file $1 (a cell's results.json: scripts/cell-results.sh)"
	need python3:python3
	python3 - "$1" <<'PY'
import json, sys
# Bytes of a test's output that are not UTF-8 are replaced, not fatal.
try:
    r = json.load(open(sys.argv[1], encoding="utf-8", errors="replace"))
except ValueError as e:
    sys.exit("error: %s is not valid JSON: %s" % (sys.argv[1], e))
def clean(s):
    return " ".join(str(s).replace("\t", " ").split())
try:
    out = ["cell\t" + clean(r["cell"])]
    for t in r["tests"]:
        sec = "" if t.get("seconds") is None else str(t["seconds"])
        out.append("\t".join(["test", clean(t["name"]), t["status"].upper(), clean(t.get("reason", "")), sec]))
    out.append("\t".join(["counts"] + [str(int(r[k])) for k in ("passed", "failed", "skipped", "xfail", "xpass")]))
    for st in r.get("stages", []):
        out.append("stage\t%s\t%d" % (clean(st["name"]), st["seconds"]))
except (KeyError, TypeError, AttributeError, ValueError) as e:
    sys.exit("error: %s is not a cell's results (scripts/cell-results.sh): %s %s" % (sys.argv[1], type(e).__name__, e))
print("\n".join(out))
PY
}

# The subtests of each test in GUEST-LOG: the KTAP lines "# ok N name",
# "# not ok N name" and "# ok N name # SKIP why" a kselftest prints between
# "# selftests: SUITE: TEST" and its own result line. One line per test
# that has subtests: "SUITE:TEST<tab>RESULT<tab>PASSED<tab>FAILED<tab>
# SKIPPED<tab>FAILED-NAMES<tab>SKIPPED-NAMES<tab>DIRECTIVE" (RESULT: ok,
# not ok or skip, the test's own, DIRECTIVE what followed its " # ";
# names joined by "; ", so a "; " inside a name or reason becomes ", ").
subtest_counts() { # GUEST-LOG
	awk -F '\t' "$KSFT_RESULT_AWK"'
		function clean(s) { sub(/^# (not )?ok [0-9]+ */, "", s); sub(/[ \t]+$/, "", s); return s }
		{ sub(/\r$/, "") }
		/^# selftests: [^ ]+: / { t = $0; sub(/^# selftests: /, "", t); sub(/: /, ":", t); sub(/[ \t]+$/, "", t)
			cur = t; p = f = k = 0; fn = kn = ""; next }
		cur == "" { next }
		/^# (not )?ok [0-9]+( |$)/ {
			if ($0 ~ /^# ok [0-9]+ .*# *SKIP/) {
				k++; n = $0; sub(/^# ok [0-9]+ */, "", n); i = index(n, "# SKIP")
				nm = substr(n, 1, i - 1); why = substr(n, i + 6); sub(/[ \t]+$/, "", nm); sub(/^[ \t]+/, "", why); sub(/[ \t]+$/, "", why)
				n = (nm != "" && why != "") ? nm ": " why : nm why
				gsub(/; /, ", ", n)
				kn = kn (kn == "" ? "" : "; ") n
			}
			else if ($0 ~ /^# not ok /) { f++; n = clean($0); sub(/ *# .*/, "", n); gsub(/; /, ", ", n); fn = fn (fn == "" ? "" : "; ") n }
			else p++
			next
		}
		/^(not )?ok [0-9]+ selftests: [^ ]+: / {
			ksft_result($0); res = rfailed ? "not ok" : "ok"
			if ($0 ~ / # *SKIP/) res = "skip"
			if (rname == cur && p + f + k > 0) printf "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", cur, res, p, f, k, fn, kn, rdir
			if (rname == cur) cur = ""
		}' "$1"
}
# Result lines from subtest_counts' output (stdin): a test that exited 0
# with failed subtests fails ("exit=0 with N failed subtests: ..."); a
# failed test names its failed subtests after its own reason; a passed
# test with skipped subtests says how many and which.
subtest_results() {
	awk -F '\t' '
		{ u = $1; sub(/:/, ": ", u) }
		$2 == "ok" && $4 > 0 { printf "not ok 0 selftests: %s # exit=0 with %d failed subtest%s: %s\n", u, $4, ($4 > 1 ? "s" : ""), $6; next }
		$2 == "not ok" && $4 > 0 { printf "not ok 0 selftests: %s # %s%s%d failed subtest%s: %s\n", u, $8, ($8 == "" ? "" : "; "), $4, ($4 > 1 ? "s" : ""), $6; next }
		$2 == "ok" && $5 > 0 { printf "ok 0 selftests: %s # subtests: %d passed, %d skipped: %s\n", u, $3, $5, $7 }'
}

# The awk rule that reads a file of expected skips, the first file of
# the run (expected-skips.txt: lines "CELLS SUITE:TEST /REGEX/ REASON";
# CELLS may be "*", every cell): for the cell in variable c, n[SUITE:TEST]
# entries with their REGEXes in re[SUITE:TEST, 1..n]. A bad line is named
# on stderr and ends the run with exit 1 (with END { if (bad) exit 1 }).
EXPECTED_SKIPS_AWK='
		FILENAME == ARGV[1] {
			if ($0 ~ /^[[:space:]]*(#|$)/) next
			split($0, a, " "); rest = substr($0, length(a[1]) + length(a[2]) + 3)
			if (!match(rest, /^\/.*\/ /)) { printf "%s:%d: want CELLS SUITE:TEST /REGEX/ REASON\n", FILENAME, FNR > "/dev/stderr"; bad = 1; exit 1 }
			if (a[1] != "*" && !index("," a[1] ",", "," c ",")) next
			n[a[2]]++; re[a[2], n[a[2]]] = substr(rest, 2, RLENGTH - 3)
			next
		}
'

# Subtest skips a cell expects, from a file of lines "CELLS SUITE:TEST
# /REGEX/ REASON" (expected-skips.txt; CELLS may be "*", every cell): a
# passed test (subtest_counts' lines on stdin) whose skipped subtest
# ("name: why", as subtest_counts gives it) matches no REGEX of its CELL
# fails: "not ok 0 selftests: SUITE: TEST # N unexpected subtest skips
# (FILE): ...". Prints nothing when every skip is expected.
unexpected_skips() { # CELL FILE
	[ -f "$2" ] || die "EXPECTED_SKIPS: no such file: $2"
	awk -F '\t' -v c="$1" -v f="${2##*/}" "$EXPECTED_SKIPS_AWK"'
		$2 == "ok" && $5 > 0 {
			m = split($7, sk, "; "); out = ""; k = 0
			for (i = 1; i <= m; i++) {
				hit = 0
				for (j = 1; j <= n[$1]; j++) if (sk[i] ~ re[$1, j]) { hit = 1; break }
				if (!hit) { k++; out = out (out == "" ? "" : "; ") sk[i] }
			}
			u = $1; sub(/:/, ": ", u)
			if (k) printf "not ok 0 selftests: %s # %d unexpected subtest skip%s (%s): %s\n", u, k, (k > 1 ? "s" : ""), f, out
		}
		END { if (bad) exit 1 }' "$2" -
}

# Whole tests that skipped (a program that exited 4: "ok N selftests:
# SUITE: TEST # SKIP"), checked like skipped subtests against the file of
# unexpected_skips (expected-skips.txt). The reason is the one the test
# gave: its "1..0 # SKIP why" or "ok N # SKIP why" line, else its last line
# of output. A skip whose reason matches a REGEX of its CELL and
# SUITE:TEST prints "ok 0 selftests: SUITE: TEST # SKIP why"; any other,
# "not ok 0 selftests: SUITE: TEST # unexpected skip (FILE): why". Skips
# the harness made (tests not run: "# SKIP not run (...)") carry their
# reason already and are left alone. SUITE:* in the file stands for every
# test of SUITE.
whole_skips() { # CELL FILE GUEST-LOG
	[ -f "$2" ] || die "EXPECTED_SKIPS: no such file: $2"
	awk -v c="$1" -v f="${2##*/}" "$KSFT_RESULT_AWK$EXPECTED_SKIPS_AWK"'
		{ sub(/\r$/, "") }
		/^# selftests: [^ ]+: / { cur = $0; sub(/^# selftests: /, "", cur); sub(/: /, ":", cur); sub(/[ \t]+$/, "", cur); why = last = ""; next }
		/^(not )?ok [0-9]+ selftests: [^ ]+: / {
			ksft_result($0)
			if (rdir ~ /^SKIP/ && rdir !~ /^SKIP not run \(/) {
				w = why != "" ? why : last
				if (w == "" && rdir ~ /^SKIP ./) { w = rdir; sub(/^SKIP +/, "", w) }
				hit = 0; st = rname; sub(/:.*/, ":*", st)
				for (j = 1; j <= n[rname]; j++) if (w ~ re[rname, j]) { hit = 1; break }
				for (j = 1; !hit && j <= n[st]; j++) if (w ~ re[st, j]) hit = 1
				u = rname; sub(/:/, ": ", u)
				if (hit) printf "ok 0 selftests: %s # SKIP %s\n", u, w
				else printf "not ok 0 selftests: %s # unexpected skip (%s): %s\n", u, f, (w == "" ? "no reason given" : w)
			}
			cur = ""; next
		}
		cur == "" { next }
		/^# (# )?(1\.\.0|ok [0-9]+) *# *SKIP/ { w = $0; sub(/^.*# *SKIP */, "", w); sub(/[ \t]+$/, "", w); if (w != "") why = w; next }
		/^# ./ { l = $0; sub(/^# (# )?/, "", l); sub(/[ \t]+$/, "", l); if (l != "" && l !~ /^(TAP version|1\.\.[0-9]|overriding timeout)/) last = l }
		END { if (bad) exit 1 }' "$2" "$3"
}

# Known failures (known-failures.txt: lines "CELLS SUITE:TEST REASON") are
# run, and their results turned into expected ones: for each entry of
# CELL, the last result of SUITE:TEST in RESULTS-LOG decides. A failure
# (not ok: exit code, time-out, failed subtests) prints "ok 0 selftests:
# SUITE: TEST # XFAIL (FILE): REASON"; a pass prints "... # XPASS (FILE):
# passed, the entry can go: REASON"; a skip or no result prints nothing (a
# missing result stays a failure). A REASON that starts with "/REGEX/ " is
# the failure's signature: only a failure whose reason (what follows " # "
# on its result line, e.g. "exit=0 with 1 failed subtest: NAME") matches
# the ERE is expected; any other stays a failure.
known_failure_results() { # CELL RESULTS-LOG KNOWN-FAILURES-FILE
	[ -f "$3" ] || die "KNOWN_FAILURES: no such file: $3"
	awk -v c="$1" -v f="${3##*/}" "$KSFT_RESULT_AWK"'
		FILENAME == ARGV[1] {
			if ($0 ~ /^[[:space:]]*(#|$)/ || !index("," $1 ",", "," c ",")) next
			t = $2; $1 = $2 = ""; sub(/^ +/, ""); why[t] = $0; sig[t] = ""
			if (match($0, /^\/[^\/]*\/ /)) { sig[t] = substr($0, 2, RLENGTH - 3); why[t] = substr($0, RLENGTH + 1) }
			next
		}
		{ sub(/\r$/, "") }
		/^(not )?ok [0-9]+ selftests: [^ ]+: / {
			ksft_result($0); r = rname
			if (!(r in why)) next
			if (rfailed) res[r] = (sig[r] == "" || rdir ~ sig[r]) ? "XFAIL" : ""
			else if (rdir ~ /^(SKIP|XFAIL)/) res[r] = ""
			else res[r] = "XPASS"
		}
		END {
			for (t in why) {
				if (res[t] == "") continue
				u = t; sub(/:/, ": ", u)
				if (res[t] == "XFAIL") print "ok 0 selftests: " u " # XFAIL (" f "): " why[t]
				else print "ok 0 selftests: " u " # XPASS (" f "): passed, the entry can go: " why[t]
			}
		}' "$3" "$2" | sort
}

# Why TEST is not run in CELL on a host of speed factor PCT, from a
# speed-limits file (lines "CELLS TEST LIMIT REASON"): prints
# "(FILE): ..." when PCT is above the test's limit for CELL, nothing
# otherwise or when FILE is empty.
speed_limited() { # CELL TEST PCT FILE
	[ -n "$4" ] || return 0
	[ -f "$4" ] || die "SPEED_LIMITS: no such file: $4"
	awk -v c="$1" -v t="$2" -v pct="$3" '
		/^[[:space:]]*(#|$)/ { next }
		$2 == t && index("," $1 ",", "," c ",") {
			if ($3 !~ /^[0-9]+$/) { print "(" FILENAME "): bad limit " $3 > "/dev/stderr"; exit 1 }
			if (pct + 0 > $3 + 0) {
				f = FILENAME; sub(/.*\//, "", f); l = $3
				$1 = $2 = $3 = ""; sub(/^ +/, "")
				print "(" f "): host speed factor " pct " above this test'"'"'s limit " l ": " $0
			}
			exit
		}' "$4"
}

# Run the rest of this shell and its children as on a slower machine: a
# CPU bandwidth limit of CPUS processors in all (e.g. 0.59: the slow
# machines of this kind build the kernel 3.4x slower on 2 cores), through
# a cgroup (v2 cpu.max, or v1 cpu.cfs_quota_us). Needs root. A 20 ms
# period keeps the throttling fine-grained; the group's high weight gives
# it its whole quota when other work loads the host, so that the limit,
# not the other work, sets its speed.
cpu_limit() { # CPUS
	local cpus=$1 quota g
	[[ $cpus =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v c="$cpus" 'BEGIN { exit !(c > 0) }' ||
		die "FRESH_CPUS=$cpus: a number of CPUs greater than 0, e.g. 0.59"
	quota=$(awk -v c="$cpus" 'BEGIN { printf "%d", c * 20000 }')
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		g=/sys/fs/cgroup/pvops-slow-$$
		mkdir -p "$g" && echo "$quota 20000" >"$g/cpu.max" ||
			die "cannot limit the CPU through $g (cgroup v2 with the cpu controller needed)"
		echo 10000 >"$g/cpu.weight" 2>/dev/null || warn "cannot raise the weight of $g: other work on the host may take part of its quota"
	else
		g=/sys/fs/cgroup/cpu/pvops-slow-$$
		mkdir -p "$g" && echo 20000 >"$g/cpu.cfs_period_us" && echo "$quota" >"$g/cpu.cfs_quota_us" ||
			die "cannot limit the CPU through $g (the cgroup v1 cpu controller needed)"
		echo 16384 >"$g/cpu.shares" 2>/dev/null || warn "cannot raise the shares of $g: other work on the host may take part of its quota"
	fi
	echo $$ >"$g/cgroup.procs" || die "cannot move into $g"
	CPU_LIMIT_CG=$g
	say "CPU limited to $cpus CPUs in all ($g: $quota us every 20000 us)"
}
# Back to the parent group; the limit's group goes.
cpu_unlimit() {
	[ -n "${CPU_LIMIT_CG:-}" ] || return 0
	echo $$ >"$(dirname "$CPU_LIMIT_CG")/cgroup.procs" && rmdir "$CPU_LIMIT_CG" 2>/dev/null || true
	CPU_LIMIT_CG=
}

# The first line of a guest console log (FILE) where the kernel warned,
# oopsed, locked up, or one of its checkers reported (lockdep, UBSAN,
# KASAN, KFENCE, the hung task detector); nothing when there is none.
kernel_splat() { # FILE
	grep -a -m1 -E 'WARNING: CPU: |BUG: |Oops|soft lockup|\] (WARNING: [a-z]|UBSAN: |KASAN: |INFO: task .* blocked for more than)' "$1" || true
}
