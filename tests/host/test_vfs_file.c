/*
 * test_vfs_file.c - host tests of open files and permissions
 * (fs/vfs/file.c, dirops.c): open flags, positions, O_APPEND, lseek,
 * ftruncate, the sticky bit, ownership of new files, device nodes
 * opened through the special-open hook.
 */
#include "vfs_test.h"

TEST(vfs_file_open_flags)
{
	struct vfile *f;
	char buf[16];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/d"), 0);
	CHECK_EQ(vt_put("/f", "hello"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "f", NULL, "/l"), 0);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/f", VFS_O_CREAT | VFS_O_EXCL,
			    0644, &f),
		 -EEXIST);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/l", VFS_O_CREAT | VFS_O_EXCL,
			    0644, &f),
		 -EEXIST);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/l", VFS_O_NOFOLLOW, 0, &f),
		 -ELOOP);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/f", VFS_O_DIRECTORY, 0, &f),
		 -ENOTDIR);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/d", VFS_O_RDWR, 0, &f), -EISDIR);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/d/", VFS_O_CREAT, 0644, &f),
		 -EISDIR);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/new/", VFS_O_CREAT, 0644, &f),
		 -EISDIR);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/no/x", VFS_O_CREAT, 0644, &f),
		 -ENOENT);
	/* Through the link, O_CREAT opens the existing file. */
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/l", VFS_O_CREAT | VFS_O_RDWR,
			    0644, &f),
		 0);
	CHECK_EQ(vfs_read(f, buf, 3), 3);
	CHECK_EQ(vfs_read(f, buf, sizeof(buf)), 2);
	CHECK_EQ(vfs_read(f, buf, sizeof(buf)), 0);
	CHECK_EQ(vfs_lseek(f, -1, VFS_SEEK_END), 4);
	CHECK_EQ(vfs_write(f, "O!", 2), 2);
	CHECK_EQ(vfs_lseek(f, 0, VFS_SEEK_CUR), 6);
	CHECK_EQ(vfs_lseek(f, -7, VFS_SEEK_CUR), -EINVAL);
	CHECK_EQ(vfs_lseek(f, 0, 7), -EINVAL);
	vfile_put(f);
	CHECK(!strcmp(vt_get("/f", buf, sizeof(buf)), "hellO!"));
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_file_append_truncate)
{
	struct vfile *f;
	char buf[16];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_put("/f", "hellO!"), 0);
	/* O_APPEND writes at the end whatever the position. */
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/f", VFS_O_WRONLY | VFS_O_APPEND,
			    0, &f),
		 0);
	CHECK_EQ(vfs_read(f, buf, 1), -EBADF);
	CHECK_EQ(vfs_write(f, "+", 1), 1);
	CHECK_EQ(vfs_ftruncate(f, 2), 0);
	CHECK_EQ(vfs_write(f, "-", 1), 1);
	vfile_put(f);
	CHECK(!strcmp(vt_get("/f", buf, sizeof(buf)), "he-"));
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/f", VFS_O_RDONLY, 0, &f), 0);
	CHECK_EQ(vfs_write(f, "x", 1), -EBADF);
	CHECK_EQ(vfs_ftruncate(f, 0), -EINVAL);
	vfile_put(f);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/f", VFS_O_WRONLY | VFS_O_TRUNC,
			    0, &f),
		 0);
	vfile_put(f);
	CHECK_EQ(vt_stat("/f", 0).size, 0);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_file_owners_and_sticky)
{
	struct vfs_ctx alice = {{1000, 100, 0, NULL}, NULL, NULL};
	struct vfs_ctx bob = {{1001, 100, 0, NULL}, NULL, NULL};
	struct vattr va = {.mode = 01777};
	struct vnode *tmp;
	struct vfile *f;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/tmp"), 0);
	CHECK_EQ(vt_mkdir("/ro"), 0);
	tmp = vt_vnode("/tmp");
	CHECK_EQ(vfs_setattr(&root_ctx, tmp, &va, VATTR_MODE), 0);
	vnode_put(tmp);
	CHECK_EQ(vt_put_as(&alice, "/tmp/a", "alice"), 0);
	CHECK_EQ(vt_stat("/tmp/a", 0).uid, 1000);
	CHECK_EQ(vt_stat("/tmp/a", 0).gid, 100);
	CHECK_EQ(vt_put_as(&alice, "/ro/a", "x"), -EACCES);
	CHECK_EQ(vfs_mkdir(&alice, NULL, "/ro/d", 0755), -EACCES);
	CHECK_EQ(vfs_mkdir(&alice, NULL, "/ro", 0755), -EEXIST);
	/* Sticky /tmp: only the owner (or root) removes or renames. */
	CHECK_EQ(vfs_unlink(&bob, NULL, "/tmp/a"), -EPERM);
	CHECK_EQ(vfs_rename(&bob, NULL, "/tmp/a", NULL, "/tmp/b", 0), -EPERM);
	CHECK_EQ(vt_put_as(&bob, "/tmp/a", "bob"), -EACCES); /* mode 0644 */
	CHECK_EQ(vfs_rename(&alice, NULL, "/tmp/a", NULL, "/tmp/b", 0), 0);
	/* A new file is opened as asked whatever its mode. */
	CHECK_EQ(vfs_openat(&bob, NULL, "/tmp/c", VFS_O_CREAT | VFS_O_RDWR,
			    0444, &f),
		 0);
	CHECK_EQ(vfs_write(f, "c", 1), 1);
	vfile_put(f);
	CHECK_EQ(vfs_openat(&bob, NULL, "/tmp/c", VFS_O_RDWR, 0, &f), -EACCES);
	CHECK_EQ(vfs_unlink(&alice, NULL, "/tmp/c"), -EPERM);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/tmp/c"), 0);
	CHECK_EQ(vfs_unlink(&alice, NULL, "/tmp/b"), 0);
	/* chown: root only; the owner may change the group to its own. */
	CHECK_EQ(vt_put_as(&alice, "/tmp/o", "o"), 0);
	tmp = vt_vnode("/tmp/o");
	va.uid = 1001;
	va.gid = 100;
	CHECK_EQ(vfs_setattr(&alice, tmp, &va, VATTR_UID), -EPERM);
	CHECK_EQ(vfs_setattr(&alice, tmp, &va, VATTR_GID), 0);
	va.gid = 5;
	CHECK_EQ(vfs_setattr(&alice, tmp, &va, VATTR_GID), -EPERM);
	CHECK_EQ(vfs_setattr(&root_ctx, tmp, &va, VATTR_UID | VATTR_GID), 0);
	CHECK_EQ(vt_stat("/tmp/o", 0).uid, 1001);
	CHECK_EQ(vfs_truncate(&alice, tmp, 0), -EACCES);
	CHECK_EQ(vfs_truncate(&bob, tmp, 0), 0);
	vnode_put(tmp);
	CHECK_EQ(vfs_unmount_all(), 0);
}

