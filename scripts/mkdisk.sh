#!/bin/bash
# mkdisk.sh TREE OUT.img [SIZE_MIB] - an ext2 disk image (4 KiB blocks,
# as Debian's mke2fs -t ext2 makes it) holding TREE, every file owned by
# root: the root disk `make run` boots (build/disk.img, made once and
# kept; `make disk-reset` makes it again).
set -eu
tree=$1 out=$2 size=${3:-128}
[ -d "$tree" ] || { echo "mkdisk: no tree $tree" >&2; exit 2; }
tmp=$out.tmp
rm -f "$tmp"
# mke2fs -d copies owners from the tree; as a normal user the tree is the
# user's, so fakeroot (when there) makes the copy root's.
wrap=""
if [ "$(id -u)" != 0 ] && command -v fakeroot > /dev/null; then
	wrap=fakeroot
fi
$wrap mke2fs -q -F -t ext2 -b 4096 -L vmkernel -E root_owner=0:0 \
	-d "$tree" "$tmp" "${size}M"
e2fsck -fn "$tmp" > /dev/null
mv "$tmp" "$out"
echo "disk: $out (${size} MiB ext2, from $tree)"
