/*
 * lease.c - file leases (F_SETLEASE, F_GETLEASE) and their breaking.
 *
 * A lease belongs to an open file (a vfile) of a regular file. A read
 * lease needs the file open for writing by nobody; a write lease needs it
 * open by nobody else. When another open file is opened for writing (or
 * the file truncated) while a lease exists, or opened at all while a
 * write lease exists, the lease is broken: its holder gets SIGIO (or its
 * F_SETSIG signal, si_code POLL_MSG, si_fd the lease's descriptor) and
 * the opener waits until the holder removes the lease (or downgrades a
 * write lease to read, when the opener only reads) or lease-break-time
 * seconds pass, after which the kernel does it. O_NONBLOCK openers get
 * EWOULDBLOCK instead of waiting. Leases go with the last close of
 * their file.
 */
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <mm/slab.h>

#define POLL_MSG 3
#define POLLMSG 0x400
#define BREAK_POLL_TICKS 2 /* how often a waiting opener looks again */

int lease_break_time = 45;

struct lease {
	struct lease *next;
	struct vfile *f; /* not referenced: the last put removes the lease */
	int fd;
	int type;   /* FLOCK_RDLCK or FLOCK_WRLCK */
	int target; /* while broken: FLOCK_RDLCK or FLOCK_UNLCK */
	bool breaking;
	uint64_t deadline; /* tick at which the kernel breaks it */
};

static struct lease *leases;

static struct lease *lease_of(const struct vfile *f)
{
	for (struct lease *l = leases; l; l = l->next)
		if (l->f == f)
			return l;
	return NULL;
}

static void lease_remove(struct lease *l)
{
	struct lease **pp = &leases;

	while (*pp != l)
		pp = &(*pp)->next;
	if (pp == &leases)
		leases = l->next;
	else
		USE(container_of(pp, struct lease, next), *pp = l->next);
	SLAB_FREE(l);
}

/* Another open file's lease on v of at least this type? */
static bool other_lease(const struct vfile *f, int type)
{
	for (struct lease *l = leases; l; l = l->next)
		if (l->f != f && l->f->vn == f->vn &&
		    (type == FLOCK_RDLCK || l->type == FLOCK_WRLCK))
			return true;
	return false;
}

/* May f take (or change to) a lease of type? 0 or -EAGAIN (Linux's
 * check_conflicting_open and the leases of others; a truncate breaking
 * the lease counts as a writer, as Linux's holds write access). */
static long may_lease(struct vfile *f, int type)
{
	struct vnode *v = f->vn;

	struct lease *mine = lease_of(f);

	if (type == FLOCK_RDLCK) /* a writer waits while it breaks to none */
		return v->writers || other_lease(f, FLOCK_WRLCK) ||
			       (mine && mine->breaking &&
				mine->target == FLOCK_UNLCK)
			   ? -EAGAIN
			   : 0;
	if (v->opens > 1 || other_lease(f, FLOCK_RDLCK))
		return -EAGAIN;
	return 0;
}

/* The last close of a file: its lease goes. */
static void lease_last_put(struct vfile *f)
{
	struct lease *l = f->vn ? lease_of(f) : NULL;

	if (l)
		lease_remove(l);
}

/* F_SETLEASE F_RDLCK / F_WRLCK: new or changed; the file's SIGIO owner
 * becomes the caller, as on Linux. */
static long lease_add(struct vfile *f, int fd, int type)
{
	struct lease *l = lease_of(f);
	long r = may_lease(f, type);

	if (r)
		return r;
	vfs_set_last_put(lease_last_put);
	if (!l) {
		l = slab_zalloc(sizeof(*l));
		if (!l)
			return -ENOMEM;
		USE(l, {
			l->f = f;
			l->next = leases;
		});
		leases = l;
	}
	USE(l, {
		l->type = type;
		l->fd = fd;
		l->breaking = false;
	});
	vfile_set_owner(f, 1 /* F_OWNER_PID */, current->tgid);
	return 0;
}

long lease_set(struct vfile *f, int fd, uint32_t type)
{
	struct vattr va;
	struct lease *l;

	if (!f->vn || !VFS_ISREG(f->vn->mode))
		return -EINVAL;
	if (type != FLOCK_RDLCK && type != FLOCK_WRLCK && type != FLOCK_UNLCK)
		return -EINVAL;
	if (vnode_getattr(f->vn, &va))
		return -EINVAL;
	if (va.uid != current->cred.fsuid && !cred_privileged())
		return -EACCES;
	if (type != FLOCK_UNLCK)
		return lease_add(f, fd, (int)type);
	l = lease_of(f);
	if (!l)
		return -EAGAIN;
	lease_remove(l);
	return 0;
}

long lease_get(struct vfile *f)
{
	struct lease *l = lease_of(f);

	if (!l)
		return FLOCK_UNLCK;
	return l->breaking ? l->target : l->type;
}

/* Start breaking the leases on v that conflict with the opener; whether
 * any still conflicts. Leases past their deadline are broken here. */
static bool break_round(struct vnode *v, const struct vfile *self, bool writing)
{
	uint64_t now = sched_ticks();
	bool pending = false;
	struct lease *l = leases, *next;

	for (; l; l = next) {
		next = l->next;
		if (l->f == self || l->f->vn != v ||
		    (!writing && l->type == FLOCK_RDLCK))
			continue;
		if (!l->breaking) {
			USE(l, {
				l->breaking = true;
				l->target = writing ? FLOCK_UNLCK : FLOCK_RDLCK;
				l->deadline =
				    now +
				    (uint64_t)MAX(lease_break_time, 0) * HZ;
			});
			fown_signal(l->f, l->fd, POLL_MSG,
				    POLLIN | POLLRDNORM | POLLMSG);
		}
		if (now < l->deadline) {
			pending = true;
		} else if (l->target == FLOCK_RDLCK) {
			USE(l, {
				l->type = FLOCK_RDLCK;
				l->breaking = false;
			});
		} else {
			lease_remove(l);
		}
	}
	return pending;
}

long lease_break(struct vnode *v, const struct vfile *self, bool writing,
		 bool nonblock)
{
	while (leases && break_round(v, self, writing)) {
		if (nonblock)
			return -EAGAIN;
		if (sched_sleep_ticks(BREAK_POLL_TICKS, NULL))
			return -ERESTARTSYS;
	}
	return 0;
}
