#!/bin/bash
# fetch-busybox.sh - put Debian's static i386 busybox at $BUILD/busybox if
# it is not there (scripts/mkinitrd.sh then installs it in the initrd).
# Quiet on success; on failure it only warns (the guest tests do not need
# busybox).
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[ -x "$BUILD/busybox" ] && exit 0
warn() {
	echo "warning: fetch-busybox: $*; continuing without busybox" >&2
	exit 0
}
command -v apt-get > /dev/null || warn "no apt-get"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	dpkg --add-architecture i386 || warn "dpkg --add-architecture i386 failed"
	apt-get update > /dev/null 2>&1
fi
tmp=$(mktemp -d) || warn "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download busybox-static:i386 > /dev/null 2>&1); then
	apt-get update > /dev/null 2>&1
	(cd "$tmp" && apt-get download busybox-static:i386 > /dev/null 2>&1) ||
		warn "apt-get download busybox-static:i386 failed"
fi
dpkg -x "$tmp"/busybox-static_*.deb "$tmp/x" || warn "dpkg -x failed"
mkdir -p "$BUILD"
cp "$tmp/x/bin/busybox" "$BUILD/busybox" && chmod 755 "$BUILD/busybox" ||
	warn "no bin/busybox in the package"
