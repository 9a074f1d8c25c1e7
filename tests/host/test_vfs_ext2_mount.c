/*
 * test_vfs_ext2_mount.c - host tests of mounting ext2 through the VFS
 * (fs/ext2/vsuper.c) and of its lock: ext2 as the root with a tmpfs on
 * top, umount refused while a file is open, read-only mounts refusing
 * every change with EROFS and writing nothing, images and options
 * refused by mount, the sleeping lock (fs/vfs/lock.c) and the adapter
 * taking it around every call into the library.
 */
#include <fcntl.h>
#include <unistd.h>
#include <fs/vfs/lock.h>
#include <mm/slab.h>
#include "vfs_ext2_test.h"
#include "../../fs/ext2/vnode.h" /* white box: the mount's lock */

/* Overwrite n (4 or 2) bytes of the image at off with v, little-endian. */
static void poke(const char *img, off_t off, uint32_t v, size_t n)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};
	int fd = open(img, O_RDWR);
	bool ok = fd >= 0 && pwrite(fd, b, n, off) == (ssize_t)n;

	if (fd >= 0)
		close(fd);
	CHECK(ok);
}

/* The 4 bytes at off (0 if unreadable). */
static uint32_t peek(const char *img, off_t off)
{
	uint8_t b[4] = {0};
	int fd = open(img, O_RDONLY);

	if (fd >= 0 && pread(fd, b, 4, off) != 4)
		memset(b, 0, sizeof(b));
	if (fd >= 0)
		close(fd);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

struct mount_seen {
	int n, ext2;
};

static int see_mount(void *arg, const struct vfs_mount_info *mi)
{
	struct mount_seen *s = arg;

	s->n++;
	s->ext2 += !strcmp(mi->type, "ext2") && !strcmp(mi->target, "/") &&
		   !strcmp(mi->source, "/dev/vd0");
	return 0;
}

TEST(vfs_ext2_as_root)
{
	struct mount_seen seen = {0};
	struct vnode *b;
	char buf[64];
	struct vx x;

	CHECK_EQ(vx_setup_root(&x, "-b 4096"), 0);
	CHECK_EQ(vt_ino("/"), 2);
	CHECK_EQ(vt_ino("/.."), 2);
	CHECK_EQ(vt_err("/lost+found", VFS_DIRECTORY), 0);
	CHECK_EQ(vt_mkdir("/tmp"), 0);
	CHECK_EQ(vfs_mount(&root_ctx, "none", NULL, "/tmp", "tmpfs", ""), 0);
	CHECK_EQ(vt_put("/tmp/x", "in memory"), 0);
	CHECK_EQ(vt_ino("/tmp/.."), 2);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_mkdir("/a/b"), 0);
	CHECK_EQ(vt_put("/a/b/f", "on disk"), 0);
	CHECK_EQ(vfs_rename(&root_ctx, NULL, "/tmp/x", NULL, "/a/x", 0),
		 -EXDEV);
	b = vt_vnode("/a/b");
	CHECK(b);
	CHECK_EQ(vfs_dir_path(&root_ctx, b, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "/a/b"));
	root_ctx.cwd = b;
	CHECK(!strcmp(vt_get("f", buf, sizeof(buf)), "on disk"));
	CHECK(!strcmp(vt_get("../../tmp/x", buf, sizeof(buf)), "in memory"));
	root_ctx.cwd = NULL;
	vnode_put(b);
	CHECK_EQ(vfs_mounts_each(see_mount, &seen), 0);
	CHECK_EQ(seen.n, 2);
	CHECK_EQ(seen.ext2, 1);
	CHECK_EQ(vfs_umount(&root_ctx, "/"), -EBUSY);
	CHECK_EQ(vx_finish(&x), 0);
	CHECK(vx_debugfs_cat(&x, "/a/b/f", "on disk"));
	vx_cleanup(&x);
}

