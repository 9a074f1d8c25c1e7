/*
 * lock.c - sleeping locks (include/fs/vfs/lock.h). Invariant: held is
 * true exactly while one caller is between vlock_take and vlock_drop;
 * waiters counts the callers asleep in vlock_take, so an uncontended
 * drop wakes nobody. Correct without atomics because the kernel switches
 * only where it sleeps: the test of held and the write that takes it
 * happen with no sleep between them.
 */
#include <fs/vfs/lock.h>
#include <kernel/printk.h>
#include <mm/slab.h>

/* A write to the lock inside its slab object. */
#define LOCK_WRITE(l, code)            \
	do {                           \
		slab_unprotect_any(l); \
		code;                  \
		slab_protect_any(l);   \
	} while (0)

void vlock_init(struct vlock *l)
{
	LOCK_WRITE(l, {
		l->held = false;
		l->waiters = 0;
	});
}

void vlock_take(struct vlock *l)
{
	while (l->held) {
		LOCK_WRITE(l, l->waiters++);
		fs_wait(l);
		LOCK_WRITE(l, l->waiters--);
	}
	LOCK_WRITE(l, l->held = true);
}

void vlock_drop(struct vlock *l)
{
	BUG_ON(!l->held);
	LOCK_WRITE(l, l->held = false);
	if (l->waiters)
		fs_wake(l);
}

bool vlock_held(const struct vlock *l)
{
	return l->held;
}
