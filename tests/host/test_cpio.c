/*
 * test_cpio.c - host tests of the cpio "newc" unpacker (fs/ramfs/cpio.c):
 * archives built here with a small newc writer are unpacked into a ramfs
 * (every entry type, hard links, replacing files), and malformed ones
 * (every truncation, bad fields, impossible sizes) are rejected without
 * reading past the buffer (ASan) and without creating anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <fs/ramfs.h>
#include <kernel/errno.h>
#include <mm/sanity.h>
#include "host.h"

/* Rejections print a line each: silence them unless already silent. */
static bool was_quiet;

static void quiet(void)
{
	was_quiet = getenv("HOST_QUIET") != NULL;
	setenv("HOST_QUIET", "1", 1);
}

static void unquiet(void)
{
	if (!was_quiet)
		unsetenv("HOST_QUIET");
}

static struct ramfs *new_fs(void)
{
	ramfs_forget_all(); /* instances of earlier tests died with the reset */
	return ramfs_new();
}

static struct ramfs_node *node(struct ramfs *fs, const char *path)
{
	struct ramfs_node *n = NULL;

	if (ramfs_lookup(fs, NULL, path, RAMFS_NOFOLLOW, &n))
		return NULL;
	return n;
}

static uint32_t nlink_of(struct ramfs_node *n)
{
	struct ramfs_stat st;

	ramfs_stat(n, &st);
	return st.nlink;
}

/* Contents of path (links followed) as a string in buf, "" on error. */
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

/* --- cpio ----------------------------------------------------------- */

/* A growing newc archive. */
struct arch {
	char *buf;
	size_t len, cap;
};

static void arch_put(struct arch *a, const void *p, size_t n)
{
	if (a->len + n + 4 > a->cap) {
		a->cap = (a->len + n + 4) * 2;
		a->buf = realloc(a->buf, a->cap);
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void arch_pad(struct arch *a)
{
	while (a->len % 4)
		arch_put(a, "", 1);
}

static void arch_entry(struct arch *a, const char *name, uint32_t mode,
		       uint32_t ino, uint32_t nlink, uint32_t rmaj,
		       uint32_t rmin, const char *data, size_t size)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 1000u, 100u, nlink, 0u, (uint32_t)size, 0u, 0u,
		 rmaj, rmin, (uint32_t)strlen(name) + 1, 0u);
	arch_put(a, hdr, 110);
	arch_put(a, name, strlen(name) + 1);
	arch_pad(a);
	arch_put(a, data, size);
	arch_pad(a);
}

static void arch_trailer(struct arch *a)
{
	arch_entry(a, "TRAILER!!!", 0, 0, 1, 0, 0, "", 0);
}

/* An archive with one of each kind of entry. */
static void build_sample(struct arch *a)
{
	memset(a, 0, sizeof(*a));
	arch_entry(a, ".", RAMFS_S_IFDIR | 0755, 1, 2, 0, 0, "", 0);
	arch_entry(a, "bin", RAMFS_S_IFDIR | 0755, 2, 2, 0, 0, "", 0);
	arch_entry(a, "bin/busybox", RAMFS_S_IFREG | 0755, 3, 1, 0, 0,
		   "#!busybox", 9);
	arch_entry(a, "bin/sh", RAMFS_S_IFLNK | 0777, 4, 1, 0, 0, "busybox", 7);
	arch_entry(a, "./dev", RAMFS_S_IFDIR | 0755, 5, 2, 0, 0, "", 0);
	arch_entry(a, "dev/console", RAMFS_S_IFCHR | 0600, 6, 1, 5, 1, "", 0);
	/* A hard-link pair: data comes with the last member. */
	arch_entry(a, "etc", RAMFS_S_IFDIR | 0700, 7, 2, 0, 0, "", 0);
	arch_entry(a, "etc/one", RAMFS_S_IFREG | 0644, 8, 2, 0, 0, "", 0);
	arch_entry(a, "etc/two", RAMFS_S_IFREG | 0644, 8, 2, 0, 0, "shared", 6);
	arch_entry(a, "/etc/big", RAMFS_S_IFREG | 0644, 9, 1, 0, 0,
		   (const char *)build_sample, 5000);
	arch_trailer(a);
}

