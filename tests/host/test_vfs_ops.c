/*
 * test_vfs_ops.c - host tests of the VFS name space and file operations
 * (fs/vfs/dirops.c, rename.c, file.c) on ramfs: rename and link rules
 * (EXDEV across mounts), unlink / rmdir errors, an open file unlinked
 * (its pages freed at the last close), readdir resumed, open flags,
 * the sticky bit, device nodes through the special-open hook.
 */
#include <mm/slab.h>
#include "vfs_test.h"

static int ren(const char *a, const char *b, unsigned flags)
{
	return vfs_rename(&root_ctx, NULL, a, NULL, b, flags);
}

TEST(vfs_ops_rename_rules)
{
	char buf[16];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/d"), 0);
	CHECK_EQ(vt_mkdir("/d/sub"), 0);
	CHECK_EQ(vt_mkdir("/e"), 0);
	CHECK_EQ(vt_mkdir("/full"), 0);
	CHECK_EQ(vt_put("/full/x", "x"), 0);
	CHECK_EQ(vt_put("/f", "f"), 0);
	CHECK_EQ(vt_put("/g", "g"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vfs_mount(&root_ctx, "t", NULL, "/mnt", "tmpfs", ""), 0);
	CHECK_EQ(ren("/f", "/mnt/f", 0), -EXDEV);
	CHECK_EQ(ren("/nope", "/mnt/f", 0), -EXDEV);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/f", NULL, "/mnt/f", 0), -EXDEV);
	CHECK_EQ(ren("/d", "/d/sub/x", 0), -EINVAL);
	CHECK_EQ(ren("/d", "/d/x", 0), -EINVAL);
	CHECK_EQ(ren("/d/sub", "/d", 0), -ENOTEMPTY);
	CHECK_EQ(ren("/f", "/d", 0), -EISDIR);
	CHECK_EQ(ren("/d", "/f", 0), -ENOTDIR);
	CHECK_EQ(ren("/e", "/full", 0), -ENOTEMPTY);
	CHECK_EQ(ren("/f", "/g", VFS_RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(ren("/f", "/g", 2), -EINVAL);
	CHECK_EQ(ren("/f", "/f", 0), 0);
	CHECK_EQ(ren("/.", "/x", 0), -EBUSY);
	CHECK_EQ(ren("/f", "/d/..", 0), -EBUSY);
	CHECK_EQ(ren("/f", "/", VFS_RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(ren("/f/", "/h", 0), -ENOTDIR);
	CHECK_EQ(ren("/f", "/h/", 0), -ENOTDIR);
	CHECK_EQ(ren("/missing", "/h", 0), -ENOENT);
	CHECK_EQ(ren("/f", "/missing/h", 0), -ENOENT);
	/* The ones that work. */
	CHECK_EQ(ren("/e/", "/d/sub/e/", 0), 0);
	CHECK_EQ(vt_err("/d/sub/e", VFS_DIRECTORY), 0);
	CHECK_EQ(ren("/f", "/g", 0), 0);
	CHECK(!strcmp(vt_get("/g", buf, sizeof(buf)), "f"));
	CHECK_EQ(vt_err("/f", 0), -ENOENT);
	CHECK_EQ(ren("/d/sub/e", "/full/x", 0), -ENOTDIR);
	CHECK_EQ(vfs_mkdir(&root_ctx, NULL, "/empty", 0755), 0);
	CHECK_EQ(ren("/d/sub/e", "/empty", 0), 0);
	CHECK_EQ(vt_stat("/d", 0).nlink, 3);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_ops_create_remove_errors)
{
	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/d"), 0);
	CHECK_EQ(vt_put("/f", "x"), 0);
	CHECK_EQ(vt_mkdir("/d"), -EEXIST);
	CHECK_EQ(vt_mkdir("/f"), -EEXIST);
	CHECK_EQ(vt_mkdir("/"), -EEXIST);
	CHECK_EQ(vt_mkdir("/d/.."), -EEXIST);
	CHECK_EQ(vt_mkdir("/new/"), 0);
	CHECK_EQ(vt_mkdir("/f/x"), -ENOTDIR);
	CHECK_EQ(vt_mkdir("/no/x"), -ENOENT);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/n/", VFS_S_IFIFO | 0644, 0),
		 -ENOENT);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/n", VFS_S_IFDIR | 0644, 0),
		 -EPERM);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/n", VFS_S_IFLNK | 0644, 0),
		 -EINVAL);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/n", 0644, 0), 0);
	CHECK(VFS_ISREG(vt_stat("/n", 0).mode));
	CHECK_EQ(vfs_symlink(&root_ctx, "", NULL, "/s"), -ENOENT);
	CHECK_EQ(vfs_symlink(&root_ctx, "x", NULL, "/s/"), -ENOENT);
	CHECK_EQ(vfs_symlink(&root_ctx, "x", NULL, "/f"), -EEXIST);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/d"), -EISDIR);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/"), -EISDIR);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/f/"), -ENOTDIR);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/nope"), -ENOENT);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/f"), -ENOTDIR);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/"), -EBUSY);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/d/."), -EINVAL);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/d/.."), -ENOTEMPTY);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/d", NULL, "/d2", 0), -EPERM);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/f", NULL, "/d", 0), -EEXIST);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/f", NULL, "/f2/", 0), -ENOENT);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/f", NULL, "/f2", 0), 0);
	CHECK_EQ(vt_stat("/f", 0).nlink, 2);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/f"), 0);
	CHECK_EQ(vt_stat("/f2", 0).nlink, 1);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/d/"), 0);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/new"), 0);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_ops_unlink_open_file)
{
	static char data[3 * 4096 + 100], back[sizeof(data)];
	size_t before;
	struct vfile *f;
	struct vattr va;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 23);
	CHECK_EQ(vt_setup(), 0);
	before = phys_free_pages();
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/big",
			    VFS_O_CREAT | VFS_O_RDWR | VFS_O_EXCL, 0600, &f),
		 0);
	CHECK_EQ(vfs_write(f, data, sizeof(data)), sizeof(data));
	CHECK(phys_free_pages() <= before - 4);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/big"), 0);
	CHECK_EQ(vt_err("/big", 0), -ENOENT);
	CHECK_EQ(vfs_fstat(f, &va), 0);
	CHECK_EQ(va.nlink, 0);
	CHECK_EQ(va.size, sizeof(data));
	CHECK_EQ(vfs_pread(f, back, sizeof(back), 0), sizeof(data));
	CHECK(!memcmp(back, data, sizeof(data)));
	CHECK(phys_free_pages() <= before - 4);
	/* Still writable, and no name can be given back to it. */
	CHECK_EQ(vfs_pwrite(f, "Z", 1, 0), 1);
	vfile_put(f);
	slab_trim(); /* an emptied slab page kept cached is not the file's */
	CHECK_EQ(phys_free_pages(), before);
	CHECK_EQ(vfs_unmount_all(), 0);
}

