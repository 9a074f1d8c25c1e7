/*
 * test_vfs_ext2.c - host tests of ext2 as a VFS backend (fs/ext2/vnode.c)
 * through the VFS calls only: files, directories, links, symlinks,
 * rename (RENAME_NOREPLACE, EXDEV across mounts), readdir resumed,
 * stat, setattr, truncate, fsync, statfs, on 1 and 4 KiB blocks, ext2
 * mounted on a ramfs directory and as the root. Each test ends with
 * vfs_unmount_all() and e2fsck -fn; debugfs reads back what was written.
 */
#include <stdlib.h>
#include "vfs_ext2_test.h"

static int ren(const char *a, const char *b, unsigned flags)
{
	return vfs_rename(&root_ctx, NULL, a, NULL, b, flags);
}

static long readlink_s(const char *path, char *buf, size_t size)
{
	long n = vfs_readlink(&root_ctx, NULL, path, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Files: create, write, read, pread, O_APPEND, O_EXCL, O_TRUNC. */
static void file_ops(void)
{
	static char big[70000], back[sizeof(big)];
	struct vfile *f;
	char buf[64];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i * 7 % 26);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f",
			    VFS_O_CREAT | VFS_O_RDWR | VFS_O_EXCL, 0640, &f),
		 0);
	CHECK_EQ(vfs_write(f, "hello ", 6), 6);
	CHECK_EQ(vfs_write(f, "world", 5), 5);
	CHECK_EQ(vfs_pread(f, buf, sizeof(buf), 6), 5);
	CHECK(!memcmp(buf, "world", 5));
	CHECK_EQ(vfs_lseek(f, 0, VFS_SEEK_SET), 0);
	CHECK_EQ(vfs_read(f, buf, 5), 5);
	CHECK(!memcmp(buf, "hello", 5));
	CHECK_EQ(vfs_lseek(f, 0, VFS_SEEK_END), 11);
	vfile_put(f);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f",
			    VFS_O_CREAT | VFS_O_EXCL | VFS_O_RDWR, 0640, &f),
		 -EEXIST);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/f",
			    VFS_O_WRONLY | VFS_O_APPEND, 0, &f),
		 0);
	CHECK_EQ(vfs_write(f, "!", 1), 1);
	vfile_put(f);
	CHECK(!strcmp(vt_get("/mnt/f", buf, sizeof(buf)), "hello world!"));
	CHECK_EQ(vt_stat("/mnt/f", 0).mode, VFS_S_IFREG | 0640);
	/* A big file through the indirect blocks, read back whole. */
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/big",
			    VFS_O_CREAT | VFS_O_RDWR, 0600, &f),
		 0);
	CHECK_EQ(vfs_write(f, big, sizeof(big)), sizeof(big));
	CHECK_EQ(vfs_pread(f, back, sizeof(back), 0), sizeof(big));
	CHECK(!memcmp(big, back, sizeof(big)));
	CHECK_EQ(vfs_pread(f, back, 10, sizeof(big)), 0);
	CHECK_EQ(vfs_fsync(f), 0);
	vfile_put(f);
	CHECK_EQ(vt_put("/mnt/t", "to be cut"), 0);
	CHECK_EQ(vt_put("/mnt/t", "cut"), 0); /* O_TRUNC */
	CHECK(!strcmp(vt_get("/mnt/t", buf, sizeof(buf)), "cut"));
}

