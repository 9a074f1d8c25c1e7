/*
 * file.h - open files of the VFS (fs/vfs/file.c): struct vfile, what a
 * descriptor will point to once the system calls use the VFS.
 *
 * A vfile holds a reference on its vnode (NULL for pipes and other
 * files without a name), the position and the open flags. Regular
 * files and directories use the vnode's operations; device nodes and
 * fifos get struct vfile_ops from the special-open hook (the kernel's
 * device table), and pipes are made with vfile_ops of their own. The
 * last vfile_put() calls ops->release, then drops the vnode, so an
 * unlinked file lives until its last open file is closed.
 */
#ifndef FS_VFS_FILE_H
#define FS_VFS_FILE_H

#include <fs/vfs/namei.h>

/* Linux i386 open flags (octal), as open(2) passes them. */
#define VFS_O_ACCMODE 03u
#define VFS_O_RDONLY 00u
#define VFS_O_WRONLY 01u
#define VFS_O_RDWR 02u
#define VFS_O_CREAT 0100u
#define VFS_O_EXCL 0200u
#define VFS_O_TRUNC 01000u
#define VFS_O_APPEND 02000u
#define VFS_O_DIRECTORY 0200000u
#define VFS_O_NOFOLLOW 0400000u
#define VFS_O_NOATIME 01000000u
/* A handle on the name only: no I/O, no permission on the file itself. */
#define VFS_O_PATH 010000000u

#define VFS_SEEK_SET 0
#define VFS_SEEK_CUR 1
#define VFS_SEEK_END 2

struct vfile;

/* A file that is not read through its vnode: devices, pipes, procfs. */
struct vfile_ops {
	/* Kernel buffers; off is the position (ignored by streams). */
	long (*read)(struct vfile *f, void *buf, size_t n, uint64_t off);
	long (*write)(struct vfile *f, const void *buf, size_t n, uint64_t off);
	long (*ioctl)(struct vfile *f, uint32_t cmd, uint32_t arg);
	/* Where SEEK_END is (devices, generated files); NULL: no end. */
	uint64_t (*size)(struct vfile *f);
	void (*release)(struct vfile *f);
	/* O_ASYNC set (on) or cleared by F_SETFL through descriptor fd:
	 * the file signals its owner of I/O from then on. NULL: no
	 * signals (the flag is kept all the same, as on Linux). */
	int (*fasync)(struct vfile *f, int fd, bool on);
	/* poll(2)'s mask of f now (POLLIN, POLLOUT, POLLHUP, ...). NULL:
	 * always ready for reading and writing (Linux's DEFAULT_POLLMASK). */
	unsigned (*poll)(struct vfile *f);
	bool seekable;
};

struct vfile {
	struct vnode *vn;	     /* referenced; NULL for pipes */
	const struct vfile_ops *ops; /* NULL: the vnode's read / write */
	void *priv;
	uint64_t pos;
	uint32_t flags; /* access mode, O_APPEND, O_NONBLOCK */
	uint32_t refs;
	uint32_t rdev; /* device files */
	/* Who gets SIGIO (O_ASYNC, leases): F_SETOWN / F_SETOWN_EX's type
	 * and pid (0: nobody), and F_SETSIG's signal (0: SIGIO). */
	int32_t owner_pid;
	uint8_t owner_type, sig;
	bool sb_writer; /* counted in vn->sb->writers */
	/* Streams: Linux's f_version (a fifo reader's count of the fifo's
	 * writer opens when it opened: poll's POLLHUP is for later ones). */
	uint32_t version;
	/* The path it was opened by and the directory that path started
	 * from (fs/vfs/file_name.c); NULL: opened without a path. */
	char *name;
	struct vnode *name_at;
};

/*
 * Opening a device node or fifo: the kernel sets f->ops (and f->priv)
 * from f->rdev and the type in f->vn->mode; -ENXIO for an unknown
 * device. Without a hook such opens fail with -ENXIO.
 */
