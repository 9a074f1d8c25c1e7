#!/bin/sh
# debug.sh - boot the system `make run` boots (the kernel, the same initrd,
# init=$INIT) under GDB, with QEMU halted until GDB attaches on port
# $GDBPORT (default 1234). GDB runs .gdbinit: the helpers of scripts/gdb/,
# a breakpoint on panic, then it runs to kmain.
#
#   scripts/debug.sh both KERNEL INITRD   (make debug) QEMU in the
#       background with the serial console in build/debug-serial.txt
#       (tail -f it), GDB in this terminal; quitting GDB stops QEMU.
#   scripts/debug.sh qemu KERNEL INITRD   (make debug-qemu) QEMU in this
#       terminal, serial console and monitor on stdio (type to the shell;
#       Ctrl-A x quits, Ctrl-A c the monitor); attach with `make gdb` from
#       another terminal.
#   scripts/debug.sh gdb KERNEL           (make gdb) GDB only.
#
# Environment: MEM (MiB, default 128), INIT (default /bin/sh), CMDLINE
# (more kernel options), GDBPORT.
set -eu
mode=$1 kernel=$2 initrd=${3:-}
cd "$(dirname "$0")/.."
export GDBPORT=${GDBPORT:-1234}

qemu() { # qemu SERIAL
	exec qemu-system-i386 -m "${MEM:-128}" -display none -serial "$1" \
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$kernel" -initrd "$initrd" \
		-append "init=${INIT:-/bin/sh} ${CMDLINE:-}" \
		-gdb tcp::"$GDBPORT" -S
}

# -iex: GDB must not also auto-load ./.gdbinit (.gdbinit guards against
# running twice anyway; this keeps GDB from warning about safe-path).
run_gdb() {
	gdb -q -iex 'set auto-load local-gdbinit off' -x .gdbinit "$kernel"
}

case $mode in
both)
	mkdir -p build
	: > build/debug-serial.txt
	(qemu file:build/debug-serial.txt) &
	qpid=$!
	trap 'kill $qpid 2>/dev/null || true' EXIT
	echo "QEMU waits for GDB on :$GDBPORT (pid $qpid); serial console:" \
		"build/debug-serial.txt (tail -f it)"
	run_gdb
	;;
qemu)
	echo "QEMU waits for GDB on :$GDBPORT: run 'make gdb' in another" \
		"terminal. Ctrl-A x quits QEMU."
	qemu mon:stdio
	;;
gdb)
	run_gdb
	;;
*)
	echo "usage: $0 both|qemu KERNEL INITRD | gdb KERNEL" >&2
	exit 2
	;;
esac
