#!/usr/bin/env python3
"""profile-tb.py - a flat profile from QEMU's "-d in_asm,exec,nochain" log.

Usage: profile-tb.py LOG KERNEL_ELF USER_ELF N

Each "IN:" block is a translation: its guest instructions are counted and
bound to the host address the next "Trace" line of the same guest pc shows;
each "Trace" line is one run of a block. Runs are counted only between a
run of the user program's prof_begin and one of its prof_end, and summed by
function (nm of the kernel and of the program). A block cut short by an
exception counts whole, so a faulting instruction's block counts twice.
"""
import bisect
import collections
import re
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            addrs.append(int(f[0], 16))
            names.append(f[2])
    return addrs, names


def main():
    log, kelf, uelf, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ka, kn = symbols(kelf)
    ua, un = symbols(uelf)
    begin = ua[un.index("prof_begin")]
    end = ua[un.index("prof_end")]
    trace = re.compile(r"^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
    insn = re.compile(r"^0x([0-9a-f]+):")
    pending = {}  # guest pc -> instructions of its newest translation
    host = {}  # host code address -> instructions
    by_pc = collections.Counter()
    on = False
    cur_pc, cur_n = None, 0
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur_pc, cur_n = None, 0
                continue
            m = insn.match(line)
            if m:
                if cur_pc is None:
                    cur_pc = int(m.group(1), 16)
                cur_n += 1
                continue
            if line.startswith("Trace"):
                if cur_pc is not None:
                    pending[cur_pc] = cur_n
                    cur_pc = None
                m = trace.match(line)
                if not m:
                    continue
                h, pc = m.group(1), int(m.group(2), 16)
                if pc in pending:
                    host[h] = pending.pop(pc)
                if pc == begin:
                    on = True
                elif pc == end:
                    on = False
                if on:
                    by_pc[pc] += host.get(h, 1)
    by_fn = collections.Counter()
    for pc, c in by_pc.items():
        a, nm = (ka, kn) if pc >= 0xC0000000 else (ua, un)
        i = bisect.bisect_right(a, pc) - 1
        name = nm[i] if i >= 0 else "?"
        by_fn[("k " if pc >= 0xC0000000 else "u ") + name] += c
    total = sum(by_fn.values())
    print(f"total {total} instructions, {total / n:.0f} per operation")
    for name, c in by_fn.most_common(60):
        print(f"{c / n:10.0f} {100 * c / total:5.1f}%  {name}")


main()
