/*
 * proc.c - allocating and freeing processes. A process is KSTACK_PAGES
 * contiguous kernel pages: struct proc at the bottom, its kernel stack
 * above. The pages are reported to the sanity checker as "process".
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <kernel/coredump.h>
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
static int next_pid = 1, last_pid;
static int pid_max = PID_MAX_LIMIT; /* /proc/sys/kernel/pid_max */

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

/* Is pid some process's pid, process group or session? */
static bool pid_in_use(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i] && (procs[i]->pid == pid ||
				 procs[i]->pgid == pid || procs[i]->sid == pid))
			return true;
	return false;
}

/* The next free pid, as Linux hands them out: increasing up to pid_max,
 * then again from RESERVED_PIDS, skipping those in use; -1 when every
 * one is taken. Until the first wrap every pid above the last is free
 * (groups and sessions are named by pids already given), so fork does
 * not scan the process table. */
static int pid_next(void)
{
	static bool wrapped;

	for (int tries = 0; tries <= pid_max; tries++) {
		int pid = next_pid++;

		if (pid >= pid_max) {
			pid = RESERVED_PIDS;
			next_pid = pid + 1;
			wrapped = true;
		}
		if (!wrapped || !pid_in_use(pid))
			return last_pid = pid;
	}
	return -1;
}

int proc_pid_max(void)
{
	return pid_max;
}

int proc_set_pid_max(int max)
{
	if (max < RESERVED_PIDS + 1 || max > PID_MAX_LIMIT)
		return -EINVAL;
	pid_max = max;
	return 0;
}

int proc_last_pid(void)
{
	return last_pid;
}

struct proc *proc_alloc(void)
{
	int slot = -1, pid;
	paddr_t pa;
	struct proc *p;

	for (int i = 0; i < NPROC && slot < 0; i++)
		if (!procs[i])
			slot = i;
	if (slot < 0 || (pid = pid_next()) < 0)
		return NULL;
	pa = phys_alloc(KSTACK_PAGES, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return NULL;
	p = arch_phys_to_virt(pa);
	memset(p, 0, sizeof(*p));
	p->pid = p->tgid = pid;
	p->leader = p;
	p->ycache_owner = ycache_owner_new();
	p->timer_slack_ns = p->default_slack_ns = 50000; /* Linux's */
	p->coredump_filter = COREDUMP_FILTER_DEFAULT;
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
