#!/bin/bash
# fuzz.sh - run the system call fuzzer (tests/fuzz/fuzz.c) in the guest.
#
#   scripts/fuzz.sh [-s SEED] [-n CALLS] [-b BATCH] [-r CHILD] [-v]
#                   [-t CHILD_SECONDS] [-T HOST_SECONDS] [-x NR,NR...] [-L] [-l N]
#
# Builds the fuzzer (gcc -m32 -static), packs a small boot cpio with it as
# /sbin/fuzz and its arguments in /etc/fuzz-args (the kernel passes none to
# init), boots $BUILD/kernel.elf with QEMU -kernel and init=/sbin/fuzz
# under a host-side timeout, and checks the console: no kernel panic, no
# hang (the timeout), the fuzzer's own "PASS fuzz/N" line (its sanity check
# and free page count before/after the run passed) and QEMU's exit status.
# Prints one line "PASS fuzz/N" or "FAIL fuzz/N: why" (with the command that
# replays the child that was running), exit status 0 or 1.
#
# -x NR,...: skip these call numbers (to look past a known kernel bug);
# -l N: only the first N calls of each child;
# -L with -r: bisect the calls of a child that loses pages (fuzz.c).
# SEED defaults to one from the clock (printed); CALLS to 1000000. The raw
# console log is $BUILD/test-logs/fuzz-SEED-CALLS.txt.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel.elf
LOG=$BUILD/test-logs
mkdir -p "$LOG"

seed="" calls=1000000 batch=100 replay="" verbose="" child_t=10 host_t="" skip="" bisect="" limit=""
while getopts "s:n:b:r:vt:T:x:Ll:" opt; do
	case $opt in
	s) seed=$OPTARG ;;
	n) calls=$OPTARG ;;
	b) batch=$OPTARG ;;
	r) replay=$OPTARG ;;
	v) verbose=1 ;;
	t) child_t=$OPTARG ;;
	T) host_t=$OPTARG ;;
	x) skip=$OPTARG ;;
	L) bisect=1 ;;
	l) limit=$OPTARG ;;
	*) echo "usage: $0 [-s SEED] [-n CALLS] [-b BATCH] [-r CHILD] [-v] [-t S] [-T S]" >&2
	   exit 2 ;;
	esac
done
[ -n "$seed" ] || seed=$(( $(date +%s) % 1000000007 ))
name=fuzz/$calls
[ -n "$replay" ] && name=fuzz/replay-$replay
# Host watchdog: about 1.5 ms per call under TCG, with room to spare.
if [ -z "$host_t" ]; then
	host_t=$(( 60 + calls / 250 ))
	[ -n "$replay" ] && host_t=$(( 60 + batch / 5 ))
fi

fail() { echo "FAIL $name: $1"; exit 1; }

if [ ! -f "$KERNEL" ]; then
	fail "no $KERNEL (make kernel)"
fi
mkdir -p "$BUILD/fuzz"
bin=$BUILD/fuzz/fuzz
if [ ! -e "$bin" ] || [ tests/fuzz/fuzz.c -nt "$bin" ] ||
   [ user/include/vmkernel.h -nt "$bin" ] ||
   [ include/uapi/vmkernel_abi.h -nt "$bin" ]; then
	${CC:-gcc} -m32 -static -O2 -s -std=gnu11 -Wall -Wextra -Werror \
		-fno-stack-protector -Iuser/include -Iinclude/uapi tests/fuzz/fuzz.c -o "$bin" ||
		fail "cannot build tests/fuzz/fuzz.c"
fi
root=$BUILD/fuzz/root
rm -rf "$root"
mkdir -p "$root"/{sbin,dev,tmp,etc}
chmod 1777 "$root/tmp"
install -m 755 "$bin" "$root/sbin/fuzz"
args="-s $seed -n $calls -b $batch -t $child_t"
[ -n "$replay" ] && args="$args -r $replay"
[ -n "$verbose" ] && args="$args -v"
[ -n "$skip" ] && args="$args -x $skip"
[ -n "$bisect" ] && args="$args -L"
[ -n "$limit" ] && args="$args -l $limit"
echo "$args" > "$root/etc/fuzz-args"
cpio=$BUILD/fuzz/initrd.cpio
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) > "$cpio" || fail "cpio failed"

out=$LOG/fuzz-$seed-$calls${replay:+-r$replay}.txt
echo "fuzz: seed $seed, $calls calls, batch $batch${replay:+, replaying child $replay}; log $out" >&2
start=$(date +%s)
INITRD=$cpio timeout "$host_t" scripts/qemu.sh kernel "$KERNEL" \
	"init=/sbin/fuzz" < /dev/null > "$out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
clean=$out.clean
tr -d '\r' < "$out" > "$clean"

# The child that was running at the end, and how to replay it.
last=$(grep -aE '^(fuzz: child |c)[0-9]+$' "$clean" | tail -n 1 | grep -aoE '[0-9]+$')
[ -n "$replay" ] && last=$replay
hint=""
[ -n "$last" ] && hint=" (child $last; replay: make fuzz SEED=$seed BATCH=$batch${skip:+ SKIP=$skip} REPLAY=$last VERBOSE=1)"
[ -n "$verbose" ] && [ -n "$replay" ] &&
	hint="$hint; last call: $(grep -aE "^$replay\.[0-9]+ " "$clean" | tail -n 1)"

show_tail() { tail -n 30 "$clean" | sed 's/^/    | /' >&2; }

if grep -aq 'Kernel panic' "$clean"; then
	show_tail
	fail "kernel panic after ${secs}s: $(grep -a -m1 'Kernel panic' "$clean")$hint"
fi
if [ $rc -eq 124 ]; then
	show_tail
	fail "no end within ${host_t}s (hang?)$hint"
fi
res=$(grep -aE "^(PASS|FAIL) fuzz/" "$clean" | tail -n 1)
case "$res" in
"PASS "*)
	if [ $rc -ne 1 ]; then
		show_tail
		fail "QEMU exit status $rc after '$res'"
	fi
	echo "PASS $name (seed $seed, ${secs}s)"
	exit 0 ;;
"FAIL "*)
	show_tail
	fail "${res#FAIL fuzz/* } (seed $seed)" ;;
*)
	show_tail
	fail "no result line (QEMU exit status $rc)$hint" ;;
esac
