#!/bin/bash
# busybox-tree.sh ROOT [APPLET...] - put busybox into the root tree ROOT:
# /bin/busybox from $BUILD/busybox (scripts/fetch-busybox.sh gets it), a
# link in /bin for each applet of the list below and each APPLET given,
# /sbin/init, poweroff, reboot and halt (busybox's, as on Linux), and
# /etc from user/etc (inittab, passwd, group, profile). An applet this
# busybox lacks is left out; a host that cannot run i386 programs links
# the whole list (Debian's busybox-static has every one).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
root=$1
shift
mkdir -p "$root/bin" "$root/sbin" "$root/etc"
install -m 755 "$BUILD/busybox" "$root/bin/busybox"
applets=$("$BUILD/busybox" --list 2>/dev/null || true)
for a in sh ls cat echo free ps mkdir rmdir rm cp mv ln mount umount \
	 sleep true false test dmesg uname env head tail wc grep sed \
	 hexdump od stat touch kill date vi more sync df du id chmod \
	 chown find dd mknod cmp diff sort hostname clear reset \
	 cttyhack top uptime which xargs seq yes "$@"; do
	if [ -z "$applets" ] || printf '%s\n' "$applets" | grep -qx -- "$a"; then
		ln -sf busybox "$root/bin/$a"
	fi
done
for a in init poweroff reboot halt; do
	ln -sf ../bin/busybox "$root/sbin/$a"
done
cp -a user/etc/. "$root/etc/"
