/* sched.h - process table, round-robin scheduling and process life cycle. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/proc.h>

#define HZ 100	   /* timer interrupts a second (arch/x86/pit.c) */
#define USER_HZ HZ /* clock ticks as user space counts them (AT_CLKTCK) */
#define NSEC_PER_SEC 1000000000
#define USEC_PER_SEC 1000000

/* The process table; slots from proc_slots on are all empty (scans stop
 * there: one past the highest slot in use). */
extern struct proc *procs[NPROC];
extern int proc_slots;

void sched_init(void);
/* Called by the timer interrupt, which came from user mode or not. */
/* One timer tick: it came in user mode, or while the CPU idled (a tick
 * taken at an idle halt but pending from before is the kernel's). */
void sched_tick(bool user, bool idle);
/* Ticks the CPU spent in user and in kernel mode since boot, every
 * process's, those that exited too (/proc/stat); the rest idled. */
void sched_cpu_ticks(uint64_t *user, uint64_t *system);
uint64_t sched_ticks(void);
/* Processes that are runnable now (the running one included). */
unsigned sched_nr_running(void);
/* The 1, 5 and 15 minute load averages, fixed point with shift bits of
 * fraction (/proc/loadavg: 11, sysinfo: 16). */
void sched_loadavg(unsigned long loads[3], unsigned shift);
/* Ticks for a timespec (rounded up), or -EINVAL if it is malformed. */
long sched_timespec_ticks(int64_t sec, int64_t nsec);
/* Sleep at least ticks ticks (at least one); -EINTR on a signal, with
 * the ticks still to sleep in *left (if left is not NULL). */
int sched_sleep_ticks(uint64_t ticks, uint64_t *left);
/* Give up the CPU if another process should run (or must, when current
 * is not runnable). */
void schedule(void);
bool sched_need_resched(void);

/* A new process with its own kernel stack; NULL when out of memory. */
struct proc *proc_alloc(void);
void proc_free(struct proc *p);
/* Make p the running process's context (address space, TSS, TLS). */
void proc_activate(struct proc *p);

/* End current with a wait4 status word; never returns. */
void proc_exit(int status) __attribute__((noreturn));
/* Start /init (or init= from the command line) as pid 1; never returns. */
void proc_start_init(const char *path) __attribute__((noreturn));

/* exec: replace current's image; 0 or -errno (current unchanged). */
long do_execve(const char *path, char *const kargv[], int argc,
	       char *const kenvp[], int envc);

/* SysV shared memory's own address space, made at boot. */
void shm_init(void);
/* Deliver pending signals before returning to user mode. */
void signal_deliver(struct trapframe *tf);
/* A signal the current process cannot block or ignore (faults): its
 * action is reset to the default, then it is sent. */
void signal_force(int sig);
/* sig to every process of group pgid (init only for a handled signal, as
 * from kill): 0 or -ESRCH. The terminal's ^C uses it. */
int signal_pgrp(int pgid, int sig);
/* What rt_sigtimedwait sleeps on: any signal sent wakes it, blocked or
 * not (kernel/siginfo.c). */
static inline void *sigwait_chan(struct proc *p)
{
	return p->siginfo;
}
/* The current process's fault or exception: sig with info (si_addr);
 * its handler runs unless sig is blocked or ignored (then as
 * signal_force), as on Linux. */
void signal_force_info(int sig, const struct ksiginfo *info);
/* p's real-time timer is due at tick now: SIGALRM, and reload. */
void signal_alarm(struct proc *p, uint64_t now);

#endif
