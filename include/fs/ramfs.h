/*
 * ramfs.h - the in-memory file system tree (fs/ramfs/): directories,
 * regular files whose contents live in whole physical pages, symlinks,
 * device nodes and hard links, with Linux's path lookup rules and errors.
 * Portable: used by the kernel and by the host unit tests.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <kernel/types.h>

/* File types and permission bits, Linux values (octal). */
#define RAMFS_S_IFMT 0170000u
#define RAMFS_S_IFSOCK 0140000u
#define RAMFS_S_IFLNK 0120000u
#define RAMFS_S_IFREG 0100000u
#define RAMFS_S_IFBLK 0060000u
#define RAMFS_S_IFDIR 0040000u
#define RAMFS_S_IFCHR 0020000u
#define RAMFS_S_IFIFO 0010000u
#define RAMFS_MODE_BITS 07777u

#define RAMFS_ISDIR(m) (((m)&RAMFS_S_IFMT) == RAMFS_S_IFDIR)
#define RAMFS_ISREG(m) (((m)&RAMFS_S_IFMT) == RAMFS_S_IFREG)
#define RAMFS_ISLNK(m) (((m)&RAMFS_S_IFMT) == RAMFS_S_IFLNK)
#define RAMFS_ISCHR(m) (((m)&RAMFS_S_IFMT) == RAMFS_S_IFCHR)
#define RAMFS_ISBLK(m) (((m)&RAMFS_S_IFMT) == RAMFS_S_IFBLK)

/* Device numbers in Linux's 32-bit encoding (new_encode_dev). */
#define RAMFS_MKDEV(ma, mi)                                     \
	((((uint32_t)(mi)) & 0xffu) | (((uint32_t)(ma)) << 8) | \
	 ((((uint32_t)(mi)) & ~0xffu) << 12))
#define RAMFS_MAJOR(d) ((((uint32_t)(d)) >> 8) & 0xfffu)
#define RAMFS_MINOR(d) \
	((((uint32_t)(d)) & 0xffu) | ((((uint32_t)(d)) >> 12) & ~0xffu))

#define RAMFS_NAME_MAX 255
#define RAMFS_PATH_MAX 4096
#define RAMFS_SYMLINK_DEPTH 8

/* Lookup flags. */
#define RAMFS_NOFOLLOW 0x1 /* do not follow a symlink in the last component */

struct ramfs;
struct ramfs_node;

struct ramfs_stat {
	uint32_t ino, mode, nlink, uid, gid, rdev;
	uint64_t size;
	uint32_t atime, mtime, ctime; /* a modification counter, not seconds */
};

/* One directory entry as returned by ramfs_readdir(). */
struct ramfs_dirent_info {
	uint32_t ino;
	uint32_t mode; /* only the type bits matter */
	uint32_t next; /* cookie to pass for the entry after this one */
	uint32_t namelen;
	const char *name; /* not NUL-terminated; valid until the dir changes */
};

/* A new, empty file system (root directory mode 0755); NULL without memory. */
struct ramfs *ramfs_new(void);
/* Free every node and page (open references are ignored: tests, teardown). */
void ramfs_destroy(struct ramfs *fs);
/* Host tests: forget every instance without touching its (reset) memory. */
void ramfs_forget_all(void);
struct ramfs_node *ramfs_root(struct ramfs *fs);

/*
 * Path operations. cwd is the absolute path of the directory relative
 * paths start from (NULL means "/"). All return 0 or a negative errno.
 */
int ramfs_lookup(struct ramfs *fs, const char *cwd, const char *path, int flags,
		 struct ramfs_node **out);
/* Create a node of type mode & S_IFMT (regular, char/block device, fifo,
 * socket); -EEXIST if the name exists. *out may be NULL. */
int ramfs_mknod(struct ramfs *fs, const char *cwd, const char *path,
		uint32_t mode, uint32_t rdev, struct ramfs_node **out);
