/*
 * namei.c - operations on names: lookup, create, mknod, mkdir, symlink,
 * link, unlink, rmdir, rename, with Linux's checks and error codes. Link
 * counts: a file has one per name; a directory two plus one per
 * subdirectory ("." and each child's ".."). Creation builds the inode
 * first and adds the name last; if the name cannot be added the new inode
 * is dropped (link count 0, freed by ext2_iput), so a failure changes
 * nothing.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "ext2_internal.h"

/* The name itself: 0 or an error (empty, too long, with a '/'). */
static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -EINVAL;
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* A directory that can take a new name. */
static int check_dir(struct ext2_inode *dir)
{
	if (!EXT2_ISDIR(dir->d.i_mode))
		return -ENOTDIR;
	if (dir->fs->rdonly)
		return -EROFS;
	if (dir->d.i_links_count == 0)
		return -ENOENT; /* removed while in use */
	return 0;
}

static int set_links(struct ext2_inode *ip, int delta)
{
	struct ext2_dinode d = ip->d;

	d.i_links_count = (uint16_t)(d.i_links_count + delta);
	d.i_ctime = ext2_now();
	return ext2_inode_store(ip, &d);
}

/* Drop a new inode that could not be linked in. */
static void discard_new(struct ext2_inode *ip)
{
	struct ext2_dinode d = ip->d;

	d.i_links_count = 0;
	ext2_inode_store(ip, &d);
	ext2_iput(ip);
}

/* The inode a directory entry names, checked. */
static int entry_inode(struct ext2_inode *dir, uint32_t ino,
		       struct ext2_inode **out)
{
	struct ext2_fs *fs = dir->fs;

	if (ino != EXT2_ROOT_INO && ino < fs->first_ino) {
		ext2_error(fs, dir->ino, "entry names reserved inode %u", ino);
		return -EIO;
	}
	return ext2_iget(fs, ino, out);
}

int ext2_lookup(struct ext2_inode *dir, const char *name, size_t len,
		struct ext2_inode **out)
{
	uint32_t ino;
	int err;

	if (!EXT2_ISDIR(dir->d.i_mode))
		return -ENOTDIR;
	err = check_name(name, len);
	if (err)
		return err;
	err = ext2_dir_find(dir, name, len, &ino, NULL);
	if (err)
		return err;
	return entry_inode(dir, ino, out);
}

/* A name that may be created in dir: 0 (with the slot for its entry),
 * -EEXIST, or another error. */
static int may_create(struct ext2_inode *dir, const char *name, size_t len,
		      struct ext2_dir_slot *slot)
{
	int err = check_dir(dir);

	if (!err)
		err = check_name(name, len);
	if (err)
		return err;
	if (is_dot(name, len) || is_dotdot(name, len))
		return -EEXIST;
	return ext2_dir_prepare(dir, name, len, slot);
}

static void give(struct ext2_inode *ip, struct ext2_inode **out)
{
	if (out)
		*out = ip;
	else
		ext2_iput(ip);
}

int ext2_mknod(struct ext2_inode *dir, const char *name, size_t len,
	       uint32_t mode, uint32_t rdev, uint32_t uid, uint32_t gid,
	       struct ext2_inode **out)
{
	uint32_t type = mode & EXT2_S_IFMT;
	struct ext2_dir_slot slot;
	struct ext2_inode *ip;
	struct ext2_dinode d;
	int err;

	if (type != EXT2_S_IFREG && type != EXT2_S_IFCHR &&
	    type != EXT2_S_IFBLK && type != EXT2_S_IFIFO &&
	    type != EXT2_S_IFSOCK)
		return -EINVAL;
	err = may_create(dir, name, len, &slot);
	if (err)
		return err;
	err =
	    ext2_inode_new(dir, type | (mode & EXT2_MODE_BITS), uid, gid, &ip);
	if (err)
		return err;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK) {
		d = ip->d;
		/* Old 16-bit encoding in i_block[0] when major and minor
		 * fit in a byte each (as Linux), else the new one in
		 * i_block[1]; both equal rdev's own encoding. */
		if (rdev < 0x10000u && rdev != 0)
			d.i_block[0] = rdev;
		else
			d.i_block[1] = rdev;
		ext2_inode_store(ip, &d);
	}
	err = ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode, &slot);
	if (err) {
		discard_new(ip);
		return err;
	}
	give(ip, out);
	return 0;
}

int ext2_create(struct ext2_inode *dir, const char *name, size_t len,
		uint32_t mode, uint32_t uid, uint32_t gid,
		struct ext2_inode **out)
{
	return ext2_mknod(dir, name, len,
			  EXT2_S_IFREG | (mode & EXT2_MODE_BITS), 0, uid, gid,
			  out);
}

int ext2_mkdir(struct ext2_inode *dir, const char *name, size_t len,
	       uint32_t mode, uint32_t uid, uint32_t gid,
	       struct ext2_inode **out)
{
	struct ext2_dir_slot slot;
	struct ext2_inode *ip;
	int err = may_create(dir, name, len, &slot);

