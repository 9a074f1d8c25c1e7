/*
 * inode.c - in-memory inodes (a refcounted copy of the on-disk inode,
 * written through to its inode table block on every change), the block
 * map (ext2_bmap: direct, indirect, double and triple indirect blocks,
 * allocating a whole missing branch at once), truncation, and file
 * contents (read, write, getattr, setattr).
 *
 * Rules: every block pointer read from disk is checked against the
 * metadata map before it is followed or freed (-EIO otherwise, never a
 * write there); a branch is allocated completely or not at all, so
 * -ENOSPC leaves no half-built tree; bytes of a file's last block past its
 * size are kept zero (truncate clears them), so growing shows zeros.
 */
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"

#define XATTR_MAGIC 0xEA020000u

/* --- the inode cache ---------------------------------------------------- */

static struct ext2_inode **ihash_slot(struct ext2_fs *fs, uint32_t ino)
{
	return &fs->ihash[ino % EXT2_IHASH];
}

static struct ext2_inode *icache_find(struct ext2_fs *fs, uint32_t ino)
{
	for (struct ext2_inode *ip = *ihash_slot(fs, ino); ip; ip = ip->hnext)
		if (ip->ino == ino)
			return ip;
	return NULL;
}

static void icache_insert(struct ext2_fs *fs, struct ext2_inode *ip)
{
	USE(ip, ip->hnext = *ihash_slot(fs, ip->ino));
	USE(fs, {
		*ihash_slot(fs, ip->ino) = ip;
		fs->ninodes++;
	});
}

static void icache_remove(struct ext2_fs *fs, struct ext2_inode *ip)
{
	struct ext2_inode **pp = ihash_slot(fs, ip->ino);

	if (*pp == ip) {
		USE(fs, *pp = ip->hnext);
	} else {
		struct ext2_inode *p = *pp;

		while (p->hnext != ip)
			p = p->hnext;
		USE(p, p->hnext = ip->hnext);
	}
	USE(fs, fs->ninodes--);
}

/* Free an idle inode (no references) from the cache. */
static void icache_free(struct ext2_fs *fs, struct ext2_inode *ip)
{
	icache_remove(fs, ip);
	USE(fs, fs->nidle--);
	SLAB_FREE(ip);
}

/* Keep at most EXT2_IDLE_MAX idle inodes: free one, in hash order. */
static void icache_trim(struct ext2_fs *fs, uint32_t max)
{
	for (uint32_t h = 0; h < EXT2_IHASH && fs->nidle > max; h++) {
		struct ext2_inode *ip = fs->ihash[h], *next;

		for (; ip && fs->nidle > max; ip = next) {
			next = ip->hnext;
			if (!ip->refs)
				icache_free(fs, ip);
		}
	}
}

void ext2_icache_drop(struct ext2_fs *fs)
{
	icache_trim(fs, 0);
}

/* The inode table block holding ino and the inode's offset in it. */
static int inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk,
		     uint32_t *off)
{
	uint32_t g = (ino - 1) / fs->ipg, idx = (ino - 1) % fs->ipg;
	struct buf *gb;
	struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);

	*blk = gd->bg_inode_table + idx / fs->inodes_per_block;
	*off = (idx % fs->inodes_per_block) * fs->inode_size;
	return 0;
}

int ext2_inode_store(struct ext2_inode *ip, const struct ext2_dinode *d)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t blk, off;
	struct buf *b;

	USE(ip, ip->d = *d);
	if (fs->rdonly)
		return -EROFS;
	inode_loc(fs, ip->ino, &blk, &off);
	b = bread(fs->dev, blk, fs->bsize);
	if (!b) {
		ext2_error(fs, ip->ino, "cannot write the inode");
		return -EIO;
	}
	memcpy((char *)b->data + off, d, sizeof(*d));
	bdirty(b);
	brelse(b);
	return 0;
}

bool ext2_is_fast_symlink(const struct ext2_inode *ip)
{
	uint32_t ea = ip->d.i_file_acl ? ip->fs->bsize / 512 : 0;

	return EXT2_ISLNK(ip->d.i_mode) && ip->d.i_blocks == ea;
}

/* Does i_block hold block numbers (not a device number or a target)? */
static bool has_blocks(const struct ext2_inode *ip)
{
	uint32_t m = ip->d.i_mode;

	return EXT2_ISREG(m) || EXT2_ISDIR(m) ||
	       (EXT2_ISLNK(m) && !ext2_is_fast_symlink(ip));
}

