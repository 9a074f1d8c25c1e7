/*
 * sys_fs.c - system calls on descriptors: open, close, read, write,
 * readv, writev, lseek, dup, pipe, ioctl (fcntl: sys_fcntl.c). Data is bounced
 * through a kernel page (up to 128 bytes: a buffer on the kernel stack) a chunk
 * at a time, so a bad user pointer is -EFAULT and a partial transfer returns
 * what was done.
 */
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/proc.h>
#include <kernel/rlimit.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define IOV_MAX 1024
#define MAX_RW 0x7ffff000u /* Linux's cap on one transfer */
#define SMALL_RW 128	   /* transfers bounced through the stack */

/* Bytes from uaddr to the end of its page, at most n: transfers go a user
 * page at a time, so a bad page ends one with what came before it. */
static size_t user_chunk(uint32_t uaddr, size_t n)
{
	return MIN(n, PAGE_SIZE - (uaddr & ~PAGE_MASK));
}

/* The bounce buffer of a transfer of count bytes: small ones use the
 * caller's stack buffer small (a pipe's byte costs no page allocation and
 * free), the rest a kernel page; NULL without memory. */
static char *bounce_get(size_t count, char *small)
{
	return count <= SMALL_RW ? small : vfs_page_alloc();
}

/* Give back what bounce_get gave. */
static void bounce_put(char *kbuf, const char *small)
{
	if (kbuf != small)
		vfs_page_free(kbuf);
}

/* Once some bytes are in, a read takes only what is there: later pieces
 * of it must not block (pipes, the console). */
static long read_more(struct vfile *f, void *kbuf, size_t n)
{
	uint32_t flags = f->flags;
	long r;

	vfile_set_flags(f, flags | O_NONBLOCK);
	r = vfs_pread(f, kbuf, n, f->pos);
	vfile_set_flags(f, flags);
	return r == -EAGAIN ? 0 : r;
}

/*
 * A regular file whose file system copies to or from user memory itself
 * (read_user, write_user): as much as it takes in one call per stretch of
 * present user pages (a page not present is faulted in here, without the
 * file system's lock, which its fault may need, and the transfer goes
 * on). Returns the bytes moved, -ENOSYS for other files, or the error;
 * *more: stopped short of count and of the end (the page-at-a-time path
 * goes on from there).
 */
static long rw_direct(struct vfile *f, uint32_t ubuf, size_t count, bool write,
		      bool *more)
{
	size_t done = 0;
	bool probed = false;

	*more = false;
	if (!f->vn || !VFS_ISREG(f->vn->mode))
		return -ENOSYS; /* pipes, sockets, devices: no call to find out
				 */
	while (done < count) {
		void *u = (void *)(ubuf + done);
		size_t first = user_chunk(ubuf + done, count - done);
		long r = write ? vfs_pwrite_user(f, u, count - done, f->pos)
			       : vfs_pread_user(f, u, count - done, f->pos);

		if (r == -EAGAIN && !probed) {
			probed = true;
			if (write ? user_probe_readable(ubuf + done, first)
				  : user_probe_writable(ubuf + done, first))
				return done ? (long)done : -EFAULT;
			continue;
		}
		if (r == -EAGAIN)
			*more = true;
		if (r <= 0)
			return done || r == -EAGAIN ? (long)done : r;
		probed = false;
		done += (size_t)r;
		vfile_set_pos(f, f->pos + (uint64_t)r);
	}
	return (long)done;
}

/*
 * Read into the user buffer: straight from the file system where it can
 * (rw_direct), else a page at a time. Each page is made present
 * and writable before the file gives data for it, so nothing read is lost
 * to a bad page: the result is the bytes before it, or -EFAULT if it is
 * the first. Pages after the data are never touched.
 */
