/*
 * sys_attr.c - system calls that change or test a file's attributes:
 * chmod, chown (16- and 32-bit ids), access, truncate, utime, utimes,
 * utimensat and their f* and *at forms. Owner and permission rules are
 * the VFS's (vfs_setattr, vfs_truncate, vnode_permission).
 */
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/proc.h>
#include <kernel/rlimit.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define UTIME_NOW ((1u << 30) - 1)
#define UTIME_OMIT ((1u << 30) - 2)
#define NSEC_PER_SEC 1000000000u

/* setattr on v as the current process; drops the reference. */
static long setattr_put(struct vnode *v, const struct vattr *va, unsigned mask)
{
	struct vfs_ctx ctx;
	long err;

	proc_vfs_ctx(current, &ctx);
	err = vfs_setattr(&ctx, v, va, mask);
	vnode_put(v);
	return err;
}

/* The vnode behind descriptor fd, referenced. */
static long fd_vnode(int fd, struct vnode **v)
{
	struct vfile *f = fd_file_io(current, fd); /* O_PATH: -EBADF */

	if (!f)
		return -EBADF;
	if (!f->vn)
		return -EINVAL;
	*v = vnode_get(f->vn);
	return 0;
}

static long chmod_vnode(struct vnode *v, uint32_t mode)
{
	struct vattr va = {.mode = mode & VFS_MODE_BITS};

	return setattr_put(v, &va, VATTR_MODE);
}

SYSCALL_DEFINE2(chmod, uint32_t, path, uint32_t, mode)
{
	struct vnode *v;
	long err = lookup_user(AT_FDCWD, path, false, false, &v);

	return err ? err : chmod_vnode(v, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	struct vnode *v;
	long err = lookup_user(dirfd, path, false, false, &v);

	return err ? err : chmod_vnode(v, mode);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct vnode *v;
	long err = fd_vnode(fd, &v);

	return err ? err : chmod_vnode(v, mode);
}

/* chown with -1 meaning "unchanged" for either id. */
static long chown_vnode(struct vnode *v, uint32_t uid, uint32_t gid)
{
	struct vattr va = {.uid = uid, .gid = gid};
	unsigned mask =
	    (uid != ~0u ? VATTR_UID : 0) | (gid != ~0u ? VATTR_GID : 0);

	if (!mask) {
		vnode_put(v);
		return 0;
	}
	return setattr_put(v, &va, mask);
}

/* The 16-bit calls pass 0xffff for -1. */
static uint32_t id16(uint32_t id)
{
	id &= 0xffff;
	return id == 0xffff ? ~0u : id;
}

static long do_fchownat(int dirfd, uint32_t path, uint32_t uid, uint32_t gid,
			uint32_t flags)
{
	struct vnode *v;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_user(dirfd, path, flags & AT_SYMLINK_NOFOLLOW,
			  flags & AT_EMPTY_PATH, &v);
	return err ? err : chown_vnode(v, uid, gid);
}

static long do_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct vnode *v;
	long err = fd_vnode(fd, &v);

	return err ? err : chown_vnode(v, uid, gid);
}

