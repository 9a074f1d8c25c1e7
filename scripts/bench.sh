#!/bin/sh
# bench.sh - `make bench`: the host micro-benchmarks of the physical
# allocator and region lookup, the in-guest benchmarks of the
# yielded-block cache, and the file system benchmarks on an ext2 disk
# (tests/bench/fs_bench.c), all under -icount shift=0 in the guest
# (cycles = guest instructions). Uses the release kernel build/bench/.
cd "$(dirname "$0")/.."
B=build/bench
echo "== host micro-benchmarks (ns per operation)"
build/host-bench
echo
echo "== in-guest benchmarks (-icount shift=0: cycles are guest instructions)"
timeout 300 scripts/qemu.sh kernel $B/kernel.elf "bench=ycache" \
	-icount shift=0 | sed -n '/^operation/,$p'
echo
echo "== ext2 on the first IDE disk (4 KiB blocks, 128 MiB guest;"
echo "   guest instructions per operation)"
mkdir -p $B/fs/root
gcc -m32 -static -O2 -Wall -Wextra -Werror -o $B/fs/root/fs_bench \
	tests/bench/fs_bench.c || exit 1
(cd $B/fs/root && echo fs_bench | cpio -o -H newc -R 0:0 --quiet) > $B/fs/fs.cpio
for l2 in 1 0; do
	[ $l2 = 1 ] && echo "-- block cache level 2 on" || echo "-- level 2 off (bcache.l2=0)"
	rm -f $B/fs/disk.img
	mke2fs -q -F -t ext2 -b 4096 $B/fs/disk.img 128M
	INITRD=$B/fs/fs.cpio timeout 600 scripts/qemu.sh kernel $B/kernel.elf \
		"root=initrd init=/fs_bench bcache.l2=$l2" -icount shift=0 \
		-drive file=$B/fs/disk.img,format=raw,if=ide,index=0 |
		grep -E '^(BENCH|fs_bench)' | sed 's/^BENCH //'
	e2fsck -fn $B/fs/disk.img > /dev/null 2>&1 || echo "e2fsck -fn: the disk is damaged"
done
