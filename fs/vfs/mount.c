/*
 * mount.c - the mount table: the root mount, mount and umount by path,
 * remount read-only or writable again (the VFS refuses writes to a
 * read-only mount with -EROFS, whatever the backend), the listing behind
 * /proc/mounts, statfs, sync and shutdown.
 *
 * Invariants: the table lists every mounted super block once, oldest
 * first, the root mount first; a mount other than the root covers a
 * directory (referenced, with v->mounted pointing back) that is not the
 * root of a super block; a super block is unmounted only when no vnode
 * of it lives but its root, and that only by the super block's own
 * reference (plus the caller's, during umount).
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "internal.h"

static struct vmount *mounts; /* oldest first */

void vmount_reset(void)
{
	mounts = NULL;
}

struct vnode *vfs_root(void)
{
	return mounts ? vnode_get(mounts->sb->root) : NULL;
}

static void copy_str(char *dst, const char *src)
{
	size_t n = src ? strnlen(src, VFS_MOUNT_STR - 1) : 0;

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Does the comma-separated option list hold "ro" (after any "rw")? */
static bool options_rdonly(const char *o)
{
	bool ro = false;

	while (o && *o) {
		size_t n = 0;

		while (o[n] && o[n] != ',')
			n++;

		if (n == 2 && !strncmp(o, "ro", 2))
			ro = true;
		else if (n == 2 && !strncmp(o, "rw", 2))
			ro = false;
		o += n + (o[n] == ',');
	}
	return ro;
}

int vfs_sb_writable(const struct vnode *v)
{
	return v->sb->rdonly ? -EROFS : 0;
}

/* Make and enter a mount of type over covered (NULL: the root). */
static int add_mount(const struct vfs_fstype *t, struct blockdev *dev,
		     const char *source, const char *options,
		     struct vnode *covered)
{
	struct vmount *m = slab_zalloc(sizeof(*m)), **tail = &mounts;
	struct vsuper *sb;
	int err;

	if (!m)
		return -ENOMEM;
	err = vsuper_make(t, dev, options, &sb);
	if (err) {
		SLAB_FREE(m);
		return err;
	}
	USE(m, {
		m->sb = sb;
		m->covered = covered ? vnode_get(covered) : NULL;
		copy_str(m->source, source ? source : t->name);
		copy_str(m->options, options);
	});
	USE(sb, {
		sb->mount = m;
		sb->rdonly = options_rdonly(options);
	});
	if (covered)
		USE(covered, covered->mounted = m);
	while (*tail)
		tail = &(*tail)->next;
	if (tail == &mounts)
		mounts = m;
	else
		USE(container_of(tail, struct vmount, next), *tail = m);
	return 0;
}

int vfs_mount_root(const char *type, struct blockdev *dev, const char *source,
		   const char *options)
{
	const struct vfs_fstype *t = vfs_find_fstype(type);

	if (mounts)
		return -EBUSY;
	if (!t)
		return -ENODEV;
	return add_mount(t, dev, source, options, NULL);
}

/* Is directory v gone from the name space (removed)? */
static bool dir_removed(struct vnode *v)
{
	struct vattr va;

	return vnode_getattr(v, &va) == 0 && va.nlink == 0;
}

int vfs_mount(const struct vfs_ctx *ctx, const char *source,
	      struct blockdev *dev, const char *target, const char *type,
	      const char *options)
{
	const struct vfs_fstype *t;
	struct vnode *v;
	int err;

	if (ctx->cred.uid)
		return -EPERM;
	err = vfs_lookup(ctx, NULL, target, 0, &v);
	if (err)
		return err;
	t = vfs_find_fstype(type);
	if (!VFS_ISDIR(v->mode))
		err = -ENOTDIR;
	else if (!t)
		err = -ENODEV;
	else if (vfs_is_mount_root(v))
		err = -EBUSY; /* something is mounted there already */
	else if (dir_removed(v))
		err = -ENOENT;
	else
		err = add_mount(t, dev, source, options, v);
	vnode_put(v);
	return err;
}

/* Take m out of the table and free it with its super block. */
static void del_mount(struct vmount *m)
{
	struct vmount **pp = &mounts;

	while (*pp != m)
		pp = &(*pp)->next;
	if (pp == &mounts)
		mounts = m->next;
	else
		USE(container_of(pp, struct vmount, next), *pp = m->next);
	if (m->covered) {
		USE(m->covered, m->covered->mounted = NULL);
		vnode_put(m->covered);
	}
	vsuper_kill(m->sb);
	SLAB_FREE(m);
}

/* The root of the mount at target, referenced, for umount and remount:
 * 0, -EPERM (not root), the lookup's error, -EINVAL (not a mount). */
static int mount_root_at(const struct vfs_ctx *ctx, const char *target,
			 struct vnode **v)
{
	int err;

	if (ctx->cred.uid)
		return -EPERM;
	err = vfs_lookup(ctx, NULL, target, 0, v);
	if (!err && !vfs_is_mount_root(*v)) {
		vnode_put(*v);
		err = -EINVAL;
	}
	return err;
}

int vfs_umount(const struct vfs_ctx *ctx, const char *target)
{
	struct vnode *v;
	struct vmount *m;
	int err = mount_root_at(ctx, target, &v);

	if (err)
		return err;
	m = v->sb->mount;
	if (!m->covered || vsuper_busy(v->sb, 1))
		err = -EBUSY;
	vnode_put(v);
	if (!err)
		del_mount(m);
	return err;
}

/* The options with their first "ro" or "rw" set to what the mount is. */
static void set_ro_option(struct vmount *m, bool rdonly)
{
	char opts[VFS_MOUNT_STR];
	const char *rest = m->options;

	if ((!strncmp(rest, "ro", 2) || !strncmp(rest, "rw", 2)) &&
	    (rest[2] == ',' || rest[2] == '\0'))
		rest += rest[2] ? 3 : 2;
	snprintk(opts, sizeof(opts), "%s%s%s", rdonly ? "ro" : "rw",
		 rest[0] ? "," : "", rest);
	USE(m, copy_str(m->options, opts));
}

int vfs_remount(const struct vfs_ctx *ctx, const char *target, bool rdonly)
{
	struct vnode *v;
	struct vsuper *sb;
	int err = mount_root_at(ctx, target, &v);

	if (err)
		return err;
	sb = v->sb;
	if (rdonly && !sb->rdonly && sb->writers)
		err = -EBUSY; /* as Linux: files open for writing */
	else if (rdonly && !sb->rdonly && sb->ops->sync)
		err = sb->ops->sync(sb);
	if (!err && rdonly != sb->rdonly && sb->ops->remount)
		err = sb->ops->remount(sb, rdonly);
	if (!err) {
		USE(sb, sb->rdonly = rdonly);
		set_ro_option(sb->mount, rdonly);
	}
	vnode_put(v);
	return err;
}

/* One mount's line for vfs_mounts_each(); path is a page. */
static int show_mount(struct vmount *m, char *path,
		      int (*fn)(void *arg, const struct vfs_mount_info *mi),
		      void *arg)
{
	struct vfs_ctx ctx = {{0, 0, 0, NULL}, NULL, NULL};
	struct vfs_mount_info mi = {
	    .source = m->source,
	    .target = path,
	    .type = m->sb->type->name,
	    .options = m->options,
	    .dev_id = m->sb->dev_id,
	};

	if (!m->covered)
		memcpy(path, "/", 2);
	else if (vfs_dir_path(&ctx, m->covered, path, PAGE_SIZE))
		memcpy(path, "?", 2);
	return fn(arg, &mi);
}

int vfs_mounts_each(int (*fn)(void *arg, const struct vfs_mount_info *mi),
		    void *arg)
{
	char *path = vfs_page_alloc();
	int r = 0;

	if (!path)
		return -ENOMEM;
	for (struct vmount *m = mounts; m && !r; m = m->next)
		r = show_mount(m, path, fn, arg);
	vfs_page_free(path);
	return r;
}

int vfs_statfs(struct vnode *v, struct vstatfs *st)
{
	struct vsuper *sb = v->sb;

	int err = 0;

	memset(st, 0, sizeof(*st));
	st->namelen = VFS_NAME_MAX;
	st->fsid[0] = sb->dev_id;
	if (sb->ops->statfs)
		err = sb->ops->statfs(sb, st);
	if (sb->rdonly)
		st->flags |= VFS_ST_RDONLY;
	return err;
}

void vfs_drop_caches(void)
{
	for (struct vmount *m = mounts; m; m = m->next)
		if (m->sb->ops->shrink)
			m->sb->ops->shrink(m->sb);
}

int vfs_syncfs(struct vnode *v)
{
	return v->sb->ops->sync ? v->sb->ops->sync(v->sb) : 0;
}

int vfs_sync_all(void)
{
	int first = 0;

	for (struct vmount *m = mounts; m; m = m->next) {
		struct vsuper *sb = m->sb;
		int err = sb->ops->sync ? sb->ops->sync(sb) : 0;

		if (err && !first)
			first = err;
	}
	return first;
}

int vfs_unmount_all(void)
{
	int err = vfs_sync_all();

	while (mounts) {
		struct vmount *last = mounts;

		while (last->next)
			last = last->next;
		if (vsuper_busy(last->sb, 0))
			return -EBUSY;
		del_mount(last);
	}
	return err;
}

void vfs_reset(void)
{
	vmount_reset();
	vsuper_reset();
	vfile_reset();
	vfs_buf_reset();
}
