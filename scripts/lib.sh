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
	if [ "$v" != "$LINUX_VERSION" ]; then
		note "tree $t is Linux $v, not the pinned $LINUX_VERSION the series is tested on; going on"
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

apt_install() {
	[ "$(id -u)" = 0 ] || die "missing packages: $* (install them, or run as root so the harness can)"
	say "installing: $*"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
		>"$CACHE/apt-install.log" 2>&1 || {
		tail -n 20 "$CACHE/apt-install.log" >&2
		die "apt-get install $* failed: see $CACHE/apt-install.log"
	}
}

# Download a Debian binary package into the download cache (without
# installing it) and print the .deb's path. Tries NAME=VERSION first when a
# version is given, then whatever version the registry serves.
deb_download() {
	local pkg=$1 ver=${2:-} d=$DLCACHE/debs f
	mkdir -p "$d"
	if [ -n "$ver" ]; then
		f=$(ls "$d/${pkg}_$(printf %s "$ver" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -n1)
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
	done
}

# sha256 of a string (for cache keys).
key_of() { sha256sum | cut -c1-16; }
