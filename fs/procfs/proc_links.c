/*
 * proc_links.c - the symbolic links of a process's /proc directory: exe
 * (the running image's file), cwd, root and fd/N (what descriptor N is
 * open on), read as Linux's readlink shows them: absolute paths as seen
 * from the reader's root, "pipe:[N]" for pipes and fifos without a name,
 * "/dev/console" for the console the kernel opened for init.
 *
 * Guarantees: the text is made at each read from the process's state
 * then; a process or descriptor that is gone reads as -ENOENT.
 */
#include <fs/file.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include "proc_internal.h"

/* Where descriptor fd of p leads, into buf (size bytes, NUL-ended). */
static int fd_target(struct proc *p, int fd, const struct vfs_ctx *ctx,
		     char *buf, size_t size)
{
	struct vfile *f = fd_file(p, fd);

	if (!f)
		return -ENOENT;
	if (f->name)
		return vfile_path(f, ctx, buf, size);
	if (pipe_ino(f)) {
		snprintk(buf, size, "pipe:[%u]", pipe_ino(f));
		return 0;
	}
	if (f->vn && VFS_ISDIR(f->vn->mode))
		return vfs_dir_path(ctx, f->vn, buf, size);
	if (f->ops == &console_ops) {
		strlcpy(buf, "/dev/console", size);
		return 0;
	}
	return -ENOENT;
}

/* The target of link kind of process pid into buf, NUL-ended. */
static int link_target(int pid, enum proc_link kind, int fd, char *buf,
		       size_t size)
{
	struct proc *p = proc_find(pid);
	struct vfs_ctx ctx;
	struct vnode *dir;

	if (!p || p->state == PROC_ZOMBIE)
		return -ENOENT;
	proc_vfs_ctx(current, &ctx);
	switch (kind) {
	case PL_EXE:
		return p->exe ? vfile_path(p->exe, &ctx, buf, size) : -ENOENT;
	case PL_CWD:
	case PL_ROOT:
		if (!p->fs)
			return -ENOENT;
		dir = kind == PL_CWD ? p->fs->cwd : p->fs->root;
		if (!dir)
			dir = ctx.root;
		if (!dir) {
			strlcpy(buf, "/", size);
			return 0;
		}
		return vfs_dir_path(&ctx, dir, buf, size);
	case PL_FD:
		return fd_target(p, fd, &ctx, buf, size);
	}
	return -EINVAL;
}

long proc_link_read(int pid, enum proc_link kind, int fd, char *buf,
		    size_t size)
{
	char *text = vfs_page_alloc();
	long r;

	if (!text)
		return -ENOMEM;
	r = link_target(pid, kind, fd, text, PAGE_SIZE);
	if (!r) {
		r = (long)MIN(size, strlen(text));
		memcpy(buf, text, (size_t)r);
	}
	vfs_page_free(text);
	return r;
}