TEST(cpio_unpack_sample)
{
	struct ramfs *fs = new_fs();
	struct ramfs_node *n;
	struct ramfs_stat st;
	struct arch a;
	char buf[64];
	char *exact;

	build_sample(&a);
	exact = malloc(a.len); /* ASan catches any read past the end */
	memcpy(exact, a.buf, a.len);
	CHECK(cpio_is_newc(exact, a.len));
	CHECK_EQ(cpio_unpack(fs, exact, a.len, NULL), 0);
	CHECK(!strcmp(get_file(fs, "/bin/sh", buf, sizeof(buf)), "#!busybox"));
	CHECK_EQ(ramfs_readlink(fs, NULL, "/bin/sh", buf, sizeof(buf)), 7);
	n = node(fs, "/dev/console");
	CHECK(n);
	ramfs_stat(n, &st);
	CHECK(RAMFS_ISCHR(st.mode));
	CHECK_EQ(RAMFS_MAJOR(st.rdev), 5);
	CHECK_EQ(RAMFS_MINOR(st.rdev), 1);
	CHECK_EQ(st.uid, 1000);
	CHECK_EQ(st.gid, 100);
	CHECK_EQ(st.mode & 07777, 0600);
	n = node(fs, "/etc/one");
	CHECK(n && n == node(fs, "/etc/two"));
	CHECK_EQ(nlink_of(n), 2);
	CHECK(!strcmp(get_file(fs, "/etc/one", buf, sizeof(buf)), "shared"));
	ramfs_stat(node(fs, "/etc"), &st);
	CHECK_EQ(st.mode, RAMFS_S_IFDIR | 0700);
	n = node(fs, "/etc/big");
	CHECK(n);
	CHECK_EQ(ramfs_size(n), 5000);
	{
		static char big[5000];

		CHECK_EQ(ramfs_read(n, big, sizeof(big), 0), 5000);
		CHECK(!memcmp(big, (const char *)build_sample, 5000));
	}
	/* Unpacking again replaces files in place. */
	CHECK_EQ(cpio_unpack(fs, exact, a.len, NULL), 0);
	CHECK_EQ(nlink_of(node(fs, "/etc/one")), 2);
	mm_sanity_check();
	free(exact);
	free(a.buf);
	ramfs_destroy(fs);
}

static int unpack_copy(struct ramfs *fs, const char *buf, size_t len,
		       const char **why)
{
	char *exact = malloc(len ? len : 1);
	int err;

	memcpy(exact, buf, len);
	err = cpio_unpack(fs, exact, len, why);
	free(exact);
	return err;
}

static void malformed(struct ramfs *fs)
{
	struct ramfs_dirent_info e;
	const char *why = NULL;
	struct arch a, b;
	char *bad;

	build_sample(&a);
	/* Every proper prefix is rejected, and nothing is created. */
	for (size_t len = 0; len < a.len - 4; len++) {
		why = NULL;
		if (unpack_copy(fs, a.buf, len, &why) != -EINVAL || !why) {
			test_fail(__FILE__, __LINE__, "prefix %zu accepted",
				  len);
			return;
		}
	}
	CHECK_EQ(ramfs_readdir(ramfs_root(fs), 2, &e), -ENOENT);
	bad = malloc(a.len);
	memcpy(bad, a.buf, a.len);
	bad[3] = '8';
	CHECK_EQ(unpack_copy(fs, bad, a.len, &why), -EINVAL);
	CHECK(strstr(why, "magic"));
	memcpy(bad, a.buf, a.len);
	bad[20] = 'g';
	CHECK_EQ(unpack_copy(fs, bad, a.len, &why), -EINVAL);
	CHECK(strstr(why, "hex"));
	free(bad);
	/* A name size pointing past the end, an unterminated name. */
	memset(&b, 0, sizeof(b));
	arch_entry(&b, "x", RAMFS_S_IFREG | 0644, 1, 1, 0, 0, "", 0);
	memcpy(b.buf + 94, "7FFFFFFF", 8);
	arch_trailer(&b);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -EINVAL);
	CHECK(strstr(why, "name"));
	memcpy(b.buf + 94, "00000001", 8);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -EINVAL);
	CHECK(strstr(why, "NUL"));
	free(b.buf);
	/* Huge file size, data in a directory, an unknown type. */
	memset(&b, 0, sizeof(b));
	arch_entry(&b, "x", RAMFS_S_IFREG | 0644, 1, 1, 0, 0, "abc", 3);
	memcpy(b.buf + 54, "FFFFFFF0", 8);
	arch_trailer(&b);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -EINVAL);
	CHECK(strstr(why, "past the end"));
	free(b.buf);
	memset(&b, 0, sizeof(b));
	arch_entry(&b, "d", RAMFS_S_IFDIR | 0755, 1, 1, 0, 0, "abc", 3);
	arch_trailer(&b);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -EINVAL);
	free(b.buf);
	memset(&b, 0, sizeof(b));
	arch_entry(&b, "d", 0170000 | 0755, 1, 1, 0, 0, "", 0);
	arch_trailer(&b);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -EINVAL);
	CHECK(strstr(why, "type"));
	free(b.buf);
	CHECK_EQ(ramfs_readdir(ramfs_root(fs), 2, &e), -ENOENT);
	/* A file where the archive wants a directory path component. */
	memset(&b, 0, sizeof(b));
	arch_entry(&b, "f", RAMFS_S_IFREG | 0644, 1, 1, 0, 0, "", 0);
	arch_entry(&b, "f/x", RAMFS_S_IFREG | 0644, 2, 1, 0, 0, "", 0);
	arch_trailer(&b);
	CHECK_EQ(unpack_copy(fs, b.buf, b.len, &why), -ENOTDIR);
	free(b.buf);
	free(a.buf);
	mm_sanity_check();
}

TEST(cpio_rejects_malformed)
{
	struct ramfs *fs = new_fs();

	quiet();
	malformed(fs);
	unquiet();
	ramfs_destroy(fs);
}
