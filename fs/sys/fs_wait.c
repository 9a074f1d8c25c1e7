/*
 * fs_wait.c - how file system locks (fs/vfs/lock.c) sleep in the kernel:
 * fs_wait puts the current process to sleep on a channel until fs_wake.
 * A signal does not end the wait for good: sleep_on returns early then,
 * fs_wait returns too, and the lock, which loops on its condition,
 * sleeps again. Before the first process there is nobody to switch to,
 * so the wait is a halt until the next interrupt.
 */
#include <arch/hooks.h>
#include <fs/vfs/lock.h>
#include <kernel/proc.h>

void fs_wait(void *chan)
{
	if (current)
		(void)sleep_on(chan); /* -EINTR: the caller checks again */
	else
		arch_idle_wait();
}

void fs_wake(void *chan)
{
	wakeup(chan);
}
