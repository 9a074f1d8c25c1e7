#!/bin/bash
# ltp.sh - what `make ltp` does: build the Linux Test Project's system call
# tests (scripts/ltp-build.sh), put them on an ext2 disk with busybox and
# the runner (tests/ltp/ltp-run.c), boot the kernel on it with 512 MiB and
# a spare disk as hdb (LTP_DEV), and compare the results with Linux's.
#
# Environment:
#   LTP_SRC      tree with ltp-subset.tar.xz, dirs.txt, linux-results.txt
#                (default ../shared/ltp relative to the repository)
#   LTP_DIRS     the syscall directories to build and run (default dirs.txt)
#   LTP_TESTS    only these tests (names from runtest/syscalls), if set
#   LTP_RESULTS  the reference results (default $LTP_SRC/linux-results.txt)
#   LTP_TIMEOUT  seconds of guest time per test (default 90)
#   LTP_HOST_TIMEOUT  seconds the whole boot may take (default 3600)
#   BUILD        the build directory (default build; the kernel must be
#                built there)
#   LTP_RUN_DIR  where this run's disk, list, console log and results go
#                (default $BUILD/ltp)
#
# Output: one "NAME RESULT dir=DIR" line per test as the guest prints it,
# a summary, and the tests that pass on Linux but not here. The whole
# console is kept in $LTP_RUN_DIR/console.log, the results in
# $LTP_RUN_DIR/results.txt. Exit status 0 when the run reached its end.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LTP_SRC=${LTP_SRC:-../shared/ltp}
LTP_RESULTS=${LTP_RESULTS:-$LTP_SRC/linux-results.txt}
LTP_TESTS=${LTP_TESTS:-}
LTP_TIMEOUT=${LTP_TIMEOUT:-90}
LTP_HOST_TIMEOUT=${LTP_HOST_TIMEOUT:-3600}
export BUILD LTP_SRC
[ -n "${LTP_DIRS:-}" ] && export LTP_DIRS
out=$BUILD/ltp
run=${LTP_RUN_DIR:-$out}
kernel=$BUILD/kernel.elf

[ -f "$kernel" ] || { echo "ltp: no $kernel (make kernel)" >&2; exit 2; }
mkdir -p "$run"
t0=$(date +%s)
scripts/ltp-build.sh
t1=$(date +%s)
echo "ltp: build took $((t1 - t0)) s"

# The runner.
gcc -m32 -static -O2 -s -std=c11 -Wall -Wextra -Werror \
	-o "$run/ltp-run" tests/ltp/ltp-run.c

# The list: runtest/syscalls entries whose binary was built, in the
# directories asked for, each as "NAME DIR COMMAND...".
dirs=" ${LTP_DIRS:-$(tr '\n' ' ' < "$LTP_SRC/dirs.txt")} "
list=$run/runlist
{
	echo "# timeout $LTP_TIMEOUT"
	awk -v dirs="$dirs" -v only=" $LTP_TESTS " '
		FNR == NR { dir[$1] = $2; next }
		/^[ \t]*#/ || NF < 2 { next }
		!($2 in dir) { next }
		index(dirs, " " dir[$2] " ") == 0 { next }
		only != "  " && index(only, " " $1 " ") == 0 { next }
		{ name = $1; d = dir[$2]; $1 = ""; sub(/^ /, ""); print name, d, $0 }
	' "$out/dirmap" "$out/runtest"
} > "$list"
ntests=$(($(wc -l < "$list") - 1))
[ "$ntests" -gt 0 ] || { echo "ltp: no test to run" >&2; exit 2; }

# The root tree: busybox and its applets, /etc, the binaries, the runner.
root=$run/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev/shm,proc,tmp,etc,root,mnt,ltp/bin}
chmod 1777 "$root/tmp" "$root/dev/shm"
chmod 700 "$root/root"
scripts/fetch-busybox.sh
[ -x "$BUILD/busybox" ] || { echo "ltp: no $BUILD/busybox" >&2; exit 2; }
# busybox as the boot tree has it, and the applets LTP's tests and
# library call by name.
BUILD=$BUILD scripts/busybox-tree.sh "$root" awk cut tr expr basename dirname mktemp \
	printf chgrp tee mke2fs mkfs.ext2 mkswap swapon swapoff losetup nproc \
	timeout egrep fgrep realpath readlink truncate pidof pgrep pkill
# Groups LTP's tests look up by name (chmod07: "users" or "daemon"), with
# Debian's numbers.
printf 'daemon:x:1:\nbin:x:2:\nusers:x:100:\n' >> "$root/etc/group"
# Only the binaries of the directories asked for (build/ltp/bin may hold more).
awk '{ print $1 }' "$out/dirmap" | while read -r b; do
	cp "$out/bin/$b" "$root/ltp/bin/"
done
# Helper programs (execve_child, creat07_child, ...) are resources LTP
# copies from $LTPROOT/testcases/bin: the same directory.
mkdir -p "$root/ltp/testcases"
ln -s ../bin "$root/ltp/testcases/bin"
cp "$out/runtest" "$root/ltp/runtest-syscalls"
# The kernel's features as LTP's kconfig checks read them.
mkdir -p "$root/boot"
cp tests/ltp/kernel-config "$root/boot/config-6.1.0"
cp "$list" "$root/ltp/runlist"
install -m 755 "$run/ltp-run" "$root/sbin/ltp-run"

# The root disk: what the tree holds and 256 MiB for the tests' files.
size=$(($(du -sm "$root" | cut -f1) + 256))
if ! scripts/mkdisk.sh "$root" "$run/root.img" "$size" > "$run/mkdisk.log" 2>&1; then
	cat "$run/mkdisk.log" >&2
	exit 1
fi
# The spare disk for LTP_DEV: sparse, LTP formats it itself.
rm -f "$run/hdb.img"
truncate -s 512M "$run/hdb.img"
t2=$(date +%s)
echo "ltp: $ntests tests on a $size MiB disk, packed in $((t2 - t1)) s; booting (console in $run/console.log)"

# One QEMU run; the guest's result lines are printed as they come.
log=$run/console.log
rc=0
MEM=512 INITRD= timeout "$LTP_HOST_TIMEOUT" scripts/qemu.sh kernel "$kernel" \
	"root=/dev/hda init=/sbin/ltp-run" \
	-drive "file=$run/root.img,format=raw,if=ide,index=0" \
	-drive "file=$run/hdb.img,format=raw,if=ide,index=1" < /dev/null |
	tee "$log" |
	grep --line-buffered -aE '^[^ ]+ (pass|fail|broken|tconf|timeout|signal) dir=[^ ]+$' ||
	rc=$?
t3=$(date +%s)
tr -d '\r' < "$log" |
	grep -aE '^[^ ]+ (pass|fail|broken|tconf|timeout|signal) dir=[^ ]+$' > "$run/results.txt" || true
echo "ltp: run took $((t3 - t2)) s"

# The summary and the comparison with the reference.
scripts/ltp-compare.sh "$run/results.txt" "$LTP_RESULTS" "$list"
if ! tr -d '\r' < "$log" | grep -aq '^ltp-run: done'; then
	echo "ltp: the run did not reach its end (see $log)" >&2
	exit 1
fi
exit 0
