/*
 * test_ramfs.c - host tests of the in-memory file system (fs/ramfs/):
 * path lookup rules, file contents, link counts, rename, a randomized
 * comparison with a model, page leaks. The cpio unpacker is tested in
 * test_cpio.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <fs/ramfs.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"

/* --- helpers -------------------------------------------------------- */

static struct ramfs *new_fs(void)
{
	ramfs_forget_all(); /* instances of earlier tests died with the reset */
	return ramfs_new();
}

/* Pages in use (allocated, not free). */
static size_t used_pages(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.total - ps.free;
}

static size_t live_objects(void)
{
	struct slab_stats ss;

	slab_get_stats(&ss);
	return ss.objects;
}

static struct ramfs_node *node(struct ramfs *fs, const char *cwd,
			       const char *path)
{
	struct ramfs_node *n = NULL;

	if (ramfs_lookup(fs, cwd, path, RAMFS_NOFOLLOW, &n))
		return NULL;
	return n;
}

static int put_file(struct ramfs *fs, const char *path, const char *text)
{
	struct ramfs_node *n;
	int err = ramfs_mknod(fs, NULL, path, RAMFS_S_IFREG | 0644, 0, &n);

	if (err)
		return err;
	return ramfs_write(n, text, strlen(text), 0) == (long)strlen(text)
		   ? 0
		   : -EIO;
}

/* Contents of path as a string in buf, or "" on error. */
static const char *get_file(struct ramfs *fs, const char *path, char *buf,
			    size_t size)
{
	struct ramfs_node *n;
	long r;

	buf[0] = '\0';
	if (ramfs_lookup(fs, NULL, path, 0, &n))
		return buf;
	r = ramfs_read(n, buf, size - 1, 0);
	buf[r > 0 ? r : 0] = '\0';
	return buf;
}

static uint32_t nlink_of(struct ramfs_node *n)
{
	struct ramfs_stat st;

	ramfs_stat(n, &st);
	return st.nlink;
}

/* --- path lookup ---------------------------------------------------- */

TEST(ramfs_lookup_paths)
{
	struct ramfs *fs = new_fs();
	struct ramfs_node *a, *n;
	char name[300];

	CHECK(fs);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a", 0755), 0);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "a/b", 0755), 0);
	CHECK_EQ(put_file(fs, "/a/b/f", "hello"), 0);
	a = node(fs, NULL, "/a");
	CHECK(a);
	CHECK(node(fs, NULL, "/") == ramfs_root(fs));
	CHECK(node(fs, NULL, "/..") == ramfs_root(fs));
	CHECK(node(fs, NULL, "//a///b/..//.") == a);
	CHECK(node(fs, NULL, "a/b/../../a") == a);
	CHECK(node(fs, "/a", "b/f") == node(fs, NULL, "/a/b/f"));
	CHECK(node(fs, "/a/b", "../..") == ramfs_root(fs));
	CHECK(node(fs, "/a/b", "/a") == a);
	CHECK(node(fs, "/a/b/", "./f") != NULL);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/a/x", 0, &n), -ENOENT);
	CHECK_EQ(ramfs_lookup(fs, NULL, "", 0, &n), -ENOENT);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/a/b/f/", 0, &n), -ENOTDIR);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/a/b/f/x", 0, &n), -ENOTDIR);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/a/b/f/.", 0, &n), -ENOTDIR);
	CHECK_EQ(ramfs_lookup(fs, "/nope", "f", 0, &n), -ENOENT);
	CHECK_EQ(ramfs_lookup(fs, "/a/b/f", "x", 0, &n), -ENOTDIR);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/a/", 0, &n), 0);
	CHECK(n == a);
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[257] = '\0'; /* 256-character component */
	CHECK_EQ(ramfs_lookup(fs, NULL, name, 0, &n), -ENAMETOOLONG);
	CHECK_EQ(ramfs_mkdir(fs, NULL, name, 0755), -ENAMETOOLONG);
	name[256] = '\0'; /* 255 is allowed */
	CHECK_EQ(ramfs_mkdir(fs, NULL, name, 0755), 0);
	CHECK_EQ(ramfs_lookup(fs, NULL, name, 0, &n), 0);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a", 0755), -EEXIST);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/", 0755), -EEXIST);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a/.", 0755), -EEXIST);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/x/y", 0755), -ENOENT);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a/b/f/y", 0755), -ENOTDIR);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a/c/", 0755), 0);
	ramfs_destroy(fs);
}

