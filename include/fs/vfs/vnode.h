/*
 * vnode.h - the in-memory inode of any file system (fs/vfs/vnode.c).
 *
 * A vnode is refcounted and unique per (super block, inode number): a
 * backend asks vnode_find() before it makes one with vnode_new(), so two
 * lookups of one file give the same pointer (mount points and the umount
 * busy check rely on it). The backend keeps its inode behind v->priv and
 * answers through a const struct vnode_ops; generic code asks the ops and
 * never compares tables. When the last reference goes, ops->release()
 * lets the backend drop its hold (an unlinked inode is freed then).
 */
#ifndef FS_VFS_VNODE_H
#define FS_VFS_VNODE_H

#include <kernel/types.h>

/* File types and permission bits, Linux values (octal). */
#define VFS_S_IFMT 0170000u
#define VFS_S_IFSOCK 0140000u
#define VFS_S_IFLNK 0120000u
#define VFS_S_IFREG 0100000u
#define VFS_S_IFBLK 0060000u
#define VFS_S_IFDIR 0040000u
#define VFS_S_IFCHR 0020000u
#define VFS_S_IFIFO 0010000u
#define VFS_S_ISUID 04000u
#define VFS_S_ISGID 02000u
#define VFS_S_ISVTX 01000u
#define VFS_MODE_BITS 07777u

#define VFS_ISDIR(m) (((m)&VFS_S_IFMT) == VFS_S_IFDIR)
#define VFS_ISREG(m) (((m)&VFS_S_IFMT) == VFS_S_IFREG)
#define VFS_ISLNK(m) (((m)&VFS_S_IFMT) == VFS_S_IFLNK)

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096 /* with the NUL: 4095 characters at most */
#define VFS_MAXSYMLINKS 40

/* Directory entry types of getdents64 (Linux DT_*). */
#define VFS_DT_UNKNOWN 0
#define VFS_DT_FIFO 1
#define VFS_DT_CHR 2
#define VFS_DT_DIR 4
#define VFS_DT_BLK 6
#define VFS_DT_REG 8
#define VFS_DT_LNK 10
#define VFS_DT_SOCK 12

/* Access masks of vnode_permission() (the values of access(2)). */
#define VFS_MAY_EXEC 1
#define VFS_MAY_WRITE 2
#define VFS_MAY_READ 4

struct vnode;
struct vsuper;
struct mm_pager;
struct flock_ctx;

/* Who is asking: the caller's file-system ids and its supplementary
 * groups (borrowed from the caller, ngroups of them). */
struct vcred {
	uint32_t uid, gid;
	uint32_t ngroups;
	const uint32_t *groups;
};

/* Is gid c's group or one of its supplementary groups? */
bool vcred_in_group(const struct vcred *c, uint32_t gid);

struct vtimespec {
	int64_t sec;
	uint32_t nsec;
};

/* What stat reports. blocks counts 512-byte units. */
struct vattr {
	uint32_t mode, nlink, uid, gid;
	uint64_t size, blocks;
	uint32_t blksize;
	struct vtimespec atime, mtime, ctime;
	uint64_t ino;
	uint32_t dev, rdev;
};

/* Fields of struct vattr that setattr changes. */
#define VATTR_MODE 0x01u
#define VATTR_UID 0x02u
#define VATTR_GID 0x04u
#define VATTR_ATIME 0x08u
#define VATTR_MTIME 0x10u
#define VATTR_CTIME 0x20u
/* With ATIME and MTIME, both "now": allowed to anyone who may write. */
#define VATTR_TOUCH 0x40u

/* One directory entry for readdir: 0 to go on, non-zero to stop (the
 * entry is then not consumed and comes first at the next call). next is
 * the directory position just after the entry (getdents' d_off: lseek
 * there and readdir resumes with the entry that follows). */
typedef int (*vfs_filldir_t)(void *arg, const char *name, size_t len,
			     uint64_t ino, unsigned type, uint64_t next);

/*
 * What a backend implements. Names are (pointer, length), not NUL-
 * terminated, never "." and never longer than VFS_NAME_MAX; ".." is
 * asked of lookup only (the VFS handles it at the root of a mount). A
 * missing operation makes the generic call fail with -EPERM (name space
 * changes), -EINVAL (data) or -ENOTDIR (lookup, readdir). Every call
 * returns 0 or a negative errno unless noted.
 */
