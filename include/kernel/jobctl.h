/* jobctl.h - stopping and continuing processes (kernel/jobctl.c). */
#ifndef KERNEL_JOBCTL_H
#define KERNEL_JOBCTL_H

#include <kernel/proc.h>

/* wait4 status words of a stop and of a continue. */
#define WAIT_STOPPED(sig) (0x7fu | (uint32_t)(sig) << 8)
#define WAIT_CONTINUED 0xffffu

/* SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU. */
bool jobctl_is_stop(int sig);
/* Before sig is sent to p: SIGCONT continues p and discards its pending
 * stop signals, a stop signal discards a pending SIGCONT, SIGKILL ends a
 * stop. */
void jobctl_prepare(struct proc *p, int sig);
/* sig would stop p (default action, not blocked): stop it now unless it
 * is the running process, or drop sig if p's group is orphaned (not
 * SIGSTOP). True when sig is spent; false: queue it as usual. */
bool jobctl_stop_now(struct proc *p, int sig);
/* The current process takes stop signal sig on its way to user mode:
 * stop, and return once continued (or killed). */
void jobctl_stop_self(int sig);

/* At exit (Linux's kill_orphaned_pgrp): the exiting process's child c
 * was reparented to init, and the exiting process p is leaving; a group
 * either leaves orphaned with stopped members gets SIGHUP and SIGCONT. */
void jobctl_reparented(struct proc *c, struct proc *old_parent);
void jobctl_exiting(struct proc *p);

#endif
