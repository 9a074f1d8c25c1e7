#!/bin/bash
# guest-test.sh - the in-guest tests (tests/guest/): build the initrds,
# boot the kernel with init=/sbin/guest-runner and forward the runner's
# "PASS guest/NAME" / "FAIL guest/NAME: why" / "SKIP guest/NAME: why" lines
# (scripts/test.sh counts the PASS and FAIL ones). A boot that panics, hangs
# or ends without the runner's summary line gives "FAIL guest/boot: ...".
#
# Three boots:
#   guest/      MEM=128 (default), $BUILD/initrd.cpio: every test, with two
#               4 MiB scratch IDE disks (hda, hdb) made fresh each run.
#   guest-24m/  MEM=24, $BUILD/initrd-small.cpio (mkinitrd.sh --small): only
#               exec_enomem and fork_many. The kernel cannot pass arguments
#               to init, so that archive carries /etc/guest-tests listing
#               them, which the runner reads when it has no arguments; its
#               "guest/" lines are renamed "guest-24m/" here.
#   guest-16m/  MEM=16, $BUILD/initrd-16m.cpio (mkinitrd.sh --tests): the
#               tests that fit beside their own archive in 16 MiB (the
#               archive is unpacked into the root file system, so it costs
#               twice its size).
# Raw console logs: $BUILD/test-logs/guest.txt, guest-24m.txt, guest-16m.txt.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel.elf
LOG=$BUILD/test-logs
mkdir -p "$LOG"
failed=0 passed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
show_tail() { tail -n 25 "$1" | sed 's/^/    | /'; }

# boot NAME MEM INITRD [QEMU ARGS...]: one boot; results as NAME/TEST.
boot() {
	local name=$1 mem=$2 initrd=$3 out=$LOG/$1.txt
	shift 3
	INITRD=$initrd MEM=$mem timeout 600 \
		scripts/qemu.sh kernel "$KERNEL" "init=/sbin/guest-runner" "$@" \
		< /dev/null > "$out" 2>&1
	local rc=$?
	local clean=$LOG/$name.clean.txt
	tr -d '\r' < "$out" > "$clean"
	local line
	while IFS= read -r line; do
		line=${line/#PASS guest\//PASS $name/}
		line=${line/#FAIL guest\//FAIL $name/}
		line=${line/#SKIP guest\//SKIP $name/}
		case "$line" in
		"PASS "*) echo "$line"; passed=$((passed + 1)) ;;
		"FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
		*) echo "$line" ;;
		esac
	done < <(grep -E '^(PASS|FAIL|SKIP) guest/' "$clean")
	local running
	running=$(grep -E '^== guest/' "$clean" | tail -n 1 | sed 's/^== guest\///')
	local summary
	summary=$(grep -E '^guest: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$clean" | tail -n 1)
	if grep -q 'Kernel panic' "$clean"; then
		fail "$name/boot" "kernel panic${summary:+ after the summary}${running:+ (last test started: $running)}: $(grep -m1 'Kernel panic' "$clean")"
		show_tail "$clean"
	elif [ -z "$summary" ]; then
		local why="exit status $rc"
		[ $rc -eq 124 ] && why="timed out after 600 s"
		fail "$name/boot" "no runner summary ($why)${running:+, last test started: $running}"
		show_tail "$clean"
	else
		# QEMU exits 1 when init exited 0, 3 otherwise.
		local want=1
		case "$summary" in *" 0 failed"*) ;; *) want=3 ;; esac
		if [ $rc -ne $want ]; then
			fail "$name/boot" "QEMU exit status $rc, expected $want after '$summary'"
			show_tail "$clean"
		else
			pass "$name/boot"
		fi
	fi
}

if ! grep -qs 'init=' kernel/*.c; then
	echo "SKIP guest/boot: the kernel has no init= handling yet"
	exit 0
fi
scripts/fetch-busybox.sh
TESTS_16M="hello null_deref fork_cow_small ring0_escape sigreturn_selectors
	clone_bad_ptid errno_linux bad_pointers_rw"
if ! scripts/mkinitrd.sh "$BUILD/initrd.cpio" > "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --small "$BUILD/initrd-small.cpio" >> "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --tests "$TESTS_16M" "$BUILD/initrd-16m.cpio" >> "$LOG/guest-build.txt" 2>&1; then
	fail guest/build "scripts/mkinitrd.sh failed"
	show_tail "$LOG/guest-build.txt"
	exit 1
fi
if [ ! -f "$KERNEL" ]; then
	fail guest/boot "no $KERNEL (make kernel)"
	exit 1
fi
# Scratch disks for the 128 MiB boot: hda zeros, hdb sector i holding the
# 32-bit number i in every word (tests/guest/ata_rw.c), both 4 MiB.
disks=$BUILD/test-disks
mkdir -p "$disks"
head -c $((4 << 20)) /dev/zero > "$disks/hda.img"
perl -e 'for $i (0..8191) { print pack("V", $i) x 128 }' > "$disks/hdb.img"
boot guest 128 "$BUILD/initrd.cpio" \
	-drive file="$disks/hda.img",format=raw,if=ide,index=0 \
	-drive file="$disks/hdb.img",format=raw,if=ide,index=1
boot guest-24m 24 "$BUILD/initrd-small.cpio"
boot guest-16m 16 "$BUILD/initrd-16m.cpio"
echo "guest-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
