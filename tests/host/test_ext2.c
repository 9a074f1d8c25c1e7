/*
 * test_ext2.c - host tests of the ext2 file system (fs/ext2/) over images
 * made by mke2fs: every operation on 1, 2 and 4 KiB blocks checked
 * through the API, then by e2fsck -fn and debugfs after unmount; files at
 * the indirection boundaries, truncation across them, big directories,
 * deep trees, unlink of open files, ENOSPC, reading mke2fs -d trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fs/bcache.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "filedisk.h"
#include "host.h"

#define MKDEV(ma, mi)                                           \
	((((uint32_t)(mi)) & 0xffu) | (((uint32_t)(ma)) << 8) | \
	 ((((uint32_t)(mi)) & ~0xffu) << 12))

/* --- helpers ----------------------------------------------------------- */

static int mkdir_p(struct ext2t *t, const char *path, uint32_t mode)
{
	struct ext2_inode *dir, *ip;
	const char *name;
	int err = ext2t_parent(t, path, &dir, &name);

	if (err)
		return err;
	err = ext2_mkdir(dir, name, strlen(name), mode, 0, 0, &ip);
	ext2_iput(dir);
	if (!err)
		ext2_iput(ip);
	return err;
}

static int op_path(struct ext2t *t, const char *path,
		   int (*fn)(struct ext2_inode *, const char *, size_t))
{
	struct ext2_inode *dir;
	const char *name;
	int err = ext2t_parent(t, path, &dir, &name);

	if (err)
		return err;
	err = fn(dir, name, strlen(name));
	ext2_iput(dir);
	return err;
}

static int rename_p(struct ext2t *t, const char *from, const char *to,
		    unsigned flags)
{
	struct ext2_inode *od, *nd;
	const char *on, *nn;
	int err = ext2t_parent(t, from, &od, &on);

	if (err)
		return err;
	err = ext2t_parent(t, to, &nd, &nn);
	if (err) {
		ext2_iput(od);
		return err;
	}
	err = ext2_rename(od, on, strlen(on), nd, nn, strlen(nn), flags);
	ext2_iput(od);
	ext2_iput(nd);
	return err;
}

static int link_p(struct ext2t *t, const char *from, const char *to)
{
	struct ext2_inode *ip = ext2t_path(t, from), *dir;
	const char *name;
	int err;

	if (!ip)
		return -ENOENT;
	err = ext2t_parent(t, to, &dir, &name);
	if (!err) {
		err = ext2_link(ip, dir, name, strlen(name));
		ext2_iput(dir);
	}
	ext2_iput(ip);
	return err;
}

static int symlink_p(struct ext2t *t, const char *target, const char *path)
{
	struct ext2_inode *dir, *ip;
	const char *name;
	int err = ext2t_parent(t, path, &dir, &name);

	if (err)
		return err;
	err = ext2_symlink(dir, name, strlen(name), target, strlen(target), 0,
			   0, &ip);
	ext2_iput(dir);
	if (!err)
		ext2_iput(ip);
	return err;
}

static int mknod_p(struct ext2t *t, const char *path, uint32_t mode,
		   uint32_t rdev)
{
	struct ext2_inode *dir;
	const char *name;
	int err = ext2t_parent(t, path, &dir, &name);

	if (err)
		return err;
	err = ext2_mknod(dir, name, strlen(name), mode, rdev, 0, 0, NULL);
	ext2_iput(dir);
	return err;
}

static int stat_p(struct ext2t *t, const char *path, struct ext2_stat *st)
{
	struct ext2_inode *ip = ext2t_path(t, path);

	if (!ip)
		return -ENOENT;
	ext2_getattr(ip, st);
	ext2_iput(ip);
	return 0;
}

