/*
 * vnode.c - vnodes: the live in-memory inodes of every super block, kept
 * in a small hash table per super block so that one inode has at most
 * one vnode. Invariants: v->refs > 0 for every vnode in a table;
 * sb->nvnodes counts them; a vnode is freed (after ops->release) the
 * moment its last reference goes - there is no cache of idle vnodes, the
 * backends keep their own inodes.
 */
#include <fs/vfs/filelock.h>
#include <fs/vfs/mount.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

static struct vnode **bucket(struct vsuper *sb, uint64_t ino)
{
	return &sb->hash[ino % VSUPER_HASH];
}

struct vnode *vnode_find(struct vsuper *sb, uint64_t ino)
{
	for (struct vnode *v = *bucket(sb, ino); v; v = v->hash_next)
		if (v->ino == ino)
			return vnode_get(v);
	return NULL;
}

struct vnode *vnode_new(struct vsuper *sb, uint64_t ino,
			const struct vnode_ops *ops, void *priv, uint32_t mode)
{
	struct vnode **b = bucket(sb, ino);
	struct vnode *v = slab_zalloc(sizeof(*v));

	if (!v)
		return NULL;
	USE(v, {
		v->ops = ops;
		v->sb = sb;
		v->priv = priv;
		v->ino = ino;
		v->mode = mode;
		v->refs = 1;
		v->hash_next = *b;
	});
	USE(sb, {
		*b = v;
		sb->nvnodes++;
	});
	return v;
}

struct vnode *vnode_get(struct vnode *v)
{
	BUG_ON(v->refs == 0);
	USE(v, v->refs++);
	return v;
}

/* Take v out of its super block's table. */
static void unhash(struct vnode *v)
{
	struct vsuper *sb = v->sb;
	struct vnode **pp = bucket(sb, v->ino);

	while (*pp != v)
		pp = &(*pp)->hash_next;
	if (pp == bucket(sb, v->ino))
		USE(sb, *pp = v->hash_next);
	else
		USE(container_of(pp, struct vnode, hash_next),
		    *pp = v->hash_next);
	USE(sb, sb->nvnodes--);
}

int vnode_deny_write(struct vnode *v)
{
	if (v->writers)
		return -ETXTBSY;
	USE(v, v->deny_writes++);
	return 0;
}

void vnode_allow_write(struct vnode *v)
{
	USE(v, v->deny_writes--);
}

void vnode_put(struct vnode *v)
{
	if (!v)
		return;
	BUG_ON(v->refs == 0);
	USE(v, v->refs--);
	if (v->refs)
		return;
	BUG_ON(v->mounted);
	unhash(v);
	if (v->ops->release)
		v->ops->release(v);
	flock_ctx_free(v->flc); /* empty: locks go with their files */
	SLAB_FREE(v);
}

int vnode_getattr(struct vnode *v, struct vattr *va)
{
	int err;

	memset(va, 0, sizeof(*va));
	if (!v->ops->getattr)
		return -EINVAL;
	err = v->ops->getattr(v, va);
	va->dev = v->sb->dev_id;
	return err;
}

bool vcred_in_group(const struct vcred *c, uint32_t gid)
{
	if (gid == c->gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int vnode_permission(const struct vcred *c, struct vnode *v, int mask)
{
	struct vattr va;
	uint32_t bits;
	int err = vnode_getattr(v, &va);

	if (err)
		return err;
	/* Writing a file, directory or link of a read-only mount; devices
	 * and fifos on it stay writable. */
	if ((mask & VFS_MAY_WRITE) &&
	    (VFS_ISREG(va.mode) || VFS_ISDIR(va.mode) || VFS_ISLNK(va.mode)) &&
	    vfs_sb_writable(v))
		return -EROFS;
	if (c->uid == 0) {
		/* CAP_DAC_OVERRIDE, but exec needs some x bit. */
		if ((mask & VFS_MAY_EXEC) && !VFS_ISDIR(va.mode) &&
		    !(va.mode & 0111))
			return -EACCES;
		return 0;
	}
	if (c->uid == va.uid)
		bits = va.mode >> 6;
	else if (vcred_in_group(c, va.gid))
		bits = va.mode >> 3;
	else
		bits = va.mode;
	return ((bits & 7) & (uint32_t)mask) == (uint32_t)mask ? 0 : -EACCES;
}

unsigned vfs_dtype(uint32_t mode)
{
	return (mode & VFS_S_IFMT) >> 12;
}

void vnode_pager_get(void *vnode)
{
	vnode_get(vnode);
}

void vnode_pager_put(void *vnode)
{
	vnode_put(vnode);
}
