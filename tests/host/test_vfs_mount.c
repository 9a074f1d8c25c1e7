/*
 * test_vfs_mount.c - host tests of mounts (fs/vfs/mount.c): a second
 * ramfs on /mnt, walking in and out of it, mount errors, umount while
 * busy, the directory underneath reappearing, the mount listing,
 * directory paths across mounts.
 */
#include "vfs_test.h"

static int mount_tmp(const char *target)
{
	return vfs_mount(&root_ctx, "none", NULL, target, "tmpfs", "size=1m");
}

TEST(vfs_mount_second_ramfs)
{
	char buf[64];
	struct vattr root, mnt, f;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vt_mkdir("/mnt/under"), 0);
	CHECK_EQ(vt_put("/top", "top"), 0);
	CHECK_EQ(mount_tmp("/mnt"), 0);
	CHECK_EQ(vt_err("/mnt/under", 0), -ENOENT);
	CHECK_EQ(vt_put("/mnt/f", "on tmpfs"), 0);
	CHECK_EQ(vt_mkdir("/mnt/d"), 0);
	CHECK(!strcmp(vt_get("/mnt/f", buf, sizeof(buf)), "on tmpfs"));
	root = vt_stat("/", 0);
	mnt = vt_stat("/mnt", 0);
	f = vt_stat("/mnt/f", 0);
	CHECK(root.dev != mnt.dev);
	CHECK_EQ(mnt.dev, f.dev);
	CHECK(VFS_ISDIR(mnt.mode));
	/* ".." out of the mounted root goes to the parent of /mnt. */
	CHECK_EQ(vt_ino("/mnt/.."), vt_ino("/"));
	CHECK(!strcmp(vt_get("/mnt/../top", buf, sizeof(buf)), "top"));
	CHECK(!strcmp(vt_get("/mnt/d/../../mnt/f", buf, sizeof(buf)),
		      "on tmpfs"));
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt/d"), -EINVAL);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	/* What was underneath is back; the tmpfs is gone. */
	CHECK_EQ(vt_err("/mnt/under", 0), 0);
	CHECK_EQ(vt_err("/mnt/f", 0), -ENOENT);
	CHECK_EQ(vt_stat("/mnt", 0).dev, root.dev);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EINVAL);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_mount_errors)
{
	struct vfs_ctx user = {{1000, 1000, 0, NULL}, NULL, NULL};
	struct vnode *d;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vt_mkdir("/gone"), 0);
	CHECK_EQ(vt_put("/file", "x"), 0);
	CHECK_EQ(mount_tmp("/missing"), -ENOENT);
	CHECK_EQ(mount_tmp("/file"), -ENOTDIR);
	CHECK_EQ(mount_tmp("/file/"), -ENOTDIR);
	CHECK_EQ(vfs_mount(&root_ctx, "x", NULL, "/mnt", "nofs", ""), -ENODEV);
	CHECK_EQ(vfs_mount(&user, "x", NULL, "/mnt", "tmpfs", ""), -EPERM);
	CHECK_EQ(vfs_mount_root("ramfs", NULL, "again", ""), -EBUSY);
	CHECK_EQ(mount_tmp("/mnt"), 0);
	CHECK_EQ(mount_tmp("/mnt"), -EBUSY);
	CHECK_EQ(mount_tmp("/"), -EBUSY);
	CHECK_EQ(vfs_umount(&user, "/mnt"), -EPERM);
	CHECK_EQ(vfs_umount(&root_ctx, "/"), -EBUSY);
	CHECK_EQ(vfs_umount(&root_ctx, "/file"), -EINVAL);
	CHECK_EQ(vfs_umount(&root_ctx, "/nope"), -ENOENT);
	/* A mount point cannot be removed or renamed. */
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/mnt"), -EBUSY);
	CHECK_EQ(vfs_rename(&root_ctx, NULL, "/mnt", NULL, "/mnt2", 0), -EBUSY);
	/* A removed directory (here the cwd) takes no mount. */
	d = vt_vnode("/gone");
	CHECK(d);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/gone"), 0);
	root_ctx.cwd = d;
	CHECK_EQ(mount_tmp("."), -ENOENT);
	root_ctx.cwd = NULL;
	vnode_put(d);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_mount_umount_busy)
{
	struct vfile *f;
	struct vnode *cwd;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(mount_tmp("/mnt"), 0);
	CHECK_EQ(vt_mkdir("/mnt/sub"), 0);
	CHECK_EQ(vt_put("/mnt/f", "x"), 0);
	/* An open file. */
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f", VFS_O_RDONLY, 0, &f), 0);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EBUSY);
	vfile_put(f);
	/* A working directory (a held vnode), even the mounted root. */
	cwd = vt_vnode("/mnt");
	CHECK(cwd);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EBUSY);
	CHECK_EQ(vfs_unmount_all(), -EBUSY);
	vnode_put(cwd);
	/* A mount on top of it. */
	CHECK_EQ(mount_tmp("/mnt/sub"), 0);
	CHECK_EQ(vt_put("/mnt/sub/deep", "y"), 0);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EBUSY);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt/sub"), 0);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	/* The root ramfs is busy while a vnode of it is held. */
	cwd = vt_vnode("/mnt");
	CHECK_EQ(vfs_unmount_all(), -EBUSY);
	vnode_put(cwd);
	CHECK_EQ(vfs_unmount_all(), 0);
}