	if (err)
		return err;
	if (dir->d.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_inode_new(dir, EXT2_S_IFDIR | (mode & EXT2_MODE_BITS), uid,
			     gid, &ip);
	if (err)
		return err;
	err = ext2_dir_init(ip, dir->ino);
	if (!err)
		err = set_links(ip, 1); /* "." */
	if (!err)
		err =
		    ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode, &slot);
	if (err) {
		discard_new(ip);
		return err;
	}
	set_links(dir, 1); /* the new ".." */
	give(ip, out);
	return 0;
}

int ext2_symlink(struct ext2_inode *dir, const char *name, size_t len,
		 const char *target, size_t tlen, uint32_t uid, uint32_t gid,
		 struct ext2_inode **out)
{
	struct ext2_dir_slot slot;
	struct ext2_inode *ip;
	struct ext2_dinode d;
	int err;

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= dir->fs->bsize)
		return -ENAMETOOLONG;
	err = may_create(dir, name, len, &slot);
	if (err)
		return err;
	err = ext2_inode_new(dir, EXT2_S_IFLNK | 0777, uid, gid, &ip);
	if (err)
		return err;
	if (tlen < EXT2_FAST_LINK_MAX) {
		d = ip->d;
		memcpy(d.i_block, target, tlen);
		ext2_set_isize(ip->fs, &d, tlen);
		err = ext2_inode_store(ip, &d);
	} else {
		struct buf *b;

		err = ext2_bread_lblk(ip, 0, true, &b);
		if (!err && !b)
			err = -EIO;
		if (!err) {
			memcpy(b->data, target, tlen);
			ext2_dirty_meta(ip, b);
			brelse(b);
			d = ip->d;
			ext2_set_isize(ip->fs, &d, tlen);
			err = ext2_inode_store(ip, &d);
		}
	}
	if (!err)
		err =
		    ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode, &slot);
	if (err) {
		discard_new(ip);
		return err;
	}
	give(ip, out);
	return 0;
}