TEST(ramfs_symlinks)
{
	struct ramfs *fs = new_fs();
	struct ramfs_node *n, *f;
	char buf[64], path[16];

	CHECK_EQ(ramfs_mkdir(fs, NULL, "/bin", 0755), 0);
	CHECK_EQ(put_file(fs, "/bin/busybox", "bb"), 0);
	CHECK_EQ(ramfs_symlink(fs, NULL, "busybox", "/bin/sh"), 0);
	CHECK_EQ(ramfs_symlink(fs, NULL, "/bin", "/b"), 0);
	CHECK_EQ(ramfs_symlink(fs, NULL, "../bin/./sh", "/bin/sh2"), 0);
	f = node(fs, NULL, "/bin/busybox");
	CHECK_EQ(ramfs_lookup(fs, NULL, "/bin/sh", 0, &n), 0);
	CHECK(n == f);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/b/sh2", 0, &n), 0);
	CHECK(n == f);
	CHECK_EQ(ramfs_lookup(fs, "/b", "sh", 0, &n), 0);
	CHECK(n == f);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/bin/sh", RAMFS_NOFOLLOW, &n), 0);
	CHECK(RAMFS_ISLNK(ramfs_mode(n)));
	/* A trailing slash follows even with NOFOLLOW. */
	CHECK_EQ(ramfs_lookup(fs, NULL, "/b/", RAMFS_NOFOLLOW, &n), 0);
	CHECK(RAMFS_ISDIR(ramfs_mode(n)));
	CHECK_EQ(ramfs_lookup(fs, NULL, "/bin/sh/", 0, &n), -ENOTDIR);
	CHECK_EQ(ramfs_readlink(fs, NULL, "/bin/sh", buf, sizeof(buf)), 7);
	CHECK(!memcmp(buf, "busybox", 7));
	CHECK_EQ(ramfs_readlink(fs, NULL, "/bin/sh", buf, 3), 3);
	CHECK_EQ(ramfs_readlink(fs, NULL, "/bin/busybox", buf, 9), -EINVAL);
	CHECK_EQ(ramfs_symlink(fs, NULL, "nowhere", "/dangle"), 0);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/dangle", 0, &n), -ENOENT);
	CHECK_EQ(ramfs_symlink(fs, NULL, "", "/empty"), -ENOENT);
	/* Loops and chains: 8 nested links resolve, 9 do not. */
	CHECK_EQ(ramfs_symlink(fs, NULL, "loop2", "/loop1"), 0);
	CHECK_EQ(ramfs_symlink(fs, NULL, "loop1", "/loop2"), 0);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/loop1", 0, &n), -ELOOP);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/loop1", RAMFS_NOFOLLOW, &n), 0);
	CHECK_EQ(ramfs_symlink(fs, NULL, "/bin/busybox", "/l0"), 0);
	for (int i = 1; i <= 9; i++) {
		char target[16];

		snprintf(target, sizeof(target), "l%d", i - 1);
		snprintf(path, sizeof(path), "/l%d", i);
		CHECK_EQ(ramfs_symlink(fs, NULL, target, path), 0);
	}
	CHECK_EQ(ramfs_lookup(fs, NULL, "/l7", 0, &n), 0);
	CHECK(n == f);
	CHECK_EQ(ramfs_lookup(fs, NULL, "/l8", 0, &n), -ELOOP);
	/* Links used by the cwd string. */
	CHECK_EQ(ramfs_lookup(fs, "/b", "busybox", 0, &n), 0);
	CHECK(n == f);
	ramfs_destroy(fs);
}

/* --- contents ------------------------------------------------------- */

