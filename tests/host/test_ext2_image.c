/*
 * test_ext2_image.c - ext2 against images made elsewhere: a tree written
 * by mke2fs -d read back and compared with its source; superblocks and
 * group descriptors that mount must refuse; ext3 and ext4 images; the
 * clean/not-clean state and mount count on disk.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fs/bcache.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include "filedisk.h"
#include "host.h"

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

/* A source tree with every kind of thing mke2fs -d copies. */
static void make_tree(const char *src)
{
	static char big[300000];
	char path[512], slow[120];
	int fd;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 1000);
	memset(slow, 's', sizeof(slow) - 1);
	slow[sizeof(slow) - 1] = 0;
	mkdir(src, 0755);
	put(src, "a.txt", "hello\n", 6);
	put(src, "empty", "", 0);
	snprintf(path, sizeof(path), "%s/dir1", src);
	mkdir(path, 0750);
	snprintf(path, sizeof(path), "%s/dir1/dir2", src);
	mkdir(path, 0700);
	put(src, "dir1/dir2/deep.bin", big, sizeof(big));
	put(src, "dir1/small", big, 4095);
	snprintf(path, sizeof(path), "%s/dir1/small", src);
	chmod(path, 0604);
	snprintf(path, sizeof(path), "%s/fast", src);
	symlink("a.txt", path);
	snprintf(path, sizeof(path), "%s/dir1/slow", src);
	symlink(slow, path);
	put(src, "hl1", "linked", 6);
	{
		char a[512], b[512];

		snprintf(a, sizeof(a), "%s/hl1", src);
		snprintf(b, sizeof(b), "%s/dir1/hl2", src);
		link(a, b);
	}
	snprintf(path, sizeof(path), "%s/sparse", src);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		pwrite(fd, "middle", 6, 3 << 20);
		ftruncate(fd, 5 << 20);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/fifo", src);
	mkfifo(path, 0640);
	for (int i = 0; i < 40; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dir1/many-%02d", i);
		put(src, name, name, strlen(name));
	}
}

struct cmp {
	struct ext2t *t;
	int files, errors;
	uint32_t hl_ino;
	char *buf, *want;
};

/* Compare host path (relative rel) with the same path in ext2. */
static void compare(struct cmp *c, const char *src, const char *rel)
{
	char hpath[1024], target[4096], got[4096];
	struct ext2_inode *ip = ext2t_path(c->t, rel);
	struct ext2_stat st;
	struct stat hs;

	snprintf(hpath, sizeof(hpath), "%s/%s", src, rel);
	if (lstat(hpath, &hs) || !ip) {
		printf("compare: %s missing\n", rel);
		c->errors++;
		if (ip)
			ext2_iput(ip);
		return;
	}
	c->files++;
	ext2_getattr(ip, &st);
	if (rel[0] && (st.mode != hs.st_mode || st.uid != hs.st_uid ||
		       st.gid != hs.st_gid ||
		       (!S_ISDIR(hs.st_mode) && st.nlink != hs.st_nlink))) {
		printf("compare: %s mode %o/%o nlink %u/%u\n", rel, st.mode,
		       hs.st_mode, st.nlink, (unsigned)hs.st_nlink);
		c->errors++;
	}
	if (S_ISREG(hs.st_mode)) {
		long n = ext2_read(ip, c->buf, 8 << 20, 0);
		int fd = open(hpath, O_RDONLY);
		ssize_t hn = read(fd, c->want, 8 << 20);

		close(fd);
		if (n != hn || memcmp(c->buf, c->want, (size_t)hn)) {
			printf("compare: %s contents differ (%ld/%zd)\n", rel,
			       n, hn);
			c->errors++;
		}
		if (hs.st_nlink > 1) {
			if (c->hl_ino && c->hl_ino != st.ino)
				c->errors++;
			c->hl_ino = st.ino;
		}
	} else if (S_ISLNK(hs.st_mode)) {
		ssize_t hn = readlink(hpath, target, sizeof(target));
		long n = ext2_readlink(ip, got, sizeof(got));

		if (n != hn || memcmp(got, target, (size_t)hn)) {
			printf("compare: %s link differs\n", rel);
			c->errors++;
		}
	} else if (S_ISDIR(hs.st_mode)) {
		DIR *d = opendir(hpath);
		struct dirent *e;
		int hcount = 2;

		while ((e = readdir(d))) {
			char sub[1024];

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			hcount++;
			snprintf(sub, sizeof(sub), "%s%s%s", rel,
				 rel[0] ? "/" : "", e->d_name);
			compare(c, src, sub);
		}
		closedir(d);
		(void)hcount;
	}
	ext2_iput(ip);
}

