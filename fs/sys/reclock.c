/*
 * reclock.c - fcntl's record locks as processes see them: F_GETLK,
 * F_SETLK, F_SETLKW (and the 64-bit and OFD twins) on the byte-range
 * locks of fs/vfs/filelock.c.
 *
 * Guarantees, as Linux: a POSIX lock belongs to the process (one owner
 * for all its descriptors) and all of them on a file go when the process
 * closes any descriptor of that file, or exits; an OFD lock belongs to
 * the open file and goes with its last close. F_SETLKW sleeps until the
 * range is free, answering a signal with -ERESTARTSYS (EINTR, or a
 * restart under SA_RESTART) and a wait that would close a cycle of POSIX
 * waiters with -EDEADLK. Every removal wakes the file's sleepers, who
 * try again. A file's lock set is freed when it holds no lock.
 */
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define OFFT32_MAX 0x7fffffffll
#define DEADLK_HOPS 10 /* as Linux's MAX_DEADLK_ITERATIONS */

/* struct flock and struct flock64 of Linux i386. */
struct uflock32 {
	int16_t type, whence;
	int32_t start, len, pid;
};

struct uflock64 {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
} __attribute__((packed));

_Static_assert(sizeof(struct uflock64) == 24, "i386 struct flock64");

struct kflock {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
};

/* Who waits for whom: a POSIX owner asleep in F_SETLKW and the owner of
 * the lock in its way (the EDEADLK check follows these). */
static struct {
	const void *waiter, *blocker;
} waits[NPROC];

/* The owner of p's POSIX locks: its descriptor table, as Linux's
 * current->files, so the threads sharing one table share the locks. */
static const void *posix_owner(const struct proc *p)
{
	return p->files;
}

static int flock_in(uint32_t uptr, bool wide, struct kflock *k)
{
	struct uflock32 n;
	struct uflock64 w;

	if (wide) {
		if (copy_from_user(&w, (const void *)uptr, sizeof(w)))
			return -EFAULT;
		*k = (struct kflock){w.type, w.whence, w.start, w.len, w.pid};
		return 0;
	}
	if (copy_from_user(&n, (const void *)uptr, sizeof(n)))
		return -EFAULT;
	*k = (struct kflock){n.type, n.whence, n.start, n.len, n.pid};
	return 0;
}

static int flock_out(uint32_t uptr, bool wide, const struct kflock *k)
{
	struct uflock32 n = {k->type, k->whence, (int32_t)k->start,
			     (int32_t)k->len, k->pid};
	struct uflock64 w = {k->type, k->whence, k->start, k->len, k->pid};

	if (wide)
		return copy_to_user((void *)uptr, &w, sizeof(w)) ? -EFAULT : 0;
	return copy_to_user((void *)uptr, &n, sizeof(n)) ? -EFAULT : 0;
}

/* The byte range of a struct flock on f (Linux's flock64_to_posix_lock). */
static int to_range(struct vfile *f, const struct kflock *k,
		    struct flock_range *r)
{
	int64_t start;

	switch (k->whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = (int64_t)f->pos;
		break;
	case SEEK_END:
		start = (int64_t)file_size(f);
		break;
	default:
		return -EINVAL;
	}
	if (k->start > 0 && start > FLOCK_OFFSET_MAX - k->start)
		return -EOVERFLOW;
	start += k->start;
	if (start < 0)
		return -EINVAL;
	r->start = start;
	if (k->len > 0) {
		if (k->len - 1 > FLOCK_OFFSET_MAX - start)
			return -EOVERFLOW;
		r->end = start + (k->len - 1);
	} else if (k->len < 0) {
		if (start + k->len < 0)
			return -EINVAL;
		r->end = start - 1;
		r->start = start + k->len;
	} else {
		r->end = FLOCK_OFFSET_MAX;
	}
	return 0;
}

/* A conflicting lock as F_GETLK reports it; -EOVERFLOW if struct flock
 * cannot hold it. */
static int from_range(const struct flock_range *r, bool wide, struct kflock *k)
{
	k->type = r->type;
	k->whence = SEEK_SET;
	k->start = r->start;
	k->len = r->end == FLOCK_OFFSET_MAX ? 0 : r->end - r->start + 1;
	k->pid = r->pid;
	if (!wide && (r->start > OFFT32_MAX ||
		      (r->end != FLOCK_OFFSET_MAX && r->end > OFFT32_MAX)))
		return -EOVERFLOW;
	return 0;
}

/* Read and check the caller's struct flock: type, range, owner. */
static long get_request(struct vfile *f, uint32_t uptr, bool wide, bool ofd,
			struct kflock *k, struct flock_range *req)
{
	long r = flock_in(uptr, wide, k);

