#!/usr/bin/env bash
# Boot Xen under QEMU (TCG) with Debian's dom0, create the domU and follow
# the run stage by stage until the domU has shut down and dom0 is done.
# With GUEST_TYPE=native, boot the same kernel and disk on QEMU directly
# (no Xen; virtio disk, serial console), the baseline for the Xen guests.
#
#   scripts/boot.sh DOM0_IMG_DIR DOMU_KERNEL DOMU_DISK_IMG
#   GUEST_TYPE=native scripts/boot.sh - KERNEL DISK_IMG
#
# Environment: CELL_DIR (logs), GUEST_TYPE (pv|pvh|native, default pv), DOMU_NAME,
# DOMU_CMDLINE_EXTRA (appended to the domU kernel command line),
# DOMU_MEMORY (MiB), DOMU_VCPUS, TESTS_TIMEOUT (s, the tests stage),
# STALL_TIMEOUT (s: the tests stage fails when no test and no lifecycle
# step has ended for that long; default each test's own limit,
# KSELFTEST_TIMEOUT, already scaled, + 180 s scaled),
# SPEED_PCT (every stage's limit, in seconds on the reference machine, is
# scaled by it: lib.sh, speed_pct; measured here when not given),
# BENCH_TRACE=1 (make bench: dom0 gets one vCPU pinned to CPU 0, the domU
# runs on CPU 1 only, and dom0 traces that CPU with xentrace while the
# guest asks it to; BENCH_TOOLS names the directory with xtcount),
# XEN_HYPERVISOR (an uncompressed Xen ELF to boot instead of Debian's from
# DOM0_IMG_DIR: a Xen of the same major version built with a fix).
#
# Logs in CELL_DIR: console.log (everything QEMU's serial port printed),
# xen.log, dom0.log, guest.log (split from it), qemu.log, stages.log.
# On a timeout, a crash or a panic: prints the stage's name and the tail of
# the log that stage writes, and exits 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die "usage: scripts/boot.sh DOM0_IMG_DIR DOMU_KERNEL DOMU_DISK_IMG"
D0=$1 KERNEL=$2 DISK=$3
GUEST_TYPE=${GUEST_TYPE:-pv}
DOMU_NAME=${DOMU_NAME:-pvci-$GUEST_TYPE}
DOMU_MEMORY=${DOMU_MEMORY:-1024}
DOMU_VCPUS=${DOMU_VCPUS:-2}
CELL_DIR=${CELL_DIR:-$OUT/runs/boot-$(date +%Y%m%d-%H%M%S)}
SPEED_PCT=$(speed_pct)
export SPEED_PCT
XEN=${XEN_HYPERVISOR:-$D0/xen}
need qemu-system-x86_64:qemu-system-x86 cpio:cpio
inputs=("$KERNEL" "$DISK")
[ "$GUEST_TYPE" = native ] || inputs+=("$XEN" "$D0/vmlinuz" "$D0/initrd.cpio")
for f in "${inputs[@]}"; do
	[ -f "$f" ] || die "missing boot input: $f"
done
mkdir -p "$CELL_DIR"
work=$CELL_DIR/boot-work
rm -rf "$work" && mkdir -p "$work/pvci"
console=$CELL_DIR/console.log
: >"$console"
if [ "$GUEST_TYPE" = native ]; then
	# The domU's fstab names xvda: fstab=0 leaves / as the kernel mounted it.
	# shellcheck disable=SC2054 # commas inside QEMU's option values
	qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64 -m "$DOMU_MEMORY" -smp "$DOMU_VCPUS"
		-display none -monitor none -no-reboot -nic none -serial "file:$console"
		-kernel "$KERNEL"
		-append "root=/dev/vda rw console=ttyS0 loglevel=5 fstab=0 ${DOMU_CMDLINE_EXTRA:-}"
		-drive "file=$DISK,if=virtio,format=raw,cache=unsafe")
else
# What dom0 runs: /init and this run's domU, as a second cpio archive
# after dom0's own (files in a later archive replace earlier ones).
cp "$KERNEL" "$work/pvci/bzImage"
ramdisk=
if [ -n "${DOMU_RAMDISK:-}" ]; then
	cp "$DOMU_RAMDISK" "$work/pvci/initrd"
	ramdisk='ramdisk = "/pvci/initrd"'
