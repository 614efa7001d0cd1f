#!/usr/bin/env bash
# Build and install the kselftest suites in $BUILD_SUITES from the patched tree,
# against the headers of the kernel built in $OUT/build/FLAVOUR.
#
#   scripts/build-selftests.sh TREE FLAVOUR DEST
#
# DEST receives kselftest's install layout (run_kselftest.sh, kselftest-list.txt,
# one directory per suite). Objects go to $OUT/build/FLAVOUR/kselftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die "usage: scripts/build-selftests.sh TREE FLAVOUR DEST"
TREE=$1 FLAVOUR=$2 DEST=$(realpath -m "$3")
O=$(build_dir "$FLAVOUR")
[ -f "$O/.config" ] || die "$O has no kernel config: build the kernel first"
# An empty TARGETS would make kselftest build every suite.
SUITES=${BUILD_SUITES:-}
if [ -z "$SUITES" ]; then
	say "no kselftest suite asked for: nothing to build"
	rm -rf "$DEST" && mkdir -p "$DEST" && : >"$DEST/kselftest-list.txt"
	exit 0
fi
# The x86 suite builds 32-bit programs too when a multilib compiler exists.
# mm needs libcap's headers (memfd_secret) and libnuma's (migration, ...).
need gcc:gcc
need "$(dirname "$(gcc -print-libgcc-file-name)")/32/crtbegin.o:gcc-multilib" rsync:rsync \
	/usr/include/sys/capability.h:libcap-dev /usr/include/numa.h:libnuma-dev
# An i386 flavour: 32-bit programs (the x86 suite then builds only its _32
# ones), and the kernel's headers for ARCH=i386.
arch=()
case $FLAVOUR in i386*) arch=(ARCH=i386) ;; esac
LOGDIR=${RUN_DIR:-$OUT/logs}
mkdir -p "$LOGDIR"
log=$LOGDIR/build-kselftest-$(ktree_tag)$FLAVOUR.log
t0=$(now)
# The suites' Makefiles do not all list their headers as prerequisites
# (futex's do not): when a source of these suites or kselftest's own
# files changed, build them from scratch.
src_key() {
	{ echo "$SUITES"; cd "$TREE/tools/testing/selftests" &&
		find $SUITES lib.mk kselftest*.h kselftest -type f -print0 | sort -z | xargs -0 sha256sum; } | key_of
}
# What was installed: these sources, the kernel's UAPI headers they are
# built against, and the compiler. Nothing changed: nothing to do (make
# install would rebuild every program, about a minute).
inst_key_of() { # SOURCE-KEY
	{ echo "$1 ${arch[*]}"; gcc --version | sed -n 1p;
		cd "$TREE" && find include/uapi arch/x86/include/uapi -type f -print0 | sort -z | xargs -0 sha256sum; } | key_of
}
key=$(src_key)
inst_key=$(inst_key_of "$key")
if [ -x "$DEST/run_kselftest.sh" ] && [ "$(cat "$DEST/.pvci-key" 2>/dev/null)" = "$inst_key" ]; then
	say "kselftests up to date in $DEST ($(wc -l <"$DEST/kselftest-list.txt") tests; sources, headers and compiler unchanged)"
	exit 0
fi
say "building kselftests ($SUITES) into $DEST (log $log)"
make -C "$TREE" O="$O" "${arch[@]}" -j"$JOBS" headers >"$log" 2>&1 || die "make headers failed: see $log"
rm -rf "$DEST"
if [ "$(cat "$O/kselftest/.pvci-src-key" 2>/dev/null)" != "$key" ]; then
	rm -rf "$O/kselftest"
fi
make -C "$TREE/tools/testing/selftests" O="$O" "${arch[@]}" ${arch:+CC="gcc -m32"} -j"$JOBS" TARGETS="$SUITES" \
	KSFT_INSTALL_PATH="$DEST" install >>"$log" 2>&1 || {
	grep -E 'error|Error' "$log" | head -n 20 >&2
	die "kselftest build failed: see $log"
}
[ -x "$DEST/run_kselftest.sh" ] || die "kselftest install produced no run_kselftest.sh: see $log"
src_key >"$O/kselftest/.pvci-src-key"
# kselftest's install goes on past a suite that fails to build: name it.
for s in $SUITES; do
	grep -q "^$s:" "$DEST/kselftest-list.txt" || {
		grep -E 'error|Error' "$log" | grep -F "/$s/" | head -n 10 >&2
		die "kselftest suite $s did not build: see $log"
	}
done
# Keyed after the build: mm's Makefile writes local_config.h and
# local_config.mk into the source directory the first time.
inst_key_of "$(src_key)" >"$DEST/.pvci-key"
say "kselftests built in $(($(now) - t0)) s: $(wc -l <"$DEST/kselftest-list.txt") tests"