SYSCALL_DEFINE3(chown32, uint32_t, path, uint32_t, uid, uint32_t, gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown32, uint32_t, path, uint32_t, uid, uint32_t, gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE3(fchown32, int, fd, uint32_t, uid, uint32_t, gid)
{
	return do_fchown(fd, uid, gid);
}

SYSCALL_DEFINE3(chown16, uint32_t, path, uint32_t, uid, uint32_t, gid)
{
	return do_fchownat(AT_FDCWD, path, id16(uid), id16(gid), 0);
}

SYSCALL_DEFINE3(lchown16, uint32_t, path, uint32_t, uid, uint32_t, gid)
{
	return do_fchownat(AT_FDCWD, path, id16(uid), id16(gid),
			   AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE3(fchown16, int, fd, uint32_t, uid, uint32_t, gid)
{
	return do_fchown(fd, id16(uid), id16(gid));
}

SYSCALL_DEFINE5(fchownat, int, dirfd, uint32_t, path, uint32_t, uid, uint32_t,
		gid, uint32_t, flags)
{
	return do_fchownat(dirfd, path, uid, gid, flags);
}

static long do_faccessat(int dirfd, uint32_t path, uint32_t mode,
			 uint32_t flags)
{
	struct vfs_ctx ctx;
	struct vnode *v;
	long err;

	if (mode & ~7u)
		return -EINVAL;
	if (flags &
	    ~(uint32_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_user(dirfd, path, flags & AT_SYMLINK_NOFOLLOW,
			  flags & AT_EMPTY_PATH, &v);
	if (err)
		return err;
	proc_vfs_ctx(current, &ctx);
	if (mode)
		err = vnode_permission(&ctx.cred, v, (int)mode);
	vnode_put(v);
	return err;
}

SYSCALL_DEFINE2(access, uint32_t, path, uint32_t, mode)
{
	return do_faccessat(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	return do_faccessat(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uint32_t, path, uint32_t, mode,
		uint32_t, flags)
{
	return do_faccessat(dirfd, path, mode, flags);
}

/* RLIMIT_FSIZE: a regular file may not grow past it (SIGXFSZ, EFBIG). */
static long fsize_check(struct vnode *v, int64_t len)
{
	if (!VFS_ISREG(v->mode) ||
	    (uint64_t)len <= rlimit_cur(current, RLIMIT_FSIZE))
		return 0;
	proc_signal(current, SIGXFSZ);
	return -EFBIG;
}

static long do_truncate(uint32_t path, int64_t len)
{
	struct vfs_ctx ctx;
	struct vnode *v;
	long err;

	if (len < 0)
		return -EINVAL;
	err = lookup_user(AT_FDCWD, path, false, false, &v);
	if (err)
		return err;
	proc_vfs_ctx(current, &ctx);
	err = fsize_check(v, len);
	if (!err)
		err = lease_break(v, NULL, true, false); /* as a writer */
	if (!err)
		err = vfs_truncate(&ctx, v, (uint64_t)len);
	vnode_put(v);
	return err;
}

static long do_ftruncate(int fd, int64_t len)
{
	struct vfile *f = fd_file_io(current, fd);

	if (!f)
		return -EBADF;
	if (len < 0)
		return -EINVAL;
	if (f->vn && VFS_ISDIR(f->vn->mode))
		return -EINVAL;
	if (f->vn && fsize_check(f->vn, len))
		return -EFBIG;
	return vfs_ftruncate(f, (uint64_t)len);
}

SYSCALL_DEFINE2(truncate, uint32_t, path, int, len)
{
	return do_truncate(path, len);
}

SYSCALL_DEFINE2(ftruncate, int, fd, int, len)
{
	return do_ftruncate(fd, len);
}

SYSCALL_DEFINE3(truncate64, uint32_t, path, uint32_t, lo, uint32_t, hi)
{
	return do_truncate(path, (int64_t)syscall_u64(lo, hi));
}

SYSCALL_DEFINE3(ftruncate64, int, fd, uint32_t, lo, uint32_t, hi)
{
	return do_ftruncate(fd, (int64_t)syscall_u64(lo, hi));
}

/* --- times ------------------------------------------------------------ */

/* One time of utimensat: UTIME_NOW, UTIME_OMIT (bit cleared) or given. */
static long set_time(int64_t sec, uint32_t nsec, unsigned bit,
		     struct vtimespec *t, unsigned *mask)
{
	if (nsec == UTIME_OMIT) {
		*mask &= ~bit;
		return 0;
	}
	if (nsec == UTIME_NOW) {
		t->sec = fs_clock_now();
		t->nsec = 0;
		return 0;
	}
	if (nsec >= NSEC_PER_SEC)
		return -EINVAL;
	t->sec = sec;
	t->nsec = nsec;
	*mask &= ~VATTR_TOUCH; /* an explicit time: owner only */
	return 0;
}

/* times[2] as (sec, nsec) pairs, NULL for "both now". */
static long do_utimes(int dirfd, uint32_t path, const int64_t *sec,
		      const uint32_t *nsec, uint32_t flags)
{
	unsigned mask = VATTR_ATIME | VATTR_MTIME | VATTR_TOUCH;
	struct vattr va;
	struct vnode *v;
	long err = 0;

	memset(&va, 0, sizeof(va));
	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (sec) {
		err = set_time(sec[0], nsec[0], VATTR_ATIME, &va.atime, &mask);
		if (!err)
			err = set_time(sec[1], nsec[1], VATTR_MTIME, &va.mtime,
				       &mask);
		if (err)
			return err;
	} else {
		va.atime.sec = va.mtime.sec = fs_clock_now();
	}
	if (path)
		err = lookup_user(dirfd, path, flags & AT_SYMLINK_NOFOLLOW,
				  false, &v);
	else
		err = fd_vnode(dirfd, &v); /* utimensat(fd, NULL, ...) */
	if (err)
		return err;
	if (!(mask & (VATTR_ATIME | VATTR_MTIME))) {
		vnode_put(v);
		return 0;
	}
	return setattr_put(v, &va, mask);
}

struct utimespec64 {
	int64_t sec;
	int64_t nsec;
};

static long utimensat_common(int dirfd, uint32_t path, uint32_t utimes,
			     uint32_t flags, bool time64)
{
	int64_t sec[2];
	uint32_t nsec[2];

	for (int i = 0; utimes && i < 2; i++) {
		struct utimespec64 t64;
		int32_t t32[2];

		if (time64 && copy_from_user(&t64, (void *)(utimes + 16 * i),
					     sizeof(t64)))
			return -EFAULT;
		if (!time64 &&
		    copy_from_user(t32, (void *)(utimes + 8 * i), sizeof(t32)))
			return -EFAULT;
		sec[i] = time64 ? t64.sec : t32[0];
		nsec[i] = time64 ? (uint32_t)t64.nsec : (uint32_t)t32[1];
		if (time64 && (t64.nsec < 0 || t64.nsec > 0xffffffffll))
			return -EINVAL;
	}
	return do_utimes(dirfd, path, utimes ? sec : NULL, nsec, flags);
}

SYSCALL_DEFINE4(utimensat, int, dirfd, uint32_t, path, uint32_t, times,
		uint32_t, flags)
{
	return utimensat_common(dirfd, path, times, flags, false);
}

SYSCALL_DEFINE4(utimensat64, int, dirfd, uint32_t, path, uint32_t, times,
		uint32_t, flags)
{
	return utimensat_common(dirfd, path, times, flags, true);
}

/* utimes / futimesat: struct timeval[2] (microseconds). */
static long do_futimesat(int dirfd, uint32_t path, uint32_t utimes)
{
	int32_t tv[4];
	int64_t sec[2];
	uint32_t nsec[2];

	if (!path)
		return -EFAULT;
	if (!utimes)
		return do_utimes(dirfd, path, NULL, NULL, 0);
	if (copy_from_user(tv, (void *)utimes, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000)
			return -EINVAL;
		sec[i] = tv[2 * i];
		nsec[i] = (uint32_t)tv[2 * i + 1] * 1000u;
	}
	return do_utimes(dirfd, path, sec, nsec, 0);
}

SYSCALL_DEFINE2(utimes, uint32_t, path, uint32_t, times)
{
	return do_futimesat(AT_FDCWD, path, times);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, uint32_t, path, uint32_t, times)
{
	return do_futimesat(dirfd, path, times);
}

/* utime: struct utimbuf {actime, modtime} in seconds. */
SYSCALL_DEFINE2(utime, uint32_t, path, uint32_t, times)
{
	int32_t t[2];
	int64_t sec[2];
	uint32_t nsec[2] = {0, 0};

	if (!path)
		return -EFAULT;
	if (!times)
		return do_utimes(AT_FDCWD, path, NULL, NULL, 0);
	if (copy_from_user(t, (void *)times, sizeof(t)))
		return -EFAULT;
	sec[0] = t[0];
	sec[1] = t[1];
	return do_utimes(AT_FDCWD, path, sec, nsec, 0);
}