struct listing {
	char text[512];
	size_t len;
};

static int list_one(void *arg, const struct vfs_mount_info *mi)
{
	struct listing *l = arg;

	l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
				   "%s %s %s %s\n", mi->source, mi->target,
				   mi->type, mi->options);
	return 0;
}

TEST(vfs_mount_listing_and_paths)
{
	struct listing l = {"", 0};
	char path[64];
	struct vnode *d;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_mkdir("/a/mnt"), 0);
	CHECK_EQ(mount_tmp("/a/mnt"), 0);
	CHECK_EQ(vt_mkdir("/a/mnt/x"), 0);
	CHECK_EQ(vt_mkdir("/a/mnt/x/y"), 0);
	CHECK_EQ(vfs_mounts_each(list_one, &l), 0);
	CHECK(!strcmp(l.text, "rootfs / ramfs \nnone /a/mnt tmpfs size=1m\n"));
	d = vt_vnode("/a/mnt/x/y");
	CHECK(d);
	CHECK_EQ(vfs_dir_path(&root_ctx, d, path, sizeof(path)), 0);
	CHECK(!strcmp(path, "/a/mnt/x/y"));
	CHECK_EQ(vfs_dir_path(&root_ctx, d, path, 8), -ERANGE);
	/* The working directory survives a rename of its parents. */
	CHECK_EQ(vfs_rename(&root_ctx, NULL, "/a/mnt/x", NULL, "/a/mnt/z", 0),
		 0);
	root_ctx.cwd = d;
	CHECK_EQ(vt_ino(".."), vt_ino("/a/mnt/z"));
	CHECK_EQ(vt_ino("../../.."), vt_ino("/a"));
	CHECK_EQ(vfs_dir_path(&root_ctx, d, path, sizeof(path)), 0);
	CHECK(!strcmp(path, "/a/mnt/z/y"));
	root_ctx.cwd = NULL;
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/a/mnt/z/y"), 0);
	CHECK_EQ(vfs_dir_path(&root_ctx, d, path, sizeof(path)), -ENOENT);
	vnode_put(d);
	d = vt_vnode("/");
	CHECK_EQ(vfs_dir_path(&root_ctx, d, path, sizeof(path)), 0);
	CHECK(!strcmp(path, "/"));
	vnode_put(d);
	CHECK_EQ(vfs_unmount_all(), 0);
}
