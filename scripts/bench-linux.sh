#!/bin/bash
# bench-linux.sh - `make bench-linux`: the same benchmark program
# (tests/bench/guest_bench.c, guest_ycache.c) on our kernel and on Debian's i386 Linux, in
# the same QEMU with the same memory, both under -icount shift=0 (the guest
# TSC advances one tick per guest instruction, so the figures are exact,
# repeatable instruction counts), and one table of the two.
#
#   scripts/bench-linux.sh        (make bench-linux builds the kernel first:
#                                  make BUILD=build/bench SANITY=0 kernel)
#
# Linux comes from scripts/fetch-linux.sh ($BUILD/linux/, fetched once). It
# boots with an initramfs (gzip'ed cpio newc) holding /bench, /dev/console
# and busybox (if scripts/fetch-busybox.sh got it: boot with rdinit=/bin/sh
# to look around), and rdinit=/bench; the program powers the machine off
# when done. Ours boots build/bench/kernel.elf with init=/bench and a plain
# cpio; it exits QEMU when init exits.
#
# KERNEL=elf: our kernel (default build/bench/kernel.elf, the release
# build; make bench-linux BENCH_SANITY=1 passes the checked one).
# OURS_ONLY=1 runs only our side (no fetch, no Linux boot: the Linux
# column shows ?), for measuring a change quickly.
# LINUX_ARGS='...' adds to Linux's command line (e.g. norandmaps, to see
# what address-space randomization costs). MEM (default 256) is -m for both.
# The file system rows (tests/bench/fs_bench.c, make bench's program, run by
# the benchmark as /fs_bench): each kernel gets a fresh copy of the same
# 128 MiB ext2 image
# (mke2fs -t ext2 -b 4096) as its first IDE disk; Linux loads the disk and
# ext4 modules fetched with its kernel (ext4 serves ext2), ours boots with
# root=initrd so the disk is not its root.
# Console logs: $BUILD/bench-linux/{ours,linux}.txt. Exit status 1 if
# either run did not finish.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MEM=${MEM:-256}
KERNEL=${KERNEL:-build/bench/kernel.elf}
out=$BUILD/bench-linux
mkdir -p "$out"

die() {
	echo "bench-linux: $*" >&2
	exit 1
}
[ -f "$KERNEL" ] || die "no $KERNEL (make BUILD=build/bench SANITY=0 kernel)"
ours_only=${OURS_ONLY:-0}
if [ "$ours_only" = 0 ]; then
	scripts/fetch-linux.sh || die "no Linux kernel to compare with"
	BUILD=$BUILD scripts/fetch-busybox.sh
fi
linux=$BUILD/linux/vmlinuz

# The program.
bin=$out/guest_bench
src="tests/bench/guest_bench.c tests/bench/guest_ycache.c"
stale=0
for f in $src tests/bench/guest_bench.h user/include/vmkernel.h; do
	[ "$f" -nt "$bin" ] && stale=1
done
if [ ! -e "$bin" ] || [ $stale = 1 ]; then
	${CC:-gcc} -m32 -static -O2 -s -std=gnu11 -Wall -Wextra -Werror \
		-Iuser/include -Iinclude/uapi $src -o "$bin" ||
		die "cannot build $src"
fi

fsbin=$out/fs_bench
if [ ! -e "$fsbin" ] || [ tests/bench/fs_bench.c -nt "$fsbin" ]; then
	${CC:-gcc} -m32 -static -O2 -s -std=gnu11 -Wall -Wextra -Werror \
		tests/bench/fs_bench.c -o "$fsbin" ||
		die "cannot build tests/bench/fs_bench.c"
fi

# fresh_disk NAME: a new empty ext2 image $out/NAME.img (same for both).
fresh_disk() {
	rm -f "$out/$1.img"
	mke2fs -q -F -t ext2 -b 4096 -L bench "$out/$1.img" 128M &> /dev/null ||
		die "mke2fs failed"
	echo "-drive file=$out/$1.img,format=raw,if=ide,index=0"
}

# pack DIR: a newc cpio of DIR on stdout, owned by root.
pack() {
	(cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet)
}

