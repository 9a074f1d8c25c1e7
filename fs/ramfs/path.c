/*
 * path.c - path lookup and the name space operations of ramfs:
 * ".", "..", repeated and trailing slashes, symlinks (nested at most
 * RAMFS_SYMLINK_DEPTH deep, else -ELOOP), paths relative to a cwd string,
 * and create / link / unlink / rmdir / rename with Linux's errors.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include "internal.h"

/* The last component of a path, as split by lookup_parent(). */
struct last {
	struct ramfs_node *dir;
	const char *name;
	size_t len;    /* 0 for "/" */
	bool trailing; /* the path ended in '/' */
};

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

static bool is_dots(const char *name, size_t len)
{
	return is_dot(name, len) || is_dotdot(name, len);
}

/* Index of the first character at or after i that is not a slash. */
static size_t skip_slashes(const char *path, size_t i, size_t len)
{
	while (i < len && path[i] == '/')
		i++;
	return i;
}

static int walk(struct ramfs *fs, struct ramfs_node *cur, const char *path,
		size_t len, int flags, int depth, struct ramfs_node **out);

/* Step from directory cur to the entry name (following a symlink if
 * follow), in *next. */
static int step(struct ramfs *fs, struct ramfs_node *cur, const char *name,
		size_t clen, bool follow, int depth, struct ramfs_node **next)
{
	struct ramfs_dirent *d;
	struct ramfs_node *child;

	if (clen > RAMFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!RAMFS_ISDIR(cur->mode))
		return -ENOTDIR;
	if (is_dot(name, clen)) {
		*next = cur;
		return 0;
	}
	if (is_dotdot(name, clen)) {
		/* A removed directory has no parent any more. */
		if (!cur->parent)
			return -ENOENT;
		*next = cur->parent;
		return 0;
	}
	d = ramfs_dir_find(cur, name, clen);
	if (!d)
		return -ENOENT;
	child = d->node;
	if (RAMFS_ISLNK(child->mode) && follow) {
		if (depth >= RAMFS_SYMLINK_DEPTH)
			return -ELOOP;
		return walk(fs, cur, ramfs_link_target(child),
			    (size_t)child->size, 0, depth + 1, next);
	}
	*next = child;
	return 0;
}

static int walk(struct ramfs *fs, struct ramfs_node *cur, const char *path,
		size_t len, int flags, int depth, struct ramfs_node **out)
{
	size_t i = 0;

	if (len && path[0] == '/')
		cur = fs->root;
	for (;;) {
		size_t start, after;
		bool last, trailing, follow;
		int err;

		i = skip_slashes(path, i, len);
		if (i == len)
			break;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		after = skip_slashes(path, i, len);
		last = after == len;
		trailing = i < len;
		follow = !last || trailing || !(flags & RAMFS_NOFOLLOW);
		err =
		    step(fs, cur, path + start, i - start, follow, depth, &cur);
		if (err)
			return err;
		if (last && trailing && !RAMFS_ISDIR(cur->mode))
			return -ENOTDIR;
	}
	*out = cur;
	return 0;
}

static int check_path(const char *path)
{
	size_t len = strnlen(path, RAMFS_PATH_MAX);

	if (len == RAMFS_PATH_MAX)
		return -ENAMETOOLONG;
	return len ? 0 : -ENOENT;
}

/* The directory relative paths start from. */
static int start_dir(struct ramfs *fs, const char *cwd, const char *path,
		     struct ramfs_node **out)
{
	int err;

	if (path[0] == '/' || !cwd) {
		*out = fs->root;
		return 0;
	}
	err = walk(fs, fs->root, cwd, strlen(cwd), 0, 0, out);
	if (!err && !RAMFS_ISDIR((*out)->mode))
		err = -ENOTDIR;
	return err;
}

int ramfs_lookup(struct ramfs *fs, const char *cwd, const char *path, int flags,
		 struct ramfs_node **out)
{
	struct ramfs_node *base;
	int err = check_path(path);

	if (!err)
		err = start_dir(fs, cwd, path, &base);
	if (!err)
		err = walk(fs, base, path, strlen(path), flags, 0, out);
	return err;
}

/* Resolve everything but the last component. */
static int lookup_parent(struct ramfs *fs, const char *cwd, const char *path,
			 struct last *l)
{
	struct ramfs_node *base;
	size_t len, end, s;
	int err = check_path(path);

	if (!err)
		err = start_dir(fs, cwd, path, &base);
	if (err)
		return err;
	len = strlen(path);
	for (end = len; end > 0 && path[end - 1] == '/'; end--)
		;
	for (s = end; s > 0 && path[s - 1] != '/'; s--)
		;
	l->name = path + s;
	l->len = end - s;
	l->trailing = end < len;
	if (l->len > RAMFS_NAME_MAX)
		return -ENAMETOOLONG;
	err = walk(fs, base, path, s, 0, 0, &l->dir);
	if (!err && !RAMFS_ISDIR(l->dir->mode))
		err = -ENOTDIR;
	return err;
}

