/*
 * sys_stat.c - stat, lstat, fstat in the old and the 64-bit (i386 struct
 * stat64) layouts, fstatat64, and reading directories with getdents and
 * getdents64. statx is left unregistered (-ENOSYS): glibc falls back.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define RAMFS_DEV 1 /* st_dev of every file */
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

/* Stat data of an open file. */
static void file_stat(struct file *f, struct ramfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->nlink = 1;
	switch (f->kind) {
	case FILE_RAMFS:
	case FILE_DEV:
		if (f->node) {
			ramfs_stat(f->node, st);
		} else { /* the console without a /dev node */
			st->mode = RAMFS_S_IFCHR | 0620;
			st->rdev = f->rdev;
		}
		break;
	case FILE_PIPE:
		st->mode = RAMFS_S_IFIFO | 0600;
		st->ino = PIPE_INO_BASE + (uint32_t)((uintptr_t)f->priv >> 4);
		break;
	case FILE_PROC:
		st->mode = RAMFS_S_IFREG | 0444;
		st->ino = 0xf0000000u;
		break;
	}
}

static long put_stat64(uint32_t ubuf, const struct ramfs_stat *st)
{
	struct stat64 s;

	memset(&s, 0, sizeof(s));
	s.dev = RAMFS_DEV;
	s.ino32 = st->ino;
	s.ino = st->ino;
	s.mode = st->mode;
	s.nlink = st->nlink;
	s.uid = st->uid;
	s.gid = st->gid;
	s.rdev = st->rdev;
	s.size = (int64_t)st->size;
	s.blksize = PAGE_SIZE;
	s.blocks = (st->size + 511) / 512;
	s.atime = st->atime;
	s.mtime = st->mtime;
	s.ctime = st->ctime;
	return copy_to_user((void *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

static long put_old_stat(uint32_t ubuf, const struct ramfs_stat *st)
{
	struct old_stat s;

	if (st->size > 0x7fffffff)
		return -EOVERFLOW;
	memset(&s, 0, sizeof(s));
	s.dev = RAMFS_DEV;
	s.ino = st->ino;
	s.mode = (uint16_t)st->mode;
	s.nlink = (uint16_t)st->nlink;
	s.uid = (uint16_t)st->uid;
	s.gid = (uint16_t)st->gid;
	s.rdev = st->rdev;
	s.size = (uint32_t)st->size;
	s.blksize = PAGE_SIZE;
	s.blocks = (uint32_t)((st->size + 511) / 512);
	s.atime = st->atime;
	s.mtime = st->mtime;
	s.ctime = st->ctime;
	return copy_to_user((void *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

/* Stat data of a user path relative to dirfd. */
static long stat_path(int dirfd, uint32_t upath, bool nofollow, bool empty_ok,
		      struct ramfs_stat *st)
{
	struct procfs_ent pe;
	const char *cwd;
	char *path, *cwd_page;
	struct ramfs_node *n;
	long err = path_from_user(upath, &path);

	if (err)
		return err;
	if (!path[0] && empty_ok) {
		struct file *f = fd_file(current, dirfd);

		kpage_free(path);
		if (!f)
			return -EBADF;
		file_stat(f, st);
		return 0;
	}
	err = at_cwd(dirfd, path, &cwd, &cwd_page);
	if (!err && procfs_match(cwd, path, nofollow, &pe)) {
		procfs_stat(&pe, st);
	} else if (!err) {
		err = ramfs_lookup(vfs_root_fs(), cwd, path,
				   nofollow ? RAMFS_NOFOLLOW : 0, &n);
		if (!err)
			ramfs_stat(n, st);
	}
	kpage_free(cwd_page);
	kpage_free(path);
	return err;
}

static long do_stat(uint32_t upath, uint32_t ubuf, bool nofollow, bool is64)
{
	struct ramfs_stat st;
	long err = stat_path(AT_FDCWD, upath, nofollow, false, &st);

	if (err)
		return err;
	return is64 ? put_stat64(ubuf, &st) : put_old_stat(ubuf, &st);
}

static long do_fstat(uint32_t fd, uint32_t ubuf, bool is64)
{
	struct file *f = fd_file(current, (int)fd);
	struct ramfs_stat st;

	if (!f)
		return -EBADF;
	file_stat(f, &st);
	return is64 ? put_stat64(ubuf, &st) : put_old_stat(ubuf, &st);
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
	struct ramfs_stat st;
	long err;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = stat_path(dirfd, p, flags & AT_SYMLINK_NOFOLLOW,
			flags & AT_EMPTY_PATH, &st);
	return err ? err : put_stat64(buf, &st);
}

/* --- directories ---------------------------------------------------- */

static uint8_t dirent_type(uint32_t mode)
{
	/* DT_* is the S_IF* type shifted down by 12. */
	return (uint8_t)((mode & RAMFS_S_IFMT) >> 12);
}

/* Fill kbuf (at most size bytes) with records from f's position; the
 * number of bytes, or -EINVAL if not even one record fits. */
static long fill_dirents(struct file *f, char *kbuf, size_t size, bool is64)
{
	struct ramfs_dirent_info e;
	size_t used = 0;

	while (ramfs_readdir(f->node, (uint32_t)f->pos, &e) == 0) {
		size_t head = is64 ? 19 : 10;
		size_t align = is64 ? 8 : 4;
		size_t reclen =
		    (head + e.namelen + 2 + align - 1) & ~(align - 1);
		char *r = kbuf + used;

		if (used + reclen > size)
			break;
		memset(r, 0, reclen);
		if (is64) {
			uint64_t ino = e.ino;
			int64_t off = e.next;
			uint16_t rl = (uint16_t)reclen;

			memcpy(r, &ino, 8);
			memcpy(r + 8, &off, 8);
			memcpy(r + 16, &rl, 2);
			r[18] = (char)dirent_type(e.mode);
		} else {
			uint32_t ino = e.ino, off = e.next;
			uint16_t rl = (uint16_t)reclen;

			memcpy(r, &ino, 4);
			memcpy(r + 4, &off, 4);
			memcpy(r + 8, &rl, 2);
			r[reclen - 1] = (char)dirent_type(e.mode);
		}
		memcpy(r + head, e.name, e.namelen);
		used += reclen;
		f->pos = e.next;
	}
	if (used == 0 && ramfs_readdir(f->node, (uint32_t)f->pos, &e) == 0)
		return -EINVAL; /* the next record does not fit */
	return (long)used;
}

static long do_getdents(uint32_t fd, uint32_t ubuf, uint32_t count, bool is64)
{
	struct file *f = fd_file(current, (int)fd);
	uint64_t start;
	char *kbuf;
	long r;

	if (!f)
		return -EBADF;
	if (f->kind != FILE_RAMFS || !RAMFS_ISDIR(ramfs_mode(f->node)))
		return -ENOTDIR;
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	kbuf = kpage_alloc();
	if (!kbuf)
		return -ENOMEM;
	start = f->pos;
	r = fill_dirents(f, kbuf, MIN((size_t)count, PAGE_SIZE), is64);
	if (r > 0 && copy_to_user((void *)ubuf, kbuf, (size_t)r)) {
		f->pos = start;
		r = -EFAULT;
	}
	kpage_free(kbuf);
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
