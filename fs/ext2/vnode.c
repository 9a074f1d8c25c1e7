/*
 * vnode.c - ext2 as a VFS backend: the vnode operations over the
 * inode-level library (include/fs/ext2.h); fs/ext2/vsuper.c has the
 * file system type and the super block.
 *
 * Guarantees: one vnode per inode (vnode_find before vnode_new); each
 * vnode holds exactly one ext2 inode reference, dropped in release, so
 * an inode unlinked while open is freed on disk at its last close. Every
 * call into the library is made holding the mount's sleeping lock,
 * because ext2 calls sleep in disk I/O and another process may enter the
 * same file system meanwhile; nothing outside the library is called
 * while holding it (readdir hands its entries to the caller after
 * letting go; read_user's copies to user memory resolve no fault). A
 * read-only mount answers every modifying operation with
 * -EROFS.
 */
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "vnode.h"

static const struct vnode_ops ext2_vnode_ops;

/* The mount behind a super block / the inode behind a vnode. */
static struct ext2_vfs *inst_of(struct vsuper *sb)
{
	return sb->priv;
}

static struct ext2_inode *inode_of(struct vnode *v)
{
	return v->priv;
}

/* Enter / leave the library for the file system of v. */
static void enter(struct vnode *v)
{
	vlock_take(&inst_of(v->sb)->lock);
}

static void leave(struct vnode *v)
{
	vlock_drop(&inst_of(v->sb)->lock);
}

/* -EROFS on a read-only mount, else 0. */
static int check_writable(struct vnode *v)
{
	return inst_of(v->sb)->rdonly ? -EROFS : 0;
}

struct vnode *ext2_vnode_of(struct vsuper *sb, struct ext2_inode *ip)
{
	struct vnode *v = vnode_find(sb, ext2_ino(ip));

	if (v) {
		ext2_iput(ip); /* v holds its own */
		return v;
	}
	v = vnode_new(sb, ext2_ino(ip), &ext2_vnode_ops, ip, ext2_mode(ip));
	if (!v)
		ext2_iput(ip);
	return v;
}

/* *out from a library call that returned err and ip. Called locked. */
static int give_vnode(struct vsuper *sb, int err, struct ext2_inode *ip,
		      struct vnode **out)
{
	if (err)
		return err;
	*out = ext2_vnode_of(sb, ip);
	return *out ? 0 : -ENOMEM;
}

/* ".." too: ext2 directories keep it as an entry. */
static int ext2_v_lookup(struct vnode *dir, const char *name, size_t len,
			 struct vnode **out)
{
	struct ext2_inode *ip = NULL;
	int err;

	enter(dir);
	err = ext2_lookup(inode_of(dir), name, len, &ip);
	err = give_vnode(dir->sb, err, ip, out);
	leave(dir);
	return err;
}

/*
 * The name space changes below: refused on a read-only mount, else one
 * library call under the lock. New inodes are owned by the caller's
 * uid and gid (a set-group-ID directory imposes its group).
 */
static int ext2_v_create(struct vnode *dir, const char *name, size_t len,
			 uint32_t mode, const struct vcred *c,
			 struct vnode **out)
{
	struct ext2_inode *ip = NULL;
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_create(inode_of(dir), name, len, mode, c->uid, c->gid, &ip);
	if (out)
		err = give_vnode(dir->sb, err, ip, out);
	else if (!err)
		ext2_iput(ip);
	leave(dir);
	return err;
}

static int ext2_v_mknod(struct vnode *dir, const char *name, size_t len,
			uint32_t mode, uint32_t rdev, const struct vcred *c)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_mknod(inode_of(dir), name, len, mode, rdev, c->uid, c->gid,
			 NULL);
	leave(dir);
	return err;
}

static int ext2_v_mkdir(struct vnode *dir, const char *name, size_t len,
			uint32_t mode, const struct vcred *c)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_mkdir(inode_of(dir), name, len, mode, c->uid, c->gid, NULL);
	leave(dir);
	return err;
}

