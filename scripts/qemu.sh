#!/bin/sh
# qemu.sh - the one place that knows how we start QEMU for tests.
#   scripts/qemu.sh kernel KERNEL "CMDLINE" [extra qemu args]
#   scripts/qemu.sh iso ISO [extra qemu args]
# Output: the guest's serial console on stdout. Exit status: QEMU's
# ((code << 1) | 1 through isa-debug-exit).
mode=$1; image=$2; shift 2
mem=${MEM:-128}
common="-m $mem -display none -serial stdio -no-reboot -monitor none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04"
if [ "$mode" = kernel ]; then
	cmdline=$1; shift
	initrd=""
	[ -n "$INITRD" ] && initrd="-initrd $INITRD"
	exec qemu-system-i386 $common -kernel "$image" -append "$cmdline" $initrd "$@"
else
	exec qemu-system-i386 $common -cdrom "$image" -boot d "$@"
fi
