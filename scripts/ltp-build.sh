#!/bin/bash
# ltp-build.sh - build the Linux Test Project's system call tests once, as
# $LTP_SRC/README.md says, and gather the stripped binaries.
#
#   scripts/ltp-build.sh
#
# Environment:
#   LTP_SRC   the directory with ltp-subset.tar.xz and dirs.txt
#             (default ../shared/ltp relative to the repository)
#   LTP_DIRS  the syscall directories to build (default: all of dirs.txt)
#   BUILD     the build directory (default build)
#
# Unpacks the tarball into $BUILD/ltp/src (once), configures it for i386
# static binaries, builds lib/ and each directory (a directory that fails
# to build is reported and skipped), then copies every executable it built
# into $BUILD/ltp/bin, stripped, with runtest/syscalls beside them as
# $BUILD/ltp/runtest and the directory of each binary in $BUILD/ltp/dirmap
# ("BINARY DIR" lines). A stamp per directory keeps later runs quick.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LTP_SRC=${LTP_SRC:-../shared/ltp}
out=$BUILD/ltp
src=$out/src/ltp

[ -f "$LTP_SRC/ltp-subset.tar.xz" ] ||
	{ echo "ltp-build: no $LTP_SRC/ltp-subset.tar.xz" >&2; exit 2; }
dirs=${LTP_DIRS:-$(cat "$LTP_SRC/dirs.txt")}

mkdir -p "$out"
if [ ! -f "$src/.configured" ]; then
	rm -rf "$out/src"
	mkdir -p "$out/src"
	echo "ltp-build: unpacking $LTP_SRC/ltp-subset.tar.xz"
	tar xJf "$LTP_SRC/ltp-subset.tar.xz" -C "$out/src"
	echo "ltp-build: configuring (log in $out/configure.log)"
	(cd "$src" &&
		make autotools AUTOCONFED_SUBDIRS= &&
		./configure --host=i686-linux-gnu CC="gcc -m32" \
			CFLAGS="-O2 -g0" LDFLAGS="-static" \
			--without-numa --without-tirpc) > "$out/configure.log" 2>&1 ||
		{ echo "ltp-build: configure failed, see $out/configure.log" >&2; exit 1; }
	touch "$src/.configured"
fi
if [ ! -f "$src/.lib-built" ]; then
	echo "ltp-build: building lib/"
	make -j2 -C "$src/lib" > "$out/lib.log" 2>&1 ||
		{ echo "ltp-build: lib failed, see $out/lib.log" >&2; exit 1; }
	touch "$src/.lib-built"
fi

failed=""
for d in $dirs; do
	dir=$src/testcases/kernel/syscalls/$d
	[ -d "$dir" ] || { echo "ltp-build: no directory $d" >&2; continue; }
	[ -f "$dir/.built" ] && continue
	echo "ltp-build: $d"
	if make -j2 -C "$dir" > "$out/build-$d.log" 2>&1; then
		touch "$dir/.built"
	else
		failed="$failed $d"
	fi
done
[ -z "$failed" ] || echo "ltp-build: these failed to build (logs in $out):$failed" >&2

# Gather: every executable ELF file in the directories built, stripped
# again only when it changed.
mkdir -p "$out/bin"
: > "$out/dirmap"
for d in $dirs; do
	dir=$src/testcases/kernel/syscalls/$d
	[ -d "$dir" ] || continue
	find "$dir" -maxdepth 2 -type f -perm -u+x ! -name '*.sh' ! -name '*.o' |
		sort | while read -r f; do
		head -c 4 "$f" | grep -q ELF || continue
		n=$(basename "$f")
		[ "$out/bin/$n" -nt "$f" ] || strip -o "$out/bin/$n" "$f"
		echo "$n $d" >> "$out/dirmap"
	done
done
cp "$src/runtest/syscalls" "$out/runtest"
echo "ltp-build: $(wc -l < "$out/dirmap") binaries in $out/bin ($(du -sh "$out/bin" | cut -f1))"
