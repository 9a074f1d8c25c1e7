/*
 * mount.h - file system types, super blocks and the mount table
 * (fs/vfs/super.c, fs/vfs/mount.c).
 *
 * A file system type makes a super block from a block device (or from
 * nothing: ramfs, proc) and gives it a root vnode. Each super block is
 * mounted exactly once: its struct vmount covers a directory vnode of
 * another mount (the root mount covers none). The mount holds one
 * reference on the covered directory and the super block one on its
 * root, so umount is refused (-EBUSY) while any other vnode of the super
 * block lives: open files, working directories, mounts on top of it.
 */
#ifndef FS_VFS_MOUNT_H
#define FS_VFS_MOUNT_H

#include <fs/vfs/vnode.h>

struct blockdev;
struct vsuper;

#define VFS_ST_RDONLY 0x1u /* statfs f_flags: mounted read-only */

/* statfs64 as Linux reports it. */
struct vstatfs {
	uint32_t type; /* f_type: the magic number */
	uint32_t bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	uint32_t fsid[2];
	uint32_t namelen, frsize, flags;
};

struct vsuper_ops {
	/* Write back everything dirty. */
	int (*sync)(struct vsuper *sb);
	int (*statfs)(struct vsuper *sb, struct vstatfs *st);
	/* Optional: free what the instance caches and can read again. */
	void (*shrink)(struct vsuper *sb);
	/* Optional: mount read-only or read-write from now on (after the
	 * VFS's sync): 0 or -errno (the mount stays as it was). */
	int (*remount)(struct vsuper *sb, bool rdonly);
	/* Called after the root vnode is released: free the instance. */
	void (*unmount)(struct vsuper *sb);
};

#define VFS_FS_REQUIRES_DEV 0x1u /* mount refuses a NULL device */

struct vfs_fstype {
	const char *name; /* "ramfs", "tmpfs", "ext2", "proc" ... */
	unsigned flags;
	/* Read or make an instance: set sb->ops, sb->priv and sb->root (a
	 * referenced vnode of sb, a directory). On failure nothing of it
	 * may remain. */
	int (*mount)(struct vsuper *sb, struct blockdev *dev,
		     const char *options);
};

#define VSUPER_HASH 64
#define VFS_MOUNT_STR 64

struct vsuper {
	const struct vsuper_ops *ops;
	const struct vfs_fstype *type;
	struct blockdev *dev; /* NULL for memory file systems */
	void *priv;	      /* the backend's instance */
	struct vnode *root;
	struct vmount *mount; /* where it is mounted */
	uint32_t dev_id;      /* st_dev of its files */
	uint32_t nvnodes;     /* live vnodes */
	uint32_t writers;     /* regular files open for writing */
	bool rdonly;	      /* mounted or remounted "ro": -EROFS */
	struct vnode *hash[VSUPER_HASH];
};

struct vmount {
	struct vsuper *sb;
	struct vnode *covered; /* referenced; NULL for the root mount */
	struct vmount *next;   /* the table, oldest first */
	char source[VFS_MOUNT_STR];
	char options[VFS_MOUNT_STR];
};

/* What vfs_mounts_each() shows of one mount (the /proc/mounts line). */
struct vfs_mount_info {
	const char *source, *target, *type, *options;
	uint32_t dev_id;
};

/* Make a type known: 0, -EEXIST (same name), -ENOSPC (table full). */
int vfs_register_fstype(const struct vfs_fstype *t);
const struct vfs_fstype *vfs_find_fstype(const char *name);

/* Mount the root of the tree: -EBUSY if there is one. */
int vfs_mount_root(const char *type, struct blockdev *dev, const char *source,
		   const char *options);
/* A referenced vnode of the root of the tree (NULL before the first
 * mount): where processes start their root and working directory. */
struct vnode *vfs_root(void);
/* Every mount, oldest first, until fn returns non-zero (returned). */
int vfs_mounts_each(int (*fn)(void *arg, const struct vfs_mount_info *mi),
		    void *arg);
int vfs_statfs(struct vnode *v, struct vstatfs *st);
/* drop_caches: every mounted file system frees what it can read again. */
void vfs_drop_caches(void);
/* -EROFS if v's file system is mounted read-only, else 0. */
int vfs_sb_writable(const struct vnode *v);
/* Sync the file system v lives on. */
int vfs_syncfs(struct vnode *v);
/* Sync every mounted file system: 0 or the first error. */
int vfs_sync_all(void);
/* Shut down: sync and unmount everything, newest first; -EBUSY (and
 * nothing more unmounted) at the first mount still in use. */
int vfs_unmount_all(void);
/* Host tests: forget the table and the types (memory was reset). */
void vfs_reset(void);

/* For a type's mount function: the instance and its root directory
 * (referenced; the super block owns that reference from now on). */
void vsuper_setup(struct vsuper *sb, const struct vsuper_ops *ops, void *priv,
		  struct vnode *root);

/* fs/vfs/super.c, for fs/vfs/ only. */
int vsuper_make(const struct vfs_fstype *t, struct blockdev *dev,
		const char *options, struct vsuper **out);
/* Release the root and free the instance (nothing else may live). */
void vsuper_kill(struct vsuper *sb);
/* A super block whose vnodes are all idle but the root's own. */
bool vsuper_busy(const struct vsuper *sb, uint32_t extra_root_refs);

#endif
