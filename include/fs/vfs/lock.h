/*
 * lock.h - a sleeping lock for file system instances (fs/vfs/lock.c).
 *
 * The kernel is not preemptive, but a backend call may sleep in disk I/O
 * and let another process enter the same file system. A struct vlock is
 * held across such a call: at most one holder at a time; a second taker
 * sleeps (uninterruptibly, through fs_wait) until the holder drops it.
 * It is not recursive: a holder that takes it again waits for ever, so a
 * backend never calls back into its caller while holding it.
 *
 * A vlock lives inside a slab object (the instance it guards): its
 * writes open the slab page around themselves.
 */
#ifndef FS_VFS_LOCK_H
#define FS_VFS_LOCK_H

#include <kernel/types.h>

struct vlock {
	bool held;
	uint32_t waiters; /* sleeping in vlock_take */
};

void vlock_init(struct vlock *l);
/* Wait until l is free, then hold it. */
void vlock_take(struct vlock *l);
/* Let l go and wake its waiters (one of them will take it). */
void vlock_drop(struct vlock *l);
bool vlock_held(const struct vlock *l);

/*
 * What the environment provides (fs/sys/fs_wait.c; the host tests'
 * host_hooks.c): fs_wait sleeps, without being ended by signals, until
 * fs_wake(chan) is called for the same chan; it may also return early
 * (a signal sent meanwhile), so callers wait in a loop on their
 * condition. fs_wake wakes every sleeper of chan.
 */
void fs_wait(void *chan);
void fs_wake(void *chan);

#endif
