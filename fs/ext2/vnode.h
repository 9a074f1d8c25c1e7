/*
 * vnode.h - what the two files of ext2's VFS backend share
 * (fs/ext2/vnode.c: vnode operations, fs/ext2/vsuper.c: the type and
 * the super block). Nothing else includes it.
 */
#ifndef FS_EXT2_VNODE_H
#define FS_EXT2_VNODE_H

#include <fs/ext2.h>
#include <fs/vfs/lock.h>
#include <fs/vfs_core.h>

/* One mounted ext2 file system: sb->priv. */
struct ext2_vfs {
	struct ext2_fs *fs;
	struct vlock lock;  /* held across every call into fs */
	uint32_t releasing; /* releases waiting for or holding the lock */
	bool rdonly;
};

/* The vnode of ip (found or made, referenced); ip's reference moves into
 * a new vnode or is dropped. NULL without memory. Called with the lock
 * held (or before the mount is visible). */
struct vnode *ext2_vnode_of(struct vsuper *sb, struct ext2_inode *ip);

#endif