static int ext2_v_symlink(struct vnode *dir, const char *name, size_t len,
			  const char *target, size_t tlen,
			  const struct vcred *c)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_symlink(inode_of(dir), name, len, target, tlen, c->uid,
			   c->gid, NULL);
	leave(dir);
	return err;
}

static int ext2_v_link(struct vnode *dir, const char *name, size_t len,
		       struct vnode *v)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_link(inode_of(v), inode_of(dir), name, len);
	leave(dir);
	return err;
}

static int ext2_v_unlink(struct vnode *dir, const char *name, size_t len)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_unlink(inode_of(dir), name, len);
	leave(dir);
	return err;
}

static int ext2_v_rmdir(struct vnode *dir, const char *name, size_t len)
{
	int err = check_writable(dir);

	if (err)
		return err;
	enter(dir);
	err = ext2_rmdir(inode_of(dir), name, len);
	leave(dir);
	return err;
}

/* The VFS checked RENAME_NOREPLACE, loops and types already. */
static int ext2_v_rename(struct vnode *odir, const char *oname, size_t olen,
			 struct vnode *ndir, const char *nname, size_t nlen)
{
	int err = check_writable(odir);

	if (err)
		return err;
	enter(odir);
	err = ext2_rename(inode_of(odir), oname, olen, inode_of(ndir), nname,
			  nlen, 0);
	leave(odir);
	return err;
}

/* --- readdir ---------------------------------------------------------- */

/*
 * Entries are read in batches under the lock into a slab buffer and
 * handed to fill after the lock is let go: fill (getdents copying to
 * user memory) may fault or sleep, and must be free to come back into
 * this file system.
 */
#define BATCH_BYTES 2040

struct batch_entry {
	uint64_t next; /* the position after the entry */
	uint32_t ino;
	uint8_t type, len;
	char name[];
};

struct batch {
	uint32_t used;
	bool full; /* an entry did not fit: more may follow */
	_Alignas(8) uint8_t data[BATCH_BYTES];
};

/* Entries start 8-byte aligned. */
static size_t entry_size(size_t len)
{
	return (sizeof(struct batch_entry) + len + 7) & ~(size_t)7;
}

/* ext2_readdir's callback (the batch is writable): keep the entry, or
 * stop before it when the batch is full. */
static int batch_add(void *arg, const char *name, size_t len, uint32_t ino,
		     unsigned type, uint64_t next)
{
	struct batch *b = arg;
	struct batch_entry *e = (struct batch_entry *)(b->data + b->used);

	if (b->used + entry_size(len) > BATCH_BYTES) {
		b->full = true;
		return 1;
	}
	e->next = next;
	e->ino = ino;
	e->type = (uint8_t)type;
	e->len = (uint8_t)len;
	memcpy(e->name, name, len);
	b->used += (uint32_t)entry_size(len);
	return 0;
}

/* Hand the batch read from start to fill; if fill stops at an entry,
 * *pos goes back to it and 1 is returned. */
static int batch_emit(const struct batch *b, uint64_t start, uint64_t *pos,
		      vfs_filldir_t fill, void *arg)
{
	uint64_t before = start;

	for (uint32_t off = 0; off < b->used;) {
		const struct batch_entry *e =
		    (const struct batch_entry *)(b->data + off);

		if (fill(arg, e->name, e->len, e->ino, e->type, e->next)) {
			*pos = before;
			return 1;
		}
		before = e->next;
		off += (uint32_t)entry_size(e->len);
	}
	return 0;
}

/* Batch after batch until the directory ends or fill stops; the
 * positions are ext2's byte offsets in the directory. */
static int ext2_v_readdir(struct vnode *dir, uint64_t *pos, vfs_filldir_t fill,
			  void *arg)
{
	struct batch *b = slab_alloc(sizeof(*b));
	bool more = true;
	int err = 0;

	if (!b)
		return -ENOMEM;
	while (!err && more) {
		uint64_t start = *pos;

		enter(dir);
		USE(b, {
			b->used = 0;
			b->full = false;
			err = ext2_readdir(inode_of(dir), pos, batch_add, b);
		});
		leave(dir);
		more = b->full;
		if (!err && batch_emit(b, start, pos, fill, arg))
			more = false;
	}
	SLAB_FREE(b);
	return err;
}

