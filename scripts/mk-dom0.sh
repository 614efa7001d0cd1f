#!/usr/bin/env bash
# Prepare Xen and dom0 for the QEMU boot, cached by their inputs:
#   $CACHE/images/dom0-KEY/xen          Debian's Xen hypervisor (ELF, for qemu -kernel)
#   $CACHE/images/dom0-KEY/vmlinuz      Debian's stock amd64 kernel (dom0)
#   $CACHE/images/dom0-KEY/initrd.cpio  debootstrap'd dom0 userspace (boot.sh adds
#                                       /init = scripts/dom0-init for each run)
# dom0 is deliberately independent of the series: a broken patch cannot
# break the harness. Prints the image directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
data_on_stdout

# Kernel modules dom0 loads (plus their dependencies).
DOM0_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-netback
	bridge loop virtio_pci virtio_blk"

need debootstrap:debootstrap cpio:cpio dpkg-deb:dpkg apt-cache:apt depmod:kmod modprobe:kmod
[ "$(id -u)" = 0 ] || die "building the dom0 image needs root (debootstrap)"

xen_deb=$(deb_download "$XEN_PKG")
# The dom0 kernel: whatever linux-image-amd64 of the suite depends on.
apt_update_once
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || die "cannot resolve the dom0 kernel package (apt-cache depends linux-image-amd64)"
k_deb=$(deb_download "$kpkg")

key=$( { basename "$xen_deb"; basename "$k_deb"; echo "$DEBIAN_SUITE $XEN_UTILS_PKG $DOM0_MODULES";
	cat "$0"; } | key_of)
img=$CACHE/images/dom0-$key
lock_entry "dom0-$key"
if [ -f "$img/.done" ]; then
	cache_used "$img"
	result "$img"
	exit 0
fi

t0=$(now)
say "building dom0 image $img ($(basename "$xen_deb"), $(basename "$k_deb"), $DEBIAN_SUITE)"
rm -rf "$img"
disk_need dom0-image "$CACHE"
cache_prune dom0 "$key"
mkdir -p "$img"
work=$img/work
mkdir -p "$work/xen" "$work/k"
dpkg-deb -x "$xen_deb" "$work/xen"
gunzip -c "$work"/xen/boot/xen-*.gz >"$img/xen"
dpkg-deb -x "$k_deb" "$work/k"
cp "$work"/k/boot/vmlinuz-* "$img/vmlinuz"
kver=$(basename "$work"/k/lib/modules/*)

root=$work/root
mkdir -p "$DLCACHE/debootstrap"
debootstrap --variant=minbase --cache-dir="$DLCACHE/debootstrap" \
	--include="$XEN_UTILS_PKG,iproute2,busybox,kmod,udev,socat" \
	"$DEBIAN_SUITE" "$root" >"$img/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$img/debootstrap.log" >&2; die "debootstrap of dom0 failed$(disk_why "$img/debootstrap.log" "$img"): see $img/debootstrap.log"; }

# Only the modules dom0 needs, with their dependencies (the .deb ships no
# modules.dep: make one first).
depmod -b "$work/k" "$kver"
mods=
for m in $DOM0_MODULES; do
	dep=$(modprobe -d "$work/k" -S "$kver" --show-depends "$m" 2>&1) ||
		die "dom0 module $m not found in $(basename "$k_deb"): $dep"
	mods="$mods $(printf '%s\n' "$dep" | sed -n 's/^insmod \([^ ]*\).*/\1/p')"
done
for f in $mods; do
	rel=${f#"$work/k"}
	mkdir -p "$root$(dirname "$rel")"
	cp "$f" "$root$rel"
done
cp "$work/k/lib/modules/$kver/modules.order" "$work/k/lib/modules/$kver/modules.builtin"* "$root/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$root" "$kver"

# Trim what a dom0 in RAM does not need.
rm -rf "$root"/usr/share/{doc,man,info,locale,i18n} "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/*
sed -i 's|^#\?XENCONSOLED_ARGS=.*|XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"|' "$root/etc/default/xen"
grep -q '^XENCONSOLED_ARGS=' "$root/etc/default/xen" ||
	echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"' >>"$root/etc/default/xen"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$img/initrd.cpio"
rm -rf "$work"
touch "$img/.done"
say "dom0 image ready in $(($(now) - t0)) s: $(du -sh "$img/initrd.cpio" | cut -f1) initramfs"
result "$img"
