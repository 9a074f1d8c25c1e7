/*
 * pages.c - the data of regular files, through the page cache
 * (include/fs/vfs/pagecache.h): read and write copy to and from cached
 * pages; a page is filled from, and written back to, the blocks ext2_bmap
 * maps it to, straight from and to the device. The block cache keeps
 * metadata only, so no block is cached twice; a block written from a page
 * is forgotten there (bforget), so no stale copy of it can come back.
 *
 * Rules: a page holds PAGE_SIZE / block size blocks; holes and bytes past
 * the file's end read as zeros; the blocks under a write() are allocated
 * at write time (so -ENOSPC is the write's), after the page was filled
 * (a new block's other bytes are the hole's zeros, never the disk's old
 * contents); a block a shared mapping stored into while it was a hole is
 * allocated at write-back, unless it holds only zeros. Write-back writes
 * only blocks below the file's end and zeroes the page past it first.
 */
#include <arch/hooks.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>
#include "ext2_internal.h"

/* Sectors per block. */
static uint32_t spb(const struct ext2_fs *fs)
{
	return fs->bsize / BLOCKDEV_SECTOR_SIZE;
}

/* How many blocks from logical block lblk (at pblk on the disk) follow
 * each other on the disk, up to max (at least 1). */
static uint32_t disk_run(struct ext2_inode *ip, uint32_t lblk, uint32_t pblk,
			 uint32_t max)
{
	uint32_t at;
	int n = max > 1 ? ext2_bmap_run(ip, lblk, max, &at) : 1;

	return n > 1 && at == pblk ? (uint32_t)n : 1;
}

/* Fill data with page idx of ip: runs of consecutive blocks in one
 * transfer, holes and bytes past the end zero. */
static int ext2_readpage(void *file, uint32_t idx, void *data)
{
	struct ext2_inode *ip = file;
	struct ext2_fs *fs = ip->fs;
	uint32_t bpp = PAGE_SIZE >> fs->log_bsize;
	uint64_t base = (uint64_t)idx << PAGE_SHIFT, size = ext2_isize(ip);
	char *dst = data;

	for (uint32_t j = 0; j < bpp;) {
		uint64_t at = base + (uint64_t)j * fs->bsize;
		uint32_t pblk, n;
		unsigned flags;
		int err = 0;

		if (at < size)
			err = ext2_bmap(ip, (uint32_t)(at >> fs->log_bsize),
					false, &pblk, &flags);
		else
			pblk = 0;
		if (err)
			return err;
		if (!pblk) {
			memset(dst + j * fs->bsize, 0, fs->bsize);
			j++;
			continue;
		}
		/* The blocks of this page below the end, as one run. */
		n = disk_run(ip, (uint32_t)(at >> fs->log_bsize), pblk,
			     (uint32_t)MIN((uint64_t)(bpp - j),
					   (size - at + fs->bsize - 1) >>
					       fs->log_bsize));
		if (blockdev_read(fs->dev, (uint64_t)pblk * spb(fs),
				  n * spb(fs), dst + j * fs->bsize))
			return -EIO;
		j += n;
	}
	if (size - base < PAGE_SIZE)
		memset(dst + (size - base), 0,
		       PAGE_SIZE - (size_t)(size - base));
	return 0;
}

/*
 * Read-ahead: pages idx.. into data (n pages) in one transfer while their
 * blocks follow each other on the disk, bytes past the end zero. A first
 * page that is not one such run (a hole, fragments, past the end) is read
 * alone by ext2_readpage. Returns the pages filled or -EIO.
 */
