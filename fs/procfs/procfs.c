/*
 * procfs.c - the "proc" file system type: /proc as a VFS backend. Its
 * vnodes are made per lookup from inode numbers that say what they are
 * (the fixed files and directories - meminfo, fs/bcache,
 * sys/vm/drop_caches, ... -, /proc/self, a process's directory and the
 * files in it, its task directory of threads: task/TID is thread TID's
 * own directory, which /proc/TID also names though the root lists only
 * processes),
 * so nothing is stored; the text of a file is generated again on every
 * read (fs/procfs/proc_text.c), which keeps reads at any offset consistent
 * with the state of the moment.
 */
#include <fs/bcache.h>
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <fs/proc_text.h>
#include <kernel/string.h>

#define PROC_SUPER_MAGIC 0x9fa0u
#define PROC_ROOT_INO 1u
#define PROC_SELF_INO 2u
#define PROC_FS_INO 3u
#define PROC_SYS_INO 4u
#define PROC_SYS_VM_INO 5u
#define PROC_SYSVIPC_INO 6u
#define PROC_SYS_KERNEL_INO 7u
#define PROC_PID_BASE 0x10000u /* pid directory: base + pid * 16 */
#define PID_FILES 16u

/* The fixed directories and files, each under its parent, in readdir
 * order; the root adds "self" and the processes after them. */
static const struct proc_node {
	uint32_t ino, parent;
	const char *name;
	uint32_t mode;
	enum proc_text kind;
} fixed[] = {
    {16, PROC_ROOT_INO, "meminfo", VFS_S_IFREG | 0444, PT_MEMINFO},
    {17, PROC_ROOT_INO, "mounts", VFS_S_IFREG | 0444, PT_MOUNTS},
    {18, PROC_ROOT_INO, "uptime", VFS_S_IFREG | 0444, PT_UPTIME},
    {19, PROC_ROOT_INO, "filesystems", VFS_S_IFREG | 0444, PT_FILESYSTEMS},
    {PROC_FS_INO, PROC_ROOT_INO, "fs", VFS_S_IFDIR | 0555, PT_NONE},
    {PROC_SYS_INO, PROC_ROOT_INO, "sys", VFS_S_IFDIR | 0555, PT_NONE},
    {20, PROC_FS_INO, "bcache", VFS_S_IFREG | 0444, PT_BCACHE},
    {PROC_SYS_VM_INO, PROC_SYS_INO, "vm", VFS_S_IFDIR | 0555, PT_NONE},
    {21, PROC_SYS_VM_INO, "drop_caches", VFS_S_IFREG | 0200, PT_DROP_CACHES},
    {PROC_SYSVIPC_INO, PROC_ROOT_INO, "sysvipc", VFS_S_IFDIR | 0555, PT_NONE},
    {22, PROC_SYSVIPC_INO, "shm", VFS_S_IFREG | 0444, PT_SYSVIPC_SHM},
    {PROC_SYS_KERNEL_INO, PROC_SYS_INO, "kernel", VFS_S_IFDIR | 0555, PT_NONE},
    {23, PROC_SYS_KERNEL_INO, "shmall", VFS_S_IFREG | 0444, PT_SHMALL},
    {24, PROC_SYS_KERNEL_INO, "shmmax", VFS_S_IFREG | 0444, PT_SHMMAX},
    {25, PROC_SYS_KERNEL_INO, "shmmni", VFS_S_IFREG | 0444, PT_SHMMNI},
    {26, PROC_ROOT_INO, "cpuinfo", VFS_S_IFREG | 0444, PT_CPUINFO},
};
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))

/* The fixed node ino, or NULL. */
static const struct proc_node *fixed_node(uint64_t ino)
{
	for (unsigned i = 0; i < NFIXED; i++)
		if (fixed[i].ino == ino)
			return &fixed[i];
	return NULL;
}

/* The k-th fixed child of directory ino, or NULL past the last. */
static const struct proc_node *fixed_child(uint64_t ino, unsigned k)
{
	for (unsigned i = 0; i < NFIXED; i++)
		if (fixed[i].parent == ino && k-- == 0)
			return &fixed[i];
	return NULL;
}

