/*
 * reclock.h - the kernel side of files' locks and leases, for fcntl
 * (fs/sys/reclock.c: POSIX and OFD record locks; fs/sys/lease.c: leases;
 * fs/sys/fown.c: who gets a file's SIGIO).
 */
#ifndef FS_RECLOCK_H
#define FS_RECLOCK_H

#include <fs/vfs_core.h>

struct proc;

/* F_GETLK / F_SETLK / F_SETLKW and twins: uptr is a struct flock (wide:
 * struct flock64), ofd for F_OFD_*; 0 or -errno. */
long reclock_getlk(struct vfile *f, uint32_t uptr, bool wide, bool ofd);
long reclock_setlk(struct vfile *f, uint32_t uptr, bool wide, bool ofd,
		   bool wait);
/* p closes a descriptor of f: its POSIX locks on f's file go. */
void reclock_close(struct proc *p, struct vfile *f);

/* fs/sys/fown.c: F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX; and
 * telling f's owner (a lease break: code POLL_MSG) with fd as si_fd. */
long fown_set(struct vfile *f, int32_t arg);
long fown_get(struct vfile *f);
long fown_set_ex(struct vfile *f, uint32_t uptr);
long fown_get_ex(struct vfile *f, uint32_t uptr);
void fown_signal(struct vfile *f, int fd, int32_t code, uint32_t band);

/* fs/sys/lease.c: F_SETLEASE and F_GETLEASE on f (descriptor fd). */
long lease_set(struct vfile *f, int fd, uint32_t type);
long lease_get(struct vfile *f);
/* An open (writing or not) or truncate of f's file by the current
 * process: break the leases of other open files that conflict, waiting
 * for their holders (up to lease-break-time seconds) unless nonblock
 * (-EWOULDBLOCK then). 0, -EWOULDBLOCK or -ERESTARTSYS. */
long lease_break(struct vnode *v, const struct vfile *self, bool writing,
		 bool nonblock);
/* /proc/sys/fs/lease-break-time, in seconds. */
extern int lease_break_time;

/* fs/sys/pipe.c: F_SETPIPE_SZ / F_GETPIPE_SZ; /proc/sys/fs/pipe-max-size. */
long pipe_set_size(struct vfile *f, uint32_t size);
long pipe_get_size(struct vfile *f);
extern uint32_t pipe_max_size;
/* /proc/sys/fs/pipe-user-pages-soft and -hard (0: no limit). */
extern uint32_t pipe_user_pages_soft, pipe_user_pages_hard;

#endif
