/*
 * namei.c - path resolution. A walk holds one reference on the
 * directory it stands in (w->cur) and reads components from a stack of
 * frames: the path itself, then the body of each symlink being followed
 * (in a page of its own). A component is the last one when no frame has
 * another; only then may VFS_NOFOLLOW keep a symlink, and a slash after
 * it demands a directory. Mounts are crossed downwards after every step
 * (the vnode a mount covers is never the result) and upwards by "..".
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "internal.h"

struct frame {
	const char *s;
	size_t pos, len;
	char *page; /* the symlink body's page, NULL for the path */
};

struct walk {
	const struct vfs_ctx *ctx;
	struct vnode *root; /* the caller's root, referenced */
	struct vnode *cur;  /* referenced */
	unsigned flags;
	int nlinks;    /* symlinks followed so far */
	int depth;     /* top frame; -1 when every frame is done */
	bool want_dir; /* a slash followed the last component */
	struct frame fr[VFS_MAXSYMLINKS + 1];
};

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

bool vfs_is_mount_root(const struct vnode *v)
{
	return v == v->sb->root;
}

struct vnode *vfs_cross_mounts(struct vnode *v)
{
	while (v->mounted) {
		struct vnode *top = vnode_get(v->mounted->sb->root);

		vnode_put(v);
		v = top;
	}
	return v;
}

/* Replace the walk's current directory by v (whose reference moves). */
static void set_cur(struct walk *w, struct vnode *v)
{
	vnode_put(w->cur);
	w->cur = v;
}

static void skip_slashes(struct frame *f)
{
	while (f->pos < f->len && f->s[f->pos] == '/')
		f->pos++;
}

static void pop_frame(struct walk *w)
{
	vfs_page_free(w->fr[w->depth].page);
	w->depth--;
}

/* Do the frames below the top one hold nothing but slashes? */
static bool lower_frames_done(struct walk *w)
{
	for (int i = w->depth - 1; i >= 0; i--) {
		skip_slashes(&w->fr[i]);
		if (w->fr[i].pos < w->fr[i].len)
			return false;
	}
	return true;
}

/* The next component: false when the walk is over. */
static bool next_comp(struct walk *w, const char **name, size_t *len,
		      bool *last)
{
	while (w->depth >= 0) {
		struct frame *f = &w->fr[w->depth];
		size_t start;
		bool slash;

		skip_slashes(f);
		if (f->pos == f->len) {
			pop_frame(w);
			continue;
		}
		start = f->pos;
		while (f->pos < f->len && f->s[f->pos] != '/')
			f->pos++;
		*name = f->s + start;
		*len = f->pos - start;
		slash = f->pos < f->len;
		skip_slashes(f);
		*last = f->pos == f->len && lower_frames_done(w);
		if (*last && slash)
			w->want_dir = true;
		return true;
	}
	return false;
}

/* Continue the walk in the body of symlink link (reference dropped). */
static int follow(struct walk *w, struct vnode *link)
{
	char *page;
	long len;

	if (++w->nlinks > VFS_MAXSYMLINKS) {
		vnode_put(link);
		return -ELOOP;
	}
	page = vfs_page_alloc();
	len = !page		    ? -ENOMEM
	      : link->ops->readlink ? link->ops->readlink(link, page, PAGE_SIZE)
				    : -EINVAL;
	vnode_put(link);
	if (len <= 0) {
		vfs_page_free(page);
		return len ? (int)len : -ENOENT;
	}
	w->depth++;
	w->fr[w->depth] = (struct frame){page, 0, (size_t)len, page};
	if (page[0] == '/')
		set_cur(w, vnode_get(w->root));
	return 0;
}

/* "..": stay at the caller's root and at the root of the tree, leave a
 * mounted file system through the directory it covers. */
static int dotdot(struct walk *w)
{
	struct vnode *up;
	int err;

	for (;;) {
		struct vmount *m = w->cur->sb->mount;

		if (w->cur == w->root)
			return 0;
		if (!vfs_is_mount_root(w->cur))
			break;
		if (!m || !m->covered)
			return 0;
		set_cur(w, vnode_get(m->covered));
	}
	if (!w->cur->ops->lookup)
		return -ENOENT;
	err = w->cur->ops->lookup(w->cur, "..", 2, &up);
	if (!err)
		set_cur(w, vfs_cross_mounts(up));
	return err;
}

