# log.py - vm-log: the kernel's recent messages, from printk's ring
# (log_buf and log_end in kernel/printk.c).

import gdb

from . import kernel as k


def log_text():
    buf = k.sym("log_buf", "printk.c")
    end = int(k.sym("log_end", "printk.c"))
    size = buf.type.sizeof
    data = bytes(gdb.selected_inferior().read_memory(buf.address, size))
    if end <= size:
        text = data[:end]
    else:  # the ring wrapped: the oldest byte is at end % size
        text = data[end % size:] + data[:end % size]
    return text.decode("latin-1").replace("\r", ""), end > size


class VmLog(gdb.Command):
    """Print the kernel's recent messages: vm-log [LINES]

Everything printk wrote, as far back as its ring (kernel/printk.c) holds;
with LINES, only the last LINES lines."""

    def __init__(self):
        super().__init__("vm-log", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        text, wrapped = log_text()
        lines = text.split("\n")
        if wrapped:
            lines = lines[1:]  # the first line lost its beginning
        if arg.strip():
            lines = lines[-(int(gdb.parse_and_eval(arg)) + 1):]
        print("\n".join(lines).rstrip("\n"))


def register():
    VmLog()
