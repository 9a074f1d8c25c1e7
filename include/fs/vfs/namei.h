/*
 * namei.h - path resolution and the operations that take paths
 * (fs/vfs/namei.c, fs/vfs/dirops.c, fs/vfs/mount.c).
 *
 * A walk starts at the root of the caller (absolute paths) or at a start
 * directory (relative paths: the cwd, or the directory of a dirfd), and
 * follows Linux's rules: "." and ".." (".." at the caller's root stays,
 * ".." at the root of a mounted file system leaves through the directory
 * it covers), mount points crossed downwards, symlinks followed (at most
 * VFS_MAXSYMLINKS in one walk, else -ELOOP) except the last component
 * when VFS_NOFOLLOW asks, a trailing slash demands a directory, names
 * over VFS_NAME_MAX and paths of VFS_PATH_MAX or more characters are
 * -ENAMETOOLONG, search (x) permission on each directory passed.
 */
#ifndef FS_VFS_NAMEI_H
#define FS_VFS_NAMEI_H

#include <fs/vfs/mount.h>

/* The caller of a path operation: credentials, root and cwd (borrowed,
 * not referenced by the context). */
struct vfs_ctx {
	struct vcred cred;
	struct vnode *root; /* NULL: the root of the tree */
	struct vnode *cwd;  /* NULL: the root */
};

/* Lookup flags. */
#define VFS_NOFOLLOW 0x1u  /* the last component may be a symlink */
#define VFS_DIRECTORY 0x2u /* the result must be a directory */

/* start: where relative paths begin (NULL: ctx->cwd). *out referenced. */
int vfs_lookup(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       unsigned flags, struct vnode **out);

enum vfs_last_type {
	VFS_LAST_NORM,
	VFS_LAST_ROOT,
	VFS_LAST_DOT,
	VFS_LAST_DOTDOT
};

/* Everything but the last component resolved: the directory (referenced)
 * and the last name, pointing into the path. */
struct vfs_last {
	struct vnode *dir;
	const char *name;
	size_t len;
	enum vfs_last_type type;
	bool trailing; /* a slash followed the last name */
};

int vfs_lookup_parent(const struct vfs_ctx *ctx, struct vnode *start,
		      const char *path, struct vfs_last *last);
void vfs_last_put(struct vfs_last *last);

/* Absolute path of directory dir as seen from ctx's root, into buf
 * (NUL-terminated): 0, -ENOENT (removed), -ERANGE (too small). */
int vfs_dir_path(const struct vfs_ctx *ctx, struct vnode *dir, char *buf,
		 size_t size);

/* Name space operations (fs/vfs/dirops.c), Linux's errors. */
#define VFS_RENAME_NOREPLACE 0x1u
#define VFS_AT_SYMLINK_FOLLOW 0x400u

int vfs_mkdir(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	      uint32_t mode);
/* mode's type: 0 or S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK. */
int vfs_mknod(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	      uint32_t mode, uint32_t rdev);
int vfs_symlink(const struct vfs_ctx *ctx, const char *target,
		struct vnode *start, const char *path);
int vfs_link(const struct vfs_ctx *ctx, struct vnode *ostart, const char *opath,
	     struct vnode *nstart, const char *npath, unsigned flags);
int vfs_unlink(const struct vfs_ctx *ctx, struct vnode *start,
	       const char *path);
int vfs_rmdir(const struct vfs_ctx *ctx, struct vnode *start, const char *path);
int vfs_rename(const struct vfs_ctx *ctx, struct vnode *ostart,
	       const char *opath, struct vnode *nstart, const char *npath,
	       unsigned flags);
long vfs_readlink(const struct vfs_ctx *ctx, struct vnode *start,
		  const char *path, char *buf, size_t size);
/* stat / lstat (flags VFS_NOFOLLOW). */
int vfs_stat(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	     unsigned flags, struct vattr *va);
/* chmod / chown / utimes on a vnode in hand, with Linux's owner rules:
 * mode and times by the owner or root, uid by root, gid by root or by
 * the owner to its own group. */
int vfs_setattr(const struct vfs_ctx *ctx, struct vnode *v,
		const struct vattr *va, unsigned mask);
/* truncate(2): write permission, regular files only. */
int vfs_truncate(const struct vfs_ctx *ctx, struct vnode *v, uint64_t size);
/* access(2) on a path: 0 or -errno. */
int vfs_access(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       int mask);

/* Mounts by path (fs/vfs/mount.c). source names the device for the
 * table; dev is the device itself (NULL for memory file systems). */
int vfs_mount(const struct vfs_ctx *ctx, const char *source,
	      struct blockdev *dev, const char *target, const char *type,
	      const char *options);
int vfs_umount(const struct vfs_ctx *ctx, const char *target);
/* MS_REMOUNT: target must be the root of a mount; rdonly makes it read-
 * only (synced first; -EBUSY while a regular file on it is open for
 * writing) or writable again. The backend keeps what its own mount
 * options said: an ext2 mounted "ro" stays read-only underneath. */
int vfs_remount(const struct vfs_ctx *ctx, const char *target, bool rdonly);

#endif
