/*
 * filedisk.c - a block device over an image file for the ext2 host tests,
 * fs_clock_now() for the host, and the test fixture (see filedisk.h).
 * Writes outside the device are refused and remembered, so a test can
 * assert that corrupt images never make the file system write there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fs/bcache.h>
#include <fs/fsclock.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "filedisk.h"
#include "host.h"

uint32_t fs_clock_now(void)
{
	return (uint32_t)time(NULL);
}

static int fd_read(struct blockdev *dev, uint64_t sector, uint32_t count,
		   void *buf)
{
	struct filedisk *d = dev->priv;
	size_t len = (size_t)count * 512;

	if (d->fail_reads || sector + count > dev->nsectors)
		return -EIO;
	d->reads += count;
	return pread(d->fd, buf, len, (off_t)(sector * 512)) == (ssize_t)len
		   ? 0
		   : -EIO;
}

static int fd_write(struct blockdev *dev, uint64_t sector, uint32_t count,
		    const void *buf)
{
	struct filedisk *d = dev->priv;
	size_t len = (size_t)count * 512;

	if (sector + count > dev->nsectors) {
		d->write_out_of_range = true;
		return -EIO;
	}
	if (d->fail_after_writes >= 0) {
		if (d->fail_after_writes == 0)
			return -EIO;
		d->fail_after_writes--;
	}
	d->writes += count;
	d->write_calls++;
	return pwrite(d->fd, buf, len, (off_t)(sector * 512)) == (ssize_t)len
		   ? 0
		   : -EIO;
}

/* One transfer out of pages (the writev op): counted once. */
static int fd_writev(struct blockdev *dev, uint64_t sector, uint32_t count,
		     void *const *segs, uint32_t seg)
{
	struct filedisk *d = dev->priv;
	uint64_t calls = d->write_calls;
	int err = 0;

	for (uint32_t i = 0; count && !err; i++) {
		uint32_t n = MIN(count, seg);

		err = fd_write(dev, sector, n, segs[i]);
		sector += n;
		count -= n;
	}
	d->write_calls = calls + 1;
	return err;
}

static int fd_flush(struct blockdev *dev)
{
	(void)dev;
	return 0;
}

static const struct blockdev_ops filedisk_ops = {
    .read = fd_read,
    .write = fd_write,
    .writev = fd_writev,
    .flush = fd_flush,
};

int filedisk_open(struct filedisk *d, const char *path)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->fd = open(path, O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st))
		return -1;
	d->dev.ops = &filedisk_ops;
	d->dev.name = "filedisk";
	d->dev.sector_size = 512;
	d->dev.nsectors = (uint64_t)st.st_size / 512;
	d->dev.priv = d;
	d->fail_after_writes = -1;
	return 0;
}

void filedisk_close(struct filedisk *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

void ext2t_mkdtemp(char *buf, size_t size)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(buf, size, "%s/ext2-test-XXXXXX", base);
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(2);
	}
}

void ext2t_rmdir(const char *dir)
{
	if (dir[0] && strstr(dir, "/ext2-test-"))
		ext2t_run("rm -rf '%s'", dir);
}

int ext2t_run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int ext2t_fsck(const char *img)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "/usr/sbin/e2fsck -fn '%s' > '%s.fsck' 2>&1",
		 img, img);
	st = system(cmd);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (st) {
		printf("e2fsck -fn %s exit %d:\n", img, st);
		ext2t_run("head -40 '%s.fsck'", img);
	}
	return st;
}

size_t ext2t_debugfs(const char *img, const char *cmd, char *buf, size_t size)
{
	char line[512];
	FILE *p;
	size_t n;

	snprintf(line, sizeof(line),
		 "/usr/sbin/debugfs -R '%s' '%s' 2>/dev/null", cmd, img);
	p = popen(line, "r");
	if (!p) {
		buf[0] = 0;
		return 0;
	}
	n = fread(buf, 1, size - 1, p);
	buf[n] = 0;
	pclose(p);
	return n;
}

static size_t live_objects(void)
{
	struct slab_stats ss;

	slab_get_stats(&ss);
	return ss.objects;
}

