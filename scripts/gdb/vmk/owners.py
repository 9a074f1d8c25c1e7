# owners.py - who holds each physical page, found the way the sanity
# checker finds it (mm/sanity.c): the free tree, the slab, the page tables
# and blocks of every space, the yielded-block cache, the processes' kernel
# stacks, the kernel image and the boot modules. Pages phys counts as
# allocated that none of these claim belong to other kernel users (the
# file system's data, disk buffers...), reported as "kernel".

import gdb

from . import kernel as k

# Owner kinds, in the order vm-memmap's legend lists them.
FREE = "free"
KERNEL = "kernel"
IMAGE = "kernel image"
SLAB = "slab"
PAGETABLE = "page table"
USER = "user"
CACHED = "cached"
PROCESS = "process"


class Owner:
    def __init__(self, pa, npages, kind, label):
        self.pa, self.npages, self.kind, self.label = pa, npages, kind, label

    def covers(self, pa):
        return self.pa <= pa < self.pa + self.npages * k.page_size()


def free_ranges():
    """(start, npages) of every free range, in address order."""
    for r in k.avl_entries(k.sym("free_tree", "phys.c"), "struct phys_range"):
        yield int(r["start"]), int(r["npages"])


def slab_pages():
    """struct slab_page * of every slab page (the slab page index)."""
    idx = k.sym("pidx", "slab_index.c")
    t = gdb.lookup_type("struct slab_page").pointer()
    for i in range(int(idx["len"])):
        yield gdb.Value(int(idx["va"][i])).cast(t)


def cache_blocks():
    """struct yblock * of every cached block, oldest (next evicted) first."""
    return k.list_walk(k.sym("lru_head", "ycache.c"), "next")


def block_pages(yb):
    """The physical pages of a cached block: its page list, or (list NULL)
    the blocks of its tree of region entries (mm/yield_tree.c)."""
    import struct
    n = int(yb["npages"])
    if not int(yb["list"]):
        pages = []
        for e in k.avl_entries(yb["tree"], "struct region_entry"):
            b = e["block"]
            pages += [int(b["pa"]) + i * k.page_size()
                      for i in range(int(b["npages"]))]
        return pages
    raw = bytes(gdb.selected_inferior().read_memory(int(yb["list"]), 4 * n))
    return struct.unpack("<%dI" % n, raw)


def entry_label(p, r, e):
    b = e["block"]
    who = k.proc_label(p) if p is not None else "space %#x" % int(r["space"])
    return ("%s region [%#010x, %#010x) %s %s %s, entry +%#x, block %#x "
            "(%d pages, %d refs, %s)" % (
                who, int(r["start"]), int(r["start"]) + int(r["len"]),
                k.region_backend(r), k.prot_str(r["prot"]),
                "shared" if k.region_is_shared(r) else "private",
                int(e["offset"]), int(b["pa"]), int(b["npages"]),
                int(b["refcount"]), k.enum_name(b["share"], "BLOCK_").lower()))


def walk(include_free=True):
    """Every Owner we can name; a shared block appears once per entry."""
    ps = k.page_size()
    if include_free:
        for start, n in free_ranges():
            yield Owner(start, n, FREE, "free range [%#x, +%d pages)"
                        % (start, n))
    first = int(k.sym("_boot_start").address)
    last = int(k.sym("_kernel_end").address) - k.kernel_base()
    yield Owner(first, (last - first) // ps, IMAGE, "kernel image")
    bi = k.sym("bootinfo")
    released = k.sym("module_released", "mm_boot.c")
    for i in range(int(bi["nmods"])):
        if int(released[i]):
            continue
        m = bi["mods"][i]
        a = int(m["start"]) & ~(ps - 1)
        b = (int(m["end"]) + ps - 1) & ~(ps - 1)
        yield Owner(a, (b - a) // ps, IMAGE,
                    "boot module %d (%s)" % (i, k.cstring(m["name"])))
    for sp in slab_pages():
        yield Owner(int(sp["pa"]), 1, SLAB,
                    "slab page %#x, %d-byte objects, %d of %d in use" % (
                        int(sp), 1 << int(sp["shift"]), int(sp["inuse"]),
                        int(sp["nobj"])))
    idx = k.sym("pidx", "slab_index.c")
    if int(idx["npages"]):
        yield Owner(int(idx["pa"]), int(idx["npages"]), SLAB,
                    "slab page index")
    kstack = k.const("KSTACK_PAGES")
    for p in k.procs():
        yield Owner(k.virt_to_phys(p), kstack, PROCESS,
                    "%s struct proc and kernel stack" % k.proc_label(p))
    for s in k.spaces():
        p = k.space_owner(s)
        who = k.proc_label(p) if p is not None else "space %#x" % int(s)
        pgdir = int(s["pgdir"])
        yield Owner(pgdir, 1, PAGETABLE, "%s page directory" % who)
        pdes = k.read_u32s(pgdir, k.const("PDE_KERNEL_FIRST"))
        for i, pde in enumerate(pdes):
            if pde & k.const("PTE_P") and not pde & k.const("PTE_PS"):
                yield Owner(pde & ~0xFFF, 1, PAGETABLE,
                            "%s page table %d [%#010x, %#010x)"
                            % (who, i, i << 22, (i + 1) << 22))
        for r in k.regions(s):
            for e in k.entries(r):
                b = e["block"]
                yield Owner(int(b["pa"]), int(b["npages"]), USER,
                            entry_label(p, r, e))
    owners = {int(p["ycache_owner"]): p for p in k.procs()}
    for yb in cache_blocks():
        o = int(yb["owner"])
        who = k.proc_label(owners[o]) if o in owners else "owner %d" % o
        label = "cached block id %#x of %s (%d pages)" % (
            int(yb["id"]), who, int(yb["npages"]))
        for i, pa in enumerate(block_pages(yb)):
            yield Owner(pa, 1, CACHED, "%s, page %d" % (label, i))
        if int(yb["list_pa"]):
            n = (4 * int(yb["npages"]) + ps - 1) // ps
            yield Owner(int(yb["list_pa"]), n, KERNEL,
                        "page list of %s" % label)


def owners_of(pa):
    """Every Owner covering physical address pa."""
    return [o for o in walk() if o.covers(pa)]
