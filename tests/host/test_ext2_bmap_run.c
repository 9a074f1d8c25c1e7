/*
 * test_ext2_bmap_run.c - ext2_bmap_run (fs/ext2/bmap.c), the block map
 * read a pointer block at a time for read-ahead: on two files written in
 * interleaved pieces (so their runs break every few blocks), with a hole
 * and every indirection level of 1 KiB blocks, each run it gives from
 * every block equals the one ext2_bmap finds block by block; the files
 * read back whole through the page cache's read-ahead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include <mm/fail.h>
#include "../../fs/ext2/ext2_internal.h" /* white box: the block map */
#include "filedisk.h"
#include "host.h"

#define BS 1024u
#define NBLK 600u /* past 12 + 256: direct, indirect and double */
#define HOLE                                                             \
	40u /* from the first piece of a at or past it: 8 blocks of hole \
	     */

/* The run from lblk the slow way: ext2_bmap per block. */
static int slow_run(struct ext2_inode *ip, uint32_t lblk, uint32_t max,
		    uint32_t *pblk)
{
	uint32_t n = 1, next;
	unsigned flags;
	int err = ext2_bmap(ip, lblk, false, pblk, &flags);

	if (err || !*pblk)
		return err;
	while (n < max && !ext2_bmap(ip, lblk + n, false, &next, &flags) &&
	       next == *pblk + n)
		n++;
	return (int)n;
}

static void check_runs(struct ext2_inode *ip)
{
	static const uint32_t maxes[] = {1, 2, 7, 64, 300};

	for (uint32_t l = 0; l < NBLK + 2; l++)
		for (size_t m = 0; m < ARRAY_SIZE(maxes); m++) {
			uint32_t fast = 1, slow = 2;
			int a = ext2_bmap_run(ip, l, maxes[m], &fast);
			int b = slow_run(ip, l, maxes[m], &slow);

			if (a != b || fast != slow) {
				CHECK_EQ(a, b);
				CHECK_EQ(fast, slow);
				return;
			}
		}
}

static void fill(char *buf, uint32_t f, uint32_t b)
{
	for (uint32_t i = 0; i < BS; i++)
		buf[i] = (char)(f * 131 + b * 7 + i);
}

TEST(ext2_bmap_run_matches_bmap)
{
	static char buf[BS * 8], got[NBLK * BS];
	struct ext2_inode *ip[2];
	uint32_t at[2] = {0, 0}, hole = 0;
	struct ext2t t;

	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	CHECK_EQ(ext2_create(t.root, "a", 1, 0644, 0, 0, &ip[0]), 0);
	CHECK_EQ(ext2_create(t.root, "b", 1, 0644, 0, 0, &ip[1]), 0);
	/* Pieces of 1 to 8 blocks, a and b in turn: runs break often. */
	for (uint32_t k = 0; at[0] < NBLK || at[1] < NBLK; k++) {
		uint32_t f = k & 1, n = 1 + (k * 5) % 8;

		n = MIN(n, NBLK - MIN(at[f], NBLK));
		if (f == 0 && !hole && at[0] >= HOLE) {
			hole = at[0];
			at[0] += 8;
		}
		for (uint32_t j = 0; j < n; j++)
			fill(buf + j * BS, f, at[f] + j);
		if (n)
			CHECK_EQ(ext2_write(ip[f], buf, n * BS,
					    (uint64_t)at[f] * BS),
				 (long)(n * BS));
		at[f] += n;
	}
	check_runs(ip[0]);
	check_runs(ip[1]);
	for (uint32_t f = 0; f < 2; f++)
		ext2_iput(ip[f]);
	/* Cold, through read-ahead: every block, the hole zero. */
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_mount(&t), 0);
	for (uint32_t f = 0; f < 2; f++) {
		CHECK_EQ(ext2t_read_file(&t, f ? "b" : "a", got, sizeof(got)),
			 (long)sizeof(got));
		for (uint32_t b = 0; b < NBLK; b++) {
			if (f == 0 && b >= hole && b < hole + 8)
				memset(buf, 0, BS);
			else
				fill(buf, f, b);
			if (memcmp(got + b * BS, buf, BS)) {
				CHECK_EQ(b, ~0u); /* block b differs */
				break;
			}
		}
	}
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

