/*
 * sched.c - round-robin scheduling on the PIT. The kernel is not
 * preemptible: it switches only in schedule(), called when a process
 * sleeps or exits, or on the way back to user mode once its time slice is
 * over. With nothing to run, schedule() halts until an interrupt.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <mm/pagetable.h>
#include <mm/region.h>

struct proc *current;
static uint32_t boot_esp; /* kmain's stack, used before the first process */
static volatile uint64_t ticks;
static volatile bool need_resched;

/* Load averages as Linux keeps them: every LOAD_FREQ ticks the number of
 * runnable processes decays into three exponential averages over 1, 5
 * and 15 minutes, fixed point with FSHIFT bits of fraction. */
#define LOAD_FREQ (5 * HZ + 1)
#define FSHIFT 11
#define FIXED_1 (1ul << FSHIFT)
static const unsigned long load_exp[3] = {1884, 2014, 2037};
static unsigned long avenrun[3];

/* Runnable processes (the running one included), stopped ones not. */
unsigned sched_nr_running(void)
{
	unsigned n = 0;

	for (int i = 0; i < NPROC; i++)
		if (procs[i] && procs[i]->state == PROC_RUNNABLE &&
		    !procs[i]->stopped)
			n++;
	return n;
}

/* One step of Linux's calc_load() for each of the three averages. */
static void calc_load(void)
{
	unsigned long active = sched_nr_running() * FIXED_1;

	for (int i = 0; i < 3; i++) {
		unsigned long e = load_exp[i], load = avenrun[i];
		unsigned long next = load * e + active * (FIXED_1 - e);

		if (active >= load)
			next += FIXED_1 - 1;
		avenrun[i] = next >> FSHIFT;
	}
}

void sched_loadavg(unsigned long loads[3], unsigned shift)
{
	for (int i = 0; i < 3; i++)
		loads[i] = shift >= FSHIFT ? avenrun[i] << (shift - FSHIFT)
					   : avenrun[i] >> (FSHIFT - shift);
}

/*
 * RLIMIT_CPU as Linux's: when the group's CPU time reaches the soft limit
 * (in seconds) it gets SIGXCPU and the soft limit goes up a second, until
 * the hard limit, which is SIGKILL.
 */
static void cpu_limit_tick(struct proc *g)
{
	uint64_t secs, soft, hard;

	g->group_ticks++;
	if (g->group_ticks % HZ)
		return;
	secs = g->group_ticks / HZ;
	soft = rlimit_cur(g, RLIMIT_CPU);
	hard = g->rlim[RLIMIT_CPU].max;
	if (secs >= hard) {
		proc_signal(g, SIGKILL);
	} else if (secs >= soft) {
		proc_signal(g, SIGXCPU);
		if (soft < hard)
			g->rlim[RLIMIT_CPU].cur = soft + 1;
	}
}

static uint64_t cpu_user, cpu_system;

void sched_cpu_ticks(uint64_t *user, uint64_t *system)
{
	*user = cpu_user;
	*system = cpu_system;
}

/* A tick is charged to the process it interrupted, in user or kernel
 * mode; not to one that sleeps while the CPU idles. One taken at an
 * idle halt but pending from before was the kernel's work: the process
 * that went to sleep after it (current) did that work. */
void sched_tick(bool user, bool idle)
{
	struct proc *p = current;

	ticks++;
	need_resched = true;
	if (user)
		cpu_user++;
	else if (!idle)
		cpu_system++;
	if (p && !p->stopped &&
	    (p->state == PROC_RUNNABLE ||
	     (p->state == PROC_SLEEPING && !idle && !user))) {
		if (user)
			p->utime++;
		else
			p->stime++;
		cpu_limit_tick(p->leader);
	}
	if (ticks % LOAD_FREQ == 0)
		calc_load();
	writeback_tick(ticks);
}

uint64_t sched_ticks(void)
{
	return ticks;
}

bool sched_need_resched(void)
{
	return need_resched;
}

void proc_activate(struct proc *p)
{
	arch_set_kernel_stack((uint32_t)p + KSTACK_PAGES * PAGE_SIZE);
	arch_switch_pgdir(p->space ? p->space->pgdir : pt_kernel_dir());
	for (unsigned i = 0; i < 3; i++)
		arch_set_tls(i, p->tls[i].base, p->tls[i].limit,
			     p->tls[i].flags);
	arch_set_user_tsc(!p->tsc_sigsegv);
}

/* Sleeps and interval timers that are due (one pass over the table). */
static void wake_sleepers(void)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];
		if (p && p->alarm_tick && p->alarm_tick <= ticks)
			signal_alarm(p, ticks);
		if (p && p->state == PROC_SLEEPING && p->wake_tick &&
		    p->wake_tick <= ticks) {
			p->wake_tick = 0;
			p->state = PROC_RUNNABLE;
		}
	}
}

/* The next runnable process after current, in table order; a stopped
 * one waits for SIGCONT (kernel/jobctl.c). */
static struct proc *pick_next(void)
{
	int start = 0;

	for (int i = 0; i < proc_slots; i++)
		if (procs[i] == current)
			start = i + 1;
	for (int n = 0; n < proc_slots; n++) {
		struct proc *p = procs[(start + n) % proc_slots];
		if (p && p->state == PROC_RUNNABLE && !p->stopped)
			return p;
	}
	return NULL;
}

void schedule(void)
{
	struct proc *prev = current, *next;

	need_resched = false;
	group_reap_dead(); /* threads that ended, on another stack */
	for (;;) {
		wake_sleepers();
		next = pick_next();
		if (next)
			break;
		/* Idle: wait for an interrupt on whatever stack we are on. */
		arch_idle_wait();
	}
	if (next == prev)
		return;
	if (prev && prev->state != PROC_ZOMBIE)
		arch_fpu_save(prev->fpu);
	arch_fpu_restore(next->fpu);
	current = next;
	proc_activate(next);
	arch_context_switch(prev ? &prev->kesp : &boot_esp, next->kesp);
}

/* Let every other runnable process (thread) run before current again:
 * the round robin goes on from current. */
SYSCALL_DEFINE0(sched_yield)
{
	schedule();
	return 0;
}

int sleep_on(void *chan)
{
	current->wait_chan = chan;
	current->state = PROC_SLEEPING;
	schedule();
	current->wait_chan = NULL;
	if (current->sig_pending & ~current->sig_blocked)
		return -EINTR;
	return 0;
}

/* Make chan's sleepers runnable. They run at the next return to user
 * mode: a process woken by an interrupt (a disk, the console) need not
 * wait for the end of whoever's time slice was interrupted. */
void wakeup(void *chan)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];
		if (p && p->state == PROC_SLEEPING && p->wait_chan == chan) {
			p->state = PROC_RUNNABLE;
			need_resched = true;
		}
	}
}

long sched_timespec_ticks(int64_t sec, int64_t nsec)
{
	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (sec >= 0x7FFFFFFF / HZ - 1)
		return 0x7FFFFFFF; /* about eight months: for ever here */
	/* Round up: a sleep never ends early. */
	return (long)(sec * HZ +
		      (nsec + NSEC_PER_SEC / HZ - 1) / (NSEC_PER_SEC / HZ));
}

int sched_sleep_ticks(uint64_t n, uint64_t *left)
{
	uint64_t end = ticks + (n ? n : 1);

	current->wake_tick = end;
	while (current->wake_tick)
		if (sleep_on(&current->wake_tick)) {
			current->wake_tick = 0;
			if (left)
				*left = end > ticks ? end - ticks : 0;
			return -EINTR;
		}
	return 0;
}
