/*
 * sys_stat.c - stat, lstat, fstat in the old and the 64-bit (i386 struct
 * stat64) layouts, fstatat64, and reading directories with getdents and
 * getdents64, all from the VFS's struct vattr and readdir. statx is left
 * unregistered (-ENOSYS): glibc falls back.
 */
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define PIPE_INO_BASE 0xe0000000u

/* Linux i386 struct stat (the old one, 64 bytes). */
struct old_stat {
	uint32_t dev, ino;
	uint16_t mode, nlink, uid, gid;
	uint32_t rdev, size, blksize, blocks;
	uint32_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
	uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct old_stat) == 64, "struct stat layout");

/* Linux i386 struct stat64 (96 bytes, 64-bit fields 4-byte aligned). */
struct stat64 {
	uint64_t dev;
	uint8_t pad0[4];
	uint32_t ino32;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev;
	uint8_t pad3[4];
	int64_t size;
	uint32_t blksize;
	uint64_t blocks;
	uint32_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
	uint64_t ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64) == 96, "struct stat64 layout");
_Static_assert(offsetof(struct stat64, size) == 44, "stat64 st_size");
_Static_assert(offsetof(struct stat64, ino) == 88, "stat64 st_ino");

/* Stat data of an open file; files without a vnode are pipes or the
 * console opened without a device node. */
static long file_stat(struct vfile *f, struct vattr *va)
{
	if (f->vn)
		return vnode_getattr(f->vn, va);
	memset(va, 0, sizeof(*va));
	va->nlink = 1;
	va->blksize = PAGE_SIZE;
	if (f->ops == &console_ops) {
		va->mode = VFS_S_IFCHR | 0620;
		va->rdev = DEV_CONSOLE;
	} else {
		va->mode = VFS_S_IFIFO | 0600;
		va->ino = PIPE_INO_BASE + (uint32_t)((uintptr_t)f->priv >> 4);
	}
	return 0;
}

/* The three times of both layouts (seconds as 32 bits, as Linux's i386). */
#define STAT_TIMES(s, va)                              \
	do {                                           \
		(s).atime = (uint32_t)(va)->atime.sec; \
		(s).atime_nsec = (va)->atime.nsec;     \
		(s).mtime = (uint32_t)(va)->mtime.sec; \
		(s).mtime_nsec = (va)->mtime.nsec;     \
		(s).ctime = (uint32_t)(va)->ctime.sec; \
		(s).ctime_nsec = (va)->ctime.nsec;     \
	} while (0)