static long readlink_p(struct ext2t *t, const char *path, char *buf,
		       size_t size)
{
	struct ext2_inode *ip = ext2t_path(t, path);
	long n;

	if (!ip)
		return -ENOENT;
	n = ext2_readlink(ip, buf, size - 1);
	ext2_iput(ip);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

struct names {
	char buf[8192];
	size_t len;
	int count, stop_every, calls;
};

static int collect(void *arg, const char *name, size_t len, uint32_t ino,
		   unsigned type, uint64_t next)
{
	struct names *n = arg;

	(void)ino;
	(void)next;
	if (n->stop_every && ++n->calls % n->stop_every == 0)
		return 1;
	if (n->len + len + 8 < sizeof(n->buf))
		n->len +=
		    (size_t)snprintf(n->buf + n->len, sizeof(n->buf) - n->len,
				     "%.*s:%u ", (int)len, name, type);
	n->count++;
	return 0;
}

/* --- every operation --------------------------------------------------- */

static void ops_suite(const char *opts)
{
	struct ext2t t;
	struct ext2_inode *ip, *d;
	struct ext2_stat st;
	struct ext2_setattr sa;
	struct ext2_statfs sf, sf2;
	struct names nm;
	char buf[8192], slow[201], out[16384];
	uint64_t pos;

	if (ext2t_setup(&t, opts, "8M"))
		goto done;
	CHECK_EQ(mkdir_p(&t, "d", 0750), 0);
	CHECK_EQ(mkdir_p(&t, "d", 0750), -EEXIST);
	CHECK_EQ(mkdir_p(&t, "d/sub", 0700), 0);
	CHECK_EQ(mkdir_p(&t, "d/sub/deeper", 0700), 0);
	CHECK_EQ(stat_p(&t, "d", &st), 0);
	CHECK_EQ(st.nlink, 3);
	CHECK_EQ(st.mode, EXT2_S_IFDIR | 0750);
	CHECK_EQ(stat_p(&t, "", &st), 0);
	CHECK_EQ(st.nlink, 4); /* ., .., lost+found, d */

	/* Files, holes, reads. */
	CHECK_EQ(ext2t_write_file(&t, "d/f", "hello world", 11), 0);
	ip = ext2t_path(&t, "d/f");
	CHECK(ip);
	CHECK_EQ(ext2_write(ip, "tail", 4, 5000), 4);
	CHECK_EQ(ext2_size(ip), 5004);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(ext2_read(ip, buf, sizeof(buf), 0), 5004);
	CHECK(!memcmp(buf, "hello world", 11));
	for (int i = 11; i < 5000; i++)
		CHECK_EQ(buf[i], 0);
	CHECK(!memcmp(buf + 5000, "tail", 4));
	CHECK_EQ(ext2_read(ip, buf, 10, 5004), 0);
	CHECK_EQ(ext2_read(ip, buf, 10, 5002), 2);
	/* Attributes. */
	memset(&sa, 0, sizeof(sa));
	sa.valid = EXT2_ATTR_MODE | EXT2_ATTR_UID | EXT2_ATTR_GID |
		   EXT2_ATTR_ATIME | EXT2_ATTR_MTIME;
	sa.mode = 0640;
	sa.uid = 70000; /* needs the high 16 bits */
	sa.gid = 1234;
	sa.atime = 1000000;
	sa.mtime = 2000000;
	CHECK_EQ(ext2_setattr(ip, &sa), 0);
	ext2_getattr(ip, &st);
	CHECK_EQ(st.mode, EXT2_S_IFREG | 0640);
	CHECK_EQ(st.uid, 70000);
	CHECK_EQ(st.gid, 1234);
	CHECK_EQ(st.atime, 1000000);
	CHECK_EQ(st.mtime, 2000000);
	CHECK_EQ(st.nlink, 1);
	CHECK(st.ctime > 1000000000);
	CHECK_EQ(ext2_fsync(ip), 0);
	ext2_iput(ip);
	/* Truncate up (hole) and down (zeros past the end stay zeros). */
	CHECK_EQ(ext2t_write_file(&t, "d/tr", "abcdefghij", 10), 0);
	ip = ext2t_path(&t, "d/tr");
	CHECK_EQ(ext2_truncate(ip, 4), 0);
	CHECK_EQ(ext2_truncate(ip, 20000), 0);
	CHECK_EQ(ext2_read(ip, buf, sizeof(buf), 0), 8192);
	CHECK(!memcmp(buf, "abcd\0\0\0\0\0\0", 10));
	memset(&sa, 0, sizeof(sa));
	sa.valid = EXT2_ATTR_SIZE;
	sa.size = 6;
	CHECK_EQ(ext2_setattr(ip, &sa), 0);
	CHECK_EQ(ext2_size(ip), 6);
	ext2_iput(ip);

	/* Devices, FIFOs, sockets. */
	CHECK_EQ(mknod_p(&t, "d/chr", EXT2_S_IFCHR | 0600, MKDEV(4, 5)), 0);
	CHECK_EQ(mknod_p(&t, "d/blk", EXT2_S_IFBLK | 0600, MKDEV(8, 1)), 0);
	CHECK_EQ(mknod_p(&t, "d/big", EXT2_S_IFCHR | 0600, MKDEV(300, 70000)),
		 0);
	CHECK_EQ(mknod_p(&t, "d/fifo", EXT2_S_IFIFO | 0644, 0), 0);
	CHECK_EQ(mknod_p(&t, "d/sock", EXT2_S_IFSOCK | 0644, 0), 0);
	CHECK_EQ(mknod_p(&t, "d/bad", EXT2_S_IFDIR | 0644, 0), -EINVAL);
	CHECK_EQ(stat_p(&t, "d/chr", &st), 0);
	CHECK_EQ(st.rdev, MKDEV(4, 5));
	CHECK_EQ(stat_p(&t, "d/big", &st), 0);
	CHECK_EQ(st.rdev, MKDEV(300, 70000));
	CHECK_EQ(stat_p(&t, "d/fifo", &st), 0);
	CHECK_EQ(st.mode, EXT2_S_IFIFO | 0644);

	/* Symlinks, fast and slow. */
	for (int i = 0; i < 200; i++)
		slow[i] = (char)('a' + i % 26);
	slow[200] = 0;
	CHECK_EQ(symlink_p(&t, "target/short", "d/fast"), 0);
	CHECK_EQ(symlink_p(&t, slow, "d/slow"), 0);
	CHECK_EQ(readlink_p(&t, "d/fast", buf, sizeof(buf)), 12);
	CHECK(!strcmp(buf, "target/short"));
	CHECK_EQ(readlink_p(&t, "d/slow", buf, sizeof(buf)), 200);
	CHECK(!strcmp(buf, slow));
	CHECK_EQ(readlink_p(&t, "d/f", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(stat_p(&t, "d/fast", &st), 0);
	CHECK_EQ(st.blocks, 0);
	CHECK_EQ(stat_p(&t, "d/slow", &st), 0);
	CHECK(st.blocks > 0);
	d = ext2t_path(&t, "d");
	memset(buf, 'y', 5000);
	CHECK_EQ(ext2_symlink(d, "toolong", 7, buf, 5000, 0, 0, NULL),
		 -ENAMETOOLONG);
	CHECK_EQ(ext2_symlink(d, "empty", 5, buf, 0, 0, 0, NULL), -ENOENT);
	ext2_iput(d);

	/* Hard links. */
	CHECK_EQ(link_p(&t, "d/f", "hard"), 0);
	CHECK_EQ(link_p(&t, "d/f", "hard"), -EEXIST);
	CHECK_EQ(link_p(&t, "d/sub", "dirlink"), -EPERM);
	CHECK_EQ(stat_p(&t, "hard", &st), 0);
	CHECK_EQ(st.nlink, 2);

	/* Rename. */
	CHECK_EQ(rename_p(&t, "hard", "d/hard2", 0), 0);
	CHECK_EQ(rename_p(&t, "d/hard2", "d/f", 0), 0); /* same inode */
	CHECK_EQ(stat_p(&t, "d/hard2", &st), 0);
	CHECK_EQ(rename_p(&t, "d/tr", "d/f", EXT2_RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(rename_p(&t, "d/tr", "d/hard2", 0), 0); /* over a file */
	CHECK_EQ(stat_p(&t, "d/f", &st), 0);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(rename_p(&t, "d/sub", "d/sub/deeper/x", 0), -EINVAL);
	CHECK_EQ(rename_p(&t, "d/sub", "d/sub/x", 0), -EINVAL);
	CHECK_EQ(rename_p(&t, "d/sub/deeper", "d", 0), -ENOTEMPTY);
	CHECK_EQ(rename_p(&t, "d/f", "d/sub", 0), -EISDIR);
	CHECK_EQ(rename_p(&t, "d/sub", "d/f", 0), -ENOTDIR);
	CHECK_EQ(rename_p(&t, "d/nope", "d/x", 0), -ENOENT);
	CHECK_EQ(rename_p(&t, "d/f", "d/x", 2), -EINVAL);
	CHECK_EQ(rename_p(&t, "d/.", "d/x", 0), -EBUSY);
	CHECK_EQ(mkdir_p(&t, "empty", 0755), 0);
	CHECK_EQ(rename_p(&t, "d/sub", "empty", 0), 0); /* over an empty dir */
	CHECK_EQ(stat_p(&t, "empty/deeper", &st), 0);
	CHECK_EQ(stat_p(&t, "d", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(stat_p(&t, "", &st), 0);
	CHECK_EQ(st.nlink, 5); /* lost+found, d, empty */
	CHECK_EQ(rename_p(&t, "empty/deeper", "d/deeper", 0), 0);
	CHECK_EQ(stat_p(&t, "empty", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(stat_p(&t, "d", &st), 0);
	CHECK_EQ(st.nlink, 3);
	ip = ext2t_path(&t, "d/deeper/..");
	CHECK(ip && ext2_ino(ip) == (st.ino));
	ext2_iput(ip);
	CHECK_EQ(rename_p(&t, "d/fifo", "d/fifo2", 0), 0); /* same dir */
	CHECK_EQ(stat_p(&t, "d/fifo", &st), -ENOENT);

	/* Unlink and rmdir. */
	CHECK_EQ(op_path(&t, "d/deeper", ext2_unlink), -EISDIR);
	CHECK_EQ(op_path(&t, "d", ext2_rmdir), -ENOTEMPTY);
	CHECK_EQ(op_path(&t, "d/f", ext2_rmdir), -ENOTDIR);
	CHECK_EQ(op_path(&t, "d/.", ext2_rmdir), -EINVAL);
	CHECK_EQ(op_path(&t, "d/..", ext2_rmdir), -ENOTEMPTY);
	CHECK_EQ(op_path(&t, "d/deeper", ext2_rmdir), 0);
	CHECK_EQ(op_path(&t, "d/deeper", ext2_rmdir), -ENOENT);
	CHECK_EQ(op_path(&t, "d/sock", ext2_unlink), 0);
	CHECK_EQ(op_path(&t, "d/sock", ext2_unlink), -ENOENT);
	CHECK_EQ(stat_p(&t, "d", &st), 0);
	CHECK_EQ(st.nlink, 2);

	/* Unlink of an open file: freed at the last put. */
	ext2_statfs(t.fs, &sf);
	CHECK_EQ(ext2t_write_file(&t, "open", buf, 5000), 0);
	ip = ext2t_path(&t, "open");
	CHECK_EQ(op_path(&t, "open", ext2_unlink), 0);
	ext2_getattr(ip, &st);
	CHECK_EQ(st.nlink, 0);
	CHECK_EQ(ext2_read(ip, out, sizeof(out), 0), 5000);
	CHECK(!memcmp(out, buf, 5000));
	CHECK_EQ(ext2_write(ip, "more", 4, 5000), 4);
	ext2_statfs(t.fs, &sf2);
	CHECK(sf2.bfree < sf.bfree);
	CHECK_EQ(sf2.ffree, sf.ffree - 1);
	CHECK_EQ(link_p(&t, "nothing", "x"), -ENOENT);
	d = ext2_igrab(t.root);
	CHECK_EQ(ext2_link(ip, d, "back", 4), -ENOENT);
	ext2_iput(d);
	ext2_iput(ip);
	ext2_statfs(t.fs, &sf2);
	CHECK_EQ(sf2.bfree, sf.bfree);
	CHECK_EQ(sf2.ffree, sf.ffree);
	/* rmdir of a directory in use: operations in it fail. */
	CHECK_EQ(mkdir_p(&t, "gone", 0755), 0);
	d = ext2t_path(&t, "gone");
	CHECK_EQ(op_path(&t, "gone", ext2_rmdir), 0);
	CHECK_EQ(ext2_create(d, "x", 1, 0644, 0, 0, NULL), -ENOENT);
	ext2_iput(d);

	/* readdir, resumed after every entry. */
	d = ext2t_path(&t, "d");
	memset(&nm, 0, sizeof(nm));
	pos = 0;
	CHECK_EQ(ext2_readdir(d, &pos, collect, &nm), 0);
	CHECK_EQ(nm.count, 10);
	CHECK(strstr(nm.buf, ".:4 ..:4 "));
	CHECK(strstr(nm.buf, "chr:2 "));
	CHECK(strstr(nm.buf, "blk:6 "));
	CHECK(strstr(nm.buf, "fifo2:1 "));
	CHECK(strstr(nm.buf, "fast:10 "));
	CHECK(strstr(nm.buf, "f:8 "));
	{
		struct names nm2;

		memset(&nm2, 0, sizeof(nm2));
		nm2.stop_every = 2;
		pos = 0;
		for (int i = 0; i < 100 && nm2.count < nm.count; i++)
			CHECK_EQ(ext2_readdir(d, &pos, collect, &nm2), 0);
		CHECK_EQ(nm2.count, nm.count);
		CHECK(!strcmp(nm2.buf, nm.buf));
	}
	ip = ext2t_path(&t, "d/f");
	CHECK_EQ(ext2_readdir(ip, &pos, collect, &nm), -ENOTDIR);
	CHECK_EQ(ext2_lookup(ip, "x", 1, &d), -ENOTDIR);
	ext2_iput(ip);
	d = ext2t_path(&t, "d");
	CHECK_EQ(ext2_lookup(d, "", 0, &ip), -ENOENT);
	memset(buf, 'n', 256);
	CHECK_EQ(ext2_lookup(d, buf, 256, &ip), -ENAMETOOLONG);
	CHECK_EQ(ext2_create(d, buf, 255, 0644, 0, 0, NULL), 0);
	CHECK_EQ(ext2_lookup(d, buf, 255, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ(ext2_create(d, "a/b", 3, 0644, 0, 0, NULL), -EINVAL);
	CHECK_EQ(ext2_create(d, ".", 1, 0644, 0, 0, NULL), -EEXIST);
	ext2_iput(d);
	ext2_iput(d);

	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	/* What debugfs sees. */
	ext2t_debugfs(t.img, "cat /d/f", out, sizeof(out));
	CHECK(!memcmp(out, "hello world", 11));
	ext2t_debugfs(t.img, "stat /d/f", out, sizeof(out));
	CHECK(strstr(out, "Mode:  0640"));
	CHECK(strstr(out, "User: 70000"));
	CHECK(strstr(out, "Group:  1234"));
	CHECK(strstr(out, "Size: 5004"));
	ext2t_debugfs(t.img, "stat /d/slow", out, sizeof(out));
	CHECK(strstr(out, "Type: symlink"));
	ext2t_debugfs(t.img, "cat /d/slow", out, sizeof(out));
	CHECK(!strcmp(out, slow));
	ext2t_debugfs(t.img, "stat /d/fast", out, sizeof(out));
	CHECK(strstr(out, "Fast link dest: \"target/short\""));
	ext2t_debugfs(t.img, "stat /d/chr", out, sizeof(out));
	CHECK(strstr(out, "Device major/minor number: 04:05"));
	ext2t_debugfs(t.img, "stat /d/big", out, sizeof(out));
	CHECK(strstr(out, "Device major/minor number: 300:70000"));
	ext2t_debugfs(t.img, "ls -l /d", out, sizeof(out));
	CHECK(strstr(out, "hard2"));
	CHECK(!strstr(out, "sock"));
	/* And a second mount sees the same. */
	CHECK_EQ(ext2t_mount(&t), 0);
	CHECK_EQ(ext2t_read_file(&t, "d/hard2", buf, sizeof(buf)), 6);
	CHECK(!memcmp(buf, "abcd\0\0", 6));
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

TEST(ext2_ops_1k)
{
	ops_suite("-b 1024");
}

TEST(ext2_ops_2k)
{
	ops_suite("-b 2048 -I 128");
}

TEST(ext2_ops_4k)
{
	ops_suite("-b 4096");
}
