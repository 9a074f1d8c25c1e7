#!/bin/sh
# mkiso.sh KERNEL ISO [INITRD [CMDLINE]] - a GRUB rescue ISO that boots
# KERNEL with CMDLINE (and loads INITRD as a module when given).
set -e
kernel=$1 iso=$2 initrd=${3:-} cmdline=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
# The command line goes on the multiboot line, the module right after it.
sed -e "s|^\tmultiboot /boot/kernel.elf.*|\tmultiboot /boot/kernel.elf $cmdline|" \
	boot/grub.cfg > "$dir/boot/grub/grub.cfg"
if [ -n "$initrd" ]; then
	cp "$initrd" "$dir/boot/initrd.cpio"
	sed -i '/^\tmultiboot /a\	module /boot/initrd.cpio initrd' "$dir/boot/grub/grub.cfg"
fi
grub-file --is-x86-multiboot "$kernel"
grub-mkrescue -o "$iso" "$dir" \
	--install-modules="normal multiboot iso9660 biosdisk" \
	--locales= --fonts= --themes= --compress=xz >/dev/null 2>&1
echo "ISO: $iso"
