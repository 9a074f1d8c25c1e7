/*
 * host.h - what host unit tests add to test.h: a fresh simulated machine
 * per test, expected panics, expected faults and a deterministic PRNG.
 */
#ifndef TESTS_HOST_H
#define TESTS_HOST_H

#include <setjmp.h>
#include <string.h>
#include <kernel/test.h>

/* Simulated physical memory: HOST_MEM_BYTES of arena at physical 0. */
#ifndef HOST_MEM_BYTES
#define HOST_MEM_BYTES (64u << 20)
#endif

/*
 * Reset every mm module (phys_init, slab_init, ycache_init, ...) and hand
 * pages [first_page, first_page + npages) to the physical allocator.
 */
void host_mm_reset(paddr_t first_page, size_t npages);
/* Just the arena and phys, without adding memory. */
void host_mm_reset_empty(void);

/* Counters kept by the host hooks. */
extern unsigned long host_tlb_flushes;
/* copy_to_user_nofault fails after this many more copies (< 0: never). */
extern long host_nofault_fail_after;
/* user_readable_now answers true this many more times (-1: always, as
 * long as host_nofault_fail_after is not 0). */
extern long host_readable_checks;
/* If set, called whenever a slab page turns read-only again (reset per
 * test): lets a test run code in the middle of an index update, at a
 * point where the slab allocator itself is consistent. */
extern void (*host_page_protect_hook)(void);
/* fs_wait on the host (a lock contended): called if set, else a panic;
 * it stands for the other process and must free the lock. fs_wake calls
 * are counted. Both reset per test. */
extern void (*host_fs_wait_hook)(void *chan);
extern unsigned long host_fs_wakes;

/* Expected panics and faults: run stmt; pass if it panics (message
 * containing substr) / faults on a write; fail the test otherwise. */
extern sigjmp_buf *host_expect_jmp;
extern const char *host_last_panic; /* message of the last panic */
extern int host_expect_kind;	    /* 1 = panic, 2 = fault */
extern sigjmp_buf host_test_jmp;    /* armed by the runner per test */
extern int host_in_test;
/* Set by a test that leaves memory allocated on purpose: the runner then
 * skips its leak check (free pages and slab objects as after the reset). */
extern int host_no_leak_check;

#define EXPECT_PANIC(stmt, substr) EXPECT_ABORT_(1, stmt, substr)
#define EXPECT_FAULT(stmt) EXPECT_ABORT_(2, stmt, "")
#define EXPECT_ABORT_(kind, stmt, substr)                                      \
	do {                                                                   \
		sigjmp_buf _jb;                                                \
		host_expect_kind = (kind);                                     \
		if (sigsetjmp(_jb, 1) == 0) {                                  \
			host_expect_jmp = &_jb;                                \
			stmt;                                                  \
			host_expect_jmp = NULL;                                \
			test_fail(__FILE__, __LINE__, "expected %s from %s",   \
				  (kind) == 1 ? "panic" : "fault", #stmt);     \
			return;                                                \
		}                                                              \
		host_expect_jmp = NULL;                                        \
		if ((kind) == 1 && !strstr(host_last_panic, (substr))) {       \
			test_fail(__FILE__, __LINE__, "panic '%s' lacks '%s'", \
				  host_last_panic, (substr));                  \
			return;                                                \
		}                                                              \
	} while (0)

/* xorshift PRNG with explicit state, for reproducible randomized tests. */
static inline uint32_t host_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (uint32_t)(x >> 16);
}

#endif
