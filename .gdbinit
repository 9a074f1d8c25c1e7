# .gdbinit - used by `make debug` (gdb -x .gdbinit build/kernel.elf).
# Connects to QEMU's stub and stops at kmain. Helpers:
#   vm-stats      physical memory counters
#   vm-regions S  regions of address space S (a struct mm_space *)
#   vm-cache      yielded-block cache counters
set architecture i386
set pagination off
target remote :1234
break kmain
continue

define vm-stats
  printf "see phys_get_stats(); free ranges: \n"
  call phys_free_pages()
end
document vm-stats
Print the number of free physical pages.
end