uint64_t ext2_isize(const struct ext2_inode *ip)
{
	uint64_t size = ip->d.i_size;

	if (EXT2_ISREG(ip->d.i_mode))
		size |= (uint64_t)ip->d.i_size_high << 32;
	return size;
}

/* Largest file: what the block map reaches, i_blocks can count, and
 * (without large_file on a revision 0 file system) 2 GiB - 1. */
static uint64_t max_size(const struct ext2_fs *fs)
{
	uint64_t p = fs->addr_per_block;
	uint64_t blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
	uint64_t max = MIN(blocks << fs->log_bsize, (uint64_t)1 << 40);

	if (fs->sb->s_rev_level == 0 &&
	    !(fs->ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
		max = 0x7fffffff;
	return max;
}

void ext2_set_isize(struct ext2_fs *fs, struct ext2_dinode *d, uint64_t size)
{
	d->i_size = (uint32_t)size;
	if (EXT2_ISREG(d->i_mode))
		d->i_size_high = (uint32_t)(size >> 32);
	if (size > 0x7fffffff &&
	    !(fs->ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		USE(fs, fs->ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
		USE(fs->sb, fs->sb->s_feature_ro_compat |=
			    EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
	}
}

/* Why the on-disk inode cannot be used, or NULL. */
static const char *dinode_bad(const struct ext2_fs *fs,
			      const struct ext2_dinode *d)
{
	uint32_t type = d->i_mode & EXT2_S_IFMT;
	uint64_t size = d->i_size;

	if (d->i_links_count == 0)
		return "deleted inode in use";
	if (d->i_flags & EXT2_UNSUPP_FL)
		return "unsupported inode flags (extents or inline data)";
	switch (type) {
	case EXT2_S_IFREG:
		size |= (uint64_t)d->i_size_high << 32;
		if (size > max_size(fs))
			return "file size beyond the largest file";
		break;
	case EXT2_S_IFDIR:
		if (size == 0 || size % fs->bsize ||
		    size > ((uint64_t)1 << 32) - fs->bsize)
			return "bad directory size";
		break;
	case EXT2_S_IFLNK:
		if (size == 0 || size >= fs->bsize)
			return "bad symlink size";
		if (d->i_blocks == (d->i_file_acl ? fs->bsize / 512 : 0) &&
		    size >= EXT2_FAST_LINK_MAX)
			return "bad fast symlink size";
		break;
	case EXT2_S_IFCHR:
	case EXT2_S_IFBLK:
	case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
		break;
	default:
		return "bad file type";
	}
	return NULL;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out)
{
	struct ext2_inode *ip = icache_find(fs, ino);
	struct ext2_dinode d;
	uint32_t blk, off;
	const char *bad;
	struct ext2_blk r;

	if (ip) {
		if (!ip->refs)
			USE(fs, fs->nidle--);
		USE(ip, ip->refs++);
		*out = ip;
		return 0;
	}
	if (ino < 1 || ino > fs->inodes_count) {
		ext2_error(fs, ino, "inode number out of range");
		return -EIO;
	}
	inode_loc(fs, ino, &blk, &off);
	if (ext2_blk_get(fs, blk, &r)) {
		ext2_error(fs, ino, "cannot read the inode table");
		return -EIO;
	}
	memcpy(&d, (const char *)r.data + off, sizeof(d));
	ext2_blk_put(&r);
	bad = dinode_bad(fs, &d);
	if (bad) {
		ext2_error(fs, ino, "%s", bad);
		return -EIO;
	}
	ip = slab_zalloc(sizeof(*ip));
	if (!ip)
		return -ENOMEM;
	USE(ip, {
		ip->fs = fs;
		ip->ino = ino;
		ip->refs = 1;
		ip->d = d;
	});
	icache_insert(fs, ip);
	*out = ip;
	return 0;
}

struct ext2_inode *ext2_igrab(struct ext2_inode *ip)
{
	USE(ip, ip->refs++);
	return ip;
}

struct ext2_fs *ext2_inode_fs(const struct ext2_inode *ip)
{
	return ip->fs;
}

uint32_t ext2_ino(const struct ext2_inode *ip)
{
	return ip->ino;
}

uint32_t ext2_mode(const struct ext2_inode *ip)
{
	return ip->d.i_mode;
}

uint64_t ext2_size(const struct ext2_inode *ip)
{
	return ext2_isize(ip);
}

/* Drop a reference to an extended attribute block (freed at zero). */
static void xattr_release(struct ext2_inode *ip, uint32_t blk)
{
	struct ext2_fs *fs = ip->fs;
	struct buf *b;
	uint32_t *h;

	if (ext2_block_is_meta(fs, blk)) {
		ext2_error(fs, ip->ino, "bad extended attribute block %u", blk);
		return;
	}
	b = bread(fs->dev, blk, fs->bsize);
	if (!b)
		return;
	h = b->data;
	if (h[0] != XATTR_MAGIC) {
		brelse(b);
		ext2_error(fs, ip->ino, "bad extended attribute block %u", blk);
		return;
	}
	if (h[1] > 1) {
		h[1]--;
		bdirty(b);
		brelse(b);
		return;
	}
	brelse(b);
	ext2_free_block(fs, ip->ino, blk);
}

/* The last link and the last reference are gone: free blocks and inode. */
static void inode_delete(struct ext2_inode *ip)
{
	struct ext2_fs *fs = ip->fs;
	struct ext2_dinode d;
	bool dir = EXT2_ISDIR(ip->d.i_mode);

	if (has_blocks(ip))
		ext2_truncate_blocks(ip, 0);
	d = ip->d;
	if (d.i_file_acl) {
		xattr_release(ip, d.i_file_acl);
		d.i_file_acl = 0;
	}
	ext2_set_isize(fs, &d, 0);
	d.i_blocks = 0;
	memset(d.i_block, 0, sizeof(d.i_block));
	d.i_dtime = ext2_now();
	ext2_inode_store(ip, &d);
	ext2_free_ino(fs, ip->ino, dir);
}

void ext2_iput(struct ext2_inode *ip)
{
	struct ext2_fs *fs = ip->fs;

	BUG_ON(ip->refs == 0);
	USE(ip, ip->refs--);
	if (ip->refs)
		return;
	if (ip->d.i_links_count == 0 && !fs->rdonly) {
		inode_delete(ip);
		icache_remove(fs, ip);
		SLAB_FREE(ip);
		return;
	}
	/* Stays cached, idle, for the next ext2_iget. */
	USE(fs, fs->nidle++);
	icache_trim(fs, EXT2_IDLE_MAX);
}

int ext2_inode_new(struct ext2_inode *dir, uint32_t mode, uint32_t uid,
		   uint32_t gid, struct ext2_inode **out)
{
	struct ext2_fs *fs = dir->fs;
	bool isdir = EXT2_ISDIR(mode);
	struct ext2_inode *ip;
	struct ext2_dinode d;
	uint32_t ino, blk, off, now = ext2_now();
	struct buf *b;
	int err;

	ip = slab_zalloc(sizeof(*ip));
	if (!ip)
		return -ENOMEM;
	err = ext2_new_ino(fs, dir->ino, isdir, &ino);
	if (err) {
		SLAB_FREE(ip);
		return err;
	}
	if (dir->d.i_mode & EXT2_S_ISGID) {
		gid = dir->d.i_gid | (uint32_t)dir->d.l_i_gid_high << 16;
		if (isdir)
			mode |= EXT2_S_ISGID;
	}
	/* A fresh on-disk inode: all zeros, then the fields we use. */
	inode_loc(fs, ino, &blk, &off);
	b = bread(fs->dev, blk, fs->bsize);
	if (!b) {
		ext2_free_ino(fs, ino, isdir);
		SLAB_FREE(ip);
		return -EIO;
	}
	memset((char *)b->data + off, 0, fs->inode_size);
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		uint16_t extra = fs->sb->s_want_extra_isize;

		if (extra < 4 || extra % 4 ||
		    extra > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE)
			extra = 0;
		memcpy((char *)b->data + off + EXT2_GOOD_OLD_INODE_SIZE, &extra,
		       sizeof(extra));
	}
	bdirty(b);
	brelse(b);
	memset(&d, 0, sizeof(d));
	d.i_mode = (uint16_t)mode;
	d.i_uid = (uint16_t)uid;
	d.l_i_uid_high = (uint16_t)(uid >> 16);
	d.i_gid = (uint16_t)gid;
	d.l_i_gid_high = (uint16_t)(gid >> 16);
	d.i_atime = d.i_ctime = d.i_mtime = now;
	d.i_links_count = 1;
	USE(fs, d.i_generation = fs->next_generation++);
	USE(ip, {
		ip->fs = fs;
		ip->ino = ino;
		ip->refs = 1;
		ip->goal = fs->first_data_block + (ino - 1) / fs->ipg * fs->bpg;
	});
	icache_insert(fs, ip);
	ext2_inode_store(ip, &d);
	*out = ip;
	return 0;
}

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
		bdirty(b);
		brelse(b);
	}
	if (err) {
		while (i-- > 0)
			ext2_free_block(fs, ip->ino, blks[i]);
		return err;
	}
	return 0;
}

int ext2_bmap(struct ext2_inode *ip, uint32_t lblk, bool create, uint32_t *pblk,
	      unsigned *flags)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t off[4], blks[4], cur, parent = 0;
	int depth = block_path(fs, lblk, off), k, err;
	struct buf *pb;

	*flags = 0;
	*pblk = 0;
	if (!depth)
		return -EFBIG;
	cur = ip->d.i_block[off[0]];
	for (k = 0; cur; k++) {
		struct ext2_blk r;

		if (ext2_block_is_meta(fs, cur))
			return bad_pointer(ip, cur);
		if (k == depth - 1) {
			*pblk = cur;
			return 0;
		}
		err = ext2_blk_get(fs, cur, &r);
		if (err)
			return err;
		parent = cur;
		cur = ((const uint32_t *)r.data)[off[k + 1]];
		ext2_blk_put(&r);
	}
	/* Missing from level k on: allocate the rest of the branch. */
	if (!create)
		return 0;
	if (fs->rdonly)
		return -EROFS;
	pb = k > 0 ? bread(fs->dev, parent, fs->bsize) : NULL;
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
		bdirty(pb);
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
	*flags = EXT2_BMAP_NEW;
	return 0;
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
			bdirty(b);
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
		bdirty(b);
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
	bdirty(b);
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
	int err = zero_tail(ip, size);

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

int ext2_truncate(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	struct ext2_dinode d;
	uint32_t now = ext2_now();
	int err = 0;

	if (EXT2_ISDIR(ip->d.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ip->d.i_mode))
		return -EINVAL;
	if (fs->rdonly)
		return -EROFS;
	if (size > max_size(fs))
		return -EFBIG;
	if (size < ext2_isize(ip)) {
		err = ext2_truncate_blocks(ip, size);
	} else if (size > ext2_isize(ip)) {
		d = ip->d;
		ext2_set_isize(fs, &d, size);
		ext2_inode_store(ip, &d);
	}
	d = ip->d;
	d.i_mtime = d.i_ctime = now;
	if (ext2_inode_store(ip, &d))
		err = -EIO;
	return err;
}

/* --- contents ------------------------------------------------------------ */

long ext2_read(struct ext2_inode *ip, void *buf, size_t len, uint64_t off)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t size = ext2_isize(ip);
	char *dst = buf;
	size_t done = 0;

	if (EXT2_ISDIR(ip->d.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ip->d.i_mode) && !EXT2_ISLNK(ip->d.i_mode))
		return -EINVAL;
	if (off >= size)
		return 0;
	len = (size_t)MIN((uint64_t)len, size - off);
	if (ext2_is_fast_symlink(ip)) {
		memcpy(dst, (const char *)ip->d.i_block + off, len);
		return (long)len;
	}
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t in = (uint32_t)(pos & (fs->bsize - 1));
		size_t chunk = MIN(len - done, (size_t)(fs->bsize - in));
		uint32_t pblk;
		unsigned flags;
		int err = ext2_bmap(ip, (uint32_t)(pos >> fs->log_bsize), false,
				    &pblk, &flags);

		if (err)
			return done ? (long)done : err;
		if (!pblk) {
			memset(dst + done, 0, chunk);
		} else {
			struct ext2_blk r;

			if (ext2_blk_get(fs, pblk, &r))
				return done ? (long)done : -EIO;
			memcpy(dst + done, (const char *)r.data + in, chunk);
			ext2_blk_put(&r);
		}
		done += chunk;
	}
	return (long)done;
}

