/*
 * test_pagetable.c - host tests for mm/pagetable.c: random map / unmap /
 * protect / lookup in two directories against a model, page tables made
 * on demand, TLB flushes only for the loaded directory, the kernel half
 * copied, and every page returned by pt_free_dir.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include "host.h"

#define NVA 512

/* Change the flags of a present mapping (-EFAULT if none): mm rewrites
 * PTEs with pt_map, so the tests build this from pt_lookup + pt_map. */
static int pt_protect(paddr_t dir, vaddr_t va, unsigned flags)
{
	paddr_t pa;

	if (!pt_lookup(dir, va, &pa, NULL))
		return -EFAULT;
	return pt_map(dir, va, pa, flags);
}

/* The virtual pages used: spread over several 4 MiB tables. */
static vaddr_t va_of(unsigned i)
{
	static const vaddr_t bases[] = {0x00001000u,
					0x08048000u,
					0x40000000u,
					0x40400000u,
					0xBFF00000u - 0x80000u,
					0x7FFFF000u};

	return bases[i % ARRAY_SIZE(bases)] +
	       (i / ARRAY_SIZE(bases)) * PAGE_SIZE;
}

struct pte_model {
	paddr_t pa;
	unsigned flags; /* 0: not mapped */
};

static struct pte_model model[2][NVA];

static bool model_agrees(paddr_t dir, const struct pte_model *m)
{
	for (unsigned i = 0; i < NVA; i++) {
		paddr_t pa;
		unsigned fl;
		bool p = pt_lookup(dir, va_of(i), &pa, &fl);

		if (p != (m[i].flags != 0))
			return false;
		if (p && (pa != m[i].pa || (fl & 7) != m[i].flags))
			return false;
	}
	return true;
}

static unsigned random_flags(uint64_t *rng)
{
	return PTE_P | PTE_U | ((host_rand(rng) & 1) ? PTE_W : 0);
}

static void random_op(paddr_t *dirs, uint64_t *rng, bool *ok)
{
	unsigned d = host_rand(rng) & 1, i = host_rand(rng) % NVA;
	struct pte_model *m = &model[d][i];
	unsigned op = host_rand(rng) % 4, fl = random_flags(rng);
	paddr_t pa = (host_rand(rng) % 100000) * PAGE_SIZE;
	vaddr_t va = va_of(i);

	if (op == 0) {
		*ok &= pt_map(dirs[d], va, pa, fl) == 0;
		m->pa = pa;
		m->flags = fl;
	} else if (op == 1) {
		pt_unmap(dirs[d], va);
		m->flags = 0;
	} else if (op == 2) {
		*ok &= pt_protect(dirs[d], va, fl) == (m->flags ? 0 : -EFAULT);
		if (m->flags)
			m->flags = fl;
	} else {
		*ok &= pt_lookup(dirs[d], va, NULL, NULL) == (m->flags != 0);
	}
}

static void run_random(uint64_t seed)
{
	size_t free0 = phys_free_pages();
	paddr_t dirs[2] = {pt_new_dir(), pt_new_dir()};
	uint64_t rng = seed;
	bool ok = true;

	CHECK(dirs[0] != PHYS_NONE && dirs[1] != PHYS_NONE);
	memset(model, 0, sizeof(model));
	for (int n = 0; n < 20000 && ok; n++) {
		random_op(dirs, &rng, &ok);
		if (n % 1000 == 0)
			CHECK(model_agrees(dirs[0], model[0]) &&
			      model_agrees(dirs[1], model[1]));
	}
	CHECK(ok);
	CHECK(model_agrees(dirs[0], model[0]));
	CHECK(model_agrees(dirs[1], model[1]));
	/* Directories + one table per 4 MiB used (7 each at most). */
	CHECK(free0 - phys_free_pages() <= 2 + 2 * 7);
	pt_free_dir(dirs[0]);
	pt_free_dir(dirs[1]);
	CHECK_EQ(phys_free_pages(), free0);
}

TEST(pagetable_random_seed1)
{
	run_random(1);
}

TEST(pagetable_random_seed2)
{
	run_random(0x9E3779B97F4A7C15ull);
}

TEST(pagetable_random_seed3)
{
	run_random(12345);
}

