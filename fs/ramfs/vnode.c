/*
 * vnode.c - ramfs as a VFS backend: the file system types "ramfs" and
 * "tmpfs" (one fresh instance per mount) and the vnode operations on
 * ramfs nodes. A vnode holds one open reference on its node
 * (ramfs_node_get), so a node unlinked while in use lives until the
 * vnode's release. Times are ramfs's change counter, shown as seconds.
 */
#include <fs/vfs_core.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include "internal.h"

#define RAMFS_MAGIC 0x858458f6u
#define TMPFS_MAGIC 0x01021994u

static const struct vnode_ops ramfs_vnode_ops;

static struct ramfs_node *node_of(struct vnode *v)
{
	return v->priv;
}

/* The vnode of n in sb (found or made, referenced), or NULL. */
static struct vnode *vnode_of(struct vsuper *sb, struct ramfs_node *n)
{
	struct vnode *v = vnode_find(sb, n->ino);

	if (v)
		return v;
	v = vnode_new(sb, n->ino, &ramfs_vnode_ops, n, n->mode);
	if (v)
		ramfs_node_get(n);
	return v;
}

static int ramfs_v_lookup(struct vnode *dir, const char *name, size_t len,
			  struct vnode **out)
{
	struct ramfs_node *dn = node_of(dir), *n;
	struct ramfs_dirent *d;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		n = dn->parent; /* NULL once the directory is removed */
	} else {
		d = ramfs_dir_find(dn, name, len);
		n = d ? d->node : NULL;
	}
	if (!n)
		return -ENOENT;
	*out = vnode_of(dir->sb, n);
	return *out ? 0 : -ENOMEM;
}

/* May a new name go into dn? */
static int name_free(struct ramfs_node *dn, const char *name, size_t len)
{
	if (!dn->parent)
		return -ENOENT; /* the directory was removed */
	return ramfs_dir_find(dn, name, len) ? -EEXIST : 0;
}

/* A new node of mode owned by c, entered as name in dn; *out (if out)
 * its referenced vnode. */
static int make_node(struct vnode *dir, const char *name, size_t len,
		     uint32_t mode, const struct vcred *c,
		     struct ramfs_node **np)
{
	struct ramfs_node *dn = node_of(dir), *n;
	int err = name_free(dn, name, len);

	if (err)
		return err;
	n = ramfs_node_new(dn->fs, mode);
	if (!n)
		return -ENOSPC;
	ramfs_chown(n, c->uid, c->gid);
	*np = n;
	return 0;
}

/* Enter the fresh node n into dir, or free it. */
static int enter_node(struct vnode *dir, const char *name, size_t len,
		      struct ramfs_node *n)
{
	int err = ramfs_dir_add(node_of(dir), name, len, n);

	if (err)
		ramfs_node_maybe_free(n);
	return err;
}

static int ramfs_v_create(struct vnode *dir, const char *name, size_t len,
			  uint32_t mode, const struct vcred *c,
			  struct vnode **out)
{
	struct ramfs_node *n;
	int err = make_node(dir, name, len, mode, c, &n);

	if (!err)
		err = enter_node(dir, name, len, n);
	if (!err && out) {
		*out = vnode_of(dir->sb, n);
		if (!*out)
			err = -ENOMEM;
	}
	return err;
}

static int ramfs_v_mknod(struct vnode *dir, const char *name, size_t len,
			 uint32_t mode, uint32_t rdev, const struct vcred *c)
{
	struct ramfs_node *n;
	int err = make_node(dir, name, len, mode, c, &n);

	if (err)
		return err;
	USE(n, n->rdev = rdev);
	return enter_node(dir, name, len, n);
}

static int ramfs_v_mkdir(struct vnode *dir, const char *name, size_t len,
			 uint32_t mode, const struct vcred *c)
{
	struct ramfs_node *n;
	int err = make_node(dir, name, len, RAMFS_S_IFDIR | mode, c, &n);

	return err ? err : enter_node(dir, name, len, n);
}

static int ramfs_v_symlink(struct vnode *dir, const char *name, size_t len,
			   const char *target, size_t tlen,
			   const struct vcred *c)
{
	struct ramfs_node *n;
	int err;

	if (tlen >= PAGE_SIZE)
		return -ENAMETOOLONG;
	err = make_node(dir, name, len, RAMFS_S_IFLNK | 0777, c, &n);
	if (err)
		return err;
	err = ramfs_set_target(n, target, tlen);
	if (err) {
		ramfs_node_maybe_free(n);
		return err;
	}
	return enter_node(dir, name, len, n);
}

static int ramfs_v_link(struct vnode *dir, const char *name, size_t len,
			struct vnode *v)
{
	struct ramfs_node *dn = node_of(dir), *n = node_of(v);
	int err = name_free(dn, name, len);

	if (err)
		return err;
	if (n->nlink == 0)
		return -ENOENT; /* unlinked while open: no way back */
	return ramfs_dir_add(dn, name, len, n);
}