/* Blocks [lblk, lblk + n) of ip map to p, p + 1, ... */
static bool maps_run(struct ext2_inode *ip, uint32_t lblk, uint32_t n,
		     uint32_t p)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t got;
		unsigned flags;

		if (ext2_bmap(ip, lblk + i, false, &got, &flags) ||
		    got != p + i)
			return false;
	}
	return true;
}

/* ext2_bmap_alloc fills the empty slots after the block, up to want, in
 * the direct blocks or in one pointer block, as one run: a missing branch
 * gives one block, a block that is there is given back alone; the counts
 * stay exact (truncating gives every block back; e2fsck agrees). */
TEST(ext2_bmap_alloc_fills_the_pointer_block_in_one_run)
{
	struct ext2_inode *ip;
	uint32_t p, q, got, free0;
	struct ext2t t;

	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	CHECK_EQ(ext2_create(t.root, "r", 1, 0644, 0, 0, &ip), 0);
	free0 = t.fs->free_blocks;
	CHECK_EQ(ext2_bmap_alloc(ip, 5, 20, &p, &got), 0);
	CHECK_EQ(got, 7u); /* direct blocks 5-11 */
	CHECK(maps_run(ip, 5, 7, p));
	CHECK_EQ(ext2_bmap_alloc(ip, 12, 100, &q, &got), 0);
	CHECK_EQ(got, 1u); /* the indirect block is new: a branch */
	CHECK_EQ(ext2_bmap_alloc(ip, 13, 100, &p, &got), 0);
	CHECK_EQ(got, 100u);
	CHECK(maps_run(ip, 13, 100, p));
	CHECK_EQ(ext2_bmap_alloc(ip, 20, 50, &q, &got), 0);
	CHECK_EQ(got, 1u); /* already there */
	CHECK_EQ(q, p + 7);
	CHECK_EQ(ext2_bmap_alloc(ip, 200, 100, &q, &got), 0);
	CHECK_EQ(got, 68u); /* to the end of the indirect block (268) */
	CHECK_EQ(t.fs->free_blocks, free0 - 7 - 2 - 100 - 68);
	CHECK_EQ(ip->d.i_blocks, (7 + 2 + 100 + 68) * 2);
	CHECK_EQ(ext2_truncate_blocks(ip, 0), 0);
	CHECK_EQ(t.fs->free_blocks, free0);
	CHECK_EQ(ip->d.i_blocks, 0u);
	ext2_iput(ip);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

/* A write that fails part way (page allocations failing every Nth) keeps
 * the bytes it reports and no block past them: the blocks allocated
 * ahead for the rest are given back. */
TEST(ext2_write_error_leaves_no_block_past_the_end)
{
	static char buf[16 * 4096];
	struct ext2t t;

	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	memset(buf, 'w', sizeof(buf));
	for (int n = 1, stopped = 0; n <= 12 || !stopped; n++) {
		struct ext2_inode *ip;
		char name[16], spec[16];
		long r;

		snprintf(name, sizeof name, "e%d", n);
		CHECK_EQ(
		    ext2_create(t.root, name, strlen(name), 0644, 0, 0, &ip),
		    0);
		snprintf(spec, sizeof spec, "%d", n);
		fail_configure(FAIL_PAGE, spec);
		r = ext2_write(ip, buf, sizeof(buf), 0);
		fail_reset();
		r = r < 0 ? 0 : r;
		stopped += r < (long)sizeof(buf);
		CHECK(n < 40); /* some writes must stop part way */
		CHECK_EQ(ext2_isize(ip), (uint64_t)r);
		CHECK_EQ(ip->d.i_blocks,
			 (uint32_t)((r + BS - 1) / BS +
				    (r > 12 * (long)BS ? 1 : 0)) *
			     2);
		ext2_iput(ip);
	}
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}
