#!/bin/bash
# run.sh - what `make run` does: boot the GRUB ISO in QEMU with the serial
# console on this terminal, and exit with the first program's exit status
# (the kernel powers off through QEMU's test device when it ends; 127 if
# it could not start).
#
# Environment (the Makefile passes its variables; README has the table):
#   DISK   ext2 image attached as the first IDE disk and mounted as root
#          (default $BUILD/disk.img, made from the boot tree on first use)
#   ROOT   "initrd": no disk, the boot archive is the root (INITRD_EXTRA
#          implies it)
#   INIT   the first program (default /sbin/init on a disk, /bin/sh on
#          the archive)
#   MEM    MiB of memory (default 128); CMDLINE  more kernel options
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
# The kernel to boot: make run passes the release build (build/release/).
KERNEL=${KERNEL:-$BUILD/kernel.elf}
MEM=${MEM:-128}
ROOT=${ROOT:-}
DISK=${DISK:-}
CMDLINE=${CMDLINE:-}
[ -n "${INITRD_EXTRA:-}" ] && ROOT=initrd

qemu_args=()
if [ "$ROOT" = initrd ]; then
	init=${INIT:-/bin/sh}
	cmdline="root=initrd init=$init $CMDLINE"
	initrd=$BUILD/initrd.cpio
else
	init=${INIT:-/sbin/init}
	if [ -z "$DISK" ]; then
		DISK=$BUILD/disk.img
		[ -f "$DISK" ] || scripts/mkdisk.sh "$BUILD/initrd-root" "$DISK" || exit 1
	fi
	[ -f "$DISK" ] || { echo "run: no disk image $DISK" >&2; exit 2; }
	cmdline="root=/dev/hda init=$init $CMDLINE"
	initrd=""
	qemu_args+=(-drive "file=$DISK,format=raw,if=ide,index=0")
fi

# One ISO per command line, rebuilt only when it changes.
iso=$BUILD/run.iso stamp=$BUILD/run.iso.cmdline
if [ ! -f "$iso" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$cmdline $initrd $KERNEL" ] ||
   [ "$KERNEL" -nt "$iso" ] || { [ -n "$initrd" ] && [ "$initrd" -nt "$iso" ]; }; then
	scripts/mkiso.sh "$KERNEL" "$iso" "$initrd" "$cmdline" > /dev/null || exit 1
	printf '%s\n' "$cmdline $initrd $KERNEL" > "$stamp"
fi

echo "QEMU: the serial console is this terminal; Ctrl-A x leaves, Ctrl-A c is QEMU's monitor"
echo "kernel: $KERNEL $cmdline${DISK:+ (disk $DISK)}"
qemu-system-i386 -m "$MEM" -display none -serial mon:stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-cdrom "$iso" -boot d "${qemu_args[@]}"
rc=$?
# The test device makes QEMU exit with (status << 1) | 1.
if [ $((rc & 1)) = 1 ]; then
	exit $((rc >> 1))
fi
exit $rc
