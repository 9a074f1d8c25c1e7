/*
 * bench_ycache.c - in-guest benchmark of the yielded-block cache (boot
 * with bench=ycache, under -icount shift=0 so rdtsc counts guest
 * instructions and the figures repeat exactly): yield+get of 1, 16 and
 * 256 pages beside a memcpy of the same bytes, eviction cost per page,
 * and the block cache's own level-2 work per 4 KiB block (fs/bcache_l2.c:
 * a put when level 1 evicts a clean block, a take on a level-1 miss that
 * level 2 holds, a take that misses), beside the 4 KiB memcpy above.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/ycache.h>
#include "kspace.h"

#define ROUNDS 64

static void row(const char *op, unsigned pages, unsigned count, uint64_t cycles)
{
	printk("%-28s %6u %8u %14llu\n", op, pages, count,
	       (unsigned long long)(cycles / count));
}

static void bench_yield_get(struct mm_space *s, uint32_t owner, unsigned n)
{
	uint64_t t0, t1;

	mm_populate(s, TVA, n * PAGE_SIZE, true);
	t0 = arch_cycles();
	for (unsigned i = 0; i < ROUNDS; i++) {
		mm_yield_get_block(owner, s, TVA, n, 1, YCACHE_ID_NONE);
		mm_yield_get_block(owner, s, TVA, n, YCACHE_ID_NONE, 1);
	}
	t1 = arch_cycles();
	row("yield+get", n, ROUNDS, t1 - t0);
}

static void bench_memcpy(unsigned n)
{
	paddr_t a = phys_alloc(n, PHYS_ANY, PHYS_KERNEL);
	paddr_t b = phys_alloc(n, PHYS_ANY, PHYS_KERNEL);
	uint64_t t0, t1;

	if (a == PHYS_NONE || b == PHYS_NONE)
		panic("bench: no memory for memcpy buffers");
	t0 = arch_cycles();
	for (unsigned i = 0; i < ROUNDS; i++)
		memcpy(arch_phys_to_virt(a), arch_phys_to_virt(b),
		       n * PAGE_SIZE);
	t1 = arch_cycles();
	row("memcpy (same bytes)", n, ROUNDS, t1 - t0);
	phys_free(a, n, PHYS_KERNEL);
	phys_free(b, n, PHYS_KERNEL);
}

static void bench_eviction(struct mm_space *s, uint32_t owner)
{
	const unsigned nblocks = 256, per = 16;
	uint64_t t0, t1;
	size_t freed;

	for (unsigned id = 0; id < nblocks; id++) {
		mm_populate(s, TVA, per * PAGE_SIZE, true);
		mm_yield_get_block(owner, s, TVA, per, 100 + id,
				   YCACHE_ID_NONE);
	}
	t0 = arch_cycles();
	freed = ycache_reclaim(nblocks * per);
	t1 = arch_cycles();
	row("eviction (per page)", per, (unsigned)freed, t1 - t0);
}

#define L2_BLOCKS 1024

/* What fs/bcache_l2.c does per block: ycache_put of the evicted buffer's
 * page under the device's owner, ycache_take of it on a miss. */
static void bench_l2_blocks(void)
{
	static paddr_t pa[L2_BLOCKS];
	uint32_t owner = ycache_owner_new();
	paddr_t none;
	uint64_t t0, t1;

	for (unsigned i = 0; i < L2_BLOCKS; i++)
		if ((pa[i] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) == PHYS_NONE)
			panic("bench: no memory for level-2 blocks");
	t0 = arch_cycles();
	for (unsigned i = 0; i < L2_BLOCKS; i++)
		if (ycache_put(owner, i, &pa[i], 1, PHYS_KERNEL))
			panic("bench: level-2 put failed");
	t1 = arch_cycles();
	row("bcache l2 put (evict)", 1, L2_BLOCKS, t1 - t0);
	t0 = arch_cycles();
	for (unsigned i = 0; i < L2_BLOCKS; i++)
		if (ycache_take(owner, i, &pa[i], 1, PHYS_KERNEL))
			panic("bench: level-2 take failed");
	t1 = arch_cycles();
	row("bcache l2 take (hit)", 1, L2_BLOCKS, t1 - t0);
	t0 = arch_cycles();
	for (unsigned i = 0; i < L2_BLOCKS; i++)
		if (ycache_take(owner, i, &none, 1, PHYS_KERNEL) != -ESRCH)
			panic("bench: level-2 take of a missing block");
	t1 = arch_cycles();
	row("bcache l2 take (miss)", 1, L2_BLOCKS, t1 - t0);
	for (unsigned i = 0; i < L2_BLOCKS; i++)
		phys_free(pa[i], 1, PHYS_KERNEL);
}

int kbench_run(void)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	static const unsigned sizes[] = {1, 16, 256};

	if (!s || mm_map_anon(s, TVA, 256 * PAGE_SIZE, RW, 0))
		panic("bench: cannot map the test space");
	printk("%-28s %6s %8s %14s\n", "operation", "pages", "count",
	       "cycles/op");
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		bench_yield_get(s, owner, sizes[i]);
		bench_memcpy(sizes[i]);
	}
	bench_eviction(s, owner);
	bench_l2_blocks();
	ycache_forget_all(owner);
	mm_space_destroy(s);
	return 0;
}
