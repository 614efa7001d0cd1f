#!/usr/bin/env bash
# Configure and build one kernel out of tree.
#
#   scripts/build-kernel.sh TREE FLAVOUR
#
# FLAVOUR names kconfig/FLAVOUR.config (e.g. x86_64-guest, i386-guest). The
# config is kconfig/base.config + xen-guest.config + FLAVOUR.config (after
# the fragment its "# base: NAME" line names, if any) + the
# kselftest `config` files
# of the suites in $KCONFIG_SUITES, merged over allnoconfig with the tree's own
# merge_config.sh. It is regenerated only when one of those inputs, or a
# Kconfig file of the tree, changes.
# KSELFTEST_CONFIG=file gives the kselftest fragment instead (same format).
# BUILD_TARGETS="dir/file.o ..." builds those make targets instead of
# bzImage (check-patches.sh --build=objects) and prints nothing.
# Output: $OUT/build/FLAVOUR (O= dir); the bzImage path is printed last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: scripts/build-kernel.sh TREE FLAVOUR"
TREE=$1 FLAVOUR=$2
frag=$TOP/kconfig/$FLAVOUR.config
[ -f "$frag" ] || die "no kconfig fragment kconfig/$FLAVOUR.config"
check_tree "$TREE" 2>/dev/null
case $FLAVOUR in
i386*) karch=i386 ;;
*) karch=x86_64 ;;
esac
need make:make gcc:gcc flex:flex bison:bison bc:bc perl:perl \
	/usr/include/libelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev \
	ccache:ccache xz:xz-utils cpio:cpio

O=$(build_dir "$FLAVOUR")
LOGDIR=${RUN_DIR:-$OUT/logs}
mkdir -p "$O" "$LOGDIR"
log=$LOGDIR/build-$(ktree_tag)$FLAVOUR.log

# Fragments: ours, then the selftests' (we build no modules: see kselftest_fragment).
# A flavour's fragment may start from another's: a "# base: FLAVOUR" line
# merges kconfig/FLAVOUR.config before it (e.g. the debug flavour).
ours=("$TOP/kconfig/base.config" "$TOP/kconfig/xen-guest.config")
base=$(sed -n 's/^# base:[[:space:]]*\([A-Za-z0-9_.-]*\).*/\1/p' "$frag" | head -n 1)
if [ -n "$base" ]; then
	[ -f "$TOP/kconfig/$base.config" ] || die "kconfig/$FLAVOUR.config: its base kconfig/$base.config does not exist"
	ours+=("$TOP/kconfig/$base.config")
fi
ours+=("$frag")
frags=("${ours[@]}")
kst=$O/kselftest.config
: >"$kst.new"
if [ -n "${KSELFTEST_CONFIG:-}" ]; then
	# A fragment made beforehand (check-patches.sh: the one of the whole
	# series, so that the config stays the same after every patch).
	cp "$KSELFTEST_CONFIG" "$kst.new"
else
	kselftest_fragment "$TREE" "$KCONFIG_SUITES" >"$kst.new"
fi
mv "$kst.new" "$kst"
[ -s "$kst" ] && frags+=("$kst")

# The tree's Kconfig files are an input too: a symbol the series adds
# (PARAVIRT_DEBUG_SITES) does not exist while check-patches.sh builds the
# tree at an earlier patch in the same directory, and kbuild's olddefconfig
# then drops it from .config; with the fragments alone in the key, the
# full series was built on afterwards without it.
kconfigs=$(cd "$TREE" && find . -name 'Kconfig*' -type f -not -path './.pc/*' -print0 |
	sort -z | xargs -0 cat | key_of)
key=$( { echo "$karch $(tree_version "$TREE") $TREE $kconfigs"; cat "${frags[@]}"; } | key_of)
if [ ! -f "$O/.config" ] || [ "$(cat "$O/.pvci-config-key" 2>/dev/null)" != "$key" ]; then
	say "configuring $FLAVOUR ($karch): $(printf '%s ' "${frags[@]#"$TOP"/}")"
	rm -f "$O/.pvci-config-key"
	(cd "$TREE" && ARCH=$karch scripts/kconfig/merge_config.sh -n -O "$O" "${frags[@]}") >"$log.config" 2>&1 ||
		{ tail -n 20 "$log.config" >&2; die "merge_config.sh failed: see $log.config"; }
	# Every value our own fragments ask for must be in the final config.
	bad=$(sed -n 's/^Value requested for \(CONFIG_[A-Za-z0-9_]*\) not in final .config/\1/p' "$log.config" |
		while read -r c; do grep -qhE "^(# )?${c}[= ]" "${ours[@]}" && echo "$c"; done || true)
	[ -z "$bad" ] || die "kconfig/$FLAVOUR.config, xen-guest.config or base.config asks for values the tree did not take: $(echo $bad) (see $log.config)"
	n=$(grep -c '^Value requested' "$log.config" || true)
	[ "$n" -eq 0 ] || note "$n kselftest config requests not satisfied by this config (list in $log.config)"
	echo "$key" >"$O/.pvci-config-key"
fi

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$OUT")}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-include_file_mtime,include_file_ctime,time_macros}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Depend mode: a miss costs one compiler run, not a preprocessor run too;
# hits are keyed on the source and every header it read.
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}
# scripts/kcc: ccache, but not for what ccache cannot key (.incbin).
cc=gcc
command -v ccache >/dev/null && cc=$TOP/scripts/kcc
export KBUILD_BUILD_USER=pvci KBUILD_BUILD_HOST=pvci

# A cold build writes the most; a warm one little.
if [ -f "$O/vmlinux" ]; then disk_need kernel-rebuild "$O"; else disk_need kernel-build "$O"; fi
t0=$(now)
if [ -n "${BUILD_TARGETS:-}" ]; then
	read -ra targets <<<"$BUILD_TARGETS"
	say "building ${#targets[@]} targets of $FLAVOUR in $O (make -j$JOBS, CC=\"$cc\", log $log)"
	if ! make -C "$TREE" O="$O" ARCH="$karch" CC="$cc" -j"$JOBS" "${targets[@]}" >"$log" 2>&1; then
		grep -E 'error:|Error [0-9]|\*\*\*' "$log" | head -n 20 >&2
		die "building ${targets[*]} ($FLAVOUR) failed$(disk_why "$log" "$O"): see $log"
	fi
	say "built ${#targets[@]} targets of $FLAVOUR in $(($(now) - t0)) s"
	exit 0
fi
say "building $FLAVOUR bzImage in $O (make -j$JOBS, CC=\"$cc\", log $log)"
if ! make -C "$TREE" O="$O" ARCH="$karch" CC="$cc" -j"$JOBS" bzImage >"$log" 2>&1; then
	grep -E 'error:|Error [0-9]|\*\*\*' "$log" | head -n 20 >&2
	die "kernel build ($FLAVOUR) failed$(disk_why "$log" "$O"): see $log"
fi
t1=$(now)
img=$O/arch/x86/boot/bzImage
say "built $FLAVOUR in $((t1 - t0)) s: $img ($(($(stat -c %s "$img") / 1024)) KiB, $(cat "$O/include/config/kernel.release"))"
echo "$((t1 - t0))" >"$O/.pvci-build-seconds"
