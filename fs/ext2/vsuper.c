/*
 * vsuper.c - the file system type "ext2" of the VFS: mount reads the
 * file system from a block device (fs/ext2/super.c) and makes the root
 * vnode; the super block's sync, statfs and unmount. Each mount is one
 * struct ext2_vfs (sb->priv) with the sleeping lock that serializes
 * every call into the library (fs/ext2/vnode.c takes it too); it lives
 * until unmount, which the VFS calls only when no vnode of it is left.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"
#include "vnode.h"

#define EXT2_SUPER_MAGIC 0xEF53u
#define ST_RDONLY 0x1u /* statfs f_flags, Linux's value */

/* The mount behind a super block. */
static struct ext2_vfs *inst_of(struct vsuper *sb)
{
	return sb->priv;
}

/* The device's name for messages. */
static const char *dev_name(const struct vsuper *sb)
{
	return sb->dev && sb->dev->name ? sb->dev->name : "?";
}

/* sync(2) and shutdown: every dirty block and the superblock. */
static int ext2_sb_sync(struct vsuper *sb)
{
	struct ext2_vfs *e = inst_of(sb);
	int err;

	vlock_take(&e->lock);
	err = ext2_sync(e->fs);
	vlock_drop(&e->lock);
	return err;
}

/* drop_caches: write back and drop the unmapped file pages, forget the
 * idle in-memory inodes (their on-disk copies are in the block cache,
 * which is dropped next). */
static void ext2_sb_shrink(struct vsuper *sb)
{
	struct ext2_vfs *e = inst_of(sb);

	vlock_take(&e->lock);
	ext2_pages_drop(e->fs);
	ext2_icache_drop(e->fs);
	vlock_drop(&e->lock);
}

/* statfs(2) from the library's counts, with ext2's magic number. */
static int ext2_sb_statfs(struct vsuper *sb, struct vstatfs *st)
{
	struct ext2_vfs *e = inst_of(sb);
	struct ext2_statfs s;

	vlock_take(&e->lock);
	ext2_statfs(e->fs, &s);
	vlock_drop(&e->lock);
	st->type = EXT2_SUPER_MAGIC;
	st->bsize = st->frsize = s.bsize;
	st->blocks = s.blocks;
	st->bfree = s.bfree;
	st->bavail = s.bavail;
	st->files = s.files;
	st->ffree = s.ffree;
	st->namelen = s.namelen;
	st->flags = e->rdonly ? ST_RDONLY : 0;
	return 0;
}

/* Every vnode is gone (the last releases may still be waiting for the
 * lock: they finish first), so no inode may be referenced: -EBUSY from
 * the library means a reference leaked, and the instance is kept. */
static void ext2_sb_unmount(struct vsuper *sb)
{
	struct ext2_vfs *e = inst_of(sb);
	int err;

	while (e->releasing)
		fs_wait(&e->releasing);
	vlock_take(&e->lock);
	err = ext2_unmount(e->fs);
	vlock_drop(&e->lock);
	if (err == -EBUSY) {
		printk("ext2: %s: unmount: inodes still referenced\n",
		       dev_name(sb));
		return;
	}
	if (err)
		printk("ext2: %s: unmount: error %d writing back\n",
		       dev_name(sb), err);
	SLAB_FREE(e);
}

/* Remount: the library marks the disk clean or not; statfs follows. */
static int ext2_sb_remount(struct vsuper *sb, bool rdonly)
{
	struct ext2_vfs *e = inst_of(sb);
	int err;

	vlock_take(&e->lock);
	err = ext2_remount(e->fs, rdonly);
	if (!err)
		USE(e, e->rdonly = rdonly);
	vlock_drop(&e->lock);
	return err;
}

static const struct vsuper_ops ext2_super_ops = {
    .sync = ext2_sb_sync,
    .statfs = ext2_sb_statfs,
    .shrink = ext2_sb_shrink,
    .remount = ext2_sb_remount,
    .unmount = ext2_sb_unmount,
};

/* The comma-separated options: "ro", "rw"; anything else is -EINVAL. */
static int parse_options(const struct vsuper *sb, const char *options,
			 unsigned *flags)
{
	*flags = 0;
	while (*options) {
		size_t n = 0;

		while (options[n] && options[n] != ',')
			n++;

		if (n == 2 && !strncmp(options, "ro", 2))
			*flags |= EXT2_MOUNT_RDONLY;
		else if (n == 2 && !strncmp(options, "rw", 2))
			*flags &= ~EXT2_MOUNT_RDONLY;
		else if (n) {
			printk("ext2: %s: unknown mount option \"%.*s\"\n",
			       dev_name(sb), (int)n, options);
			return -EINVAL;
		}
		options += n + (options[n] == ',');
	}
	return 0;
}

/* The instance of fs, with its root vnode made. */
/* The periodic flush of the page cache comes from outside: it takes the
 * mount's lock only if nobody holds it. */
static bool try_lock(void *arg)
{
	struct ext2_vfs *e = arg;

	if (vlock_held(&e->lock))
		return false;
	vlock_take(&e->lock);
	return true;
}

static void unlock(void *arg)
{
	struct ext2_vfs *e = arg;

	vlock_drop(&e->lock);
}

static int make_instance(struct vsuper *sb, struct ext2_fs *fs, bool rdonly)
{
	struct ext2_vfs *e = slab_zalloc(sizeof(*e));
	struct ext2_inode *rip;
	struct vnode *root;
	int err;

	if (!e)
		return -ENOMEM;
	err = ext2_iget(fs, EXT2_ROOT_INO, &rip);
	root = err ? NULL : ext2_vnode_of(sb, rip);
	if (!root) {
		SLAB_FREE(e);
		return err ? err : -ENOMEM;
	}
	USE(e, {
		e->fs = fs;
		e->rdonly = rdonly;
	});
	vlock_init(&e->lock);
	ext2_set_lock(fs, try_lock, unlock, e);
	vsuper_setup(sb, &ext2_super_ops, e, root);
	return 0;
}

/* The type's mount: options, the library's checks (the reason for a
 * refusal printed), the instance. */
static int ext2_vfs_mount(struct vsuper *sb, struct blockdev *dev,
			  const char *options)
{
	const char *why = "out of memory";
	struct ext2_fs *fs;
	unsigned flags;
	int err = parse_options(sb, options, &flags);

	if (err)
		return err;
	err = ext2_mount(dev, flags, &fs, &why);
	if (err)
		return err; /* the library said why on the console */
	err = make_instance(sb, fs, flags & EXT2_MOUNT_RDONLY);
	if (err)
		ext2_unmount(fs);
	return err;
}

static const struct vfs_fstype ext2_type = {
    .name = "ext2",
    .flags = VFS_FS_REQUIRES_DEV,
    .mount = ext2_vfs_mount,
};

/* Boot (and each host test): make "ext2" known to vfs_mount. */
int ext2_register_fstype(void)
{
	return vfs_register_fstype(&ext2_type);
}
