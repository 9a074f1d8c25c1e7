/*
 * test_region.c - host tests for address spaces and regions (mm/region*.c):
 * randomized map / unmap / protect / write / read / populate / fork /
 * take+give / destroy sequences on up to three spaces against a per-page
 * model of contents and protections, checked with mm_sanity_check() (page
 * ownership, block reference counts, PTEs), plus targeted tests of
 * argument checks, mm_find_free, block splitting, shared and direct
 * regions, protection of copy-on-write pages and fork out of memory.
 * The take/give tests are in test_region_take.c.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"
#include "space.h"

#define NSP 3
#define WPAGES 64
#define WBASE 0x40000000u
#define NCELLS 512
#define VA(p) (WBASE + (vaddr_t)(p)*PAGE_SIZE)

/* Model: each mapped page points at a cell (its expected contents). */
struct mpage {
	int16_t cell; /* -1: unmapped */
	uint8_t prot;
	bool shared;
};

static struct mpage mp[NSP][WPAGES];
static struct mm_space *sp[NSP];
static uint8_t cells[NCELLS][PAGE_SIZE];
static int cell_refs[NCELLS];
static uint8_t buf[3 * PAGE_SIZE], buf2[3 * PAGE_SIZE];
static uint8_t taken[8][PAGE_SIZE];

static int cell_new(void)
{
	for (int c = 0; c < NCELLS; c++) {
		if (cell_refs[c] == 0) {
			cell_refs[c] = 1;
			memset(cells[c], 0, PAGE_SIZE);
			return c;
		}
	}
	return -1;
}

static void page_unmap(int s, int p)
{
	if (mp[s][p].cell >= 0)
		cell_refs[mp[s][p].cell]--;
	mp[s][p].cell = -1;
}

static bool readable(const struct mpage *m)
{
	return m->cell >= 0 && m->prot != PROT_NONE;
}

static bool writable(const struct mpage *m)
{
	return m->cell >= 0 && (m->prot & PROT_WRITE);
}

static bool all_mapped(int s, int p, int n)
{
	for (int i = p; i < p + n; i++)
		if (mp[s][i].cell < 0)
			return false;
	return true;
}

static bool any_mapped(int s, int p, int n)
{
	for (int i = p; i < p + n; i++)
		if (mp[s][i].cell >= 0)
			return true;
	return false;
}

/* Anonymous and writable: what take and give accept. */
static bool all_anon_rw(int s, int p, int n)
{
	for (int i = p; i < p + n; i++)
		if (!writable(&mp[s][i]) || mp[s][i].shared)
			return false;
	return true;
}

static unsigned random_prot(uint64_t *rng)
{
	static const unsigned prots[] = {PROT_NONE, PROT_READ,
					 PROT_READ | PROT_WRITE, PROT_WRITE,
					 PROT_READ | PROT_WRITE | PROT_EXEC};

	return prots[host_rand(rng) % ARRAY_SIZE(prots)];
}

static int random_live(uint64_t *rng)
{
	int s = host_rand(rng) % NSP;

	for (int i = 0; i < NSP; i++, s = (s + 1) % NSP)
		if (sp[s])
			return s;
	return -1;
}

/* A random page range [*p, *p + *n) of the window, up to max pages. */
static void random_range(uint64_t *rng, int max, int *p, int *n)
{
	*p = host_rand(rng) % WPAGES;
	*n = 1 + host_rand(rng) % MIN(max, WPAGES - *p);
}

static bool op_map(uint64_t *rng, int s, bool shared)
{
	int p, n, rc;
	unsigned prot = random_prot(rng);
	bool busy;

	random_range(rng, 12, &p, &n);
	busy = any_mapped(s, p, n);
	rc = shared ? mm_map_shared(sp[s], VA(p), n * PAGE_SIZE, prot, 0)
		    : mm_map_anon(sp[s], VA(p), n * PAGE_SIZE, prot, 0);
	if (rc != (busy ? -EEXIST : 0))
		return false;
	for (int i = p; !busy && i < p + n; i++)
		mp[s][i] = (struct mpage){cell_new(), (uint8_t)prot, shared};
	return true;
}

static bool op_unmap(uint64_t *rng, int s)
{
	int p, n;

	random_range(rng, 16, &p, &n);
	if (mm_unmap(sp[s], VA(p), n * PAGE_SIZE))
		return false;
	for (int i = p; i < p + n; i++)
		page_unmap(s, i);
	return true;
}

