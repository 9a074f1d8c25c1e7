/*
 * sys_fcntl.c - fcntl(2) and fcntl64(2): descriptor flags, status flags,
 * F_DUPFD, record locks (reclock.c), leases (lease.c), the SIGIO owner
 * and signal (fown.c), pipe sizes (pipe.c).
 *
 * As on Linux i386, fcntl takes struct flock for F_GETLK/F_SETLK/F_SETLKW
 * and the F_OFD_* commands and refuses the *64 commands; fcntl64 takes
 * struct flock64 for F_GETLK64/F_SETLK64/F_SETLKW64 and F_OFD_*.
 */
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_GETLK64 12
#define F_SETLK64 13
#define F_SETLKW64 14
#define F_SETOWN_EX 15
#define F_GETOWN_EX 16
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_SETLEASE 1024
#define F_GETLEASE 1025
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1

/* The record lock commands; wide: struct flock64. -EINVAL if cmd is
 * not one. */
static long do_lock_cmd(struct vfile *f, uint32_t cmd, uint32_t arg, bool wide)
{
	switch (cmd) {
	case F_GETLK:
		return reclock_getlk(f, arg, false, false);
	case F_SETLK:
	case F_SETLKW:
		return reclock_setlk(f, arg, false, false, cmd == F_SETLKW);
	case F_GETLK64:
		return wide ? reclock_getlk(f, arg, true, false) : -EINVAL;
	case F_SETLK64:
	case F_SETLKW64:
		if (!wide)
			return -EINVAL;
		return reclock_setlk(f, arg, true, false, cmd == F_SETLKW64);
	case F_OFD_GETLK:
		return reclock_getlk(f, arg, wide, true);
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return reclock_setlk(f, arg, wide, true, cmd == F_OFD_SETLKW);
	default:
		return -EINVAL;
	}
}

/* The commands on the owner of SIGIO, leases and pipe sizes. */
static long do_file_cmd(struct vfile *f, int fd, uint32_t cmd, uint32_t arg)
{
	switch (cmd) {
	case F_SETOWN:
		return fown_set(f, (int32_t)arg);
	case F_GETOWN:
		return fown_get(f);
	case F_SETOWN_EX:
		return fown_set_ex(f, arg);
	case F_GETOWN_EX:
		return fown_get_ex(f, arg);
	case F_SETSIG:
		if (arg >= NSIG)
			return -EINVAL;
		vfile_set_sig(f, (uint8_t)arg);
		return 0;
	case F_GETSIG:
		return f->sig;
	case F_SETLEASE:
		return lease_set(f, fd, arg);
	case F_GETLEASE:
		return lease_get(f);
	case F_SETPIPE_SZ:
		return pipe_set_size(f, arg);
	case F_GETPIPE_SZ:
		return pipe_get_size(f);
	default:
		return -EINVAL;
	}
}

/* F_SETFL: the status flags; a change of O_ASYNC is told to the file
 * first, and a refusal leaves every flag as it was. */
static long set_fl(struct vfile *f, int fd, uint32_t arg)
{
	if (((f->flags ^ arg) & O_ASYNC) && f->ops && f->ops->fasync) {
		int r = f->ops->fasync(f, fd, arg & O_ASYNC);

		if (r)
			return r;
	}
	vfile_set_flags(f, (f->flags & ~(uint32_t)O_SETFL_MASK) |
			       (arg & O_SETFL_MASK));
	return 0;
}

static long do_fcntl(uint32_t fd, uint32_t cmd, uint32_t arg, bool wide)
{
	struct vfile *f = fd_file(current, (int)fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return fd_dup(current, (int)fd, (int)arg,
			      cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_cloexec(current, (int)fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(current, (int)fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return (long)((f->flags & ~O_OPEN_ONLY) | O_LARGEFILE);
	}
	if (f->flags & O_PATH)
		return -EBADF; /* Linux: only the descriptor commands above */
	switch (cmd) {
	case F_SETFL:
		return set_fl(f, (int)fd, arg);
	case F_GETLK ... F_SETLKW:
	case F_GETLK64 ... F_SETLKW64:
	case F_OFD_GETLK ... F_OFD_SETLKW:
		return do_lock_cmd(f, cmd, arg, wide);
	default:
		return do_file_cmd(f, (int)fd, cmd, arg);
	}
}

SYSCALL_DEFINE3(fcntl, uint32_t, fd, uint32_t, cmd, uint32_t, arg)
{
	return do_fcntl(fd, cmd, arg, false);
}

SYSCALL_DEFINE3(fcntl64, uint32_t, fd, uint32_t, cmd, uint32_t, arg)
{
	return do_fcntl(fd, cmd, arg, true);
}
