/*
 * sys_path.c - system calls on names: link, unlink, rmdir, mkdir, mknod,
 * symlink, readlink, rename, chmod, access, truncate, chdir, getcwd and
 * their *at() forms, plus the helpers that bring user paths and dirfds
 * into the kernel. Names are resolved by the root ramfs.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

long path_from_user(uint32_t upath, char **out)
{
	char *page = kpage_alloc();
	long r;

	if (!page)
		return -ENOMEM;
	r = strncpy_from_user(page, (const char *)upath, RAMFS_PATH_MAX);
	if (r < 0) {
		kpage_free(page);
		return r;
	}
	*out = page;
	return 0;
}

long at_cwd(int dirfd, const char *path, const char **cwd, char **page)
{
	struct file *f;
	int err;

	*page = NULL;
	*cwd = current->cwd;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	f = fd_file(current, dirfd);
	if (!f)
		return -EBADF;
	if (f->kind != FILE_RAMFS || !RAMFS_ISDIR(ramfs_mode(f->node)))
		return -ENOTDIR;
	*page = kpage_alloc();
	if (!*page)
		return -ENOMEM;
	err = ramfs_path(f->node, *page, PAGE_SIZE);
	if (err) {
		kpage_free(*page);
		*page = NULL;
		return err;
	}
	*cwd = *page;
	return 0;
}

/*
 * A user path and the directory it is relative to, for one call. get
 * fills it (0 or -errno); put frees whatever get took.
 */
struct upath {
	char *path;
	const char *cwd;
	char *cwd_page;
};

static long upath_get(struct upath *u, int dirfd, uint32_t upath)
{
	long err;

	u->cwd_page = NULL;
	err = path_from_user(upath, &u->path);
	if (err)
		return err;
	err = at_cwd(dirfd, u->path, &u->cwd, &u->cwd_page);
	if (err)
		kpage_free(u->path);
	return err;
}

static void upath_put(struct upath *u)
{
	kpage_free(u->path);
	kpage_free(u->cwd_page);
}

/* Rewrite u->path as an absolute path (calls with two paths). */
static long upath_absolute(struct upath *u)
{
	size_t clen = strlen(u->cwd), plen = strlen(u->path);

	if (u->path[0] == '/')
		return 0;
	if (clen + 1 + plen + 1 > PAGE_SIZE)
		return -ENAMETOOLONG;
	memmove(u->path + clen + 1, u->path, plen + 1);
	memcpy(u->path, u->cwd, clen);
	u->path[clen] = '/';
	u->cwd = "/";
	return 0;
}

static struct ramfs *fs(void)
{
	return vfs_root_fs();
}

static long do_unlinkat(int dirfd, uint32_t upath, uint32_t flags)
{
	struct upath u;
	long err;

	if (flags & ~(uint32_t)AT_REMOVEDIR)
		return -EINVAL;
	err = upath_get(&u, dirfd, upath);
	if (err)
		return err;
	if (flags & AT_REMOVEDIR)
		err = ramfs_rmdir(fs(), u.cwd, u.path);
	else
		err = ramfs_unlink(fs(), u.cwd, u.path);
	upath_put(&u);
	return err;
}

SYSCALL_DEFINE1(unlink, uint32_t, path)
{
	return do_unlinkat(AT_FDCWD, path, 0);
}

SYSCALL_DEFINE1(rmdir, uint32_t, path)
{
	return do_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, uint32_t, path, uint32_t, flags)
{
	return do_unlinkat(dirfd, path, flags);
}

/* Give a node just created by the current process its owner. */
static void own(struct upath *u)
{
	struct ramfs_node *n;

	if (!ramfs_lookup(fs(), u->cwd, u->path, RAMFS_NOFOLLOW, &n))
		ramfs_chown(n, current->uid, current->gid);
}

static long do_mknodat(int dirfd, uint32_t upath, uint32_t mode, uint32_t dev,
		       bool dir)
{
	uint32_t type = mode & RAMFS_S_IFMT;
	struct upath u;
	long err;

	if (!dir && type != 0 && type != RAMFS_S_IFREG &&
	    type != RAMFS_S_IFIFO && current->uid != 0)
		return -EPERM;
	err = upath_get(&u, dirfd, upath);
	if (err)
		return err;
	if (dir)
		err = ramfs_mkdir(fs(), u.cwd, u.path, mode);
	else
		err = ramfs_mknod(fs(), u.cwd, u.path, mode, dev, NULL);
	if (!err)
		own(&u);
	upath_put(&u);
	return err;
}