/* Common start of every creation: the parent, and the name free. */
static int create_parent(struct ramfs *fs, const char *cwd, const char *path,
			 struct last *l)
{
	int err = lookup_parent(fs, cwd, path, l);

	if (err)
		return err;
	if (l->len == 0 || is_dots(l->name, l->len) ||
	    ramfs_dir_find(l->dir, l->name, l->len))
		return -EEXIST;
	if (!l->dir->parent)
		return -ENOENT; /* the directory was removed */
	return 0;
}

/* Link a fresh node into l->dir, or free it. */
static int add_new(struct last *l, struct ramfs_node *n)
{
	int err = ramfs_dir_add(l->dir, l->name, l->len, n);

	if (err)
		ramfs_node_maybe_free(n);
	return err;
}

int ramfs_mknod(struct ramfs *fs, const char *cwd, const char *path,
		uint32_t mode, uint32_t rdev, struct ramfs_node **out)
{
	uint32_t type = mode & RAMFS_S_IFMT;
	struct ramfs_node *n;
	struct last l;
	int err;

	if (!type)
		type = RAMFS_S_IFREG;
	if (type == RAMFS_S_IFDIR || type == RAMFS_S_IFLNK)
		return -EINVAL;
	err = create_parent(fs, cwd, path, &l);
	if (!err && l.trailing)
		err = -EISDIR;
	if (err)
		return err;
	n = ramfs_node_new(fs, type | (mode & RAMFS_MODE_BITS));
	if (!n)
		return -ENOSPC;
	if (type != RAMFS_S_IFREG)
		USE(n, n->rdev = rdev);
	err = add_new(&l, n);
	if (!err && out)
		*out = n;
	return err;
}

int ramfs_mkdir(struct ramfs *fs, const char *cwd, const char *path,
		uint32_t mode)
{
	struct ramfs_node *n;
	struct last l;
	int err = create_parent(fs, cwd, path, &l);

	if (err)
		return err;
	n = ramfs_node_new(fs, RAMFS_S_IFDIR | (mode & RAMFS_MODE_BITS));
	if (!n)
		return -ENOSPC;
	return add_new(&l, n);
}

int ramfs_symlink(struct ramfs *fs, const char *cwd, const char *target,
		  const char *path)
{
	return ramfs_symlink_n(fs, cwd, target, strnlen(target, PAGE_SIZE),
			       path);
}

int ramfs_symlink_n(struct ramfs *fs, const char *cwd, const char *target,
		    size_t tlen, const char *path)
{
	struct ramfs_node *n;
	struct last l;
	int err;

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PAGE_SIZE)
		return -ENAMETOOLONG;
	err = create_parent(fs, cwd, path, &l);
	if (!err && l.trailing)
		err = -ENOENT;
	if (err)
		return err;
	n = ramfs_node_new(fs, RAMFS_S_IFLNK | 0777);
	if (!n)
		return -ENOSPC;
	err = ramfs_set_target(n, target, tlen);
	if (err) {
		ramfs_node_maybe_free(n);
		return err;
	}
	return add_new(&l, n);
}

int ramfs_link_node(struct ramfs *fs, const char *cwd, struct ramfs_node *n,
		    const char *newpath)
{
	struct last l;
	int err;

	if (RAMFS_ISDIR(n->mode))
		return -EPERM;
	err = create_parent(fs, cwd, newpath, &l);
	if (!err && l.trailing)
		err = -ENOENT;
	if (!err)
		err = ramfs_dir_add(l.dir, l.name, l.len, n);
	return err;
}

int ramfs_link(struct ramfs *fs, const char *cwd, const char *oldpath,
	       const char *newpath)
{
	struct ramfs_node *n;
	int err = ramfs_lookup(fs, cwd, oldpath, RAMFS_NOFOLLOW, &n);

	return err ? err : ramfs_link_node(fs, cwd, n, newpath);
}

int ramfs_unlink(struct ramfs *fs, const char *cwd, const char *path)
{
	struct ramfs_dirent *d;
	struct last l;
	int err = lookup_parent(fs, cwd, path, &l);

	if (err)
		return err;
	if (l.len == 0 || is_dots(l.name, l.len))
		return -EISDIR;
	d = ramfs_dir_find(l.dir, l.name, l.len);
	if (!d)
		return -ENOENT;
	if (RAMFS_ISDIR(d->node->mode))
		return -EISDIR;
	if (l.trailing)
		return -ENOTDIR;
	ramfs_dir_remove(l.dir, d);
	return 0;
}