# Ours: the kernel makes /dev's nodes itself.
root=$out/ours-root
rm -rf "$root"
mkdir -p "$root"/{dev,tmp,mnt}
chmod 1777 "$root/tmp"
install -m 755 "$bin" "$root/bench"
install -m 755 "$fsbin" "$root/fs_bench"
pack "$root" > "$out/ours.cpio" || die "cannot pack $out/ours.cpio"

# run_linux: Linux opens /dev/console for init from the initramfs itself.
run_linux() {
root=$out/linux-root
rm -rf "$root"
mkdir -p "$root"/{dev,proc,sys,tmp,bin,mnt,modules}
chmod 1777 "$root/tmp"
install -m 755 "$bin" "$root/bench"
install -m 755 "$fsbin" "$root/fs_bench"
for m in $(cat "$BUILD/linux/modules/order"); do
	cp "$BUILD/linux/modules/$m" "$root/modules/"
	echo "/modules/$m" >> "$root/modules.list"
done
mknod "$root/dev/console" c 5 1 || die "mknod /dev/console failed (not root?)"
if [ -x "$BUILD/busybox" ]; then
	install -m 755 "$BUILD/busybox" "$root/bin/busybox"
	for a in sh mount ls cat poweroff; do ln -s busybox "$root/bin/$a"; done
fi
pack "$root" | gzip -9 > "$out/linux.cpio.gz" || die "cannot pack $out/linux.cpio.gz"

echo "== the benchmark on Linux ($(cat "$BUILD/linux/version")) and on ours, -icount shift=0, -m $MEM" >&2
start=$(date +%s)
timeout 400 qemu-system-i386 -m "$MEM" -display none -serial stdio \
	-no-reboot -monitor none -icount shift=0 -kernel "$linux" \
	-initrd "$out/linux.cpio.gz" $(fresh_disk linux) \
	-append "console=ttyS0 panic=-1 quiet vdso32=0 rdinit=/bench ${LINUX_ARGS:-}" \
	< /dev/null > "$out/linux.txt" 2>&1
echo "Linux run: $(( $(date +%s) - start )) s (log $out/linux.txt)" >&2
}
if [ "$ours_only" = 0 ]; then
	run_linux
else
	: > "$out/linux.txt"
fi
start=$(date +%s)
MEM=$MEM INITRD=$out/ours.cpio timeout 400 scripts/qemu.sh kernel "$KERNEL" \
	"root=initrd init=/bench" -icount shift=0 $(fresh_disk ours) \
	< /dev/null > "$out/ours.txt" 2>&1
echo "our run:   $(( $(date +%s) - start )) s ($KERNEL, log $out/ours.txt)" >&2
echo

status=0
sides=ours
[ "$ours_only" = 0 ] && sides="ours linux"
for f in $sides; do
	if ! grep -q '^BENCH done' "$out/$f.txt"; then
		echo "bench-linux: the run on $f did not finish; see $out/$f.txt" >&2
		status=1
	fi
done

