/*
 * file.h - open files inside the kernel: struct file and its operations,
 * descriptor helpers, tracked kernel pages, and what kernel/file.c,
 * dev.c, pipe.c, procfs.c and the sys_*.c files share. vfs.h is the
 * part the rest of the kernel uses.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <kernel/types.h>

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
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
/* Flags F_SETFL may change. */
#define O_SETFL_MASK (O_APPEND | O_NONBLOCK)
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
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

enum file_kind { FILE_RAMFS, FILE_DEV, FILE_PIPE, FILE_PROC };

struct file;

struct file_ops {
	/* Called once the file is set up; an error undoes the open. */
	int (*open)(struct file *f);
	/* Kernel buffers; off is the file position (ignored by streams). */
	long (*read)(struct file *f, void *kbuf, size_t n, uint64_t off);
	long (*write)(struct file *f, const void *kbuf, size_t n, uint64_t off);
	long (*ioctl)(struct file *f, uint32_t cmd, uint32_t arg);
	void (*release)(struct file *f);
	bool seekable;
};

struct file {
	int refs; /* 0: the slot is free */
	enum file_kind kind;
	const struct file_ops *ops;
	uint32_t flags; /* open flags: access mode, O_APPEND, O_NONBLOCK */
	uint64_t pos;
	struct ramfs_node *node; /* ramfs files, directories, device nodes */
	void *priv;		 /* the pipe, the procfs text page */
	uint32_t priv_len;	 /* procfs: length of the text */
	uint32_t rdev;		 /* devices */
};

/* kernel/file.c */
struct ramfs *vfs_root_fs(void);
/* A new file (one reference); NULL when the file table is full. */
struct file *file_alloc(enum file_kind kind, const struct file_ops *ops,
			uint32_t flags);
/* Open path relative to cwd as open(2) does (flags, mode). */
int file_open_path(const char *cwd, const char *path, uint32_t flags,
		   uint32_t mode, struct file **out);
/* Install f at the lowest free descriptor >= min: the fd or -EMFILE.
 * Takes over the caller's reference only on success. */
int fd_install(struct proc *p, struct file *f, int min, bool cloexec);
int fd_close(struct proc *p, int fd);
/* May the current process access n as mask (MAY_*)? 0 or -EACCES. */
int vfs_permission(struct ramfs_node *n, int mask);

/*
 * Whole pages owned by the file side (bounce buffers, path copies, pipe
 * rings, procfs text) are tracked so the sanity checker sees them.
 */
void *kpage_alloc(void);
void kpage_free(void *va);

/* kernel/dev.c: operations of a character device; NULL if unknown. */
/* kernel/dev_block.c: block device files (/dev/hda ...). */
const struct file_ops *dev_block_ops(uint32_t rdev);
long dev_block_size(uint32_t rdev);
const struct file_ops *dev_ops(uint32_t rdev);
extern const struct file_ops console_ops;
#define DEV_MEM RAMFS_MKDEV(1, 1)
#define DEV_NULL RAMFS_MKDEV(1, 3)
#define DEV_ZERO RAMFS_MKDEV(1, 5)
#define DEV_TTY RAMFS_MKDEV(5, 0)
#define DEV_CONSOLE RAMFS_MKDEV(5, 1)
#define DEV_TTYS0 RAMFS_MKDEV(4, 64)

/* kernel/pipe.c */
int pipe_create(struct file **rd, struct file **wr);

/* kernel/procfs.c: generated files under /proc. */
enum procfs_kind { PROCFS_NONE, PROCFS_SELF, PROCFS_MEMINFO, PROCFS_MAPS };
struct procfs_ent {
	enum procfs_kind kind;
	int pid;
};
/* Is path (relative to cwd) one of the generated files? nofollow: the
 * last component "/proc/self" is the link itself, not the directory. */
bool procfs_match(const char *cwd, const char *path, bool nofollow,
		  struct procfs_ent *e);
int procfs_open(const struct procfs_ent *e, struct file **out);
long procfs_readlink(const struct procfs_ent *e, char *buf, size_t n);
void procfs_stat(const struct procfs_ent *e, struct ramfs_stat *st);

/* kernel/sys_*.c: a user path copied into a tracked page (kpage_free). */
long path_from_user(uint32_t upath, char **out);
/* Directory relative paths start from for a *at() call: current->cwd
 * for AT_FDCWD or an absolute path, else the directory of dirfd written
 * into a new tracked page (*page, to free; NULL when none was needed). */
long at_cwd(int dirfd, const char *path, const char **cwd, char **page);

#endif