long ext2_write(struct ext2_inode *ip, const void *buf, size_t len,
		uint64_t off)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t max = max_size(fs);
	const char *src = buf;
	struct ext2_dinode d;
	size_t done = 0;
	int err = 0;

	if (EXT2_ISDIR(ip->d.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ip->d.i_mode))
		return -EINVAL;
	if (fs->rdonly)
		return -EROFS;
	if (len == 0)
		return 0;
	if (off >= max)
		return -EFBIG;
	len = (size_t)MIN((uint64_t)len, max - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t in = (uint32_t)(pos & (fs->bsize - 1));
		size_t chunk = MIN(len - done, (size_t)(fs->bsize - in));
		uint32_t pblk;
		unsigned flags;
		struct buf *b;

		err = ext2_bmap(ip, (uint32_t)(pos >> fs->log_bsize), true,
				&pblk, &flags);
		if (err)
			break;
		if ((flags & EXT2_BMAP_NEW) || chunk == fs->bsize) {
			b = bget(fs->dev, pblk, fs->bsize);
			if (b && chunk != fs->bsize)
				memset(b->data, 0, fs->bsize);
		} else {
			b = bread(fs->dev, pblk, fs->bsize);
		}
		if (!b) {
			err = -EIO;
			break;
		}
		memcpy((char *)b->data + in, src + done, chunk);
		bdirty(b);
		brelse(b);
		done += chunk;
	}
	/* Always stored: blocks may have been added even if nothing was
	 * written. */
	d = ip->d;
	if (done) {
		if (off + done > ext2_isize(ip))
			ext2_set_isize(fs, &d, off + done);
		d.i_mtime = d.i_ctime = ext2_now();
	}
	ext2_inode_store(ip, &d);
	return done ? (long)done : err;
}