static int ext2_readpages(void *file, uint32_t idx, uint32_t n, void *data)
{
	struct ext2_inode *ip = file;
	struct ext2_fs *fs = ip->fs;
	uint64_t base = (uint64_t)idx << PAGE_SHIFT, size = ext2_isize(ip);
	uint32_t first = (uint32_t)(base >> fs->log_bsize), bpp, pblk;
	uint32_t nblk, max, pages;
	int run;

	bpp = PAGE_SIZE >> fs->log_bsize;
	if (base >= size)
		return ext2_readpage(file, idx, data) ? -EIO : 1;
	max = (uint32_t)((MIN(size - base, (uint64_t)n * PAGE_SIZE) +
			  fs->bsize - 1) >>
			 fs->log_bsize);
	run = ext2_bmap_run(ip, first, max, &pblk);
	if (run <= 0)
		return ext2_readpage(file, idx, data) ? -EIO : 1;
	nblk = (uint32_t)run;
	/* Whole pages, or up to the end when the run reaches it. */
	pages = nblk == max ? (nblk + bpp - 1) / bpp : nblk / bpp;
	if (pages == 0)
		return ext2_readpage(file, idx, data) ? -EIO : 1;
	nblk = MIN(nblk, pages * bpp);
	if (blockdev_read(fs->dev, (uint64_t)pblk * spb(fs), nblk * spb(fs),
			  data))
		return -EIO;
	if (size - base < (uint64_t)pages * PAGE_SIZE)
		memset((char *)data + (size - base), 0,
		       (size_t)((uint64_t)pages * PAGE_SIZE - (size - base)));
	return (int)pages;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Block j of page data at base: write it where the map says (allocating
 * a hole that holds data), then forget the block cache's copy. */
static int write_block(struct ext2_inode *ip, uint64_t base, uint32_t j,
		       const char *data)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t lblk = (uint32_t)(base >> fs->log_bsize) + j, pblk;
	const char *src = data + (size_t)j * fs->bsize;
	unsigned flags;
	int err = ext2_bmap(ip, lblk, false, &pblk, &flags);

	if (!err && !pblk) {
		struct ext2_dinode d;

		if (all_zero(src, fs->bsize))
			return 0;
		err = ext2_bmap(ip, lblk, true, &pblk, &flags);
		d = ip->d;
		if (!err && ext2_inode_store(ip, &d))
			err = -EIO;
	}
	if (err)
		return err;
	if (blockdev_write(fs->dev, (uint64_t)pblk * spb(fs), spb(fs), src))
		return -EIO;
	bforget(fs->dev, pblk);
	return 0;
}

static int ext2_writepage(void *file, uint32_t idx, void *data)
{
	struct ext2_inode *ip = file;
	struct ext2_fs *fs = ip->fs;
	uint64_t base = (uint64_t)idx << PAGE_SHIFT, size = ext2_isize(ip);
	int err = 0;

	if (fs->rdonly || base >= size)
		return 0; /* nothing of it is the file's (or may be written) */
	if (size - base < PAGE_SIZE)
		memset((char *)data + (size - base), 0,
		       PAGE_SIZE - (size_t)(size - base));
	for (uint32_t j = 0; j < (PAGE_SIZE >> fs->log_bsize) &&
			     base + (uint64_t)j * fs->bsize < size;
	     j++) {
		int e = write_block(ip, base, j, data);

		if (e && !err)
			err = e;
	}
	if (err)
		ext2_error(fs, ip->ino, "write-back of page %u failed (%d)",
			   idx, err);
	return err;
}

/*
 * Write-back of a run: pages idx.. (data[i] each, n of them) in one
 * transfer while they lie wholly below the file's end and their blocks,
 * all allocated, follow each other on the disk; then each block is
 * forgotten by the block cache. A first page that starts no such run is
 * written alone by ext2_writepage. Returns the pages written or -errno.
 */
static int ext2_writepages(void *file, uint32_t idx, uint32_t n,
			   void *const *data)
{
	struct ext2_inode *ip = file;
	struct ext2_fs *fs = ip->fs;
	uint64_t base = (uint64_t)idx << PAGE_SHIFT, size = ext2_isize(ip);
	uint32_t bpp = PAGE_SIZE >> fs->log_bsize, pblk, nblk, pages;
	unsigned flags;
	int err;

	if (fs->rdonly || base >= size ||
	    MIN((uint64_t)n, (size - base) >> PAGE_SHIFT) < 2 ||
	    ext2_bmap(ip, (uint32_t)(base >> fs->log_bsize), false, &pblk,
		      &flags) ||
	    !pblk)
		return ext2_writepage(file, idx, data[0]) ?: 1;
	n = (uint32_t)MIN((uint64_t)n, (size - base) >> PAGE_SHIFT);
	nblk = disk_run(ip, (uint32_t)(base >> fs->log_bsize), pblk, n * bpp);
	pages = nblk / bpp;
	if (pages < 2)
		return ext2_writepage(file, idx, data[0]) ?: 1;
	err = blockdev_writev(fs->dev, (uint64_t)pblk * spb(fs),
			      pages * bpp * spb(fs), data,
			      PAGE_SIZE / BLOCKDEV_SECTOR);
	if (err) {
		ext2_error(fs, ip->ino, "write-back of pages %u+%u failed", idx,
			   pages);
		return -EIO;
	}
	for (uint32_t b = 0; b < pages * bpp; b++)
		bforget(fs->dev, pblk + b);
	return (int)pages;
}