static unsigned fixed_children(uint64_t ino)
{
	unsigned n = 0;

	while (fixed_child(ino, n))
		n++;
	return n;
}

/* The files of a pid directory, in readdir order (index 0 is the dir). */
static const struct {
	const char *name;
	enum proc_text kind;
} pid_files[] = {
    {"maps", PT_MAPS},
    {"stat", PT_STAT},
    {"status", PT_STATUS},
    {"cmdline", PT_CMDLINE},
};
#define NPID_FILES (sizeof(pid_files) / sizeof(pid_files[0]))
#define TASK_SLOT (NPID_FILES + 1) /* the "task" directory */

static const struct vnode_ops proc_vops;

static int ino_pid(uint64_t ino)
{
	return ino >= PROC_PID_BASE ? (int)((ino - PROC_PID_BASE) / PID_FILES)
				    : -1;
}

static unsigned ino_slot(uint64_t ino)
{
	return (unsigned)((ino - PROC_PID_BASE) % PID_FILES);
}

static uint32_t ino_mode(uint64_t ino)
{
	if (ino == PROC_ROOT_INO)
		return VFS_S_IFDIR | 0555;
	if (ino == PROC_SELF_INO)
		return VFS_S_IFLNK | 0777;
	if (fixed_node(ino))
		return fixed_node(ino)->mode;
	if (ino_pid(ino) >= 0 &&
	    (ino_slot(ino) == 0 || ino_slot(ino) == TASK_SLOT))
		return VFS_S_IFDIR | 0555;
	return VFS_S_IFREG | 0444;
}

/* What file ino's text is, or PT_NONE. */
static enum proc_text ino_text(uint64_t ino)
{
	if (fixed_node(ino))
		return fixed_node(ino)->kind;
	if (ino_pid(ino) >= 0 && ino_slot(ino) >= 1 &&
	    ino_slot(ino) <= NPID_FILES)
		return pid_files[ino_slot(ino) - 1].kind;
	return PT_NONE;
}

/* The vnode of ino in sb, referenced. */
static int proc_vnode(struct vsuper *sb, uint64_t ino, struct vnode **out)
{
	struct vnode *v = vnode_find(sb, ino);

	if (!v)
		v = vnode_new(sb, ino, &proc_vops, NULL, ino_mode(ino));
	*out = v;
	return v ? 0 : -ENOMEM;
}

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

/* A decimal pid of a live process, else -1. */
static int name_pid(const char *name, size_t len)
{
	int pid = 0;

	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return proc_find(pid) ? pid : -1;
}

static int lookup_fixed(struct vnode *dir, const char *name, size_t len,
			struct vnode **out)
{
	const struct proc_node *n;
	int pid;

	for (unsigned k = 0; (n = fixed_child(dir->ino, k)); k++)
		if (name_is(name, len, n->name))
			return proc_vnode(dir->sb, n->ino, out);
	if (dir->ino != PROC_ROOT_INO)
		return -ENOENT;
	if (name_is(name, len, "self"))
		return proc_vnode(dir->sb, PROC_SELF_INO, out);
	pid = name_pid(name, len);
	if (pid < 0)
		return -ENOENT;
	return proc_vnode(dir->sb, PROC_PID_BASE + (uint64_t)pid * PID_FILES,
			  out);
}

/* The parent of directory ino (the root's is itself). */
static uint64_t dir_parent(uint64_t ino)
{
	const struct proc_node *n = fixed_node(ino);

	if (ino_pid(ino) >= 0 && ino_slot(ino) == TASK_SLOT)
		return ino - TASK_SLOT;

	return n ? n->parent : PROC_ROOT_INO;
}

/* task/TID: a thread of the directory's process, as its own directory. */
static int lookup_task(struct vnode *dir, const char *name, size_t len,
		       struct vnode **out)
{
	int tid = name_pid(name, len);
	struct proc *t = tid > 0 ? proc_find(tid) : NULL;

	if (!t || t->tgid != ino_pid(dir->ino))
		return -ENOENT;
	return proc_vnode(dir->sb, PROC_PID_BASE + (uint64_t)tid * PID_FILES,
			  out);
}