static long put_stat64(uint32_t ubuf, const struct vattr *va)
{
	struct stat64 s;

	memset(&s, 0, sizeof(s));
	s.dev = va->dev;
	s.ino32 = (uint32_t)va->ino;
	s.ino = va->ino;
	s.mode = va->mode;
	s.nlink = va->nlink;
	s.uid = va->uid;
	s.gid = va->gid;
	s.rdev = va->rdev;
	s.size = (int64_t)va->size;
	s.blksize = va->blksize ? va->blksize : PAGE_SIZE;
	s.blocks = va->blocks;
	STAT_TIMES(s, va);
	return copy_to_user((void *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

static long put_old_stat(uint32_t ubuf, const struct vattr *va)
{
	struct old_stat s;

	if (va->size > 0x7fffffff || va->ino > 0xffffffffu)
		return -EOVERFLOW;
	if (va->uid > 0xffff || va->gid > 0xffff || va->nlink > 0xffff)
		return -EOVERFLOW;
	memset(&s, 0, sizeof(s));
	s.dev = va->dev;
	s.ino = (uint32_t)va->ino;
	s.mode = (uint16_t)va->mode;
	s.nlink = (uint16_t)va->nlink;
	s.uid = (uint16_t)va->uid;
	s.gid = (uint16_t)va->gid;
	s.rdev = va->rdev;
	s.size = (uint32_t)va->size;
	s.blksize = va->blksize ? va->blksize : PAGE_SIZE;
	s.blocks = (uint32_t)va->blocks;
	STAT_TIMES(s, va);
	return copy_to_user((void *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

/* Stat data of a user path relative to dirfd. */
static long stat_path(int dirfd, uint32_t upath, bool nofollow, bool empty_ok,
		      struct vattr *va)
{
	struct vnode *v;
	long err;

	if (empty_ok) {
		char c;

		if (copy_from_user(&c, (const void *)upath, 1))
			return -EFAULT;
		if (!c) {
			struct vfile *f = fd_file(current, dirfd);

			if (dirfd != AT_FDCWD)
				return f ? file_stat(f, va) : -EBADF;
		}
	}
	err = lookup_user(dirfd, upath, nofollow, empty_ok, &v);
	if (err)
		return err;
	err = vnode_getattr(v, va);
	vnode_put(v);
	return err;
}

static long do_stat(uint32_t upath, uint32_t ubuf, bool nofollow, bool is64)
{
	struct vattr va;
	long err = stat_path(AT_FDCWD, upath, nofollow, false, &va);

	if (err)
		return err;
	return is64 ? put_stat64(ubuf, &va) : put_old_stat(ubuf, &va);
}

static long do_fstat(uint32_t fd, uint32_t ubuf, bool is64)
{
	struct vfile *f = fd_file(current, (int)fd);
	struct vattr va;
	long err;

	if (!f)
		return -EBADF;
	err = file_stat(f, &va);
	if (err)
		return err;
	return is64 ? put_stat64(ubuf, &va) : put_old_stat(ubuf, &va);
}

SYSCALL_DEFINE2(stat, uint32_t, p, uint32_t, buf)
{
	return do_stat(p, buf, false, false);
}

SYSCALL_DEFINE2(lstat, uint32_t, p, uint32_t, buf)
{
	return do_stat(p, buf, true, false);
}

SYSCALL_DEFINE2(fstat, uint32_t, fd, uint32_t, buf)
{
	return do_fstat(fd, buf, false);
}

SYSCALL_DEFINE2(stat64, uint32_t, p, uint32_t, buf)
{
	return do_stat(p, buf, false, true);
}

SYSCALL_DEFINE2(lstat64, uint32_t, p, uint32_t, buf)
{
	return do_stat(p, buf, true, true);
}

SYSCALL_DEFINE2(fstat64, uint32_t, fd, uint32_t, buf)
{
	return do_fstat(fd, buf, true);
}

SYSCALL_DEFINE4(fstatat64, int, dirfd, uint32_t, p, uint32_t, buf, uint32_t,
		flags)
{
	struct vattr va;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = stat_path(dirfd, p, flags & AT_SYMLINK_NOFOLLOW,
			flags & AT_EMPTY_PATH, &va);
	return err ? err : put_stat64(buf, &va);
}

/* --- directories ---------------------------------------------------- */

/* Where getdents packs records: a kernel page and how much is used. */
struct dirent_buf {
	char *buf;
	size_t used, size;
	bool is64;
	uint32_t count; /* records packed */
	long err;	/* why packing stopped: 0 (full or done) or -errno */
	bool full;
};

/* filldir of getdents: pack one linux_dirent(64), or stop when full. */
static int pack_dirent(void *arg, const char *name, size_t len, uint64_t ino,
		       unsigned type)
{
	struct dirent_buf *d = arg;
	size_t head = d->is64 ? 19 : 10;
	size_t align = d->is64 ? 8 : 4;
	size_t reclen = (head + len + 2 + align - 1) & ~(align - 1);
	uint16_t rl = (uint16_t)reclen;
	char *r = d->buf + d->used;

	if (d->used + reclen > d->size) {
		d->full = true;
		return 1;
	}
	if (!d->is64 && ino > 0xffffffffu) {
		d->err = -EOVERFLOW;
		return 1;
	}
	memset(r, 0, reclen);
	if (d->is64) {
		int64_t off = d->count + 1;

		memcpy(r, &ino, 8);
		memcpy(r + 8, &off, 8);
		memcpy(r + 16, &rl, 2);
		r[18] = (char)type;
	} else {
		uint32_t ino32 = (uint32_t)ino, off = d->count + 1;

		memcpy(r, &ino32, 4);
		memcpy(r + 4, &off, 4);
		memcpy(r + 8, &rl, 2);
		r[reclen - 1] = (char)type;
	}
	memcpy(r + head, name, len);
	d->used += reclen;
	d->count++;
	return 0;
}

static long do_getdents(uint32_t fd, uint32_t ubuf, uint32_t count, bool is64)
{
	struct vfile *f = fd_file_io(current, (int)fd);
	struct dirent_buf d = {
	    NULL, 0, MIN((size_t)count, PAGE_SIZE), is64, 0, 0, false};
	uint64_t start;
	long r;

	if (!f)
		return -EBADF;
	if (!f->vn || !VFS_ISDIR(f->vn->mode))
		return -ENOTDIR;
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	d.buf = vfs_page_alloc();
	if (!d.buf)
		return -ENOMEM;
	start = f->pos;
	r = vfs_readdir(f, pack_dirent, &d);
	if (!r && d.err)
		r = d.err;
	if (!r && d.full && d.used == 0)
		r = -EINVAL; /* the next record does not fit */
	if (r >= 0 || d.used)
		r = (long)d.used;
	if (r > 0 && copy_to_user((void *)ubuf, d.buf, (size_t)r)) {
		vfile_set_pos(f, start);
		r = -EFAULT;
	}
	vfs_page_free(d.buf);
	return r;
}

SYSCALL_DEFINE3(getdents, uint32_t, fd, uint32_t, buf, uint32_t, count)
{
	return do_getdents(fd, buf, count, false);
}

SYSCALL_DEFINE3(getdents64, uint32_t, fd, uint32_t, buf, uint32_t, count)
{
	return do_getdents(fd, buf, count, true);
}
