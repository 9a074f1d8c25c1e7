/*
 * internal.h - the structures shared by the files of fs/ramfs/. Nodes, entries
 * and instances are slab objects, so every write to them is wrapped in
 * USE(); file contents are whole pages outside the slab.
 */
#ifndef FS_RAMFS_INTERNAL_H
#define FS_RAMFS_INTERNAL_H

#include <fs/ramfs.h>
#include <mm/slab.h>

/* A name in a directory. Entries are kept in cookie order. */
struct ramfs_dirent {
	struct ramfs_dirent *next;
	struct ramfs_node *node;
	uint32_t cookie; /* readdir position; never reused within the dir */
	uint16_t namelen;
	char name[]; /* NUL-terminated */
};

struct ramfs_node {
	struct ramfs_node *next_node, *prev_node; /* every node of fs */
	struct ramfs *fs;
	uint32_t ino, mode, uid, gid, nlink, rdev;
	uint32_t refs; /* open references */
	uint32_t atime, mtime, ctime;
	uint64_t size;
	/* Directories. */
	struct ramfs_node *parent; /* directories have exactly one */
	struct ramfs_dirent *entries;
	uint32_t next_cookie;
	/* Regular files and symlinks: index of data pages (0 = hole). */
	paddr_t index_pa;
	uint32_t index_pages;
	bool mapped; /* ramfs_page gave a page to a mapping once */
};

struct ramfs {
	struct ramfs *next_fs; /* every instance, for the sanity walk */
	struct ramfs_node *root;
	struct ramfs_node *nodes;
	uint32_t next_ino;
	uint32_t clock; /* bumped by every change: the "time" of stat */
};

/* fs/ramfs/ramfs.c */
struct ramfs_node *ramfs_node_new(struct ramfs *fs, uint32_t mode);
/* Free n if it has neither links nor open references. */
void ramfs_node_maybe_free(struct ramfs_node *n);
uint32_t ramfs_tick(struct ramfs *fs);
void ramfs_touch(struct ramfs_node *n); /* mtime = ctime = now */
struct ramfs_dirent *ramfs_dir_find(struct ramfs_node *dir, const char *name,
				    size_t len);
/* Add an entry (takes a link on n; a directory n gets dir as parent). */
int ramfs_dir_add(struct ramfs_node *dir, const char *name, size_t len,
		  struct ramfs_node *n);
/* Remove the entry and drop its link (frees the node if unused). */
void ramfs_dir_remove(struct ramfs_node *dir, struct ramfs_dirent *d);
/* Rename: move entry d of odir to name in ndir (fixing ".." links). */
int ramfs_dir_move(struct ramfs_node *odir, struct ramfs_dirent *d,
		   struct ramfs_node *ndir, const char *name, size_t len);
bool ramfs_dir_empty(const struct ramfs_node *dir);

/* fs/ramfs/path.c: a symlink whose target is not NUL-terminated. */
int ramfs_symlink_n(struct ramfs *fs, const char *cwd, const char *target,
		    size_t tlen, const char *path);

/* fs/ramfs/data.c */
void ramfs_data_free(struct ramfs_node *n);
struct sanity;
void ramfs_data_sanity(struct sanity *s, const struct ramfs_node *n);
/* A symlink's target, in place (size bytes, < PAGE_SIZE). */
const char *ramfs_link_target(const struct ramfs_node *n);
/* Store a new symlink's target (0 < len < PAGE_SIZE). */
int ramfs_set_target(struct ramfs_node *n, const char *target, size_t len);

#endif