/* A task directory's threads from position 2 on, by position 2 + slot
 * of the process table. */
static int readdir_tasks(int tgid, uint64_t *pos, vfs_filldir_t fill, void *arg)
{
	for (; *pos < 2 + (uint64_t)proc_slots; (*pos)++) {
		struct proc *t = procs[*pos - 2];
		char name[12];

		if (!t || t->tgid != tgid || t->state == PROC_UNUSED ||
		    t->autoreap)
			continue;
		snprintk(name, sizeof(name), "%d", t->pid);
		if (fill(arg, name, strlen(name),
			 PROC_PID_BASE + (uint64_t)t->pid * PID_FILES,
			 VFS_DT_DIR))
			return 0;
	}
	return 0;
}

static int proc_lookup(struct vnode *dir, const char *name, size_t len,
		       struct vnode **out)
{
	if (name_is(name, len, ".."))
		return proc_vnode(dir->sb, dir_parent(dir->ino), out);
	if (ino_pid(dir->ino) < 0)
		return lookup_fixed(dir, name, len, out);
	if (!proc_find(ino_pid(dir->ino)))
		return -ENOENT;
	if (ino_slot(dir->ino) == TASK_SLOT)
		return lookup_task(dir, name, len, out);
	for (unsigned i = 0; i < NPID_FILES; i++)
		if (name_is(name, len, pid_files[i].name))
			return proc_vnode(dir->sb, dir->ino + 1 + i, out);
	if (name_is(name, len, "task"))
		return proc_vnode(dir->sb, dir->ino + TASK_SLOT, out);
	return -ENOENT;
}

/* The root's processes, by pid from position 100 + pid on. */
static int readdir_pids(uint64_t *pos, vfs_filldir_t fill, void *arg)
{
	for (struct proc *p; (p = proc_next((int)(*pos - 100)));) {
		char name[12];

		*pos = 100 + (uint64_t)p->pid;
		snprintk(name, sizeof(name), "%d", p->pid);
		if (fill(arg, name, strlen(name),
			 PROC_PID_BASE + (uint64_t)p->pid * PID_FILES,
			 VFS_DT_DIR))
			return 0;
		*pos += 1;
	}
	return 0;
}

/* A fixed directory's entries from position 2 on: its fixed children;
 * the root's then "self" and the processes. */
static int readdir_fixed(uint64_t ino, uint64_t *pos, vfs_filldir_t fill,
			 void *arg)
{
	unsigned nchild = fixed_children(ino);
	const struct proc_node *n;

	for (; *pos < 2 + nchild; (*pos)++) {
		n = fixed_child(ino, (unsigned)*pos - 2);
		if (fill(arg, n->name, strlen(n->name), n->ino,
			 VFS_ISDIR(n->mode) ? VFS_DT_DIR : VFS_DT_REG))
			return 0;
	}
	if (ino != PROC_ROOT_INO)
		return 0;
	if (*pos == 2 + nchild) {
		if (fill(arg, "self", 4, PROC_SELF_INO, VFS_DT_LNK))
			return 0;
		*pos = 100;
	}
	return readdir_pids(pos, fill, arg);
}

static int proc_readdir(struct vnode *dir, uint64_t *pos, vfs_filldir_t fill,
			void *arg)
{
	uint64_t self = dir->ino, up = dir_parent(dir->ino);

	if (*pos == 0 && fill(arg, ".", 1, self, VFS_DT_DIR))
		return 0;
	if (*pos == 0)
		*pos = 1;
	if (*pos == 1 && fill(arg, "..", 2, up, VFS_DT_DIR))
		return 0;
	if (*pos == 1)
		*pos = 2;
	if (ino_pid(dir->ino) < 0)
		return readdir_fixed(dir->ino, pos, fill, arg);
	if (ino_slot(dir->ino) == TASK_SLOT)
		return readdir_tasks(ino_pid(dir->ino), pos, fill, arg);
	for (; *pos < 2 + NPID_FILES; (*pos)++) {
		unsigned i = (unsigned)*pos - 2;

		if (fill(arg, pid_files[i].name, strlen(pid_files[i].name),
			 dir->ino + 1 + i, VFS_DT_REG))
			return 0;
	}
	if (*pos == 2 + NPID_FILES &&
	    !fill(arg, "task", 4, dir->ino + TASK_SLOT, VFS_DT_DIR))
		(*pos)++;
	return 0;
}