static long do_read(struct vfile *f, uint32_t ubuf, size_t count)
{
	char small[SMALL_RW], *kbuf;
	size_t done = 0;
	bool more;
	long r = 0;

	if (!vfile_readable(f))
		return -EBADF;
	count = MIN(count, (size_t)MAX_RW);
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	r = rw_direct(f, ubuf, count, false, &more);
	if (r != -ENOSYS && !more)
		return r;
	if (r > 0)
		done = (size_t)r;
	r = 0;
	kbuf = bounce_get(count, small);
	if (!kbuf)
		return -ENOMEM;
	while (done < count) {
		size_t chunk = user_chunk(ubuf + done, count - done);

		if (user_probe_writable(ubuf + done, chunk)) {
			r = -EFAULT;
			break;
		}
		r = done ? read_more(f, kbuf, chunk)
			 : vfs_pread(f, kbuf, chunk, f->pos);
		if (r <= 0)
			break;
		if (copy_to_user((void *)(ubuf + done), kbuf, (size_t)r)) {
			r = -EFAULT;
			break;
		}
		done += (size_t)r;
		vfile_set_pos(f, f->pos + (uint64_t)r);
		if ((size_t)r < chunk)
			break;
	}
	bounce_put(kbuf, small);
	return done ? (long)done : r;
}

/*
 * Copy the next piece of a write into kbuf (a page): up to the end of the
 * file's page at pos for a regular file (so the file system gets whole
 * pages at page offsets), else a page. When the piece crosses a bad user
 * page, only the part before it: its length, 0 if none.
 */
static size_t write_piece(struct vfile *f, char *kbuf, uint32_t usrc, size_t n,
			  uint64_t pos)
{
	size_t piece = MIN(n, (size_t)PAGE_SIZE);

	if (f->vn && VFS_ISREG(f->vn->mode))
		piece = MIN(n, (size_t)(PAGE_SIZE - (pos & (PAGE_SIZE - 1))));
	if (!copy_from_user(kbuf, (const void *)usrc, piece))
		return piece;
	piece = user_chunk(usrc, piece); /* the part in the first page */
	return copy_from_user(kbuf, (const void *)usrc, piece) ? 0 : piece;
}

/* Write from the user buffer (rw_direct, else a page at a time): a bad
 * page ends the write with the bytes before it (-EFAULT if it is the
 * first), as Linux. */
static long do_write(struct vfile *f, uint32_t ubuf, size_t count)
{
	char small[SMALL_RW], *kbuf;
	size_t done = 0;
	bool more;
	long r = 0;

	if (!vfile_writable(f))
		return -EBADF;
	count = MIN(count, (size_t)MAX_RW);
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	if ((f->flags & O_APPEND) && f->vn && VFS_ISREG(f->vn->mode))
		vfile_set_pos(f, file_size(f));
	if (f->vn && VFS_ISREG(f->vn->mode)) {
		uint64_t limit = rlimit_cur(current, RLIMIT_FSIZE);

		if (f->pos >= limit) { /* RLIMIT_FSIZE: SIGXFSZ and EFBIG */
			proc_signal(current, SIGXFSZ);
			return -EFBIG;
		}
		count = (size_t)MIN((uint64_t)count, limit - f->pos);
	}
	r = rw_direct(f, ubuf, count, true, &more);
	if (r != -ENOSYS && !more)
		return r;
	if (r > 0)
		done = (size_t)r;
	r = 0;
	kbuf = bounce_get(count, small);
	if (!kbuf)
		return done ? (long)done : -ENOMEM;
	while (done < count) {
		size_t chunk =
		    write_piece(f, kbuf, ubuf + done, count - done, f->pos);

		if (!chunk) {
			r = -EFAULT;
			break;
		}
		r = vfs_pwrite(f, kbuf, chunk, f->pos);
		if (r <= 0)
			break;
		done += (size_t)r;
		vfile_set_pos(f, f->pos + (uint64_t)r);
		if ((size_t)r < chunk)
			break;
	}
	bounce_put(kbuf, small);
	return done ? (long)done : r;
}

/* The open file of fd for I/O and the calls on the file: NULL (-EBADF)
 * for an O_PATH descriptor too, as Linux. */
static struct vfile *getf(uint32_t fd)
{
	return fd_file_io(current, (int)fd);
}

SYSCALL_DEFINE3(read, uint32_t, fd, uint32_t, buf, uint32_t, count)
{
	struct vfile *f = getf(fd);

	return f ? do_read(f, buf, count) : -EBADF;
}

SYSCALL_DEFINE3(write, uint32_t, fd, uint32_t, buf, uint32_t, count)
{
	struct vfile *f = getf(fd);

	return f ? do_write(f, buf, count) : -EBADF;
}

