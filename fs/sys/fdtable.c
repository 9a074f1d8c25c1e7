/*
 * fdtable.c - the process side of files: per-process descriptor tables of
 * VFS open files, the root and working directory each process holds,
 * the process as a VFS caller and the kernel's own opens (exec, init).
 *
 * Guarantees: a descriptor holds one reference on its vfile, a process
 * one reference on its root and cwd vnodes (NULL: the root of the tree),
 * all dropped by files_close_all() at exit.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/proc.h>
#include <kernel/string.h>

/* --- the process as a caller ---------------------------------------- */

void proc_vfs_ctx(const struct proc *p, struct vfs_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	if (!p)
		return;
	proc_cred(p, &ctx->cred); /* the file-system ids */
	ctx->root = p->root;
	ctx->cwd = p->cwd;
}

int kernel_open(const char *path, uint32_t flags, struct vfile **out)
{
	struct vfs_ctx ctx;

	proc_vfs_ctx(current, &ctx);
	return vfs_openat(&ctx, NULL, path, flags, 0, out);
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
	if (!p || fd < 0 || fd >= NFILE)
		return NULL;
	return p->files[fd];
}

static void set_cloexec(struct proc *p, int fd, bool on)
{
	if (on)
		p->cloexec |= 1ull << fd;
	else
		p->cloexec &= ~(1ull << fd);
}

int fd_install(struct proc *p, struct vfile *f, int min, bool cloexec)
{
	for (int fd = min < 0 ? 0 : min;
	     fd < (int)MIN(NFILE, rlimit_cur(p, RLIMIT_NOFILE)); fd++) {
		if (p->files[fd])
			continue;
		p->files[fd] = f;
		set_cloexec(p, fd, cloexec);
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
	p->files[fd] = NULL;
	p->cloexec &= ~(1ull << fd);
	fd_drop(p, f);
	return 0;
}

void fd_replace(struct proc *p, int fd, struct vfile *f, bool cloexec)
{
	struct vfile *old = p->files[fd];

	p->files[fd] = f;
	set_cloexec(p, fd, cloexec);
	fd_drop(p, old);
}

void files_fork(struct proc *parent, struct proc *child)
{
	for (int fd = 0; fd < NFILE; fd++)
		child->files[fd] =
		    parent->files[fd] ? vfile_get(parent->files[fd]) : NULL;
	child->cloexec = parent->cloexec;
	child->root = parent->root ? vnode_get(parent->root) : NULL;
	child->cwd = parent->cwd ? vnode_get(parent->cwd) : NULL;
}

void files_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFILE; fd++)
		if (p->files[fd])
			fd_close(p, fd);
	vnode_put(p->cwd);
	vnode_put(p->root);
	p->cwd = p->root = NULL;
}

void files_exec(struct proc *p)
{
	for (int fd = 0; fd < NFILE; fd++)
		if (p->files[fd] && (p->cloexec & (1ull << fd)))
			fd_close(p, fd);
	p->cloexec = 0;
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
