/*
 * dir.c - directory contents: blocks of variable-length entries
 * (inode, rec_len, name_len, file_type, name), each block's entries
 * covering it exactly. Lookup, insertion (in the slack of an entry or a
 * new block), removal (merged into the previous entry), readdir.
 *
 * Every block is checked whole before it is used (ext2_check_dirblock):
 * a bad rec_len or name_len, or an entry naming an inode beyond the file
 * system, makes the call -EIO. Any change clears EXT2_INDEX_FL: this code
 * keeps no hash tree, and a plain directory is what e2fsck then expects.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"

static struct ext2_dirent *dirent_at(struct buf *b, uint32_t off)
{
	return (struct ext2_dirent *)((char *)b->data + off);
}

static const struct ext2_dirent *cdirent_at(const void *data, uint32_t off)
{
	return (const struct ext2_dirent *)((const char *)data + off);
}

static int check_dirblock(struct ext2_inode *dir, const void *data,
			  uint32_t lblk)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t off = 0;
	const char *why = NULL;

	while (off < fs->bsize) {
		const struct ext2_dirent *de = cdirent_at(data, off);

		if (fs->bsize - off < 12)
			why = "entry runs past the block";
		else if (de->rec_len < 12)
			why = "rec_len too small";
		else if (de->rec_len % 4)
			why = "rec_len not a multiple of 4";
		else if (de->rec_len > fs->bsize - off)
			why = "rec_len runs past the block";
		else if (EXT2_DIR_REC_LEN(de->name_len) > de->rec_len)
			why = "name_len beyond rec_len";
		else if (de->inode > fs->inodes_count)
			why = "entry names an inode beyond the file system";
		if (why) {
			ext2_error(fs, dir->ino,
				   "bad directory entry in block %u at %u: %s",
				   lblk, off, why);
			return -EIO;
		}
		off += de->rec_len;
	}
	return 0;
}

/* Block lblk of dir, read and checked; holes are corruption. */
static int dir_block(struct ext2_inode *dir, uint32_t lblk, struct buf **out)
{
	int err = ext2_bread_lblk(dir, lblk, false, out);

	if (!err && !*out) {
		ext2_error(dir->fs, dir->ino, "hole in directory at block %u",
			   lblk);
		err = -EIO;
	}
	if (!err && check_dirblock(dir, (*out)->data, lblk)) {
		brelse(*out);
		err = -EIO;
	}
	return err;
}

/* The same for a read-only look (see struct ext2_blk). */
static int dir_peek(struct ext2_inode *dir, uint32_t lblk, struct ext2_blk *r)
{
	uint32_t pblk;
	unsigned flags;
	int err = ext2_bmap(dir, lblk, false, &pblk, &flags);

	if (!err && !pblk) {
		ext2_error(dir->fs, dir->ino, "hole in directory at block %u",
			   lblk);
		err = -EIO;
	}
	if (!err)
		err = ext2_blk_get(dir->fs, pblk, r);
	if (!err && check_dirblock(dir, r->data, lblk)) {
		ext2_blk_put(r);
		err = -EIO;
	}
	return err;
}

static uint32_t dir_blocks(const struct ext2_inode *dir)
{
	return (uint32_t)(ext2_isize(dir) >> dir->fs->log_bsize);
}

static bool name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && !memcmp(de->name, name, len);
}

/* Find name: its block, its offset and the previous entry's (UINT32_MAX
 * if first in the block), and its inode and type. */
static int find_entry(struct ext2_inode *dir, const char *name, size_t len,
		      uint32_t *lblkp, uint32_t *offp, uint32_t *prevp,
		      uint32_t *ino, uint8_t *ftype)
{
	uint32_t n = dir_blocks(dir);

	for (uint32_t lblk = 0; lblk < n; lblk++) {
		uint32_t off = 0, prev = UINT32_MAX;
		struct ext2_blk r;
		int err = dir_peek(dir, lblk, &r);

		if (err)
			return err;
		while (off < dir->fs->bsize) {
			const struct ext2_dirent *de = cdirent_at(r.data, off);

			if (name_is(de, name, len)) {
				*lblkp = lblk;
				*offp = off;
				*prevp = prev;
				*ino = de->inode;
				if (ftype)
					*ftype = de->file_type;
				ext2_blk_put(&r);
				return 0;
			}
			prev = off;
			off += de->rec_len;
		}
		ext2_blk_put(&r);
	}
	return -ENOENT;
}

int ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len,
		  uint32_t *ino, uint8_t *ftype)
{
	uint32_t lblk, off, prev;

	return find_entry(dir, name, len, &lblk, &off, &prev, ino, ftype);
}

/* Find name and hold its block for a change. */
static int find_held(struct ext2_inode *dir, const char *name, size_t len,
		     struct buf **bp, uint32_t *offp, uint32_t *prevp)
{
	uint32_t lblk, ino;
	int err = find_entry(dir, name, len, &lblk, offp, prevp, &ino, NULL);

	if (!err)
		err = dir_block(dir, lblk, bp);
	return err;
}

uint8_t ext2_ftype_of(uint32_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_FT_REG;
	case EXT2_S_IFDIR:
		return EXT2_FT_DIR;
	case EXT2_S_IFCHR:
		return EXT2_FT_CHR;
	case EXT2_S_IFBLK:
		return EXT2_FT_BLK;
	case EXT2_S_IFIFO:
		return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_FT_SOCK;
	case EXT2_S_IFLNK:
		return EXT2_FT_LNK;
	}
	return EXT2_FT_UNKNOWN;
}

static void set_entry(struct ext2_fs *fs, struct ext2_dirent *de,
		      const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = (fs->incompat & EXT2_FEATURE_INCOMPAT_FILETYPE)
			    ? ext2_ftype_of(mode)
			    : 0;
	memcpy(de->name, name, len);
}

/* The directory changed: times, and no hash index any more. */
static int dir_touch(struct ext2_inode *dir, uint64_t size)
{
	struct ext2_dinode d = dir->d;

	d.i_mtime = d.i_ctime = ext2_now();
	d.i_flags &= ~EXT2_INDEX_FL;
	ext2_set_isize(dir->fs, &d, size);
	return ext2_inode_store(dir, &d);
}

int ext2_dir_prepare(struct ext2_inode *dir, const char *name, size_t len,
		     struct ext2_dir_slot *slot)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t need = EXT2_DIR_REC_LEN(len), n = dir_blocks(dir);

	slot->found = false;
	for (uint32_t lblk = 0; lblk < n; lblk++) {
		uint32_t off = 0;
		struct ext2_blk r;
		int err = dir_peek(dir, lblk, &r);

		if (err)
			return err;
		while (off < fs->bsize) {
			const struct ext2_dirent *de = cdirent_at(r.data, off);
			uint32_t used =
			    de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;

			if (name_is(de, name, len)) {
				ext2_blk_put(&r);
				return -EEXIST;
			}
			if (!slot->found && de->rec_len - used >= need) {
				slot->found = true;
				slot->lblk = lblk;
				slot->off = off;
			}
			off += de->rec_len;
		}
		ext2_blk_put(&r);
	}
	return 0;
}

int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode, const struct ext2_dir_slot *slot)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dir_slot own;
	struct ext2_dirent *de;
	struct buf *b;
	int err;

	if (!slot) {
		err = ext2_dir_prepare(dir, name, len, &own);
		if (err)
			return err;
		slot = &own;
	}
	if (slot->found) {
		uint32_t used;

		err = dir_block(dir, slot->lblk, &b);
		if (err)
			return err;
		de = dirent_at(b, slot->off);
		used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
		if (de->rec_len - used < EXT2_DIR_REC_LEN(len)) {
			brelse(b); /* the directory changed: a caller bug */
			return -EIO;
		}
		if (used) {
			struct ext2_dirent *nde =
			    dirent_at(b, slot->off + used);

			nde->rec_len = (uint16_t)(de->rec_len - used);
			de->rec_len = (uint16_t)used;
			de = nde;
		}
		set_entry(fs, de, name, len, ino, mode);
		ext2_dirty_meta(dir, b);
		brelse(b);
		return dir_touch(dir, ext2_isize(dir));
	}
	/* No room: a new block at the end. */
	err = ext2_bread_lblk(dir, dir_blocks(dir), true, &b);
	if (!err && !b)
		err = -EIO;
	if (err) {
		dir_touch(dir, ext2_isize(dir)); /* a partial branch stays */
		return err;
	}
	memset(b->data, 0, fs->bsize);
	de = b->data;
	de->rec_len = (uint16_t)fs->bsize;
	set_entry(fs, de, name, len, ino, mode);
	ext2_dirty_meta(dir, b);
	brelse(b);
	return dir_touch(dir, ext2_isize(dir) + fs->bsize);
}

