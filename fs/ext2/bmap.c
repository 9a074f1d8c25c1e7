/*
 * bmap.c - the block map of a file: direct, indirect, double and triple
 * indirect blocks. ext2_bmap finds (or allocates: a whole missing branch
 * at once) the block behind a file block; ext2_truncate_blocks frees the
 * blocks past a size.
 *
 * Rules: every block pointer read from disk is checked against the
 * metadata map before it is followed or freed (-EIO otherwise, never a
 * write there); a branch is allocated completely or not at all, so
 * -ENOSPC leaves no half-built tree.
 */
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"

/* --- the block map ------------------------------------------------------ */

/* Offsets along the path to logical block lblk: the depth, or 0 if
 * lblk is beyond triple indirection. */
static int block_path(const struct ext2_fs *fs, uint32_t lblk, uint32_t off[4])
{
	uint64_t p = fs->addr_per_block, n = lblk;

	if (n < EXT2_NDIR_BLOCKS) {
		off[0] = (uint32_t)n;
		return 1;
	}
	n -= EXT2_NDIR_BLOCKS;
	if (n < p) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (uint32_t)n;
		return 2;
	}
	n -= p;
	if (n < p * p) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (uint32_t)(n / p);
		off[2] = (uint32_t)(n % p);
		return 3;
	}
	n -= p * p;
	if (n < p * p * p) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = (uint32_t)(n / (p * p));
		off[2] = (uint32_t)(n / p % p);
		off[3] = (uint32_t)(n % p);
		return 4;
	}
	return 0;
}

static int bad_pointer(struct ext2_inode *ip, uint32_t blk)
{
	ext2_error(ip->fs, ip->ino, "block pointer %u outside the data blocks",
		   blk);
	return -EIO;
}

/*
 * Allocate the missing part of a branch: need blocks, the first k - 1 of
 * them indirect blocks (zeroed, each pointing to the next at offs[i]), the
 * last the target. All or nothing.
 */
static int alloc_branch(struct ext2_inode *ip, uint32_t need,
			const uint32_t *offs, uint32_t *blks)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t goal = ip->goal;
	uint32_t i;
	int err = 0;

	for (i = 0; i < need; i++) {
		err = ext2_new_block(fs, goal, &blks[i]);
		if (err)
			break;
		goal = blks[i] + 1;
	}
	for (uint32_t j = 0; !err && j + 1 < need; j++) {
		struct buf *b = bget(fs->dev, blks[j], fs->bsize);

		if (!b) {
			err = -ENOMEM;
			break;
		}
		memset(b->data, 0, fs->bsize);
		((uint32_t *)b->data)[offs[j]] = blks[j + 1];
		ext2_dirty_meta(ip, b);
		brelse(b);
	}
	if (err) {
		while (i-- > 0)
			ext2_free_block(fs, ip->ino, blks[i]);
		return err;
	}
	return 0;
}

/*
 * Only the data block at the end of path off is missing, and the caller
 * wants the blocks after it too: as many as follow in empty slots of the
 * same pointer block (parent; the inode's direct blocks at depth 1),
 * want at most, allocated as one run on the disk. *pblk the first, *got
 * how many.
 */
static int alloc_data_run(struct ext2_inode *ip, const uint32_t off[4],
			  int depth, uint32_t parent, uint32_t want,
			  uint32_t *pblk, uint32_t *got)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t slot = off[depth - 1], n = 1, first, limit;
	const uint32_t *slots = ip->d.i_block;
	struct buf *pb = NULL;
	int err;

	limit = depth == 1 ? EXT2_NDIR_BLOCKS : fs->addr_per_block;
	if (depth > 1) {
		pb = bread(fs->dev, parent, fs->bsize);
		if (!pb)
			return -EIO;
		slots = pb->data;
	}
	while (n < want && slot + n < limit && !slots[slot + n])
		n++;
	err = ext2_new_blocks(fs, ip->goal, n, &first, got);
	if (err) {
		if (pb)
			brelse(pb);
		return err;
	}
	if (pb) {
		for (uint32_t i = 0; i < *got; i++)
			((uint32_t *)pb->data)[slot + i] = first + i;
		ext2_dirty_meta(ip, pb);
		brelse(pb);
	}
	USE(ip, {
		for (uint32_t i = 0; !pb && i < *got; i++)
			ip->d.i_block[slot + i] = first + i;
		ip->d.i_blocks += *got * (fs->bsize / 512);
		ip->goal = first + *got;
	});
	*pblk = first;
	return 0;
}

