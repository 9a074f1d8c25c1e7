/*
 * file.h - files as the kernel's system calls see them: descriptors
 * pointing at struct vfile of the VFS (fs/vfs/, include/fs/vfs_core.h),
 * the calling process as a VFS context, the device table behind device
 * nodes, pipes, and the flags of Linux's ABI (page buffers: fs/vfs/buf.h).
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <fs/ramfs.h>
#include <fs/vfs_core.h>
#include <kernel/types.h>

struct proc;

/* Linux i386 open flags (octal). */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_ASYNC 020000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
/* Flags F_SETFL may change. */
#define O_SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC)
/* Every flag Linux knows (up to __O_TMPFILE); open drops the rest. */
#define O_VALID_MASK 077777777u
/* Flags that act only at open: F_GETFL does not report them. */
#define O_OPEN_ONLY (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EACCESS 0x200
#define AT_EMPTY_PATH 0x1000

#define SIGPIPE 13

/* access() modes. */
#define MAY_EXEC VFS_MAY_EXEC
#define MAY_WRITE VFS_MAY_WRITE
#define MAY_READ VFS_MAY_READ

/* Device numbers (Linux's 32-bit encoding). */
#define MKDEV(ma, mi) RAMFS_MKDEV(ma, mi)
#define DEV_MEM MKDEV(1, 1)
#define DEV_NULL MKDEV(1, 3)
#define DEV_ZERO MKDEV(1, 5)
#define DEV_FULL MKDEV(1, 7)
#define DEV_TTY MKDEV(5, 0)
#define DEV_CONSOLE MKDEV(5, 1)
#define DEV_TTYS0 MKDEV(4, 64)

/* fs/sys/sys_poll.c: f's whole poll mask now (poll reports it against
 * the events asked plus POLLERR and POLLHUP, select against its sets); a
 * waiter for readiness sleeps in poll_sleep() (0 or -EINTR), and
 * whatever may make a file ready calls poll_wake(). */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
unsigned poll_mask(struct vfile *f);
int poll_sleep(void);
void poll_wake(void);

/* fs/sys/fdtable.c: descriptor tables. */
struct vfile *fd_file(struct proc *p, int fd);
/* fd_file, but NULL for an O_PATH descriptor (no I/O through it). */
struct vfile *fd_file_io(struct proc *p, int fd);
/* Install f at the lowest free descriptor >= min: the fd or -EMFILE.
 * Takes over the caller's reference only on success. */
int fd_install(struct proc *p, struct vfile *f, int min, bool cloexec);
int fd_close(struct proc *p, int fd);
/* dup / F_DUPFD: fd again at the lowest free descriptor >= min; -EBADF,
 * -EINVAL (min beyond RLIMIT_NOFILE), -EMFILE. */
int fd_dup(struct proc *p, int fd, int min, bool cloexec);
/* Put f at descriptor fd, closing what was there. */
int fd_replace(struct proc *p, int fd, struct vfile *f, bool cloexec);
bool fd_cloexec(struct proc *p, int fd);
void fd_set_cloexec(struct proc *p, int fd, bool on);
/* The child's descriptor table and fs info (root, cwd, umask): the
 * parent's own (CLONE_FILES, CLONE_FS) or copies of them; a NULL parent
 * gives fresh ones (init). 0 or -ENOMEM (release what was set). */
int files_fork(struct proc *parent, struct proc *child, bool share_files,
	       bool share_fs);
/* A table of p's own if it shares one (exec): 0 or -ENOMEM. */
int files_unshare(struct proc *p);
/* Close every descriptor of p's table and drop its root and cwd. */
void files_close_all(struct proc *p);
/* Let go of p's table, fs info and image file (exit); the last user
 * closes. */
void files_release(struct proc *p);
/* exec: f (its reference and its vnode's write denial taken over) is
 * p's image now, the old one's let go. */
void files_set_exe(struct proc *p, struct vfile *f);
void files_exec(struct proc *p); /* close the close-on-exec ones */
/* Install the console as fds 0, 1, 2 of the first process. */
int files_open_console(struct proc *p);

/* The process as the VFS sees a caller: credentials, root, cwd. */
void proc_vfs_ctx(const struct proc *p, struct vfs_ctx *ctx);
/* Open path for the kernel itself (exec, init), relative to the current
 * process's cwd (the root without one), with its credentials. */
int kernel_open(const char *path, uint32_t flags, struct vfile **out);
/* A regular file the current process may execute? */
bool file_is_executable(struct vfile *f);
uint64_t file_size(struct vfile *f);

/* fs/sys/sys_mount.c: sync and unmount everything (shutdown). */
void kernel_shutdown_fs(void);

/* fs/sys/fs_boot.c: mount the root, unpack the boot archive, make
 * /dev, /proc and /tmp. */
void vfs_init(void);

/* fs/devfs/dev.c: the special-open hook of the VFS (device nodes, fifos). */
int dev_open(struct vfile *f);
extern const struct vfile_ops console_ops;
/* /dev/mem: mmap2 of it becomes a direct physical mapping. */
bool file_is_devmem(struct vfile *f);
/* fs/devfs/dev_block.c: block device files (/dev/hda ...). */
int dev_block_open(struct vfile *f);

/* fs/sys/pipe.c */
int pipe_create(struct vfile **rd, struct vfile **wr);
/* A fifo's open: the pipe shared by every opener of vnode v. */
int fifo_open(struct vfile *f);
/* The pipe's number (1 up) if f is an end of a pipe or fifo, else 0. */
uint32_t pipe_ino(const struct vfile *f);

/* fs/procfs/procfs.c: the "proc" file system type. */
int procfs_register(void);

/* fs/sys/sys_path.c: a user path and where relative paths start. */
struct upath {
	char *path;	     /* a tracked page */
	struct vnode *start; /* referenced: a dirfd's directory, else NULL */
};
long path_from_user(uint32_t upath, char **out);
long upath_get(struct upath *u, int dirfd, uint32_t upath);
void upath_put(struct upath *u);
/* The vnode of a dirfd (referenced), for AT_EMPTY_PATH and *at calls. */
long dirfd_vnode(int dirfd, struct vnode **out);
/* The vnode a user path names, referenced; following a final symlink
 * unless nofollow; an empty path names dirfd itself when empty_ok. */
long lookup_user(int dirfd, uint32_t upath, bool nofollow, bool empty_ok,
		 struct vnode **v);

#endif