TEST(vfs_ext2_umount_busy)
{
	struct vfile *f;
	struct vnode *d;
	char buf[64];
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	CHECK_EQ(vt_mkdir("/mnt/d"), 0);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/d/f",
			    VFS_O_CREAT | VFS_O_WRONLY, 0644, &f),
		 0);
	CHECK_EQ(vfs_write(f, "kept", 4), 4);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EBUSY);
	CHECK_EQ(vfs_unmount_all(), -EBUSY);
	vfile_put(f);
	d = vt_vnode("/mnt/d"); /* a working directory */
	root_ctx.cwd = d;
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), -EBUSY);
	root_ctx.cwd = NULL;
	vnode_put(d);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	CHECK_EQ(vt_err("/mnt/d", 0), -ENOENT);
	CHECK_EQ(ext2t_fsck(x.img), 0);
	/* Mounted again: the file is there. */
	CHECK_EQ(vx_mount(&x, "/mnt", "rw"), 0);
	CHECK(!strcmp(vt_get("/mnt/d/f", buf, sizeof(buf)), "kept"));
	CHECK_EQ(vx_finish(&x), 0);
	CHECK(vx_debugfs_cat(&x, "/d/f", "kept"));
	vx_cleanup(&x);
}

/* Every change refused with EROFS on a read-only mount; reads work. */
static void refuse_changes(void)
{
	struct vattr set = {.mode = 0600};
	struct vnode *v = vt_vnode("/mnt/f");
	struct vfile *f;
	char buf[64];

	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/new",
			    VFS_O_CREAT | VFS_O_WRONLY, 0644, &f),
		 -EROFS);
	CHECK_EQ(vt_mkdir("/mnt/nd"), -EROFS);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/mnt/p", VFS_S_IFIFO | 0600, 0),
		 -EROFS);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/mnt/r", 0600, 0), -EROFS);
	CHECK_EQ(vfs_symlink(&root_ctx, "f", NULL, "/mnt/s2"), -EROFS);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/mnt/f", NULL, "/mnt/l", 0),
		 -EROFS);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/f"), -EROFS);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/mnt/d"), -EROFS);
	CHECK_EQ(vfs_rename(&root_ctx, NULL, "/mnt/f", NULL, "/mnt/g", 0),
		 -EROFS);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f",
			    VFS_O_WRONLY | VFS_O_TRUNC, 0, &f),
		 -EROFS);
	/* as Linux, opening for writing is refused already */
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f", VFS_O_RDWR, 0, &f),
		 -EROFS);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f", VFS_O_RDONLY, 0, &f), 0);
	CHECK_EQ(vfs_fsync(f), 0);
	CHECK_EQ(vfs_read(f, buf, sizeof(buf)), 8);
	vfile_put(f);
	CHECK(v);
	if (v) {
		CHECK_EQ(vfs_setattr(&root_ctx, v, &set, VATTR_MODE), -EROFS);
		CHECK_EQ(vfs_truncate(&root_ctx, v, 0), -EROFS);
		vnode_put(v);
	}
	CHECK(!strcmp(vt_get("/mnt/f", buf, sizeof(buf)), "readonly"));
	CHECK(!strcmp(vt_get("/mnt/s", buf, sizeof(buf)), "readonly"));
	CHECK_EQ(vt_err("/mnt/d", VFS_DIRECTORY), 0);
	CHECK_EQ(vx_statfs("/mnt").flags, 1); /* ST_RDONLY */
}

