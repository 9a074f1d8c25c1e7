/*
 * vfs.h - files as the rest of the kernel sees them: an in-memory root
 * file system filled from the boot cpio archive, devices in /dev, the
 * generated files of /proc, pipes, and per-process descriptor tables.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <kernel/types.h>

struct file;
struct proc;

/* Mount the root ramfs, unpack the cpio module(s), create /dev and /proc. */
void vfs_init(void);

/* Kernel-side access (exec): open by path (relative to current->cwd),
 * read at an offset into a kernel buffer, drop the reference. */
struct file *vfs_open(const char *path, int flags, int mode, long *err);
long vfs_read_at(struct file *f, void *kbuf, size_t n, uint64_t off);
long vfs_size(struct file *f);
bool vfs_is_executable(struct file *f);
struct file *file_get(struct file *f);
void file_put(struct file *f);
/* /dev/mem: mmap2 of it becomes a direct physical mapping. */
bool file_is_devmem(struct file *f);
struct file *fd_file(struct proc *p, int fd);

/* Descriptor tables. */
void files_fork(struct proc *parent, struct proc *child);
void files_close_all(struct proc *p);
void files_exec(struct proc *p); /* close the close-on-exec ones */
/* Install /dev/console as fds 0, 1, 2 of the first process. */
int files_open_console(struct proc *p);

#endif
