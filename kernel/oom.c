/*
 * oom.c - who dies when memory runs out. A fault that mm cannot serve even
 * after the yielded-block cache gave back what it holds ends the biggest
 * user process (pages present in its address space), not whoever happened
 * to fault: init only when nothing else is left. The choice is one console
 * line. A victim already dying is waited for, not chosen twice.
 */
#include <kernel/oom.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/region.h>

static bool dying(const struct proc *p)
{
	return p->sig_pending & (1ull << (SIGKILL - 1));
}

/* A user process already dying (to wait for), else the one with the
 * most pages; init only when no other is left. */
static struct proc *oom_pick(void)
{
	struct proc *best = NULL;
	size_t most = 0;

	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];
		size_t n;

		if (!p || !p->space || p->state == PROC_ZOMBIE ||
		    p->state == PROC_UNUSED || p->pid == 1)
			continue;
		if (dying(p))
			return p;
		n = mm_space_pages(p->space);
		if (!best || n > most) {
			best = p;
			most = n;
		}
	}
	return best ? best : proc_find(1);
}

bool oom_kill(uint32_t addr)
{
	struct proc *victim = oom_pick();

	if (!victim || victim == current) {
		printk("out of memory: killed pid %d (%s), %zu pages, faulting "
		       "at %08x\n",
		       current->pid, current->name,
		       current->space ? mm_space_pages(current->space) : 0,
		       addr);
		proc_signal_forced(current, SIGKILL);
		return true;
	}
	if (!dying(victim)) {
		printk("out of memory: killed pid %d (%s), %zu pages, for pid "
		       "%d (%s)\n",
		       victim->pid, victim->name, mm_space_pages(victim->space),
		       current->pid, current->name);
		proc_signal_forced(victim, SIGKILL);
	}
	/* Let the victim run to its end; the fault is retried after. */
	schedule();
	return false;
}
