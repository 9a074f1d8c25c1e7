# memmap.py - vm-memmap: a PNG of physical memory, one pixel per page,
# coloured by owner (owners.py), written with zlib and struct only.

import struct
import zlib

import gdb

from . import kernel as k
from . import owners

WIDTH = 256  # pixels (pages) per row: 1 MiB
COLOURS = {
    "none": (0, 0, 0),              # not RAM the allocator was given
    owners.FREE: (235, 235, 235),
    owners.KERNEL: (200, 60, 60),   # allocated, no walker names it
    owners.IMAGE: (120, 0, 0),
    owners.PROCESS: (230, 140, 40),
    owners.SLAB: (220, 200, 40),
    owners.PAGETABLE: (150, 60, 200),
    owners.USER: (40, 110, 230),
    owners.CACHED: (40, 180, 80),
}


def png(path, width, height, rows):
    def chunk(tag, data):
        c = tag + data
        return struct.pack(">I", len(data)) + c + \
            struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(r) for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


class VmMemmap(gdb.Command):
    """Write a PNG of physical memory: vm-memmap FILE

One pixel per page, 256 pages (1 MiB) a row, coloured by owner: free
(light grey), kernel image (dark red), process structures and kernel
stacks (orange), slab (yellow), page directories and tables (purple), user
blocks (blue), cached blocks (green), other kernel pages (red), memory the
allocator never had (black). Prints the page count of each colour."""

    def __init__(self):
        super().__init__("vm-memmap", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) != 1:
            raise gdb.GdbError("usage: vm-memmap FILE")
        ps = k.page_size()
        npages = k.direct_limit() // ps
        kind = ["none"] * npages
        for o in owners.walk():
            first = o.pa // ps
            for i in range(first, min(first + o.npages, npages)):
                if kind[i] in ("none", owners.FREE):
                    kind[i] = o.kind
        # Pages the allocator counts but nobody above names: other kernel
        # users. phys never had page 0 or what lies outside the memory map.
        total = int(k.sym("total_pages", "phys.c"))
        named = sum(1 for x in kind if x != "none")
        bi = k.sym("bootinfo")
        ram = [False] * npages
        for i in range(int(bi["nmmap"])):
            m = bi["mmap"][i]
            if int(m["type"]) != 1:
                continue
            a = (int(m["base"]) + ps - 1) // ps
            b = min(npages, (int(m["base"]) + int(m["len"])) // ps)
            for j in range(a, b):
                ram[j] = True
        ram[0] = False
        for i in range(npages):
            if kind[i] == "none" and ram[i]:
                kind[i] = owners.KERNEL
        height = (npages + WIDTH - 1) // WIDTH
        rows = []
        for y in range(height):
            row = bytearray()
            for x in range(WIDTH):
                i = y * WIDTH + x
                row += bytes(COLOURS[kind[i] if i < npages else "none"])
            rows.append(row)
        png(argv[0], WIDTH, height, rows)
        counts = {}
        for x in kind:
            counts[x] = counts.get(x, 0) + 1
        print("%s: %dx%d, one pixel per page (phys counts %d pages; %d "
              "named by the walk)" % (argv[0], WIDTH, height, total, named))
        for name in COLOURS:
            if name in counts:
                print("  %-12s %6d  rgb%s" % (name, counts[name],
                                              COLOURS[name]))


def register():
    VmMemmap()
