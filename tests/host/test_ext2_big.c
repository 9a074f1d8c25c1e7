/*
 * test_ext2_big.c - ext2 at scale: files at every indirection boundary
 * (sparse, so cheap), truncation across the boundaries, a file bigger
 * than 4 GiB, the largest file, a multi-megabyte file read back by
 * debugfs, 1,000-entry directories, a deep tree, and a full disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/hooks.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include "filedisk.h"
#include "host.h"

static void pattern(char *buf, size_t len, uint32_t seed)
{
	uint64_t s = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)host_rand(&s);
}

static struct ext2_inode *new_file(struct ext2t *t, const char *name)
{
	struct ext2_inode *ip;

	if (ext2_create(t->root, name, strlen(name), 0644, 0, 0, &ip))
		return NULL;
	return ip;
}

/* Block b of ip holds pattern(seed b)? Holes must read as zeros. */
static bool block_is(struct ext2_inode *ip, uint32_t bs, uint64_t b, bool hole)
{
	static char want[4096], got[4096];

	if (ext2_read(ip, got, bs, b * bs) != (long)bs)
		return false;
	if (hole)
		memset(want, 0, bs);
	else
		pattern(want, bs, (uint32_t)b);
	return !memcmp(want, got, bs);
}

static void boundaries(const char *opts, uint32_t bs, const char *size)
{
	uint64_t p = bs / 4;
	uint64_t bounds[] = {12, 12 + p, 12 + p + p * p};
	uint64_t blocks[8];
	size_t nb = 0;
	struct ext2t t;
	struct ext2_inode *ip;
	struct ext2_stat st;
	static char buf[4096];

	if (ext2t_setup(&t, opts, size))
		goto done;
	ip = new_file(&t, "sparse");
	CHECK(ip);
	for (size_t i = 0; i < ARRAY_SIZE(bounds); i++) {
		blocks[nb++] = bounds[i] - 1;
		blocks[nb++] = bounds[i];
	}
	for (size_t i = 0; i < nb; i++) {
		pattern(buf, bs, (uint32_t)blocks[i]);
		CHECK_EQ(ext2_write(ip, buf, bs, blocks[i] * bs), bs);
	}
	ext2_getattr(ip, &st);
	/* 6 data blocks, 1 + 1 indirect, 1 + 1 double, 1 + 1 + 1 triple. */
	CHECK_EQ(st.blocks, (6 + 7) * (bs / 512));
	CHECK_EQ(st.size, (bounds[2] + 1) * bs);
	for (size_t i = 0; i < nb; i++)
		CHECK(block_is(ip, bs, blocks[i], false));
	CHECK(block_is(ip, bs, 5, true));
	CHECK(block_is(ip, bs, bounds[1] + 7, true));
	CHECK(block_is(ip, bs, bounds[2] - 2, true));
	ext2_iput(ip);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);

	/* Truncate across each boundary, checking e2fsck between steps. */
	CHECK_EQ(ext2t_mount(&t), 0);
	CHECK_EQ(ext2_lookup(t.root, "sparse", 6, &ip), 0);
	for (size_t i = 0; i < nb; i++)
		CHECK(block_is(ip, bs, blocks[i], false));
	CHECK_EQ(ext2_truncate(ip, bounds[2] * bs + 100), 0);
	CHECK(block_is(ip, bs, bounds[2] - 1, false));
	ext2_getattr(ip, &st);
	CHECK_EQ(st.blocks, (6 + 7) * (bs / 512));
	{
		static char got[4096];

		CHECK_EQ(ext2_read(ip, got, bs, bounds[2] * bs), 100);
		pattern(buf, bs, (uint32_t)bounds[2]);
		CHECK(!memcmp(got, buf, 100));
	}
	CHECK_EQ(ext2_truncate(ip, bounds[2] * bs), 0); /* triple tree gone */
	ext2_getattr(ip, &st);
	CHECK_EQ(st.blocks, (5 + 4) * (bs / 512));
	CHECK_EQ(ext2_truncate(ip, bounds[1] * bs + 1), 0); /* double: kept */
	ext2_getattr(ip, &st);
	CHECK_EQ(st.blocks, (4 + 3) * (bs / 512));
	/* Growing again shows zeros past the old end. */
	CHECK_EQ(ext2_truncate(ip, (bounds[1] + 3) * bs), 0);
	{
		static char got[4096];

		CHECK_EQ(ext2_read(ip, got, bs, bounds[1] * bs), bs);
		pattern(buf, bs, (uint32_t)bounds[1]);
		CHECK_EQ(got[0], buf[0]);
		for (uint32_t i = 1; i < bs; i++)
			CHECK_EQ(got[i], 0);
	}
	CHECK_EQ(ext2_truncate(ip, bounds[0] * bs), 0);
	ext2_getattr(ip, &st);
	CHECK_EQ(st.blocks, 1 * (bs / 512));
	CHECK(block_is(ip, bs, bounds[0] - 1, false));
	CHECK_EQ(ext2_truncate(ip, 0), 0);
	ext2_getattr(ip, &st);
	CHECK_EQ(st.blocks, 0);
	/* The largest file: its last byte, and one past it. */
	{
		uint64_t last = (12 + p + p * p + p * p * p) * bs;

		if (last > (1ull << 40))
			last = 1ull << 40;
		CHECK_EQ(ext2_write(ip, "z", 1, last - 1), 1);
		CHECK_EQ(ext2_write(ip, "z", 1, last), -EFBIG);
		CHECK_EQ(ext2_truncate(ip, last + 1), -EFBIG);
		CHECK_EQ(ext2_size(ip), last);
		CHECK_EQ(ext2_read(ip, buf, 2, last - 1), 1);
		CHECK_EQ(buf[0], 'z');
	}
	ext2_iput(ip);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

