/*
 * dirops.c - the operations that change the name space: mkdir, mknod,
 * symlink, link, unlink, rmdir, rename. Each resolves the parent and the
 * last name (vfs_lookup_parent), applies Linux's checks in Linux's order
 * (name kind, existence, trailing slash, permission, sticky directory,
 * mount points, cross-device, loops) and leaves the change itself to the
 * directory's backend.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include "internal.h"

#define MAY_WX (VFS_MAY_WRITE | VFS_MAY_EXEC)

int vfs_last_lookup(const struct vfs_ctx *ctx, struct vfs_last *l,
		    struct vnode **out)
{
	int err = vnode_permission(&ctx->cred, l->dir, VFS_MAY_EXEC);

	if (err)
		return err;
	if (!l->dir->ops->lookup)
		return -ENOTDIR;
	return l->dir->ops->lookup(l->dir, l->name, l->len, out);
}

/* The start of every creation: the parent, the name free (-EEXIST), a
 * trailing slash only for directories (-ENOENT), write permission. */
static int create_begin(const struct vfs_ctx *ctx, struct vnode *start,
			const char *path, bool is_dir, struct vfs_last *l)
{
	struct vnode *v;
	int err = vfs_lookup_parent(ctx, start, path, l);

	if (err)
		return err;
	if (l->type != VFS_LAST_NORM) {
		err = -EEXIST;
	} else {
		err = vfs_last_lookup(ctx, l, &v);
		if (!err) {
			vnode_put(v);
			err = -EEXIST;
		} else if (err == -ENOENT) {
			err = l->trailing && !is_dir ? -ENOENT : 0;
		}
	}
	if (!err)
		err = vnode_permission(&ctx->cred, l->dir, MAY_WX);
	if (err)
		vfs_last_put(l);
	return err;
}

/* May victim be removed from dir (write, search, the sticky bit)? */
static int may_delete(const struct vfs_ctx *ctx, struct vnode *dir,
		      struct vnode *victim)
{
	struct vattr dva, vva;
	int err = vnode_permission(&ctx->cred, dir, MAY_WX);

	if (err || ctx->cred.uid == 0)
		return err;
	err = vnode_getattr(dir, &dva);
	if (err || !(dva.mode & VFS_S_ISVTX) || dva.uid == ctx->cred.uid)
		return err;
	err = vnode_getattr(victim, &vva);
	if (!err && vva.uid != ctx->cred.uid)
		err = -EPERM;
	return err;
}

int vfs_mkdir(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	      uint32_t mode)
{
	struct vfs_last l;
	int err = create_begin(ctx, start, path, true, &l);

	if (err)
		return err;
	err = l.dir->ops->mkdir
		  ? l.dir->ops->mkdir(l.dir, l.name, l.len,
				      mode & VFS_MODE_BITS, &ctx->cred)
		  : -EPERM;
	vfs_last_put(&l);
	return err;
}

