/*
 * file.c - open files: open(2) with O_CREAT / O_EXCL / O_TRUNC /
 * O_DIRECTORY / O_NOFOLLOW, reads and writes at the position or at an
 * offset, lseek, readdir from the position, fstat, ftruncate, fsync.
 * A vfile references its vnode, so a file unlinked while open keeps its
 * data until the last vfile_put().
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <fs/vfs/filelock.h>
#include <fs/vfs/lock.h>
#include "internal.h"

static vfs_special_open_t special_open;
static vfs_last_put_t last_put;

void vfs_set_special_open(vfs_special_open_t fn)
{
	special_open = fn;
}

void vfile_set_ops(struct vfile *f, const struct vfile_ops *ops, void *priv)
{
	USE(f, {
		f->ops = ops;
		f->priv = priv;
	});
}

void vfile_set_version(struct vfile *f, uint32_t version)
{
	USE(f, f->version = version);
}

void vfs_set_last_put(vfs_last_put_t fn)
{
	last_put = fn;
}

void vfile_reset(void)
{
	special_open = NULL;
	last_put = NULL;
}

static struct vfile *vfile_new(struct vnode *vn, const struct vfile_ops *ops,
			       void *priv, uint32_t flags)
{
	struct vfile *f = slab_zalloc(sizeof(*f));

	if (!f)
		return NULL;
	USE(f, {
		f->vn = vn;
		f->ops = ops;
		f->priv = priv;
		f->flags = flags;
		f->refs = 1;
	});
	if (vn)
		USE(vn, {
			vn->opens++;
			vn->writers += vfile_writable(f);
		});
	return f;
}

struct vfile *vfile_alloc(const struct vfile_ops *ops, void *priv,
			  uint32_t flags)
{
	return vfile_new(NULL, ops, priv, flags);
}

struct vfile *vfile_get(struct vfile *f)
{
	BUG_ON(f->refs == 0);
	USE(f, f->refs++);
	return f;
}

void vfile_set_pos(struct vfile *f, uint64_t pos)
{
	USE(f, f->pos = pos);
}

void vfile_set_flags(struct vfile *f, uint32_t flags)
{
	USE(f, f->flags = flags);
}

void vfile_set_owner(struct vfile *f, uint8_t type, int32_t pid)
{
	USE(f, {
		f->owner_type = type;
		f->owner_pid = pid;
	});
}

void vfile_set_sig(struct vfile *f, uint8_t sig)
{
	USE(f, f->sig = sig);
}

/* The last put of an open file of a vnode: its OFD locks go (waking
 * whoever waits for them), it stops counting as an open, the vnode's
 * reference is dropped. */
static void vfile_forget_vnode(struct vfile *f)
{
	struct vnode *vn = f->vn;

	if (flock_release_owner(vn->flc, f))
		fs_wake(&vn->flc);
	USE(vn, {
		vn->opens--;
		vn->writers -= vfile_writable(f);
	});
	vnode_put(vn);
}

void vfile_put(struct vfile *f)
{
	if (!f)
		return;
	BUG_ON(f->refs == 0);
	USE(f, f->refs--);
	if (f->refs)
		return;
	if (last_put)
		last_put(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->sb_writer)
		USE(f->vn->sb, f->vn->sb->writers--);
	vfile_forget_name(f);
	if (f->vn)
		vfile_forget_vnode(f);
	SLAB_FREE(f);
}

bool vfile_readable(const struct vfile *f)
{
	return (f->flags & VFS_O_ACCMODE) != VFS_O_WRONLY &&
	       !(f->flags & VFS_O_PATH);
}

bool vfile_writable(const struct vfile *f)
{
	return (f->flags & VFS_O_ACCMODE) != VFS_O_RDONLY &&
	       !(f->flags & VFS_O_PATH);
}

bool vfile_seekable(const struct vfile *f)
{
	return !f->ops || f->ops->seekable;
}

static int open_mask(uint32_t flags)
{
	switch (flags & VFS_O_ACCMODE) {
	case VFS_O_RDONLY:
		return VFS_MAY_READ;
	case VFS_O_WRONLY:
		return VFS_MAY_WRITE;
	default:
		return VFS_MAY_READ | VFS_MAY_WRITE;
	}
}

/* O_NOATIME: only the file's owner (or root) may ask, as on Linux. */
static int noatime_allowed(const struct vcred *c, struct vnode *v)
{
	struct vattr va;
	int err = vnode_getattr(v, &va);

	if (err)
		return err;
	return c->uid == 0 || c->uid == va.uid ? 0 : -EPERM;
}

