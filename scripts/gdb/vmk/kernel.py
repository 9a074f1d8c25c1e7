# kernel.py - reading the kernel's structures through GDB: symbols by name,
# constants from the debug enums (mm/debug_consts.c, kernel/debug_consts.c),
# field offsets from the types, physical memory through the direct mapping.
# Nothing here knows a structure's layout; change a struct and the helpers
# follow. Every walk is bounded, so a corrupt pointer cannot hang GDB.

import gdb

WALK_LIMIT = 1 << 20  # most nodes any walk visits


def sym(name, file=None):
    """The value of a global or file-static variable (of file, if given:
    several files may have a static of the same name)."""
    for s in gdb.lookup_static_symbols(name):
        if file is None or (s.symtab and s.symtab.filename.endswith(file)):
            return s.value()
    s = gdb.lookup_global_symbol(name)
    if s is not None:
        return s.value()
    raise gdb.GdbError("no symbol %s%s in the kernel (is build/kernel.elf "
                       "loaded?)" % (name, " in " + file if file else ""))


_consts = {}


def const(name):
    """A macro exported as an enumerator DEBUG_<name> (debug_consts.c)."""
    if name not in _consts:
        try:
            _consts[name] = int(gdb.parse_and_eval("(long long)DEBUG_" + name))
        except gdb.error:
            raise gdb.GdbError("DEBUG_%s is not in the debug information "
                               "(mm/debug_consts.c)" % name)
    return _consts[name]


def clear_cache():
    _consts.clear()


def page_size():
    return const("PAGE_SIZE")


def offset_of(typename, field):
    for f in gdb.lookup_type(typename).fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError("%s has no field %s" % (typename, field))


def container_of(ptr, typename, field):
    """The struct typename * whose member field is at ptr."""
    t = gdb.lookup_type(typename)
    addr = int(ptr) - offset_of(typename, field)
    return gdb.Value(addr).cast(t.pointer())


def avl_nodes(tree):
    """In-order walk of a struct avl_tree (value or pointer)."""
    stack = []
    n = tree["root"]
    seen = 0
    while stack or int(n):
        while int(n):
            stack.append(n)
            n = n["left"]
            if len(stack) > 64:
                raise gdb.GdbError("AVL tree deeper than 64: corrupt?")
        n = stack.pop()
        yield n
        seen += 1
        if seen > WALK_LIMIT:
            raise gdb.GdbError("AVL tree with more than %d nodes: corrupt?"
                               % WALK_LIMIT)
        n = n["right"]


def avl_entries(tree, typename, field="node"):
    for n in avl_nodes(tree):
        yield container_of(n, typename, field)


def list_walk(head, next_field="next"):
    """A NULL-terminated singly linked list from pointer head."""
    n = head
    seen = 0
    while int(n):
        yield n
        seen += 1
        if seen > WALK_LIMIT:
            raise gdb.GdbError("list longer than %d: corrupt?" % WALK_LIMIT)
        n = n[next_field]


def cstring(arr):
    """A char array field as a Python string (up to the first NUL)."""
    n = arr.type.sizeof
    data = bytes(gdb.selected_inferior().read_memory(arr.address, n))
    return data.split(b"\0", 1)[0].decode("latin-1")


def enum_name(v, prefix=""):
    s = str(v)
    return s[len(prefix):] if s.startswith(prefix) else s


# ---- physical memory --------------------------------------------------

def kernel_base():
    return const("KERNEL_BASE")


def direct_limit():
    """End of the physical memory reached through the direct mapping."""
    return int(sym("direct_limit", "paging.c"))


def phys_to_virt(pa):
    if pa >= direct_limit():
        raise gdb.GdbError("physical %#x is above the direct mapping (%#x)"
                           % (pa, direct_limit()))
    return kernel_base() + pa


def virt_to_phys(va):
    """For direct-mapping addresses only (process structures, page tables)."""
    return int(va) - kernel_base()


def read_phys(pa, n):
    return bytes(gdb.selected_inferior().read_memory(phys_to_virt(pa), n))