static long proc_readlink(struct vnode *v, char *buf, size_t size)
{
	char text[16];
	size_t len;

	if (v->ino != PROC_SELF_INO || !current)
		return -EINVAL;
	snprintk(text, sizeof(text), "%d", current->tgid);
	len = MIN(size, strlen(text));
	memcpy(buf, text, len);
	return (long)len;
}

static int proc_getattr(struct vnode *v, struct vattr *va)
{
	int pid = ino_pid(v->ino);
	struct proc *p = pid >= 0 ? proc_find(pid) : NULL;

	if (pid >= 0 && !p)
		return -ENOENT; /* the process is gone */
	va->mode = v->mode;
	va->nlink = VFS_ISDIR(v->mode) ? 2 : 1;
	va->uid = p ? p->cred.euid : 0;
	va->gid = p ? p->cred.egid : 0;
	va->ino = v->ino;
	va->blksize = 1024;
	va->atime.sec = va->mtime.sec = va->ctime.sec = fs_clock_now();
	if (v->ino == PROC_SELF_INO && current) {
		char text[16];

		va->size =
		    (uint64_t)snprintk(text, sizeof(text), "%d", current->tgid);
	}
	return 0;
}

static long proc_read(struct vnode *v, void *buf, size_t n, uint64_t off)
{
	return proc_text_read(ino_text(v->ino), ino_pid(v->ino), buf, n, off);
}

/*
 * Only /proc/sys/vm/drop_caches is written: "1", "2" or "3" all write back
 * and empty the block cache (both levels); "2" and "3" (Linux's slab
 * objects) also make the file systems forget their idle in-memory inodes.
 */
static long proc_write(struct vnode *v, const void *buf, size_t n, uint64_t off)
{
	const char *s = buf;

	(void)off;
	if (ino_text(v->ino) != PT_DROP_CACHES)
		return -EACCES;
	if (n == 0 || s[0] < '1' || s[0] > '3' ||
	    (n > 1 && s[1] != '\n' && s[1] != ' '))
		return -EINVAL;
	if (s[0] != '1')
		vfs_drop_caches();
	return bcache_drop_caches() ? -EIO : (long)n;
}

/* Opening drop_caches with O_TRUNC (as "echo 3 >" does) is allowed. */
static int proc_truncate(struct vnode *v, uint64_t size)
{
	(void)size;
	return ino_text(v->ino) == PT_DROP_CACHES ? 0 : -EACCES;
}

static const struct vnode_ops proc_vops = {
    .lookup = proc_lookup,
    .readdir = proc_readdir,
    .readlink = proc_readlink,
    .getattr = proc_getattr,
    .read = proc_read,
    .write = proc_write,
    .truncate = proc_truncate,
};

static int proc_statfs(struct vsuper *sb, struct vstatfs *st)
{
	(void)sb;
	memset(st, 0, sizeof(*st));
	st->type = PROC_SUPER_MAGIC;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = 255;
	return 0;
}

static void proc_unmount(struct vsuper *sb)
{
	(void)sb;
}

static const struct vsuper_ops proc_sops = {
    .statfs = proc_statfs,
    .unmount = proc_unmount,
};

static int proc_mount(struct vsuper *sb, struct blockdev *dev,
		      const char *options)
{
	struct vnode *root;
	int err;

	(void)dev;
	(void)options;
	err = proc_vnode(sb, PROC_ROOT_INO, &root);
	if (!err)
		vsuper_setup(sb, &proc_sops, NULL, root);
	return err;
}

static const struct vfs_fstype proc_type = {
    .name = "proc",
    .mount = proc_mount,
};

int procfs_register(void)
{
	return vfs_register_fstype(&proc_type);
}
