/*
 * rename.c - rename(2) / renameat2(2) with flags 0 and RENAME_NOREPLACE,
 * and the attribute operations on paths and vnodes: readlink, stat,
 * access, setattr (chmod, chown, utimes), truncate.
 *
 * rename checks in Linux's order: both names in one mount (-EXDEV), no
 * "/", "." or ".." (-EBUSY; -EEXIST for RENAME_NOREPLACE), the source
 * exists, trailing slashes only on directories, RENAME_NOREPLACE, the
 * same file on both sides (nothing to do), delete permission on both
 * sides, no mount point involved (-EBUSY), a directory not moved below
 * itself (-EINVAL), matching types (-ENOTDIR, -EISDIR).
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include "internal.h"

#define MAY_WX (VFS_MAY_WRITE | VFS_MAY_EXEC)

struct rename_side {
	struct vfs_last l;
	struct vnode *v; /* the entry, or NULL for a free target name */
};

/* Is dir anc or below it (one super block, walking ".." up)? */
static bool is_within(struct vnode *dir, struct vnode *anc)
{
	struct vnode *v = vnode_get(dir), *up;
	bool found = false;

	while (!found) {
		if (v == anc)
			found = true;
		else if (vfs_is_mount_root(v) || !v->ops->lookup ||
			 v->ops->lookup(v, "..", 2, &up))
			break;
		else if (up == v) {
			vnode_put(up);
			break;
		} else {
			vnode_put(v);
			v = up;
		}
	}
	vnode_put(v);
	return found;
}

/* Permission to take o->v out of its directory and to put it (in place
 * of n->v) into the other. */
static int rename_may(const struct vfs_ctx *ctx, struct rename_side *o,
		      struct rename_side *n)
{
	int err = vnode_permission(&ctx->cred, o->l.dir, MAY_WX);

	if (!err)
		err = vnode_permission(&ctx->cred, n->l.dir, MAY_WX);
	if (!err && ctx->cred.uid) {
		struct vattr d, a;

		for (int i = 0; i < 2 && !err; i++) {
			struct rename_side *s = i ? n : o;

			if (!s->v || vnode_getattr(s->l.dir, &d) ||
			    !(d.mode & VFS_S_ISVTX) || d.uid == ctx->cred.uid)
				continue;
			if (!vnode_getattr(s->v, &a) && a.uid != ctx->cred.uid)
				err = -EPERM;
		}
	}
	/* A directory that changes parent rewrites its "..". */
	if (!err && VFS_ISDIR(o->v->mode) && o->l.dir != n->l.dir)
		err = vnode_permission(&ctx->cred, o->v, VFS_MAY_WRITE);
	return err;
}

/* Everything after both entries are known; 1: the same file. */
static int rename_check(const struct vfs_ctx *ctx, struct rename_side *o,
			struct rename_side *n, unsigned flags)
{
	bool dir = VFS_ISDIR(o->v->mode);
	int err;

	if (!dir && (o->l.trailing || n->l.trailing))
		return -ENOTDIR;
	if (n->v && (flags & VFS_RENAME_NOREPLACE))
		return -EEXIST;
	if (n->v == o->v)
		return 1;
	err = rename_may(ctx, o, n);
	if (err)
		return err;
	if (o->v->mounted || (n->v && n->v->mounted))
		return -EBUSY;
	if (dir && is_within(n->l.dir, o->v))
		return -EINVAL;
	if (n->v && dir && !VFS_ISDIR(n->v->mode))
		return -ENOTDIR;
	if (n->v && !dir && VFS_ISDIR(n->v->mode))
		return -EISDIR;
	if (n->v && dir && is_within(o->l.dir, n->v))
		return -ENOTEMPTY;
	return 0;
}

/* Both entries looked up and checked; then the backend moves. */
static int rename_sides(const struct vfs_ctx *ctx, struct rename_side *o,
			struct rename_side *n, unsigned flags)
{
	const struct vnode_ops *ops = o->l.dir->ops;
	int err;

	if (o->l.dir->sb != n->l.dir->sb)
		return -EXDEV;
	if (o->l.type != VFS_LAST_NORM)
		return -EBUSY;
	if (n->l.type != VFS_LAST_NORM)
		return flags & VFS_RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	err = vfs_last_lookup(ctx, &o->l, &o->v);
	if (err)
		return err;
	err = vfs_last_lookup(ctx, &n->l, &n->v);
	if (err && err != -ENOENT)
		return err;
	err = rename_check(ctx, o, n, flags);
	if (err)
		return err == 1 ? 0 : err;
	if (!ops->rename)
		return -EPERM;
	return ops->rename(o->l.dir, o->l.name, o->l.len, n->l.dir, n->l.name,
			   n->l.len);
}