SYSCALL_DEFINE2(mkdir, uint32_t, path, uint32_t, mode)
{
	return do_mknodat(AT_FDCWD, path, mode, 0, true);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	return do_mknodat(dirfd, path, mode, 0, true);
}

SYSCALL_DEFINE3(mknod, uint32_t, path, uint32_t, mode, uint32_t, dev)
{
	return do_mknodat(AT_FDCWD, path, mode, dev, false);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, uint32_t, path, uint32_t, mode, uint32_t,
		dev)
{
	return do_mknodat(dirfd, path, mode, dev, false);
}

static long do_symlinkat(uint32_t utarget, int dirfd, uint32_t upath)
{
	struct upath u;
	char *target;
	long err = path_from_user(utarget, &target);

	if (err)
		return err;
	err = upath_get(&u, dirfd, upath);
	if (!err) {
		err = ramfs_symlink(fs(), u.cwd, target, u.path);
		if (!err)
			own(&u);
		upath_put(&u);
	}
	kpage_free(target);
	return err;
}

SYSCALL_DEFINE2(symlink, uint32_t, target, uint32_t, path)
{
	return do_symlinkat(target, AT_FDCWD, path);
}

SYSCALL_DEFINE3(symlinkat, uint32_t, target, int, dirfd, uint32_t, path)
{
	return do_symlinkat(target, dirfd, path);
}

static long do_readlinkat(int dirfd, uint32_t upath, uint32_t ubuf,
			  int32_t size)
{
	struct procfs_ent pe;
	struct upath u;
	char *buf;
	long r;

	if (size <= 0)
		return -EINVAL;
	r = upath_get(&u, dirfd, upath);
	if (r)
		return r;
	buf = kpage_alloc();
	if (!buf)
		r = -ENOMEM;
	else if (procfs_match(u.cwd, u.path, true, &pe))
		r = procfs_readlink(&pe, buf, MIN((size_t)size, PAGE_SIZE));
	else
		r = ramfs_readlink(fs(), u.cwd, u.path, buf,
				   MIN((size_t)size, PAGE_SIZE));
	if (r > 0 && copy_to_user((void *)ubuf, buf, (size_t)r))
		r = -EFAULT;
	kpage_free(buf);
	upath_put(&u);
	return r;
}