int ext2_fsync(struct ext2_inode *ip)
{
	return ext2_sync(ip->fs);
}

/* --- attributes ---------------------------------------------------------- */

void ext2_getattr(struct ext2_inode *ip, struct ext2_stat *st)
{
	const struct ext2_dinode *d = &ip->d;
	uint32_t type = d->i_mode & EXT2_S_IFMT;

	st->ino = ip->ino;
	st->mode = d->i_mode;
	st->nlink = d->i_links_count;
	st->uid = d->i_uid | (uint32_t)d->l_i_uid_high << 16;
	st->gid = d->i_gid | (uint32_t)d->l_i_gid_high << 16;
	st->rdev = 0;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK)
		st->rdev = d->i_block[0] ? d->i_block[0] : d->i_block[1];
	st->size = ext2_isize(ip);
	st->blocks = d->i_blocks;
	st->blksize = ip->fs->bsize;
	st->atime = d->i_atime;
	st->mtime = d->i_mtime;
	st->ctime = d->i_ctime;
}

int ext2_setattr(struct ext2_inode *ip, const struct ext2_setattr *a)
{
	struct ext2_dinode d;
	uint32_t now = ext2_now();
	int err;

	if (ip->fs->rdonly)
		return -EROFS;
	if (a->valid & EXT2_ATTR_SIZE) {
		err = ext2_truncate(ip, a->size);
		if (err)
			return err;
	}
	d = ip->d;
	if (a->valid & EXT2_ATTR_MODE)
		d.i_mode = (uint16_t)((d.i_mode & EXT2_S_IFMT) |
				      (a->mode & EXT2_MODE_BITS));
	if (a->valid & EXT2_ATTR_UID) {
		d.i_uid = (uint16_t)a->uid;
		d.l_i_uid_high = (uint16_t)(a->uid >> 16);
	}
	if (a->valid & EXT2_ATTR_GID) {
		d.i_gid = (uint16_t)a->gid;
		d.l_i_gid_high = (uint16_t)(a->gid >> 16);
	}
	if (a->valid & (EXT2_ATTR_MODE | EXT2_ATTR_UID | EXT2_ATTR_GID))
		d.i_ctime = now;
	if (a->valid & EXT2_ATTR_ATIME)
		d.i_atime = a->atime;
	if (a->valid & EXT2_ATTR_MTIME)
		d.i_mtime = a->mtime;
	if (a->valid & EXT2_ATTR_CTIME)
		d.i_ctime = a->ctime;
	return ext2_inode_store(ip, &d);
}

long ext2_readlink(struct ext2_inode *ip, char *buf, size_t size)
{
	uint64_t len = ext2_isize(ip);
	long n;

	if (!EXT2_ISLNK(ip->d.i_mode))
		return -EINVAL;
	n = ext2_read(ip, buf, (size_t)MIN((uint64_t)size, len), 0);
	if (n >= 0 && (uint64_t)n < MIN((uint64_t)size, len)) {
		ext2_error(ip->fs, ip->ino,
			   "symlink target shorter than its size");
		return -EIO;
	}
	return n;
}
