#!/usr/bin/env bash
# A Debian kernel package, ready to boot as the domU: its vmlinuz and an
# initramfs that loads the modules the root disk needs (the block frontend,
# ext4) and the network frontend, then starts the domU's own init
# (scripts/debian-kernel/init.c). For calibrating a test on a kernel that
# has a bug the harness's trees do not (docs/regressions.md).
#
#   scripts/debian-kernel.sh ABI     e.g. 7.0.4+deb13-amd64
#
# Prints the directory holding vmlinuz, initrd.cpio and kernel-release
# ($CACHE/debian-kernels/ABI). The packages (linux-binary-ABI and
# linux-modules-ABI) come from DEBIAN_KERNEL_SUITE's Packages index
# (default trixie-backports) on DEBIAN_MIRROR (default deb.debian.org).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: scripts/debian-kernel.sh ABI (e.g. 7.0.4+deb13-amd64)"
abi=$1
[[ $abi =~ ^[0-9]+\.[0-9]+[.0-9]*\+deb[0-9]+-[a-z0-9-]+$ ]] || die "DEBIAN_KERNEL=$abi: not a Debian kernel ABI name such as 7.0.4+deb13-amd64"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${DEBIAN_KERNEL_SUITE:-trixie-backports}
need curl:curl xz:xz-utils dpkg-deb:dpkg depmod:kmod cpio:cpio
dir=$CACHE/debian-kernels/$abi
if [ -f "$dir/initrd.cpio" ] && [ -f "$dir/vmlinuz" ]; then
	echo "$dir"
	exit 0
fi
lock_entry "debian-kernel-$abi"
if [ -f "$dir/initrd.cpio" ] && [ -f "$dir/vmlinuz" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
stage "Debian kernel $abi: packages from $suite"
idx=$dir/Packages
curl -fsS "$mirror/dists/$suite/main/binary-amd64/Packages.xz" | xz -dc >"$idx" ||
	die "cannot read $mirror/dists/$suite/main/binary-amd64/Packages.xz"
# The version of linux-binary-ABI; linux-modules-ABI has the same one
# (it may have left the index while its file stays in the pool).
ver=$(awk -v p="linux-binary-$abi" '$0 == "Package: " p { f = 1 } f && /^Version:/ { print $2; exit }' "$idx")
[ -n "$ver" ] || die "no linux-binary-$abi in $suite (the ABIs there: $(sed -n 's/^Package: linux-binary-\(.*\)$/\1/p' "$idx" | sort -V | tail -n 5 | xargs)...)"
bin=$(awk -v p="linux-binary-$abi" '$0 == "Package: " p { f = 1 } f && /^Filename:/ { print $2; exit }' "$idx")
mods=pool/main/l/linux/linux-modules-${abi}_${ver}_amd64.deb
x=$dir/x
rm -rf "$x" && mkdir -p "$x"
for f in "$bin" "$mods"; do
	deb=$dir/$(basename "$f")
	[ -s "$deb" ] || curl -fsS -o "$deb.part" "$mirror/$f" || die "cannot download $mirror/$f"
	[ -s "$deb" ] || mv "$deb.part" "$deb"
	dpkg-deb -x "$deb" "$x"
done
cp "$x/boot/vmlinuz-$abi" "$dir/vmlinuz"
m=$x/usr/lib/modules/$abi
[ -d "$m" ] || m=$x/lib/modules/$abi
[ -d "$m" ] || die "no modules for $abi in linux-modules-$abi"
# depmod wants BASE/lib/modules.
[ -e "$x/lib/modules" ] || ln -s usr/lib "$x/lib"
depmod -b "$x" "$abi" 2>/dev/null
# The modules and what they need, each once, in load order.
order() { # MODULE (path under kernel/)
	local dep
	for dep in $(sed -n "s|^$1: *||p" "$m/modules.dep"); do order "$dep"; done
	echo "$1"
}
r=$dir/root
rm -rf "$r" && mkdir -p "$r/lib" "$r/dev"
: >"$r/modules"
for k in kernel/drivers/block/xen-blkfront kernel/fs/ext4/ext4 kernel/drivers/net/xen-netfront; do
	f=$(cd "$m" && ls "$k".ko* 2>/dev/null | head -n 1) || true
	[ -n "$f" ] || die "no $k module in linux-modules-$abi"
	order "$f"
done | awk '!seen[$0]++' | while read -r f; do
	n=$(basename "${f%.*}")
	case $f in *.xz) xz -dc "$m/$f" ;; *.zst) zstd -dc "$m/$f" ;; *) cat "$m/$f" ;; esac >"$r/lib/${n%.ko}.ko"
	echo "${n%.ko}.ko" >>"$r/modules"
done
static_init "$TOP/scripts/debian-kernel/init.c" "$r/init"
nmod=$(wc -l <"$r/modules")
(cd "$r" && find . -print0 | cpio --null -o -H newc --quiet) >"$dir/initrd.cpio.part"
mv "$dir/initrd.cpio.part" "$dir/initrd.cpio"
echo "$abi" >"$dir/kernel-release"
rm -rf "$x" "$r"
say "Debian kernel $abi ready in $dir ($nmod modules in its initramfs)"
echo "$dir"
