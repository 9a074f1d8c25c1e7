/*
 * file.c - the kernel side of files: the root ramfs (filled from the
 * boot cpio modules), the system-wide table of open files, per-process
 * descriptor tables, open(2) itself, permission checks, and the tracked
 * page buffers of the file side.
 */
#include <arch/hooks.h>
#include <fs/blockdev.h>
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>

#define NFILE_SYS 256
#define NKPAGES 512

static struct ramfs *rootfs;
static struct file file_table[NFILE_SYS];
static paddr_t kpages[NKPAGES];

/* --- tracked pages ------------------------------------------------ */

static void kpages_walk(struct sanity *s)
{
	for (int i = 0; i < NKPAGES; i++)
		if (kpages[i])
			sanity_mark(s, kpages[i], 1, "file buffers");
}

static struct sanity_owner kpages_owner = {
    .name = "file buffers",
    .walk = kpages_walk,
};

void *kpage_alloc(void)
{
	for (int i = 0; i < NKPAGES; i++) {
		if (kpages[i])
			continue;
		kpages[i] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		return kpages[i] ? arch_phys_to_virt(kpages[i]) : NULL;
	}
	return NULL;
}

void kpage_free(void *va)
{
	paddr_t pa;

	if (!va)
		return;
	pa = arch_virt_to_phys(va);
	for (int i = 0; i < NKPAGES; i++) {
		if (kpages[i] == pa) {
			kpages[i] = PHYS_NONE;
			phys_free(pa, 1, PHYS_KERNEL);
			return;
		}
	}
	panic("kpage_free(%p): not a file buffer", va);
}

/* --- struct file ---------------------------------------------------- */

struct ramfs *vfs_root_fs(void)
{
	return rootfs;
}

struct file *file_alloc(enum file_kind kind, const struct file_ops *ops,
			uint32_t flags)
{
	for (int i = 0; i < NFILE_SYS; i++) {
		struct file *f = &file_table[i];

		if (f->refs)
			continue;
		memset(f, 0, sizeof(*f));
		f->refs = 1;
		f->kind = kind;
		f->ops = ops;
		f->flags = flags;
		return f;
	}
	return NULL;
}

struct file *file_get(struct file *f)
{
	if (f)
		f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	BUG_ON(f->refs <= 0);
	if (--f->refs)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->node)
		ramfs_node_put(f->node);
	f->node = NULL;
}

bool file_is_devmem(struct file *f)
{
	return f && f->kind == FILE_DEV && f->rdev == DEV_MEM;
}

/* --- regular files and directories --------------------------------- */

static long ramfs_file_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	return ramfs_read(f->node, kbuf, n, off);
}

static long ramfs_file_write(struct file *f, const void *kbuf, size_t n,
			     uint64_t off)
{
	return ramfs_write(f->node, kbuf, n, off);
}

static const struct file_ops ramfs_file_ops = {
    .read = ramfs_file_read,
    .write = ramfs_file_write,
    .seekable = true,
};

int vfs_permission(struct ramfs_node *n, int mask)
{
	struct ramfs_stat st;
	uint32_t bits;

	ramfs_stat(n, &st);
	if (current && current->uid == 0) {
		/* Root may do anything but run a file nobody may run. */
		if ((mask & MAY_EXEC) && !RAMFS_ISDIR(st.mode) &&
		    !(st.mode & 0111))
			return -EACCES;
		return 0;
	}
	if (!current || current->uid == st.uid)
		bits = st.mode >> 6;
	else if (current->gid == st.gid)
		bits = st.mode >> 3;
	else
		bits = st.mode;
	return ((bits & 7) & (uint32_t)mask) == (uint32_t)mask ? 0 : -EACCES;
}

static int open_mask(uint32_t flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return MAY_READ;
	case O_WRONLY:
		return MAY_WRITE;
	default:
		return MAY_READ | MAY_WRITE;
	}
}

/* The node at path, created if O_CREAT asks for it. */
static int open_node(const char *cwd, const char *path, uint32_t flags,
		     uint32_t mode, struct ramfs_node **n)
{
	int err = ramfs_lookup(rootfs, cwd, path,
			       flags & O_NOFOLLOW ? RAMFS_NOFOLLOW : 0, n);

	if (!(flags & O_CREAT))
		return err;
	if (!err)
		return flags & O_EXCL ? -EEXIST : 0;
	if (err != -ENOENT)
		return err;
	err = ramfs_mknod(rootfs, cwd, path, RAMFS_S_IFREG | (mode & 07777), 0,
			  n);
	if (!err && current)
		ramfs_chown(*n, current->uid, current->gid);
	return err;
}

