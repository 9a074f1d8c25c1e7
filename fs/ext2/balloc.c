/*
 * balloc.c - block and inode allocation in the group bitmaps. Every
 * change keeps three counts in step: the bitmap bit, the group
 * descriptor's free (and used-directory) count and the file system's
 * total, so the superblock written at sync is exact. A bitmap that
 * disagrees with the metadata map or with its count is corruption:
 * reported, never acted on (no block is handed out twice or freed twice).
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"

static bool bit_test(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

/* First clear bit in [from, to), or to if none. */
static uint32_t find_zero(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t bit = from;

	while (bit < to) {
		if (bit % 8 == 0 && map[bit / 8] == 0xff) {
			bit += 8;
			continue;
		}
		if (!bit_test(map, bit))
			return bit;
		bit++;
	}
	return to;
}

/* Blocks in group g. */
static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t g)
{
	uint32_t first = fs->first_data_block + g * fs->bpg;

	return MIN(fs->bpg, fs->blocks_count - first);
}

/* Take the first free block of group g in [from, to) of its bitmap and
 * the free blocks right after it, up to want in all (never more than the
 * counts say are free): *out the first, *got how many. */
static int take_blocks(struct ext2_fs *fs, uint32_t g, uint32_t from,
		       uint32_t to, uint32_t want, uint32_t *out, uint32_t *got)
{
	struct buf *gb, *b;
	struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);
	uint32_t bit, blk, n = 1;
	uint8_t *map;

	b = bread(fs->dev, gd->bg_block_bitmap, fs->bsize);
	if (!b)
		return -EIO;
	map = b->data;
	bit = find_zero(map, from, to);
	if (bit == to) {
		brelse(b);
		return -ENOSPC;
	}
	blk = fs->first_data_block + g * fs->bpg + bit;
	if (ext2_block_is_meta(fs, blk)) {
		brelse(b);
		ext2_error(fs, 0,
			   "block bitmap of group %u shows metadata "
			   "block %u free",
			   g, blk);
		return -EIO;
	}
	want =
	    MIN(want, MIN((uint32_t)gd->bg_free_blocks_count, fs->free_blocks));
	while (n < want && bit + n < to && !bit_test(map, bit + n) &&
	       !ext2_block_is_meta(fs, blk + n))
		n++;
	for (uint32_t i = bit; i < bit + n; i++)
		map[i / 8] |= (uint8_t)(1u << (i % 8));
	bdirty(b);
	brelse(b);
	gd->bg_free_blocks_count = (uint16_t)(gd->bg_free_blocks_count - n);
	bdirty(gb);
	USE(fs, fs->free_blocks -= n);
	*out = blk;
	*got = n;
	return 0;
}

int ext2_new_blocks(struct ext2_fs *fs, uint32_t goal, uint32_t want,
		    uint32_t *out, uint32_t *got)
{
	uint32_t g0, start;

	if (fs->free_blocks == 0)
		return -ENOSPC;
	if (goal < fs->first_data_block || goal >= fs->blocks_count)
		goal = fs->first_data_block;
	g0 = (goal - fs->first_data_block) / fs->bpg;
	start = (goal - fs->first_data_block) % fs->bpg;
	/* From the goal to the end of its group, the other groups, then
	 * the start of the goal's group. */
	for (uint32_t i = 0; i <= fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups;
		uint32_t from = i == 0 ? start : 0;
		uint32_t to = i == fs->ngroups ? start : group_blocks(fs, g);
		struct buf *gb;
		int err;

		if (ext2_gd(fs, g, &gb)->bg_free_blocks_count == 0 ||
		    from >= to)
			continue;
		err = take_blocks(fs, g, from, to, MAX(want, 1), out, got);
		if (err != -ENOSPC)
			return err;
		if (from == 0 && to == group_blocks(fs, g))
			ext2_error(fs, 0,
				   "group %u: free block count %u but a "
				   "full bitmap",
				   g,
				   ext2_gd(fs, g, &gb)->bg_free_blocks_count);
	}
	return -ENOSPC;
}

int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	uint32_t got;

	return ext2_new_blocks(fs, goal, 1, out, &got);
}

