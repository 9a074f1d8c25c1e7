/*
 * vfs_ext2_test.h - helpers of the tests of ext2 under the VFS
 * (test_vfs_ext2*.c): an image made by mke2fs on a file-backed block
 * device, mounted through the VFS (on a directory of a ramfs root, or
 * as the root), and the teardown that unmounts everything (proving
 * every vnode was released) and runs e2fsck -fn on the image.
 */
#ifndef TESTS_HOST_VFS_EXT2_TEST_H
#define TESTS_HOST_VFS_EXT2_TEST_H

#include <fs/bcache.h>
#include <fs/ext2.h>
#include "filedisk.h"
#include "vfs_test.h"

#define VX_MAGIC 0xEF53u

struct vx {
	char dir[128], img[160];
	struct filedisk disk;
	bool disk_open;
};

/* An image made by mke2fs with opts (e.g. "-b 1024") and size, opened
 * as block device "vd0"; the block cache restarted. 0 or -1. */
static inline int vx_image(struct vx *x, const char *opts, const char *size)
{
	memset(x, 0, sizeof(*x));
	ext2t_mkdtemp(x->dir, sizeof(x->dir));
	snprintf(x->img, sizeof(x->img), "%s/img", x->dir);
	if (ext2t_run("/usr/sbin/mke2fs -q -F -t ext2 %s '%s' %s "
		      ">/dev/null 2>&1",
		      opts, x->img, size))
		return -1;
	if (filedisk_open(&x->disk, x->img))
		return -1;
	x->disk.dev.name = "vd0";
	x->disk.dev.rdev = 0x0300; /* hda's number: st_dev of its files */
	x->disk_open = true;
	bcache_init(256);
	return 0;
}

/* A fresh VFS (ramfs root, "ext2" known) and an image. 0 or -1. */
static inline int vx_setup(struct vx *x, const char *opts)
{
	if (vt_setup() || ext2_register_fstype())
		return -1;
	return vx_image(x, opts, "8M");
}

/* The image mounted on target with options. */
static inline int vx_mount(struct vx *x, const char *target, const char *opts)
{
	return vfs_mount(&root_ctx, "/dev/vd0", &x->disk.dev, target, "ext2",
			 opts);
}

/* The image as the root of the tree (no ramfs). */
static inline int vx_setup_root(struct vx *x, const char *opts)
{
	ramfs_forget_all();
	vfs_reset();
	memset(&root_ctx, 0, sizeof(root_ctx));
	if (ext2_register_fstype() || ramfs_register() ||
	    vx_image(x, opts, "8M"))
		return -1;
	return vfs_mount_root("ext2", &x->disk.dev, "/dev/vd0", "");
}

/* Unmount everything, close the disk: the e2fsck -fn exit status (0:
 * clean), or -1 if something stayed mounted. The image stays for
 * debugfs until vx_cleanup. */
static inline int vx_finish(struct vx *x)
{
	int err = vfs_unmount_all();

	if (x->disk_open)
		filedisk_close(&x->disk);
	x->disk_open = false;
	if (err)
		return -1;
	if (x->disk.write_out_of_range)
		return -1;
	return ext2t_fsck(x->img);
}

static inline void vx_cleanup(struct vx *x)
{
	if (x->disk_open)
		filedisk_close(&x->disk);
	x->disk_open = false;
	ext2t_rmdir(x->dir);
}

/* debugfs -R 'cat path' of the image equals text. */
static inline bool vx_debugfs_cat(struct vx *x, const char *path,
				  const char *text)
{
	char cmd[256], out[4096];

	snprintf(cmd, sizeof(cmd), "cat %s", path);
	ext2t_debugfs(x->img, cmd, out, sizeof(out));
	return !strcmp(out, text);
}

/* statfs of the file system holding path. */
static inline struct vstatfs vx_statfs(const char *path)
{
	struct vstatfs st;
	struct vnode *v = vt_vnode(path);

	memset(&st, 0xff, sizeof(st));
	if (v) {
		vfs_statfs(v, &st);
		vnode_put(v);
	}
	return st;
}

#endif