int ramfs_mkdir(struct ramfs *fs, const char *cwd, const char *path,
		uint32_t mode);
int ramfs_symlink(struct ramfs *fs, const char *cwd, const char *target,
		  const char *path);
int ramfs_link(struct ramfs *fs, const char *cwd, const char *oldpath,
	       const char *newpath);
/* Hard link to a node already in hand (cpio hard links). */
int ramfs_link_node(struct ramfs *fs, const char *cwd, struct ramfs_node *n,
		    const char *newpath);
int ramfs_unlink(struct ramfs *fs, const char *cwd, const char *path);
int ramfs_rmdir(struct ramfs *fs, const char *cwd, const char *path);
int ramfs_rename(struct ramfs *fs, const char *cwd, const char *oldpath,
		 const char *newpath);
/* Symlink target into buf (not NUL-terminated): its length, -EINVAL if
 * path is not a symlink. */
long ramfs_readlink(struct ramfs *fs, const char *cwd, const char *path,
		    char *buf, size_t size);
/* Absolute path of a directory into buf (NUL-terminated). */
int ramfs_path(struct ramfs_node *dir, char *buf, size_t size);

/* Node operations. */
/* Open references keep an unlinked node alive until the last put. */
void ramfs_node_get(struct ramfs_node *n);
void ramfs_node_put(struct ramfs_node *n);
void ramfs_stat(const struct ramfs_node *n, struct ramfs_stat *st);
uint32_t ramfs_mode(const struct ramfs_node *n);
uint64_t ramfs_size(const struct ramfs_node *n);
int ramfs_chmod(struct ramfs_node *n, uint32_t mode);
void ramfs_chown(struct ramfs_node *n, uint32_t uid, uint32_t gid);
/* Regular files and symlinks: bytes read, 0 at or past the end. */
long ramfs_read(struct ramfs_node *n, void *buf, size_t len, uint64_t off);
/* Regular files: bytes written (short when memory ran out), -ENOSPC if
 * nothing could be written, -EISDIR / -EINVAL for other types. */
long ramfs_write(struct ramfs_node *n, const void *buf, size_t len,
		 uint64_t off);
/* Regular files: bytes past size are dropped (the caller first unmaps
 * them from every mapping: mm_pager_truncate). */
int ramfs_truncate(struct ramfs_node *n, uint64_t size);
/* The data page idx of a regular file for a mapping (PHYS_NONE: a hole,
 * or no memory with alloc, which fills a hole with a zeroed page). The
 * page is the file's: it stays valid until truncate or the node's end. */
paddr_t ramfs_page(struct ramfs_node *n, uint32_t idx, bool alloc);
/* Free data pages [first, last] of a regular file: a hole, read as zeros
 * (the caller first unmaps them: mm_pager_punch). The size stays. */
void ramfs_punch(struct ramfs_node *n, uint32_t first, uint32_t last);
/* The entry at or after cookie (0 = ".", 1 = ".."): 0, -ENOENT at the
 * end, -ENOTDIR. */
int ramfs_readdir(struct ramfs_node *dir, uint32_t cookie,
		  struct ramfs_dirent_info *out);

/* The VFS backend (fs/ramfs/vnode.c): register the types "ramfs" and
 * "tmpfs" (each mount a fresh instance). 0 or vfs_register_fstype()'s
 * error. */
int ramfs_register(void);
struct vsuper;
/* The instance behind a mounted ramfs / tmpfs (the kernel fills the root
 * from the boot archive), NULL for another type. */
struct ramfs *ramfs_of_super(struct vsuper *sb);

/* Unpack a cpio "newc" archive into fs (fs/ramfs/cpio.c): 0 or -EINVAL (the
 * archive is checked completely before anything is created; *why then
 * names the problem) or the error of a failed file system operation. */
int cpio_unpack(struct ramfs *fs, const void *buf, size_t len,
		const char **why);
/* Does buf start with a newc header magic? */
bool cpio_is_newc(const void *buf, size_t len);

#endif