/* pread64/pwrite64: like read/write at an offset, position unchanged. */
static long do_prw(uint32_t fd, uint32_t buf, uint32_t count, uint64_t off,
		   bool write)
{
	struct vfile *f = getf(fd);
	uint64_t saved;
	long r;

	if (!f)
		return -EBADF;
	if ((int64_t)off < 0)
		return -EINVAL;
	if (!vfile_seekable(f))
		return -ESPIPE;
	saved = f->pos;
	vfile_set_pos(f, off);
	r = write ? do_write(f, buf, count) : do_read(f, buf, count);
	vfile_set_pos(f, saved);
	return r;
}

SYSCALL_DEFINE5(pread64, uint32_t, fd, uint32_t, buf, uint32_t, count, uint32_t,
		lo, uint32_t, hi)
{
	return do_prw(fd, buf, count, syscall_u64(lo, hi), false);
}

SYSCALL_DEFINE5(pwrite64, uint32_t, fd, uint32_t, buf, uint32_t, count,
		uint32_t, lo, uint32_t, hi)
{
	return do_prw(fd, buf, count, syscall_u64(lo, hi), true);
}

struct uiovec {
	uint32_t base, len;
};

/* Linux's checks of an iovec array before any transfer: readable
 * (-EFAULT), no length nor their sum above SSIZE_MAX (-EINVAL). */
static long iov_check(uint32_t uiov, uint32_t cnt)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < cnt; i++) {
		struct uiovec v;

		if (copy_from_user(&v, (const void *)(uiov + i * sizeof(v)),
				   sizeof(v)))
			return -EFAULT;
		if (v.len > INT32_MAX || sum + v.len > INT32_MAX)
			return -EINVAL;
		sum += v.len;
	}
	return 0;
}

static long do_rwv(uint32_t fd, uint32_t uiov, uint32_t cnt, bool write)
{
	struct vfile *f = getf(fd);
	size_t total = 0;
	long err;

	if (!f)
		return -EBADF;
	if (cnt > IOV_MAX)
		return -EINVAL;
	err = iov_check(uiov, cnt);
	if (err)
		return err;
	for (uint32_t i = 0; i < cnt; i++) {
		struct uiovec v;
		long r;

		if (copy_from_user(&v, (const void *)(uiov + i * sizeof(v)),
				   sizeof(v)))
			return total ? (long)total : -EFAULT;
		if (v.len == 0)
			continue;
		r = write ? do_write(f, v.base, v.len)
			  : do_read(f, v.base, v.len);
		if (r < 0)
			return total ? (long)total : r;
		total += (size_t)r;
		if ((uint32_t)r < v.len)
			break;
	}
	return (long)total;
}

SYSCALL_DEFINE3(readv, uint32_t, fd, uint32_t, iov, uint32_t, cnt)
{
	return do_rwv(fd, iov, cnt, false);
}

SYSCALL_DEFINE3(writev, uint32_t, fd, uint32_t, iov, uint32_t, cnt)
{
	return do_rwv(fd, iov, cnt, true);
}

static long do_openat(int dirfd, uint32_t upath, uint32_t flags, uint32_t mode)
{
	struct vfs_ctx ctx;
	struct upath u;
	struct vfile *f;
	long r = upath_get(&u, dirfd, upath);

	if (r)
		return r;
	flags &= O_VALID_MASK; /* as Linux, unknown bits are ignored */
	proc_vfs_ctx(current, &ctx);
	r = vfs_openat(&ctx, u.start, u.path, flags & ~(uint32_t)O_CLOEXEC,
		       mode & ~current->fs->umask, &f);
	if (!r) /* /proc/PID/fd/N names it (nameless without memory) */
		vfile_set_name(f, u.start ? u.start : ctx.cwd, u.path);
	if (!r && f->vn && VFS_ISREG(f->vn->mode)) {
		r = lease_break(f->vn, f,
				vfile_writable(f) || (flags & O_TRUNC),
				flags & O_NONBLOCK);
		if (r)
			vfile_put(f);
	}
	if (!r) {
		vfile_set_flags(f, f->flags & ~(uint32_t)O_OPEN_ONLY);
		r = fd_install(current, f, 0, flags & O_CLOEXEC);
		if (r < 0)
			vfile_put(f);
	}
	upath_put(&u);
	return r;
}