TEST(ramfs_file_read_write_truncate)
{
	struct ramfs *fs = new_fs();
	static char big[3 * 4096 + 100], back[sizeof(big)];
	struct ramfs_node *n;
	char buf[16];

	CHECK_EQ(ramfs_mknod(fs, NULL, "/f", 0644, 0, &n), 0);
	CHECK(RAMFS_ISREG(ramfs_mode(n)));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	CHECK_EQ(ramfs_write(n, big, sizeof(big), 0), (long)sizeof(big));
	CHECK_EQ(ramfs_size(n), sizeof(big));
	CHECK_EQ(ramfs_read(n, back, sizeof(back), 0), (long)sizeof(big));
	CHECK(!memcmp(big, back, sizeof(big)));
	CHECK_EQ(ramfs_read(n, back, 10, sizeof(big) - 4), 4);
	CHECK_EQ(ramfs_read(n, back, 10, sizeof(big) + 100), 0);
	/* Shrink into a page, grow again: the tail reads as zeros. */
	CHECK_EQ(ramfs_truncate(n, 5000), 0);
	CHECK_EQ(ramfs_truncate(n, 9000), 0);
	CHECK_EQ(ramfs_read(n, back, sizeof(back), 0), 9000);
	CHECK(!memcmp(big, back, 5000));
	for (int i = 5000; i < 9000; i++)
		CHECK_EQ(back[i], 0);
	/* A write far past the end leaves a hole of zeros. */
	CHECK_EQ(ramfs_write(n, "xy", 2, 100000), 2);
	CHECK_EQ(ramfs_size(n), 100002);
	CHECK_EQ(ramfs_read(n, buf, 4, 99998), 4);
	CHECK(!memcmp(buf, "\0\0xy", 4));
	CHECK_EQ(ramfs_truncate(n, 0), 0);
	CHECK_EQ(ramfs_read(n, buf, 4, 0), 0);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d", 0755), 0);
	CHECK_EQ(ramfs_write(node(fs, NULL, "/d"), "x", 1, 0), -EISDIR);
	CHECK_EQ(ramfs_truncate(node(fs, NULL, "/d"), 0), -EISDIR);
	CHECK_EQ(ramfs_mknod(fs, NULL, "/d/", 0644, 0, &n), -EEXIST);
	CHECK_EQ(ramfs_mknod(fs, NULL, "/g/", 0644, 0, &n), -EISDIR);
	mm_sanity_check();
	ramfs_destroy(fs);
}

TEST(ramfs_links_unlink_open_refs)
{
	struct ramfs *fs = new_fs();
	struct ramfs_node *f, *d;
	char buf[32];

	CHECK_EQ(put_file(fs, "/f", "data"), 0);
	f = node(fs, NULL, "/f");
	CHECK_EQ(nlink_of(f), 1);
	CHECK_EQ(ramfs_link(fs, NULL, "/f", "/g"), 0);
	CHECK_EQ(ramfs_link(fs, NULL, "/f", "/g"), -EEXIST);
	CHECK_EQ(nlink_of(f), 2);
	CHECK(node(fs, NULL, "/g") == f);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d", 0755), 0);
	d = node(fs, NULL, "/d");
	CHECK_EQ(nlink_of(d), 2);
	CHECK_EQ(nlink_of(ramfs_root(fs)), 3);
	CHECK_EQ(ramfs_link(fs, NULL, "/d", "/d2"), -EPERM);
	CHECK_EQ(ramfs_unlink(fs, NULL, "/d"), -EISDIR);
	CHECK_EQ(ramfs_unlink(fs, NULL, "/f/"), -ENOTDIR);
	CHECK_EQ(ramfs_unlink(fs, NULL, "/nope"), -ENOENT);
	CHECK_EQ(ramfs_unlink(fs, NULL, "/f"), 0);
	CHECK_EQ(nlink_of(f), 1);
	CHECK(!strcmp(get_file(fs, "/g", buf, sizeof(buf)), "data"));
	/* An open reference keeps the unlinked file readable. */
	ramfs_node_get(f);
	CHECK_EQ(ramfs_unlink(fs, NULL, "/g"), 0);
	CHECK_EQ(nlink_of(f), 0);
	CHECK_EQ(ramfs_read(f, buf, sizeof(buf), 0), 4);
	CHECK_EQ(ramfs_write(f, "more", 4, 4), 4);
	mm_sanity_check();
	ramfs_node_put(f);
	mm_sanity_check();
	ramfs_destroy(fs);
}

