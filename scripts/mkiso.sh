#!/bin/sh
# mkiso.sh KERNEL ISO [INITRD [CMDLINE]] - a GRUB rescue ISO that boots
# KERNEL with CMDLINE (and loads INITRD as a module when given).
set -e
kernel=$1 iso=$2 initrd=$3 cmdline=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
if [ -n "$initrd" ]; then
	cp "$initrd" "$dir/boot/initrd.cpio"
	# The module line goes right after the multiboot line.
	sed -e "s|^\tmultiboot /boot/kernel.elf.*|\tmultiboot /boot/kernel.elf $cmdline|" \
		-e '/^\tmultiboot /a\	module /boot/initrd.cpio initrd' boot/grub.cfg \
		> "$dir/boot/grub/grub.cfg"
else
	cp boot/grub.cfg "$dir/boot/grub/grub.cfg"
fi
grub-file --is-x86-multiboot "$kernel"
grub-mkrescue -o "$iso" "$dir" \
	--install-modules="normal multiboot iso9660 biosdisk" \
	--locales= --fonts= --themes= --compress=xz >/dev/null 2>&1
echo "ISO: $iso"
