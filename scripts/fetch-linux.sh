#!/bin/bash
# fetch-linux.sh - put Debian's i386 Linux kernel at $BUILD/linux/vmlinuz
# (for `make bench-linux`) unless it is already there, its version in
# $BUILD/linux/version, and the modules its file system rows need (the
# IDE disk through libata, and ext4, which serves ext2) from the same
# package in $BUILD/linux/modules/, their load order in
# $BUILD/linux/modules/order. Never committed: it lives in the build
# directory.
#
# Takes linux-image-6.1.0-50-686:i386 if the archive still has it, else the
# kernel package that linux-image-686:i386 depends on (and says which).
# Exit status 1 if no kernel could be fetched.
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
dir=$BUILD/linux
[ -s "$dir/vmlinuz" ] && [ -s "$dir/version" ] &&
	[ -s "$dir/modules/order" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
die() {
	echo "fetch-linux: $*" >&2
	exit 1
}
command -v apt-get > /dev/null || die "no apt-get"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
	apt-get update > /dev/null 2>&1 # may exit non-zero yet be usable
fi
tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# download PACKAGE: apt-get download into $tmp, updating the lists once if
# the first try fails.
download() {
	(cd "$tmp" && apt-get download "$1" > /dev/null 2>&1) && return 0
	apt-get update > /dev/null 2>&1
	(cd "$tmp" && apt-get download "$1" > /dev/null 2>&1)
}

pkg=linux-image-6.1.0-50-686:i386
if ! download "$pkg"; then
	dep=$(apt-cache depends linux-image-686:i386 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -n 1)
	[ -n "$dep" ] || die "neither $pkg nor linux-image-686:i386 in the archive"
	case $dep in *:i386) ;; *) dep=$dep:i386 ;; esac
	echo "fetch-linux: $pkg is gone from the archive; using $dep" >&2
	pkg=$dep
	download "$pkg" || die "apt-get download $pkg failed"
fi
deb=$(ls "$tmp"/linux-image-*.deb | head -n 1)
dpkg -x "$deb" "$tmp/x" || die "dpkg -x $deb failed"
img=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$img" ] || die "no boot/vmlinuz-* in $deb"
mkdir -p "$dir"
cp "$img" "$dir/vmlinuz" || die "cannot copy $img"
# The disk and ext2 modules, each after the ones it needs.
mods="scsi_common scsi_mod libata ata_piix crct10dif_common crct10dif_generic
	crc-t10dif crc64 crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod
	crc16 crc32c_generic mbcache jbd2 ext4"
rm -rf "$dir/modules"
mkdir -p "$dir/modules"
for m in $mods; do
	ko=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n 1)
	[ -n "$ko" ] || die "no $m.ko in $deb"
	cp "$ko" "$dir/modules/" || die "cannot copy $ko"
	echo "$m.ko" >> "$dir/modules/order"
done
# e.g. "6.1.0-50-686 (Debian 6.1.176-1)"
pkgver=$(dpkg-deb -f "$deb" Version)
echo "$(basename "$img" | sed 's/^vmlinuz-//') (Debian $pkgver)" > "$dir/version"
echo "fetch-linux: $pkg $pkgver -> $dir/vmlinuz" >&2
