/*
 * fdtable.c - the process side of files: descriptor tables of VFS open
 * files, the root and working directory (struct fs_info), the process as
 * a VFS caller and the kernel's own opens (exec, init).
 *
 * Guarantees: a descriptor holds one reference on its vfile, an fs_info
 * one reference on its root and cwd vnodes (NULL: the root of the tree).
 * A table and an fs_info are slab objects shared by the processes that
 * clone made with CLONE_FILES / CLONE_FS, each counted in refs; the last
 * one's files_release() closes the descriptors and drops the vnodes.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <mm/slab.h>

/* --- the process as a caller ---------------------------------------- */

void proc_vfs_ctx(const struct proc *p, struct vfs_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	if (!p)
		return;
	proc_cred(p, &ctx->cred); /* the file-system ids */
	if (!p->fs)
		return;
	ctx->root = p->fs->root;
	ctx->cwd = p->fs->cwd;
}

int kernel_open(const char *path, uint32_t flags, struct vfile **out)
{
	struct vfs_ctx ctx;
	int err;

	proc_vfs_ctx(current, &ctx);
	err = vfs_openat(&ctx, NULL, path, flags, 0, out);
	if (!err)
		vfile_set_name(*out, ctx.cwd, path);
	return err;
}

bool file_is_executable(struct vfile *f)
{
	struct vfs_ctx ctx;

	proc_vfs_ctx(current, &ctx);
	return f->vn && VFS_ISREG(f->vn->mode) &&
	       vnode_permission(&ctx.cred, f->vn, MAY_EXEC) == 0;
}

uint64_t file_size(struct vfile *f)
{
	struct vattr va;

	return f->vn && !vnode_getattr(f->vn, &va) ? va.size : 0;
}

/* --- descriptor tables ---------------------------------------------- */

struct vfile *fd_file(struct proc *p, int fd)
{
	if (!p || !p->files || fd < 0 || fd >= NFILE)
		return NULL;
	return p->files->fd[fd];
}

static void set_cloexec(struct fd_table *t, int fd, bool on)
{
	uint64_t bit = 1ull << fd;

	USE(t, t->cloexec = on ? t->cloexec | bit : t->cloexec & ~bit);
}

bool fd_cloexec(struct proc *p, int fd)
{
	return (p->files->cloexec >> fd) & 1;
}

void fd_set_cloexec(struct proc *p, int fd, bool on)
{
	set_cloexec(p->files, fd, on);
}

int fd_install(struct proc *p, struct vfile *f, int min, bool cloexec)
{
	struct fd_table *t = p->files;

	for (int fd = min < 0 ? 0 : min;
	     fd < (int)MIN(NFILE, rlimit_cur(p, RLIMIT_NOFILE)); fd++) {
		if (t->fd[fd])
			continue;
		USE(t, t->fd[fd] = f);
		set_cloexec(t, fd, cloexec);
		return fd;
	}
	return -EMFILE;
}

int fd_dup(struct proc *p, int fd, int min, bool cloexec)
{
	struct vfile *f = fd_file(p, fd);
	int r;

	if (!f)
		return -EBADF;
	if (min < 0 || (uint64_t)min >= rlimit_cur(p, RLIMIT_NOFILE))
		return -EINVAL;
	r = fd_install(p, vfile_get(f), min, cloexec);
	if (r < 0)
		vfile_put(f);
	return r;
}

/* Closing any descriptor of a file ends the process's record locks on
 * it (POSIX), then drops the descriptor's reference. */
static void fd_drop(struct proc *p, struct vfile *f)
{
	if (f)
		reclock_close(p, f);
	vfile_put(f);
}

int fd_close(struct proc *p, int fd)
{
	struct vfile *f = fd_file(p, fd);

	if (!f)
		return -EBADF;
	USE(p->files, p->files->fd[fd] = NULL);
	set_cloexec(p->files, fd, false);
	fd_drop(p, f);
	return 0;
}

void fd_replace(struct proc *p, int fd, struct vfile *f, bool cloexec)
{
	struct fd_table *t = p->files;
	struct vfile *old = t->fd[fd];

	USE(t, t->fd[fd] = f);
	set_cloexec(t, fd, cloexec);
	fd_drop(p, old);
}

