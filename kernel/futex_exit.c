/*
 * futex_exit.c - what a thread's end does to user-space locks: the
 * robust futex list (set_robust_list, get_robust_list) is walked and each
 * lock the thread still holds is marked FUTEX_OWNER_DIED with one waiter
 * woken, as Linux's exit_robust_list; then the CLONE_CHILD_CLEARTID word
 * (set_tid_address) is cleared and one waiter woken, which is how
 * pthread_join learns of the end. A list that cannot be read, or loops,
 * is abandoned after ROBUST_LIST_LIMIT entries: never an error.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048

/* Linux's struct robust_list_head on i386: the list (a pointer to the
 * next entry, the head itself ending it), the offset of each entry's
 * futex word, and the entry being locked or unlocked. */
struct robust_head {
	uint32_t next;
	int32_t futex_offset;
	uint32_t pending;
};

/* The lock word at uaddr belonged to p: mark its owner dead, wake one.
 * A pending entry that was not yet taken (0) still wakes one waiter. */
static void futex_owner_died(struct proc *p, uint32_t uaddr, bool pending)
{
	uint32_t val, new;

	if (uaddr % 4 || copy_from_user(&val, (void *)uaddr, 4))
		return;
	if (pending && !val) {
		futex_wake_shared(uaddr, 1);
		return;
	}
	if ((val & FUTEX_TID_MASK) != (uint32_t)p->pid)
		return;
	new = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)uaddr, &new, 4))
		return;
	if (val & FUTEX_WAITERS)
		futex_wake_shared(uaddr, 1);
}

/* Walk p's robust list (p is current: its memory is loaded). Bit 0 of
 * an entry marks a PI lock, which this kernel does not have. */
static void robust_list_walk(struct proc *p)
{
	struct robust_head h;
	uint32_t entry, next;
	int n = 0;

	if (copy_from_user(&h, (void *)p->robust_list, sizeof(h)))
		return;
	entry = h.next;
	while (entry != p->robust_list && n++ < ROBUST_LIST_LIMIT) {
		uint32_t e = entry & ~1u;

		if (copy_from_user(&next, (void *)e, 4))
			break;
		if (e != (h.pending & ~1u) && !(entry & 1))
			futex_owner_died(p, e + (uint32_t)h.futex_offset,
					 false);
		entry = next;
	}
	if (h.pending && !(h.pending & 1))
		futex_owner_died(
		    p, (h.pending & ~1u) + (uint32_t)h.futex_offset, true);
}

void futex_exit(struct proc *p)
{
	uint32_t zero = 0;

	if (p->robust_list)
		robust_list_walk(p);
	p->robust_list = 0;
	if (p->clear_child_tid && p->space &&
	    !copy_to_user((void *)p->clear_child_tid, &zero, 4))
		futex_wake_shared(p->clear_child_tid, 1);
	p->clear_child_tid = 0;
}

SYSCALL_DEFINE2(set_robust_list, uint32_t, head, uint32_t, len)
{
	if (len != sizeof(struct robust_head))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

/* Another thread's list needs the right to signal it (Linux asks for
 * ptrace read access: the same real uid, or privilege). */
SYSCALL_DEFINE3(get_robust_list, int, pid, uint32_t, uhead, uint32_t, ulen)
{
	struct proc *p = pid ? proc_find(pid) : current;
	uint32_t len = sizeof(struct robust_head);

	if (!p)
		return -ESRCH;
	if (p != current && !cred_privileged() &&
	    p->cred.uid != current->cred.uid)
		return -EPERM;
	if (copy_to_user((void *)ulen, &len, 4) ||
	    copy_to_user((void *)uhead, &p->robust_list, 4))
		return -EFAULT;
	return 0;
}