static int step(struct walk *w, const char *name, size_t len, bool last)
{
	struct vnode *cur = w->cur, *next;
	int err;

	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!VFS_ISDIR(cur->mode))
		return -ENOTDIR;
	err = vnode_permission(&w->ctx->cred, cur, VFS_MAY_EXEC);
	if (err)
		return err;
	if (is_dot(name, len))
		return 0;
	if (is_dotdot(name, len))
		return dotdot(w);
	if (!cur->ops->lookup)
		return -ENOTDIR;
	err = cur->ops->lookup(cur, name, len, &next);
	if (err)
		return err;
	next = vfs_cross_mounts(next);
	if (VFS_ISLNK(next->mode) &&
	    (!last || w->want_dir || !(w->flags & VFS_NOFOLLOW)))
		return follow(w, next);
	set_cur(w, next);
	return 0;
}

/* Set up a walk of the first len characters of path (absolute if path
 * is) from start (NULL: the cwd). */
static int walk_begin(struct walk *w, const struct vfs_ctx *ctx,
		      struct vnode *start, const char *path, size_t len)
{
	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	w->root = ctx->root ? vnode_get(ctx->root) : vfs_root();
	if (!w->root)
		return -ENOENT;
	if (!start)
		start = ctx->cwd ? ctx->cwd : w->root;
	w->cur = vnode_get(path[0] == '/' ? w->root : start);
	w->fr[0] = (struct frame){path, 0, len, NULL};
	return 0;
}

/* Walk to the end; on error drop everything. */
static int walk_run(struct walk *w)
{
	const char *name;
	size_t len;
	bool last;
	int err = 0;

	while (!err && next_comp(w, &name, &len, &last))
		err = step(w, name, len, last);
	if (!err && (w->want_dir || (w->flags & VFS_DIRECTORY)) &&
	    !VFS_ISDIR(w->cur->mode))
		err = -ENOTDIR;
	while (w->depth >= 0)
		pop_frame(w);
	vnode_put(w->root);
	if (err)
		vnode_put(w->cur);
	return err;
}

static int check_path(const char *path)
{
	size_t len = strnlen(path, VFS_PATH_MAX);

	if (len == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	return len ? 0 : -ENOENT;
}

int vfs_lookup(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       unsigned flags, struct vnode **out)
{
	struct walk w;
	int err = check_path(path);

	if (!err)
		err = walk_begin(&w, ctx, start, path, strlen(path));
	if (err)
		return err;
	w.flags = flags;
	err = walk_run(&w);
	if (!err)
		*out = w.cur;
	return err;
}

/* Split off the last name of path (len > 0) into l. The prefix's end. */
static size_t split_last(const char *path, size_t len, struct vfs_last *l)
{
	size_t end, s;

	for (end = len; end > 0 && path[end - 1] == '/'; end--)
		;
	for (s = end; s > 0 && path[s - 1] != '/'; s--)
		;
	l->name = path + s;
	l->len = end - s;
	l->trailing = s < end && end < len;
	if (l->len == 0)
		l->type = VFS_LAST_ROOT;
	else if (is_dot(l->name, l->len))
		l->type = VFS_LAST_DOT;
	else if (is_dotdot(l->name, l->len))
		l->type = VFS_LAST_DOTDOT;
	else
		l->type = VFS_LAST_NORM;
	return s;
}

int vfs_lookup_parent(const struct vfs_ctx *ctx, struct vnode *start,
		      const char *path, struct vfs_last *l)
{
	struct walk w;
	size_t prefix;
	int err = check_path(path);

	if (err)
		return err;
	prefix = split_last(path, strlen(path), l);
	if (l->len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	err = walk_begin(&w, ctx, start, path, prefix);
	if (err)
		return err;
	w.flags = VFS_DIRECTORY;
	err = walk_run(&w);
	if (!err)
		l->dir = w.cur;
	return err;
}

void vfs_last_put(struct vfs_last *l)
{
	vnode_put(l->dir);
	l->dir = NULL;
}