typedef int (*vfs_special_open_t)(struct vfile *f);
void vfs_set_special_open(vfs_special_open_t fn);
/* Called at the last vfile_put() of every file, before its release
 * (the kernel drops the file's leases there). */
typedef void (*vfs_last_put_t)(struct vfile *f);
void vfs_set_last_put(vfs_last_put_t fn);
/* For the hook: the operations and private data of f. */
void vfile_set_ops(struct vfile *f, const struct vfile_ops *ops, void *priv);

/* open(2): flags and mode as Linux passes them. *out has one reference. */
int vfs_openat(const struct vfs_ctx *ctx, struct vnode *start, const char *path,
	       uint32_t flags, uint32_t mode, struct vfile **out);
/* Open a vnode already in hand (checks permissions, not O_CREAT). */
int vfs_open_vnode(const struct vfs_ctx *ctx, struct vnode *v, uint32_t flags,
		   struct vfile **out);
/* A vfile without a vnode (pipes, sockets): one reference or NULL. */
struct vfile *vfile_alloc(const struct vfile_ops *ops, void *priv,
			  uint32_t flags);
struct vfile *vfile_get(struct vfile *f);
/* Set the position or the status flags (vfiles are protected slab
 * objects: every change goes through the VFS). */
void vfile_set_pos(struct vfile *f, uint64_t pos);
void vfile_set_flags(struct vfile *f, uint32_t flags);
/* F_SETOWN / F_SETOWN_EX and F_SETSIG. */
void vfile_set_owner(struct vfile *f, uint8_t type, int32_t pid);
void vfile_set_sig(struct vfile *f, uint8_t sig);
void vfile_set_version(struct vfile *f, uint32_t version);
/* fs/vfs/file_name.c: remember that f was opened by path from directory
 * at (NULL or an absolute path: the root): 0, -ENAMETOOLONG, -ENOMEM.
 * Forget it (the last put does). The absolute name now, as seen from
 * ctx's root, into buf: 0, -ENOENT (no name), -ERANGE, -ENAMETOOLONG. */
int vfile_set_name(struct vfile *f, struct vnode *at, const char *path);
void vfile_forget_name(struct vfile *f);
int vfile_path(struct vfile *f, const struct vfs_ctx *ctx, char *buf,
	       size_t size);
void vfile_put(struct vfile *f);

/* Opened for reading / for writing; positioned (not a pipe or tty). */
bool vfile_readable(const struct vfile *f);
bool vfile_writable(const struct vfile *f);
bool vfile_seekable(const struct vfile *f);
/* read / write at the position (moving it), pread / pwrite at off. */
long vfs_read(struct vfile *f, void *buf, size_t n);
long vfs_write(struct vfile *f, const void *buf, size_t n);
long vfs_pread(struct vfile *f, void *buf, size_t n, uint64_t off);
/* A regular file whose backend has read_user: read into user memory as
 * that op does (short where a user page is not present and writable,
 * -EAGAIN if the first); -ENOSYS for every other file (use vfs_pread). */
long vfs_pread_user(struct vfile *f, void *ubuf, size_t n, uint64_t off);
long vfs_pwrite(struct vfile *f, const void *buf, size_t n, uint64_t off);
/* The same for writing, with the backend's write_user (-ENOSYS without:
 * use vfs_pwrite). */
long vfs_pwrite_user(struct vfile *f, const void *ubuf, size_t n, uint64_t off);
/* The new position, -EINVAL, -ESPIPE. */
int64_t vfs_lseek(struct vfile *f, int64_t off, int whence);
/* getdents: entries from the position on, until fill says stop; the
 * position then names the first entry not taken. */
int vfs_readdir(struct vfile *f, vfs_filldir_t fill, void *arg);
int vfs_fstat(struct vfile *f, struct vattr *va);
int vfs_ftruncate(struct vfile *f, uint64_t size);
int vfs_fsync(struct vfile *f);

#endif
