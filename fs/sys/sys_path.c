/*
 * sys_path.c - system calls on names: link, unlink, rmdir, mkdir, mknod,
 * symlink, readlink, rename, chmod, chown, access, truncate, chdir,
 * chroot, getcwd and their *at() forms, plus the helpers that bring user
 * paths and dirfds into the kernel. Names are resolved by the VFS
 * (fs/vfs/) from the caller's root, cwd or dirfd.
 */
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

long path_from_user(uint32_t upath, char **out)
{
	char *page = vfs_page_alloc();
	long r;

	if (!page)
		return -ENOMEM;
	r = strncpy_from_user(page, (const char *)upath, VFS_PATH_MAX);
	if (r < 0) {
		vfs_page_free(page);
		return r;
	}
	*out = page;
	return 0;
}

long dirfd_vnode(int dirfd, struct vnode **out)
{
	struct vfile *f;

	if (dirfd == AT_FDCWD) {
		*out =
		    current->fs->cwd ? vnode_get(current->fs->cwd) : vfs_root();
		return 0;
	}
	f = fd_file(current, dirfd);
	if (!f)
		return -EBADF;
	if (!f->vn)
		return -ENOTDIR;
	*out = vnode_get(f->vn);
	return 0;
}

long upath_get(struct upath *u, int dirfd, uint32_t upath)
{
	long err;

	u->start = NULL;
	err = path_from_user(upath, &u->path);
	if (err || u->path[0] == '/' || dirfd == AT_FDCWD)
		return err;
	err = dirfd_vnode(dirfd, &u->start);
	if (!err && !VFS_ISDIR(u->start->mode)) {
		vnode_put(u->start);
		u->start = NULL;
		err = -ENOTDIR;
	}
	if (err)
		vfs_page_free(u->path);
	return err;
}

void upath_put(struct upath *u)
{
	vfs_page_free(u->path);
	vnode_put(u->start);
}

static struct vfs_ctx *ctx_of_current(struct vfs_ctx *ctx)
{
	proc_vfs_ctx(current, ctx);
	return ctx;
}

static long do_unlinkat(int dirfd, uint32_t upath, uint32_t flags)
{
	struct vfs_ctx ctx;
	struct upath u;
	long err;

	if (flags & ~(uint32_t)AT_REMOVEDIR)
		return -EINVAL;
	err = upath_get(&u, dirfd, upath);
	if (err)
		return err;
	if (flags & AT_REMOVEDIR)
		err = vfs_rmdir(ctx_of_current(&ctx), u.start, u.path);
	else
		err = vfs_unlink(ctx_of_current(&ctx), u.start, u.path);
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

static long do_mknodat(int dirfd, uint32_t upath, uint32_t mode, uint32_t dev,
		       bool dir)
{
	struct vfs_ctx ctx;
	struct upath u;
	long err = upath_get(&u, dirfd, upath);

	if (err)
		return err;
	mode = (mode & VFS_S_IFMT) | (mode & 07777 & ~current->fs->umask);
	if (dir)
		err = vfs_mkdir(ctx_of_current(&ctx), u.start, u.path, mode);
	else
		err =
		    vfs_mknod(ctx_of_current(&ctx), u.start, u.path, mode, dev);
	upath_put(&u);
	return err;
}

SYSCALL_DEFINE2(mkdir, uint32_t, path, uint32_t, mode)
{
	return do_mknodat(AT_FDCWD, path, mode & 07777, 0, true);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, uint32_t, path, uint32_t, mode)
{
	return do_mknodat(dirfd, path, mode & 07777, 0, true);
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
	struct vfs_ctx ctx;
	struct upath u;
	char *target;
	long err = path_from_user(utarget, &target);

	if (err)
		return err;
	err = upath_get(&u, dirfd, upath);
	if (!err) {
		err =
		    vfs_symlink(ctx_of_current(&ctx), target, u.start, u.path);
		upath_put(&u);
	}
	vfs_page_free(target);
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
	struct vfs_ctx ctx;
	struct upath u;
	char *buf;
	long r;

	if (size <= 0)
		return -EINVAL;
	r = upath_get(&u, dirfd, upath);
	if (r)
		return r;
	buf = vfs_page_alloc();
	if (!buf)
		r = -ENOMEM;
	else
		r = vfs_readlink(ctx_of_current(&ctx), u.start, u.path, buf,
				 MIN((size_t)size, PAGE_SIZE));
	if (r > 0 && copy_to_user((void *)ubuf, buf, (size_t)r))
		r = -EFAULT;
	vfs_page_free(buf);
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

/* link and rename: two paths, each relative to its own dirfd. */
static long do_two(int odirfd, uint32_t oldp, int ndirfd, uint32_t newp, int op,
		   unsigned flags)
{
	struct vfs_ctx ctx;
	struct upath o, n;
	long err = upath_get(&o, odirfd, oldp);

	if (err)
		return err;
	err = upath_get(&n, ndirfd, newp);
	if (err) {
		upath_put(&o);
		return err;
	}
	ctx_of_current(&ctx);
	if (op == 'r')
		err = vfs_rename(&ctx, o.start, o.path, n.start, n.path, flags);
	else
		err = vfs_link(&ctx, o.start, o.path, n.start, n.path, flags);
	upath_put(&n);
	upath_put(&o);
	return err;
}

SYSCALL_DEFINE2(link, uint32_t, oldp, uint32_t, newp)
{
	return do_two(AT_FDCWD, oldp, AT_FDCWD, newp, 'l', 0);
}

SYSCALL_DEFINE5(linkat, int, odirfd, uint32_t, oldp, int, ndirfd, uint32_t,
		newp, uint32_t, flags)
{
	if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH)
		return -ENOENT; /* needs CAP_DAC_READ_SEARCH and an fd walk */
	return do_two(odirfd, oldp, ndirfd, newp, 'l',
		      flags & AT_SYMLINK_FOLLOW ? VFS_AT_SYMLINK_FOLLOW : 0);
}

SYSCALL_DEFINE2(rename, uint32_t, oldp, uint32_t, newp)
{
	return do_two(AT_FDCWD, oldp, AT_FDCWD, newp, 'r', 0);
}

SYSCALL_DEFINE4(renameat, int, odirfd, uint32_t, oldp, int, ndirfd, uint32_t,
		newp)
{
	return do_two(odirfd, oldp, ndirfd, newp, 'r', 0);
}

SYSCALL_DEFINE5(renameat2, int, odirfd, uint32_t, oldp, int, ndirfd, uint32_t,
		newp, uint32_t, flags)
{
	if (flags &
	    ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & RENAME_NOREPLACE))
		return -EINVAL;
	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL; /* as file systems without them answer */
	return do_two(odirfd, oldp, ndirfd, newp, 'r',
		      flags & RENAME_NOREPLACE ? VFS_RENAME_NOREPLACE : 0);
}

/* The vnode a user path names (following links unless nofollow),
 * referenced; an empty path names dirfd itself when empty_ok. */
long lookup_user(int dirfd, uint32_t upath, bool nofollow, bool empty_ok,
		 struct vnode **v)
{
	struct vfs_ctx ctx;
	struct upath u;
	long err = upath_get(&u, dirfd, upath);

	if (err)
		return err;
	if (!u.path[0] && empty_ok)
		err = dirfd_vnode(dirfd, v);
	else
		err = vfs_lookup(ctx_of_current(&ctx), u.start, u.path,
				 nofollow ? VFS_NOFOLLOW : 0, v);
	upath_put(&u);
	return err;
}