/* Operations for node n opened with flags. */
static int node_ops(struct ramfs_node *n, uint32_t flags,
		    const struct file_ops **ops, enum file_kind *kind)
{
	struct ramfs_stat st;

	ramfs_stat(n, &st);
	if (RAMFS_ISLNK(st.mode))
		return -ELOOP; /* O_NOFOLLOW met a link */
	if ((flags & O_DIRECTORY) && !RAMFS_ISDIR(st.mode))
		return -ENOTDIR;
	if (RAMFS_ISDIR(st.mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	*kind = FILE_RAMFS;
	*ops = &ramfs_file_ops;
	if (RAMFS_ISREG(st.mode) || RAMFS_ISDIR(st.mode))
		return 0;
	*kind = FILE_DEV;
	*ops = RAMFS_ISCHR(st.mode)   ? dev_ops(st.rdev)
	       : RAMFS_ISBLK(st.mode) ? dev_block_ops(st.rdev)
				      : NULL;
	return *ops ? 0 : -ENXIO;
}

int file_open_path(const char *cwd, const char *path, uint32_t flags,
		   uint32_t mode, struct file **out)
{
	const struct file_ops *ops;
	struct procfs_ent pe;
	struct ramfs_node *n;
	enum file_kind kind;
	struct file *f;
	int err;

	if (procfs_match(cwd, path, flags & O_NOFOLLOW, &pe))
		return (flags & O_ACCMODE) != O_RDONLY ? -EACCES
						       : procfs_open(&pe, out);
	err = open_node(cwd, path, flags, mode, &n);
	if (!err)
		err = node_ops(n, flags, &ops, &kind);
	if (!err)
		err = vfs_permission(n, open_mask(flags));
	if (err)
		return err;
	if ((flags & O_TRUNC) && RAMFS_ISREG(ramfs_mode(n)) &&
	    (flags & O_ACCMODE) != O_RDONLY) {
		err = ramfs_truncate(n, 0);
		if (err)
			return err;
	}
	f = file_alloc(kind, ops, flags & ~(O_CREAT | O_EXCL | O_TRUNC));
	if (!f)
		return -ENFILE;
	ramfs_node_get(n);
	f->node = n;
	if (kind == FILE_DEV) {
		struct ramfs_stat st;

		ramfs_stat(n, &st);
		f->rdev = st.rdev;
	}
	err = ops->open ? ops->open(f) : 0;
	if (err) {
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

/* --- the kernel's own access (exec) --------------------------------- */

struct file *vfs_open(const char *path, int flags, int mode, long *err)
{
	struct file *f = NULL;
	int e = file_open_path(current ? current->cwd : "/", path,
			       (uint32_t)flags, (uint32_t)mode, &f);

	if (err)
		*err = e;
	return e ? NULL : f;
}

long vfs_read_at(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	if (!f->ops->read)
		return -EINVAL;
	return f->ops->read(f, kbuf, n, off);
}

long vfs_size(struct file *f)
{
	if (f->kind == FILE_PROC)
		return f->priv_len;
	if (f->kind == FILE_DEV && f->node && RAMFS_ISBLK(ramfs_mode(f->node)))
		return dev_block_size(f->rdev);
	return f->node ? (long)ramfs_size(f->node) : 0;
}

bool vfs_is_executable(struct file *f)
{
	return f->kind == FILE_RAMFS && RAMFS_ISREG(ramfs_mode(f->node)) &&
	       vfs_permission(f->node, MAY_EXEC) == 0;
}

/* --- descriptor tables ---------------------------------------------- */

struct file *fd_file(struct proc *p, int fd)
{
	if (!p || fd < 0 || fd >= NFILE)
		return NULL;
	return p->files[fd];
}

int fd_install(struct proc *p, struct file *f, int min, bool cloexec)
{
	for (int fd = min < 0 ? 0 : min;
	     fd < (int)MIN(NFILE, rlimit_cur(p, RLIMIT_NOFILE)); fd++) {
		if (p->files[fd])
			continue;
		p->files[fd] = f;
		if (cloexec)
			p->cloexec |= 1ull << fd;
		else
			p->cloexec &= ~(1ull << fd);
		return fd;
	}
	return -EMFILE;
}

int fd_close(struct proc *p, int fd)
{
	struct file *f = fd_file(p, fd);

	if (!f)
		return -EBADF;
	p->files[fd] = NULL;
	p->cloexec &= ~(1ull << fd);
	file_put(f);
	return 0;
}

void files_fork(struct proc *parent, struct proc *child)
{
	for (int fd = 0; fd < NFILE; fd++)
		child->files[fd] = file_get(parent->files[fd]);
	child->cloexec = parent->cloexec;
	memcpy(child->cwd, parent->cwd, sizeof(child->cwd));
}

void files_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFILE; fd++)
		if (p->files[fd])
			fd_close(p, fd);
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
	struct file *f;
	int err = file_open_path("/", "/dev/console", O_RDWR, 0, &f);

	if (err) {
		/* No device node: the console is still the console. */
		f = file_alloc(FILE_DEV, &console_ops, O_RDWR);
		if (!f)
			return -ENFILE;
		f->rdev = DEV_CONSOLE;
	}
	for (int fd = 0; fd < 3; fd++) {
		if (p->files[fd])
			fd_close(p, fd);
		p->files[fd] = fd ? file_get(f) : f;
	}
	p->cloexec &= ~7ull;
	if (!p->cwd[0])
		memcpy(p->cwd, "/", 2);
	return 0;
}

/* --- boot ----------------------------------------------------------- */

static void unpack_modules(void)
{
	for (unsigned i = 0; i < bootinfo.nmods; i++) {
		const struct boot_module *m = &bootinfo.mods[i];
		size_t len = m->end - m->start;
		const char *why;
		int err;

		if (m->end < m->start || m->end > arch_direct_map_limit())
			continue;
		if (!cpio_is_newc(arch_phys_to_virt(m->start), len))
			continue;
		err =
		    cpio_unpack(rootfs, arch_phys_to_virt(m->start), len, &why);
		if (err) {
			printk("vfs: module %s: %s (%d)\n", m->name, why, err);
			continue;
		}
		printk("vfs: unpacked %s (%zu bytes)\n", m->name, len);
		mm_boot_release_module(i);
	}
}

static void ensure_node(const char *path, uint32_t mode, uint32_t rdev)
{
	struct ramfs_node *n;
	int err;

	if (ramfs_lookup(rootfs, NULL, path, RAMFS_NOFOLLOW, &n) == 0)
		return;
	if (RAMFS_ISDIR(mode))
		err = ramfs_mkdir(rootfs, NULL, path, mode);
	else
		err = ramfs_mknod(rootfs, NULL, path, mode, rdev, NULL);
	if (err)
		printk("vfs: cannot create %s (%d)\n", path, err);
}

void vfs_init(void)
{
	sanity_register(&kpages_owner);
	rootfs = ramfs_new();
	if (!rootfs)
		panic("vfs: no memory for the root file system");
	unpack_modules();
	ensure_node("/dev", RAMFS_S_IFDIR | 0755, 0);
	ensure_node("/dev/console", RAMFS_S_IFCHR | 0600, DEV_CONSOLE);
	ensure_node("/dev/tty", RAMFS_S_IFCHR | 0666, DEV_TTY);
	ensure_node("/dev/null", RAMFS_S_IFCHR | 0666, DEV_NULL);
	ensure_node("/dev/zero", RAMFS_S_IFCHR | 0666, DEV_ZERO);
	ensure_node("/dev/mem", RAMFS_S_IFCHR | 0640, DEV_MEM);
	for (unsigned i = 0; blockdev_nth(i); i++) {
		struct blockdev *d = blockdev_nth(i);
		char path[32] = "/dev/";

		strlcpy(path + 5, d->name, sizeof(path) - 5);
		ensure_node(path, RAMFS_S_IFBLK | 0660, d->rdev);
	}
	ensure_node("/proc", RAMFS_S_IFDIR | 0555, 0);
	ensure_node("/proc/meminfo", RAMFS_S_IFREG | 0444, 0);
	ensure_node("/tmp", RAMFS_S_IFDIR | 01777, 0);
}