int ramfs_rmdir(struct ramfs *fs, const char *cwd, const char *path)
{
	struct ramfs_dirent *d;
	struct last l;
	int err = lookup_parent(fs, cwd, path, &l);

	if (err)
		return err;
	if (l.len == 0)
		return -EBUSY;
	if (is_dot(l.name, l.len))
		return -EINVAL;
	if (is_dotdot(l.name, l.len))
		return -ENOTEMPTY;
	d = ramfs_dir_find(l.dir, l.name, l.len);
	if (!d)
		return -ENOENT;
	if (!RAMFS_ISDIR(d->node->mode))
		return -ENOTDIR;
	if (!ramfs_dir_empty(d->node))
		return -ENOTEMPTY;
	ramfs_dir_remove(l.dir, d);
	return 0;
}

/* Would moving directory n into dir put it inside itself? */
static bool is_ancestor(struct ramfs_node *n, struct ramfs_node *dir)
{
	for (struct ramfs_node *p = dir; p; p = p->parent) {
		if (p == n)
			return true;
		if (p == p->parent)
			break; /* the root */
	}
	return false;
}

/* May the entry ne (or none) of the target be replaced by node o? */
static int check_replace(struct ramfs_node *o, struct ramfs_dirent *ne)
{
	if (!ne)
		return 0;
	if (RAMFS_ISDIR(o->mode)) {
		if (!RAMFS_ISDIR(ne->node->mode))
			return -ENOTDIR;
		if (!ramfs_dir_empty(ne->node))
			return -ENOTEMPTY;
	} else if (RAMFS_ISDIR(ne->node->mode)) {
		return -EISDIR;
	}
	return 0;
}

int ramfs_rename(struct ramfs *fs, const char *cwd, const char *oldpath,
		 const char *newpath)
{
	struct ramfs_dirent *od, *ne;
	struct ramfs_node *o;
	struct last ol, nl;
	int err = lookup_parent(fs, cwd, oldpath, &ol);

	if (!err)
		err = lookup_parent(fs, cwd, newpath, &nl);
	if (err)
		return err;
	if (ol.len == 0 || nl.len == 0)
		return -EBUSY;
	if (is_dots(ol.name, ol.len) || is_dots(nl.name, nl.len))
		return -EINVAL;
	od = ramfs_dir_find(ol.dir, ol.name, ol.len);
	if (!od)
		return -ENOENT;
	o = od->node;
	if ((ol.trailing || nl.trailing) && !RAMFS_ISDIR(o->mode))
		return -ENOTDIR;
	ne = ramfs_dir_find(nl.dir, nl.name, nl.len);
	if (ne && ne->node == o)
		return 0; /* same file: nothing to do */
	if (RAMFS_ISDIR(o->mode) && is_ancestor(o, nl.dir))
		return -EINVAL;
	if (!nl.dir->parent)
		return -ENOENT;
	err = check_replace(o, ne);
	if (err)
		return err;
	/* Add the new name first so that running out of memory changes
	 * nothing; only then drop the replaced entry. */
	err = ramfs_dir_move(ol.dir, od, nl.dir, nl.name, nl.len);
	if (!err && ne)
		ramfs_dir_remove(nl.dir, ne);
	return err;
}

long ramfs_readlink(struct ramfs *fs, const char *cwd, const char *path,
		    char *buf, size_t size)
{
	struct ramfs_node *n;
	int err = ramfs_lookup(fs, cwd, path, RAMFS_NOFOLLOW, &n);

	if (err)
		return err;
	if (!RAMFS_ISLNK(n->mode))
		return -EINVAL;
	size = MIN(size, (size_t)n->size);
	memcpy(buf, ramfs_link_target(n), size);
	return (long)size;
}

int ramfs_path(struct ramfs_node *dir, char *buf, size_t size)
{
	struct ramfs_node *root = dir->fs->root;
	size_t pos = size;

	if (!RAMFS_ISDIR(dir->mode))
		return -ENOTDIR;
	if (size < 2)
		return -ERANGE;
	buf[--pos] = '\0';
	for (struct ramfs_node *n = dir; n != root;) {
		struct ramfs_node *p = n->parent;
		struct ramfs_dirent *d;

		if (!p)
			return -ENOENT;
		for (d = p->entries; d && d->node != n; d = d->next)
			;
		if (!d)
			return -ENOENT;
		if (pos < (size_t)d->namelen + 1)
			return -ERANGE;
		pos -= d->namelen;
		memcpy(buf + pos, d->name, d->namelen);
		buf[--pos] = '/';
		n = p;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return 0;
}