TEST(vfs_ext2_readonly)
{
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	CHECK_EQ(vt_put("/mnt/f", "readonly"), 0);
	CHECK_EQ(vt_mkdir("/mnt/d"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "f", NULL, "/mnt/s"), 0);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	CHECK_EQ(ext2t_run("cp '%s' '%s.orig'", x.img, x.img), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", "rw,ro"), 0);
	refuse_changes();
	CHECK_EQ(vx_finish(&x), 0);
	/* Not a byte written, not even the mount count. */
	CHECK_EQ(ext2t_run("cmp -s '%s' '%s.orig'", x.img, x.img), 0);
	vx_cleanup(&x);
}

/* Remount read-only marks the disk clean (so a machine that stops then,
 * as init's shutdown "umount -a -r" leaves the root, needs no check) and
 * refuses changes; read-write again marks it not clean and counts the
 * mount. s_state: offset 58 of the superblock, s_mnt_count: 52. */
TEST(vfs_ext2_remount_clean)
{
	const off_t state = 1024 + 58, count = 1024 + 52;
	uint32_t mounts;
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	CHECK_EQ(vt_put("/mnt/f", "before"), 0);
	CHECK_EQ(peek(x.img, state) & 1, 0); /* not clean while rw */
	mounts = peek(x.img, count) & 0xffff;
	CHECK_EQ(vfs_remount(&root_ctx, "/mnt", true), 0);
	CHECK_EQ(peek(x.img, state) & 1, 1);
	CHECK_EQ(ext2t_fsck(x.img), 0);
	CHECK(vx_debugfs_cat(&x, "/f", "before"));
	CHECK_EQ(vt_put("/mnt/g", "x"), -EROFS);
	CHECK_EQ(vfs_remount(&root_ctx, "/mnt", false), 0);
	CHECK_EQ(peek(x.img, state) & 1, 0);
	CHECK_EQ(peek(x.img, count) & 0xffff, mounts + 1);
	CHECK_EQ(vt_put("/mnt/g", "after"), 0);
	CHECK_EQ(vx_finish(&x), 0);
	CHECK(vx_debugfs_cat(&x, "/g", "after"));
	vx_cleanup(&x);
}

TEST(vfs_ext2_mount_refused)
{
	uint32_t ro_compat;
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vt_put("/mnt/under", "ramfs"), 0);
	CHECK_EQ(vfs_mount(&root_ctx, "x", NULL, "/mnt", "ext2", ""), -EINVAL);
	CHECK_EQ(vx_mount(&x, "/mnt", "ro,journal"), -EINVAL);
	poke(x.img, 1024 + 56, 0x1234, 2); /* s_magic */
	CHECK_EQ(vx_mount(&x, "/mnt", ""), -EINVAL);
	CHECK_EQ(vx_mount(&x, "/mnt", "ro"), -EINVAL);
	CHECK_EQ(vt_err("/mnt/under", 0), 0); /* nothing mounted */
	poke(x.img, 1024 + 56, VX_MAGIC, 2);
	/* An unknown read-only-compatible feature: read-only mounts only. */
	ro_compat = peek(x.img, 1024 + 100);
	poke(x.img, 1024 + 100, ro_compat | 0x8, 4);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), -EINVAL);
	CHECK_EQ(vx_mount(&x, "/mnt", "ro"), 0);
	CHECK_EQ(vt_err("/mnt/under", 0), -ENOENT);
	CHECK_EQ(vt_err("/mnt/lost+found", 0), 0);
	CHECK_EQ(vfs_unmount_all(), 0);
	poke(x.img, 1024 + 100, ro_compat, 4);
	CHECK_EQ(vx_finish(&x), 0);
	vfs_reset();
	CHECK_EQ(ext2_register_fstype(), 0);
	CHECK_EQ(ext2_register_fstype(), -EEXIST);
	CHECK_EQ(vfs_mount_root("ext2", NULL, "none", ""), -EINVAL);
	vx_cleanup(&x);
}

/* --- the lock ---------------------------------------------------------- */

static struct vlock *held_lock;
static int waits;

/* fs_wait on the host: the "other process" inside the file system
 * finishes and lets the lock go. */
static void other_finishes(void *chan)
{
	CHECK(chan == held_lock);
	waits++;
	vlock_drop(held_lock);
}

