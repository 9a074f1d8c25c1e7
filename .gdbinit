# .gdbinit - used by `make debug` (gdb -x .gdbinit build/kernel.elf).
# Connects to QEMU's stub and stops at kmain.
set architecture i386
set pagination off
target remote :1234
break kmain
continue
