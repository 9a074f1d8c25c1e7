# .gdbinit - the kernel's GDB session: i386, build/kernel.elf's symbols,
# the helpers of scripts/gdb/ (vm-ps, vm-regions, vm-pte, ...), QEMU's
# stub on port $GDBPORT (default 1234), a breakpoint on panic, then run
# to kmain. `make debug` runs it as
#   gdb -iex 'set auto-load local-gdbinit off' -x .gdbinit build/kernel.elf
# so neither ~/.gdbinit nor GDB's auto-load settings are needed. It does
# its work once per session, even when GDB's auto-load also runs it.
python
import os
import gdb

if not getattr(gdb, "vmkernel_gdbinit_done", False):
    gdb.vmkernel_gdbinit_done = True
    gdb.execute("set architecture i386")
    gdb.execute("set pagination off")
    if gdb.current_progspace().filename is None:
        gdb.execute("file build/kernel.elf")
    gdb.execute("source scripts/gdb/vmkernel.py")
    gdb.execute("target remote :" + os.environ.get("GDBPORT", "1234"))
    gdb.execute("break panic")
    gdb.execute("break kmain")
    gdb.execute("continue")
end
