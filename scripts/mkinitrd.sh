#!/bin/bash
# mkinitrd.sh - build the in-guest test programs and pack the boot cpio.
#
#   scripts/mkinitrd.sh [--small] OUT.cpio [EXTRA_DIR]
#
# Compiles tests/guest/*.c with gcc -m32 -static -O2 (into $BUILD/guest/;
# pthread*.c with -pthread)
# and lays out a root file system in $BUILD/initrd-root/:
#   /sbin/guest-runner      tests/guest/runner.c
#   /tests/NAME             every other tests/guest/NAME.c
#   /tests/helpers/NAME     the helpers: shm_peer, memhog (and big, below)
#   /bin /dev /proc /tmp /etc /root /mnt
#                           (/dev stays empty: the kernel makes the nodes)
#   /bin/busybox + applet links, /sbin/init (busybox's) and user/etc/
#                           (inittab, passwd, group, profile), if
#                           $BUILD/busybox exists (scripts/fetch-busybox.sh)
# then copies EXTRA_DIR over it and packs it as a newc cpio owned by root.
#
# --small: the archive for the small-memory boot (MEM=24) instead: only the
# runner, exec_enomem, fork_many and the helper big (BIG_MIB MiB of
# initialized data, default 4), and /etc/guest-tests naming the two tests,
# so that init=/sbin/guest-runner runs just those. big stays out of the
# normal archive; exec_enomem skips where it is missing.
#
# --tests "A B ...": an archive with only the runner, the tests named, the
# helpers named in $TEST_HELPERS, and /etc/guest-tests naming the tests
# (the 16 MiB boot, and quick runs of a few tests by hand).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIG_MIB=${BIG_MIB:-4}
small=0
only=""
if [ "${1:-}" = --small ]; then
	small=1
	shift
elif [ "${1:-}" = --tests ]; then
	only=$2
	shift 2
fi
if [ $# -lt 1 ]; then
	echo "usage: $0 [--small] OUT.cpio [EXTRA_DIR]" >&2
	exit 2
fi
out=$1
extra=${2:-}

CC=${CC:-gcc}
CFLAGS="-m32 -static -O2 -s -std=gnu11 -Wall -Wextra -Werror -Iuser/include -Iinclude/uapi -Itests/guest"
HELPERS="shm_peer memhog big"
objdir=$BUILD/guest
mkdir -p "$objdir"

# Is any header a test may include newer than $1?
headers_newer() {
	local h
	for h in tests/guest/*.h user/include/*.h include/uapi/*.h; do
		[ "$h" -nt "$1" ] && return 0
	done
	return 1
}

# build NAME [extra cflags]: compile tests/guest/NAME.c unless up to date.
build() {
	local name=$1 src=tests/guest/$1.c bin=$objdir/$1
	shift
	if [ ! -e "$bin" ] || [ "$src" -nt "$bin" ] || headers_newer "$bin" ||
	   [ "$name" = big ]; then
		$CC $CFLAGS "$@" "$src" -o "$bin"
	fi
}

if [ $small = 1 ]; then
	root=$BUILD/initrd-small-root
	tests="exec_enomem fork_many"
	helpers=big
elif [ -n "$only" ]; then
	root=$BUILD/initrd-$(basename "$out" .cpio)-root
	tests=$only
	helpers=${TEST_HELPERS:-}
else
	root=$BUILD/initrd-root
	tests=""
	for f in tests/guest/*.c; do
		n=$(basename "$f" .c)
		case " runner $HELPERS " in *" $n "*) continue ;; esac
		tests="$tests $n"
	done
	helpers="shm_peer memhog"
fi

rm -rf "$root"
mkdir -p "$root"/{sbin,bin,dev,proc,tmp,etc,root,mnt,tests/helpers}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

build runner
install -m 755 "$objdir/runner" "$root/sbin/guest-runner"
for t in $tests; do
	case $t in
	pthread*) build "$t" -pthread ;; # glibc's threads (static)
	*) build "$t" ;;
	esac
	install -m 755 "$objdir/$t" "$root/tests/$t"
done
for h in $helpers; do
	if [ "$h" = big ]; then
		build big -DBIG_MIB="$BIG_MIB"
	else
		build "$h"
	fi
	install -m 755 "$objdir/$h" "$root/tests/helpers/$h"
done

if [ $small = 1 ] || [ -n "$only" ]; then
	printf '%s\n' $tests > "$root/etc/guest-tests"
elif [ -x "$BUILD/busybox" ]; then
	BUILD=$BUILD scripts/busybox-tree.sh "$root"
fi

if [ -n "$extra" ]; then
	cp -a "$extra"/. "$root"/
fi

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) > "$tmp"
mv "$tmp" "$out"