int vfs_rename(const struct vfs_ctx *ctx, struct vnode *ostart,
	       const char *opath, struct vnode *nstart, const char *npath,
	       unsigned flags)
{
	struct rename_side o = {0}, n = {0};
	int err;

	if (flags & ~VFS_RENAME_NOREPLACE)
		return -EINVAL;
	err = vfs_lookup_parent(ctx, ostart, opath, &o.l);
	if (err)
		return err;
	err = vfs_lookup_parent(ctx, nstart, npath, &n.l);
	if (!err) {
		err = rename_sides(ctx, &o, &n, flags);
		vnode_put(n.v);
		vfs_last_put(&n.l);
	}
	vnode_put(o.v);
	vfs_last_put(&o.l);
	return err;
}

long vfs_readlink(const struct vfs_ctx *ctx, struct vnode *start,
		  const char *path, char *buf, size_t size)
{
	struct vnode *v;
	long r = vfs_lookup(ctx, start, path, VFS_NOFOLLOW, &v);

	if (r)
		return r;
	if (!VFS_ISLNK(v->mode) || !v->ops->readlink)
		r = -EINVAL;
	else
		r = v->ops->readlink(v, buf, size);
	vnode_put(v);
	return r;
}

int vfs_stat(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	     unsigned flags, struct vattr *va)
{
	struct vnode *v;
	int err = vfs_lookup(ctx, start, path, flags & VFS_NOFOLLOW, &v);

	if (err)
		return err;
	err = vnode_getattr(v, va);
	vnode_put(v);
	return err;
}

int vfs_access(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       int mask)
{
	struct vnode *v;
	int err = vfs_lookup(ctx, start, path, 0, &v);

	if (err)
		return err;
	if (mask)
		err = vnode_permission(&ctx->cred, v, mask);
	vnode_put(v);
	return err;
}

/* Linux's owner rules for the fields of mask (see namei.h). */
static int setattr_allowed(const struct vcred *c, struct vnode *v,
			   const struct vattr *cur, const struct vattr *va,
			   unsigned mask)
{
	bool owner = c->uid == 0 || c->uid == cur->uid;

	if ((mask & VATTR_TOUCH) && !owner)
		return vnode_permission(c, v, VFS_MAY_WRITE);
	if ((mask & (VATTR_MODE | VATTR_ATIME | VATTR_MTIME)) && !owner)
		return -EPERM;
	if ((mask & VATTR_UID) && c->uid && va->uid != cur->uid)
		return -EPERM;
	if ((mask & VATTR_GID) && c->uid && va->gid != cur->gid &&
	    (c->uid != cur->uid || !vcred_in_group(c, va->gid)))
		return -EPERM;
	return 0;
}

int vfs_setattr(const struct vfs_ctx *ctx, struct vnode *v,
		const struct vattr *va, unsigned mask)
{
	struct vattr cur, a = *va;
	int err = vnode_getattr(v, &cur);

	if (!err)
		err = vfs_sb_writable(v);
	if (!err)
		err = setattr_allowed(&ctx->cred, v, &cur, va, mask);
	if (err)
		return err;
	if (!v->ops->setattr)
		return -EPERM;
	a.mode = (cur.mode & VFS_S_IFMT) | (va->mode & VFS_MODE_BITS);
	/* chmod by a non-root owner outside the file's group drops setgid */
	if ((mask & VATTR_MODE) && ctx->cred.uid &&
	    !vcred_in_group(&ctx->cred, (mask & VATTR_GID) ? va->gid : cur.gid))
		a.mode &= ~VFS_S_ISGID;
	return v->ops->setattr(v, &a, mask & ~VATTR_TOUCH);
}

int vfs_truncate(const struct vfs_ctx *ctx, struct vnode *v, uint64_t size)
{
	int err;

	if (VFS_ISDIR(v->mode))
		return -EISDIR;
	if (!VFS_ISREG(v->mode))
		return -EINVAL;
	err = vnode_permission(&ctx->cred, v, VFS_MAY_WRITE);
	if (err)
		return err;
	if (v->deny_writes)
		return -ETXTBSY;
	return v->ops->truncate ? v->ops->truncate(v, size) : -EINVAL;
}