static const struct pcache_domain_ops ext2_pc_ops = {
    .readpage = ext2_readpage,
    .readpages = ext2_readpages,
    .writepage = ext2_writepage,
    .writepages = ext2_writepages,
};

int ext2_pages_init(struct ext2_fs *fs)
{
	struct pcache_domain *d = slab_zalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	pcache_domain_init(d, &ext2_pc_ops);
	USE(fs, fs->pcd = d);
	return 0;
}

void ext2_pages_drop(struct ext2_fs *fs)
{
	if (fs->pcd)
		pcache_domain_drop(fs->pcd);
}

void ext2_pages_fini(struct ext2_fs *fs)
{
	if (!fs->pcd)
		return;
	pcache_domain_fini(fs->pcd);
	SLAB_FREE(fs->pcd);
	USE(fs, fs->pcd = NULL);
}

void ext2_set_lock(struct ext2_fs *fs, bool (*trylock)(void *),
		   void (*unlock)(void *), void *arg)
{
	USE(fs->pcd, {
		fs->pcd->trylock = trylock;
		fs->pcd->unlock = unlock;
		fs->pcd->lock_arg = arg;
	});
}

struct pcache *ext2_pc(struct ext2_inode *ip)
{
	if (!ip->pc) {
		struct pcache *pc = pcache_file_new(ip->fs->pcd, ip, ip->ino);

		USE(ip, ip->pc = pc);
	}
	return ip->pc;
}

struct pcache *ext2_pagecache(struct ext2_inode *ip, bool create)
{
	return create ? ext2_pc(ip) : ip->pc;
}

void ext2_pages_release(struct ext2_inode *ip, bool deleted)
{
	if (deleted && EXT2_ISREG(ip->d.i_mode) && ext2_pc(ip))
		pcache_truncate(ip->pc, 0);
	if (ip->pc)
		pcache_file_free(ip->pc, !deleted);
	USE(ip, ip->pc = NULL);
}

long ext2_read_pages(struct ext2_inode *ip, char *dst, size_t len, uint64_t off,
		     bool user)
{
	struct pcache *pc = ext2_pc(ip);
	size_t done = 0;

	if (!pc)
		return -ENOMEM;
	if (user)
		done = pcache_copy_cached(pc, off, len, dst);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t in = (uint32_t)(pos & (PAGE_SIZE - 1));
		size_t chunk = MIN(len - done, (size_t)(PAGE_SIZE - in));
		const char *src;
		struct pc_page *p;
		int err = pcache_get(pc, (uint32_t)(pos >> PAGE_SHIFT), 0, &p);

		if (err)
			return done ? (long)done : err;
		src = (const char *)pcache_data(p) + in;
		if (!user)
			memcpy(dst + done, src, chunk);
		else if (copy_to_user_nofault(dst + done, src, chunk))
			err = -EAGAIN;
		pcache_put(p);
		if (err)
			return done ? (long)done : err;
		done += chunk;
	}
	return (long)done;
}

/* What a write() has allocated ahead: blocks [lblk, lblk + n) are
 * mapped; blocks from new_from on (wholly past the old end) up to end
 * (the write's last) are allocated as runs. */
struct write_ahead {
	uint32_t lblk, n, new_from, end;
};

/* Allocate the blocks under [pos, pos + *chunk); on -ENOSPC midway,
 * *chunk shrinks to the bytes that have blocks (0: the error). Past the
 * old end, a block missing from its pointer block comes with the rest of
 * the write's blocks that fit there, one run on the disk (ext2_bmap_alloc):
 * the pages after it read zeros until written, being past the size. */
static int alloc_blocks(struct ext2_inode *ip, uint64_t pos, size_t *chunk,
			struct write_ahead *wa)
{
	struct ext2_fs *fs = ip->fs;
	uint32_t first = (uint32_t)(pos >> fs->log_bsize);
	uint32_t last = (uint32_t)((pos + *chunk - 1) >> fs->log_bsize);

	for (uint32_t b = first; b <= last; b++) {
		uint32_t pblk, got;
		int err;

		if (b - wa->lblk < wa->n) /* in [lblk, lblk + n) */
			continue;
		err = ext2_bmap_alloc(ip, b,
				      b >= wa->new_from ? wa->end - b + 1 : 1,
				      &pblk, &got);
		if (err) {
			uint64_t ok = (uint64_t)b << fs->log_bsize;

			*chunk = ok > pos ? (size_t)(ok - pos) : 0;
			return *chunk ? 0 : err;
		}
		wa->lblk = b;
		wa->n = got;
	}
	return 0;
}

