/*
 * proc.c - allocating and freeing processes. A process is KSTACK_PAGES
 * contiguous kernel pages: struct proc at the bottom, its kernel stack
 * above. The pages are reported to the sanity checker as "process".
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <fs/file.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/ycache.h>

struct proc *procs[NPROC];
int proc_slots;
static int next_pid = 1;

static void walk_procs(struct sanity *s)
{
	for (int i = 0; i < proc_slots; i++)
		if (procs[i])
			sanity_mark(s, arch_virt_to_phys(procs[i]),
				    KSTACK_PAGES, "process");
}

static struct sanity_owner proc_owner = {"processes", walk_procs, NULL};

void sched_init(void)
{
	sanity_register(&proc_owner);
}

struct proc *proc_alloc(void)
{
	int slot = -1;
	paddr_t pa;
	struct proc *p;

	for (int i = 0; i < NPROC && slot < 0; i++)
		if (!procs[i])
			slot = i;
	if (slot < 0)
		return NULL;
	pa = phys_alloc(KSTACK_PAGES, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return NULL;
	p = arch_phys_to_virt(pa);
	memset(p, 0, sizeof(*p));
	p->pid = p->tgid = next_pid++;
	p->leader = p;
	p->ycache_owner = ycache_owner_new();
	p->kesp =
	    arch_kstack_init((char *)p + KSTACK_PAGES * PAGE_SIZE, &p->tf);
	procs[slot] = p;
	proc_slots = MAX(proc_slots, slot + 1);
	return p;
}

void proc_free(struct proc *p)
{
	for (int i = 0; i < proc_slots; i++)
		if (procs[i] == p)
			procs[i] = NULL;
	while (proc_slots > 0 && !procs[proc_slots - 1])
		proc_slots--;
	/* proc_exit already let go of what a process that ran held; a child
	 * that never ran holds what clone gave it, and caches nothing. */
	if (p->space)
		mm_space_put(p->space);
	files_release(p);
	sighand_release(p);
	phys_free(arch_virt_to_phys(p), KSTACK_PAGES, PHYS_KERNEL);
}

struct proc *proc_find(int pid)
{
	for (int i = 0; i < proc_slots; i++)
		if (procs[i] && procs[i]->pid == pid &&
		    procs[i]->state != PROC_UNUSED && !procs[i]->autoreap)
			return procs[i];
	return NULL;
}

struct proc *proc_next(int pid)
{
	struct proc *best = NULL;

	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];

		if (p && p->state != PROC_UNUSED && p->leader == p &&
		    p->pid >= pid && (!best || p->pid < best->pid))
			best = p;
	}
	return best;
}