struct vnode_ops {
	/* The vnode called name in directory dir, referenced. */
	int (*lookup)(struct vnode *dir, const char *name, size_t len,
		      struct vnode **out);
	/* New regular file (create), device / fifo / socket (mknod), empty
	 * directory (mkdir) owned by c; *out referenced (out may be NULL).
	 * -EEXIST if the name exists. */
	int (*create)(struct vnode *dir, const char *name, size_t len,
		      uint32_t mode, const struct vcred *c, struct vnode **out);
	int (*mknod)(struct vnode *dir, const char *name, size_t len,
		     uint32_t mode, uint32_t rdev, const struct vcred *c);
	int (*mkdir)(struct vnode *dir, const char *name, size_t len,
		     uint32_t mode, const struct vcred *c);
	int (*symlink)(struct vnode *dir, const char *name, size_t len,
		       const char *target, size_t tlen, const struct vcred *c);
	/* A new name for v (same super block, not a directory). */
	int (*link)(struct vnode *dir, const char *name, size_t len,
		    struct vnode *v);
	int (*unlink)(struct vnode *dir, const char *name, size_t len);
	int (*rmdir)(struct vnode *dir, const char *name, size_t len);
	/* Move (odir, oname) to (ndir, nname), replacing what is there (the
	 * VFS checked types, loops and RENAME_NOREPLACE; -ENOTEMPTY is the
	 * backend's). */
	int (*rename)(struct vnode *odir, const char *oname, size_t olen,
		      struct vnode *ndir, const char *nname, size_t nlen);
	/* Entries from *pos on, "." and ".." first; *pos moves past each
	 * entry fill accepts. Positions are the backend's cookies. */
	int (*readdir)(struct vnode *dir, uint64_t *pos, vfs_filldir_t fill,
		       void *arg);
	/* Symlink target into buf (not NUL-terminated): its length. */
	long (*readlink)(struct vnode *v, char *buf, size_t size);
	int (*getattr)(struct vnode *v, struct vattr *va);
	int (*setattr)(struct vnode *v, const struct vattr *va, unsigned mask);
	/* Regular files: bytes transferred (0 at the end) or -errno. */
	long (*read)(struct vnode *v, void *buf, size_t n, uint64_t off);
	long (*write)(struct vnode *v, const void *buf, size_t n, uint64_t off);
	/* Optional, regular files: read into user memory (ubuf, checked to
	 * lie below USER_TOP) without resolving faults: as read, short
	 * where a user page is not present and writable, -EAGAIN if the
	 * first is not (the caller faults it in and tries again). */
	long (*read_user)(struct vnode *v, void *ubuf, size_t n, uint64_t off);
	/* Optional, regular files: write from user memory the same way:
	 * short where a user page is not present, -EAGAIN if the first. */
	long (*write_user)(struct vnode *v, const void *ubuf, size_t n,
			   uint64_t off);
	int (*truncate)(struct vnode *v, uint64_t size);
	int (*fsync)(struct vnode *v);
	/* Optional: the page provider through which mm maps the file's own
	 * pages (include/mm/pager.h); without it mmap is -ENODEV. */
	int (*pager)(struct vnode *v, struct mm_pager *out);
	/* The last reference is gone; v is freed after this returns. */
	void (*release)(struct vnode *v);
};

struct vmount;

struct vnode {
	const struct vnode_ops *ops;
	struct vsuper *sb;
	void *priv; /* the backend's inode */
	uint64_t ino;
	uint32_t mode; /* the type bits never change */
	uint32_t refs;
	struct vmount *mounted;	 /* the mount covering this directory */
	struct vnode *hash_next; /* sb's table of live vnodes */
	struct flock_ctx *flc;	 /* byte-range locks (filelock.h) or NULL */
	/* vfiles open on it, and those of them open for writing: what
	 * leases ask ("is anybody else using this file?"). */
	uint32_t opens, writers;
	/* Running programs whose image this file is (exec): while any, it
	 * cannot be opened for writing or truncated (-ETXTBSY). */
	uint32_t deny_writes;
};

/* The live vnode of inode ino of sb with one more reference, or NULL. */
struct vnode *vnode_find(struct vsuper *sb, uint64_t ino);
/* A new vnode (one reference) for an inode vnode_find() did not know;
 * NULL without memory. */
struct vnode *vnode_new(struct vsuper *sb, uint64_t ino,
			const struct vnode_ops *ops, void *priv, uint32_t mode);
struct vnode *vnode_get(struct vnode *v);
void vnode_put(struct vnode *v);
/* A running image of v begins: -ETXTBSY while v is open for writing.
 * And ends. The caller holds v (exec's open file of the image). */
int vnode_deny_write(struct vnode *v);
void vnode_allow_write(struct vnode *v);
/* The pager get/put of a backend whose pager object is its vnode: a
 * mapping holds the vnode, so the file and its pages outlive close and
 * unlink, and its mount stays busy. */
void vnode_pager_get(void *vnode);
void vnode_pager_put(void *vnode);
/* stat data; dev comes from the super block. */
int vnode_getattr(struct vnode *v, struct vattr *va);
/* May c access v as mask (VFS_MAY_*)? 0 or -EACCES; -EROFS to write
 * a file, directory or link of a read-only mount. Root passes any
 * check but executing a non-directory no one may execute. */
int vnode_permission(const struct vcred *c, struct vnode *v, int mask);
/* The DT_* type of a mode. */
unsigned vfs_dtype(uint32_t mode);

#endif
