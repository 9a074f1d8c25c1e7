/*
 * ext2.h - the ext2 file system (SPEC §10), read and write, as a library
 * over a struct blockdev with an inode-level interface. The VFS turns
 * paths into these calls; nothing here knows about paths, processes or
 * user memory (buffers are kernel memory).
 *
 * Supported on disk: revision 0 and 1, 1, 2 and 4 KiB blocks, 128- and
 * 256-byte inodes; INCOMPAT filetype; RO_COMPAT sparse_super, large_file;
 * any COMPAT feature (dir_index, ext_attr, resize_inode: kept consistent,
 * never used). See docs/ext2.md.
 *
 * Errors are Linux's negative errno values. Corruption found after mount
 * (bad inode, directory entry, block pointer) is -EIO for that call, with
 * a printk line naming the inode; nothing panics on disk contents.
 *
 * In-memory inodes are refcounted: ext2_iget() and every call returning
 * an inode give a reference, ext2_iput() drops it. An inode whose last
 * name is removed lives on while references remain and is freed on disk
 * (blocks and inode) at the last ext2_iput(): the VFS keeps one reference
 * per open file to get "unlink of an open file".
 *
 * Callers serialize: one call at a time per file system (the VFS backend,
 * fs/ext2/vnode.c, holds a lock per mount); calls do synchronous block
 * I/O through the block cache.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <fs/blockdev.h>
#include <kernel/types.h>

#define EXT2_ROOT_INO 2u
#define EXT2_NAME_MAX 255u

/* File types and permission bits in i_mode (Linux's values). */
#define EXT2_S_IFMT 0170000u
#define EXT2_S_IFSOCK 0140000u
#define EXT2_S_IFLNK 0120000u
#define EXT2_S_IFREG 0100000u
#define EXT2_S_IFBLK 0060000u
#define EXT2_S_IFDIR 0040000u
#define EXT2_S_IFCHR 0020000u
#define EXT2_S_IFIFO 0010000u
#define EXT2_S_ISGID 0002000u
#define EXT2_MODE_BITS 07777u

/* Directory entry types passed to readdir callbacks (Linux's DT_*). */
#define EXT2_DT_UNKNOWN 0u
#define EXT2_DT_FIFO 1u
#define EXT2_DT_CHR 2u
#define EXT2_DT_DIR 4u
#define EXT2_DT_BLK 6u
#define EXT2_DT_REG 8u
#define EXT2_DT_LNK 10u
#define EXT2_DT_SOCK 12u

/* ext2_mount flags. */
#define EXT2_MOUNT_RDONLY 0x1u

/* ext2_rename flags (Linux's values). */
#define EXT2_RENAME_NOREPLACE 0x1u

struct ext2_fs;
struct ext2_inode;

/*
 * Mount the file system on dev: 0, or -EINVAL with *why naming the reason
 * (bad magic, unsupported feature, corrupt superblock or group
 * descriptors), -EIO, -ENOMEM. A read-write mount marks the file system
 * not clean on disk until ext2_unmount().
 */
int ext2_mount(struct blockdev *dev, unsigned flags, struct ext2_fs **out,
	       const char **why);
/* Remount read-only (write everything back, mark the file system clean
 * on disk as ext2_unmount() does) or read-write again (mark it not clean
 * and count the mount): 0, -EIO, or -EROFS for features that only a
 * read-only mount supports. */
int ext2_remount(struct ext2_fs *fs, bool rdonly);
/* Write everything back, mark the file system clean, free all memory:
 * 0, or -EBUSY (nothing done) while inodes are still referenced, or -EIO
 * (the memory is freed anyway). */
int ext2_unmount(struct ext2_fs *fs);
/* Write every modified block and the superblock: 0 or -EIO. */
int ext2_sync(struct ext2_fs *fs);

struct ext2_statfs {
	uint32_t bsize;
	uint32_t blocks, bfree, bavail; /* bavail: without reserved blocks */
	uint32_t files, ffree;
	uint32_t namelen;
};
void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st);

/* Inodes. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out);
struct ext2_inode *ext2_igrab(struct ext2_inode *ip); /* one more ref */
void ext2_iput(struct ext2_inode *ip);
struct ext2_fs *ext2_inode_fs(const struct ext2_inode *ip);
uint32_t ext2_ino(const struct ext2_inode *ip);
uint32_t ext2_mode(const struct ext2_inode *ip);
uint64_t ext2_size(const struct ext2_inode *ip);

struct ext2_stat {
	uint32_t ino, mode, nlink, uid, gid;
	uint32_t rdev; /* devices: Linux's 32-bit encoding */
	uint64_t size;
	uint32_t blocks; /* 512-byte units */
	uint32_t blksize;
	uint32_t atime, mtime, ctime;
};
void ext2_getattr(struct ext2_inode *ip, struct ext2_stat *st);

/* ext2_setattr: which fields of struct ext2_setattr apply. */
#define EXT2_ATTR_MODE 0x01u /* permission bits only; ctime = now */
#define EXT2_ATTR_UID 0x02u  /* ctime = now */
#define EXT2_ATTR_GID 0x04u  /* ctime = now */
/* EXT2_ATTR_SIZE: regular files only; truncates, mtime = ctime = now. */
#define EXT2_ATTR_SIZE 0x08u
#define EXT2_ATTR_ATIME 0x10u
#define EXT2_ATTR_MTIME 0x20u
#define EXT2_ATTR_CTIME 0x40u /* explicit ctime (else "now" as above) */
struct ext2_setattr {
	unsigned valid;
	uint32_t mode, uid, gid;
	uint64_t size;
	uint32_t atime, mtime, ctime;
};
int ext2_setattr(struct ext2_inode *ip, const struct ext2_setattr *attr);
/* Regular files: grow (a hole) or shrink (blocks freed): 0, -EFBIG,
 * -EISDIR/-EINVAL for other types, -EIO, -ENOSPC (a block was needed to
 * split an indirect tree: cannot happen when shrinking). */