/* Directories, symlinks, hard links, device nodes. */
static void name_ops(void)
{
	char buf[300], longt[201];
	struct vattr va;

	CHECK_EQ(vt_mkdir("/mnt/d"), 0);
	CHECK_EQ(vt_mkdir("/mnt/d"), -EEXIST);
	CHECK_EQ(vt_mkdir("/mnt/d/sub"), 0);
	CHECK_EQ(vt_stat("/mnt/d", 0).nlink, 3);
	CHECK_EQ(vt_ino("/mnt/d/sub/.."), vt_ino("/mnt/d"));
	CHECK_EQ(vt_ino("/mnt/d/../.."), vt_ino("/"));
	CHECK_EQ(vfs_symlink(&root_ctx, "d/sub", NULL, "/mnt/fast"), 0);
	memset(longt, 'x', 200);
	longt[200] = '\0';
	CHECK_EQ(vfs_symlink(&root_ctx, longt, NULL, "/mnt/slow"), 0);
	CHECK_EQ(readlink_s("/mnt/fast", buf, sizeof(buf)), 5);
	CHECK(!strcmp(buf, "d/sub"));
	CHECK_EQ(readlink_s("/mnt/slow", buf, sizeof(buf)), 200);
	CHECK(!strcmp(buf, longt));
	CHECK_EQ(readlink_s("/mnt/f", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(vt_ino("/mnt/fast"), vt_ino("/mnt/d/sub"));
	CHECK(VFS_ISLNK(vt_stat("/mnt/fast", VFS_NOFOLLOW).mode));
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/mnt/f", NULL, "/mnt/d/f2", 0), 0);
	CHECK_EQ(vt_stat("/mnt/f", 0).nlink, 2);
	CHECK_EQ(vt_ino("/mnt/f"), vt_ino("/mnt/d/f2"));
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/mnt/d", NULL, "/mnt/d3", 0),
		 -EPERM);
	CHECK_EQ(vfs_mknod(&root_ctx, NULL, "/mnt/fifo", VFS_S_IFIFO | 0600, 0),
		 0);
	CHECK_EQ(
	    vfs_mknod(&root_ctx, NULL, "/mnt/tty", VFS_S_IFCHR | 0620, 0x0401),
	    0);
	CHECK_EQ(vfs_stat(&root_ctx, NULL, "/mnt/tty", 0, &va), 0);
	CHECK_EQ(va.mode, VFS_S_IFCHR | 0620);
	CHECK_EQ(va.rdev, 0x0401);
	CHECK(VFS_ISREG(vt_stat("/mnt/d/f2", 0).mode));
	/* Removal. */
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/mnt/d"), -ENOTEMPTY);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/d"), -EISDIR);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/mnt/fifo"), -ENOTDIR);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/fifo"), 0);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/d/f2"), 0);
	CHECK_EQ(vt_stat("/mnt/f", 0).nlink, 1);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/nope"), -ENOENT);
	CHECK_EQ(vt_mkdir("/mnt/gone"), 0);
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, "/mnt/gone"), 0);
	CHECK_EQ(vt_err("/mnt/gone", 0), -ENOENT);
}