/* mknod's type check (before the path is looked at, as Linux does). */
static int mknod_type(uint32_t *mode)
{
	switch (*mode & VFS_S_IFMT) {
	case 0:
		*mode |= VFS_S_IFREG;
		return 0;
	case VFS_S_IFREG:
	case VFS_S_IFCHR:
	case VFS_S_IFBLK:
	case VFS_S_IFIFO:
	case VFS_S_IFSOCK:
		return 0;
	case VFS_S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

int vfs_mknod(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	      uint32_t mode, uint32_t rdev)
{
	const struct vnode_ops *ops;
	struct vfs_last l;
	uint32_t type;
	int err = mknod_type(&mode);

	if (!err)
		err = create_begin(ctx, start, path, false, &l);
	if (err)
		return err;
	type = mode & VFS_S_IFMT;
	mode &= VFS_S_IFMT | VFS_MODE_BITS;
	ops = l.dir->ops;
	if ((type == VFS_S_IFCHR || type == VFS_S_IFBLK) && ctx->cred.uid)
		err = -EPERM; /* CAP_MKNOD */
	else if (type == VFS_S_IFREG)
		err = ops->create ? ops->create(l.dir, l.name, l.len, mode,
						&ctx->cred, NULL)
				  : -EPERM;
	else
		err = ops->mknod ? ops->mknod(l.dir, l.name, l.len, mode, rdev,
					      &ctx->cred)
				 : -EPERM;
	vfs_last_put(&l);
	return err;
}

int vfs_symlink(const struct vfs_ctx *ctx, const char *target,
		struct vnode *start, const char *path)
{
	size_t tlen = strnlen(target, VFS_PATH_MAX);
	struct vfs_last l;
	int err;

	if (tlen == 0)
		return -ENOENT;
	if (tlen == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	err = create_begin(ctx, start, path, false, &l);
	if (err)
		return err;
	err = l.dir->ops->symlink
		  ? l.dir->ops->symlink(l.dir, l.name, l.len, target, tlen,
					&ctx->cred)
		  : -EPERM;
	vfs_last_put(&l);
	return err;
}

int vfs_link(const struct vfs_ctx *ctx, struct vnode *ostart, const char *opath,
	     struct vnode *nstart, const char *npath, unsigned flags)
{
	unsigned follow = flags & VFS_AT_SYMLINK_FOLLOW ? 0 : VFS_NOFOLLOW;
	struct vfs_last l;
	struct vnode *v;
	int err;

	if (flags & ~VFS_AT_SYMLINK_FOLLOW)
		return -EINVAL;
	err = vfs_lookup(ctx, ostart, opath, follow, &v);
	if (err)
		return err;
	err = create_begin(ctx, nstart, npath, false, &l);
	if (err) {
		vnode_put(v);
		return err;
	}
	if (l.dir->sb != v->sb)
		err = -EXDEV;
	else if (VFS_ISDIR(v->mode))
		err = -EPERM;
	else
		err = l.dir->ops->link
			  ? l.dir->ops->link(l.dir, l.name, l.len, v)
			  : -EPERM;
	vfs_last_put(&l);
	vnode_put(v);
	return err;
}

int vfs_unlink(const struct vfs_ctx *ctx, struct vnode *start, const char *path)
{
	struct vfs_last l;
	struct vnode *v = NULL;
	int err = vfs_lookup_parent(ctx, start, path, &l);

	if (err)
		return err;
	if (l.type != VFS_LAST_NORM)
		err = -EISDIR;
	if (!err)
		err = vfs_last_lookup(ctx, &l, &v);
	if (!err && VFS_ISDIR(v->mode))
		err = -EISDIR;
	else if (!err && l.trailing)
		err = -ENOTDIR;
	if (!err)
		err = may_delete(ctx, l.dir, v);
	if (!err)
		err = l.dir->ops->unlink
			  ? l.dir->ops->unlink(l.dir, l.name, l.len)
			  : -EPERM;
	vnode_put(v);
	vfs_last_put(&l);
	return err;
}

int vfs_rmdir(const struct vfs_ctx *ctx, struct vnode *start, const char *path)
{
	static const int by_type[] = {
	    [VFS_LAST_ROOT] = -EBUSY,
	    [VFS_LAST_DOT] = -EINVAL,
	    [VFS_LAST_DOTDOT] = -ENOTEMPTY,
	};
	struct vfs_last l;
	struct vnode *v = NULL;
	int err = vfs_lookup_parent(ctx, start, path, &l);

	if (err)
		return err;
	err = by_type[l.type];
	if (!err)
		err = vfs_last_lookup(ctx, &l, &v);
	if (!err && !VFS_ISDIR(v->mode))
		err = -ENOTDIR;
	if (!err)
		err = may_delete(ctx, l.dir, v);
	if (!err && v->mounted)
		err = -EBUSY;
	if (!err)
		err = l.dir->ops->rmdir
			  ? l.dir->ops->rmdir(l.dir, l.name, l.len)
			  : -EPERM;
	vnode_put(v);
	vfs_last_put(&l);
	return err;
}