	if (r)
		return r;
	if (!f->vn)
		return -EINVAL; /* pipes and sockets: no inode to lock */
	if (k->type != FLOCK_RDLCK && k->type != FLOCK_WRLCK &&
	    k->type != FLOCK_UNLCK)
		return -EINVAL;
	if (ofd && k->pid != 0)
		return -EINVAL;
	*req = (struct flock_range){.type = (uint8_t)k->type,
				    .ofd = ofd,
				    .owner = ofd ? (const void *)f
						 : posix_owner(current),
				    .pid = ofd ? -1 : current->tgid};
	return to_range(f, k, req);
}

long reclock_getlk(struct vfile *f, uint32_t uptr, bool wide, bool ofd)
{
	struct flock_range req, held;
	struct kflock k;
	long r = get_request(f, uptr, wide, ofd, &k, &req);

	if (r)
		return r;
	if (k.type == FLOCK_UNLCK)
		return -EINVAL;
	if (flock_test(f->vn->flc, &req, &held)) {
		r = from_range(&held, wide, &k);
		if (r)
			return r;
	} else {
		k.type = FLOCK_UNLCK;
	}
	return flock_out(uptr, wide, &k);
}

/* The owner whose lock owner waits for, or NULL. */
static const void *blocker_of(const void *owner)
{
	for (int i = 0; i < NPROC; i++)
		if (waits[i].waiter == owner)
			return waits[i].blocker;
	return NULL;
}

/* Would me waiting for blocker close a cycle of waiters? */
static bool would_deadlock(const void *me, const void *blocker)
{
	for (int hop = 0; blocker && hop < DEADLK_HOPS; hop++) {
		if (blocker == me)
			return true;
		blocker = blocker_of(blocker);
	}
	return false;
}

/* Sleep until the file's locks change, as waiter of blocker. */
static int wait_for(struct vnode *v, const void *me, const void *blocker)
{
	int slot = -1, r;

	for (int i = 0; i < NPROC && slot < 0; i++)
		if (!waits[i].waiter)
			slot = i;
	if (slot >= 0) /* a full table only loses deadlock detection */
		waits[slot].waiter = me, waits[slot].blocker = blocker;
	r = sleep_on(&v->flc);
	if (slot >= 0)
		waits[slot].waiter = waits[slot].blocker = NULL;
	return r ? -ERESTARTSYS : 0;
}

/* v's lock set, made on first use; NULL without memory. */
static struct flock_ctx *lock_ctx(struct vnode *v)
{
	if (!v->flc) {
		struct flock_ctx *c = flock_ctx_new();

		if (c)
			USE(v, v->flc = c);
	}
	return v->flc;
}

/* Free v's lock set once it is empty. */
static void trim_ctx(struct vnode *v)
{
	if (v->flc && flock_empty(v->flc)) {
		flock_ctx_free(v->flc);
		USE(v, v->flc = NULL);
	}
}

/* Apply req to v, sleeping for conflicts when wait is set. */
static long set_lock(struct vnode *v, const struct flock_range *req, bool wait)
{
	struct flock_range held;
	bool changed;
	long r;

	for (;;) {
		if (!lock_ctx(v))
			return -ENOLCK;
		r = flock_set(v->flc, req, &held, &changed);
		if (changed)
			wakeup(&v->flc);
		if (r != -EAGAIN || !wait)
			break;
		if (!req->ofd && !held.ofd &&
		    would_deadlock(req->owner, held.owner)) {
			r = -EDEADLK;
			break;
		}
		r = wait_for(v, req->owner, held.owner);
		if (r)
			break;
	}
	trim_ctx(v);
	return r == -ENOMEM ? -ENOLCK : r;
}

long reclock_setlk(struct vfile *f, uint32_t uptr, bool wide, bool ofd,
		   bool wait)
{
	struct flock_range req;
	struct kflock k;
	long r = get_request(f, uptr, wide, ofd, &k, &req);

	if (r)
		return r;
	if ((k.type == FLOCK_RDLCK && !vfile_readable(f)) ||
	    (k.type == FLOCK_WRLCK && !vfile_writable(f)))
		return -EBADF;
	if (k.type == FLOCK_UNLCK && !f->vn->flc)
		return 0;
	return set_lock(f->vn, &req, wait);
}

void reclock_close(struct proc *p, struct vfile *f)
{
	struct vnode *v = f->vn;

	if (!v || !v->flc)
		return;
	if (flock_release_owner(v->flc, posix_owner(p)))
		wakeup(&v->flc);
	trim_ctx(v);
}
