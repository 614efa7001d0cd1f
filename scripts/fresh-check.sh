#!/usr/bin/env bash
# Does the README work on a machine that has nothing of the project's
# dependencies? Make a clean Debian root (debootstrap minbase with git and
# make only, the host's apt sources), clone this repository's HEAD into it
# and run the README's commands there as root, in a chroot: every package
# the harness needs is installed inside, by the harness.
#
#   scripts/fresh-check.sh [TARGET...]       default: FRESH_TARGETS
#
# FRESH_TARGETS (default "images quick"): the make targets run, in order.
# FRESH_SHARE (default "downloads ccache"): the entries of the host's
# $CACHE bind-mounted into the root's cache, to save downloading the kernel
# source and recompiling it; "" shares nothing; "images" shares the built
# images too (CI: the package installs and the captured outputs are checked;
# the images are built in the root only when the host has none for the
# same inputs, and the host's run then uses them). The targets tree and images must print
# paths alone on stdout (what callers capture), and are checked for it.
# FRESH_CPUS=N (e.g. 0.59): run the targets with N CPUs' worth of time in
# all, a fast machine standing in for a slow one (lib.sh: cpu_limit).
# The logs are in $RUN_DIR/fresh-check, with the root's own run directories
# (root-runs/). A root that failed is kept, with its own out/, in
# $OUT/fresh-check/root until the next check replaces it; one that passed
# is removed (FRESH_KEEP=yes keeps it).
# Prints nothing on stdout; exit 0 when every target passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || die "fresh-check needs root (debootstrap, chroot, mounts)"
need debootstrap:debootstrap git:git
FRESH_TARGETS=${*:-${FRESH_TARGETS:-images quick}}
FRESH_SHARE=${FRESH_SHARE-downloads ccache}
RUN_DIR=${RUN_DIR:-$OUT/runs/$(date +%Y%m%d-%H%M%S)}
# The logs stay with the run; the root (gigabytes) is replaced by the
# next check.
W=$RUN_DIR/fresh-check
root=$OUT/fresh-check/root
mkdir -p "$W" "$OUT/fresh-check"
if [ -n "$(git -C "$TOP" status --porcelain --untracked-files=no)" ]; then
	warn "the working tree has uncommitted changes: fresh-check clones HEAD ($(git -C "$TOP" rev-parse --short HEAD)) without them"
fi

