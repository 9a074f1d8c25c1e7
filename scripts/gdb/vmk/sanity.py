# sanity.py - vm-sanity: run the kernel's memory sanity checker
# (mm_sanity_check, mm/sanity.c) as a GDB inferior call.

import gdb

from . import kernel as k

EFLAGS_IF = 0x200


def mm_frames():
    """Functions of mm/ on the stack (their structures may be half
    changed, so the checker would report a false error)."""
    found = []
    f = gdb.newest_frame()
    while f is not None:
        sal = f.find_sal()
        if sal.symtab and "/mm/" in "/" + sal.symtab.filename:
            found.append(f.name() or "?")
        f = f.older()
    return found


class VmSanity(gdb.Command):
    """Run the memory sanity checker from GDB: vm-sanity [-f]

Calls mm_sanity_check() in the stopped kernel and prints its result (the
pages found in use, or -ENOMEM). The kernel must be stopped in kernel mode
and outside mm/ (a breakpoint at a system call, in the idle loop, at
panic), else the checker could see half-made changes; -f skips the mm/
check. Interrupts are kept off during the call. A broken invariant makes
the checker panic: GDB then stops in panic (see vm-log)."""

    def __init__(self):
        super().__init__("vm-sanity", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        force = arg.strip() == "-f"
        if arg.strip() and not force:
            raise gdb.GdbError("usage: vm-sanity [-f]")
        cs = int(gdb.parse_and_eval("$cs"))
        if cs & 3:
            raise gdb.GdbError("vm-sanity: the CPU is in user mode (cs %#x); "
                               "stop in the kernel first (e.g. break "
                               "sys_getpid, or Ctrl-C while idle)" % cs)
        busy = mm_frames()
        if busy and not force:
            raise gdb.GdbError("vm-sanity: stopped inside mm/ (%s): the "
                               "checker could see half-made changes; "
                               "'finish' out or use -f" % ", ".join(busy))
        eflags = int(gdb.parse_and_eval("$eflags"))
        if eflags & EFLAGS_IF:
            gdb.execute("set $eflags = %d" % (eflags & ~EFLAGS_IF))
        try:
            n = int(gdb.parse_and_eval("mm_sanity_check()"))
        except gdb.error as e:
            raise gdb.GdbError("vm-sanity: the call did not return (%s); "
                               "vm-log shows the kernel's last words" % e)
        finally:
            if eflags & EFLAGS_IF:
                gdb.execute("set $eflags = %d" % eflags)
        if n < 0:
            print("mm_sanity_check() = %d: no memory for its page map, "
                  "nothing checked" % n)
        else:
            print("mm_sanity_check() = %d: ok, %d pages in use" % (n, n))


def register():
    VmSanity()
