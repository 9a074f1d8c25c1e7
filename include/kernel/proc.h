/*
 * proc.h - processes: one kernel stack each, an address space, open files,
 * signal handlers. One CPU; the kernel runs with interrupts off and is
 * only left through sleep_on() or the return to user mode, so no locks.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <arch/trap.h>
#include <kernel/cred.h>
#include <kernel/rlimit.h>
#include <kernel/siginfo.h>
#include <kernel/types.h>

#define NPROC 1024
#define NFILE 4096 /* descriptors at most: Linux's nr_open here */
#define NSIG 65
#define KSTACK_PAGES 4 /* struct proc at the bottom, stack above */

enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_SLEEPING, PROC_ZOMBIE };

struct vfile;
struct vnode;
struct mm_space;

struct sigaction_k {
	uint32_t handler, flags, restorer;
	uint64_t mask;
};

struct user_tls {
	uint32_t entry, base, limit, flags; /* as Linux's struct user_desc */
};

/*
 * What clone may share between processes, each a slab object with a
 * count of the processes that hold it (kernel/proc_share.c): freed when
 * the last one lets go. Written only inside USE().
 */
struct sighand { /* CLONE_SIGHAND: the signal actions */
	int refs;
	struct sigaction_k action[NSIG];
};

struct fs_info { /* CLONE_FS: root, working directory, umask */
	int refs;
	struct vnode *root, *cwd; /* referenced; NULL: the tree's root */
	uint32_t umask;
};

/* CLONE_FILES: the descriptors (fs/sys/fdtable.c). The first FD_INLINE
 * live in the table; a process that needs more gets arrays of whole
 * pages (Linux's expand_files), up to NFILE. */
#define FD_INLINE 64
struct fd_table {
	int refs;
	unsigned max;	   /* descriptors fd[] has room for */
	struct vfile **fd; /* fd_inline or pages */
	uint32_t *cloexec; /* bit per descriptor, after fd[] in the pages */
	struct vfile *fd_inline[FD_INLINE];
	uint32_t cloexec_inline[FD_INLINE / 32];
};

/*
 * A process is one thread. Threads of a group (CLONE_THREAD) have their
 * own pid (the thread id), the group's tgid (the leader's pid: what
 * getpid answers) and the leader's ppid, pgid and sid; the leader lives
 * on (a zombie if it exits first) until the whole group has ended
 * (kernel/thread_group.c).
 */
struct proc {
	int pid, ppid, pgid, sid;
	int tgid;
	struct proc *leader; /* the group's first thread (itself) */
	enum proc_state state;
	int exit_status; /* wait4 status word once a zombie */
	void *wait_chan; /* what a sleeping process waits for */
	uint32_t kesp;	 /* saved kernel stack pointer (context switch) */
	struct trapframe *tf;
	struct mm_space *space;
	uint32_t ycache_owner;
	vaddr_t brk_start, brk;
	vaddr_t arg_start, arg_end; /* argv strings (/proc/PID/cmdline) */
	vaddr_t env_end; /* envp strings: [arg_end, env_end) (environ) */
	uint32_t clear_child_tid; /* set_tid_address, CLONE_CHILD_CLEARTID */
	uint32_t robust_list, robust_len; /* set_robust_list */
	struct fd_table *files;
	struct fs_info *fs;
	struct vfile *exe; /* the running image's file: written -ETXTBSY */
	struct sighand *sighand;
	bool group_exit;      /* leader: exit_group or a fatal signal... */
	int group_status;     /* ... with this wait status for the group */
	bool autoreap;	      /* a thread that is freed at its exit */
	int vfork_parent_pid; /* CLONE_VFORK: woken at exec or exit ... */
	bool vfork_done;      /* ... through this flag of the parent */
	struct cred cred;
	struct rlimit64 rlim[RLIM_NLIMITS];
	uint64_t sig_pending, sig_blocked;
	struct ksiginfo siginfo[NSIG]; /* what each pending signal carries */
	bool stopped;		       /* job control: not run until SIGCONT */
	uint32_t wait_report;	  /* stop (0x7f | sig << 8) or continue (0xffff)
				   * that wait4 has yet to report */
	uint64_t saved_blocked;	  /* rt_sigsuspend's mask to restore */
	bool restore_blocked;	  /* ... once a handler's frame is built */
	int exit_signal;	  /* sent to the parent at exit (clone) */
	int pdeath_signal;	  /* sent when the parent exits (prctl) */
	uint32_t coredump_filter; /* /proc/PID/coredump_filter bits */
	bool undumpable;	  /* PR_SET_DUMPABLE 0, until exec */
	uint32_t personality;	  /* personality(2): kept, not acted on */
	/* PR_SET_TIMERSLACK: how late a timer may fire (ns; sleeps here end
	 * on ticks, well within it), and what 0 sets it back to. */
	uint32_t timer_slack_ns, default_slack_ns;
	bool tsc_sigsegv;	 /* PR_SET_TSC: rdtsc in user mode faults */
	uint32_t syscall_nr;	 /* the call in progress (for restarts) */
	uint64_t alarm_tick;	 /* ITIMER_REAL: tick of the next SIGALRM */
	uint64_t alarm_interval; /* ... and its reload, in ticks */
	uint32_t altstack_sp, altstack_size, altstack_flags; /* sigaltstack */
	struct user_tls tls[3];
	uint64_t wake_tick; /* nanosleep */
	/* Page faults resolved for the process (getrusage's ru_minflt), and
	 * those of its children that were waited for. */
	uint32_t min_flt, child_min_flt;
	/* Ticks it ran in user and kernel mode, and those of its children
	 * that were waited for. */
	uint32_t utime, stime, child_utime, child_stime;
	uint32_t group_ticks; /* the leader's: its group's CPU (RLIMIT_CPU) */
	char name[32];
	uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave area */
};

extern struct proc *current;

/* Block until wakeup(chan); returns -EINTR if a signal is pending. */
int sleep_on(void *chan);
void wakeup(void *chan);
struct proc *proc_find(int pid);
/* pids: below pid_max (/proc/sys/kernel/pid_max, PID_MAX_LIMIT at most,
 * more than RESERVED_PIDS), from RESERVED_PIDS again after the top. */
#define PID_MAX_LIMIT 32768
#define RESERVED_PIDS 300
int proc_pid_max(void);
int proc_set_pid_max(int max); /* 0 or -EINVAL */
int proc_last_pid(void);       /* the pid given last */
/* The live process with the smallest pid >= pid (listing), or NULL. */
struct proc *proc_next(int pid);
/* Deliver sig to p (SIGKILL ends it at its next return to user mode).
 * Init (pid 1) takes only signals it has a handler for, as on Linux;
 * proc_signal_forced (faults, the OOM killer) reaches it too. */
int proc_signal(struct proc *p, int sig);
int proc_signal_forced(struct proc *p, int sig);
/* The same with what the signal carries (SA_SIGINFO, rt_sigtimedwait). */
int proc_signal_info(struct proc *p, int sig, const struct ksiginfo *info);
/* These go to p's process: one of its threads (group_signal_target);
 * proc_signal_forced and this one to thread t itself (tkill, tgkill). */
int thread_signal_info(struct proc *t, int sig, const struct ksiginfo *info);

#endif