qemu=$(qemu-system-i386 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
lver="(not run)"
[ "$ours_only" = 0 ] && lver=$(cat "$BUILD/linux/version")
awk -v lver="$lver" -v qemu="$qemu" -v mem="$MEM" '
FNR == 1 { side = (FILENAME ~ /ours\.txt$/) ? "o" : "l" }
{ sub(/\r$/, "") }
# "BENCH name value": the name may have spaces (the fs_bench rows).
$1 == "BENCH" && NF >= 3 {
	name = $0
	sub(/^BENCH +/, "", name)
	sub(/ +[^ ]+$/, "", name)
	v[side, name] = $NF
}
$1 == "BENCH" && $2 == "uname" { un[side] = $3 " " $4 }
function cell(s, k) { return ((s, k) in v) ? v[s, k] : "?" }
function num(x) { return x ~ /^[0-9]+$/ }
# row(label, key, linux?): one line of a table.
function row(label, k, both,    o, l, r) {
	o = cell("o", k)
	l = both ? cell("l", k) : "-"
	r = (num(o) && num(l) && l > 0) ? sprintf("%.2f", o / l) : "-"
	printf "%-44s %12s %12s %8s\n", label, o, l, r
}
# pct(label, key): a percentage on both sides, no ratio.
function pct(label, k) {
	printf "%-44s %12s %12s %8s\n", label, cell("o", "idle: " k) "%", cell("l", "idle: " k) "%", ""
}
function head(title) {
	print title
	printf "%-44s %12s %12s %8s\n", "operation (guest instructions per op)", "ours", "Linux", "ratio"
	printf "%-44s %12s %12s %8s\n", "-------------------------------------", "----", "-----", "-----"
}
END {
	head("== per operation")
	row("null system call (getppid, int $0x80)", "null_syscall", 1)
	row("anonymous first-touch fault, per page", "fault_anon", 1)
	row("  the same, every other page touched", "fault_anon_scattered", 1)
	row("copy-on-write fault, per page", "fault_cow", 1)
	row("fork + exit + wait", "fork_exit_wait", 1)
	row("fork + exec + wait (static program)", "fork_exec_wait", 1)
	row("mmap + munmap, 1 page", "mmap_munmap", 1)
	row("pipe round trip, 1 byte", "pipe_roundtrip", 1)
	row("brk grow + touch + shrink, 1 page", "brk_grow_touch_shrink", 1)
	split("1 16 256", n, " ")
	for (i = 1; i <= 3; i++) {
		row("yield+get, " n[i] " page(s)", "yield_get_" n[i], 0)
		row("  memcpy of the same bytes", "memcpy_" n[i], 1)
		row("  touch after yield+get, per page", "touch_after_get_" n[i], 0)
		row("  touch after a yield alone, per page", "touch_after_yield_" n[i], 0)
	}
	row("ext2: create + write 1 KiB + fsync, per file", "create+write+fsync 1 KiB", 1)
	pct("  CPU idle, waiting for the disk", "create+write+fsync 1 KiB")
	row("  disk writes per file (ours: both caches)", "disk writes per file", 0)
	row("ext2: readdir of 1,000 entries, per entry", "readdir, per entry", 1)
	row("ext2: write 64 MiB + fsync, per MiB", "write 64 MiB + fsync, per MiB", 1)
	pct("  CPU idle, waiting for the disk", "write 64 MiB + fsync, per MiB")
	row("  of which the final fsync, per MiB", "of the write, the fsync", 1)
	row("ext2: read cold (after remount), per MiB", "read 64 MiB cold, per MiB", 1)
	pct("  CPU idle, waiting for the disk", "read 64 MiB cold, per MiB")
	row("ext2: read warm, per MiB", "read 64 MiB warm, per MiB", 1)
	row("ext2: random 4 KiB reads cold, per MiB", "random 4 KiB cold, per MiB", 1)
	pct("  CPU idle, waiting for the disk", "random 4 KiB cold, per MiB")
	row("ext2: random 4 KiB reads warm, per MiB", "random 4 KiB warm, per MiB", 1)
	print ""
	head("== how cost grows")
	row("fork + exit + wait, 0 MiB touched", "fork_exit_wait", 1)
	split("1 16 64", m, " ")
	for (i = 1; i <= 3; i++)
		row("fork + exit + wait, " m[i] " MiB touched", "fork_" m[i] "m", 1)
	split("10 1000 10000", r, " ")
	for (i = 1; i <= 3; i++)
		row("first-touch fault, " r[i] " other regions", "fault_regions_" r[i], 1)
	for (i = 1; i <= 3; i++)
		row("mmap + munmap 1 page, " r[i] " other regions", "mmap_regions_" r[i], 1)
	split("1 16 256 4096", y, " ")
	for (i = 1; i <= 4; i++)
		row("yield+get, " y[i] " page(s)", "yield_get_" y[i], 0)
	print ""
	print "Linux: " lver (("l" in un) ? ", uname " un["l"] : "") \
		"; QEMU " qemu " TCG, -icount shift=0, -m " mem
	print "n/a: the kernel refused the operation; -: not measured; ?: no figure (see the logs)"
}' "$out/ours.txt" "$out/linux.txt"
exit $status