static bool op_protect(uint64_t *rng, int s)
{
	int p, n;
	unsigned prot = random_prot(rng);
	bool covered;

	random_range(rng, 16, &p, &n);
	covered = all_mapped(s, p, n);
	if (mm_protect(sp[s], VA(p), n * PAGE_SIZE, prot) !=
	    (covered ? 0 : -ENOMEM))
		return false;
	for (int i = p; covered && i < p + n; i++)
		mp[s][i].prot = prot;
	return true;
}

/* Write random bytes; pages up to the first unwritable one change. */
static bool op_write(uint64_t *rng, int s)
{
	vaddr_t off = host_rand(rng) % (WPAGES * PAGE_SIZE);
	size_t len = 1 + host_rand(rng) % (2 * PAGE_SIZE);
	int expect = 0;

	len = MIN(len, WPAGES * PAGE_SIZE - off);
	for (size_t i = 0; i < len; i++)
		buf[i] = host_rand(rng);
	for (vaddr_t o = off; o < off + len;) {
		struct mpage *m = &mp[s][o / PAGE_SIZE];
		size_t chunk = MIN(off + len - o, PAGE_SIZE - o % PAGE_SIZE);

		if (!writable(m)) {
			expect = -EFAULT;
			break;
		}
		memcpy(cells[m->cell] + o % PAGE_SIZE, buf + (o - off), chunk);
		o += chunk;
	}
	return mm_space_write(sp[s], WBASE + off, buf, len) == expect;
}

static bool op_read(uint64_t *rng, int s)
{
	vaddr_t off = host_rand(rng) % (WPAGES * PAGE_SIZE);
	size_t len = 1 + host_rand(rng) % (2 * PAGE_SIZE), done = 0;
	int expect = 0, rc;

	len = MIN(len, WPAGES * PAGE_SIZE - off);
	for (vaddr_t o = off; o < off + len; o = (o & PAGE_MASK) + PAGE_SIZE)
		if (!readable(&mp[s][o / PAGE_SIZE])) {
			expect = -EFAULT;
			done = o - off;
			break;
		}
	rc = mm_space_read(sp[s], WBASE + off, buf, len);
	if (rc != expect)
		return false;
	if (!expect)
		done = len;
	for (size_t i = 0; i < done; i++) {
		vaddr_t o = off + i;

		if (buf[i] != cells[mp[s][o / PAGE_SIZE].cell][o % PAGE_SIZE])
			return false;
	}
	return true;
}

static bool op_populate(uint64_t *rng, int s)
{
	int p, n, expect = 0;
	bool write = host_rand(rng) & 1;

	random_range(rng, 16, &p, &n);
	for (int i = p; i < p + n; i++)
		if (write ? !writable(&mp[s][i]) : !readable(&mp[s][i]))
			expect = -EFAULT;
	return mm_populate(sp[s], VA(p), n * PAGE_SIZE, write) == expect;
}

static bool op_fork(int s, int c)
{
	sp[c] = mm_space_fork(sp[s]);
	if (!sp[c])
		return false;
	for (int i = 0; i < WPAGES; i++) {
		mp[c][i] = mp[s][i];
		if (mp[s][i].cell < 0)
			continue;
		if (mp[s][i].shared) {
			cell_refs[mp[s][i].cell]++;
		} else {
			mp[c][i].cell = cell_new();
			memcpy(cells[mp[c][i].cell], cells[mp[s][i].cell],
			       PAGE_SIZE);
		}
	}
	return true;
}

static void op_destroy(int s)
{
	mm_space_destroy(sp[s]);
	sp[s] = NULL;
	for (int i = 0; i < WPAGES; i++)
		page_unmap(s, i);
}

/* Take pages from one space and give them to another (or back). */
static bool op_take_give(uint64_t *rng, int a, int b)
{
	paddr_t pages[8];
	int p, n, q, rc;
	bool ok_a, ok_b;

	random_range(rng, 8, &p, &n);
	ok_a = all_anon_rw(a, p, n);
	if (ok_a && mm_populate(sp[a], VA(p), n * PAGE_SIZE, false))
		return false;
	rc = region_take_pages(sp[a], VA(p), n, pages);
	if (rc != (ok_a ? 0 : -EFAULT))
		return false;
	if (!ok_a)
		return true;
	for (int i = 0; i < n; i++) {
		uint8_t *c = cells[mp[a][p + i].cell];

		/* Zero copy: the page taken holds the data. */
		if (memcmp(arch_phys_to_virt(pages[i]), c, PAGE_SIZE))
			return false;
		memcpy(taken[i], c, PAGE_SIZE);
		memset(c, 0, PAGE_SIZE);
	}
	q = host_rand(rng) % (WPAGES - n + 1);
	if (host_rand(rng) & 1) {
		b = a; /* back where they came from: always allowed */
		q = p;
	}
	ok_b = all_anon_rw(b, q, n);
	rc = region_give_pages(sp[b], VA(q), n, pages);
	if (rc != (ok_b ? 0 : -EFAULT))
		return false;
	for (int i = 0; i < n; i++) {
		paddr_t pa;

		if (!ok_b) {
			phys_free(pages[i], 1, PHYS_USER);
			continue;
		}
		memcpy(cells[mp[b][q + i].cell], taken[i], PAGE_SIZE);
		if (!pt_lookup(sp[b]->pgdir, VA(q + i), &pa, NULL) ||
		    pa != pages[i])
			return false;
	}
	return true;
}

