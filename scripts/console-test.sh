#!/bin/bash
# console-test.sh - the console as a terminal, typed at like a user would:
# boots busybox's shell as init with QEMU's serial port on a pipe, types
# into it once the previous answer has appeared, and checks what comes
# back. Lines: "PASS console/NAME" or "FAIL console/NAME: why".
#   line-editing    busybox's own editing (DEL erases) reaches the shell
#   ctrl-c          ^C during `sleep` interrupts it (status 130), shell lives
#   canonical       cat reads lines the kernel edited (^U kills the line)
#   eof             ^D on an empty line ends cat
#   exit-status     the shell's `exit 3` ends the run with status 3
# and, at the end, init-args and init-unstartable (see there).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LOG=$BUILD/test-logs
# The boot archive holds every guest test (over 64 MiB) and is unpacked
# into memory beside itself: 128 MiB is no longer enough.
export MEM=${MEM:-192}
mkdir -p "$LOG"
out=$LOG/console.txt
fifo=$(mktemp -u)
mkfifo "$fifo"
trap 'rm -f "$fifo"; kill $qpid 2>/dev/null' EXIT
scripts/mkinitrd.sh "$BUILD/initrd-console.cpio" > /dev/null 2>&1 || {
	echo "FAIL console/build: mkinitrd failed"
	exit 1
}
INITRD=$BUILD/initrd-console.cpio timeout 120 scripts/qemu.sh kernel \
	"$BUILD/kernel.elf" "init=/bin/sh" < "$fifo" > "$out" 2>&1 &
qpid=$!
exec 3> "$fifo"

# wait_for PATTERN [COUNT]: until PATTERN is in the output COUNT times.
wait_for() {
	local n=${2:-1}
	for _ in $(seq 300); do
		[ "$(grep -a -c -- "$1" "$out")" -ge "$n" ] && return 0
		kill -0 $qpid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
check() { # check NAME PATTERN
	if grep -a -q -- "$2" "$out"; then
		echo "PASS console/$1"
	else
		echo "FAIL console/$1: no '$2' in the output"
	fi
}

wait_for '/ # ' 1 && printf 'echo abc\177d\n' >&3
wait_for '^abd' 1 && printf 'echo start; sleep 20; echo slept\n' >&3
wait_for '^start' 1 && sleep 0.5 && printf '\003' >&3
wait_for '/ # ' 3 && printf 'echo after $?\n' >&3
wait_for '^after' 1 && printf 'cat\n' >&3
wait_for 'cat' 1 && sleep 1 && printf 'xy\025zz\n' >&3
wait_for '^zz' 1 && printf '\004' >&3
wait_for '/ # ' 5 && printf 'exit 3\n' >&3
wait $qpid
rc=$?
tr -d '\r' < "$out" > "$out.clean"
out=$out.clean
check line-editing '^abd$'
if grep -a -q '^slept' "$out"; then
	echo "FAIL console/ctrl-c: sleep was not interrupted"
else
	check ctrl-c '^after 130$'
fi
check canonical '^zz$'
check eof '^/ # .*exit 3'
# The kernel powers off with init's status 3: QEMU exits (3 << 1) | 1.
if grep -a -q 'init exited with status 0x300' "$out" && [ $rc -eq 7 ]; then
	echo "PASS console/exit-status"
else
	echo "FAIL console/exit-status: QEMU status $rc"
	tail -n 15 "$out" | sed 's/^/    | /'
fi

# busybox's init on the same archive: a job in the background, then
# poweroff, which must end the machine with status 0 (QEMU exits 1).
#   init-jobs       `sleep 100 &` is listed by jobs, killed, waited for (143)
#   init-poweroff   busybox's poweroff reaches init (a blocked signal it
#                   takes with rt_sigtimedwait) and powers off
out=$LOG/console-init.txt
rm -f "$fifo"
mkfifo "$fifo"
INITRD=$BUILD/initrd-console.cpio timeout 120 scripts/qemu.sh kernel \
	"$BUILD/kernel.elf" "init=/sbin/init" < "$fifo" > "$out" 2>&1 &
qpid=$!
exec 3> "$fifo"
wait_for '^# ' 1 && printf 'sleep 100 &\n' >&3
wait_for '^# ' 2 && printf 'jobs\n' >&3
wait_for 'Running' 1 && printf 'kill %%1; wait %%1; echo done-$?\n' >&3
wait_for 'done-' 1 && printf 'poweroff\n' >&3
wait $qpid
rc=$?
tr -d '\r' < "$out" > "$out.clean"
out=$out.clean
check init-jobs '^done-143'
if grep -a -q 'reboot: Power down' "$out" && [ $rc -eq 1 ]; then
	echo "PASS console/init-poweroff"
else
	echo "FAIL console/init-poweroff: QEMU status $rc"
	tail -n 15 "$out" | sed 's/^/    | /'
fi

# The same init with an ext2 disk as the root (as `make run` boots):
#   init-clean-root  poweroff leaves the disk marked clean and e2fsck -fn
#                    clean (inittab's shutdown `umount -a -r` remounts
#                    the busy root read-only)
out=$LOG/console-clean-root.txt
disk=$BUILD/console-root.img
rm -f "$fifo" "$disk"
mkfifo "$fifo"
if scripts/mkdisk.sh "$BUILD/initrd-root" "$disk" 128 > /dev/null 2>&1; then
	timeout 120 scripts/qemu.sh kernel "$BUILD/kernel.elf" \
		"root=/dev/hda init=/sbin/init" \
		-drive "file=$disk,format=raw,if=ide,index=0" \
		< "$fifo" > "$out" 2>&1 &
	qpid=$!
	exec 3> "$fifo"
	wait_for '^# ' 1 && printf 'echo written > /root/f; poweroff\n' >&3
	wait $qpid
	rc=$?
	if [ $rc -eq 1 ] && /sbin/dumpe2fs -h "$disk" 2>/dev/null |
		grep -q '^Filesystem state: *clean$' &&
		/sbin/e2fsck -fn "$disk" > /dev/null 2>&1; then
		echo "PASS console/init-clean-root"
	else
		echo "FAIL console/init-clean-root: QEMU status $rc;" \
			"$(/sbin/dumpe2fs -h "$disk" 2>/dev/null | grep state)"
		tr -d '\r' < "$out" | tail -n 15 | sed 's/^/    | /'
	fi
else
	echo "FAIL console/init-clean-root: mkdisk failed"
fi
rm -f "$disk"

# The first program's arguments and its failure to start.
#   init-args       the words after "--" reach init as its arguments
#   init-unstartable  an init that cannot be executed (a directory) powers
#                   off with status 127 (QEMU exits 255), no panic
# boot_check NAME CMDLINE PATTERN RC: a boot without input whose console
# must match PATTERN and whose QEMU status must be RC.
boot_check() {
	local out=$LOG/console-$1.txt
	INITRD=$BUILD/initrd-console.cpio timeout 120 scripts/qemu.sh kernel \
		"$BUILD/kernel.elf" "$2" < /dev/null > "$out" 2>&1
	local rc=$?
	if tr -d '\r' < "$out" | grep -a -q -- "$3" && [ $rc -eq "$4" ]; then
		echo "PASS console/$1"
	else
		echo "FAIL console/$1: QEMU status $rc, expected $4 and '$3'"
		tail -n 15 "$out" | sed 's/^/    | /'
	fi
}
boot_check init-args "init=/bin/echo -- from-init args" '^from-init args$' 1
boot_check init-unstartable "init=/etc" 'Cannot start init' 255