static void mkfs_d(const char *opts)
{
	struct ext2t t;
	struct cmp c = {0};
	char src[256];

	memset(&t, 0, sizeof(t));
	ext2t_mkdtemp(t.dir, sizeof(t.dir));
	snprintf(src, sizeof(src), "%s/src", t.dir);
	snprintf(t.img, sizeof(t.img), "%s/img", t.dir);
	make_tree(src);
	CHECK_EQ(ext2t_run("/usr/sbin/mke2fs -q -F -t ext2 %s -d '%s' '%s' 16M "
			   ">/dev/null 2>&1",
			   opts, src, t.img),
		 0);
	ext2t_baseline(&t);
	CHECK_EQ(ext2t_mount(&t), 0);
	c.t = &t;
	c.buf = malloc(8 << 20);
	c.want = malloc(8 << 20);
	compare(&c, src, "");
	free(c.buf);
	free(c.want);
	CHECK_EQ(c.errors, 0);
	CHECK(c.files >= 50);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	ext2t_cleanup(&t);
}

TEST(ext2_mkfs_d_1k)
{
	mkfs_d("-b 1024");
}

TEST(ext2_mkfs_d_4k)
{
	mkfs_d("-b 4096");
}

/* --- refused images -------------------------------------------------- */

static uint32_t peek32(const char *img, long off)
{
	uint32_t v = 0;
	int fd = open(img, O_RDONLY);

	pread(fd, &v, 4, off);
	close(fd);
	return v;
}

static void poke(const char *img, long off, const void *v, size_t n)
{
	int fd = open(img, O_WRONLY);

	pwrite(fd, v, n, off);
	close(fd);
}

static void poke32(const char *img, long off, uint32_t v)
{
	poke(img, off, &v, 4);
}

/* Copy base to img, poke, mount with flags: the result (unmounted). */
static int mount_patched(const char *base, const char *img, long off,
			 uint32_t v, int width, unsigned flags,
			 const char **why)
{
	struct filedisk d;
	struct ext2_fs *fs;
	int err;

	ext2t_run("cp '%s' '%s'", base, img);
	if (width == 4)
		poke32(img, off, v);
	else
		poke(img, off, &v, (size_t)width);
	filedisk_open(&d, img);
	*why = "";
	err = ext2_mount(&d.dev, flags, &fs, why);
	if (!err)
		ext2_unmount(fs);
	filedisk_close(&d);
	return err;
}