TEST(ramfs_rmdir_rename)
{
	struct ramfs *fs = new_fs();
	struct ramfs_node *a, *b;
	char buf[32];

	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a", 0755), 0);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/a/sub", 0755), 0);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/b", 0755), 0);
	CHECK_EQ(put_file(fs, "/a/f", "one"), 0);
	CHECK_EQ(put_file(fs, "/b/g", "two"), 0);
	a = node(fs, NULL, "/a");
	b = node(fs, NULL, "/b");
	CHECK_EQ(nlink_of(a), 3);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/a"), -ENOTEMPTY);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/a/f"), -ENOTDIR);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/a/."), -EINVAL);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/a/sub/.."), -ENOTEMPTY);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/"), -EBUSY);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/zz"), -ENOENT);
	/* File over file. */
	CHECK_EQ(ramfs_rename(fs, NULL, "/a/f", "/b/g"), 0);
	CHECK(!strcmp(get_file(fs, "/b/g", buf, sizeof(buf)), "one"));
	CHECK(!node(fs, NULL, "/a/f"));
	/* Same file under two names: nothing happens. */
	CHECK_EQ(ramfs_link(fs, NULL, "/b/g", "/b/h"), 0);
	CHECK_EQ(ramfs_rename(fs, NULL, "/b/g", "/b/h"), 0);
	CHECK(node(fs, NULL, "/b/g") && node(fs, NULL, "/b/h"));
	/* Directories. */
	CHECK_EQ(ramfs_rename(fs, NULL, "/a", "/a/sub/x"), -EINVAL);
	CHECK_EQ(ramfs_rename(fs, NULL, "/a", "/a"), 0);
	CHECK_EQ(ramfs_rename(fs, NULL, "/b/g", "/a"), -EISDIR);
	CHECK_EQ(ramfs_rename(fs, NULL, "/a", "/b/g"), -ENOTDIR);
	CHECK_EQ(ramfs_rename(fs, NULL, "/b", "/a"), -ENOTEMPTY);
	CHECK_EQ(ramfs_rename(fs, NULL, "/a/sub", "/b/sub"), 0);
	CHECK_EQ(nlink_of(a), 2);
	CHECK_EQ(nlink_of(b), 3);
	CHECK(node(fs, "/b/sub", "..") == b);
	CHECK_EQ(ramfs_rename(fs, NULL, "/a", "/b"), -ENOTEMPTY);
	CHECK_EQ(ramfs_rename(fs, NULL, "/a", "/b/sub"), 0); /* over empty */
	CHECK_EQ(nlink_of(b), 3);
	CHECK(node(fs, NULL, "/b/sub") == a);
	CHECK_EQ(nlink_of(ramfs_root(fs)), 3);
	CHECK_EQ(ramfs_rename(fs, NULL, "/nope", "/x"), -ENOENT);
	CHECK_EQ(ramfs_rename(fs, NULL, "/b/g/", "/x"), -ENOTDIR);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/b/sub"), 0);
	CHECK_EQ(nlink_of(b), 2);
	mm_sanity_check();
	ramfs_destroy(fs);
}

TEST(ramfs_readdir_and_path)
{
	struct ramfs *fs = new_fs();
	struct ramfs_dirent_info e;
	struct ramfs_node *d;
	char names[8][16], path[64];
	uint32_t cookie = 0;
	int count = 0;

	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d", 0755), 0);
	for (int i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "/d/n%d", i);
		CHECK_EQ(put_file(fs, names[i], "x"), 0);
	}
	d = node(fs, NULL, "/d");
	/* Read ".", "..", n0, n1; delete n2; the rest still come in order. */
	for (; count < 4; count++) {
		CHECK_EQ(ramfs_readdir(d, cookie, &e), 0);
		cookie = e.next;
	}
	CHECK_EQ(e.namelen, 2);
	CHECK(!memcmp(e.name, "n1", 2));
	CHECK_EQ(ramfs_unlink(fs, NULL, "/d/n2"), 0);
	CHECK_EQ(ramfs_readdir(d, cookie, &e), 0);
	CHECK(!memcmp(e.name, "n3", 2));
	while (ramfs_readdir(d, cookie, &e) == 0) {
		cookie = e.next;
		count++;
	}
	CHECK_EQ(count, 7);
	CHECK_EQ(ramfs_readdir(node(fs, NULL, "/d/n0"), 0, &e), -ENOTDIR);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d/deep", 0755), 0);
	CHECK_EQ(ramfs_path(node(fs, NULL, "/d//deep/"), path, sizeof(path)),
		 0);
	CHECK(!strcmp(path, "/d/deep"));
	CHECK_EQ(ramfs_path(ramfs_root(fs), path, sizeof(path)), 0);
	CHECK(!strcmp(path, "/"));
	CHECK_EQ(ramfs_path(node(fs, NULL, "/d/deep"), path, 5), -ERANGE);
	ramfs_destroy(fs);
}