TEST(ext2_indirect_boundaries_1k)
{
	boundaries("-b 1024", 1024, "16M");
}

TEST(ext2_indirect_boundaries_4k)
{
	/* The triple indirect boundary is past 4 GiB: large_file. */
	boundaries("-b 4096", 4096, "32M");
}

TEST(ext2_big_file_debugfs)
{
	struct ext2t t;
	size_t len = 1u << 20; /* past the double indirect boundary */
	char *data = malloc(len), *out = malloc(len + 1);
	struct ext2_inode *ip;
	char cmd[256];
	FILE *f;

	CHECK(data && out);
	if (ext2t_setup(&t, "-b 1024", "16M"))
		goto done;
	pattern(data, len, 7);
	ip = new_file(&t, "big");
	/* Odd-sized writes that straddle blocks. */
	for (size_t off = 0; off < len;) {
		size_t n = MIN(len - off, (size_t)3333);

		CHECK_EQ(ext2_write(ip, data + off, n, off), n);
		off += n;
	}
	ext2_iput(ip);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	snprintf(cmd, sizeof(cmd),
		 "/usr/sbin/debugfs -R 'cat /big' %s 2>/dev/null", t.img);
	f = popen(cmd, "r");
	CHECK(f);
	CHECK_EQ(fread(out, 1, len + 1, f), len);
	pclose(f);
	CHECK(!memcmp(out, data, len));
done:
	ext2t_cleanup(&t);
	free(data);
	free(out);
}

/* Write-back in runs: 2 MiB written in order on a fresh file system
 * (its blocks follow each other) goes to the disk in few transfers, one
 * per run of up to PCACHE_WB_PAGES pages, and reads back right. */
static void writeback_runs(const char *opts)
{
	struct ext2t t;
	size_t len = 2u << 20;
	char *data = malloc(len), *out = malloc(len);
	struct ext2_inode *ip;
	uint64_t calls;

	CHECK(data && out);
	if (ext2t_setup(&t, opts, "16M"))
		goto done;
	pattern(data, len, 11);
	ip = new_file(&t, "runs");
	calls = t.disk.write_calls;
	CHECK_EQ(ext2_write(ip, data, len, 0), len);
	CHECK_EQ(ext2_fsync(ip), 0);
	calls = t.disk.write_calls - calls;
	/* 512 pages (written as the dirty limit is passed, and by fsync):
	 * 16 runs of 32 and the metadata (indirect blocks, bitmaps, the
	 * inode); one write per page would be over 512. */
	CHECK(calls >= 16 && calls < 64);
	ext2_iput(ip);
	CHECK_EQ(ext2t_read_file(&t, "runs", out, len), (long)len);
	CHECK(!memcmp(out, data, len));
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	CHECK_EQ(ext2t_mount(&t), 0);
	CHECK_EQ(ext2t_read_file(&t, "runs", out, len), (long)len);
	CHECK(!memcmp(out, data, len));
done:
	ext2t_cleanup(&t);
	free(data);
	free(out);
}