SYSCALL_DEFINE3(readlink, uint32_t, path, uint32_t, buf, int, size)
{
	return do_readlinkat(AT_FDCWD, path, buf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uint32_t, path, uint32_t, buf, int,
		size)
{
	return do_readlinkat(dirfd, path, buf, size);
}

/* link and rename: two paths, each made absolute from its own dirfd. */
static long do_two(int odirfd, uint32_t oldp, int ndirfd, uint32_t newp, int op,
		   bool follow)
{
	struct upath o, n;
	struct ramfs_node *node;
	long err = upath_get(&o, odirfd, oldp);

	if (err)
		return err;
	err = upath_get(&n, ndirfd, newp);
	if (err) {
		upath_put(&o);
		return err;
	}
	err = upath_absolute(&o);
	if (!err)
		err = upath_absolute(&n);
	if (!err && op == 'r')
		err = ramfs_rename(fs(), NULL, o.path, n.path);
	else if (!err) {
		err = ramfs_lookup(fs(), NULL, o.path,
				   follow ? 0 : RAMFS_NOFOLLOW, &node);
		if (!err)
			err = ramfs_link_node(fs(), NULL, node, n.path);
	}
	upath_put(&n);
	upath_put(&o);
	return err;
}

SYSCALL_DEFINE2(link, uint32_t, oldp, uint32_t, newp)
{
	return do_two(AT_FDCWD, oldp, AT_FDCWD, newp, 'l', false);
}

SYSCALL_DEFINE5(linkat, int, odirfd, uint32_t, oldp, int, ndirfd, uint32_t,
		newp, uint32_t, flags)
{
	if (flags & ~(uint32_t)AT_SYMLINK_FOLLOW)
		return -EINVAL;
	return do_two(odirfd, oldp, ndirfd, newp, 'l',
		      flags & AT_SYMLINK_FOLLOW);
}

SYSCALL_DEFINE2(rename, uint32_t, oldp, uint32_t, newp)
{
	return do_two(AT_FDCWD, oldp, AT_FDCWD, newp, 'r', false);
}

SYSCALL_DEFINE4(renameat, int, odirfd, uint32_t, oldp, int, ndirfd, uint32_t,
		newp)
{
	return do_two(odirfd, oldp, ndirfd, newp, 'r', false);
}

/* Look a user path up (following links unless nofollow). */
static long lookup_user(int dirfd, uint32_t upath, bool nofollow,
			struct ramfs_node **n)
{
	struct upath u;
	long err = upath_get(&u, dirfd, upath);

	if (err)
		return err;
	err =
	    ramfs_lookup(fs(), u.cwd, u.path, nofollow ? RAMFS_NOFOLLOW : 0, n);
	upath_put(&u);
	return err;
}

static long do_chmod(struct ramfs_node *n, uint32_t mode)
{
	struct ramfs_stat st;

	ramfs_stat(n, &st);
	if (current->uid != 0 && current->uid != st.uid)
		return -EPERM;
	return ramfs_chmod(n, mode);
}

SYSCALL_DEFINE2(chmod, uint32_t, path, uint32_t, mode)
{
	struct ramfs_node *n;
	long err = lookup_user(AT_FDCWD, path, false, &n);

	return err ? err : do_chmod(n, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	struct ramfs_node *n;
	long err = lookup_user(dirfd, path, false, &n);

	return err ? err : do_chmod(n, mode);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct file *file = fd_file(current, fd);

	if (!file)
		return -EBADF;
	return file->node ? do_chmod(file->node, mode) : -EINVAL;
}

static long do_faccessat(int dirfd, uint32_t path, uint32_t mode)
{
	struct ramfs_node *n;
	long err;

	if (mode & ~7u)
		return -EINVAL;
	err = lookup_user(dirfd, path, false, &n);
	return err || mode == 0 ? err : vfs_permission(n, (int)mode);
}

SYSCALL_DEFINE2(access, uint32_t, path, uint32_t, mode)
{
	return do_faccessat(AT_FDCWD, path, mode);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	return do_faccessat(dirfd, path, mode);
}

static long do_truncate(uint32_t path, int64_t len)
{
	struct ramfs_node *n;
	long err;

	if (len < 0)
		return -EINVAL;
	err = lookup_user(AT_FDCWD, path, false, &n);
	if (!err && RAMFS_ISDIR(ramfs_mode(n)))
		err = -EISDIR;
	if (!err)
		err = vfs_permission(n, MAY_WRITE);
	return err ? err : ramfs_truncate(n, (uint64_t)len);
}

static long do_ftruncate(int fd, int64_t len)
{
	struct file *f = fd_file(current, fd);

	if (!f)
		return -EBADF;
	if (len < 0 || f->kind != FILE_RAMFS ||
	    (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return ramfs_truncate(f->node, (uint64_t)len);
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

/* Make directory n the current directory. */
static long set_cwd(struct ramfs_node *n)
{
	long err;

	if (!RAMFS_ISDIR(ramfs_mode(n)))
		return -ENOTDIR;
	err = vfs_permission(n, MAY_EXEC);
	if (!err)
		err = ramfs_path(n, current->cwd, sizeof(current->cwd));
	return err == -ERANGE ? -ENAMETOOLONG : err;
}

SYSCALL_DEFINE1(chdir, uint32_t, path)
{
	struct ramfs_node *n;
	long err = lookup_user(AT_FDCWD, path, false, &n);

	return err ? err : set_cwd(n);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *file = fd_file(current, fd);

	if (!file)
		return -EBADF;
	return file->kind == FILE_RAMFS ? set_cwd(file->node) : -ENOTDIR;
}

SYSCALL_DEFINE2(getcwd, void *, buf, uint32_t, size)
{
	size_t len = strlen(current->cwd) + 1;

	if (size < len)
		return -ERANGE;
	if (copy_to_user(buf, current->cwd, len))
		return -EFAULT;
	return (long)len;
}