static int ramfs_v_unlink(struct vnode *dir, const char *name, size_t len)
{
	struct ramfs_node *dn = node_of(dir);
	struct ramfs_dirent *d = ramfs_dir_find(dn, name, len);

	if (!d)
		return -ENOENT;
	if (RAMFS_ISDIR(d->node->mode))
		return -EISDIR;
	ramfs_dir_remove(dn, d);
	return 0;
}

static int ramfs_v_rmdir(struct vnode *dir, const char *name, size_t len)
{
	struct ramfs_node *dn = node_of(dir);
	struct ramfs_dirent *d = ramfs_dir_find(dn, name, len);

	if (!d)
		return -ENOENT;
	if (!RAMFS_ISDIR(d->node->mode))
		return -ENOTDIR;
	if (!ramfs_dir_empty(d->node))
		return -ENOTEMPTY;
	ramfs_dir_remove(dn, d);
	return 0;
}

static int ramfs_v_rename(struct vnode *odir, const char *oname, size_t olen,
			  struct vnode *ndir, const char *nname, size_t nlen)
{
	struct ramfs_node *od = node_of(odir), *nd = node_of(ndir);
	struct ramfs_dirent *oe = ramfs_dir_find(od, oname, olen);
	struct ramfs_dirent *ne = ramfs_dir_find(nd, nname, nlen);
	int err;

	if (!oe)
		return -ENOENT;
	if (!nd->parent)
		return -ENOENT;
	if (ne && RAMFS_ISDIR(ne->node->mode) && !ramfs_dir_empty(ne->node))
		return -ENOTEMPTY;
	/* The new name first: out of memory changes nothing. */
	err = ramfs_dir_move(od, oe, nd, nname, nlen);
	if (!err && ne)
		ramfs_dir_remove(nd, ne);
	return err;
}

static int ramfs_v_readdir(struct vnode *dir, uint64_t *pos, vfs_filldir_t fill,
			   void *arg)
{
	struct ramfs_dirent_info e;

	while (*pos <= UINT32_MAX &&
	       ramfs_readdir(node_of(dir), (uint32_t)*pos, &e) == 0) {
		if (fill(arg, e.name, e.namelen, e.ino, vfs_dtype(e.mode),
			 e.next))
			return 0;
		*pos = e.next;
	}
	return 0;
}

static long ramfs_v_readlink(struct vnode *v, char *buf, size_t size)
{
	struct ramfs_node *n = node_of(v);

	return ramfs_read(n, buf, MIN(size, (size_t)n->size), 0);
}

static int ramfs_v_getattr(struct vnode *v, struct vattr *va)
{
	struct ramfs_stat st;

	ramfs_stat(node_of(v), &st);
	va->mode = st.mode;
	va->nlink = st.nlink;
	va->uid = st.uid;
	va->gid = st.gid;
	va->size = st.size;
	va->blocks = PAGE_ROUND_UP(st.size) / 512;
	va->blksize = PAGE_SIZE;
	va->atime.sec = st.atime;
	va->mtime.sec = st.mtime;
	va->ctime.sec = st.ctime;
	va->ino = st.ino;
	va->rdev = st.rdev;
	return 0;
}

static int ramfs_v_setattr(struct vnode *v, const struct vattr *va,
			   unsigned mask)
{
	struct ramfs_node *n = node_of(v);

	if (mask & VATTR_MODE)
		ramfs_chmod(n, va->mode);
	if (mask & (VATTR_UID | VATTR_GID))
		ramfs_chown(n, mask & VATTR_UID ? va->uid : n->uid,
			    mask & VATTR_GID ? va->gid : n->gid);
	USE(n, {
		if (mask & VATTR_ATIME)
			n->atime = (uint32_t)va->atime.sec;
		if (mask & VATTR_MTIME)
			n->mtime = (uint32_t)va->mtime.sec;
		n->ctime = ramfs_tick(n->fs);
	});
	return 0;
}

static long ramfs_v_read(struct vnode *v, void *buf, size_t n, uint64_t off)
{
	return ramfs_read(node_of(v), buf, n, off);
}

static long ramfs_v_write(struct vnode *v, const void *buf, size_t n,
			  uint64_t off)
{
	return ramfs_write(node_of(v), buf, n, off);
}

/* Pages past the new end leave every mapping before they are freed. */
static int ramfs_v_truncate(struct vnode *v, uint64_t size)
{
	if (size < ramfs_size(node_of(v)))
		mm_pager_truncate(v, size);
	return ramfs_truncate(node_of(v), size);
}

/* ---- the page provider of mmap: the file's own data pages ---- */

/* ramfs pages never leave while the file has them: pins are not
 * counted (truncate unmaps before it frees). */
static int pager_map(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	(void)writable;
	*pa = ramfs_page(node_of(obj), idx, true);
	return *pa == PHYS_NONE ? -ENOMEM : 0;
}

