/*
 * thread.h - threads: thread groups (kernel/thread_group.c), the signal
 * actions clone shares (kernel/sighand.c), robust futex lists and the
 * futex wake of CLONE_CHILD_CLEARTID (kernel/futex*.c).
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <kernel/proc.h>

/* The child's actions: the parent's own (CLONE_SIGHAND) or a copy (a
 * NULL parent: all default). 0 or -ENOMEM. */
int sighand_fork(struct proc *parent, struct proc *child, bool share);
/* Actions of p's own if it shares them (exec): 0 or -ENOMEM. */
int sighand_unshare(struct proc *p);
/* Let go of p's actions (exit); the last holder frees them. */
void sighand_release(struct proc *p);
/* Set p's action for sig (every sharer sees it). */
void sighand_set(struct proc *p, int sig, const struct sigaction_k *sa);

/* Is any thread of leader's group other than except alive (not a
 * zombie)? except may be NULL. */
bool group_alive(const struct proc *leader, const struct proc *except);
/* The thread of p's group that should take process-directed signal sig:
 * p itself if alive and not blocking it, else another that does not
 * block it, else p (or the first live thread if p is a zombie). */
struct proc *group_signal_target(struct proc *p, int sig);
/* exit_group, or a fatal signal: every thread of current's group ends;
 * the group's status is the first such call's. Never returns. */
void group_exit(int status) __attribute__((noreturn));
/* Free the threads that ended (they free no one's wait status); called
 * by the scheduler, never for current. */
void group_reap_dead(void);
/* exec: end every other thread of current's group and wait for them;
 * a thread other than the leader takes the leader's pid. 0 or -EINTR
 * (current was killed meanwhile). */
int group_exec_alone(void);

/* Set p's TLS descriptor from the struct user_desc at uinfo (entry 6..8,
 * or -1 for a free one when can_allocate: written back): 0 or -errno. */
int tls_set(struct proc *p, uint32_t uinfo, bool can_allocate);
/* The child of a CLONE_VFORK has exec'd or is exiting: its parent goes
 * on. */
void vfork_release(struct proc *p);

/* What the kernel does with a thread's futexes when it exits: the robust
 * list's locks are marked FUTEX_OWNER_DIED and a waiter woken, then the
 * CLONE_CHILD_CLEARTID word is cleared and one waiter woken. */
void futex_exit(struct proc *p);
/* Wake up to n waiters on the futex at uaddr (shared key). */
long futex_wake_shared(uint32_t uaddr, int n);

#endif