TEST(ext2_writeback_runs_1k)
{
	writeback_runs("-b 1024");
}

TEST(ext2_writeback_runs_4k)
{
	writeback_runs("-b 4096");
}

/* Reads straight into user memory: the bytes read() would give; a user
 * page "not present" (the host copy fails) stops the read at the page
 * before it, -EAGAIN at the first; the end gives 0; a directory
 * -EINVAL. */
TEST(ext2_read_user_stops_at_fault)
{
	struct ext2t t;
	size_t len = 3 * 4096 + 100;
	char *data = malloc(len), *out = malloc(len);
	struct ext2_inode *ip;

	CHECK(data && out);
	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	pattern(data, len, 5);
	ip = new_file(&t, "u");
	CHECK_EQ(ext2_write(ip, data, len, 0), len);
	memset(out, 0, len);
	CHECK_EQ(ext2_read_user(ip, out, len + 50, 0), (long)len);
	CHECK(!memcmp(out, data, len));
	CHECK_EQ(ext2_read_user(ip, out, 10, len), 0);
	memset(out, 0, len);
	host_nofault_fail_after = 2; /* pages 0 and 1 copy, 2 faults */
	CHECK_EQ(ext2_read_user(ip, out, len, 0), 2 * 4096);
	CHECK(!memcmp(out, data, 2 * 4096));
	host_nofault_fail_after = 0;
	CHECK_EQ(ext2_read_user(ip, out, len, 100), -EAGAIN);
	host_nofault_fail_after = -1;
	CHECK_EQ(ext2_read_user(ip, out + 100, len - 100, 100),
		 (long)(len - 100));
	CHECK(!memcmp(out + 100, data + 100, len - 100));
	CHECK_EQ(ext2_read_user(t.root, out, 10, 0), -EINVAL);
	ext2_iput(ip);
done:
	ext2t_cleanup(&t);
	free(data);
	free(out);
}

/* ext2_write_user: a source page absent before the file changes stops
 * the write there (-EAGAIN at the first); absent only after its blocks
 * were allocated (another thread unmapped it while the allocation
 * slept), the blocks past the end go again; the file stays clean. */
TEST(ext2_write_user_stops_at_absent_page)
{
	struct ext2t t;
	size_t len = 3 * 4096 + 100;
	char *data = malloc(len), *out = malloc(len);
	struct ext2_inode *ip;
	struct ext2_stat st;

	CHECK(data && out);
	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	pattern(data, len, 9);
	ip = new_file(&t, "w");
	CHECK_EQ(ext2_write_user(ip, data, len, 0), (long)len);
	CHECK_EQ(ext2_read(ip, out, len, 0), (long)len);
	CHECK(!memcmp(out, data, len));
	ext2_iput(ip);
	ip = new_file(&t, "w2");
	host_nofault_fail_after = 2; /* pages 0 and 1 copy, 2 is absent */
	CHECK_EQ(ext2_write_user(ip, data, len, 0), 2 * 4096);
	host_nofault_fail_after = 0;
	CHECK_EQ(ext2_write_user(ip, data, 10, 2 * 4096), -EAGAIN);
	host_nofault_fail_after = -1;
	host_readable_checks = 1; /* the check after the allocation fails */
	CHECK_EQ(ext2_write_user(ip, data + 2 * 4096, len - 2 * 4096, 2 * 4096),
		 -EAGAIN);
	host_readable_checks = -1;
	ext2_getattr(ip, &st);
	CHECK_EQ(st.size, 2 * 4096);
	CHECK_EQ(st.blocks, 8 * 2); /* 8 KiB of 1 KiB blocks, in sectors */
	CHECK_EQ(ext2_write_user(t.root, data, 10, 0), -EISDIR);
	ext2_iput(ip);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
	free(data);
	free(out);
}

