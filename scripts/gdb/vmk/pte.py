# pte.py - vm-pte: the page-table walk for one address, and who owns the
# physical page it ends at.

import gdb

from . import kernel as k
from . import owners
from .procs import parse_pid


class VmPte(gdb.Command):
    """Walk the page tables for one address: vm-pte ADDR [PID]

Prints the directory entry and the table entry with their flags decoded
(P present, W writable, U user, PWT, PCD, A accessed, D dirty, PS 4 MiB
page, G global), the physical page, and every owner of that page: a
region entry of a process (region, backend, block and its references), a
slab page, a page table, a free range, a cached block, a process's kernel
stack, the kernel image, or "kernel" for other kernel pages. The page
directory is that of process PID (default: the current process)."""

    def __init__(self):
        super().__init__("vm-pte", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or len(argv) > 2:
            raise gdb.GdbError("usage: vm-pte ADDR [PID]")
        va = int(gdb.parse_and_eval(argv[0])) & 0xFFFFFFFF
        if len(argv) > 1 or k.current() is not None:
            p = parse_pid(argv[1] if len(argv) > 1 else "")
            who = k.proc_label(p)
        else:  # early boot: no process yet
            p, who = None, "the kernel"
        pgdir = k.pgdir_of(p)
        print("%#010x in %s, page directory %#x" % (va, who, pgdir))
        pde, pte, pa = k.pt_walk(pgdir, va)
        print("PDE[%d] = %#010x  %s" % (va >> 22, pde, k.pte_flags_str(pde)))
        if pde & k.const("PTE_P") and not pde & k.const("PTE_PS"):
            print("PTE[%d] = %#010x  %s" % ((va >> 12) & 0x3FF, pte,
                                            k.pte_flags_str(pte)))
        if pa is None:
            print("not mapped")
            self.explain_unmapped(p, va)
            return
        page = pa & ~(k.page_size() - 1)
        print("physical %#010x (page %#010x)" % (pa, page))
        if page >= k.direct_limit():
            print("owner: none (above the direct mapping: device memory?)")
            return
        found = owners.owners_of(page)
        if not found:
            print("owner: kernel (allocated, not in the memory manager's "
                  "structures)")
        for o in found:
            print("owner: %s: %s" % (o.kind, o.label))

    @staticmethod
    def explain_unmapped(p, va):
        if p is None or not int(p["space"]):
            return
        ps = k.page_size()
        for r in k.regions(p["space"]):
            start = int(r["start"])
            if not start <= va < start + int(r["len"]):
                continue
            why = "no page yet (a fault will bring one)"
            for e in k.entries(r):
                off = int(e["offset"])
                if off <= va - start < off + int(e["block"]["npages"]) * ps:
                    why = "block %#x is there, not mapped (protection)" % \
                        int(e["block"]["pa"])
            print("in region [%#010x, %#010x) %s %s: %s" % (
                start, start + int(r["len"]), k.prot_str(r["prot"]),
                k.region_backend(r), why))
            return
        print("in no region of %s" % k.proc_label(p))


def register():
    VmPte()