/* A table with a reference on each of from's files (NULL: empty). */
static struct fd_table *fd_table_new(const struct fd_table *from)
{
	struct fd_table *t = slab_zalloc(sizeof(*t));

	if (!t)
		return NULL;
	USE(
	    t, t->refs = 1; if (from) {
		    for (int fd = 0; fd < NFILE; fd++)
			    t->fd[fd] =
				from->fd[fd] ? vfile_get(from->fd[fd]) : NULL;
		    t->cloexec = from->cloexec;
	    });
	return t;
}

/* Root, cwd and umask as from has them (NULL: the tree's root, 022). */
static struct fs_info *fs_info_new(const struct fs_info *from)
{
	struct fs_info *fs = slab_zalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	USE(fs, fs->refs = 1; fs->umask = from ? from->umask : 022;
	    if (from && from->root) fs->root = vnode_get(from->root);
	    if (from && from->cwd) fs->cwd = vnode_get(from->cwd));
	return fs;
}

int files_fork(struct proc *parent, struct proc *child, bool share_files,
	       bool share_fs)
{
	if (parent && parent->exe && !vnode_deny_write(parent->exe->vn))
		child->exe = vfile_get(parent->exe);
	if (share_files && parent->files) {
		USE(parent->files, parent->files->refs++);
		child->files = parent->files;
	} else {
		child->files = fd_table_new(parent ? parent->files : NULL);
	}
	if (share_fs && parent->fs) {
		USE(parent->fs, parent->fs->refs++);
		child->fs = parent->fs;
	} else {
		child->fs = fs_info_new(parent ? parent->fs : NULL);
	}
	return child->files && child->fs ? 0 : -ENOMEM;
}

int files_unshare(struct proc *p)
{
	struct fd_table *t = p->files;

	if (!t || t->refs == 1)
		return 0;
	p->files = fd_table_new(t);
	if (!p->files) {
		p->files = t;
		return -ENOMEM;
	}
	USE(t, t->refs--);
	return 0;
}

/* Close every descriptor of p's table. */
static void close_fds(struct proc *p)
{
	for (int fd = 0; p->files && fd < NFILE; fd++)
		if (p->files->fd[fd])
			fd_close(p, fd);
}

void files_close_all(struct proc *p)
{
	struct fs_info *fs = p->fs;

	close_fds(p);
	if (!fs)
		return;
	vnode_put(fs->cwd);
	vnode_put(fs->root);
	USE(fs, fs->cwd = fs->root = NULL);
}

void files_release(struct proc *p)
{
	struct fd_table *t = p->files;
	struct fs_info *fs = p->fs;

	if (t && t->refs == 1)
		close_fds(p);
	if (fs && fs->refs == 1) {
		vnode_put(fs->cwd);
		vnode_put(fs->root);
	}
	if (t)
		USE(t, t->refs--);
	if (t && !t->refs)
		SLAB_FREE(t);
	if (fs)
		USE(fs, fs->refs--);
	if (fs && !fs->refs)
		SLAB_FREE(fs);
	p->files = NULL;
	p->fs = NULL;
	files_set_exe(p, NULL);
}

void files_set_exe(struct proc *p, struct vfile *f)
{
	if (p->exe) {
		vnode_allow_write(p->exe->vn);
		vfile_put(p->exe);
	}
	p->exe = f;
}

void files_exec(struct proc *p)
{
	for (int fd = 0; fd < NFILE; fd++)
		if (p->files->fd[fd] && fd_cloexec(p, fd))
			fd_close(p, fd);
}

int files_open_console(struct proc *p)
{
	struct vfile *f;

	if (kernel_open("/dev/console", O_RDWR, &f)) {
		/* No device node: the console is still the console. */
		f = vfile_alloc(&console_ops, NULL, O_RDWR);
		if (!f)
			return -ENOMEM;
	}
	for (int fd = 0; fd < 3; fd++)
		fd_replace(p, fd, fd ? vfile_get(f) : f, false);
	return 0;
}
