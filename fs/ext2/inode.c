/*
 * inode.c - in-memory inodes: a refcounted copy of the on-disk inode,
 * written through to its inode table block on every change, kept in a
 * per-file-system cache (idle ones up to a limit); loading with checks,
 * creating, deleting at the last reference of an unlinked inode, and the
 * attributes (getattr, setattr, readlink).
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
	ext2_pages_release(ip, false);
	ext2_meta_release(ip);
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

void ext2_inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk,
		    uint32_t *off)
{
	uint32_t g = (ino - 1) / fs->ipg, idx = (ino - 1) % fs->ipg;
	struct buf *gb;
	struct ext2_group_desc *gd = ext2_gd(fs, g, &gb);

	*blk = gd->bg_inode_table + idx / fs->inodes_per_block;
	*off = (idx % fs->inodes_per_block) * fs->inode_size;
}

int ext2_inode_store(struct ext2_inode *ip, const struct ext2_dinode *d)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t blk, off;
	struct buf *b;

	USE(ip, ip->d = *d);
	if (fs->rdonly)
		return -EROFS;
	ext2_inode_loc(fs, ip->ino, &blk, &off);
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
uint64_t ext2_max_size(const struct ext2_fs *fs)
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
		if (size > ext2_max_size(fs))
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
	ext2_inode_loc(fs, ino, &blk, &off);
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
		ext2_pages_release(ip, true);
		icache_remove(fs, ip);
		SLAB_FREE(ip);
		return;
	}
	/* Stays cached, idle, for the next ext2_iget. */
	USE(fs, fs->nidle++);
	icache_trim(fs, EXT2_IDLE_MAX);
}

/* A fresh on-disk inode ino: all zeros, and the extra-size field of a
 * large inode set as the superblock wants. */
static int dinode_clear(struct ext2_fs *fs, uint32_t ino)
{
	uint32_t blk, off;
	struct buf *b;

	ext2_inode_loc(fs, ino, &blk, &off);
	b = bread(fs->dev, blk, fs->bsize);
	if (!b)
		return -EIO;
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
	return 0;
}

int ext2_inode_new(struct ext2_inode *dir, uint32_t mode, uint32_t uid,
		   uint32_t gid, struct ext2_inode **out)
{
	struct ext2_fs *fs = dir->fs;
	bool isdir = EXT2_ISDIR(mode);
	struct ext2_inode *ip;
	struct ext2_dinode d;
	uint32_t ino, now = ext2_now();
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
	err = dinode_clear(fs, ino);
	if (err) {
		ext2_free_ino(fs, ino, isdir);
		SLAB_FREE(ip);
		return err;
	}
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