/* Every page of every space agrees with the model. */
static bool check_all(void)
{
	for (int s = 0; s < NSP; s++) {
		for (int i = 0; sp[s] && i < WPAGES; i++) {
			struct mpage *m = &mp[s][i];
			struct region *r = mm_find_region(sp[s], VA(i));
			int rc = mm_space_read(sp[s], VA(i), buf2, PAGE_SIZE);

			if ((r != NULL) != (m->cell >= 0))
				return false;
			if (r && r->prot != m->prot)
				return false;
			if (rc != (readable(m) ? 0 : -EFAULT))
				return false;
			if (!rc && memcmp(buf2, cells[m->cell], PAGE_SIZE))
				return false;
		}
	}
	mm_sanity_check();
	return true;
}

static bool random_step(uint64_t *rng)
{
	int s = random_live(rng), c = host_rand(rng) % NSP;
	unsigned op = host_rand(rng) % 100;

	if (s < 0 || (op < 3 && !sp[c])) {
		sp[c] = mm_space_new();
		return sp[c] != NULL;
	}
	if (op < 5)
		return sp[c] || op_fork(s, c);
	if (op < 7) {
		op_destroy(s);
		return true;
	}
	if (op < 25)
		return op_map(rng, s, op < 12);
	if (op < 35)
		return op_unmap(rng, s);
	if (op < 45)
		return op_protect(rng, s);
	if (op < 70)
		return op_write(rng, s);
	if (op < 80)
		return op_read(rng, s);
	if (op < 88)
		return op_populate(rng, s);
	return op_take_give(rng, s, sp[c] ? c : s);
}

static void user_stats(size_t *user, size_t *kernel_minus_slab)
{
	struct phys_stats st;
	struct slab_stats ss;

	phys_get_stats(&st);
	slab_get_stats(&ss);
	*user = st.user;
	*kernel_minus_slab = st.kernel - ss.pages;
}

static void run_random(uint64_t seed, int nops)
{
	uint64_t rng = seed;
	size_t user0, kern0, user1, kern1;

	memset(mp, 0xff, sizeof(mp));
	memset(cell_refs, 0, sizeof(cell_refs));
	memset(sp, 0, sizeof(sp));
	user_stats(&user0, &kern0);
	for (int n = 0; n < nops; n++) {
		if (!random_step(&rng)) {
			test_fail(__FILE__, __LINE__, "op %d disagrees", n);
			return;
		}
		if (n % 100 == 99)
			CHECK(check_all());
	}
	CHECK(check_all());
	for (int s = 0; s < NSP; s++)
		if (sp[s])
			op_destroy(s);
	mm_sanity_check();
	user_stats(&user1, &kern1);
	CHECK_EQ(user1, user0);
	CHECK_EQ(kern1, kern0);
	for (int c = 0; c < NCELLS; c++)
		CHECK_EQ(cell_refs[c], 0);
}

TEST(region_random_seed1)
{
	run_random(1, 10000);
}

TEST(region_random_seed2)
{
	run_random(0xDEADBEEF12345ull, 10000);
}

TEST(region_random_seed3)
{
	run_random(777, 10000);
}

TEST(region_random_seed4)
{
	run_random(0x5151515151ull, 10000);
}

/* ---- targeted tests ---- */

