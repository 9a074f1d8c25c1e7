/*
 * test_yield_random.c - randomized host tests of mm_yield_get_block
 * (mm/yield.c): owners, slots and the cache against a model, with the
 * slots each in a region of their own or packed into two regions.
 */
#include <mm/sanity.h>
#include "yield_test.h"

/* --- randomized: spaces, slots and the cache against a model --------- */

#define RY_OWNERS 3
#define RY_SLOTS 6
#define RY_IDS 12
#define RY_MAX 256

/*
 * Spread: each slot its own region, 1 MiB apart. Packed: the slots side
 * by side in one region (sizes repeat, so a block is got back at another
 * offset than it was yielded from), the last one straddling a second
 * region (the page-list path, and a cached tree flattened to get there).
 */
static const size_t spread_pages[RY_SLOTS] = {1, 2, 3, 5, 8, 13};
static const size_t packed_pages[RY_SLOTS] = {3, 5, 3, 5, 8, 5};
static const size_t *slot_pages = spread_pages;
static bool ry_packed;
#define RY_PACKED_LEN (32 * PAGE_SIZE)
#define RY_PACKED_CUT (26 * PAGE_SIZE) /* inside the last slot */

struct ry_block {
	uint32_t owner;
	uint64_t id, tag;
	size_t npages;
};

struct ry {
	uint64_t seed, next_tag, evictions;
	struct mm_space *space[RY_OWNERS];
	uint32_t owner[RY_OWNERS];
	uint64_t slot_tag[RY_OWNERS][RY_SLOTS]; /* 0: zeros */
	struct ry_block blocks[RY_MAX];		/* yield order */
	size_t nblocks;
};

static vaddr_t slot_va(int k)
{
	vaddr_t va = BASE;

	if (!ry_packed)
		return BASE + (vaddr_t)k * 0x100000;
	for (int i = 0; i < k; i++)
		va += slot_pages[i] * PAGE_SIZE;
	return va;
}

/* The slots' regions in a fresh space: 0 or -1. */
static int ry_map(struct mm_space *s)
{
	if (ry_packed)
		return mm_map_anon(s, BASE, RY_PACKED_LEN, RW, 0) ||
			       mm_set_flags(s, BASE + RY_PACKED_CUT,
					    RY_PACKED_LEN - RY_PACKED_CUT,
					    REGION_DONTFORK, 0)
			   ? -1
			   : 0;
	for (int k = 0; k < RY_SLOTS; k++)
		if (mm_map_anon(s, slot_va(k), slot_pages[k] * PAGE_SIZE, RW,
				0))
			return -1;
	return 0;
}

static long ry_find(struct ry *m, uint32_t owner, uint64_t id)
{
	for (size_t i = 0; i < m->nblocks; i++)
		if (m->blocks[i].owner == owner && m->blocks[i].id == id)
			return (long)i;
	return -1;
}

static void ry_remove(struct ry *m, size_t i)
{
	memmove(&m->blocks[i], &m->blocks[i + 1],
		(m->nblocks - i - 1) * sizeof(m->blocks[0]));
	m->nblocks--;
}

/* Evictions since the last sync were the oldest blocks. */
static bool ry_sync(struct ry *m)
{
	struct ycache_stats st;

	ycache_get_stats(&st);
	for (; m->evictions < st.evictions; m->evictions++) {
		if (!m->nblocks ||
		    ycache_has(m->blocks[0].owner, m->blocks[0].id))
			return false;
		ry_remove(m, 0);
	}
	return st.blocks == m->nblocks;
}

static size_t ry_pages(const struct ry *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nblocks; i++)
		n += m->blocks[i].npages;
	return n;
}

static uint64_t ry_id(struct ry *m)
{
	uint32_t x = host_rand(&m->seed) % (RY_IDS + 1);

	return x == RY_IDS ? NONE : x;
}