/* rename: plain, over a file, directories, NOREPLACE, EXDEV. */
static void rename_ops(void)
{
	char buf[16];

	CHECK_EQ(vt_put("/mnt/a", "a"), 0);
	CHECK_EQ(vt_put("/mnt/b", "b"), 0);
	CHECK_EQ(vt_put("/onroot", "r"), 0);
	CHECK_EQ(ren("/mnt/a", "/mnt/b", VFS_RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(ren("/mnt/a", "/mnt/b", 0), 0);
	CHECK(!strcmp(vt_get("/mnt/b", buf, sizeof(buf)), "a"));
	CHECK_EQ(vt_err("/mnt/a", 0), -ENOENT);
	CHECK_EQ(ren("/mnt/b", "/mnt/d/sub/b", VFS_RENAME_NOREPLACE), 0);
	CHECK_EQ(ren("/mnt/d/sub/b", "/onroot", 0), -EXDEV);
	CHECK_EQ(ren("/onroot", "/mnt/x", 0), -EXDEV);
	CHECK_EQ(vfs_link(&root_ctx, NULL, "/onroot", NULL, "/mnt/x", 0),
		 -EXDEV);
	CHECK_EQ(vt_mkdir("/mnt/e"), 0);
	CHECK_EQ(ren("/mnt/d", "/mnt/d/sub/x", 0), -EINVAL);
	CHECK_EQ(ren("/mnt/e", "/mnt/d", 0), -ENOTEMPTY);
	CHECK_EQ(ren("/mnt/d", "/mnt/e/d", 0), 0);
	CHECK_EQ(vt_ino("/mnt/e/d/sub/.."), vt_ino("/mnt/e/d"));
	CHECK_EQ(vt_ino("/mnt/e/d/.."), vt_ino("/mnt/e"));
	CHECK_EQ(vt_stat("/mnt/e", 0).nlink, 3);
	CHECK_EQ(vt_stat("/mnt", 0).nlink, 4); /* ., lost+found, e */
	CHECK(!strcmp(vt_get("/mnt/e/d/sub/b", buf, sizeof(buf)), "a"));
}

/* stat, setattr, truncate, statfs. */
static void attr_ops(uint32_t bsize)
{
	struct vattr va, set = {0};
	struct vstatfs sf;
	struct vnode *v = vt_vnode("/mnt/big");
	struct vfile *f;

	CHECK(v);
	if (!v)
		return;
	CHECK_EQ(vnode_getattr(v, &va), 0);
	CHECK_EQ(va.size, 70000);
	CHECK(va.blocks >= 70000 / 512);
	CHECK_EQ(va.blocks % (bsize / 512), 0);
	CHECK_EQ(va.blksize, bsize);
	CHECK_EQ(va.dev, 0x0300);
	CHECK(va.dev != vt_stat("/", 0).dev);
	CHECK_EQ(va.mtime.nsec, 0);
	set.mode = 0604;
	set.uid = 70000;
	set.gid = 12;
	set.atime.sec = 1000000000;
	set.mtime.sec = 1234567890;
	CHECK_EQ(vfs_setattr(&root_ctx, v, &set,
			     VATTR_MODE | VATTR_UID | VATTR_GID | VATTR_ATIME |
				 VATTR_MTIME),
		 0);
	CHECK_EQ(vnode_getattr(v, &va), 0);
	CHECK_EQ(va.mode, VFS_S_IFREG | 0604);
	CHECK_EQ(va.uid, 70000);
	CHECK_EQ(va.gid, 12);
	CHECK_EQ(va.atime.sec, 1000000000);
	CHECK_EQ(va.mtime.sec, 1234567890);
	CHECK_EQ(vfs_truncate(&root_ctx, v, 5000), 0);
	CHECK_EQ(vt_stat("/mnt/big", 0).size, 5000);
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/big", VFS_O_RDWR, 0, &f), 0);
	CHECK_EQ(vfs_ftruncate(f, 3), 0);
	vfile_put(f);
	CHECK_EQ(vt_stat("/mnt/big", 0).size, 3);
	vnode_put(v);
	sf = vx_statfs("/mnt/e");
	CHECK_EQ(sf.type, VX_MAGIC);
	CHECK_EQ(sf.bsize, bsize);
	CHECK_EQ(sf.frsize, bsize);
	CHECK_EQ(sf.blocks, 8u * 1024 * 1024 / bsize);
	CHECK(sf.bfree > 0 && sf.bfree < sf.blocks);
	CHECK(sf.bavail <= sf.bfree);
	CHECK(sf.ffree > 0 && sf.ffree < sf.files);
	CHECK_EQ(sf.namelen, 255);
	CHECK_EQ(sf.fsid[0], 0x0300);
	CHECK_EQ(sf.flags, 0);
}

static void ops_suite(const char *opts, uint32_t bsize)
{
	struct vx x;
	char out[128];

	if (vx_setup(&x, opts)) {
		CHECK(!"setup");
		vx_cleanup(&x);
		return;
	}
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	file_ops();
	name_ops();
	rename_ops();
	attr_ops(bsize);
	CHECK_EQ(vfs_umount(&root_ctx, "/mnt"), 0);
	CHECK_EQ(vt_err("/mnt/f", 0), -ENOENT);
	CHECK_EQ(vx_finish(&x), 0);
	CHECK(vx_debugfs_cat(&x, "/f", "hello world!"));
	CHECK(vx_debugfs_cat(&x, "/t", "cut"));
	CHECK(vx_debugfs_cat(&x, "/e/d/sub/b", "a"));
	ext2t_debugfs(x.img, "stat /big", out, sizeof(out));
	CHECK(strstr(out, "Mode:  0604"));
	CHECK(strstr(out, "User: 70000"));
	vx_cleanup(&x);
}

TEST(vfs_ext2_ops_1k)
{
	ops_suite("-b 1024", 1024);
}

TEST(vfs_ext2_ops_4k)
{
	ops_suite("-b 4096", 4096);
}

/* An open file unlinked keeps its blocks until the last vfile_put. */
TEST(vfs_ext2_unlink_open_file)
{
	static char data[40000], back[sizeof(data)];
	uint64_t bfree0, ffree0;
	struct vfile *f, *g;
	struct vattr va;
	struct vx x;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i % 251);
	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	bfree0 = vx_statfs("/mnt").bfree;
	ffree0 = vx_statfs("/mnt").ffree;
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/big",
			    VFS_O_CREAT | VFS_O_RDWR | VFS_O_EXCL, 0600, &f),
		 0);
	CHECK_EQ(vfs_write(f, data, sizeof(data)), sizeof(data));
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/big", VFS_O_RDONLY, 0, &g),
		 0);
	CHECK(f->vn == g->vn); /* one vnode per inode */
	/* 40 data blocks and an indirect block. */
	CHECK_EQ(vx_statfs("/mnt").bfree, bfree0 - 41);
	CHECK_EQ(vfs_unlink(&root_ctx, NULL, "/mnt/big"), 0);
	CHECK_EQ(vt_err("/mnt/big", 0), -ENOENT);
	CHECK_EQ(vfs_fstat(f, &va), 0);
	CHECK_EQ(va.nlink, 0);
	CHECK_EQ(vfs_pread(g, back, sizeof(back), 0), sizeof(data));
	CHECK(!memcmp(back, data, sizeof(data)));
	CHECK_EQ(vfs_pwrite(f, "Z", 1, sizeof(data)), 1);
	vfile_put(f);
	CHECK_EQ(vx_statfs("/mnt").bfree, bfree0 - 41);
	CHECK_EQ(vx_statfs("/mnt").ffree, ffree0 - 1);
	vfile_put(g); /* the last one: blocks and inode freed */
	CHECK_EQ(vx_statfs("/mnt").bfree, bfree0);
	CHECK_EQ(vx_statfs("/mnt").ffree, ffree0);
	CHECK_EQ(vx_finish(&x), 0);
	vx_cleanup(&x);
}

