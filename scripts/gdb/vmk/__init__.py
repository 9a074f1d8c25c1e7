# vmk - GDB helpers for the kernel, loaded by scripts/gdb/vmkernel.py.
