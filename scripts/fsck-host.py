#!/usr/bin/env python3
"""fsck-host.py - run a QEMU boot and check its ext2 disks after each test.

    scripts/fsck-host.py IMG... -- COMMAND [ARG...]

Runs COMMAND (a scripts/qemu.sh boot whose guest runner has -F) with its
output copied to our stdout. When the guest prints "@@fsck NAME" (it has
synced and waits), every IMG is checked with `e2fsck -fn` and the answer
is written to the guest's console: "fsck ok", or "fsck bad: IMG: what
e2fsck said first". The images are read while QEMU has them open, which
is safe: the guest synced, QEMU writes a raw image through to the file,
and e2fsck -n never writes. Exits with COMMAND's status.
"""
import os
import re
import subprocess
import sys

MARK = re.compile(rb"@@fsck (\S+)")


def check(img):
    """None if e2fsck -fn finds IMG clean, else a one-line reason."""
    r = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode == 0:
        return None
    lines = [l for l in r.stdout.decode(errors="replace").splitlines()
             if l.strip() and not l.startswith("e2fsck ")
             and not l.startswith("Pass ")]
    first = lines[0] if lines else "exit status %d" % r.returncode
    return "%s: %s" % (os.path.basename(img), first[:160])


def main():
    if "--" not in sys.argv:
        sys.exit("usage: fsck-host.py IMG... -- COMMAND [ARG...]")
    cut = sys.argv.index("--")
    imgs, cmd = sys.argv[1:cut], sys.argv[cut + 1:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = sys.stdout.buffer
    for line in p.stdout:
        out.write(line)
        out.flush()
        if not MARK.search(line):
            continue
        bad = [why for why in map(check, imgs) if why]
        answer = "fsck bad: " + "; ".join(bad) if bad else "fsck ok"
        try:
            p.stdin.write(answer.encode() + b"\n")
            p.stdin.flush()
        except BrokenPipeError:
            break
    sys.exit(p.wait())


if __name__ == "__main__":
    main()