struct names {
	int seen[200];
	int n, limit, calls, dirs, regs;
};

/* filldir: stop after limit entries per call. Names are "n<i>-..." */
static int take_some(void *arg, const char *name, size_t len, uint64_t ino,
		     unsigned type, uint64_t next)
{
	struct names *c = arg;

	(void)ino;
	(void)next;
	if (c->calls++ == c->limit)
		return 1;
	c->n++;
	c->dirs += type == VFS_DT_DIR;
	c->regs += type == VFS_DT_REG;
	if (len > 1 && name[0] == 'n')
		c->seen[atoi(name + 1) % 200]++;
	return 0;
}

/* Many long names, so one call spans several batches of the backend;
 * getdents-sized calls, entries removed in the middle. */
TEST(vfs_ext2_readdir_resumes)
{
	struct names c = {.limit = 7};
	char name[96];
	struct vfile *d;
	struct vx x;

	CHECK_EQ(vx_setup(&x, "-b 1024"), 0);
	CHECK_EQ(vt_mkdir("/mnt"), 0);
	CHECK_EQ(vx_mount(&x, "/mnt", ""), 0);
	CHECK_EQ(vt_mkdir("/mnt/d"), 0);
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "/mnt/d/n%d-%0*d", i, 60 + i % 20,
			 0);
		if (i % 10 == 0)
			CHECK_EQ(vt_mkdir(name), 0);
		else
			CHECK_EQ(vt_put(name, ""), 0);
	}
	CHECK_EQ(vfs_openat(&root_ctx, NULL, "/mnt/d",
			    VFS_O_RDONLY | VFS_O_DIRECTORY, 0, &d),
		 0);
	for (int round = 0; round < 40; round++) {
		c.calls = 0;
		CHECK_EQ(vfs_readdir(d, take_some, &c), 0);
		if (round == 5) /* behind and ahead of the position */
			for (int i = 1; i < 150; i += 4) {
				snprintf(name, sizeof(name), "/mnt/d/n%d-%0*d",
					 i, 60 + i % 20, 0);
				CHECK_EQ(vfs_unlink(&root_ctx, NULL, name), 0);
			}
	}
	for (int i = 0; i < 150; i++) {
		bool gone_early = i % 4 == 1 && i >= 6 * 7 - 2;

		CHECK_EQ(c.seen[i], gone_early ? 0 : 1);
	}
	/* Rewound: everything left, "." and ".." once, with their types. */
	CHECK_EQ(vfs_lseek(d, 0, VFS_SEEK_SET), 0);
	c = (struct names){.limit = -1};
	CHECK_EQ(vfs_readdir(d, take_some, &c), 0);
	CHECK_EQ(c.n, 2 + 150 - 38);
	CHECK_EQ(c.dirs, 2 + 15);
	CHECK_EQ(c.regs, 150 - 38 - 15);
	vfile_put(d);
	CHECK_EQ(vx_finish(&x), 0);
	vx_cleanup(&x);
}
