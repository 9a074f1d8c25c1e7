/*
 * guest_ycache.c - the benchmark program's rows for the yielded-block
 * cache (ours only): yield+get of a range beside a memcpy of the same
 * bytes, and what touching the range afterwards costs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "guest_bench.h"
#include "vmkernel.h"

int have_ycache(void)
{
	struct vm_stats st;

	return sys3(SYS_vm_stats, (long)&st, 0, 0) == 0;
}

/* yield+get rounds of npages: yield the range under id 1 (fresh pages
 * replace it), then get block 1 back into it. Per round. */
static uint64_t bench_yield_get(char *p, uint32_t npages, uint32_t rounds)
{
	uint64_t best = NA;

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < rounds; i++)
			if (vm_yield_get_block(1, VM_BLOCK_NONE, p, npages) ||
			    vm_yield_get_block(VM_BLOCK_NONE, 1, p, npages))
				return NA;
		best = min64(best, per_op(rdtsc() - t0, rounds));
	}
	return best;
}

static uint64_t bench_memcpy(char *a, char *b, uint32_t npages, uint32_t rounds)
{
	uint64_t best = NA;

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < rounds; i++) {
			memcpy(a, b, (size_t)npages * PAGE);
			__asm__ volatile("" ::"r"(a) : "memory");
		}
		best = min64(best, per_op(rdtsc() - t0, rounds));
	}
	return best;
}

void bench_ycache(int ours, int with_memcpy, uint32_t npages)
{
	char name[64];
	uint32_t rounds = npages >= 1024 ? 2 : npages >= 256 ? 4 : 32;
	size_t len = (size_t)npages * PAGE;
	uint64_t yg = NA, cp = NA, tch = NA, tchy = NA;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED && q != MAP_FAILED) {
		touch(p, npages);
		touch(q, npages);
		if (ours) {
			yg = bench_yield_get(p, npages, rounds);
			/* the range after a yield+get: touch each page */
			if (yg != NA) {
				uint64_t c = touch(p, npages);
				c = per_op(c, npages);
				tch = c - min64(c, touch_base);
			}
			/* after a yield alone the range reads as zeros: each
			 * page is a first-touch fault again (demand zero) */
			if (yg != NA && vm_yield_get_block(1, VM_BLOCK_NONE, p,
							   npages) == 0) {
				uint64_t c = per_op(touch(p, npages), npages);

				tchy = c - min64(c, touch_base);
				vm_forget_block(1);
			}
		}
		if (with_memcpy)
			cp = bench_memcpy(p, q, npages, rounds);
	}
	if (p != MAP_FAILED)
		munmap(p, len);
	if (q != MAP_FAILED)
		munmap(q, len);
	snprintf(name, sizeof(name), "yield_get_%u", npages);
	report(name, yg);
	if (with_memcpy) {
		snprintf(name, sizeof(name), "memcpy_%u", npages);
		report(name, cp);
		snprintf(name, sizeof(name), "touch_after_get_%u", npages);
		report(name, tch);
		snprintf(name, sizeof(name), "touch_after_yield_%u", npages);
		report(name, tchy);
	}
}

/*
 * Profiling (scripts/profile-guest.sh): "yieldP" runs n yield+get pairs
 * of P pages (default 1) after one warm-up pair, "ytouchP" yields P
 * pages n times and profiles only the touches of the range after each
 * yield alone (the demand-zero faults). The pages are touched one by one
 * first, as in the benchmark.
 */
int profile_ycache(const char *op, uint32_t n)
{
	int touch_op = strncmp(op, "ytouch", 6) == 0;
	long np = strtol(op + (touch_op ? 6 : 5), NULL, 10);
	size_t len;
	char *p;

	if (np <= 0)
		np = 1;
	len = (size_t)np * PAGE;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return 1;
	touch(p, (uint32_t)np);
	if (vm_yield_get_block(1, VM_BLOCK_NONE, p, (uint32_t)np) ||
	    vm_yield_get_block(VM_BLOCK_NONE, 1, p, (uint32_t)np))
		return 1;
	for (uint32_t i = 0; i < n; i++) {
		if (touch_op) {
			if (vm_yield_get_block(1, VM_BLOCK_NONE, p,
					       (uint32_t)np))
				return 1;
			prof_begin();
			touch(p, (uint32_t)np);
			prof_end();
			vm_forget_block(1);
			continue;
		}
		if (i == 0)
			prof_begin();
		if (vm_yield_get_block(1, VM_BLOCK_NONE, p, (uint32_t)np) ||
		    vm_yield_get_block(VM_BLOCK_NONE, 1, p, (uint32_t)np))
			return 1;
	}
	if (!touch_op)
		prof_end();
	return 0;
}