/* Follow path off (depth levels) from the inode: 0 with *pblk the data
 * block, or 0 with *pblk 0 and *k the first level missing (*parent the
 * pointer block above it, 0 at level 0); -errno. */
static int walk_path(struct ext2_inode *ip, const uint32_t off[4], int depth,
		     int *k, uint32_t *parent, uint32_t *pblk)
{
	uint32_t cur = ip->d.i_block[off[0]];

	*parent = 0;
	for (*k = 0; cur; (*k)++) {
		struct ext2_blk r;
		int err;

		if (ext2_block_is_meta(ip->fs, cur))
			return bad_pointer(ip, cur);
		if (*k == depth - 1) {
			*pblk = cur;
			return 0;
		}
		err = ext2_blk_get(ip->fs, cur, &r);
		if (err)
			return err;
		*parent = cur;
		cur = ((const uint32_t *)r.data)[off[*k + 1]];
		ext2_blk_put(&r);
	}
	return 0;
}

/* The branch of path off is missing from level k on (parent above it):
 * allocate it whole and link it in; *pblk the new data block. */
static int add_branch(struct ext2_inode *ip, const uint32_t off[4], int depth,
		      int k, uint32_t parent, uint32_t *pblk)
{
	struct ext2_fs *fs = ip->fs;
	struct buf *pb = k > 0 ? bread(fs->dev, parent, fs->bsize) : NULL;
	uint32_t blks[4];
	int err;

	if (k > 0 && !pb)
		return -EIO;
	err = alloc_branch(ip, (uint32_t)(depth - k), off + k + 1, blks);
	if (err) {
		if (pb)
			brelse(pb);
		return err;
	}
	if (pb) {
		((uint32_t *)pb->data)[off[k]] = blks[0];
		ext2_dirty_meta(ip, pb);
		brelse(pb);
	}
	/* The caller stores the inode (once per operation). */
	USE(ip, {
		if (k == 0)
			ip->d.i_block[off[0]] = blks[0];
		ip->d.i_blocks += (uint32_t)(depth - k) * (fs->bsize / 512);
		ip->goal = blks[depth - k - 1] + 1;
	});
	*pblk = blks[depth - k - 1];
	return 0;
}

/* ext2_bmap, and with want > 1 ext2_bmap_alloc's run (*got). */
static int bmap(struct ext2_inode *ip, uint32_t lblk, bool create,
		uint32_t want, uint32_t *pblk, unsigned *flags, uint32_t *got)
{
	uint32_t off[4], parent;
	int depth = block_path(ip->fs, lblk, off), k, err;

	*flags = 0;
	*pblk = 0;
	*got = 1;
	if (!depth)
		return -EFBIG;
	err = walk_path(ip, off, depth, &k, &parent, pblk);
	if (err || *pblk || !create)
		return err;
	if (ip->fs->rdonly)
		return -EROFS;
	if (k == depth - 1 && want > 1)
		err = alloc_data_run(ip, off, depth, parent, want, pblk, got);
	else
		err = add_branch(ip, off, depth, k, parent, pblk);
	*flags = err ? 0 : EXT2_BMAP_NEW;
	return err;
}

int ext2_bmap(struct ext2_inode *ip, uint32_t lblk, bool create, uint32_t *pblk,
	      unsigned *flags)
{
	uint32_t got;

	return bmap(ip, lblk, create, 1, pblk, flags, &got);
}

int ext2_bmap_alloc(struct ext2_inode *ip, uint32_t lblk, uint32_t want,
		    uint32_t *pblk, uint32_t *got)
{
	unsigned flags;

	return bmap(ip, lblk, true, want, pblk, &flags, got);
}