static int zero_opens;

static long zeros(struct vfile *f, void *buf, size_t n, uint64_t off)
{
	(void)f;
	(void)off;
	memset(buf, 'z', n);
	return (long)n;
}

static void zero_release(struct vfile *f)
{
	(void)f;
	zero_opens--;
}

static const struct vfile_ops zero_ops = {
    .read = zeros,
    .release = zero_release,
};

static int fake_dev_open(struct vfile *f)
{
	if (f->rdev != 0x105)
		return -ENXIO;
	vfile_set_ops(f, &zero_ops, NULL);
	zero_opens++;
	return 0;
}

TEST(vfs_file_special_open)
{
	struct vfs_ctx user = {{1000, 1000, 0, NULL}, NULL, NULL};
	struct vfile *f;
	char buf[4];

	CHECK_EQ(vt_setup(), 0);
	/* Write permission first (as Linux's may_create), then CAP_MKNOD. */
	CHECK_EQ(vfs_mknod(&user, NULL, "/zero", VFS_S_IFCHR | 0666, 0x105),
		 -EACCES);
	CHECK_EQ(vfs_mkdir(&root_ctx, NULL, "/pub", 0777), 0);
	CHECK_EQ(vfs_mknod(&user, NULL, "/pub/z", VFS_S_IFCHR | 0666, 0x105),
		 -EPERM);
	CHECK_EQ(vfs_mknod(&user, NULL, "/pub/p", VFS_S_IFIFO | 0666, 0), 0);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/zero", VFS_S_IFCHR | 0666, 0x105),
		 0);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/other", VFS_S_IFCHR | 0666, 7),
		 0);
	CHECK_EQ(vt_stat("/zero", 0).rdev, 0x105);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/zero", VFS_O_RDONLY, 0, &f),
		 -ENXIO);
	vfs_set_special_open(fake_dev_open);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/other", VFS_O_RDONLY, 0, &f),
		 -ENXIO);
	CHECK_EQ(vfs_openat(&user, NULL, "/zero", VFS_O_RDONLY, 0, &f), 0);
	CHECK_EQ(zero_opens, 1);
	CHECK_EQ(vfs_read(f, buf, sizeof(buf)), 4);
	CHECK_EQ(buf[3], 'z');
	CHECK_EQ(vfs_write(f, buf, 1), -EBADF);
	vfile_put(f);
	CHECK_EQ(zero_opens, 0);
	CHECK_EQ(vfs_unmount_all(), 0);
}

/* An open file's name (fs/vfs/file_name.c): the start directory's path
 * now, then the path as given with "." and ".." and extra slashes gone;
 * no name without one; longer than kept: none. */
TEST(vfs_file_name)
{
	struct vfile *f;
	struct vnode *d;
	char buf[64];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_mkdir("/a/b"), 0);
	CHECK_EQ(vt_put("/a/b/f", "x"), 0);
	CHECK_EQ(vfs_lookup(&root_ctx, NULL, "/a", 0, &d), 0);
	CHECK_EQ(vfs_openat(&root_ctx, d, "b//./f", 0, 0, &f), 0);
	CHECK_EQ(vfile_path(f, &root_ctx, buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(vfile_set_name(f, d, ".//b/../b/./f"), 0);
	CHECK_EQ(vfile_set_name(f, d, "b/f"), -ENAMETOOLONG); /* named */
	CHECK_EQ(vfile_path(f, &root_ctx, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "/a/b/f"));
	CHECK_EQ(vfile_path(f, &root_ctx, buf, 6), -ENAMETOOLONG);
	CHECK_EQ(vfs_rename(&root_ctx, NULL, "/a", NULL, "/z", 0), 0);
	CHECK_EQ(vfile_path(f, &root_ctx, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "/z/b/f"));
	vfile_put(f);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/z/b/f", 0, 0, &f), 0);
	CHECK_EQ(vfile_set_name(f, d, "/../z//b/f/.."), 0);
	CHECK_EQ(vfile_path(f, &root_ctx, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "/z/b"));
	vfile_put(f);
	vnode_put(d);
	CHECK_EQ(vfs_unmount_all(), 0);
}
