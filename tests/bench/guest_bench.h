/*
 * guest_bench.h - what the parts of the benchmark program (guest_bench.c,
 * guest_ycache.c) share: the rdtsc clock, raw system calls and the
 * "BENCH name value" report (see guest_bench.c for the method).
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>
#include <sys/syscall.h>

#define PAGE 4096u
#define REPS 5
#define NA (~(uint64_t)0) /* the operation failed: print n/a */

extern uint64_t tsc_cost;   /* rdtsc; rdtsc */
extern uint64_t touch_base; /* touch()'s loop per page, pages mapped */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* A system call through int $0x80 whatever the libc would use. */
static inline long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return r;
}

static inline uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void report(const char *name, uint64_t v);
/* cycles (a loop of n operations) -> per operation, rounded. */
uint64_t per_op(uint64_t cycles, uint64_t n);
/* Write one byte in each of npages pages at p; cycles for it all. */
uint64_t touch(volatile char *p, uint32_t npages);

/* guest_ycache.c: the yielded-block cache's rows (ours only). */
int have_ycache(void);
void bench_ycache(int ours, int with_memcpy, uint32_t npages);
/* "-p yieldP N" / "-p ytouchP N" (scripts/profile-guest.sh): N yield+get
 * pairs of P pages, or the touch of P pages after a yield alone, between
 * prof_begin() and prof_end(); 1 if op is not one of these. */
int profile_ycache(const char *op, uint32_t n);
void prof_begin(void);
void prof_end(void);

#endif
