#!/bin/bash
# profile-guest.sh - where the guest instructions of one benchmark
# operation go: boots the release kernel (build/bench/kernel.elf) with
# tests/bench/guest_bench.c as init running "-p OP N" under -icount shift=0
# with QEMU's in_asm and exec logs (nochain: every translation block run is
# logged), and counts the instructions run between the program's
# prof_begin() and prof_end() by function (kernel and user symbols).
#
#   scripts/profile-guest.sh OP [N]     OP: fork fork1m exec fault fault2 cow,
#       yieldP (N yield+get pairs of P pages), ytouchP (the touches of P
#       pages after a yield alone, N times); ext2write / ext2read /
#       ext2warm / ext2rwarm (N MiB written to a new file / read cold
#       after a remount / read again from the page cache, in order or by
#       scattered 4 KiB preads with N a power of 2; ext2small: N files
#       created with 1 KiB written and fsync'ed), by
#       tests/bench/fs_bench.c on a fresh ext2 disk as make bench-linux's)
#
# Output: total instructions, per operation, and the functions by
# instructions. Logs in build/profile/ (large: removed after parsing
# unless KEEP=1).
set -eu
cd "$(dirname "$0")/.."
op=${1:?usage: profile-guest.sh OP [N]}
n=${2:-4}
out=build/profile
KERNEL=build/bench/kernel.elf
mkdir -p "$out/root/dev" "$out/root/tmp"
[ -f "$KERNEL" ] || { echo "no $KERNEL (make BUILD=build/bench SANITY=0 kernel)" >&2; exit 1; }
disk=""
case $op in
ext2*)
	gcc -m32 -static -O2 -std=gnu11 -Wall -Wextra -Werror \
		tests/bench/fs_bench.c -o "$out/bench"
	op=${op#ext2}
	mke2fs -q -F -t ext2 -b 4096 "$out/disk.img" 128M
	disk="-drive file=$out/disk.img,format=raw,if=ide,index=0" ;;
*)
	gcc -m32 -static -O2 -std=gnu11 -Wall -Wextra -Werror -Iuser/include \
		-Iinclude/uapi tests/bench/guest_bench.c \
		tests/bench/guest_ycache.c -o "$out/bench" ;;
esac
cp "$out/bench" "$out/root/bench"
(cd "$out/root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) > "$out/root.cpio"
# shellcheck disable=SC2086 # $disk is empty or several arguments
INITRD=$out/root.cpio MEM=256 timeout 600 scripts/qemu.sh kernel "$KERNEL" \
	"root=initrd init=/bench -- -p $op $n" -icount shift=0 $disk \
	-d in_asm,exec,nochain -D "$out/qemu.log" < /dev/null > "$out/console.txt" 2>&1 || true
python3 scripts/profile-tb.py "$out/qemu.log" "$KERNEL" "$out/bench" "$n"
[ "${KEEP:-0}" = 1 ] || rm -f "$out/qemu.log"