int ext2_link(struct ext2_inode *ip, struct ext2_inode *dir, const char *name,
	      size_t len)
{
	struct ext2_dir_slot slot;
	int err;

	if (ip->fs != dir->fs)
		return -EXDEV;
	if (EXT2_ISDIR(ip->d.i_mode))
		return -EPERM;
	err = may_create(dir, name, len, &slot);
	if (err)
		return err;
	if (ip->d.i_links_count == 0)
		return -ENOENT;
	if (ip->d.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_dir_add(dir, name, len, ip->ino, ip->d.i_mode, &slot);
	if (err)
		return err;
	return set_links(ip, 1);
}

/* Look up name in dir for removal: the inode, held. */
static int victim(struct ext2_inode *dir, const char *name, size_t len,
		  struct ext2_inode **out)
{
	int err = check_dir(dir);

	if (!err)
		err = check_name(name, len);
	if (!err)
		err = ext2_lookup(dir, name, len, out);
	return err;
}

int ext2_unlink(struct ext2_inode *dir, const char *name, size_t len)
{
	struct ext2_inode *ip;
	int err;

	if (is_dot(name, len) || is_dotdot(name, len))
		return EXT2_ISDIR(dir->d.i_mode) ? -EISDIR : -ENOTDIR;
	err = victim(dir, name, len, &ip);
	if (err)
		return err;
	if (EXT2_ISDIR(ip->d.i_mode)) {
		ext2_iput(ip);
		return -EISDIR;
	}
	err = ext2_dir_remove(dir, name, len);
	if (!err)
		err = set_links(ip, -1);
	ext2_iput(ip);
	return err;
}

int ext2_rmdir(struct ext2_inode *dir, const char *name, size_t len)
{
	struct ext2_inode *ip;
	struct ext2_dinode d;
	int err;

	if (!EXT2_ISDIR(dir->d.i_mode))
		return -ENOTDIR;
	if (is_dot(name, len))
		return -EINVAL;
	if (is_dotdot(name, len))
		return -ENOTEMPTY;
	err = victim(dir, name, len, &ip);
	if (err)
		return err;
	if (!EXT2_ISDIR(ip->d.i_mode))
		err = -ENOTDIR;
	else if (ip->ino == EXT2_ROOT_INO)
		err = -EBUSY;
	else
		err = ext2_dir_is_empty(ip);
	if (err == 0)
		err = -ENOTEMPTY;
	if (err == 1)
		err = ext2_dir_remove(dir, name, len);
	if (!err) {
		d = ip->d;
		d.i_links_count = 0;
		d.i_ctime = ext2_now();
		ext2_inode_store(ip, &d);
		set_links(dir, -1);
	}
	ext2_iput(ip);
	return err;
}

/*
 * Is directory anc an ancestor of directory ino (or ino itself)? Walks
 * ".." up to the root: 1, 0, or -EIO (a loop or a broken chain).
 */
static int is_ancestor(struct ext2_fs *fs, uint32_t anc, uint32_t ino)
{
	for (uint32_t steps = 0; steps < 65536; steps++) {
		struct ext2_inode *ip;
		uint32_t parent;
		int err;

		if (ino == anc)
			return 1;
		if (ino == EXT2_ROOT_INO)
			return 0;
		err = ext2_iget(fs, ino, &ip);
		if (err)
			return err;
		err = EXT2_ISDIR(ip->d.i_mode)
			  ? ext2_dir_find(ip, "..", 2, &parent, NULL)
			  : -EIO;
		ext2_iput(ip);
		if (err)
			return err == -ENOENT ? -EIO : err;
		ino = parent;
	}
	ext2_error(fs, ino, "directory loop");
	return -EIO;
}

static int rename_checks(struct ext2_inode *odir, const char *oname,
			 size_t olen, struct ext2_inode *ndir,
			 const char *nname, size_t nlen, unsigned flags)
{
	int err;

	if (flags & ~EXT2_RENAME_NOREPLACE)
		return -EINVAL;
	if (odir->fs != ndir->fs)
		return -EXDEV;
	err = check_dir(odir);
	if (!err)
		err = check_dir(ndir);
	if (!err)
		err = check_name(oname, olen);
	if (!err)
		err = check_name(nname, nlen);
	if (err)
		return err;
	if (is_dot(oname, olen) || is_dotdot(oname, olen) ||
	    is_dot(nname, nlen) || is_dotdot(nname, nlen))
		return -EBUSY;
	return 0;
}

/* The moves Linux forbids across the tree: a directory into its own
 * subtree (EINVAL), or over a directory that holds the source (ENOTEMPTY). */
static int rename_tree_ok(struct ext2_inode *old, struct ext2_inode *victim,
			  struct ext2_inode *odir, struct ext2_inode *ndir)
{
	struct ext2_fs *fs = odir->fs;
	int err;

	if (EXT2_ISDIR(old->d.i_mode)) {
		err = is_ancestor(fs, old->ino, ndir->ino);
		if (err)
			return err == 1 ? -EINVAL : err;
	}
	if (victim && EXT2_ISDIR(victim->d.i_mode)) {
		err = is_ancestor(fs, victim->ino, odir->ino);
		if (err)
			return err == 1 ? -ENOTEMPTY : err;
	}
	return 0;
}

/* Make the new name point at old: over victim (same kind; a directory
 * must be empty, and goes) or as a new entry in ndir. */
static int rename_link_new(struct ext2_inode *old, struct ext2_inode *victim,
			   struct ext2_inode *odir, struct ext2_inode *ndir,
			   const char *nname, size_t nlen)
{
	bool isdir = EXT2_ISDIR(old->d.i_mode), vdir;
	int err;

	if (!victim) {
		if (isdir && odir != ndir &&
		    ndir->d.i_links_count >= EXT2_LINK_MAX)
			return -EMLINK;
		return ext2_dir_add(ndir, nname, nlen, old->ino, old->d.i_mode,
				    NULL);
	}
	vdir = EXT2_ISDIR(victim->d.i_mode);
	if (isdir != vdir)
		return isdir ? -ENOTDIR : -EISDIR;
	if (vdir && ext2_dir_is_empty(victim) != 1)
		return -ENOTEMPTY;
	err = ext2_dir_set(ndir, nname, nlen, old->ino, old->d.i_mode);
	if (err)
		return err;
	set_links(victim, vdir ? -(int)victim->d.i_links_count : -1);
	if (vdir)
		set_links(ndir, -1); /* its ".." */
	return 0;
}

int ext2_rename(struct ext2_inode *odir, const char *oname, size_t olen,
		struct ext2_inode *ndir, const char *nname, size_t nlen,
		unsigned flags)
{
	struct ext2_inode *old = NULL, *victim = NULL;
	uint32_t nino;
	int err = rename_checks(odir, oname, olen, ndir, nname, nlen, flags);

	if (err)
		return err;
	err = ext2_lookup(odir, oname, olen, &old);
	if (err)
		return err;
	err = ext2_dir_find(ndir, nname, nlen, &nino, NULL);
	if (err == 0 && (flags & EXT2_RENAME_NOREPLACE))
		err = -EEXIST;
	else if (err == 0)
		err = entry_inode(ndir, nino, &victim);
	else if (err == -ENOENT)
		err = 0;
	if (!err)
		err = rename_tree_ok(old, victim, odir, ndir);
	if (err || victim == old)
		goto out; /* an error, or the same inode: nothing to do */
	err = rename_link_new(old, victim, odir, ndir, nname, nlen);
	if (err)
		goto out;
	err = ext2_dir_remove(odir, oname, olen);
	set_links(old, 0); /* ctime */
	if (!err && EXT2_ISDIR(old->d.i_mode) && odir != ndir) {
		err = ext2_dir_set(old, "..", 2, ndir->ino, EXT2_S_IFDIR);
		set_links(odir, -1);
		set_links(ndir, 1);
	}
out:
	if (victim)
		ext2_iput(victim);
	ext2_iput(old);
	return err;
}
