/*
 * test_ext2_corrupt.c - ext2 on damaged images: bytes flipped (seeded) in
 * the superblock, the group descriptors, the inode table, directory
 * blocks and indirect blocks of a real image; each time mount either
 * refuses or the whole tree is walked (readdir, lookup, read, readlink)
 * and written to. Every call may fail (-EIO), but nothing may crash under
 * the sanitizers, write outside the device, leak pages or objects, or
 * fail to unmount.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fs/bcache.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "filedisk.h"
#include "host.h"

struct walk {
	int entries, eio, dirs, writes;
	char *buf;
};

struct ent {
	char name[256];
	size_t len;
};

struct list {
	struct ent e[64];
	int n;
};

static int list_cb(void *arg, const char *name, size_t len, uint32_t ino,
		   unsigned type, uint64_t next)
{
	struct list *l = arg;

	(void)ino;
	(void)type;
	(void)next;
	if (l->n >= 64)
		return 1;
	memcpy(l->e[l->n].name, name, len);
	l->e[l->n].len = len;
	l->n++;
	return 0;
}

static void walk_dir(struct walk *w, struct ext2_inode *dir, int depth)
{
	struct list *l = malloc(sizeof(*l));
	uint64_t pos = 0;
	int err;

	w->dirs++;
	l->n = 0;
	err = ext2_readdir(dir, &pos, list_cb, l);
	if (err)
		w->eio++;
	/* Writes: a new file, grown, renamed, truncated, removed. */
	if (w->writes < 2) {
		struct ext2_inode *ip;

		w->writes++;
		if (ext2_create(dir, "zz-new", 6, 0644, 0, 0, &ip) == 0) {
			ext2_write(ip, w->buf, 20000, 1000);
			ext2_truncate(ip, 5000);
			ext2_iput(ip);
			ext2_rename(dir, "zz-new", 6, dir, "zz-old", 6, 0);
			ext2_unlink(dir, "zz-old", 6);
		}
		if (ext2_mkdir(dir, "zz-dir", 6, 0755, 0, 0, NULL) == 0)
			ext2_rmdir(dir, "zz-dir", 6);
	}
	for (int i = 0; i < l->n && w->entries < 3000; i++) {
		struct ext2_inode *ip;
		const char *name = l->e[i].name;
		size_t len = l->e[i].len;
		uint32_t mode;

		w->entries++;
		if ((len == 1 && name[0] == '.') ||
		    (len == 2 && name[0] == '.' && name[1] == '.'))
			continue;
		if (ext2_lookup(dir, name, len, &ip)) {
			w->eio++;
			continue;
		}
		mode = ext2_mode(ip);
		if ((mode & EXT2_S_IFMT) == EXT2_S_IFDIR) {
			if (depth < 12)
				walk_dir(w, ip, depth + 1);
		} else if ((mode & EXT2_S_IFMT) == EXT2_S_IFLNK) {
			if (ext2_readlink(ip, w->buf, 4096) < 0)
				w->eio++;
		} else if ((mode & EXT2_S_IFMT) == EXT2_S_IFREG) {
			for (uint64_t off = 0; off < (128u << 10);
			     off += 65536) {
				long n = ext2_read(ip, w->buf, 65536, off);

				if (n < 0)
					w->eio++;
				if (n <= 0)
					break;
			}
			if (w->writes < 4) {
				w->writes++;
				ext2_write(ip, w->buf, 3000, 20000);
				ext2_truncate(ip, 100);
			}
		}
		ext2_iput(ip);
	}
	free(l);
}

/* Offsets of the blocks debugfs lists after a pattern such as "(IND):". */
static int blocks_of(const char *img, const char *cmd, const char *pat,
		     uint32_t *out, int max)
{
	static char text[65536];
	const char *p = text;
	int n = 0;

	ext2t_debugfs(img, cmd, text, sizeof(text));
	while (n < max && (p = strstr(p, pat))) {
		p += strlen(pat);
		out[n++] = (uint32_t)strtoul(p, NULL, 10);
	}
	return n;
}

enum { R_SUPER, R_GDT, R_ITABLE, R_DIR, R_IND, R_NREGIONS };

