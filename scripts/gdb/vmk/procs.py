# procs.py - vm-ps and vm-regions: processes and their address spaces.

import gdb

from . import kernel as k
from . import owners


def parse_pid(arg):
    """The process named by a pid argument, or the current one."""
    arg = arg.strip()
    if arg:
        try:
            return k.proc_by_pid(int(gdb.parse_and_eval(arg)))
        except gdb.error as e:
            raise gdb.GdbError("vm: bad pid %r: %s" % (arg, e))
    p = k.current()
    if p is None:
        raise gdb.GdbError("vm: no current process; give a pid")
    return p


def space_pages(space):
    """Pages present in a space, as mm_space_pages() counts them: the
    pages of every block its regions use (shared blocks in each space)."""
    return sum(k.region_entry_pages(r) for r in k.regions(space))


class VmPs(gdb.Command):
    """List the processes: vm-ps

PID, parent, state, name, address space (struct mm_space *), pages present
in the space (blocks of its regions, as mm_space_pages counts them) and the
blocks it has in the yielded-block cache. '*' marks the current process."""

    def __init__(self):
        super().__init__("vm-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cached = {}
        for yb in owners.cache_blocks():
            n, pages = cached.get(int(yb["owner"]), (0, 0))
            cached[int(yb["owner"])] = (n + 1, pages + int(yb["npages"]))
        cur = k.current()
        print("  %5s %5s %-9s %-16s %-10s %6s  %s" % (
            "PID", "PPID", "STATE", "NAME", "SPACE", "PAGES", "CACHED"))
        for p in k.procs():
            space = p["space"]
            pages = space_pages(space) if int(space) else 0
            n, cpages = cached.get(int(p["ycache_owner"]), (0, 0))
            print("%s %5d %5d %-9s %-16s %#010x %6d  %d blocks, %d pages" % (
                "*" if cur is not None and int(cur) == int(p) else " ",
                int(p["pid"]), int(p["ppid"]), k.proc_state(p),
                k.cstring(p["name"]), int(space), pages, n, cpages))


class VmRegions(gdb.Command):
    """List a process's regions: vm-regions [PID]

For each region of the process (default: the current one): the range, the
protection, the backend (its ops' name), whether writes are shared, and
the pages present: the pages of the region's blocks, or for a region
without blocks (a direct mapping) its present page-table entries."""

    def __init__(self):
        super().__init__("vm-regions", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        p = parse_pid(arg)
        space = p["space"]
        if not int(space):
            print("%s has no address space" % k.proc_label(p))
            return
        pgdir = int(space["pgdir"])
        print("%s, space %#x, page directory %#x" % (
            k.proc_label(p), int(space), pgdir))
        print("%-10s %-10s %-4s %-10s %-7s %6s  %s" % (
            "START", "END", "PROT", "BACKEND", "SHARE", "PAGES", "FLAGS"))
        for r in k.regions(space):
            start = int(r["start"])
            end = start + int(r["len"])
            if int(r["entries"]["count"]):
                pages = k.region_entry_pages(r)
            else:
                pages = k.present_ptes(pgdir, start, end)
            flags = []
            if int(r["flags"]) & k.const("REGION_GROWSDOWN"):
                flags.append("growsdown(limit %#x)" % int(r["grow_limit"]))
            print("%#010x %#010x %-4s %-10s %-7s %6d  %s" % (
                start, end, k.prot_str(r["prot"]), k.region_backend(r),
                "shared" if k.region_is_shared(r) else "private", pages,
                " ".join(flags)))


def register():
    VmPs()
    VmRegions()
