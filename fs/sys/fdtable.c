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
#include <kernel/sched.h>
#include <kernel/string.h>
#include <arch/hooks.h>
#include <mm/phys.h>
#include <mm/sanity.h>
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
	if (!p || !p->files || fd < 0 || (unsigned)fd >= p->files->max)
		return NULL;
	return p->files->fd[fd];
}

struct vfile *fd_file_io(struct proc *p, int fd)
{
	struct vfile *f = fd_file(p, fd);

	return f && !(f->flags & O_PATH) ? f : NULL;
}

/* Set or clear fd's close-on-exec bit (USE(t): the inline bits live in
 * the protected table; page arrays are plain kernel memory). */
static void set_cloexec(struct fd_table *t, int fd, bool on)
{
	uint32_t bit = 1u << (fd % 32), *w = &t->cloexec[fd / 32];

	USE(t, *w = on ? *w | bit : *w & ~bit);
}

bool fd_cloexec(struct proc *p, int fd)
{
	return (p->files->cloexec[fd / 32] >> (fd % 32)) & 1;
}

/* Pages for max descriptors' pointers and close-on-exec bits. */
static unsigned fd_pages(unsigned max)
{
	return (max * sizeof(struct vfile *) + max / 8 + PAGE_SIZE - 1) /
	       PAGE_SIZE;
}

/* The sanity checker's walk of descriptor tables' page arrays: each
 * table once, however many processes share it. */
static void fd_tables_walk(struct sanity *s)
{
	for (int i = 0; i < NPROC; i++) {
		struct fd_table *t = procs[i] ? procs[i]->files : NULL;
		bool seen = false;

		for (int j = 0; t && t->max > FD_INLINE && j < i && !seen; j++)
			seen = procs[j] && procs[j]->files == t;
		if (t && t->max > FD_INLINE && !seen)
			sanity_mark(s, arch_virt_to_phys(t->fd),
				    fd_pages(t->max), "descriptor tables");
	}
}

static struct sanity_owner fd_tables_owner = {"descriptor tables",
					      fd_tables_walk, NULL};

/* Point t at arrays for max descriptors: its inline ones, or pages (the
 * contents copied from the current arrays, the rest empty): 0 or
 * -ENOMEM. */
static int fd_arrays(struct fd_table *t, unsigned max)
{
	struct vfile **fd = t->fd_inline;
	uint32_t *bits = t->cloexec_inline;
	unsigned old = t->fd ? t->max : 0;

	if (max > FD_INLINE) {
		paddr_t pa = phys_alloc(fd_pages(max), PHYS_ANY, PHYS_KERNEL);

		if (pa == PHYS_NONE)
			return -ENOMEM;
		sanity_register(&fd_tables_owner);
		fd = arch_phys_to_virt(pa);
		memset(fd, 0, fd_pages(max) * PAGE_SIZE);
		bits = (uint32_t *)(fd + max);
	}
	if (old && fd != t->fd) {
		memcpy(fd, t->fd, old * sizeof(*fd));
		memcpy(bits, t->cloexec, old / 8);
	}
	if (old > FD_INLINE)
		phys_free(arch_virt_to_phys(t->fd), fd_pages(old), PHYS_KERNEL);
	USE(t, {
		t->fd = fd;
		t->cloexec = bits;
		t->max = max;
	});
	return 0;
}

/* Make room in t for descriptor fd (< NFILE): 0 or -ENOMEM. Growth goes
 * to a page of pointers at least, then doubles. */
static int fd_expand(struct fd_table *t, int fd)
{
	unsigned max = t->max;

	if ((unsigned)fd < max)
		return 0;
	while (max <= (unsigned)fd)
		max = max < 1024 ? 1024 : max * 2;
	return fd_arrays(t, MIN(max, (unsigned)NFILE));
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
		if ((unsigned)fd < t->max && t->fd[fd])
			continue;
		if (fd_expand(t, fd))
			return -ENOMEM;
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

int fd_replace(struct proc *p, int fd, struct vfile *f, bool cloexec)
{
	struct fd_table *t = p->files;
	struct vfile *old;

	if (fd_expand(t, fd)) {
		vfile_put(f);
		return -ENOMEM;
	}
	old = t->fd[fd];
	USE(t, t->fd[fd] = f);
	set_cloexec(t, fd, cloexec);
	fd_drop(p, old);
	return 0;
}

/* A table with a reference on each of from's files (NULL: empty). */
static struct fd_table *fd_table_new(const struct fd_table *from)
{
	struct fd_table *t = slab_zalloc(sizeof(*t));
	unsigned max = from ? from->max : FD_INLINE;

	if (!t)
		return NULL;
	USE(t, t->refs = 1);
	if (fd_arrays(t, max)) {
		SLAB_FREE(t); /* no arrays of its own yet */
		return NULL;
	}
	if (from)
		USE(t, {
			for (unsigned fd = 0; fd < max; fd++)
				if (from->fd[fd])
					t->fd[fd] = vfile_get(from->fd[fd]);
			memcpy(t->cloexec, from->cloexec, max / 8);
		});
	return t;
}

/* Free an unused table and its page arrays. */
static void fd_table_free(struct fd_table *t)
{
	if (t->max > FD_INLINE)
		phys_free(arch_virt_to_phys(t->fd), fd_pages(t->max),
			  PHYS_KERNEL);
	SLAB_FREE(t);
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
	for (unsigned fd = 0; p->files && fd < p->files->max; fd++)
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
		fd_table_free(t);
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
	for (unsigned fd = 0; fd < p->files->max; fd++)
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
