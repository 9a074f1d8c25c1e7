/*
 * fsync.c - making one file durable, as Linux's ext2 does: its dirty
 * pages, the metadata blocks that belong to it (the indirect blocks of
 * its block map, a directory's or symlink's own blocks, its extended
 * attribute block), the inode table block that holds it, then the
 * drive's cache flush. The blocks go in sorted runs (bsync_blocks).
 *
 * The bitmaps, group descriptors and superblock are shared by every file
 * and left to sync, the periodic flush and unmount, as on Linux: after a
 * crash e2fsck recounts them from the inodes. A new name is durable when
 * its directory is fsynced, not the file.
 *
 * Each inode remembers up to EXT2_META_TRACK blocks it dirtied. When it
 * dirtied more, or an inode with remembered blocks left memory before
 * its fsync, the next fsync writes every modified metadata block of the
 * file system instead (ext2_sync_meta): a superset, never less.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <fs/vfs/pagecache.h>
#include "ext2_internal.h"

void ext2_dirty_meta(struct ext2_inode *ip, struct buf *b)
{
	bdirty(b);
	for (uint32_t i = 0; i < ip->nmeta; i++)
		if (ip->meta[i] == b->blkno)
			return;
	if (ip->nmeta < EXT2_META_TRACK)
		USE(ip, ip->meta[ip->nmeta++] = b->blkno);
	else if (!ip->meta_lost)
		USE(ip, ip->meta_lost = true);
}

void ext2_meta_release(struct ext2_inode *ip)
{
	if ((ip->nmeta || ip->meta_lost) && !ip->fs->meta_lost)
		USE(ip->fs, ip->fs->meta_lost = true);
}

/* Write the blocks ip remembers and its inode table block, in sorted
 * runs; they are forgotten once written. */
static int fsync_meta(struct ext2_inode *ip)
{
	uint32_t blks[EXT2_META_TRACK + 1], off;
	uint32_t n = ip->nmeta;

	memcpy(blks, ip->meta, n * sizeof(blks[0]));
	ext2_inode_loc(ip->fs, ip->ino, &blks[n++], &off);
	if (bsync_blocks(ip->fs->dev, blks, n))
		return -EIO;
	USE(ip, ip->nmeta = 0);
	return 0;
}

int ext2_fsync(struct ext2_inode *ip)
{
	struct ext2_fs *fs = ip->fs;
	bool all = ip->meta_lost || fs->meta_lost;
	int err = 0;

	if (fs->rdonly)
		return 0;
	if (ip->pc)
		err = pcache_sync_file(ip->pc);
	if (all) {
		if (ext2_sync_meta(fs))
			return -EIO;
		USE(ip, {
			ip->nmeta = 0;
			ip->meta_lost = false;
		});
		USE(fs, fs->meta_lost = false);
		return err;
	}
	if (fsync_meta(ip))
		err = -EIO;
	if (blockdev_flush(fs->dev))
		err = -EIO;
	return err;
}
