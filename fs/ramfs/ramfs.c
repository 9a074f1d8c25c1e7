/*
 * ramfs.c - ramfs instances, nodes (inodes) and directory entries: node
 * life time (links plus open references), stat data and the sanity
 * checker walk that claims every page the file system holds.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/sanity.h>
#include "internal.h"

static struct ramfs *all_fs;

static void ramfs_sanity_walk(struct sanity *s)
{
	for (struct ramfs *fs = all_fs; fs; fs = fs->next_fs)
		for (struct ramfs_node *n = fs->nodes; n; n = n->next_node)
			ramfs_data_sanity(s, n);
}

static struct sanity_owner ramfs_owner = {
    .name = "ramfs",
    .walk = ramfs_sanity_walk,
};

uint32_t ramfs_tick(struct ramfs *fs)
{
	uint32_t t;

	USE(fs, t = ++fs->clock);
	return t;
}

void ramfs_touch(struct ramfs_node *n)
{
	uint32_t t = ramfs_tick(n->fs);

	USE(n, n->mtime = n->ctime = t);
}

struct ramfs_node *ramfs_node_new(struct ramfs *fs, uint32_t mode)
{
	struct ramfs_node *n = slab_zalloc(sizeof(*n));
	uint32_t t, ino;

	if (!n)
		return NULL;
	t = ramfs_tick(fs);
	USE(fs, ino = fs->next_ino++);
	USE(n, {
		n->fs = fs;
		n->ino = ino;
		n->mode = mode;
		n->atime = n->mtime = n->ctime = t;
		n->next_cookie = 2;
		n->next_node = fs->nodes;
	});
	if (fs->nodes)
		USE(fs->nodes, fs->nodes->prev_node = n);
	USE(fs, fs->nodes = n);
	return n;
}

static void node_free(struct ramfs_node *n)
{
	struct ramfs *fs = n->fs;

	ramfs_data_free(n);
	if (n->prev_node)
		USE(n->prev_node, n->prev_node->next_node = n->next_node);
	else
		USE(fs, fs->nodes = n->next_node);
	if (n->next_node)
		USE(n->next_node, n->next_node->prev_node = n->prev_node);
	SLAB_FREE(n);
}

void ramfs_node_maybe_free(struct ramfs_node *n)
{
	if (n->nlink == 0 && n->refs == 0)
		node_free(n);
}

void ramfs_node_get(struct ramfs_node *n)
{
	USE(n, n->refs++);
}

void ramfs_node_put(struct ramfs_node *n)
{
	BUG_ON(n->refs == 0);
	USE(n, n->refs--);
	ramfs_node_maybe_free(n);
}

struct ramfs *ramfs_new(void)
{
	struct ramfs *fs = slab_zalloc(sizeof(*fs));
	struct ramfs_node *root;

	if (!fs)
		return NULL;
	USE(fs, fs->next_ino = 1);
	root = ramfs_node_new(fs, RAMFS_S_IFDIR | 0755);
	if (!root) {
		SLAB_FREE(fs);
		return NULL;
	}
	USE(root, {
		root->parent = root;
		root->nlink = 2;
	});
	USE(fs, {
		fs->root = root;
		fs->next_fs = all_fs;
	});
	all_fs = fs;
	sanity_register(&ramfs_owner);
	return fs;
}

static void free_entries(struct ramfs_node *dir)
{
	struct ramfs_dirent *d = dir->entries, *next;

	for (; d; d = next) {
		next = d->next;
		slab_free(d, sizeof(*d) + d->namelen + 1);
	}
	USE(dir, dir->entries = NULL);
}

void ramfs_destroy(struct ramfs *fs)
{
	for (struct ramfs **pp = &all_fs; *pp; pp = &(*pp)->next_fs) {
		if (*pp == fs) {
			if (pp == &all_fs)
				all_fs = fs->next_fs;
			else
				USE(container_of(pp, struct ramfs, next_fs),
				    *pp = fs->next_fs);
			break;
		}
	}
	while (fs->nodes) {
		if (RAMFS_ISDIR(fs->nodes->mode))
			free_entries(fs->nodes);
		node_free(fs->nodes);
	}
	SLAB_FREE(fs);
	if (!all_fs)
		sanity_unregister(&ramfs_owner);
}

void ramfs_forget_all(void)
{
	all_fs = NULL;
	sanity_unregister(&ramfs_owner);
}

struct ramfs_node *ramfs_root(struct ramfs *fs)
{
	return fs->root;
}

void ramfs_stat(const struct ramfs_node *n, struct ramfs_stat *st)
{
	st->ino = n->ino;
	st->mode = n->mode;
	st->nlink = n->nlink;
	st->uid = n->uid;
	st->gid = n->gid;
	st->rdev = n->rdev;
	st->size = n->size;
	st->atime = n->atime;
	st->mtime = n->mtime;
	st->ctime = n->ctime;
}

uint32_t ramfs_mode(const struct ramfs_node *n)
{
	return n->mode;
}

uint64_t ramfs_size(const struct ramfs_node *n)
{
	return n->size;
}

int ramfs_chmod(struct ramfs_node *n, uint32_t mode)
{
	uint32_t t = ramfs_tick(n->fs);

	USE(n, {
		n->mode = (n->mode & RAMFS_S_IFMT) | (mode & RAMFS_MODE_BITS);
		n->ctime = t;
	});
	return 0;
}

void ramfs_chown(struct ramfs_node *n, uint32_t uid, uint32_t gid)
{
	USE(n, {
		n->uid = uid;
		n->gid = gid;
	});
}

/* --- directory entries ---------------------------------------------- */