TEST(ext2_mount_refuses)
{
	char dir[128], base[160], img[160];
	const char *why;
	uint32_t v;

	ext2t_mkdtemp(dir, sizeof(dir));
	snprintf(base, sizeof(base), "%s/base", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	CHECK_EQ(ext2t_run("/usr/sbin/mke2fs -q -F -t ext2 -b 1024 '%s' 4M "
			   ">/dev/null 2>&1",
			   base),
		 0);
	bcache_init(32);
	/* The unpatched image mounts. */
	CHECK_EQ(mount_patched(base, img, 1024 + 56, 0xEF53, 2, 0, &why), 0);
	CHECK_EQ(mount_patched(base, img, 1024 + 56, 0x1234, 2, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "magic"));
	v = peek32(base, 1024 + 96);
	CHECK_EQ(mount_patched(base, img, 1024 + 96, v | 0x40, 4, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "INCOMPAT"));
	CHECK_EQ(mount_patched(base, img, 1024 + 96, v | 0x40, 4,
			       EXT2_MOUNT_RDONLY, &why),
		 -EINVAL);
	v = peek32(base, 1024 + 100);
	CHECK_EQ(mount_patched(base, img, 1024 + 100, v | 0x8, 4, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "RO_COMPAT"));
	CHECK_EQ(mount_patched(base, img, 1024 + 100, v | 0x8, 4,
			       EXT2_MOUNT_RDONLY, &why),
		 0);
	CHECK_EQ(mount_patched(base, img, 1024 + 24, 7, 4, 0, &why), -EINVAL);
	CHECK(strstr(why, "block size"));
	v = peek32(base, 1024 + 0);
	CHECK_EQ(mount_patched(base, img, 1024 + 0, v + 1, 4, 0, &why),
		 -EINVAL);
	CHECK_EQ(mount_patched(base, img, 1024 + 4, 1u << 30, 4, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "larger than the device"));
	CHECK_EQ(mount_patched(base, img, 1024 + 12, 1u << 30, 4, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "free counts"));
	CHECK_EQ(mount_patched(base, img, 1024 + 32, 3, 4, 0, &why), -EINVAL);
	CHECK_EQ(mount_patched(base, img, 1024 + 88, 100, 2, 0, &why), -EINVAL);
	CHECK_EQ(mount_patched(base, img, 1024 + 84, 3, 4, 0, &why), -EINVAL);
	/* Group descriptors (block 2 on 1 KiB blocks). */
	CHECK_EQ(mount_patched(base, img, 2048 + 0, 0, 4, 0, &why), -EINVAL);
	CHECK(strstr(why, "group descriptor"));
	CHECK_EQ(mount_patched(base, img, 2048 + 8, 1, 4, 0, &why), -EINVAL);
	CHECK_EQ(mount_patched(base, img, 2048 + 8, 4000, 4, 0, &why), -EINVAL);
	v = peek32(base, 2048 + 0);
	CHECK_EQ(mount_patched(base, img, 2048 + 4, v, 4, 0, &why), -EINVAL);
	CHECK_EQ(mount_patched(base, img, 2048 + 12, 0xffff, 2, 0, &why),
		 -EINVAL);
	CHECK(strstr(why, "counts"));
	/* A root inode that is not a directory. */
	{
		uint32_t itable = peek32(base, 2048 + 8);
		long root = (long)itable * 1024 + 256; /* inode 2, 256 bytes */

		CHECK_EQ(mount_patched(base, img, root, 0100644, 2, 0, &why),
			 -EINVAL);
		CHECK(strstr(why, "root"));
	}
	/* ext4 is refused, ext3 (a compat journal) mounts and stays clean. */
	CHECK_EQ(ext2t_run("/usr/sbin/mke2fs -q -F -t ext4 '%s' 8M >/dev/null "
			   "2>&1",
			   img),
		 0);
	{
		struct filedisk d;
		struct ext2_fs *fs;

		filedisk_open(&d, img);
		CHECK_EQ(ext2_mount(&d.dev, 0, &fs, &why), -EINVAL);
		filedisk_close(&d);
	}
	ext2t_rmdir(dir);
}

TEST(ext2_ext3_and_clean_state)
{
	struct ext2t t;
	uint32_t state_mnt, mnt0;

	if (ext2t_setup(&t, "-O has_journal -b 1024", "8M"))
		goto done;
	/* Mounted read-write: not clean on disk, one more mount. */
	state_mnt = peek32(t.img, 1024 + 56);
	CHECK_EQ((state_mnt >> 16) & 1, 0);
	mnt0 = peek32(t.img, 1024 + 52) & 0xffff;
	CHECK_EQ(mnt0, 1);
	CHECK_EQ(ext2t_write_file(&t, "x", "data", 4), 0);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ((peek32(t.img, 1024 + 56) >> 16) & 1, 1);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	/* Read-only mounts write nothing. */
	{
		struct filedisk d;
		struct ext2_fs *fs;
		struct ext2_inode *root;
		const char *why;

		filedisk_open(&d, t.img);
		CHECK_EQ(ext2_mount(&d.dev, EXT2_MOUNT_RDONLY, &fs, &why), 0);
		CHECK_EQ(ext2_iget(fs, EXT2_ROOT_INO, &root), 0);
		CHECK_EQ(ext2_create(root, "y", 1, 0644, 0, 0, NULL), -EROFS);
		ext2_iput(root);
		CHECK_EQ(ext2_unmount(fs), 0);
		CHECK_EQ(d.writes, 0);
		filedisk_close(&d);
	}
done:
	ext2t_cleanup(&t);
}

/* A hashed (dir_index) directory made by mke2fs: read it, change it; the
 * index flag is dropped and e2fsck stays happy. */
TEST(ext2_dir_index_cleared)
{
	struct ext2t t;
	char src[256], out[4096];
	struct ext2_inode *d, *ip;

	memset(&t, 0, sizeof(t));
	ext2t_mkdtemp(t.dir, sizeof(t.dir));
	snprintf(src, sizeof(src), "%s/src", t.dir);
	snprintf(t.img, sizeof(t.img), "%s/img", t.dir);
	CHECK_EQ(ext2t_run("mkdir -p %s/h && cd %s/h && for i in $(seq 1 300); "
			   "do echo $i > file-with-a-long-name-$i; done",
			   src, src),
		 0);
	CHECK_EQ(
	    ext2t_run("/usr/sbin/mke2fs -q -F -t ext2 -b 1024 -d '%s' '%s' "
		      "8M >/dev/null 2>&1",
		      src, t.img),
	    0);
	/* e2fsck -D builds the hash trees (exit 1: it changed things). */
	ext2t_run("/usr/sbin/e2fsck -fyD '%s' >/dev/null 2>&1", t.img);
	ext2t_debugfs(t.img, "stat /h", out, sizeof(out));
	CHECK(strstr(out, "Flags: 0x1000"));
	ext2t_baseline(&t);
	CHECK_EQ(ext2t_mount(&t), 0);
	d = ext2t_path(&t, "h");
	CHECK(d);
	CHECK_EQ(ext2_lookup(d, "file-with-a-long-name-277", 25, &ip), 0);
	CHECK_EQ(ext2_read(ip, out, sizeof(out), 0), 4);
	CHECK(!memcmp(out, "277\n", 4));
	ext2_iput(ip);
	CHECK_EQ(ext2_unlink(d, "file-with-a-long-name-13", 24), 0);
	CHECK_EQ(ext2_create(d, "new", 3, 0644, 0, 0, NULL), 0);
	ext2_iput(d);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	ext2t_debugfs(t.img, "stat /h", out, sizeof(out));
	CHECK(strstr(out, "Flags: 0x0"));
	ext2t_cleanup(&t);
}
