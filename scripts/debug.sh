#!/bin/sh
# debug.sh KERNEL MEM - start QEMU halted with a GDB stub on :1234 and attach
# GDB with the kernel's symbols (commands from .gdbinit). QEMU's console
# goes to build/debug-serial.txt; quitting GDB stops QEMU.
kernel=$1 mem=${2:-128}
qemu-system-i386 -m "$mem" -display none -serial file:build/debug-serial.txt \
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -append "${CMDLINE:-}" -s -S &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT
echo "QEMU waits for GDB (pid $qpid); serial output: build/debug-serial.txt"
gdb -q -x .gdbinit "$kernel"
