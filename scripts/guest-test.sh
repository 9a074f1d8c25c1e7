#!/bin/bash
# guest-test.sh - the in-guest tests (tests/guest/): build the initrds,
# boot the kernel with init=/sbin/guest-runner and forward the runner's
# "PASS guest/NAME" / "FAIL guest/NAME: why" / "SKIP guest/NAME: why" lines
# (scripts/test.sh counts the PASS and FAIL ones). A boot that panics, hangs
# or ends without the runner's summary line gives "FAIL guest/boot: ...".
#
# Six boots:
#   guest/      MEM=192, $BUILD/initrd.cpio as root: every test (the
#               archive, over 64 MiB, and its unpacked copy need it),
#               with two scratch IDE disks made fresh each run: hda an ext2
#               file system with 1 KiB blocks labelled "scratch" (the ext2_*
#               tests mount it), hdb 4 MiB of numbered sectors (ata_rw).
#   guest-ext2/ the ext2_* tests again on 4 KiB blocks (hda "scratch") and
#               a 2 MiB disk with 1 KiB blocks (hdb "small": ENOSPC, a
#               corrupt superblock refused).
#   guest-root/ every test with the root file system on ext2: hda made
#               from the boot tree by scripts/mkdisk.sh, root=/dev/hda.
#   In guest/ and guest-ext2/, e2fsck -fn of the scratch images must be
#   clean after every test (NAME/e2fsck: the runner's -F, answered by
#   scripts/fsck-host.py). After each of the three boots, e2fsck -fn of
#   every ext2 image must be clean (for guest-root/ that is the root
#   image after the whole suite), and the file ext2_persist left must
#   read back right with debugfs.
#   guest-ram/  MEM=128, the boot module an ext2 image (mkdisk.sh from
#               the ramdisk_root test's tree), root=/dev/ram0: the RAM
#               disk as root (ramdisk_root must pass, not skip, there).
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