/* --- attributes and data --------------------------------------------- */

/* The data operations: one library call each under the lock; atime
 * is not updated (as a noatime mount). */
static long ext2_v_readlink(struct vnode *v, char *buf, size_t size)
{
	long n;

	enter(v);
	n = ext2_readlink(inode_of(v), buf, size);
	leave(v);
	return n;
}

/* stat: ext2 keeps whole seconds, so nsec is 0. */
static int ext2_v_getattr(struct vnode *v, struct vattr *va)
{
	struct ext2_stat st;

	enter(v);
	ext2_getattr(inode_of(v), &st);
	leave(v);
	va->mode = st.mode;
	va->nlink = st.nlink;
	va->uid = st.uid;
	va->gid = st.gid;
	va->size = st.size;
	va->blocks = st.blocks;
	va->blksize = st.blksize;
	va->atime = (struct vtimespec){st.atime, 0};
	va->mtime = (struct vtimespec){st.mtime, 0};
	va->ctime = (struct vtimespec){st.ctime, 0};
	va->ino = st.ino;
	va->rdev = st.rdev;
	return 0;
}

/* chmod / chown / utimes: VATTR_* become EXT2_ATTR_* (the VFS checked
 * the caller's rights). */
static int ext2_v_setattr(struct vnode *v, const struct vattr *va,
			  unsigned mask)
{
	struct ext2_setattr a = {
	    .mode = va->mode,
	    .uid = va->uid,
	    .gid = va->gid,
	    .atime = (uint32_t)va->atime.sec,
	    .mtime = (uint32_t)va->mtime.sec,
	    .ctime = (uint32_t)va->ctime.sec,
	};
	int err = check_writable(v);

	if (err)
		return err;
	a.valid = (mask & VATTR_MODE ? EXT2_ATTR_MODE : 0) |
		  (mask & VATTR_UID ? EXT2_ATTR_UID : 0) |
		  (mask & VATTR_GID ? EXT2_ATTR_GID : 0) |
		  (mask & VATTR_ATIME ? EXT2_ATTR_ATIME : 0) |
		  (mask & VATTR_MTIME ? EXT2_ATTR_MTIME : 0) |
		  (mask & VATTR_CTIME ? EXT2_ATTR_CTIME : 0);
	enter(v);
	err = ext2_setattr(inode_of(v), &a);
	leave(v);
	return err;
}

static long ext2_v_read(struct vnode *v, void *buf, size_t n, uint64_t off)
{
	long r;

	enter(v);
	r = ext2_read(inode_of(v), buf, n, off);
	leave(v);
	return r;
}

static long ext2_v_read_user(struct vnode *v, void *ubuf, size_t n,
			     uint64_t off)
{
	long r;

	enter(v);
	r = ext2_read_user(inode_of(v), ubuf, n, off);
	leave(v);
	return r;
}

static long ext2_v_write(struct vnode *v, const void *buf, size_t n,
			 uint64_t off)
{
	long r = check_writable(v);

	if (r)
		return r;
	enter(v);
	r = ext2_write(inode_of(v), buf, n, off);
	leave(v);
	return r;
}

static long ext2_v_write_user(struct vnode *v, const void *ubuf, size_t n,
			      uint64_t off)
{
	long r = check_writable(v);

	if (r)
		return r;
	enter(v);
	r = ext2_write_user(inode_of(v), ubuf, n, off);
	leave(v);
	return r;
}

/* Pages past the new end leave every mapping first (under the lock, so
 * that no fault maps one again before they go). */
static int ext2_v_truncate(struct vnode *v, uint64_t size)
{
	int err = check_writable(v);

	if (err)
		return err;
	enter(v);
	if (size < ext2_size(inode_of(v)))
		mm_pager_truncate(v, size);
	err = ext2_truncate(inode_of(v), size);
	leave(v);
	return err;
}

/* Nothing is dirty on a read-only mount: 0, as Linux. */
static int ext2_v_fsync(struct vnode *v)
{
	int err;

	if (check_writable(v))
		return 0;
	enter(v);
	err = ext2_fsync(inode_of(v));
	leave(v);
	return err;
}