fi
# xl save writes the domU to a disk of its own (dom0's second virtio disk),
# not to dom0's memory, for each operation that saves it; xl reboot needs
# the domain restarted on reboot.
save_drive=() on_reboot=destroy
case " ${LIFECYCLE_OPS:-} " in *" save-restore "* | *" save-checkpoint "* | *" restore-detach "*)
	truncate -s $((DOMU_MEMORY + 512))M "$work/save.img"
	save_drive=(-drive "file=$work/save.img,if=virtio,format=raw,cache=unsafe") ;;
esac
case " ${LIFECYCLE_OPS:-} " in *" reboot "*) on_reboot=restart ;; esac
# lifecycle:driver-domain(-reattach): a second PV domU, booted from the same kernel
# with an initramfs whose /init (scripts/drvdom/init.c) serves the vifs
# dom0 attaches with backend=pvci-drvdom; the kernel needs netback built
# in (kconfig/x86_64-guest.config).
case " ${LIFECYCLE_OPS:-} " in *" driver-domain "* | *" driver-domain-reattach "*)
	mkdir -p "$work/drvdom/dev" "$work/drvdom/proc" "$work/drvdom/sys"
	static_init "$TOP/scripts/drvdom/init.c" "$work/drvdom/init"
	(cd "$work/drvdom" && find . | cpio -o -H newc --quiet) >"$work/pvci/drvdom.cpio"
	rm -rf "$work/drvdom"
	cat >"$work/pvci/drvdom.cfg" <<EOF
name = "pvci-drvdom"
type = "pv"
kernel = "/pvci/bzImage"
ramdisk = "/pvci/drvdom.cpio"
cmdline = "console=hvc0 loglevel=5 pvci_drvdom_addr=10.99.0.1"
memory = 128
vcpus = 1
driver_domain = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
	;;
esac
# make bench: what xentrace sees on CPU 1 is the domU's alone.
pin_xen='' pin_domu=''
if [ -n "${BENCH_TRACE:-}" ]; then
	[ -x "${BENCH_TOOLS:-}/xtcount" ] || die "BENCH_TRACE needs xtcount in BENCH_TOOLS (${BENCH_TOOLS:-unset})"
	install -m 0755 "$BENCH_TOOLS/xtcount" "$work/pvci/xtcount"
	pin_xen="dom0_max_vcpus=1 dom0_vcpus_pin"
	pin_domu='cpus = "1"'
fi
cat >"$work/pvci/run.env" <<EOF
DOMU_NAME=$DOMU_NAME
DOMU_DISK=/dev/vda
LC_SAVE_DEV=/dev/vdb
LIFECYCLE_OPS="${LIFECYCLE_OPS:-}"
BENCH_TRACE="${BENCH_TRACE:-}"
SPEED_PCT=$SPEED_PCT
EOF
cat >"$work/pvci/domu.cfg" <<EOF
name = "$DOMU_NAME"
type = "$GUEST_TYPE"
kernel = "/pvci/bzImage"
$ramdisk
cmdline = "root=/dev/xvda rw console=hvc0 loglevel=5 ${DOMU_CMDLINE_EXTRA:-}"
memory = $DOMU_MEMORY
vcpus = $DOMU_VCPUS
disk = [ 'format=raw, vdev=xvda, access=rw, script=/pvci/hotplug, target=/dev/vda' ]
vif = [ 'bridge=xenbr0, script=/pvci/hotplug' ]
on_poweroff = "destroy"
on_reboot = "$on_reboot"
on_crash = "destroy"
$pin_domu
EOF
cp "$work/pvci/domu.cfg" "$CELL_DIR/domu.cfg"
install -m 0755 "$TOP/scripts/dom0-init" "$work/init"
install -m 0755 "$TOP/scripts/dom0-hotplug" "$work/pvci/hotplug"
(cd "$work" && find init pvci | cpio -o -H newc --quiet) >"$work/run.cpio"
cat "$D0/initrd.cpio" "$work/run.cpio" >"$work/dom0-initrd.cpio"

xen_args="console=com1 com1=115200 dom0_mem=1536M,max:1536M loglvl=all guest_loglvl=all noreboot cpuidle=no max_cstate=0 $pin_xen"
dom0_args="console=hvc0 loglevel=4 rdinit=/init"
# shellcheck disable=SC2054 # commas inside QEMU's option values
qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64,+svm,+npt -m 3072 -smp 2
	-display none -monitor none -no-reboot -nic none -serial "file:$console"
	-kernel "$XEN" -append "$xen_args"
	-initrd "$D0/vmlinuz $dom0_args,$work/dom0-initrd.cpio"
	-drive "file=$DISK,if=virtio,format=raw,cache=unsafe" "${save_drive[@]}")
