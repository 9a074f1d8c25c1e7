/*
 * super.c - file system types and super blocks. A super block lives
 * from its type's mount function to its unmount: it owns one reference
 * on its root vnode, counts its live vnodes (the umount busy check) and
 * names its files' device: the block device's number, or an anonymous
 * one (major 0) for memory file systems, as Linux does.
 */
#include <fs/blockdev.h>
#include <fs/vfs/mount.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define NFSTYPES 16

static const struct vfs_fstype *fstypes[NFSTYPES];
static uint32_t next_anon_dev = 1;

int vfs_register_fstype(const struct vfs_fstype *t)
{
	int free = -1;

	for (int i = 0; i < NFSTYPES; i++) {
		if (fstypes[i] && !strcmp(fstypes[i]->name, t->name))
			return -EEXIST;
		if (!fstypes[i] && free < 0)
			free = i;
	}
	if (free < 0)
		return -ENOSPC;
	fstypes[free] = t;
	return 0;
}

const struct vfs_fstype *vfs_find_fstype(const char *name)
{
	for (int i = 0; i < NFSTYPES; i++)
		if (fstypes[i] && !strcmp(fstypes[i]->name, name))
			return fstypes[i];
	return NULL;
}

/* Forget the types (vfs_reset). */
void vsuper_reset(void)
{
	memset(fstypes, 0, sizeof(fstypes));
	next_anon_dev = 1;
}

void vsuper_setup(struct vsuper *sb, const struct vsuper_ops *ops, void *priv,
		  struct vnode *root)
{
	USE(sb, {
		sb->ops = ops;
		sb->priv = priv;
		sb->root = root;
	});
}

int vsuper_make(const struct vfs_fstype *t, struct blockdev *dev,
		const char *options, struct vsuper **out)
{
	struct vsuper *sb;
	int err;

	if ((t->flags & VFS_FS_REQUIRES_DEV) && !dev)
		return -EINVAL;
	sb = slab_zalloc(sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	USE(sb, {
		sb->type = t;
		sb->dev = dev;
		sb->dev_id = dev ? dev->rdev : next_anon_dev;
	});
	err = t->mount(sb, dev, options ? options : "");
	if (!err && (!sb->root || !VFS_ISDIR(sb->root->mode)))
		panic("vfs: %s mounted without a root directory", t->name);
	if (err) {
		BUG_ON(sb->nvnodes);
		SLAB_FREE(sb);
		return err;
	}
	if (!dev)
		next_anon_dev++;
	*out = sb;
	return 0;
}

bool vsuper_busy(const struct vsuper *sb, uint32_t extra_root_refs)
{
	return sb->nvnodes > 1 || sb->root->refs > 1 + extra_root_refs;
}

void vsuper_kill(struct vsuper *sb)
{
	BUG_ON(vsuper_busy(sb, 0));
	vnode_put(sb->root);
	BUG_ON(sb->nvnodes);
	if (sb->ops && sb->ops->unmount)
		sb->ops->unmount(sb);
	SLAB_FREE(sb);
}