struct collect {
	char names[64][8];
	int n, limit, calls;
};

static int collect_some(void *arg, const char *name, size_t len, uint64_t ino,
			unsigned type)
{
	struct collect *c = arg;

	(void)ino;
	(void)type;
	if (c->calls++ == c->limit || c->n == 64 || len >= 8)
		return 1;
	memcpy(c->names[c->n], name, len);
	c->names[c->n++][len] = '\0';
	return 0;
}

static int count_name(const struct collect *c, const char *name)
{
	int k = 0;

	for (int i = 0; i < c->n; i++)
		k += !strcmp(c->names[i], name);
	return k;
}

TEST(vfs_ops_readdir_resumes)
{
	struct collect c = {.limit = 7};
	struct vfile *d;
	char name[24];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/d"), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/d/%d", i);
		CHECK_EQ(vt_put(name, ""), 0);
	}
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/d",
			    VFS_O_RDONLY | VFS_O_DIRECTORY, 0, &d),
		 0);
	for (int round = 0; round < 20; round++) {
		c.calls = 0;
		CHECK_EQ(vfs_readdir(d, collect_some, &c), 0);
		if (round == 2) /* entries go away behind and ahead */
			for (int i = 0; i < 40; i += 4) {
				snprintf(name, sizeof(name), "/d/%d", i);
				CHECK_EQ(vfs_unlink(&root_ctx, NULL, name), 0);
			}
	}
	CHECK_EQ(count_name(&c, "."), 1);
	CHECK_EQ(count_name(&c, ".."), 1);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "%d", i);
		CHECK_EQ(count_name(&c, name), i % 4 == 0 && i >= 20 ? 0 : 1);
	}
	CHECK_EQ(c.n, 2 + 40 - 5);
	/* Rewind: everything left, once. */
	CHECK_EQ(vfs_lseek(d, 0, VFS_SEEK_SET), 0);
	c = (struct collect){.limit = -1};
	CHECK_EQ(vfs_readdir(d, collect_some, &c), 0);
	CHECK_EQ(c.n, 2 + 30);
	vfile_put(d);
	CHECK_EQ(vfs_unmount_all(), 0);
}