fi
printf '%q ' "${qemu[@]}" >"$CELL_DIR/qemu.cmd"
"${qemu[@]}" >"$CELL_DIR/qemu.log" 2>&1 &
qpid=$!

split_logs() {
	tr -d '\r' <"$console" >"$work/console.txt" || true
	if [ "$GUEST_TYPE" = native ]; then
		cp "$work/console.txt" "$CELL_DIR/guest.log"
		return 0
	fi
	grep -a '^(XEN)' "$work/console.txt" >"$CELL_DIR/xen.log" || true
	sed -n 's/^\[domU\] //p' "$work/console.txt" >"$CELL_DIR/guest.log" || true
	grep -av '^(XEN)\|^\[domU\] ' "$work/console.txt" >"$CELL_DIR/dom0.log" || true
}
cleanup() {
	kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	[ -z "${fpid:-}" ] || kill "$fpid" 2>/dev/null || true
	split_logs
	rm -f "$work/dom0-initrd.cpio" "$work/run.cpio" "$work/save.img"
}
trap cleanup EXIT

# stage name ; what ends it (ERE on the console) ; timeout (s) ; log to show
stages=(
	"xen-boot;^\(XEN\) \*\*\* (Building a PV Dom0|LOADING DOMAIN 0);90;xen"
	"dom0-up;^PVCI: stage dom0-up;150;dom0"
	"xen-daemons;^PVCI: stage xen-daemons-up;90;dom0"
	"xl-create;^PVCI: stage domu-created;90;dom0"
	"domu-userspace;^\[domU\] PVCI-DOMU: stage userspace-up;${USERSPACE_TIMEOUT:-600};guest"
	"tests;^\[domU\] PVCI-DOMU: stage tests-done;${TESTS_TIMEOUT:-1200};guest"
	"domu-poweroff;^PVCI: stage domu-shutdown;${POWEROFF_TIMEOUT:-120};guest"
	"dom0-done;^PVCI: stage done;60;dom0"
)
# Natively the guest's console is the serial port itself, and QEMU exits
# when the guest powers off.
if [ "$GUEST_TYPE" = native ]; then
	stages=(
		"userspace;^PVCI-DOMU: stage userspace-up;${USERSPACE_TIMEOUT:-600};guest"
		"tests;^PVCI-DOMU: stage tests-done;${TESTS_TIMEOUT:-1200};guest"
		"poweroff;reboot: Power down;${POWEROFF_TIMEOUT:-120};guest"
	)
fi
# Fatal on sight, whatever the stage.
fatal='^(\[domU\] )?(\[ *[0-9]+\.[0-9]+\] )?Kernel panic - not syncing|^\(XEN\) .*(Panic on CPU|FATAL TRAP|Domain 0 crashed)|^PVCI: stage domu-shutdown reason=crash'

fail() { # STAGE WHY LOG (t0: when the stage began)
	split_logs
	printf 'FAIL: stage %s (after %d s): %s\n' "$1" $(($(now) - ${t0:-$(now)})) "$2" | tee -a "$CELL_DIR/stages.log" >&2
	printf -- '--- last lines of %s ---\n' "$CELL_DIR/$3.log" >&2
	tail -n "${TAIL_LINES:-40}" "$CELL_DIR/$3.log" >&2
	printf -- '--- all logs of this run: %s\n' "$CELL_DIR" >&2
	exit 1
}

# The tests stage's progress: a test ended (the guest prints its time), a
# lifecycle step of the guest or of dom0. Each is shown on stderr; when
# none comes for STALL_TIMEOUT the guest is stuck (a test in an
# uninterruptible sleep that its time limit cannot kill, a hung kernel):
# fail then rather than at the end of the whole stage's limit.
progress_re='^(\[domU\] )?PVCI-DOMU: (stage tests-start|time |lc-request |lc-seen )|^PVCI: lc-dom0 '
n_tests=$(wc -w <<<"${KSELFTEST_TESTS:-}")
progress() { # LINE: one line on stderr for a test ended or a lifecycle step
	local l=${1#\[domU\] }
	case $l in
	"PVCI-DOMU: time "*)
		n_done=$((n_done + 1))
		l=${l#PVCI-DOMU: time }
		l=${l% s}
		printf '  test %d/%d: %s (%s s)\n' "$n_done" "$n_tests" "${l% *}" "${l##* }" >&2
		;;
	"PVCI-DOMU: lc-"* | "PVCI: lc-dom0 "*) printf '  lifecycle: %s\n' "${l#*: lc-}" >&2 ;;
	esac
}
n_done=0