struct ramfs_dirent *ramfs_dir_find(struct ramfs_node *dir, const char *name,
				    size_t len)
{
	for (struct ramfs_dirent *d = dir->entries; d; d = d->next)
		if (d->namelen == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

/* Append a new entry for n; no link counts change. */
static int entry_add(struct ramfs_node *dir, const char *name, size_t len,
		     struct ramfs_node *n)
{
	struct ramfs_dirent *d, **tail = &dir->entries;

	if (len > RAMFS_NAME_MAX)
		return -ENAMETOOLONG;
	d = slab_alloc(sizeof(*d) + len + 1);
	if (!d)
		return -ENOMEM;
	USE(d, {
		d->next = NULL;
		d->node = n;
		d->cookie = dir->next_cookie;
		d->namelen = (uint16_t)len;
		memcpy(d->name, name, len);
		d->name[len] = '\0';
	});
	USE(dir, dir->next_cookie++);
	while (*tail)
		tail = &(*tail)->next;
	if (tail == &dir->entries)
		USE(dir, *tail = d);
	else
		USE(container_of(tail, struct ramfs_dirent, next), *tail = d);
	ramfs_touch(dir);
	return 0;
}

/* Take the entry out of dir and free it; no link counts change. */
static void entry_del(struct ramfs_node *dir, struct ramfs_dirent *d)
{
	struct ramfs_dirent **pp = &dir->entries;

	while (*pp != d)
		pp = &(*pp)->next;
	if (pp == &dir->entries)
		USE(dir, *pp = d->next);
	else
		USE(container_of(pp, struct ramfs_dirent, next), *pp = d->next);
	slab_free(d, sizeof(*d) + d->namelen + 1);
	ramfs_touch(dir);
}

int ramfs_dir_add(struct ramfs_node *dir, const char *name, size_t len,
		  struct ramfs_node *n)
{
	int err = entry_add(dir, name, len, n);

	if (err)
		return err;
	if (RAMFS_ISDIR(n->mode)) {
		USE(n, {
			n->parent = dir;
			n->nlink = 2;
		});
		USE(dir, dir->nlink++);
	} else {
		USE(n, n->nlink++);
	}
	ramfs_touch(n);
	return 0;
}

void ramfs_dir_remove(struct ramfs_node *dir, struct ramfs_dirent *d)
{
	struct ramfs_node *n = d->node;

	entry_del(dir, d);
	if (RAMFS_ISDIR(n->mode)) {
		/* Only empty directories are removed: "." and the entry. */
		USE(n, {
			n->nlink = 0;
			n->parent = NULL;
		});
		USE(dir, dir->nlink--);
	} else {
		USE(n, n->nlink--);
	}
	ramfs_touch(n);
	ramfs_node_maybe_free(n);
}

int ramfs_dir_move(struct ramfs_node *odir, struct ramfs_dirent *d,
		   struct ramfs_node *ndir, const char *name, size_t len)
{
	struct ramfs_node *n = d->node;
	int err = entry_add(ndir, name, len, n);

	if (err)
		return err;
	entry_del(odir, d);
	if (RAMFS_ISDIR(n->mode)) {
		USE(odir, odir->nlink--);
		USE(ndir, ndir->nlink++);
		USE(n, n->parent = ndir);
	}
	ramfs_touch(n);
	return 0;
}

bool ramfs_dir_empty(const struct ramfs_node *dir)
{
	return dir->entries == NULL;
}

int ramfs_readdir(struct ramfs_node *dir, uint32_t cookie,
		  struct ramfs_dirent_info *out)
{
	const struct ramfs_dirent *d;

	if (!RAMFS_ISDIR(dir->mode))
		return -ENOTDIR;
	if (cookie < 2) {
		const struct ramfs_node *n = cookie ? dir->parent : dir;

		out->ino = n ? n->ino : dir->ino;
		out->mode = RAMFS_S_IFDIR;
		out->next = cookie + 1;
		out->namelen = cookie + 1;
		out->name = "..";
		return 0;
	}
	for (d = dir->entries; d && d->cookie < cookie; d = d->next)
		;
	if (!d)
		return -ENOENT;
	out->ino = d->node->ino;
	out->mode = d->node->mode;
	out->next = d->cookie + 1;
	out->namelen = d->namelen;
	out->name = d->name;
	return 0;
}
