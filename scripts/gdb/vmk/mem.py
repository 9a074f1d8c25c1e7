# mem.py - vm-phys, vm-slab and vm-cache: the physical allocator, the slab
# allocator and the yielded-block cache, read from their own variables.

import gdb

from . import kernel as k
from . import owners


def phys_counters():
    """The page counters of mm/phys.c, by name."""
    kinds = k.sym("kind_pages", "phys.c")
    c = {"total": int(k.sym("total_pages", "phys.c")),
         "free": int(k.sym("free_pages", "phys.c"))}
    for f in gdb.lookup_type("enum phys_kind").fields():
        name = f.name[len("PHYS_"):].lower()
        if name != "nkinds":
            c[name] = int(kinds[f.enumval])
    return c


class VmPhys(gdb.Command):
    """Show the physical allocator: vm-phys

The free ranges from the AVL tree (start, end, pages), then the page
counters: total, free, kernel, user, cached, and whether free + kernel +
user + cached == total, and whether the tree agrees with the free count."""

    def __init__(self):
        super().__init__("vm-phys", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        ps = k.page_size()
        tree = k.sym("free_tree", "phys.c")
        print("free ranges (%d):" % int(tree["count"]))
        print("  %-10s %-10s %8s" % ("START", "END", "PAGES"))
        in_tree = 0
        for start, n in owners.free_ranges():
            in_tree += n
            print("  %#010x %#010x %8d" % (start, start + n * ps, n))
        c = phys_counters()
        parts = [x for x in c if x not in ("total", "free")]
        print("pages: " + ", ".join("%s %d" % (x, c[x]) for x in c))
        s = c["free"] + sum(c[x] for x in parts)
        print("free + %s = %d: %s" % (
            " + ".join(parts), s,
            "ok, equals total" if s == c["total"] else
            "MISMATCH, total is %d" % c["total"]))
        print("free ranges hold %d pages: %s" % (
            in_tree, "ok" if in_tree == c["free"] else "MISMATCH with free"))


class VmSlab(gdb.Command):
    """Show the slab allocator: vm-slab

One line per size class: object size, pages, objects in use, capacity,
pages on the partial list, and the cached empty page; then the totals the
allocator keeps (nr_pages, nr_objects) and the page index."""

    def __init__(self):
        super().__init__("vm-slab", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        partial = k.sym("partial", "slab.c")
        empty = k.sym("empty", "slab.c")
        lo, hi = partial.type.range()
        nclasses = hi - lo + 1
        max_shift = k.const("SLAB_MAX_OBJ").bit_length() - 1
        min_shift = max_shift - nclasses + 1
        pages = [0] * nclasses
        inuse = [0] * nclasses
        cap = [0] * nclasses
        for sp in owners.slab_pages():
            c = int(sp["cls"])
            pages[c] += 1
            inuse[c] += int(sp["inuse"])
            cap[c] += int(sp["nobj"])
        print("%5s %6s %6s %8s %8s %8s %6s" % (
            "CLASS", "SIZE", "PAGES", "INUSE", "CAPACITY", "PARTIAL",
            "EMPTY"))
        for c in range(nclasses):
            npartial = sum(1 for _ in k.list_walk(partial[c], "next"))
            print("%5d %6d %6d %8d %8d %8d %6s" % (
                c, 1 << (c + min_shift), pages[c], inuse[c], cap[c],
                npartial, "yes" if int(empty[c]) else "-"))
        idx = k.sym("pidx", "slab_index.c")
        print("total: %d pages, %d objects (allocator counts: %d pages, %d "
              "objects)" % (sum(pages), sum(inuse),
                            int(k.sym("nr_pages", "slab.c")),
                            int(k.sym("nr_objects", "slab.c"))))
        print("page index: %d of %d slots, %d pages at %#x" % (
            int(idx["len"]), int(idx["cap"]), int(idx["npages"]),
            int(idx["pa"])))


class VmCache(gdb.Command):
    """Show the yielded-block cache: vm-cache

The cached blocks in LRU order (the first is evicted first): owner (and
its process), block id, pages; then the counters: blocks, pages, yields,
hits, misses, evictions, evicted pages."""

    def __init__(self):
        super().__init__("vm-cache", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        procs = {int(p["ycache_owner"]): p for p in k.procs()}
        print("%3s %6s %-22s %-20s %6s" % ("LRU", "OWNER", "PROCESS", "ID",
                                          "PAGES"))
        for i, yb in enumerate(owners.cache_blocks()):
            o = int(yb["owner"])
            who = k.proc_label(procs[o]) if o in procs else "-"
            print("%3d %6d %-22s %#-20x %6d" % (i, o, who, int(yb["id"]),
                                                int(yb["npages"])))
        st = k.sym("ystats", "ycache.c")
        print(", ".join("%s %d" % (f.name.replace("_", " "), int(st[f.name]))
                        for f in st.type.fields()))


def register():
    VmPhys()
    VmSlab()
    VmCache()