# boot NAME MEM INITRD ROOT [QEMU ARGS...]: one boot (INITRD may be
# empty, ROOT is the kernel's root= option); results as NAME/TEST.
boot() {
	local name=$1 mem=$2 initrd=$3 root=$4 out=$LOG/$1.txt
	shift 4
	# FSCK_IMGS: the ext2 images e2fsck checks after each test (the
	# runner's -F, answered by scripts/fsck-host.py).
	local wrap=() args=""
	if [ -n "${FSCK_IMGS:-}" ]; then
		wrap=(scripts/fsck-host.py $FSCK_IMGS --)
		args=" -- -F"
	fi
	INITRD=$initrd MEM=$mem "${wrap[@]}" timeout 600 \
		scripts/qemu.sh kernel "$KERNEL" \
		"root=$root init=/sbin/guest-runner$args" "$@" \
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
TESTS_EXT2="ext2_files ext2_dirs ext2_enospc ext2_corrupt ext2_persist mmap_ext2"
TESTS_RAM="ramdisk_root hello vfs_calls exec_script"
TESTS_16M="hello null_deref fork_cow_small ring0_escape sigreturn_selectors
	clone_bad_ptid errno_linux bad_pointers_rw"
if ! scripts/mkinitrd.sh "$BUILD/initrd.cpio" > "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --small "$BUILD/initrd-small.cpio" >> "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --tests "$TESTS_16M" "$BUILD/initrd-16m.cpio" >> "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --tests "$TESTS_EXT2" "$BUILD/initrd-ext2.cpio" >> "$LOG/guest-build.txt" 2>&1 ||
   ! scripts/mkinitrd.sh --tests "$TESTS_RAM" "$BUILD/initrd-ram.cpio" >> "$LOG/guest-build.txt" 2>&1; then
	fail guest/build "scripts/mkinitrd.sh failed"
	show_tail "$LOG/guest-build.txt"
	exit 1
fi
if [ ! -f "$KERNEL" ]; then
	fail guest/boot "no $KERNEL (make kernel)"
	exit 1
fi
# ext2 IMG BLOCK_SIZE MIB LABEL: a fresh ext2 image as Debian makes it.
ext2() {
	rm -f "$1"
	mke2fs -q -F -t ext2 -b "$2" -L "$4" "$1" "$3M"
}

# fsck NAME IMG: e2fsck -fn must find nothing to fix.
fsck() {
	if e2fsck -fn "$2" > "$LOG/$1.e2fsck.txt" 2>&1; then
		pass "$1/e2fsck"
	else
		fail "$1/e2fsck" "e2fsck -fn $2 found problems"
		show_tail "$LOG/$1.e2fsck.txt"
	fi
}

# readback NAME CHECK IMG PATH PERL: the file PATH a guest test left,
# dumped from IMG with debugfs, must be the bytes the PERL program prints.
readback() {
	local got=$LOG/$1.$2
	debugfs -R "dump $4 $got" "$3" > /dev/null 2>&1
	if perl -e "$5" | cmp -s - "$got"; then
		pass "$1/$2"
	else
		fail "$1/$2" "$4 did not reach the disk intact"
	fi
}

# persist NAME IMG: what tests/guest/ext2_persist.c wrote.
persist() {
	readback "$1" persist "$2" /ext2_persist/data \
		'print chr(($_ * 13 + int($_ / 4096)) & 255) for 0 .. (1 << 20) - 1'
}

# mmapped NAME IMG: what tests/guest/mmap_ext2.c wrote through a shared
# mapping and fsync.
mmapped() {
	readback "$1" mmapped "$2" /mmap_ext2/data \
		'print chr(($_ * 7 + int($_ / 4096)) & 255) for 0 .. 3 * 4096 + 99'
}

disks=$BUILD/test-disks
mkdir -p "$disks"
ext2 "$disks/hda.img" 1024 80 scratch
perl -e 'for $i (0..8191) { print pack("V", $i) x 128 }' > "$disks/hdb.img"
FSCK_IMGS="$disks/hda.img" boot guest 192 "$BUILD/initrd.cpio" initrd \
	-drive file="$disks/hda.img",format=raw,if=ide,index=0 \
	-drive file="$disks/hdb.img",format=raw,if=ide,index=1
fsck guest "$disks/hda.img"
persist guest "$disks/hda.img"
mmapped guest "$disks/hda.img"

ext2 "$disks/ext2-4k.img" 4096 80 scratch
ext2 "$disks/ext2-small.img" 1024 2 small
FSCK_IMGS="$disks/ext2-4k.img $disks/ext2-small.img" \
	boot guest-ext2 128 "$BUILD/initrd-ext2.cpio" initrd \
	-drive file="$disks/ext2-4k.img",format=raw,if=ide,index=0 \
	-drive file="$disks/ext2-small.img",format=raw,if=ide,index=1
fsck guest-ext2 "$disks/ext2-4k.img"
fsck guest-ext2-small "$disks/ext2-small.img"
persist guest-ext2 "$disks/ext2-4k.img"
mmapped guest-ext2 "$disks/ext2-4k.img"

if scripts/mkdisk.sh "$BUILD/initrd-root" "$disks/root.img" 128 > /dev/null; then
	boot guest-root 128 "" /dev/hda \
		-drive file="$disks/root.img",format=raw,if=ide,index=0
	fsck guest-root "$disks/root.img"
else
	fail guest-root/disk "scripts/mkdisk.sh failed"
fi

if scripts/mkdisk.sh "$BUILD/initrd-initrd-ram-root" "$disks/ram.img" 16 > /dev/null; then
	boot guest-ram 128 "$disks/ram.img" /dev/ram0
	grep -q '^PASS guest/ramdisk_root' "$LOG/guest-ram.clean.txt" ||
		fail guest-ram/ramdisk_root-ran "ramdisk_root did not pass on the RAM disk root"
else
	fail guest-ram/disk "scripts/mkdisk.sh failed"
fi

boot guest-24m 24 "$BUILD/initrd-small.cpio" initrd
boot guest-16m 16 "$BUILD/initrd-16m.cpio" initrd
echo "guest-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