struct counter {
	int n;
};

static int count_cb(void *arg, const char *name, size_t len, uint32_t ino,
		    unsigned type, uint64_t next)
{
	(void)name;
	(void)len;
	(void)ino;
	(void)type;
	(void)next;
	((struct counter *)arg)->n++;
	return 0;
}

static int count_entries(struct ext2_inode *dir)
{
	struct counter c = {0};
	uint64_t pos = 0;

	if (ext2_readdir(dir, &pos, count_cb, &c))
		return -1;
	return c.n;
}

static void big_dir(const char *opts)
{
	struct ext2t t;
	struct ext2_inode *d, *ip;
	char name[300], out[1 << 16];
	int n = 1000;

	if (ext2t_setup(&t, opts, "8M"))
		goto done;
	CHECK_EQ(ext2_mkdir(t.root, "big", 3, 0755, 0, 0, &d), 0);
	for (int i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), "entry-%04d%.*s", i,
				   i % 7, "-------");

		CHECK_EQ(ext2_create(d, name, (size_t)len, 0644, 0, 0, NULL),
			 0);
	}
	CHECK_EQ(count_entries(d), n + 2);
	for (int i = 0; i < n; i += 2) {
		int len = snprintf(name, sizeof(name), "entry-%04d%.*s", i,
				   i % 7, "-------");

		CHECK_EQ(ext2_lookup(d, name, (size_t)len, &ip), 0);
		ext2_iput(ip);
		CHECK_EQ(ext2_unlink(d, name, (size_t)len), 0);
	}
	CHECK_EQ(count_entries(d), n / 2 + 2);
	/* Refill the holes with other names. */
	for (int i = 0; i < n / 2; i++) {
		int len = snprintf(name, sizeof(name), "again-%d", i);

		CHECK_EQ(ext2_mkdir(d, name, (size_t)len, 0755, 0, 0, NULL), 0);
	}
	CHECK_EQ(count_entries(d), n + 2);
	ext2_iput(d);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	ext2t_debugfs(t.img, "ls /big", out, sizeof(out));
	CHECK(strstr(out, "entry-0999"));
	CHECK(strstr(out, "again-499"));
	CHECK(!strstr(out, "entry-0998"));
done:
	ext2t_cleanup(&t);
}

TEST(ext2_big_dir_1k)
{
	big_dir("-b 1024");
}

TEST(ext2_big_dir_4k)
{
	big_dir("-b 4096");
}