int ext2_dir_remove(struct ext2_inode *dir, const char *name, size_t len)
{
	uint32_t off, prev;
	struct buf *b;
	int err = find_held(dir, name, len, &b, &off, &prev);
	struct ext2_dirent *de;

	if (err)
		return err;
	de = dirent_at(b, off);
	if (prev != UINT32_MAX)
		dirent_at(b, prev)->rec_len += de->rec_len;
	else
		de->inode = 0;
	ext2_dirty_meta(dir, b);
	brelse(b);
	return dir_touch(dir, ext2_isize(dir));
}

int ext2_dir_set(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode)
{
	uint32_t off, prev;
	struct buf *b;
	int err = find_held(dir, name, len, &b, &off, &prev);

	if (err)
		return err;
	set_entry(dir->fs, dirent_at(b, off), name, len, ino, mode);
	ext2_dirty_meta(dir, b);
	brelse(b);
	return dir_touch(dir, ext2_isize(dir));
}

static bool is_dot_or_dotdot(const struct ext2_dirent *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

int ext2_dir_is_empty(struct ext2_inode *dir)
{
	uint32_t n = dir_blocks(dir);

	for (uint32_t lblk = 0; lblk < n; lblk++) {
		uint32_t off = 0;
		struct ext2_blk r;
		int err = dir_peek(dir, lblk, &r);

		if (err)
			return err;
		while (off < dir->fs->bsize) {
			const struct ext2_dirent *de = cdirent_at(r.data, off);

			if (de->inode && !is_dot_or_dotdot(de)) {
				ext2_blk_put(&r);
				return 0;
			}
			off += de->rec_len;
		}
		ext2_blk_put(&r);
	}
	return 1;
}

int ext2_dir_init(struct ext2_inode *dir, uint32_t parent_ino)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_dirent *de;
	struct buf *b;
	int err = ext2_bread_lblk(dir, 0, true, &b);

	if (!err && !b)
		err = -EIO;
	if (err)
		return err;
	memset(b->data, 0, fs->bsize);
	de = b->data;
	de->rec_len = 12;
	set_entry(fs, de, ".", 1, dir->ino, EXT2_S_IFDIR);
	de = dirent_at(b, 12);
	de->rec_len = (uint16_t)(fs->bsize - 12);
	set_entry(fs, de, "..", 2, parent_ino, EXT2_S_IFDIR);
	ext2_dirty_meta(dir, b);
	brelse(b);
	return dir_touch(dir, fs->bsize);
}

static unsigned dt_of(uint8_t ft)
{
	static const unsigned dt[] = {
	    [EXT2_FT_UNKNOWN] = EXT2_DT_UNKNOWN, [EXT2_FT_REG] = EXT2_DT_REG,
	    [EXT2_FT_DIR] = EXT2_DT_DIR,	 [EXT2_FT_CHR] = EXT2_DT_CHR,
	    [EXT2_FT_BLK] = EXT2_DT_BLK,	 [EXT2_FT_FIFO] = EXT2_DT_FIFO,
	    [EXT2_FT_SOCK] = EXT2_DT_SOCK,	 [EXT2_FT_LNK] = EXT2_DT_LNK,
	};

	return ft < ARRAY_SIZE(dt) ? dt[ft] : EXT2_DT_UNKNOWN;
}

int ext2_readdir(struct ext2_inode *dir, uint64_t *pos, ext2_filldir_t fn,
		 void *arg)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t n = dir_blocks(dir);
	bool types = fs->incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;

	if (!EXT2_ISDIR(dir->d.i_mode))
		return -ENOTDIR;
	for (uint32_t lblk = (uint32_t)MIN(*pos >> fs->log_bsize, (uint64_t)n);
	     lblk < n; lblk++) {
		uint64_t base = (uint64_t)lblk << fs->log_bsize;
		uint32_t off = 0;
		struct buf *b;
		int err = dir_block(dir, lblk, &b);

		if (err)
			return err;
		/* Resume at the first entry at or after *pos (which may
		 * fall inside an entry if the directory changed). */
		while (off < fs->bsize) {
			struct ext2_dirent *de = dirent_at(b, off);
			uint64_t next = base + off + de->rec_len;

			if (base + off >= *pos && de->inode) {
				if (fn(arg, de->name, de->name_len, de->inode,
				       types ? dt_of(de->file_type)
					     : EXT2_DT_UNKNOWN,
				       next)) {
					*pos = base + off;
					brelse(b);
					return 0;
				}
			}
			if (next > *pos)
				*pos = next;
			off += de->rec_len;
		}
		brelse(b);
	}
	return 0;
}
