#!/usr/bin/env bash
# The domU's Debian userspace (systemd as init), cached by its inputs:
#   $CACHE/images/domu-KEY/rootfs   debootstrap'd tree, ready to boot
# Per run, scripts/mk-rundisk.sh adds the kselftests and the test unit to a
# copy of it and makes the ext4 image the domU boots from (xvda).
# Prints the image directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
data_on_stdout

# DOMU_ARCH: amd64 (default) or i386 (the i386 kernels' userspace).
# iproute2/iputils-ping and procps are what the tests and the checks in the
# guest use; libnuma1 and libcap2 what mm's tests link with. On amd64,
# libc6-i386 and lib32gcc-s1 run the x86 suite's 32-bit programs and
# xenstore-utils the lifecycle checks (Debian builds the Xen tools for
# 64-bit only: the i386 guests run no lifecycle operations).
DOMU_ARCH=${DOMU_ARCH:-amd64}
DOMU_PACKAGES="systemd,systemd-sysv,udev,dbus,kmod,iproute2,iputils-ping,procps,busybox,libnuma1,libcap2"
case $DOMU_ARCH in
amd64) DOMU_PACKAGES="$DOMU_PACKAGES,libc6-i386,lib32gcc-s1,xenstore-utils" ;;
i386) ;;
*) die "DOMU_ARCH=$DOMU_ARCH: amd64 or i386" ;;
esac

need debootstrap:debootstrap
[ "$(id -u)" = 0 ] || die "building the domU image needs root (debootstrap)"
key=$( { echo "$DEBIAN_SUITE $DOMU_ARCH $DOMU_PACKAGES"; cat "$0" "$TOP/scripts/pvci-tests.service"; } | key_of)
img=$CACHE/images/domu-$key
lock_entry "domu-$key"
if [ -f "$img/.done" ]; then
	cache_used "$img"
	result "$img"
	exit 0
fi
t0=$(now)
say "building domU userspace $img (Debian $DEBIAN_SUITE $DOMU_ARCH, systemd)"
rm -rf "$img"
disk_need domu-image "$CACHE"
cache_prune domu "$key"
mkdir -p "$img" "$DLCACHE/debootstrap"
root=$img/rootfs
debootstrap --variant=minbase --arch="$DOMU_ARCH" --cache-dir="$DLCACHE/debootstrap" --include="$DOMU_PACKAGES" \
	"$DEBIAN_SUITE" "$root" >"$img/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$img/debootstrap.log" >&2; die "debootstrap of the domU failed$(disk_why "$img/debootstrap.log" "$img"): see $img/debootstrap.log"; }

echo pvci-domu >"$root/etc/hostname"
printf '/dev/xvda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
passwd -R "$root" -d root >/dev/null
# A clean console: no getty on it, nothing periodic, no time sync.
for u in serial-getty@hvc0.service getty@tty1.service console-getty.service \
	systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
	e2scrub_reap.service fstrim.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
install -m 0644 "$TOP/scripts/pvci-tests.service" "$root/etc/systemd/system/pvci-tests.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../pvci-tests.service "$root/etc/systemd/system/multi-user.target.wants/pvci-tests.service"
# A static address on the dom0 bridge (link-local; the VM has no NIC to the host).
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=enX0 eth0\n\n[Network]\nAddress=169.254.77.2/24\n' >"$root/etc/systemd/network/50-xen-vif.network"
ln -sf /lib/systemd/system/systemd-networkd.service \
	"$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
rm -rf "$root"/usr/share/{doc,man,info,locale} "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/*
touch "$img/.done"
say "domU userspace ready in $(($(now) - t0)) s ($(du -sh "$root" | cut -f1))"
result "$img"