int ext2_free_block(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
	struct buf *gb, *b;
	struct ext2_group_desc *gd;
	uint32_t g, bit;
	uint8_t *map;

	if (ext2_block_is_meta(fs, blk)) {
		ext2_error(fs, ino, "freeing metadata or outside block %u",
			   blk);
		return -EIO;
	}
	g = (blk - fs->first_data_block) / fs->bpg;
	bit = (blk - fs->first_data_block) % fs->bpg;
	gd = ext2_gd(fs, g, &gb);
	bforget(fs->dev, blk);
	b = bread(fs->dev, gd->bg_block_bitmap, fs->bsize);
	if (!b) {
		ext2_error(fs, ino, "cannot read the bitmap to free block %u",
			   blk);
		return -EIO;
	}
	map = b->data;
	if (!bit_test(map, bit)) {
		brelse(b);
		ext2_error(fs, ino, "freeing free block %u", blk);
		return -EIO;
	}
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
	bdirty(b);
	brelse(b);
	gd->bg_free_blocks_count++;
	bdirty(gb);
	USE(fs, fs->free_blocks++);
	return 0;
}

/* Group for a new inode: a directory goes to a group with at least the
 * average number of free inodes and the most free blocks; anything else
 * starts at its parent's group. */
static uint32_t inode_group(struct ext2_fs *fs, uint32_t parent_ino, bool dir)
{
	uint32_t pg = (parent_ino - 1) / fs->ipg, best = pg, best_blocks = 0;
	uint32_t avg = fs->free_inodes / fs->ngroups;
	bool found = false;

	if (!dir)
		return pg;
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (pg + i) % fs->ngroups;
		struct buf *gb;
		struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);

		if (gd->bg_free_inodes_count == 0 ||
		    gd->bg_free_inodes_count < avg)
			continue;
		if (!found || gd->bg_free_blocks_count > best_blocks) {
			best = g;
			best_blocks = gd->bg_free_blocks_count;
			found = true;
		}
	}
	return best;
}

int ext2_new_ino(struct ext2_fs *fs, uint32_t parent_ino, bool dir,
		 uint32_t *out)
{
	uint32_t g0;

	if (fs->free_inodes == 0)
		return -ENOSPC;
	g0 = inode_group(fs, parent_ino, dir);
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups, bit, from = 0;
		struct buf *gb, *b;
		struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);

		if (gd->bg_free_inodes_count == 0)
			continue;
		if (g * fs->ipg < fs->first_ino - 1)
			from = MIN(fs->first_ino - 1 - g * fs->ipg, fs->ipg);
		b = bread(fs->dev, gd->bg_inode_bitmap, fs->bsize);
		if (!b)
			return -EIO;
		bit = find_zero(b->data, from, fs->ipg);
		if (bit == fs->ipg) {
			brelse(b);
			ext2_error(fs, 0,
				   "group %u: free inode count %u but a "
				   "full bitmap",
				   g, gd->bg_free_inodes_count);
			continue;
		}
		((uint8_t *)b->data)[bit / 8] |= (uint8_t)(1u << (bit % 8));
		bdirty(b);
		brelse(b);
		gd->bg_free_inodes_count--;
		if (dir)
			gd->bg_used_dirs_count++;
		bdirty(gb);
		USE(fs, fs->free_inodes--);
		*out = g * fs->ipg + bit + 1;
		return 0;
	}
	return -ENOSPC;
}

void ext2_free_ino(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / fs->ipg, bit = (ino - 1) % fs->ipg;
	struct buf *gb, *b;
	struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);
	uint8_t *map;

	b = bread(fs->dev, gd->bg_inode_bitmap, fs->bsize);
	if (!b) {
		ext2_error(fs, ino, "cannot read the inode bitmap to free it");
		return;
	}
	map = b->data;
	if (!bit_test(map, bit)) {
		brelse(b);
		ext2_error(fs, ino, "freeing a free inode");
		return;
	}
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
	bdirty(b);
	brelse(b);
	gd->bg_free_inodes_count++;
	if (dir && gd->bg_used_dirs_count)
		gd->bg_used_dirs_count--;
	bdirty(gb);
	USE(fs, fs->free_inodes++);
}