TEST(region_bad_args)
{
	struct mm_space *s = mm_space_new();
	const unsigned rw = PROT_READ | PROT_WRITE;

	CHECK_EQ(mm_map_anon(s, 0x10000100u, PAGE_SIZE, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, 0, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, 100, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0, PAGE_SIZE, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, USER_TOP, PAGE_SIZE, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, rw, 0),
		 -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0xFFFFF000u, 0x2000, rw, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, PAGE_SIZE, 0x80, 0), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, PAGE_SIZE, rw, 0x40), -EINVAL);
	CHECK_EQ(mm_map_anon(s, USER_TOP - PAGE_SIZE, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, 4 * PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x10003000u, PAGE_SIZE, rw, 0), -EEXIST);
	CHECK_EQ(mm_map_shared(s, 0x0FFFF000u, 2 * PAGE_SIZE, rw, 0), -EEXIST);
	CHECK_EQ(mm_map_direct(s, 0x0FFFF000u, 2 * PAGE_SIZE, 0x1000, rw),
		 -EEXIST);
	CHECK_EQ(mm_map_direct(s, 0x20000000u, PAGE_SIZE, 0x1001, rw), -EINVAL);
	CHECK_EQ(mm_map_anon(s, 0x0FFFF000u, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_unmap(s, 0x10000001u, PAGE_SIZE), -EINVAL);
	CHECK_EQ(mm_protect(s, 0x10000000u, 0, PROT_READ), -EINVAL);
	CHECK_EQ(mm_protect(s, 0x10003000u, 2 * PAGE_SIZE, PROT_READ), -ENOMEM);
	CHECK_EQ(mm_find_region(s, 0x10003000u)->prot, rw); /* unchanged */
	CHECK_EQ(mm_map_stack(s, 0x30000000u, PAGE_SIZE, rw, 0x30001000u),
		 -EINVAL);
	CHECK_EQ(mm_space_write(s, USER_TOP - 4, buf, 8), -EFAULT);
	CHECK_EQ(mm_space_read(s, 0xFFFFFFF0u, buf, 32), -EFAULT);
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(region_find_free)
{
	struct mm_space *s = mm_space_new();
	const unsigned rw = PROT_READ | PROT_WRITE;

	CHECK_EQ(mm_find_free(s, 0, PAGE_SIZE), 0x10000000u);
	CHECK_EQ(mm_find_free(s, 1, PAGE_SIZE), PAGE_SIZE); /* never page 0 */
	CHECK_EQ(mm_find_free(s, 0x5001, PAGE_SIZE), 0x6000);
	CHECK_EQ(mm_map_anon(s, 0x10000000u, 2 * PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x10003000u, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_find_free(s, 0, PAGE_SIZE), 0x10002000u);
	CHECK_EQ(mm_find_free(s, 0, 2 * PAGE_SIZE), 0x10004000u);
	CHECK_EQ(mm_find_free(s, 0x10001000u, PAGE_SIZE), 0x10002000u);
	CHECK_EQ(mm_find_free(s, 0x0FFFF000u, 2 * PAGE_SIZE), 0x10004000u);
	CHECK_EQ(mm_find_free(s, 0x0FFFF000u, PAGE_SIZE), 0x0FFFF000u);
	/* A stack's growth room counts as taken. */
	CHECK_EQ(mm_map_stack(s, 0x10010000u, PAGE_SIZE, rw, 0x10008000u), 0);
	CHECK_EQ(mm_find_free(s, 0x10004000u, 0x5000), 0x10011000u);
	CHECK_EQ(mm_find_free(s, 0x10004000u, 0x4000), 0x10004000u);
	/* The end of user space. */
	CHECK_EQ(mm_find_free(s, USER_TOP - PAGE_SIZE, PAGE_SIZE),
		 USER_TOP - PAGE_SIZE);
	CHECK_EQ(mm_find_free(s, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE), 0);
	CHECK_EQ(mm_find_free(s, 0, 0), 0);
	CHECK_EQ(mm_map_anon(s, PAGE_SIZE, USER_TOP - PAGE_SIZE, 0, 0),
		 -EEXIST);
	mm_space_destroy(s);
}

/* A 16-page shared block, shared with a fork child, is cut by unmap. */
TEST(region_unmap_splits_shared_block)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;
	size_t user0 = user_pages();
	struct region *r;

	CHECK_EQ(
	    mm_map_shared(a, va, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0), 0);
	CHECK_EQ(mm_find_region(a, va)->entries.count, 1); /* one block */
	CHECK_EQ(fill(a, va, 16, 10), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(pte_pa(b, va + 5 * PAGE_SIZE), pte_pa(a, va + 5 * PAGE_SIZE));
	CHECK(pte_flags(b, va) & PTE_W); /* shared stays writable */
	CHECK_EQ(mm_unmap(a, va + 4 * PAGE_SIZE, 3 * PAGE_SIZE), 0);
	mm_sanity_check();
	CHECK(holds(a, va, 4, 10));
	CHECK(holds(a, va + 7 * PAGE_SIZE, 9, 17));
	CHECK(holds(b, va, 16, 10));
	/* The child's entry was split too: 3 blocks now. */
	r = mm_find_region(b, va);
	CHECK_EQ(r->entries.count, 3);
	CHECK_EQ(user_pages() - user0, 16);
	/* Writes still reach both sides. */
	CHECK_EQ(fill(b, va + 8 * PAGE_SIZE, 1, 99), 0);
	CHECK(holds(a, va + 8 * PAGE_SIZE, 1, 99));
	mm_space_destroy(b);
	CHECK_EQ(user_pages() - user0, 13); /* the 3 unmapped pages went */
	mm_sanity_check();
	mm_space_destroy(a);
	CHECK_EQ(user_pages(), user0);
}

TEST(region_remap_shared)
{
	struct mm_space *a = mm_space_new(), *b = mm_space_new();
	const unsigned rw = PROT_READ | PROT_WRITE;
	size_t user0 = user_pages();

	CHECK_EQ(mm_map_shared(a, 0x20000000u, 4 * PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(a, 0x30000000u, 4 * PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_remap(b, 0x50000000u, a, 0x30000000u, 4 * PAGE_SIZE),
		 -EINVAL); /* not shared */
	CHECK_EQ(mm_remap(b, 0x50000000u, a, 0x20001000u, 3 * PAGE_SIZE),
		 -EINVAL); /* not the whole region */
	CHECK_EQ(mm_remap(b, 0x50000000u, a, 0x20000000u, 4 * PAGE_SIZE), 0);
	CHECK_EQ(mm_remap(b, 0x50002000u, a, 0x20000000u, 4 * PAGE_SIZE),
		 -EEXIST);
	CHECK_EQ(fill(b, 0x50000000u, 4, 7), 0);
	CHECK(holds(a, 0x20000000u, 4, 7));
	CHECK_EQ(fill(a, 0x20002000u, 1, 55), 0);
	CHECK(holds(b, 0x50002000u, 1, 55));
	mm_sanity_check();
	CHECK_EQ(mm_unmap(a, 0x20000000u, 4 * PAGE_SIZE), 0);
	CHECK_EQ(user_pages(), user0 + 4); /* b still uses them */
	CHECK(holds(b, 0x50002000u, 1, 55));
	mm_space_destroy(b);
	CHECK_EQ(user_pages(), user0);
	mm_sanity_check();
	mm_space_destroy(a);
}

TEST(region_direct)
{
	size_t user0, kern0, user1, kern1;
	struct mm_space *a, *b;
	const vaddr_t va = 0x60000000u;
	uint8_t *phys = arch_phys_to_virt(0x1000); /* not allocator memory */

	memset(phys, 0x3c, 4 * PAGE_SIZE);
	user_stats(&user0, &kern0);
	a = mm_space_new();
	CHECK_EQ(
	    mm_map_direct(a, va, 4 * PAGE_SIZE, 0x1000, PROT_READ | PROT_WRITE),
	    0);
	CHECK_EQ(pte_pa(a, va + 2 * PAGE_SIZE), 0x3000);
	CHECK_EQ(mm_space_write(a, va + PAGE_SIZE + 10, "hi", 2), 0);
	CHECK_EQ(phys[PAGE_SIZE + 10], 'h');
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(pte_pa(b, va + 3 * PAGE_SIZE), 0x4000);
	/* Cut the region: the upper part keeps its physical offset. */
	CHECK_EQ(mm_unmap(b, va + PAGE_SIZE, PAGE_SIZE), 0);
	CHECK_EQ(mm_protect(b, va + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(pte_pa(b, va + 3 * PAGE_SIZE), 0x4000);
	CHECK_EQ(pte_flags(b, va + 3 * PAGE_SIZE) & PTE_W, 0);
	CHECK_EQ(mm_space_write(b, va + 3 * PAGE_SIZE, "x", 1), -EFAULT);
	CHECK_EQ(mm_protect(b, va + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	CHECK(!pt_lookup(b->pgdir, va + 2 * PAGE_SIZE, NULL, NULL));
	CHECK_EQ(mm_space_read(b, va + 2 * PAGE_SIZE, buf, 1), -EFAULT);
	CHECK_EQ(mm_protect(b, va + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(mm_space_read(b, va + 2 * PAGE_SIZE, buf, 1), 0);
	CHECK_EQ(buf[0], 0x3c);
	CHECK_EQ(region_take_pages(b, va, 1, NULL), -EFAULT);
	mm_sanity_check();
	mm_space_destroy(a);
	mm_space_destroy(b);
	user_stats(&user1, &kern1);
	CHECK_EQ(user1, user0); /* no data pages were ever allocated */
	CHECK_EQ(kern1, kern0);
	CHECK_EQ(phys[PAGE_SIZE + 10], 'h');
}

/*
 * The direct backend's sanity check: its PTEs must map exactly the
 * physical range while access is allowed, and nothing under PROT_NONE.
 * Each PTE is broken behind mm's back, seen by the checker, and repaired.
 */
TEST(region_direct_sanity_checks_ptes)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x60000000u;
	const unsigned rw = PROT_READ | PROT_WRITE;

	CHECK_EQ(mm_map_direct(s, va, 2 * PAGE_SIZE, 0x1000, rw), 0);
	mm_sanity_check();
	pt_map(s->pgdir, va + PAGE_SIZE, 0x5000,
	       PTE_U | PTE_W); /* wrong page */
	EXPECT_PANIC(mm_sanity_check(), "direct region: bad pte");
	pt_map(s->pgdir, va + PAGE_SIZE, 0x2000, PTE_U); /* read-only */
	EXPECT_PANIC(mm_sanity_check(), "direct region: bad pte");
	pt_unmap(s->pgdir, va + PAGE_SIZE); /* missing */
	EXPECT_PANIC(mm_sanity_check(), "direct region: bad pte");
	pt_map(s->pgdir, va + PAGE_SIZE, 0x2000, PTE_U | PTE_W);
	mm_sanity_check();
	CHECK_EQ(mm_protect(s, va, 2 * PAGE_SIZE, PROT_NONE), 0);
	mm_sanity_check();
	pt_map(s->pgdir, va, 0x1000, PTE_U); /* present under PROT_NONE */
	EXPECT_PANIC(mm_sanity_check(), "direct region: bad pte");
	pt_unmap(s->pgdir, va);
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(region_protect_keeps_cow_readonly)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;

	CHECK_EQ(mm_map_anon(a, va, 2 * PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_populate(a, va, 2 * PAGE_SIZE, false), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(mm_protect(b, va, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ(pte_flags(b, va) & PTE_W, 0); /* still shared */
	CHECK_EQ(fill(b, va, 1, 1), 0);	       /* COW fault */
	CHECK(pte_flags(b, va) & PTE_W);
	CHECK(holds(a, va, 1, 0));
	CHECK(pte_pa(a, va) != pte_pa(b, va));
	mm_sanity_check();
	mm_space_destroy(a);
	/* b's second page was shared: now private, writable at once. */
	CHECK(pte_flags(b, va + PAGE_SIZE) & PTE_W);
	mm_sanity_check();
	mm_space_destroy(b);
}

/* Fork with too little memory at every possible point: NULL, and the
 * parent is as before. */
TEST(region_fork_enomem)
{
	static paddr_t hog[16384];
	struct mm_space *a = mm_space_new(), *b = NULL;
	const vaddr_t va = 0x20000000u;
	size_t n = 0, limit;

	CHECK_EQ(mm_map_anon(a, va, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0),
		 0);
	CHECK_EQ(mm_map_shared(a, 0x30000000u, 2 * PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_map_anon(a, 0x70000000u, 4 * PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(fill(a, va, 8, 40), 0);
	CHECK_EQ(mm_populate(a, 0x70000000u, 4 * PAGE_SIZE, false), 0);
	while ((hog[n] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE)
		n++;
	for (limit = 0; limit < n && !b; limit++) {
		if (limit)
			phys_free(hog[n - limit], 1, PHYS_KERNEL);
		b = mm_space_fork(a);
		if (!b) {
			CHECK(holds(a, va, 8, 40));
			CHECK(pte_flags(a, va + 3 * PAGE_SIZE) & PTE_W);
		}
	}
	CHECK(b != NULL);
	CHECK(limit > 2); /* several failures were exercised */
	CHECK(holds(b, va, 8, 40));
	CHECK_EQ(pte_flags(a, va) & PTE_W, 0);
	for (size_t i = 0; i + limit <= n; i++)
		phys_free(hog[i], 1, PHYS_KERNEL);
	mm_sanity_check();
	mm_space_destroy(b);
	CHECK(pte_flags(a, va) & PTE_W);
	mm_space_destroy(a);
}