/* --- the page provider of mmap: the page cache ----------------------- */

/* Pin page idx for a PTE: read under the lock if not cached. */
static int pager_map(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	struct vnode *v = obj;
	struct pcache *pc;
	int err = -ENOMEM;

	enter(v);
	pc = ext2_pagecache(inode_of(v), true);
	if (pc)
		err = pcache_map(pc, idx, writable, pa);
	leave(v);
	return err;
}

/* Pin a cached page with no wait for the lock or the disk. */
static int pager_map_cached(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	struct vnode *v = obj;
	struct pcache *pc = ext2_pagecache(inode_of(v), false);
	int err;

	if (!pc || vlock_held(&inst_of(v->sb)->lock) ||
	    pcache_peek(pc, idx) == PHYS_NONE)
		return -EAGAIN;
	enter(v); /* free: takes it at once */
	err = pcache_map(pc, idx, writable, pa);
	leave(v);
	return err;
}

/* Unpinning never sleeps: no lock (it may come from any unmap). */
static void pager_unmap(void *obj, uint32_t idx, bool writable)
{
	pcache_unmap(ext2_pagecache(inode_of(obj), false), idx, writable);
}

static paddr_t pager_peek(void *obj, uint32_t idx)
{
	struct pcache *pc = ext2_pagecache(inode_of(obj), false);

	return pc ? pcache_peek(pc, idx) : PHYS_NONE;
}

static uint64_t pager_size(void *obj)
{
	return ext2_size(inode_of(obj));
}

/* msync: the pages, then the metadata their blocks needed. */
static int pager_writeback(void *obj, uint32_t first, uint32_t last)
{
	struct vnode *v = obj;
	struct pcache *pc;
	int err = 0;

	if (check_writable(v))
		return 0;
	enter(v);
	pc = ext2_pagecache(inode_of(v), false);
	if (pc)
		err = pcache_sync_range(pc, first, last);
	if (ext2_fsync(inode_of(v)) && !err)
		err = -EIO;
	leave(v);
	return err;
}

static const struct mm_pager_ops ext2_pager_ops = {
    .map = pager_map,
    .map_cached = pager_map_cached,
    .unmap = pager_unmap,
    .peek = pager_peek,
    .size = pager_size,
    .get = vnode_pager_get,
    .put = vnode_pager_put,
    .writeback = pager_writeback,
};

/* Regular files can be mapped. */
static int ext2_v_pager(struct vnode *v, struct mm_pager *out)
{
	if (!VFS_ISREG(v->mode))
		return -ENODEV;
	out->ops = &ext2_pager_ops;
	out->obj = v;
	return 0;
}

/*
 * The vnode's inode reference goes; an unlinked inode is freed now. The
 * vnode is already out of the super block's table, so umount may begin
 * while this waits for the lock: releasing tells unmount to wait.
 */
static void ext2_v_release(struct vnode *v)
{
	struct ext2_vfs *e = inst_of(v->sb);

	USE(e, e->releasing++);
	vlock_take(&e->lock);
	ext2_iput(inode_of(v));
	vlock_drop(&e->lock);
	USE(e, e->releasing--);
	if (!e->releasing)
		fs_wake(&e->releasing);
}

static const struct vnode_ops ext2_vnode_ops = {
    .lookup = ext2_v_lookup,
    .create = ext2_v_create,
    .mknod = ext2_v_mknod,
    .mkdir = ext2_v_mkdir,
    .symlink = ext2_v_symlink,
    .link = ext2_v_link,
    .unlink = ext2_v_unlink,
    .rmdir = ext2_v_rmdir,
    .rename = ext2_v_rename,
    .readdir = ext2_v_readdir,
    .readlink = ext2_v_readlink,
    .getattr = ext2_v_getattr,
    .setattr = ext2_v_setattr,
    .read = ext2_v_read,
    .read_user = ext2_v_read_user,
    .write = ext2_v_write,
    .write_user = ext2_v_write_user,
    .truncate = ext2_v_truncate,
    .fsync = ext2_v_fsync,
    .pager = ext2_v_pager,
    .release = ext2_v_release,
};