int ext2_truncate(struct ext2_inode *ip, uint64_t size);

/* Regular files and symlinks: bytes read (0 at or past the end), holes
 * read as zeros; -EISDIR for directories, -EIO. */
long ext2_read(struct ext2_inode *ip, void *buf, size_t len, uint64_t off);
/* A regular file's bytes straight into user memory, without resolving
 * faults (the caller holds the lock): bytes read, short where a user
 * page is not present and writable (-EAGAIN if the first), 0 at the end;
 * -EINVAL for other types. */
long ext2_read_user(struct ext2_inode *ip, void *ubuf, size_t len,
		    uint64_t off);
/* Regular files: bytes written, short if the disk filled up midway;
 * -ENOSPC if nothing could be written, -EFBIG past the largest file,
 * -EISDIR / -EINVAL for other types, -EIO. */
long ext2_write(struct ext2_inode *ip, const void *buf, size_t len,
		uint64_t off);
/* The same from user memory, copied without resolving faults: short
 * where a user page is not present (-EAGAIN if the first is not). */
long ext2_write_user(struct ext2_inode *ip, const void *ubuf, size_t len,
		     uint64_t off);
/* Write the inode's dirty pages, the metadata blocks it modified (its
 * block map's, a directory's entries) and its inode, flush the device:
 * as Linux's ext2, not the bitmaps, group descriptors and superblock
 * (fs/ext2/fsync.c). */
int ext2_fsync(struct ext2_inode *ip);

/* The page cache of a regular file's data (made if create; NULL without
 * memory or, without create, if it has none yet). mm maps its pages. */
struct pcache;
struct pcache *ext2_pagecache(struct ext2_inode *ip, bool create);

/* Directories. Names are (pointer, length), not NUL-terminated;
 * length 1..255 (-ENAMETOOLONG above, -ENOENT/-EINVAL for 0). */
int ext2_lookup(struct ext2_inode *dir, const char *name, size_t len,
		struct ext2_inode **out);
/* New regular file; -EEXIST if the name exists. uid/gid: the creator's
 * (a set-group-ID directory imposes its group). */
int ext2_create(struct ext2_inode *dir, const char *name, size_t len,
		uint32_t mode, uint32_t uid, uint32_t gid,
		struct ext2_inode **out);
/* Device, FIFO or socket node (mode's type says which); rdev in Linux's
 * 32-bit encoding. Also accepts regular files. */
int ext2_mknod(struct ext2_inode *dir, const char *name, size_t len,
	       uint32_t mode, uint32_t rdev, uint32_t uid, uint32_t gid,
	       struct ext2_inode **out);
int ext2_mkdir(struct ext2_inode *dir, const char *name, size_t len,
	       uint32_t mode, uint32_t uid, uint32_t gid,
	       struct ext2_inode **out);
/* target: 1 .. block size - 1 bytes (-ENAMETOOLONG above). */
int ext2_symlink(struct ext2_inode *dir, const char *name, size_t len,
		 const char *target, size_t tlen, uint32_t uid, uint32_t gid,
		 struct ext2_inode **out);
/* New name for ip (not a directory: -EPERM; -EMLINK at 32000 links). */
int ext2_link(struct ext2_inode *ip, struct ext2_inode *dir, const char *name,
	      size_t len);
int ext2_unlink(struct ext2_inode *dir, const char *name, size_t len);
int ext2_rmdir(struct ext2_inode *dir, const char *name, size_t len);
/* Linux's rename(2)/renameat2 rules: flags 0 or EXT2_RENAME_NOREPLACE
 * (-EEXIST if the target exists); -EINVAL moving a directory into its own
 * subtree, -ENOTEMPTY, -EISDIR, -ENOTDIR; renaming onto the same inode
 * does nothing. "." and ".." are -EBUSY. */
int ext2_rename(struct ext2_inode *odir, const char *oname, size_t olen,
		struct ext2_inode *ndir, const char *nname, size_t nlen,
		unsigned flags);
/* The target into buf (not NUL-terminated, cut at size): its length, or
 * -EINVAL if ip is not a symlink, -EIO. */
long ext2_readlink(struct ext2_inode *ip, char *buf, size_t size);

/*
 * readdir: called for each entry at or after *pos ("." and ".." included)
 * with the entry's name, inode, type and the position after it. A nonzero
 * return stops the walk at that entry (*pos stays before it, so the next
 * call returns it again); otherwise *pos moves past it. Returns 0 at the
 * end or when the callback stopped, or -ENOTDIR, -EIO.
 */
typedef int (*ext2_filldir_t)(void *arg, const char *name, size_t len,
			      uint32_t ino, unsigned type, uint64_t next);
int ext2_readdir(struct ext2_inode *dir, uint64_t *pos, ext2_filldir_t fn,
		 void *arg);

/*
 * The VFS backend (fs/ext2/vnode.c): make the file system type "ext2"
 * known to the VFS (vfs_register_fstype's result). Mounts need a block
 * device; the options are "ro" and "rw", comma-separated. Each mount
 * serializes its calls into this library with one sleeping lock.
 */
int ext2_register_fstype(void);

#endif