/* --- randomized comparison with a model ----------------------------- */

#define MPATHS 6
#define MFILES 64
#define MAXLEN (3 * 4096 + 17)

static const char *const mpaths[MPATHS] = {"/a",   "/b",   "/c",
					   "/d/x", "/d/y", "/d/z"};

struct mfile {
	char data[MAXLEN];
	size_t size;
	int links;
};

struct model {
	int at[MPATHS]; /* file index per path, -1 if none */
	struct mfile files[MFILES];
};

static int model_new_file(struct model *m)
{
	for (int i = 0; i < MFILES; i++) {
		if (m->files[i].links == 0) {
			m->files[i].size = 0;
			return i;
		}
	}
	return -1;
}

static bool model_matches(struct ramfs *fs, struct model *m)
{
	static char buf[MAXLEN + 1];

	for (int p = 0; p < MPATHS; p++) {
		struct ramfs_node *n;
		int err = ramfs_lookup(fs, NULL, mpaths[p], 0, &n);
		struct mfile *f;

		if (m->at[p] < 0) {
			if (err != -ENOENT)
				return false;
			continue;
		}
		f = &m->files[m->at[p]];
		if (err || ramfs_size(n) != f->size ||
		    nlink_of(n) != (uint32_t)f->links)
			return false;
		if (ramfs_read(n, buf, sizeof(buf), 0) != (long)f->size ||
		    memcmp(buf, f->data, f->size))
			return false;
	}
	return true;
}

static void model_unlink(struct model *m, int p)
{
	m->files[m->at[p]].links--;
	m->at[p] = -1;
}

/* One random operation on both; false when ramfs disagrees. */
static bool random_op(struct ramfs *fs, struct model *m, uint64_t *seed)
{
	static char data[MAXLEN];
	int p = host_rand(seed) % MPATHS, q = host_rand(seed) % MPATHS;
	const char *path = mpaths[p], *to = mpaths[q];
	struct ramfs_node *n;
	int err;

	switch (host_rand(seed) % 5) {
	case 0: { /* write somewhere, creating the file if needed */
		size_t off = host_rand(seed) % (MAXLEN / 2);
		size_t len = host_rand(seed) % (MAXLEN - off);
		struct mfile *f;

		if (m->at[p] < 0) {
			int i = model_new_file(m);

			if (i < 0 || ramfs_mknod(fs, NULL, path, 0644, 0, &n))
				return false;
			m->at[p] = i;
			m->files[i].links = 1;
		} else if (ramfs_lookup(fs, NULL, path, 0, &n)) {
			return false;
		}
		f = &m->files[m->at[p]];
		for (size_t i = 0; i < len; i++)
			data[i] = (char)host_rand(seed);
		if (ramfs_write(n, data, len, off) != (long)len)
			return false;
		if (off > f->size)
			memset(f->data + f->size, 0, off - f->size);
		memcpy(f->data + off, data, len);
		f->size = MAX(f->size, off + len);
		return true;
	}
	case 1: { /* truncate */
		size_t size = host_rand(seed) % MAXLEN;
		struct mfile *f;

		err = ramfs_lookup(fs, NULL, path, 0, &n);
		if (m->at[p] < 0)
			return err == -ENOENT;
		f = &m->files[m->at[p]];
		if (err || ramfs_truncate(n, size))
			return false;
		if (size > f->size)
			memset(f->data + f->size, 0, size - f->size);
		f->size = size;
		return true;
	}
	case 2: /* unlink */
		err = ramfs_unlink(fs, NULL, path);
		if (m->at[p] < 0)
			return err == -ENOENT;
		model_unlink(m, p);
		return err == 0;
	case 3: /* rename */
		err = ramfs_rename(fs, NULL, path, to);
		if (m->at[p] < 0)
			return err == -ENOENT;
		if (err)
			return false;
		if (m->at[q] == m->at[p])
			return true;
		if (m->at[q] >= 0)
			model_unlink(m, q);
		m->at[q] = m->at[p];
		m->at[p] = -1;
		return true;
	default: /* link */
		err = ramfs_link(fs, NULL, path, to);
		if (m->at[p] < 0)
			return err == -ENOENT;
		if (m->at[q] >= 0)
			return err == -EEXIST;
		m->at[q] = m->at[p];
		m->files[m->at[p]].links++;
		return err == 0;
	}
}

