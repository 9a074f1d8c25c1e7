#!/bin/sh
# deps.sh [--quiet] - install the Debian packages the build and tests need,
# only those that are missing. Quiet when nothing is missing.
export DEBIAN_FRONTEND=noninteractive
quiet=$1
missing=""
need() { # need PACKAGE [COMMAND]
	if [ -n "$2" ]; then
		command -v "$2" >/dev/null 2>&1 && return
	else
		dpkg -s "$1" >/dev/null 2>&1 && return
	fi
	missing="$missing $1"
}
need qemu-system-x86 qemu-system-i386
need nasm nasm
need grub-pc-bin
need grub-common grub-mkrescue
need xorriso xorriso
need mtools mformat
need gcc-multilib
need e2fsprogs mke2fs
# mkdisk.sh: the root disk's files owned by root when run as a user.
need fakeroot fakeroot
need gdb gdb
need make make
need cpio cpio
need gcc gcc
need clang-format clang-format
need perl perl
# make ltp builds LTP's autotools tree.
need autoconf autoconf
need automake automake
need pkg-config pkg-config
if [ -z "$missing" ]; then
	[ "$quiet" = --quiet ] || echo "deps: everything is installed"
	exit 0
fi
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# A mirror mid-sync can make update fail while install still works.
$SUDO apt-get update -q >/dev/null 2>&1 || true
$SUDO apt-get install -y -q --no-install-recommends $missing