static void corrupt_run(const char *opts, uint64_t seed, int rounds)
{
	char dir[128], base[160], img[160], src[160];
	uint32_t bs, itable, dirblk[16], ind[16];
	int ndir, nind, refused = 0, mounted = 0;
	struct walk w;
	uint64_t rng = seed;

	ext2t_mkdtemp(dir, sizeof(dir));
	snprintf(base, sizeof(base), "%s/base", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(src, sizeof(src), "%s/src", dir);
	CHECK_EQ(
	    ext2t_run(
		"set -e; mkdir -p %s/a/b/c %s/d; cd %s; seq 1 60000 > a/big;"
		"seq 1 300 > a/b/small; for i in $(seq 1 60); do echo $i > "
		"d/f$i;"
		"done; ln -s a/big fast; ln -s $(printf 'x%%.0s' $(seq 1 90)) "
		"a/slow; ln a/big d/hard; echo hi > a/b/c/leaf",
		src, src, src),
	    0);
	CHECK_EQ(ext2t_run("/usr/sbin/mke2fs -q -F -t ext2 %s -d %s %s 4M "
			   ">/dev/null 2>&1",
			   opts, src, base),
		 0);
	bs = strstr(opts, "4096") ? 4096 : 1024;
	{
		int fd = open(base, O_RDONLY);
		uint32_t gd[8];

		CHECK_EQ(pread(fd, gd, 32, bs == 1024 ? 2048 : 4096), 32);
		close(fd);
		itable = gd[2];
	}
	ndir = blocks_of(base, "stat /d", "(0):", dirblk, 1);
	ndir += blocks_of(base, "stat /", "(0):", dirblk + ndir, 1);
	ndir += blocks_of(base, "stat /a", "(0):", dirblk + ndir, 1);
	nind = blocks_of(base, "stat /a/big", "(IND):", ind, 4);
	nind += blocks_of(base, "stat /a/big", "(DIND):", ind + nind, 4);
	CHECK(ndir >= 3);
	CHECK(bs == 4096 || nind >= 2);
	w.buf = malloc(70000);
	memset(w.buf, 'w', 70000);
	for (int round = 0; round < rounds; round++) {
		int region = round % R_NREGIONS,
		    flips = 1 + host_rand(&rng) % 6;
		long start, len;
		struct filedisk d;
		struct ext2_fs *fs;
		struct ext2_inode *root;
		const char *why;
		size_t free0;
		int fd, err;

		switch (region) {
		case R_SUPER:
			start = 1024, len = 256; /* the fields that matter */
			break;
		case R_GDT:
			start = bs == 1024 ? 2048 : 4096, len = 32;
			break;
		case R_ITABLE: /* the first 16 inodes */
			start = (long)itable * bs, len = 16 * 256;
			break;
		case R_DIR:
			start = (long)dirblk[host_rand(&rng) % ndir] * bs,
			len = bs;
			break;
		default:
			if (!nind)
				continue;
			start = (long)ind[host_rand(&rng) % nind] * bs,
			len = bs;
			break;
		}
		ext2t_run("cp %s %s", base, img);
		fd = open(img, O_RDWR);
		for (int i = 0; i < flips; i++) {
			unsigned char c;
			long off = start + (long)(host_rand(&rng) % len);

			pread(fd, &c, 1, off);
			c ^= (unsigned char)(1 + host_rand(&rng) % 255);
			pwrite(fd, &c, 1, off);
		}
		close(fd);
		bcache_init(256);
		slab_trim();
		free0 = phys_free_pages();
		filedisk_open(&d, img);
		err = ext2_mount(&d.dev, 0, &fs, &why);
		if (err) {
			CHECK(err == -EINVAL || err == -EIO);
			refused++;
		} else {
			mounted++;
			w.entries = w.eio = w.dirs = w.writes = 0;
			if (ext2_iget(fs, EXT2_ROOT_INO, &root) == 0) {
				walk_dir(&w, root, 0);
				ext2_iput(root);
			}
			err = ext2_unmount(fs);
			CHECK(err == 0 || err == -EIO);
		}
		CHECK(!d.write_out_of_range);
		filedisk_close(&d);
		slab_trim();
		if (phys_free_pages() != free0) {
			test_fail(__FILE__, __LINE__,
				  "round %d (region %d): leak", round, region);
			break;
		}
	}
	free(w.buf);
	printf("ext2 corruption %s: %d refused, %d mounted and walked\n", opts,
	       refused, mounted);
	CHECK(mounted > rounds / 3);
	ext2t_rmdir(dir);
}

TEST(ext2_corrupt_1k)
{
	corrupt_run("-b 1024", 99, 80);
}

TEST(ext2_corrupt_4k)
{
	corrupt_run("-b 4096", 5, 30);
}
