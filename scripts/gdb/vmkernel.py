# vmkernel.py - GDB helpers for the kernel's memory manager. Load with
#   source scripts/gdb/vmkernel.py
# (.gdbinit and `make debug` do). Each helper reads the kernel's own
# structures by type and symbol, so it follows the code when it changes:
#
#   vm-ps              processes, their spaces, pages and cached blocks
#   vm-regions [PID]   a process's regions (default: the current one)
#   vm-pte ADDR [PID]  the page-table walk for one address, and the owner
#                      of the physical page
#   vm-phys            free ranges and page counters
#   vm-slab            slab size classes: pages, objects
#   vm-cache           the yielded-block cache in LRU order, its counters
#   vm-log [LINES]     the kernel's recent messages (printk's ring)
#   vm-sanity [-f]     run mm_sanity_check() in the stopped kernel
#   vm-memmap FILE     a PNG of physical memory, one pixel per page
#
# `help vm-ps` etc. say more. Sourcing again reloads the modules.

import importlib
import os
import sys

import gdb

_dir = os.path.dirname(os.path.abspath(__file__))
if _dir not in sys.path:
    sys.path.insert(0, _dir)

import vmk.kernel
import vmk.owners
import vmk.procs
import vmk.pte
import vmk.mem
import vmk.log
import vmk.sanity
import vmk.memmap

for _m in (vmk.kernel, vmk.owners, vmk.procs, vmk.pte, vmk.mem, vmk.log,
           vmk.sanity, vmk.memmap):
    importlib.reload(_m)
    if hasattr(_m, "register"):
        _m.register()


def _new_objfile(event):
    vmk.kernel.clear_cache()


if not getattr(vmk, "connected", False):
    gdb.events.new_objfile.connect(_new_objfile)
    vmk.connected = True