def read_u32s(pa, count):
    import struct
    return struct.unpack("<%dI" % count, read_phys(pa, 4 * count))


# ---- processes and spaces ---------------------------------------------

def procs():
    """Every allocated struct proc *, in slot order."""
    table = sym("procs")
    lo, hi = table.type.range()
    for i in range(lo, hi + 1):
        p = table[i]
        if int(p):
            yield p


def current():
    p = sym("current")
    return p if int(p) else None


def proc_by_pid(pid):
    for p in procs():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError("no process with pid %d" % pid)


def proc_state(p):
    """The state's name, or "stopped" for job control's stop (a flag
    beside the state: kernel/jobctl.c)."""
    if bool(p["stopped"]) and enum_name(p["state"], "PROC_") != "ZOMBIE":
        return "stopped"
    return enum_name(p["state"], "PROC_").lower()


def proc_label(p):
    return "pid %d (%s)" % (int(p["pid"]), cstring(p["name"]))


def spaces():
    """Every live struct mm_space *, as the sanity walk sees them."""
    return list_walk(sym("spaces", "space.c"), "next_space")


def space_owner(space):
    """The process whose space this is, or None."""
    for p in procs():
        if int(p["space"]) == int(space):
            return p
    return None


def regions(space):
    return avl_entries(space["regions"], "struct region")


def entries(region):
    return avl_entries(region["entries"], "struct region_entry")


def region_entry_pages(region):
    return sum(int(e["block"]["npages"]) for e in entries(region))


def region_is_shared(region):
    return bool(int(region["ops"]["flags"]) & const("REGION_OPS_SHARED"))


def region_backend(region):
    return region["ops"]["name"].string()


def prot_str(prot):
    prot = int(prot)
    return "".join(c if prot & const(b) else "-" for c, b in
                   (("r", "PROT_READ"), ("w", "PROT_WRITE"), ("x", "PROT_EXEC")))


# ---- page tables --------------------------------------------------------

def pgdir_of(p):
    """Physical page directory of process p (the kernel's without a space)."""
    if p is not None and int(p["space"]):
        return int(p["space"]["pgdir"])
    return int(sym("kernel_dir", "pagetable.c"))


def pte_flags_str(e):
    names = (("P", "PTE_P"), ("W", "PTE_W"), ("U", "PTE_U"), ("PWT", "PTE_PWT"),
             ("PCD", "PTE_PCD"), ("A", "PTE_A"), ("D", "PTE_D"),
             ("PS", "PTE_PS"), ("G", "PTE_G"))
    return " ".join(n for n, c in names if e & const(c)) or "-"


def pt_walk(pgdir, va):
    """(pde, pte or None, physical address or None) for va under pgdir."""
    pde = read_u32s(pgdir + 4 * (va >> 22), 1)[0]
    if not pde & const("PTE_P"):
        return pde, None, None
    if pde & const("PTE_PS"):
        return pde, None, (pde & 0xFFC00000) + (va & 0x3FFFFF)
    pte = read_u32s((pde & ~0xFFF) + 4 * ((va >> 12) & 0x3FF), 1)[0]
    if not pte & const("PTE_P"):
        return pde, pte, None
    return pde, pte, (pte & ~0xFFF) + (va & 0xFFF)


def present_ptes(pgdir, start, end):
    """Number of present 4 KiB mappings in [start, end) (user half)."""
    ps = page_size()
    n = 0
    va = start
    while va < end:
        pde = read_u32s(pgdir + 4 * (va >> 22), 1)[0]
        table_end = min(end, ((va >> 22) + 1) << 22)
        if pde & const("PTE_P") and not pde & const("PTE_PS"):
            first = (va >> 12) & 0x3FF
            count = (table_end - va + ps - 1) // ps
            ptes = read_u32s((pde & ~0xFFF) + 4 * first, count)
            n += sum(1 for e in ptes if e & const("PTE_P"))
        va = table_end
    return n