TEST(ext2_deep_tree)
{
	struct ext2t t;
	struct ext2_inode *cur, *next, *top;
	char path[4096];
	size_t plen = 0;
	int depth = 120;

	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	cur = ext2_igrab(t.root);
	for (int i = 0; i < depth; i++) {
		char name[16];
		int len = snprintf(name, sizeof(name), "level%d", i);

		CHECK_EQ(ext2_mkdir(cur, name, (size_t)len, 0755, 0, 0, &next),
			 0);
		ext2_iput(cur);
		cur = next;
		plen += (size_t)snprintf(path + plen, sizeof(path) - plen,
					 "%s%s", i ? "/" : "", name);
	}
	CHECK_EQ(ext2_create(cur, "leaf", 4, 0644, 0, 0, NULL), 0);
	/* The top cannot move below itself; the bottom can move to the top. */
	CHECK_EQ(ext2_rename(t.root, "level0", 6, cur, "x", 1, 0), -EINVAL);
	ext2_iput(cur);
	top = ext2t_path(&t, "level0/level1");
	CHECK(top);
	ext2_iput(top);
	strcat(path, "/leaf");
	cur = ext2t_path(&t, path);
	CHECK(cur);
	ext2_iput(cur);
	/* "..", all the way up. */
	cur = ext2t_path(&t, path);
	*strrchr(path, '/') = 0;
	next = ext2t_path(&t, path);
	for (int i = 0; i < depth; i++) {
		struct ext2_inode *up;

		CHECK_EQ(ext2_lookup(next, "..", 2, &up), 0);
		ext2_iput(next);
		next = up;
	}
	CHECK_EQ(ext2_ino(next), EXT2_ROOT_INO);
	ext2_iput(next);
	ext2_iput(cur);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

/* --- a full disk ---------------------------------------------------------- */

/* Free memory that is not zero: pages handed out next hold 0xAA. */
static void poison_free_pages(void)
{
	paddr_t pa[64];

	for (int i = 0; i < 64; i++) {
		pa[i] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		if (pa[i] != PHYS_NONE)
			memset(arch_phys_to_virt(pa[i]), 0xAA, PAGE_SIZE);
	}
	for (int i = 63; i >= 0; i--)
		if (pa[i] != PHYS_NONE)
			phys_free(pa[i], 1, PHYS_KERNEL);
}

/* A whole page past f0's end whose block is refused is cached without
 * being cleared first: it must hold zeros when the file grows over it. */
static void refused_page_reads_zeros(struct ext2t *t)
{
	static char out[4096], page[4096];
	struct ext2_inode *ip = ext2t_path(t, "f0");

	CHECK(ip);
	if (!ip)
		return;
	memset(page, 'p', sizeof(page));
	poison_free_pages();
	CHECK_EQ(ext2_write(ip, page, 4096, 5 * 4096), -ENOSPC);
	CHECK_EQ(ext2_truncate(ip, 6 * 4096), 0);
	CHECK_EQ(ext2_read(ip, out, 4096, 5 * 4096), 4096);
	for (int i = 0; i < 4096; i++)
		if (out[i]) {
			CHECK(!"the refused page keeps old bytes");
			break;
		}
	CHECK_EQ(ext2_truncate(ip, 10000), 0);
	ext2_iput(ip);
}

TEST(ext2_enospc)
{
	struct ext2t t;
	struct ext2_statfs sf, sf0;
	struct ext2_inode *ip;
	static char buf[10000];
	char name[32];
	int files = 0, err = 0;
	long n;

	if (ext2t_setup(&t, "-b 1024 -N 128", "1M"))
		goto done;
	memset(buf, 'q', sizeof(buf));
	/* Fill with 10,000-byte files until the blocks run out. */
	for (;; files++) {
		snprintf(name, sizeof(name), "f%d", files);
		err = ext2_create(t.root, name, strlen(name), 0644, 0, 0, &ip);
		if (err)
			break;
		n = ext2_write(ip, buf, sizeof(buf), 0);
		ext2_iput(ip);
		if (n != (long)sizeof(buf)) {
			CHECK(n == -ENOSPC || (n > 0 && n < (long)sizeof(buf)));
			break;
		}
	}
	ext2_statfs(t.fs, &sf);
	CHECK_EQ(sf.bfree, 0);
	CHECK(files > 50);
	/* Nothing more can be written or made that needs a block. */
	CHECK_EQ(ext2_write(ip = ext2t_path(&t, "f0"), buf, 10, 20000),
		 -ENOSPC);
	ext2_iput(ip);
	sf0 = sf;
	CHECK_EQ(ext2_mkdir(t.root, "dir", 3, 0755, 0, 0, NULL), -ENOSPC);
	CHECK_EQ(ext2_symlink(t.root, "sl", 2, buf, 100, 0, 0, NULL), -ENOSPC);
	ext2_statfs(t.fs, &sf);
	CHECK_EQ(sf.ffree, sf0.ffree); /* the inodes went back */
	refused_page_reads_zeros(&t);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);

	/* Delete some, write again. */
	CHECK_EQ(ext2t_mount(&t), 0);
	for (int i = 0; i < files; i += 3) {
		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(ext2_unlink(t.root, name, strlen(name)), 0);
	}
	CHECK_EQ(ext2t_write_file(&t, "new", buf, sizeof(buf)), 0);
	CHECK_EQ(ext2_mkdir(t.root, "dir", 3, 0755, 0, 0, NULL), 0);
	CHECK_EQ(ext2t_read_file(&t, "new", buf, sizeof(buf)), sizeof(buf));
	/* Then run out of inodes. */
	for (int i = 0;; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		err = ext2_create(t.root, name, strlen(name), 0644, 0, 0, NULL);
		if (err)
			break;
	}
	CHECK_EQ(err, -ENOSPC);
	ext2_statfs(t.fs, &sf);
	CHECK_EQ(sf.ffree, 0);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}