TEST(pagetable_tables_on_demand)
{
	size_t free0 = phys_free_pages();
	paddr_t dir = pt_new_dir();

	CHECK_EQ(free0 - phys_free_pages(), 1);
	CHECK_EQ(pt_map(dir, 0x40000000u, 0x5000, PTE_U), 0);
	CHECK_EQ(free0 - phys_free_pages(), 2);
	CHECK_EQ(pt_map(dir, 0x403FF000u, 0x6000, PTE_U), 0); /* same table */
	CHECK_EQ(free0 - phys_free_pages(), 2);
	CHECK_EQ(pt_map(dir, 0x40400000u, 0x7000, PTE_U | PTE_W), 0);
	CHECK_EQ(free0 - phys_free_pages(), 3);
	/* pt_prepare covers every table of the range, once. */
	CHECK_EQ(pt_prepare(dir, 0x40000000u, 3 * 1024), 0);
	CHECK_EQ(free0 - phys_free_pages(), 4);
	/* The directory and tables are kernel pages, zero when new. */
	CHECK(!pt_lookup(dir, 0x40800000u, NULL, NULL));
	/* An empty table is kept until the directory goes. */
	pt_unmap(dir, 0x40000000u);
	pt_unmap(dir, 0x403FF000u);
	CHECK_EQ(free0 - phys_free_pages(), 4);
	CHECK_EQ(pt_protect(dir, 0x40000000u, PTE_U), -EFAULT);
	pt_free_dir(dir);
	CHECK_EQ(phys_free_pages(), free0);
}

TEST(pagetable_enomem)
{
	host_no_leak_check = 1; /* exhausts memory on purpose and keeps it */
	paddr_t dir = pt_new_dir(), pa;

	/* Exhaust memory: mapping a new table must fail cleanly. */
	while ((pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE)
		;
	CHECK_EQ(pt_map(dir, 0x10000000u, 0x5000, PTE_U), -ENOMEM);
	CHECK_EQ(pt_prepare(dir, 0x10000000u, 1), -ENOMEM);
	CHECK(!pt_lookup(dir, 0x10000000u, NULL, NULL));
	CHECK_EQ(pt_new_dir(), PHYS_NONE);
}

TEST(pagetable_tlb_flush_only_loaded)
{
	paddr_t a = pt_new_dir(), b = pt_new_dir();
	unsigned long f;

	arch_switch_pgdir(a);
	CHECK_EQ(pt_map(a, 0x2000, 0x9000, PTE_U), 0);
	CHECK_EQ(pt_map(b, 0x2000, 0x9000, PTE_U), 0);
	f = host_tlb_flushes;
	pt_map(a, 0x2000, 0x9000, PTE_U); /* unchanged: no flush */
	CHECK_EQ(host_tlb_flushes, f);
	/* A right added needs no flush (the next fault drops the stale
	 * entry); a right taken away does. */
	CHECK_EQ(pt_protect(a, 0x2000, PTE_U | PTE_W), 0);
	CHECK_EQ(host_tlb_flushes, f);
	CHECK_EQ(pt_protect(a, 0x2000, PTE_U), 0);
	CHECK_EQ(host_tlb_flushes, f + 1);
	CHECK_EQ(pt_protect(a, 0x2000, PTE_U | PTE_W), 0);
	CHECK_EQ(pt_protect(b, 0x2000, PTE_U | PTE_W), 0);
	CHECK_EQ(pt_protect(b, 0x2000, PTE_U), 0);
	pt_unmap(b, 0x2000);
	CHECK_EQ(host_tlb_flushes, f + 1);
	pt_unmap(a, 0x2000);
	CHECK_EQ(host_tlb_flushes, f + 2);
	pt_unmap(a, 0x2000); /* nothing there: no flush */
	CHECK_EQ(host_tlb_flushes, f + 2);
	arch_switch_pgdir(0);
	pt_free_dir(a);
	pt_free_dir(b);
}

TEST(pagetable_kernel_half_copied)
{
	paddr_t k = phys_alloc(1, PHYS_ANY, PHYS_KERNEL), d;
	uint32_t *kd = arch_phys_to_virt(k), *dd;
	size_t free0;

	memset(kd, 0, PAGE_SIZE);
	kd[768] = 0x00000083u | PTE_G; /* a global 4 MiB page */
	kd[1023] = 0x12345000u | PTE_P | PTE_W;
	kd[5] = 0x6000u | PTE_P; /* user half: not copied */
	pt_set_kernel_dir(k);
	free0 = phys_free_pages();
	d = pt_new_dir();
	dd = arch_phys_to_virt(d);
	CHECK_EQ(dd[768], kd[768]);
	CHECK_EQ(dd[1023], kd[1023]);
	CHECK_EQ(dd[5], 0);
	CHECK(!pt_lookup(d, 0xC0000000u, NULL, NULL)); /* not a user page */
	pt_free_dir(d); /* must not free the kernel's tables */
	CHECK_EQ(phys_free_pages(), free0);
	pt_set_kernel_dir(PHYS_NONE);
	phys_free(k, 1, PHYS_KERNEL);
}