# The console is followed as QEMU writes it: one reader (tail -F) passes
# on, as they come, the lines that end a stage or are fatal; they are
# kept in marks, which the stages below look up (a later stage's line may
# come before the current stage is over). The whole console is read again
# only when QEMU has exited, in case the reader missed its last lines.
marks=$work/marks
: >"$marks"
all_re="$fatal|$progress_re"
for s in "${stages[@]}"; do
	IFS=';' read -r _ re _ _ <<<"$s"
	all_re="$all_re|$re"
done
exec 3< <(tail -F -n +1 --pid="$qpid" "$console" 2>/dev/null | sed -u 's/\r//g' | grep -a --line-buffered -E "$all_re")
fpid=$!
# Fail on a fatal line of FILE (what was seen so far), naming its log.
check_fatal() { # STAGE FILE
	local what logname
	what=$(grep -aE "$fatal" "$2" | head -n1) || true
	[ -n "$what" ] || return 0
	case $GUEST_TYPE:$what in native:* | *:"[domU]"* | *reason=crash*) logname=guest ;; *:"(XEN)"*) logname=xen ;; *) logname=dom0 ;; esac
	fail "$1" "fatal: $what" "$logname"
}

stall=${STALL_TIMEOUT:-$((${KSELFTEST_TIMEOUT:-$(scaled 300)} + $(scaled 180)))}
[[ $stall =~ ^[1-9][0-9]*$ ]] || die "STALL_TIMEOUT=$stall: give a whole number of seconds"
t_run=$(now)
: >"$CELL_DIR/stages.log"
for s in "${stages[@]}"; do
	IFS=';' read -r name re limit logname <<<"$s"
	limit=$(scaled "$limit")
	t0=$(now) t_prog=$(now) last="the stage's start"
	while :; do
		check_fatal "$name" "$marks"
		grep -aEq "$re" "$marks" && break
		if IFS= read -r -t 1 line <&3; then
			printf '%s\n' "$line" >>"$marks"
			if [[ $line =~ $progress_re ]]; then
				progress "$line"
				t_prog=$(now) last=${line#\[domU\] }
			fi
			continue
		elif [ $? -le 128 ]; then
			# The reader ended: QEMU exited. What did the console end with?
			sleep 1
			tr -d '\r' <"$console" | grep -aE "$all_re" >"$marks" || true
			check_fatal "$name" "$marks"
			grep -aEq "$re" "$marks" && break
			fail "$name" "QEMU exited (see $CELL_DIR/qemu.log)" "$logname"
		fi
		[ $(($(now) - t0)) -lt "$limit" ] || fail "$name" "timed out after ${limit} s" "$logname"
		[ "$name" != tests ] || [ $(($(now) - t_prog)) -lt "$stall" ] ||
			fail "$name" "stalled: nothing ended for ${stall} s (STALL_TIMEOUT) since \"$last\"; a test its own limit could not stop, or a hung guest" "$logname"
	done
	printf 'stage %-15s %4d s\n' "$name" $(($(now) - t0)) | tee -a "$CELL_DIR/stages.log" >&2
done
split_logs
if [ "$GUEST_TYPE" = native ]; then
	# Powered off: QEMU exits by itself (a halted guest would keep it up).
	t0=$(now)
	while kill -0 "$qpid" 2>/dev/null && [ $(($(now) - t0)) -lt 30 ]; do sleep 1; done
	if kill -0 "$qpid" 2>/dev/null; then reason=halt-qemu-still-running; else reason=poweroff; fi
else
	reason=$(sed -n 's/^PVCI: stage domu-shutdown reason=\([a-z_]*\).*/\1/p' "$work/console.txt" | tail -n1)
fi
printf 'boot: %s guest shut down (reason: %s); whole run %d s; logs in %s\n' \
	"$GUEST_TYPE" "$reason" $(($(now) - t_run)) "$CELL_DIR" | tee -a "$CELL_DIR/stages.log" >&2
echo "$reason" >"$CELL_DIR/domu-shutdown-reason"