SYSCALL_DEFINE3(open, uint32_t, path, uint32_t, flags, uint32_t, mode)
{
	return do_openat(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uint32_t, path, uint32_t, flags, uint32_t,
		mode)
{
	return do_openat(dirfd, path, flags, mode);
}

SYSCALL_DEFINE2(creat, uint32_t, path, uint32_t, mode)
{
	return do_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(current, fd);
}

SYSCALL_DEFINE3(lseek, uint32_t, fd, int, off, uint32_t, whence)
{
	struct vfile *f = getf(fd);
	uint64_t old;
	int64_t r;

	if (!f)
		return -EBADF;
	old = f->pos;
	r = vfs_lseek(f, off, (int)whence);
	if (r > 0x7fffffff) {
		vfile_set_pos(f, old);
		return -EOVERFLOW;
	}
	return (long)r;
}

SYSCALL_DEFINE5(llseek, uint32_t, fd, uint32_t, hi, uint32_t, lo, void *,
		result, uint32_t, whence)
{
	struct vfile *f = getf(fd);
	int64_t r;

	if (!f)
		return -EBADF;
	r = vfs_lseek(f, (int64_t)syscall_u64(lo, hi), (int)whence);
	if (r < 0)
		return (long)r;
	return copy_to_user(result, &r, sizeof(r)) ? -EFAULT : 0;
}

static long do_dup3(uint32_t oldfd, uint32_t newfd, uint32_t flags)
{
	struct vfile *f = fd_file(current, (int)oldfd);
	long r;

	if (!f || newfd >= MIN(NFILE, rlimit_cur(current, RLIMIT_NOFILE)))
		return -EBADF;
	if (flags & ~(uint32_t)O_CLOEXEC)
		return -EINVAL;
	r = fd_replace(current, (int)newfd, vfile_get(f), flags & O_CLOEXEC);
	return r ? r : (long)newfd;
}

SYSCALL_DEFINE1(dup, uint32_t, fd)
{
	return fd_dup(current, (int)fd, 0, false);
}

SYSCALL_DEFINE2(dup2, uint32_t, oldfd, uint32_t, newfd)
{
	if (!fd_file(current, (int)oldfd))
		return -EBADF;
	if (oldfd == newfd)
		return (long)newfd;
	return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE3(dup3, uint32_t, oldfd, uint32_t, newfd, uint32_t, flags)
{
	if (oldfd == newfd)
		return fd_file(current, (int)oldfd) ? -EINVAL : -EBADF;
	return do_dup3(oldfd, newfd, flags);
}

static long do_pipe2(uint32_t ufds, uint32_t flags)
{
	struct vfile *rd, *wr;
	int32_t fds[2];
	long r;

	if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!user_range_ok(ufds, sizeof(fds)))
		return -EFAULT;
	r = pipe_create(&rd, &wr);
	if (r)
		return r;
	vfile_set_flags(rd, rd->flags | (flags & O_NONBLOCK));
	vfile_set_flags(wr, wr->flags | (flags & O_NONBLOCK));
	fds[0] = fd_install(current, rd, 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE
			    : fd_install(current, wr, 0, flags & O_CLOEXEC);
	if (fds[1] >= 0 && !copy_to_user((void *)ufds, fds, sizeof(fds)))
		return 0;
	r = fds[1] >= 0 ? -EFAULT : -EMFILE;
	if (fds[1] >= 0)
		fd_close(current, fds[1]);
	else
		vfile_put(wr);
	if (fds[0] >= 0)
		fd_close(current, fds[0]);
	else
		vfile_put(rd);
	return r;
}

SYSCALL_DEFINE2(pipe2, uint32_t, ufds, uint32_t, flags)
{
	return do_pipe2(ufds, flags);
}

SYSCALL_DEFINE1(pipe, uint32_t, ufds)
{
	return do_pipe2(ufds, 0);
}

SYSCALL_DEFINE3(ioctl, uint32_t, fd, uint32_t, cmd, uint32_t, arg)
{
	struct vfile *f = getf(fd);

	if (!f)
		return -EBADF;
	return f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
}