/* The size grows with each page written, so that a write-back of the
 * page (eviction while the write goes on) sees its bytes as the file's.
 * The caller stores the inode. */
static void grow_size(struct ext2_inode *ip, uint64_t end)
{
	if (end > ext2_isize(ip))
		USE(ip, ext2_set_isize(ip->fs, &ip->d, end));
}

/* Truncate's part: the page at size keeps zeros past it (read first, so
 * that its block on disk gets them too), pages past it go. */
int ext2_truncate_pages(struct ext2_inode *ip, uint64_t size)
{
	struct pcache *pc = ext2_pc(ip);
	struct pc_page *p = NULL;
	int err = 0;

	if (!pc)
		return -ENOMEM;
	if (size & (PAGE_SIZE - 1))
		err = pcache_get(pc, (uint32_t)(size >> PAGE_SHIFT), 0, &p);
	pcache_truncate(pc, size);
	if (p)
		pcache_put(p);
	return err;
}

/* Copy n bytes of the write into the page at dst: all of them, or with
 * user (src user memory, no fault resolved) 0 when a page of src is not
 * present now. */
static size_t copy_in(char *dst, const char *src, size_t n, bool user)
{
	if (!user) {
		memcpy(dst, src, n);
		return n;
	}
	if (!user_readable_now((uintptr_t)src, n) ||
	    copy_from_user_nofault(dst, src, n))
		return 0;
	return n;
}

/* One page's part of a write: [pos, pos + *chunk) from src, the file's
 * size having been old. *chunk: the bytes written (fewer when the disk
 * fills or, user, a source page is absent: -EAGAIN). */
static int write_page(struct ext2_inode *ip, uint64_t pos, const char *src,
		      size_t *chunk, uint64_t old, bool user,
		      struct write_ahead *wa)
{
	uint32_t in = (uint32_t)(pos & (PAGE_SIZE - 1));
	/* A whole page past the old end: nothing in it to keep, so a
	 * fresh one is not cleared first. */
	bool whole = *chunk == PAGE_SIZE && pos >= old;
	unsigned flags = *chunk == PAGE_SIZE || pos - in >= old ? PC_NOREAD : 0;
	size_t want = *chunk, copied = 0;
	struct pc_page *p;
	int err;

	*chunk = 0;
	if (user && !user_readable_now((uintptr_t)src, want))
		return -EAGAIN; /* before anything changes */
	err = pcache_get(ip->pc, (uint32_t)(pos >> PAGE_SHIFT),
			 flags | (whole ? PC_NOZERO : 0), &p);
	if (err)
		return err;
	*chunk = want;
	err = alloc_blocks(ip, pos, chunk, wa);
	if (!err)
		copied =
		    copy_in((char *)pcache_data(p) + in, src, *chunk, user);
	if (whole && copied < PAGE_SIZE)
		memset((char *)pcache_data(p) + copied, 0, PAGE_SIZE - copied);
	/* New blocks inside the file must get the page (zeros in holes). */
	if (copied || (!err && pos < ext2_isize(ip)))
		pcache_dirty(p);
	if (copied)
		grow_size(ip, pos + copied);
	pcache_put(p);
	if (!err && copied < *chunk)
		err = -EAGAIN;
	*chunk = copied;
	return copied || want == 0 ? 0 : err;
}

long ext2_write_pages(struct ext2_inode *ip, const char *src, size_t len,
		      uint64_t off, bool user, int *errp)
{
	struct pcache *pc = ext2_pc(ip);
	uint64_t old = ext2_isize(ip);
	uint32_t bits = ip->fs->log_bsize;
	struct write_ahead wa = {
	    .new_from = (uint32_t)((old + (1u << bits) - 1) >> bits),
	    .end = (uint32_t)((off + len - 1) >> bits),
	};
	size_t done = 0;

	if (!pc) {
		*errp = -ENOMEM;
		return 0;
	}
	if (off + len > old)
		pcache_extend(pc, old);
	while (done < len) {
		uint64_t pos = off + done;
		size_t want = MIN(
		    len - done, (size_t)(PAGE_SIZE - (pos & (PAGE_SIZE - 1))));
		size_t chunk = want;
		int err =
		    write_page(ip, pos, src + done, &chunk, old, user, &wa);

		done += chunk;
		if (err || chunk < want) {
			/* the disk filled up, or a user page is absent */
			*errp = err ? err : user ? -EAGAIN : 0;
			break;
		}
	}
	return (long)done;
}
