#!/bin/sh
# bench.sh - `make bench`: the host micro-benchmarks of the physical
# allocator and region lookup, then the in-guest benchmarks of the
# yielded-block cache under -icount shift=0 (cycles = guest instructions).
cd "$(dirname "$0")/.."
echo "== host micro-benchmarks (ns per operation)"
build/host-bench
echo
echo "== in-guest benchmarks (-icount shift=0: cycles are guest instructions)"
timeout 300 scripts/qemu.sh kernel build/bench/kernel.elf "bench=ycache" \
	-icount shift=0 | sed -n '/^operation/,$p'