/* Type and permission checks of opening v; O_TRUNC done. */
static int open_check(const struct vfs_ctx *ctx, struct vnode *v,
		      uint32_t flags, bool created)
{
	int err = 0;

	if (flags & VFS_O_PATH) /* the walk's search permission is all */
		return (flags & VFS_O_DIRECTORY) && !VFS_ISDIR(v->mode)
			   ? -ENOTDIR
			   : 0;
	if (VFS_ISLNK(v->mode))
		return -ELOOP; /* O_NOFOLLOW met a symlink */
	if ((flags & VFS_O_DIRECTORY) && !VFS_ISDIR(v->mode))
		return -ENOTDIR;
	if (VFS_ISDIR(v->mode) &&
	    ((flags & VFS_O_ACCMODE) != VFS_O_RDONLY || (flags & VFS_O_CREAT)))
		return -EISDIR;
	if (!created)
		err = vnode_permission(&ctx->cred, v, open_mask(flags));
	if (!err && v->deny_writes && (flags & VFS_O_ACCMODE) != VFS_O_RDONLY)
		err = -ETXTBSY; /* a running program's image */
	if (!err && (flags & VFS_O_NOATIME) && !created)
		err = noatime_allowed(&ctx->cred, v);
	if (!err && (flags & VFS_O_TRUNC) && VFS_ISREG(v->mode) &&
	    (flags & VFS_O_ACCMODE) != VFS_O_RDONLY && !created)
		err = v->ops->truncate ? v->ops->truncate(v, 0) : -EINVAL;
	return err;
}

/* A vfile for v (its reference moves into the file). */
static int open_file(struct vnode *v, uint32_t flags, struct vfile **out)
{
	bool special = !VFS_ISREG(v->mode) && !VFS_ISDIR(v->mode) &&
		       !(flags & VFS_O_PATH); /* no device open for O_PATH */
	struct vfile *f = vfile_new(v, NULL, NULL, flags);
	struct vattr va;
	int err = 0;

	if (!f) {
		vnode_put(v);
		return -ENOMEM;
	}
	if (special) {
		err = vnode_getattr(v, &va);
		USE(f, f->rdev = va.rdev);
		if (!err)
			err = special_open ? special_open(f) : -ENXIO;
	}
	if (err) {
		USE(f, f->ops = NULL); /* nothing to release */
		vfile_put(f);
		return err;
	}
	if (VFS_ISREG(v->mode) && vfile_writable(f)) {
		/* remount read-only waits for this one (-EBUSY) */
		USE(v->sb, v->sb->writers++);
		USE(f, f->sb_writer = true);
	}
	*out = f;
	return 0;
}

static int do_open(const struct vfs_ctx *ctx, struct vnode *v, uint32_t flags,
		   bool created, struct vfile **out)
{
	int err = open_check(ctx, v, flags, created);

	if (err) {
		vnode_put(v);
		return err;
	}
	return open_file(v, flags, out);
}

int vfs_open_vnode(const struct vfs_ctx *ctx, struct vnode *v, uint32_t flags,
		   struct vfile **out)
{
	return do_open(ctx, vnode_get(v), flags & ~VFS_O_CREAT, false, out);
}

/* O_CREAT: the existing file (followed unless O_NOFOLLOW), or a new one
 * (*created). */
static int open_create(const struct vfs_ctx *ctx, struct vnode *start,
		       const char *path, uint32_t flags, uint32_t mode,
		       struct vnode **v, bool *created)
{
	struct vfs_last l;
	int err = vfs_lookup_parent(ctx, start, path, &l);

	if (err)
		return err;
	if (l.type != VFS_LAST_NORM || l.trailing)
		err = -EISDIR;
	else
		err = vfs_last_lookup(ctx, &l, v);
	if (!err && (flags & VFS_O_EXCL)) {
		vnode_put(*v);
		err = -EEXIST;
	} else if (!err && VFS_ISLNK((*v)->mode) && !(flags & VFS_O_NOFOLLOW)) {
		vnode_put(*v);
		err = vfs_lookup(ctx, start, path, 0, v);
	} else if (!err) {
		*v = vfs_cross_mounts(*v);
	} else if (err == -ENOENT) {
		err = vnode_permission(&ctx->cred, l.dir,
				       VFS_MAY_WRITE | VFS_MAY_EXEC);
		if (!err)
			err = l.dir->ops->create
				  ? l.dir->ops->create(
					l.dir, l.name, l.len,
					VFS_S_IFREG | (mode & VFS_MODE_BITS),
					&ctx->cred, v)
				  : -EPERM;
		*created = !err;
	}
	vfs_last_put(&l);
	return err;
}

