/*
 * file_name.c - the name an open file was opened by, for /proc/PID/fd/N
 * and /proc/PID/exe (Linux's d_path of the file).
 *
 * The VFS keeps no names of files (no dentries), so an open through a
 * path remembers the directory it started from (referenced; NULL: the
 * caller's root) and the path as given. The name is made when asked: the
 * start directory's path now (so renamed directories are named anew),
 * the given path after it, "." and ".." and repeated slashes taken out
 * as written. Guarantees: a name is absolute and NUL-terminated; a file
 * opened without a path has none (-ENOENT); what is remembered goes with
 * the file's last reference.
 */
#include <fs/vfs/file.h>
#include <fs/vfs/vnode.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define NAME_MAX_KEPT 1024 /* longer paths are not remembered */

int vfile_set_name(struct vfile *f, struct vnode *at, const char *path)
{
	size_t len = strlen(path);
	char *copy;

	if (len >= NAME_MAX_KEPT || f->name)
		return -ENAMETOOLONG;
	copy = slab_alloc(len + 1);
	if (!copy)
		return -ENOMEM;
	USE(copy, memcpy(copy, path, len + 1));
	USE(f, {
		f->name = copy;
		f->name_at = path[0] == '/' || !at ? NULL : vnode_get(at);
	});
	return 0;
}

void vfile_forget_name(struct vfile *f)
{
	if (!f->name)
		return;
	vnode_put(f->name_at);
	slab_free(f->name, strlen(f->name) + 1);
	USE(f, {
		f->name = NULL;
		f->name_at = NULL;
	});
}

/* Append component [s, s + len) to the absolute path in buf (length
 * *n), resolving "." and "..": 0 or -ENAMETOOLONG. */
static int add_component(char *buf, size_t size, size_t *n, const char *s,
			 size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.'))
		return 0;
	if (len == 2 && s[0] == '.' && s[1] == '.') {
		while (*n > 1 && buf[*n - 1] != '/')
			(*n)--;
		if (*n > 1)
			(*n)--; /* the slash before the dropped component */
		buf[*n] = '\0';
		return 0;
	}
	if (*n + (*n > 1) + len + 1 > size)
		return -ENAMETOOLONG;
	if (*n > 1)
		buf[(*n)++] = '/';
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
	return 0;
}

int vfile_path(struct vfile *f, const struct vfs_ctx *ctx, char *buf,
	       size_t size)
{
	const char *s;
	size_t n;
	int err = 0;

	if (!f->name)
		return -ENOENT;
	if (size < 2)
		return -ERANGE;
	if (f->name_at)
		err = vfs_dir_path(ctx, f->name_at, buf, size);
	else
		memcpy(buf, "/", 2);
	n = strlen(buf);
	for (s = f->name; !err && *s;) {
		const char *e = s;

		while (*e && *e != '/')
			e++;
		err = add_component(buf, size, &n, s, (size_t)(e - s));
		s = *e ? e + 1 : e;
	}
	return err;
}
