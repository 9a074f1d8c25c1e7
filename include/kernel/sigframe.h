/* sigframe.h - building and unwinding Linux i386 signal frames
 * (kernel/sigframe.c). */
#ifndef KERNEL_SIGFRAME_H
#define KERNEL_SIGFRAME_H

#include <arch/trap.h>
#include <kernel/proc.h>

/* Push a frame for handler sa of sig below top (tf's stack, or the
 * alternate signal stack) and point tf at the handler; oldmask is the
 * mask sigreturn restores, info the rt frame's siginfo. 0 or -EFAULT. */
int sigframe_push(struct trapframe *tf, int sig, const struct sigaction_k *sa,
		  uint64_t oldmask, uint32_t top);
int sigframe_push_rt(struct trapframe *tf, int sig,
		     const struct sigaction_k *sa, uint64_t oldmask,
		     uint32_t top, const struct ksiginfo *info);
/* Restore tf from the frame at sp and give its saved mask: 0, or -EFAULT
 * (unreadable, or a selector or segment user mode may not hold) with tf
 * unchanged. */
int sigframe_restore(struct trapframe *tf, uint32_t sp, uint64_t *mask);
int sigframe_restore_rt(struct trapframe *tf, uint32_t sp, uint64_t *mask);

#endif