int ext2t_mount(struct ext2t *t)
{
	const char *why = "";
	int err;

	if (filedisk_open(&t->disk, t->img)) {
		test_fail(__FILE__, __LINE__, "cannot open %s", t->img);
		return -1;
	}
	err = ext2_mount(&t->disk.dev, 0, &t->fs, &why);
	if (err) {
		filedisk_close(&t->disk);
		t->fs = NULL;
		return err;
	}
	err = ext2_iget(t->fs, EXT2_ROOT_INO, &t->root);
	if (err) {
		test_fail(__FILE__, __LINE__, "root: %d", err);
		return err;
	}
	return 0;
}

/* Level-1 buffers of the ext2 tests; the *_l2 tests make it tiny so that
 * level 2 (the yielded-block cache) does the caching. */
size_t ext2t_l1_bufs = 256;

void ext2t_baseline(struct ext2t *t)
{
	bcache_init(ext2t_l1_bufs);
	slab_trim();
	t->free0 = phys_free_pages();
	t->objs0 = live_objects();
}

int ext2t_setup(struct ext2t *t, const char *opts, const char *size)
{
	memset(t, 0, sizeof(*t));
	ext2t_mkdtemp(t->dir, sizeof(t->dir));
	snprintf(t->img, sizeof(t->img), "%s/img", t->dir);
	if (ext2t_run(
		"/usr/sbin/mke2fs -q -F -t ext2 %s '%s' %s >/dev/null 2>&1",
		opts, t->img, size)) {
		test_fail(__FILE__, __LINE__, "mke2fs %s failed", opts);
		return -1;
	}
	ext2t_baseline(t);
	if (ext2t_mount(t)) {
		test_fail(__FILE__, __LINE__, "mount of %s failed", t->img);
		return -1;
	}
	return 0;
}

int ext2t_unmount(struct ext2t *t)
{
	int err;

	if (!t->fs)
		return 0;
	if (t->root)
		ext2_iput(t->root);
	t->root = NULL;
	err = ext2_unmount(t->fs);
	if (err == -EBUSY)
		return err;
	t->fs = NULL;
	filedisk_close(&t->disk);
	if (t->disk.write_out_of_range) {
		test_fail(__FILE__, __LINE__, "write outside the device");
		return -1;
	}
	slab_trim();
	if (phys_free_pages() != t->free0 || live_objects() != t->objs0) {
		test_fail(__FILE__, __LINE__,
			  "leak after unmount: %zu pages, %zu objects",
			  t->free0 - phys_free_pages(),
			  live_objects() - t->objs0);
		return -1;
	}
	return err;
}

void ext2t_cleanup(struct ext2t *t)
{
	if (t->fs) {
		if (t->root)
			ext2_iput(t->root);
		t->root = NULL;
		ext2_unmount(t->fs);
		t->fs = NULL;
		filedisk_close(&t->disk);
	}
	ext2t_rmdir(t->dir);
}

struct ext2_inode *ext2t_path(struct ext2t *t, const char *path)
{
	struct ext2_inode *cur = ext2_igrab(t->root), *next;

	while (*path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		if (len) {
			if (ext2_lookup(cur, path, len, &next)) {
				ext2_iput(cur);
				return NULL;
			}
			ext2_iput(cur);
			cur = next;
		}
		path += len + (end != NULL);
	}
	return cur;
}

int ext2t_parent(struct ext2t *t, const char *path, struct ext2_inode **dir,
		 const char **name)
{
	const char *slash = strrchr(path, '/');
	char buf[1024];

	if (!slash) {
		*dir = ext2_igrab(t->root);
		*name = path;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash - path), path);
	*dir = ext2t_path(t, buf);
	*name = slash + 1;
	return *dir ? 0 : -ENOENT;
}

int ext2t_write_file(struct ext2t *t, const char *path, const void *data,
		     size_t len)
{
	struct ext2_inode *dir, *ip;
	const char *name;
	long n;
	int err = ext2t_parent(t, path, &dir, &name);

	if (err)
		return err;
	err = ext2_create(dir, name, strlen(name), 0644, 0, 0, &ip);
	if (err == -EEXIST)
		err = ext2_lookup(dir, name, strlen(name), &ip);
	ext2_iput(dir);
	if (err)
		return err;
	n = ext2_write(ip, data, len, 0);
	ext2_iput(ip);
	return n == (long)len ? 0 : (n < 0 ? (int)n : -EIO);
}

long ext2t_read_file(struct ext2t *t, const char *path, void *buf, size_t size)
{
	struct ext2_inode *ip = ext2t_path(t, path);
	long n;

	if (!ip)
		return -ENOENT;
	n = ext2_read(ip, buf, size, 0);
	ext2_iput(ip);
	return n;
}
