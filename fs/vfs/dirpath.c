/*
 * dirpath.c - the absolute path of a directory (getcwd, the targets of
 * /proc/mounts): climb by ".." to the caller's root, leaving mounted
 * file systems through the directory they cover, and find each
 * directory's name in its parent by its inode number.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include "internal.h"

struct name_search {
	uint64_t ino;
	char *buf;
	size_t pos; /* the path is built backwards from buf[pos] */
	int err;    /* -ENOENT until found, then 0 or -ERANGE */
};

static int prepend_if_match(void *arg, const char *name, size_t len,
			    uint64_t ino, unsigned type, uint64_t next)
{
	struct name_search *s = arg;

	(void)type;
	(void)next;
	if (ino != s->ino || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (s->pos < len + 1) {
		s->err = -ERANGE;
		return 1;
	}
	s->pos -= len;
	memcpy(s->buf + s->pos, name, len);
	s->buf[--s->pos] = '/';
	s->err = 0;
	return 1;
}

/* One step up from v (not a mount root): its name prepended, *up set. */
static int step_up(struct vnode *v, struct name_search *s, struct vnode **up)
{
	uint64_t pos = 0;
	int err = v->ops->lookup ? v->ops->lookup(v, "..", 2, up) : -ENOENT;

	if (err)
		return err;
	s->ino = v->ino;
	s->err = -ENOENT;
	err = (*up)->ops->readdir
		  ? (*up)->ops->readdir(*up, &pos, prepend_if_match, s)
		  : -ENOTDIR;
	if (!err)
		err = s->err;
	if (err)
		vnode_put(*up);
	return err;
}

static int climb(struct vnode *v, struct vnode *root, struct name_search *s)
{
	int err = 0;

	vnode_get(v);
	while (!err && v != root) {
		struct vnode *up;

		if (vfs_is_mount_root(v)) {
			struct vmount *m = v->sb->mount;

			if (!m || !m->covered)
				break;
			up = vnode_get(m->covered);
		} else if ((err = step_up(v, s, &up))) {
			break;
		}
		vnode_put(v);
		v = up;
	}
	vnode_put(v);
	return err;
}

int vfs_dir_path(const struct vfs_ctx *ctx, struct vnode *dir, char *buf,
		 size_t size)
{
	struct vnode *root = ctx->root ? vnode_get(ctx->root) : vfs_root();
	struct name_search s = {0, buf, size, 0};
	int err;

	if (!VFS_ISDIR(dir->mode))
		err = -ENOTDIR;
	else if (size < 2)
		err = -ERANGE;
	else
		err = root ? 0 : -ENOENT;
	if (!err) {
		buf[--s.pos] = '\0';
		err = climb(dir, root, &s);
	}
	if (!err && s.pos == size - 1)
		buf[--s.pos] = '/';
	if (!err)
		memmove(buf, buf + s.pos, size - s.pos);
	vnode_put(root);
	return err;
}