# The clean root, cached by its inputs (a tarball: each check starts from
# an untouched copy).
base_pkgs="git,make,ca-certificates"
key=$( { echo "$DEBIAN_SUITE $base_pkgs"; cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	/etc/apt/sources.list.d/*.list 2>/dev/null || true; } | key_of)
tarball=$CACHE/fresh-root-$key.tar
t0=$(now)
lock_entry "fresh-root-$key"
if [ -f "$tarball" ]; then
	cache_used "$tarball"
else
	disk_need fresh-root "$CACHE"
	cache_prune fresh-root "$key"
	stage "fresh-check: a clean Debian $DEBIAN_SUITE root (debootstrap minbase, $base_pkgs)"
	tmp=$OUT/fresh-check/base
	rm -rf "$tmp" && mkdir -p "$DLCACHE/debootstrap"
	debootstrap --variant=minbase --cache-dir="$DLCACHE/debootstrap" --include="$base_pkgs" \
		"$DEBIAN_SUITE" "$tmp" >"$W/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$W/debootstrap.log" >&2; die "debootstrap of the clean root failed: see $W/debootstrap.log"; }
	# The host's package sources and apt settings: a fresh machine of this
	# kind has the same.
	rm -f "$tmp/etc/apt/sources.list"
	cp -a /etc/apt/sources.list "$tmp/etc/apt/" 2>/dev/null || true
	cp -a /etc/apt/sources.list.d/. "$tmp/etc/apt/sources.list.d/"
	cp -a /etc/apt/apt.conf.d/. "$tmp/etc/apt/apt.conf.d/"
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
	tar -C "$tmp" -cf "$tarball.new" . && mv "$tarball.new" "$tarball"
	rm -rf "$tmp"
fi
exec 9>&-

umount_root() {
	local m
	# Deepest first.
	for m in $(awk -v r="$root" 'index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}
# Is anything still mounted under the root?
root_mounted() { awk -v r="$root" 'index($2, r "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; }
umount_root
# Never remove the old root through a mount that is still there (/dev, the
# shared cache).
if root_mounted; then
	die "$root still has mounts under it; unmount them first"
fi
rm -rf "$root"
disk_need fresh-check "$OUT"
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
chroot "$root" dpkg-query -W -f '${Package}\n' | sort >"$W/packages-before.txt"
trap umount_root EXIT
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
for e in $FRESH_SHARE; do
	case $e in downloads | ccache | images) ;; *) die "FRESH_SHARE: $e is not downloads, ccache or images" ;; esac
	mkdir -p "$CACHE/$e" "$root/root/.cache/pvops-series/$e"
	mount --bind "$CACHE/$e" "$root/root/.cache/pvops-series/$e"
done
# A shared entry is locked with the host's locks (lock_entry), so that the
# root and another checkout never build the same image at once.
if [ -n "$FRESH_SHARE" ]; then
	mkdir -p "$CACHE/locks" "$root/root/.cache/pvops-series/locks"
	mount --bind "$CACHE/locks" "$root/root/.cache/pvops-series/locks"
fi
git clone -q "$TOP" "$root/root/pvops"
t1=$(now)
stage "fresh-check: clone of $(git -C "$TOP" rev-parse --short HEAD) in a clean root ($((t1 - t0)) s); running: make $FRESH_TARGETS (log $W/make.log)"

# The targets whose standard output is data, paths alone (tree, images):
# every line must name a directory that exists in the root.
paths_only() { # FILE
	local l n=0
	while IFS= read -r l; do
		n=$((n + 1))
		case $l in /*) [ -d "$root$l" ] || { echo "line $n of stdout is not a directory of the root: '$l'"; return 1; } ;;
		*) echo "line $n of stdout is not a path: '$l'"; return 1 ;; esac
	done <"$1"
	[ "$n" -gt 0 ] || { echo "nothing on stdout"; return 1; }
}
rc=0
: >"$W/result.txt"
[ -z "${FRESH_CPUS:-}" ] || cpu_limit "$FRESH_CPUS"
for target in $FRESH_TARGETS; do
	ts=$(now) why=
	echo "### make $target" >>"$W/make.log"
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		${SPEED_PCT:+SPEED_PCT=$SPEED_PCT} \
		bash -c "cd /root/pvops && make $target" >"$W/$target.stdout" 2>>"$W/make.log" ||
		why="exit $?"
	case $target in tree | images)
		[ -n "$why" ] || why=$(paths_only "$W/$target.stdout") || true ;;
	esac
	cat "$W/$target.stdout" >>"$W/make.log"
	if [ -z "$why" ]; then
		printf 'ok   make %-10s %5d s\n' "$target" $(($(now) - ts)) | tee -a "$W/result.txt" >&2
	else
		printf 'FAIL make %-10s %5d s: %s\n' "$target" $(($(now) - ts)) "$why" | tee -a "$W/result.txt" >&2
		tail -n 30 "$W/make.log" >&2
		rc=1
		break
	fi
done
cpu_unlimit
# What the harness installed, from nothing.
chroot "$root" dpkg-query -W -f '${Package}\n' | sort >"$W/packages-after.txt" || true
comm -13 "$W/packages-before.txt" "$W/packages-after.txt" >"$W/packages-installed.txt" || true
say "fresh-check: the harness installed $(wc -l <"$W/packages-installed.txt") packages (with their dependencies) in the clean root: $W/packages-installed.txt"
runs=$root/root/pvops/out/runs
# A root that passed has done its job: its run directories are kept with
# this run's logs and the rest (gigabytes: a kernel tree, packages) goes.
# A failed one stays for a look, until the next check.
if [ $rc = 0 ] && [ "${FRESH_KEEP:-no}" = no ]; then
	[ ! -d "$runs" ] || cp -a "$runs" "$W/root-runs"
	umount_root
	if ! root_mounted; then
		rm -rf "$root"
		runs=$W/root-runs
	fi
fi
say "fresh-check: $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(($(now) - t0)) s; the root's run directories: $runs; log $W/make.log"
exit $rc