int vfs_openat(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       uint32_t flags, uint32_t mode, struct vfile **out)
{
	unsigned lf = flags & VFS_O_NOFOLLOW ? VFS_NOFOLLOW : 0;
	bool created = false;
	struct vnode *v;
	int err;

	if (flags & VFS_O_PATH) /* as Linux, the others are ignored */
		flags &= VFS_O_PATH | VFS_O_DIRECTORY | VFS_O_NOFOLLOW;
	if (flags & VFS_O_CREAT)
		err = open_create(ctx, start, path, flags, mode, &v, &created);
	else
		err = vfs_lookup(ctx, start, path, lf, &v);
	if (err)
		return err;
	return do_open(ctx, v, flags, created, out);
}

long vfs_pread(struct vfile *f, void *buf, size_t n, uint64_t off)
{
	struct vnode *v = f->vn;

	if (!vfile_readable(f))
		return -EBADF;
	if (f->ops)
		return f->ops->read ? f->ops->read(f, buf, n, off) : -EINVAL;
	if (VFS_ISDIR(v->mode))
		return -EISDIR;
	return v->ops->read ? v->ops->read(v, buf, n, off) : -EINVAL;
}

long vfs_pread_user(struct vfile *f, void *ubuf, size_t n, uint64_t off)
{
	struct vnode *v = f->vn;

	if (!vfile_readable(f))
		return -EBADF;
	if (f->ops || !v || !VFS_ISREG(v->mode) || !v->ops->read_user)
		return -ENOSYS;
	return v->ops->read_user(v, ubuf, n, off);
}

long vfs_pwrite(struct vfile *f, const void *buf, size_t n, uint64_t off)
{
	struct vnode *v = f->vn;

	if (!vfile_writable(f))
		return -EBADF;
	if (f->ops)
		return f->ops->write ? f->ops->write(f, buf, n, off) : -EINVAL;
	return v->ops->write ? v->ops->write(v, buf, n, off) : -EINVAL;
}

long vfs_pwrite_user(struct vfile *f, const void *ubuf, size_t n, uint64_t off)
{
	struct vnode *v = f->vn;

	if (!vfile_writable(f))
		return -EBADF;
	if (f->ops || !v || !VFS_ISREG(v->mode) || !v->ops->write_user)
		return -ENOSYS;
	return v->ops->write_user(v, ubuf, n, off);
}

long vfs_read(struct vfile *f, void *buf, size_t n)
{
	long r = vfs_pread(f, buf, n, f->pos);

	if (r > 0)
		USE(f, f->pos += (uint64_t)r);
	return r;
}

long vfs_write(struct vfile *f, const void *buf, size_t n)
{
	struct vattr va;
	long r;

	if (vfile_writable(f) && (f->flags & VFS_O_APPEND) && f->vn &&
	    VFS_ISREG(f->vn->mode) && !vnode_getattr(f->vn, &va))
		USE(f, f->pos = va.size);
	r = vfs_pwrite(f, buf, n, f->pos);
	if (r > 0)
		USE(f, f->pos += (uint64_t)r);
	return r;
}

int64_t vfs_lseek(struct vfile *f, int64_t off, int whence)
{
	struct vattr va;
	int64_t base;

	if (!vfile_seekable(f))
		return -ESPIPE;
	if (whence == VFS_SEEK_SET)
		base = 0;
	else if (whence == VFS_SEEK_CUR)
		base = (int64_t)f->pos;
	else if (whence == VFS_SEEK_END && f->ops && f->ops->size)
		base = (int64_t)f->ops->size(f);
	else if (whence == VFS_SEEK_END && f->vn && !vnode_getattr(f->vn, &va))
		base = (int64_t)va.size;
	else
		return -EINVAL;
	if (base + off < 0)
		return -EINVAL;
	USE(f, f->pos = (uint64_t)(base + off));
	return base + off;
}

int vfs_readdir(struct vfile *f, vfs_filldir_t fill, void *arg)
{
	uint64_t pos = f->pos;
	int err;

	if (!f->vn || !VFS_ISDIR(f->vn->mode) || !f->vn->ops->readdir)
		return -ENOTDIR;
	err = f->vn->ops->readdir(f->vn, &pos, fill, arg);
	USE(f, f->pos = pos);
	return err;
}

int vfs_fstat(struct vfile *f, struct vattr *va)
{
	if (f->vn)
		return vnode_getattr(f->vn, va);
	memset(va, 0, sizeof(*va));
	va->mode = VFS_S_IFIFO | 0600;
	va->nlink = 1;
	return 0;
}

int vfs_ftruncate(struct vfile *f, uint64_t size)
{
	struct vnode *v = f->vn;

	if (!v || !VFS_ISREG(v->mode) || !vfile_writable(f))
		return -EINVAL;
	return v->ops->truncate ? v->ops->truncate(v, size) : -EINVAL;
}

int vfs_fsync(struct vfile *f)
{
	if (!f->vn)
		return -EINVAL;
	return f->vn->ops->fsync ? f->vn->ops->fsync(f->vn) : 0;
}
