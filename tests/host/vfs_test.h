/*
 * vfs_test.h - helpers of the VFS host tests (test_vfs*.c): a root
 * ramfs per test, files by path, stat by path, and the teardown that
 * proves every vnode was released (vfs_unmount_all refuses otherwise).
 */
#ifndef TESTS_HOST_VFS_TEST_H
#define TESTS_HOST_VFS_TEST_H

#include <stdio.h>
#include <string.h>
#include <fs/ramfs.h>
#include <fs/vfs_core.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include "host.h"

static struct vfs_ctx root_ctx;

/* A fresh VFS with a ramfs at "/" (forgetting the last test's). */
static inline int vt_setup(void)
{
	ramfs_forget_all();
	vfs_reset();
	memset(&root_ctx, 0, sizeof(root_ctx));
	if (ramfs_register())
		return -1;
	return vfs_mount_root("ramfs", NULL, "rootfs", "");
}

static inline int vt_mkdir(const char *path)
{
	return vfs_mkdir(&root_ctx, NULL, path, 0755);
}

static inline int vt_put_as(const struct vfs_ctx *c, const char *path,
			    const char *text)
{
	struct vfile *f;
	int err = vfs_openat(
	    c, NULL, path, VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC, 0644, &f);
	long n;

	if (err)
		return err;
	n = vfs_write(f, text, strlen(text));
	vfile_put(f);
	return n == (long)strlen(text) ? 0 : -EIO;
}

static inline int vt_put(const char *path, const char *text)
{
	return vt_put_as(&root_ctx, path, text);
}

/* Contents of path as a string in buf ("" on error). */
static inline const char *vt_get(const char *path, char *buf, size_t size)
{
	struct vfile *f;
	long n = 0;

	if (!vfs_openat(&root_ctx, NULL, path, VFS_O_RDONLY, 0, &f)) {
		n = vfs_read(f, buf, size - 1);
		vfile_put(f);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* The error of looking path up from start (the vnode is dropped). */
static inline int vt_err_at(struct vnode *start, const char *path,
			    unsigned flags)
{
	struct vnode *v;
	int err = vfs_lookup(&root_ctx, start, path, flags, &v);

	if (!err)
		vnode_put(v);
	return err;
}

static inline int vt_err(const char *path, unsigned flags)
{
	return vt_err_at(NULL, path, flags);
}

/* Inode number of path from start (0 when the lookup fails). */
static inline uint64_t vt_ino_at(struct vnode *start, const char *path,
				 unsigned flags)
{
	struct vattr va;

	if (vfs_stat(&root_ctx, start, path, flags, &va))
		return 0;
	return va.ino;
}

static inline uint64_t vt_ino(const char *path)
{
	return vt_ino_at(NULL, path, 0);
}

static inline struct vattr vt_stat(const char *path, unsigned flags)
{
	struct vattr va;

	if (vfs_stat(&root_ctx, NULL, path, flags, &va))
		memset(&va, 0xff, sizeof(va));
	return va;
}

/* A referenced vnode of path, or NULL. */
static inline struct vnode *vt_vnode(const char *path)
{
	struct vnode *v;

	return vfs_lookup(&root_ctx, NULL, path, 0, &v) ? NULL : v;
}

#endif