TEST(vfs_lock_sleeps_until_free)
{
	struct guarded {
		int x;
		struct vlock lock;
	} *g = slab_zalloc(sizeof(*g));

	CHECK(g);
	if (!g)
		return;
	vlock_init(&g->lock);
	CHECK(!vlock_held(&g->lock));
	vlock_take(&g->lock);
	vlock_drop(&g->lock);
	CHECK_EQ(host_fs_wakes, 0); /* nobody waited: nobody woken */
	vlock_take(&g->lock);
	held_lock = &g->lock;
	waits = 0;
	host_fs_wait_hook = other_finishes;
	vlock_take(&g->lock); /* waits once, then holds it */
	CHECK_EQ(waits, 1);
	CHECK_EQ(host_fs_wakes, 1);
	CHECK(vlock_held(&g->lock));
	CHECK_EQ(g->lock.waiters, 0);
	host_fs_wait_hook = NULL;
	EXPECT_PANIC(vlock_take(&g->lock), "contended");
	USE(g, g->lock.waiters = 0); /* the panic left the wait midway */
	vlock_drop(&g->lock);
	EXPECT_PANIC(vlock_drop(&g->lock), "BUG_ON");
	SLAB_FREE(g);
}

/* Run op with the mount's lock held by "another process": op must wait
 * for it (at least once) and then work. */
#define WAITS_FOR_LOCK(op, expect)             \
	do {                                   \
		waits = 0;                     \
		vlock_take(held_lock);         \
		CHECK_EQ((op), (expect));      \
		CHECK(waits > 0);              \
		CHECK(!vlock_held(held_lock)); \
	} while (0)

TEST(vfs_ext2_calls_take_the_lock)
{
	struct vnode *root, *v;
	struct vstatfs st;
	struct vfile *f;
	struct vattr va;
	char buf[8];
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	CHECK_EQ(vt_put("/mnt/f", "data"), 0);
	root = vt_vnode("/mnt");
	f = NULL;
	if (!root)
		goto out;
	held_lock = &((struct ext2_vfs *)root->sb->priv)->lock;
	host_fs_wait_hook = other_finishes;
	WAITS_FOR_LOCK(vt_err("/mnt/f", 0), 0); /* lookup, release */
	WAITS_FOR_LOCK(vfs_stat(&root_ctx, NULL, "/mnt/f", 0, &va), 0);
	WAITS_FOR_LOCK(vfs_openat(&root_ctx, NULL, "/mnt/f", VFS_O_RDWR, 0, &f),
		       0);
	WAITS_FOR_LOCK(vfs_pread(f, buf, 4, 0), 4);
	WAITS_FOR_LOCK(vfs_pwrite(f, "DATA", 4, 0), 4);
	WAITS_FOR_LOCK(vfs_ftruncate(f, 2), 0);
	WAITS_FOR_LOCK(vfs_fsync(f), 0);
	WAITS_FOR_LOCK(vt_mkdir("/mnt/d"), 0);
	WAITS_FOR_LOCK(vfs_symlink(&root_ctx, "f", NULL, "/mnt/s"), 0);
	WAITS_FOR_LOCK(vfs_readlink(&root_ctx, NULL, "/mnt/s", buf, 8), 1);
	WAITS_FOR_LOCK(vfs_link(&root_ctx, NULL, "/mnt/f", NULL, "/mnt/h", 0),
		       0);
	WAITS_FOR_LOCK(vfs_rename(&root_ctx, NULL, "/mnt/h", NULL, "/mnt/i", 0),
		       0);
	WAITS_FOR_LOCK(vfs_unlink(&root_ctx, NULL, "/mnt/i"), 0);
	WAITS_FOR_LOCK(vfs_rmdir(&root_ctx, NULL, "/mnt/d"), 0);
	WAITS_FOR_LOCK(vfs_statfs(root, &st), 0);
	WAITS_FOR_LOCK(vfs_sync_all(), 0);
	v = f->vn;
	WAITS_FOR_LOCK(vfs_setattr(&root_ctx, v, &va, VATTR_MODE), 0);
	vfile_put(f);
	f = NULL;
	host_fs_wait_hook = NULL;
out:
	vfile_put(f);
	vnode_put(root);
	CHECK_EQ(vx_finish(&x), 0);
	CHECK(vx_debugfs_cat(&x, "/f", "DA"));
	vx_cleanup(&x);
}