/* What mm_yield_get_block should return; applies it to the model. */
static int ry_expect(struct ry *m, int o, int k, uint64_t yid, uint64_t gid)
{
	uint32_t owner = m->owner[o];
	long g;

	if (yid == gid && yid != NONE)
		return -EINVAL;
	if (yid != NONE) {
		if (ry_find(m, owner, yid) >= 0)
			return -EEXIST;
		m->blocks[m->nblocks++] = (struct ry_block){
		    owner, yid, m->slot_tag[o][k], slot_pages[k]};
		m->slot_tag[o][k] = 0;
	}
	if (gid == NONE)
		return 0;
	g = ry_find(m, owner, gid);
	if (g < 0)
		return -ESRCH;
	if (m->blocks[g].npages != slot_pages[k])
		return -EINVAL;
	m->slot_tag[o][k] = m->blocks[g].tag;
	ry_remove(m, g);
	return 0;
}

/* An id of owner's whose block fits the slot, if any (else dflt). */
static uint64_t ry_fitting(struct ry *m, uint32_t owner, size_t npages,
			   uint64_t dflt)
{
	for (size_t i = 0; i < m->nblocks; i++)
		if (m->blocks[i].owner == owner &&
		    m->blocks[i].npages == npages)
			return m->blocks[i].id;
	return dflt;
}

static int ry_op(struct ry *m)
{
	int o = host_rand(&m->seed) % RY_OWNERS;
	int k = host_rand(&m->seed) % RY_SLOTS;
	uint32_t x = host_rand(&m->seed) % 100;
	uint64_t yid = ry_id(m), gid = ry_id(m);

	if (x < 20) {
		m->slot_tag[o][k] = ++m->next_tag << 20;
		return fill(m->space[o], slot_va(k), slot_pages[k],
			    m->slot_tag[o][k]);
	}
	if (x < 30)
		return holds(m->space[o], slot_va(k), slot_pages[k],
			     m->slot_tag[o][k])
			   ? 0
			   : -1;
	if (x < 35) {
		long i = ry_find(m, m->owner[o], yid);

		if (i >= 0)
			ry_remove(m, i);
		return ycache_forget(m->owner[o], yid) == (i < 0 ? -ESRCH : 0)
			   ? 0
			   : -1;
	}
	if (x < 37) {
		ycache_reclaim(host_rand(&m->seed) % 16);
		return ry_sync(m) ? 0 : -1;
	}
	if (x < 60)
		gid = NONE;
	else if (x < 75)
		yid = NONE;
	if (gid != NONE && host_rand(&m->seed) % 2)
		gid = ry_fitting(m, m->owner[o], slot_pages[k], gid);
	return mm_yield_get_block(m->owner[o], m->space[o], slot_va(k),
				  slot_pages[k], yid,
				  gid) == ry_expect(m, o, k, yid, gid)
		   ? 0
		   : -1;
}

static int ry_run(uint64_t seed, int nops)
{
	static struct ry m;

	host_mm_reset(16, HOST_MEM_BYTES / PAGE_SIZE - 16);
	memset(&m, 0, sizeof(m));
	m.seed = seed;
	for (int o = 0; o < RY_OWNERS; o++) {
		m.space[o] = mm_space_new();
		m.owner[o] = ycache_owner_new();
		if (ry_map(m.space[o]))
			return -1;
	}
	for (int i = 0; i < nops; i++) {
		if (ry_op(&m) || !ry_sync(&m) || cached() != ry_pages(&m))
			return i + 1;
		if (i % 400 == 0)
			mm_sanity_check();
	}
	for (int o = 0; o < RY_OWNERS; o++) {
		for (int k = 0; k < RY_SLOTS; k++)
			if (!holds(m.space[o], slot_va(k), slot_pages[k],
				   m.slot_tag[o][k]))
				return -2;
		mm_space_destroy(m.space[o]);
		ycache_forget_all(m.owner[o]);
	}
	return cached() == 0 && conserved() ? 0 : -3;
}

TEST(yield_random)
{
	static const uint64_t seeds[] = {7, 0xfeedface, 123456789};

	slot_pages = spread_pages;
	ry_packed = false;
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		CHECK_EQ(ry_run(seeds[i], 3000), 0);
		mm_sanity_check();
	}
}

/* The same with the slots packed into two regions: yields and gets of
 * parts of a region, at other offsets, and across a region boundary. */
TEST(yield_random_packed)
{
	static const uint64_t seeds[] = {11, 0xabcdef, 987654321};

	slot_pages = packed_pages;
	ry_packed = true;
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		CHECK_EQ(ry_run(seeds[i], 3000), 0);
		mm_sanity_check();
	}
	slot_pages = spread_pages;
	ry_packed = false;
}