TEST(ramfs_random_vs_model)
{
	static struct model m;
	uint64_t seed = 0x5eed1234abcdull;
	size_t used0, objs0;
	struct ramfs *fs;

	ramfs_forget_all();
	used0 = used_pages();
	objs0 = live_objects();
	fs = ramfs_new();
	CHECK(fs);
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d", 0755), 0);
	memset(&m, 0, sizeof(m));
	for (int p = 0; p < MPATHS; p++)
		m.at[p] = -1;
	for (int step = 0; step < 3000; step++) {
		if (!random_op(fs, &m, &seed)) {
			test_fail(__FILE__, __LINE__, "op failed at step %d",
				  step);
			return;
		}
		if (step % 50 == 0 && !model_matches(fs, &m)) {
			test_fail(__FILE__, __LINE__, "mismatch at step %d",
				  step);
			return;
		}
		if (step % 500 == 0)
			mm_sanity_check();
	}
	CHECK(model_matches(fs, &m));
	/* Delete everything: every page and object comes back. */
	for (int p = 0; p < MPATHS; p++)
		if (m.at[p] >= 0)
			CHECK_EQ(ramfs_unlink(fs, NULL, mpaths[p]), 0);
	CHECK_EQ(ramfs_rmdir(fs, NULL, "/d"), 0);
	mm_sanity_check();
	ramfs_destroy(fs);
	CHECK_EQ(live_objects(), objs0);
	CHECK(used_pages() <= used0 + 4); /* empty slab pages may stay */
}

TEST(ramfs_no_page_leaks)
{
	static char chunk[4096];
	size_t free0, objs0;
	struct ramfs *fs;
	struct ramfs_node *n;
	char path[32];

	ramfs_forget_all();
	fs = ramfs_new();
	CHECK_EQ(ramfs_mkdir(fs, NULL, "/d", 0755), 0);
	free0 = phys_free_pages();
	objs0 = live_objects();
	memset(chunk, 'z', sizeof(chunk));
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		CHECK_EQ(ramfs_mknod(fs, NULL, path, 0644, 0, &n), 0);
		/* Up to 1100 pages: the index outgrows one page. */
		for (int k = 0; k < (i == 7 ? 1100 : i); k++)
			CHECK_EQ(ramfs_write(n, chunk, sizeof(chunk),
					     (uint64_t)k * 4096),
				 4096);
		snprintf(path, sizeof(path), "/d/s%d", i);
		CHECK_EQ(ramfs_symlink(fs, NULL, "f0", path), 0);
	}
	CHECK(phys_free_pages() < free0 - 1100);
	mm_sanity_check();
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		CHECK_EQ(ramfs_unlink(fs, NULL, path), 0);
		snprintf(path, sizeof(path), "/d/s%d", i);
		CHECK_EQ(ramfs_unlink(fs, NULL, path), 0);
	}
	CHECK_EQ(live_objects(), objs0);
	CHECK(phys_free_pages() + 4 >= free0);
	mm_sanity_check();
	ramfs_destroy(fs);
}