/* A page the file has (holes get theirs from pager_map). */
static int pager_map_cached(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	if (ramfs_page(node_of(obj), idx, false) == PHYS_NONE)
		return -EAGAIN;
	return pager_map(obj, idx, writable, pa);
}

static void pager_unmap(void *obj, uint32_t idx, bool writable)
{
	(void)obj;
	(void)idx;
	(void)writable;
}

static paddr_t pager_peek(void *obj, uint32_t idx)
{
	return ramfs_page(node_of(obj), idx, false);
}

static uint64_t pager_size(void *obj)
{
	return ramfs_size(node_of(obj));
}

/* tmpfs (not ramfs, as Linux) punches holes: madvise MADV_REMOVE. */
static int pager_punch(void *obj, uint32_t first, uint32_t last)
{
	mm_pager_punch(obj, first, last);
	ramfs_punch(node_of(obj), first, last);
	return 0;
}

static const struct mm_pager_ops ramfs_pager_ops = {
    .map = pager_map,
    .map_cached = pager_map_cached,
    .unmap = pager_unmap,
    .peek = pager_peek,
    .size = pager_size,
    .get = vnode_pager_get,
    .put = vnode_pager_put,
};

static const struct mm_pager_ops tmpfs_pager_ops = {
    .map = pager_map,
    .map_cached = pager_map_cached,
    .unmap = pager_unmap,
    .peek = pager_peek,
    .size = pager_size,
    .get = vnode_pager_get,
    .put = vnode_pager_put,
    .punch = pager_punch,
};

/* Regular files can be mapped; other types have no pages. */
static int ramfs_v_pager(struct vnode *v, struct mm_pager *out)
{
	if (!RAMFS_ISREG(ramfs_mode(node_of(v))))
		return -ENODEV;
	out->ops = strcmp(v->sb->type->name, "tmpfs") ? &ramfs_pager_ops
						      : &tmpfs_pager_ops;
	out->obj = v;
	return 0;
}

static int ramfs_v_fsync(struct vnode *v)
{
	(void)v;
	return 0; /* memory is all there is */
}

static void ramfs_v_release(struct vnode *v)
{
	ramfs_node_put(node_of(v));
}

static const struct vnode_ops ramfs_vnode_ops = {
    .lookup = ramfs_v_lookup,
    .create = ramfs_v_create,
    .mknod = ramfs_v_mknod,
    .mkdir = ramfs_v_mkdir,
    .symlink = ramfs_v_symlink,
    .link = ramfs_v_link,
    .unlink = ramfs_v_unlink,
    .rmdir = ramfs_v_rmdir,
    .rename = ramfs_v_rename,
    .readdir = ramfs_v_readdir,
    .readlink = ramfs_v_readlink,
    .getattr = ramfs_v_getattr,
    .setattr = ramfs_v_setattr,
    .read = ramfs_v_read,
    .write = ramfs_v_write,
    .truncate = ramfs_v_truncate,
    .pager = ramfs_v_pager,
    .fsync = ramfs_v_fsync,
    .release = ramfs_v_release,
};

/* --- the file system types ----------------------------------------- */

static int ramfs_sb_sync(struct vsuper *sb)
{
	(void)sb;
	return 0;
}

static int ramfs_sb_statfs(struct vsuper *sb, struct vstatfs *st)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	st->type = strcmp(sb->type->name, "tmpfs") ? RAMFS_MAGIC : TMPFS_MAGIC;
	st->bsize = st->frsize = PAGE_SIZE;
	st->blocks = ps.total;
	st->bfree = st->bavail = ps.free;
	st->namelen = RAMFS_NAME_MAX;
	return 0;
}

static void ramfs_sb_unmount(struct vsuper *sb)
{
	ramfs_destroy(sb->priv);
}

static const struct vsuper_ops ramfs_super_ops = {
    .sync = ramfs_sb_sync,
    .statfs = ramfs_sb_statfs,
    .unmount = ramfs_sb_unmount,
};

static int ramfs_mount(struct vsuper *sb, struct blockdev *dev,
		       const char *options)
{
	struct ramfs *fs;
	struct vnode *root;

	(void)dev;
	(void)options;
	fs = ramfs_new();
	if (!fs)
		return -ENOMEM;
	root = vnode_of(sb, ramfs_root(fs));
	if (!root) {
		ramfs_destroy(fs);
		return -ENOMEM;
	}
	vsuper_setup(sb, &ramfs_super_ops, fs, root);
	return 0;
}

static const struct vfs_fstype ramfs_type = {
    .name = "ramfs",
    .mount = ramfs_mount,
};

static const struct vfs_fstype tmpfs_type = {
    .name = "tmpfs",
    .mount = ramfs_mount,
};

int ramfs_register(void)
{
	int err = vfs_register_fstype(&ramfs_type);

	return err ? err : vfs_register_fstype(&tmpfs_type);
}

struct ramfs *ramfs_of_super(struct vsuper *sb)
{
	return sb->type->mount == ramfs_mount ? sb->priv : NULL;
}