/* The block holding the last-level pointer of the path off (depth >= 2):
 * the indirect block above the data block; 0 for a hole or a pointer
 * that is not a data block (the caller's ext2_bmap reports it). */
static uint32_t leaf_block(struct ext2_inode *ip, const uint32_t off[4],
			   int depth)
{
	uint32_t cur = ip->d.i_block[off[0]];

	for (int k = 1; k < depth - 1 && cur; k++) {
		struct ext2_blk r;

		if (ext2_block_is_meta(ip->fs, cur) ||
		    ext2_blk_get(ip->fs, cur, &r))
			return 0;
		cur = ((const uint32_t *)r.data)[off[k]];
		ext2_blk_put(&r);
	}
	return cur && !ext2_block_is_meta(ip->fs, cur) ? cur : 0;
}

/* How many blocks from lblk on map to pblk, pblk + 1, ... (at most max,
 * within the one pointer block that maps lblk): 0 if lblk does not. */
static uint32_t pointer_run(struct ext2_inode *ip, uint32_t lblk, uint32_t pblk,
			    uint32_t max)
{
	uint32_t off[4], n = 0, leaf, per = ip->fs->addr_per_block;
	int depth = block_path(ip->fs, lblk, off);
	const uint32_t *ptr;
	struct ext2_blk r;

	if (depth == 1) {
		while (n < max && off[0] + n < EXT2_NDIR_BLOCKS &&
		       ip->d.i_block[off[0] + n] == pblk + n &&
		       !ext2_block_is_meta(ip->fs, pblk + n))
			n++;
		return n;
	}
	leaf = depth ? leaf_block(ip, off, depth) : 0;
	if (!leaf || ext2_blk_get(ip->fs, leaf, &r))
		return 0;
	ptr = (const uint32_t *)r.data + off[depth - 1];
	while (n < max && off[depth - 1] + n < per && ptr[n] == pblk + n &&
	       !ext2_block_is_meta(ip->fs, pblk + n))
		n++;
	ext2_blk_put(&r);
	return n;
}

int ext2_bmap_run(struct ext2_inode *ip, uint32_t lblk, uint32_t max,
		  uint32_t *pblk)
{
	uint32_t n = 1, k;
	unsigned flags;
	int err = ext2_bmap(ip, lblk, false, pblk, &flags);

	if (err || !*pblk)
		return err;
	/* Each pointer block is read once for the run's part it maps. */
	for (; n < max && lblk + n != 0; n += k) {
		k = pointer_run(ip, lblk + n, *pblk + n, max - n);
		if (!k)
			break;
	}
	return (int)n;
}

int ext2_bread_lblk(struct ext2_inode *ip, uint32_t lblk, bool create,
		    struct buf **out)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t pblk;
	unsigned flags;
	int err = ext2_bmap(ip, lblk, create, &pblk, &flags);
	struct buf *b;

	*out = NULL;
	if (err || !pblk)
		return err;
	if (flags & EXT2_BMAP_NEW) {
		b = bget(fs->dev, pblk, fs->bsize);
		if (b) {
			memset(b->data, 0, fs->bsize);
			ext2_dirty_meta(ip, b);
		}
	} else {
		b = bread(fs->dev, pblk, fs->bsize);
	}
	if (!b)
		return -EIO;
	*out = b;
	return 0;
}

/* --- truncation --------------------------------------------------------- */

/* A truncation in progress: blocks freed, and bad pointers met. Past
 * TRUNC_MAX_ERRORS the tree is garbage: stop walking it (its blocks stay
 * allocated; e2fsck reclaims them) rather than chase every pointer. */
#define TRUNC_MAX_ERRORS 16u
struct trunc {
	struct ext2_inode *ip;
	uint32_t freed, errors;
};

static void trunc_free(struct trunc *t, uint32_t blk)
{
	if (ext2_free_block(t->ip->fs, t->ip->ino, blk))
		t->errors++;
	else
		t->freed++;
}

