#!/usr/bin/env python3
"""profile-tb.py - a profile from QEMU's "-d in_asm,exec,nochain" log.

Usage: profile-tb.py LOG KERNEL_ELF USER_ELF N

Each "IN:" block is a translation: its guest instructions are counted and
bound to the host address the next "Trace" line of the same guest pc shows;
each "Trace" line is one run of a block. Runs are counted only between a
run of the user program's prof_begin and one of its prof_end, and summed by
function (nm of the kernel and of the program): "self" is the function's
own instructions, "incl" adds those of what it called. Calls are followed
with a shadow stack: a block ending in a call (or int) pushes its return
address, a ret (or iret) to an address on the stack pops down to it (other
rets, exceptions and context switches leave it as it is), so "incl" is an
estimate. A block cut short by an exception counts whole.
"""
import bisect
import os
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
    fn_cache = {}

    def fn(pc):
        if pc not in fn_cache:
            a, nm, pre = (ka, kn, "k ") if pc >= 0xC0000000 else (ua, un, "u ")
            i = bisect.bisect_right(a, pc) - 1
            fn_cache[pc] = pre + (nm[i] if i >= 0 else "?")
        return fn_cache[pc]

    trace = re.compile(r"^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
    insn = re.compile(r"^0x([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(\S+)")
    pending = {}  # guest pc -> (instructions, kind, return address)
    host = {}  # host code address -> the same
    self_c = collections.Counter()
    edges = collections.Counter()
    incl = collections.Counter()
    stack = []  # (return address, function)
    on = False
    cur = None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur = [None, 0, "", 0]
                continue
            if cur is not None:
                m = insn.match(line)
                if m:
                    a = int(m.group(1), 16)
                    if cur[0] is None:
                        cur[0] = a
                    cur[1] += 1
                    cur[2] = m.group(3)
                    cur[3] = a + len(m.group(2).split())
                    continue
            if not line.startswith("Trace"):
                continue
            if cur is not None and cur[0] is not None:
                mn = cur[2]
                kind = ("call" if mn.startswith(("call", "int")) else
                        "ret" if mn.startswith(("ret", "iret")) else "")
                pending[cur[0]] = (cur[1], kind, cur[3])
            cur = None
            m = trace.match(line)
            if not m:
                continue
            h, pc = m.group(1), int(m.group(2), 16)
            if pc in pending:
                host[h] = pending.pop(pc)
            cnt, kind, ret = host.get(h, (1, "", 0))
            if pc == begin:
                on = True
            elif pc == end:
                on = False
            # Arriving at pc: a return to an address on the stack pops.
            for i in range(len(stack) - 1, max(-1, len(stack) - 40), -1):
                if stack[i][0] == pc:
                    del stack[i:]
                    break
            name = fn(pc)
            if on:
                self_c[name] += cnt
                seen = {name}
                incl[name] += cnt
                prev = None
                for _, s in stack + [(0, name)]:
                    if prev is not None and (prev, s) not in seen:
                        seen.add((prev, s))
                        edges[prev, s] += cnt
                    prev = s
                    if s not in seen:
                        seen.add(s)
                        incl[s] += cnt
            if kind == "call":
                stack.append((ret, name))
                if len(stack) > 200:
                    del stack[:100]
    total = sum(self_c.values())
    print(f"total {total} instructions, {total / n:.0f} per operation")
    print("      self        incl  function (per operation)")
    for name, c in incl.most_common(90):
        print(f"{self_c[name] / n:10.0f} {c / n:11.0f}  {name}")
    # FOCUS="k fn1,k fn2": who calls them, and what they call.
    for foc in filter(None, os.environ.get("FOCUS", "").split(",")):
        print(f"== {foc}")
        for (a, b), c in edges.most_common():
            if b == foc:
                print(f"   caller {c / n:10.0f}  {a}")
        for (a, b), c in edges.most_common():
            if a == foc and c / n >= 50:
                print(f"   callee {c / n:10.0f}  {b}")


main()
