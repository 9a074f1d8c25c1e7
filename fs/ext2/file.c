/*
 * file.c - file contents: read, write, truncate and fsync over the block
 * map. Bytes of a file's last block past its size are kept zero (truncate
 * clears them), so growing a file shows zeros; holes read as zeros.
 */
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <fs/vfs/pagecache.h>
#include "ext2_internal.h"

/* Truncate and write change a regular file on a writable mount only. */
static int may_change_data(const struct ext2_inode *ip)
{
	if (EXT2_ISDIR(ip->d.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ip->d.i_mode))
		return -EINVAL;
	return ip->fs->rdonly ? -EROFS : 0;
}

int ext2_truncate(struct ext2_inode *ip, uint64_t size)
{
	struct ext2_fs *fs = ip->fs;
	struct ext2_dinode d;
	uint32_t now = ext2_now();
	int err = may_change_data(ip);

	if (err)
		return err;
	if (size > ext2_max_size(fs))
		return -EFBIG;
	if (size < ext2_isize(ip)) {
		err = ext2_truncate_blocks(ip, size);
	} else if (size > ext2_isize(ip)) {
		if (ext2_pc(ip))
			pcache_extend(ip->pc, ext2_isize(ip));
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

/* len cut to the file's bytes from off on: 0 at or past its end. */
static size_t clamp_to_size(const struct ext2_inode *ip, size_t len,
			    uint64_t off)
{
	uint64_t size = ext2_isize(ip);

	return off >= size ? 0 : (size_t)MIN((uint64_t)len, size - off);
}

long ext2_read_user(struct ext2_inode *ip, void *ubuf, size_t len, uint64_t off)
{
	if (!EXT2_ISREG(ip->d.i_mode))
		return -EINVAL;
	len = clamp_to_size(ip, len, off);
	return len ? ext2_read_pages(ip, ubuf, len, off, true) : 0;
}

long ext2_read(struct ext2_inode *ip, void *buf, size_t len, uint64_t off)
{
	struct ext2_fs *fs = ip->fs;
	char *dst = buf;
	size_t done = 0;

	if (EXT2_ISDIR(ip->d.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ip->d.i_mode) && !EXT2_ISLNK(ip->d.i_mode))
		return -EINVAL;
	len = clamp_to_size(ip, len, off);
	if (!len)
		return 0;
	if (ext2_is_fast_symlink(ip)) {
		memcpy(dst, (const char *)ip->d.i_block + off, len);
		return (long)len;
	}
	if (EXT2_ISREG(ip->d.i_mode))
		return ext2_read_pages(ip, dst, len, off, false);
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

/* ext2_write and ext2_write_user: the pages, then the inode once. */
static long write_common(struct ext2_inode *ip, const char *src, size_t len,
			 uint64_t off, bool user)
{
	struct ext2_fs *fs = ip->fs;
	uint64_t max = ext2_max_size(fs);
	struct ext2_dinode d;
	size_t done = 0;
	int err = may_change_data(ip);

	if (err)
		return err;
	if (len == 0)
		return 0;
	if (off >= max)
		return -EFBIG;
	len = (size_t)MIN((uint64_t)len, max - off);
	done = (size_t)ext2_write_pages(ip, src, len, off, user, &err);
	/* Always stored: blocks may have been added even if nothing was
	 * written. */
	d = ip->d;
	if (done) {
		if (off + done > ext2_isize(ip))
			ext2_set_isize(fs, &d, off + done);
		d.i_mtime = d.i_ctime = ext2_now();
	}
	ext2_inode_store(ip, &d);
	/* A write that stopped early leaves no block past the size: the
	 * ones for the bytes not copied, or allocated ahead of them. */
	if (err)
		ext2_truncate_blocks(ip, ext2_isize(ip));
	return done ? (long)done : err;
}

long ext2_write(struct ext2_inode *ip, const void *buf, size_t len,
		uint64_t off)
{
	return write_common(ip, buf, len, off, false);
}

long ext2_write_user(struct ext2_inode *ip, const void *ubuf, size_t len,
		     uint64_t off)
{
	if (!EXT2_ISREG(ip->d.i_mode))
		return EXT2_ISDIR(ip->d.i_mode) ? -EISDIR : -EINVAL;
	return write_common(ip, ubuf, len, off, true);
}

/* This file's pages first (their write-back may allocate, dirtying
 * metadata), then all modified metadata: no walk over every other file's
 * cached pages, which level 1 may hold by the ten thousand. */