/* Free the tree under blk (level 0: a data block) and blk itself. */
static void free_tree(struct trunc *t, uint32_t blk, int level)
{
	struct ext2_fs *fs = t->ip->fs;

	if (t->errors > TRUNC_MAX_ERRORS)
		return;
	if (ext2_block_is_meta(fs, blk)) {
		bad_pointer(t->ip, blk);
		t->errors++;
		return;
	}
	if (level > 0) {
		struct buf *b = bread(fs->dev, blk, fs->bsize);

		if (!b) {
			t->errors++;
			return; /* the subtree stays allocated */
		}
		for (uint32_t i = 0; i < fs->addr_per_block; i++) {
			uint32_t p = ((uint32_t *)b->data)[i];

			if (p)
				free_tree(t, p, level - 1);
		}
		brelse(b);
	}
	trunc_free(t, blk);
}

/* Free the blocks of the tree under blk (level >= 1) from relative
 * logical block first (> 0) on; blk itself stays. */
static void trunc_partial(struct trunc *t, uint32_t blk, int level,
			  uint64_t first)
{
	struct ext2_fs *fs = t->ip->fs;
	uint64_t cspan = 1;
	uint32_t ci, *p;
	bool dirty = false;
	struct buf *b;

	if (ext2_block_is_meta(fs, blk)) {
		bad_pointer(t->ip, blk);
		t->errors++;
		return;
	}
	b = bread(fs->dev, blk, fs->bsize);
	if (!b) {
		t->errors++;
		return;
	}
	for (int i = 1; i < level; i++)
		cspan *= fs->addr_per_block;
	p = b->data;
	ci = (uint32_t)(first / cspan);
	if (first % cspan) {
		if (p[ci])
			trunc_partial(t, p[ci], level - 1, first % cspan);
		ci++;
	}
	for (; ci < fs->addr_per_block; ci++) {
		if (p[ci]) {
			free_tree(t, p[ci], level - 1);
			p[ci] = 0;
			dirty = true;
		}
	}
	if (dirty)
		ext2_dirty_meta(t->ip, b);
	brelse(b);
}

/* Zero the bytes of the block holding offset size that lie past it. */
static int zero_tail(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t in = (uint32_t)(size & (fs->bsize - 1));
	struct buf *b;
	int err;

	if (!in)
		return 0;
	err = ext2_bread_lblk(ip, (uint32_t)(size >> fs->log_bsize), false, &b);
	if (err || !b)
		return err;
	memset((char *)b->data + in, 0, fs->bsize - in);
	ext2_dirty_meta(ip, b);
	brelse(b);
	return 0;
}

int ext2_truncate_blocks(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t first = (size + fs->bsize - 1) >> fs->log_bsize;
	uint64_t base = EXT2_NDIR_BLOCKS, span = fs->addr_per_block;
	struct trunc t = {.ip = ip};
	uint32_t sectors;
	struct ext2_dinode d;
	int err = EXT2_ISREG(ip->d.i_mode) ? ext2_truncate_pages(ip, size)
					   : zero_tail(ip, size);

	d = ip->d;
	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
		if (d.i_block[i]) {
			free_tree(&t, d.i_block[i], 0);
			d.i_block[i] = 0;
		}
	}
	for (int k = 0; k < 3; k++) {
		uint32_t *ptr = &d.i_block[EXT2_IND_BLOCK + k];

		if (*ptr && first <= base) {
			free_tree(&t, *ptr, k + 1);
			*ptr = 0;
		} else if (*ptr && first - base < span) {
			trunc_partial(&t, *ptr, k + 1, first - base);
		}
		base += span;
		span *= fs->addr_per_block;
	}
	if (t.errors)
		err = -EIO;
	sectors = t.freed * (fs->bsize / 512);
	if (sectors > d.i_blocks) {
		ext2_error(fs, ip->ino, "i_blocks %u below the blocks freed",
			   d.i_blocks);
		sectors = d.i_blocks;
	}
	d.i_blocks -= sectors;
	ext2_set_isize(fs, &d, size);
	USE(ip, ip->goal = 0);
	if (ext2_inode_store(ip, &d))
		err = -EIO;
	return err;
}
