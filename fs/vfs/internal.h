/*
 * internal.h - what the files of fs/vfs/ share and nothing else needs.
 */
#ifndef FS_VFS_INTERNAL_H
#define FS_VFS_INTERNAL_H

#include <fs/vfs_core.h>

/* fs/vfs/buf.c (the allocator itself is in include/fs/vfs/buf.h) */
void vfs_buf_reset(void);

/* fs/vfs/super.c */
void vsuper_reset(void);

/* fs/vfs/mount.c */
void vmount_reset(void);

/* fs/vfs/file.c */
void vfile_reset(void);

/* fs/vfs/namei.c */
/* The vnode on top of the mounts stacked on v (v's reference moves). */
struct vnode *vfs_cross_mounts(struct vnode *v);
/* Is v the root of its super block? */
bool vfs_is_mount_root(const struct vnode *v);

/* fs/vfs/dirops.c: the vnode of the last name in its directory, with
 * search permission on the directory; *out referenced. */
int vfs_last_lookup(const struct vfs_ctx *ctx, struct vfs_last *l,
		    struct vnode **out);

#endif
