/*
 * procfs.c - the "proc" file system type: /proc as a VFS backend. Its
 * vnodes are made per lookup from inode numbers that say what they are
 * (the fixed files and directories - meminfo, fs/bcache,
 * sys/vm/drop_caches, ... -, /proc/self, a process's directory and the
 * files in it, its task directory of threads: task/TID is thread TID's
 * own directory, which /proc/TID also names though the root lists only
 * processes; its links exe, cwd, root and fd/N, read by proc_links.c),
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
#include "proc_internal.h"

#define PROC_SUPER_MAGIC 0x9fa0u
#define PROC_ROOT_INO 1u
#define PROC_SELF_INO 2u
#define PROC_FS_INO 3u
#define PROC_SYS_INO 4u
#define PROC_SYS_VM_INO 5u
#define PROC_SYSVIPC_INO 6u
#define PROC_SYS_KERNEL_INO 7u
#define PROC_SYS_FS_INO 8u
#define PROC_PID_BASE 0x10000u /* pid directory: base + pid * PID_FILES */
#define PID_FILES 32u

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
    {23, PROC_SYS_KERNEL_INO, "shmall", VFS_S_IFREG | 0644, PT_SHMALL},
    {24, PROC_SYS_KERNEL_INO, "shmmax", VFS_S_IFREG | 0644, PT_SHMMAX},
    {25, PROC_SYS_KERNEL_INO, "shmmni", VFS_S_IFREG | 0644, PT_SHMMNI},
    {37, PROC_SYS_KERNEL_INO, "shm_next_id", VFS_S_IFREG | 0644,
     PT_SHM_NEXT_ID},
    {38, PROC_SYS_VM_INO, "max_map_count", VFS_S_IFREG | 0644,
     PT_MAX_MAP_COUNT},
    {42, PROC_SYS_VM_INO, "pagecache_max_pages", VFS_S_IFREG | 0644,
     PT_PCACHE_MAX},
    {39, PROC_SYS_FS_INO, "pipe-user-pages-soft", VFS_S_IFREG | 0644,
     PT_PIPE_USER_SOFT},
    {40, PROC_SYS_FS_INO, "pipe-user-pages-hard", VFS_S_IFREG | 0644,
     PT_PIPE_USER_HARD},
    {41, PROC_SYS_KERNEL_INO, "core_pattern", VFS_S_IFREG | 0644,
     PT_CORE_PATTERN},
    {26, PROC_ROOT_INO, "cpuinfo", VFS_S_IFREG | 0444, PT_CPUINFO},
    {PROC_SYS_FS_INO, PROC_SYS_INO, "fs", VFS_S_IFDIR | 0555, PT_NONE},
    {27, PROC_SYS_FS_INO, "pipe-max-size", VFS_S_IFREG | 0644,
     PT_PIPE_MAX_SIZE},
    {28, PROC_SYS_FS_INO, "lease-break-time", VFS_S_IFREG | 0644,
     PT_LEASE_BREAK_TIME},
    {29, PROC_ROOT_INO, "loadavg", VFS_S_IFREG | 0444, PT_LOADAVG},
    {30, PROC_ROOT_INO, "version", VFS_S_IFREG | 0444, PT_VERSION},
    {31, PROC_ROOT_INO, "stat", VFS_S_IFREG | 0444, PT_SYSSTAT},
    {32, PROC_SYS_KERNEL_INO, "pid_max", VFS_S_IFREG | 0644, PT_PID_MAX},
    {33, PROC_SYS_KERNEL_INO, "tainted", VFS_S_IFREG | 0444, PT_TAINTED},
    {34, PROC_SYS_KERNEL_INO, "osrelease", VFS_S_IFREG | 0444, PT_OSRELEASE},
    {35, PROC_SYS_KERNEL_INO, "ostype", VFS_S_IFREG | 0444, PT_OSTYPE},
    {36, PROC_SYS_KERNEL_INO, "hostname", VFS_S_IFREG | 0644, PT_HOSTNAME},
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

/* The files of a pid directory, in readdir order (index 0 is the dir),
 * with their permission bits as Linux has them (who may write is then
 * proc_text_write's: the process itself or root). */
static const struct {
	const char *name;
	enum proc_text kind;
	uint16_t perm;
} pid_files[] = {
    {"maps", PT_MAPS, 0444},
    {"stat", PT_STAT, 0444},
    {"status", PT_STATUS, 0444},
    {"cmdline", PT_CMDLINE, 0444},
    {"comm", PT_COMM, 0644},
    {"timerslack_ns", PT_TIMERSLACK, 0666},
    {"environ", PT_ENVIRON, 0400},
    {"coredump_filter", PT_COREDUMP_FILTER, 0644},
    {"smaps", PT_SMAPS, 0444},
    {"smaps_rollup", PT_SMAPS_ROLLUP, 0444},
    {"pagemap", PT_PAGEMAP, 0400},
};
#define NPID_FILES (sizeof(pid_files) / sizeof(pid_files[0]))
#define TASK_SLOT (NPID_FILES + 1) /* the "task" directory */
/* Then the links exe, cwd and root (enum proc_link order) and the fd
 * directory; fd/N's links have inode numbers of their own, above
 * PROC_FD_BASE: FD_PER_PID per process. */
#define LINK_SLOT (TASK_SLOT + 1)
#define FD_SLOT (LINK_SLOT + 3)
#define FD_LINK_SLOT PID_FILES /* ino_slot() of fd/N */
_Static_assert(FD_SLOT < PID_FILES, "a pid directory's slots overflow");
#define PROC_FD_BASE 0x80000000u
#define FD_PER_PID 4096u
static const char *const link_names[3] = {"exe", "cwd", "root"};

static const struct vnode_ops proc_vops;

static int ino_pid(uint64_t ino)
{
	if (ino >= PROC_FD_BASE)
		return (int)((ino - PROC_FD_BASE) / FD_PER_PID);
	return ino >= PROC_PID_BASE ? (int)((ino - PROC_PID_BASE) / PID_FILES)
				    : -1;
}

static unsigned ino_slot(uint64_t ino)
{
	if (ino >= PROC_FD_BASE)
		return FD_LINK_SLOT;
	return (unsigned)((ino - PROC_PID_BASE) % PID_FILES);
}

static uint64_t pid_ino(int pid)
{
	return PROC_PID_BASE + (uint64_t)pid * PID_FILES;
}

static uint64_t fd_ino(int pid, int fd)
{
	return PROC_FD_BASE + (uint64_t)pid * FD_PER_PID + (uint64_t)fd;
}

static enum proc_text ino_text(uint64_t ino);

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
	if (ino_pid(ino) >= 0 && ino_slot(ino) == FD_SLOT)
		return VFS_S_IFDIR | 0500;
	if (ino_pid(ino) >= 0 && ino_slot(ino) >= LINK_SLOT &&
	    (ino_slot(ino) < FD_SLOT || ino_slot(ino) == FD_LINK_SLOT))
		return VFS_S_IFLNK | 0777;
	if (ino_pid(ino) >= 0 && ino_slot(ino) >= 1 &&
	    ino_slot(ino) <= NPID_FILES)
		return VFS_S_IFREG | pid_files[ino_slot(ino) - 1].perm;
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
	return proc_vnode(dir->sb, pid_ino(pid), out);
}

/* The parent of directory ino (the root's is itself). */
static uint64_t dir_parent(uint64_t ino)
{
	const struct proc_node *n = fixed_node(ino);

	if (ino_pid(ino) >= 0 &&
	    (ino_slot(ino) == TASK_SLOT || ino_slot(ino) == FD_SLOT))
		return pid_ino(ino_pid(ino));

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
	return proc_vnode(dir->sb, pid_ino(tid), out);
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
		if (fill(arg, name, strlen(name), pid_ino(t->pid), VFS_DT_DIR,
			 *pos + 1))
			return 0;
	}
	return 0;
}

/* fd/N: a link for each open descriptor of the directory's process. */
static int lookup_fd(struct vnode *dir, const char *name, size_t len,
		     struct vnode **out)
{
	int pid = ino_pid(dir->ino), fd = 0;

	if (len == 0 || len > 4)
		return -ENOENT;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -ENOENT;
		fd = fd * 10 + (name[i] - '0');
	}
	if (!fd_file(proc_find(pid), fd))
		return -ENOENT;
	return proc_vnode(dir->sb, fd_ino(pid, fd), out);
}

/* fd's entries from position 2 on: position 2 + N for descriptor N. */
static int readdir_fds(int pid, uint64_t *pos, vfs_filldir_t fill, void *arg)
{
	struct proc *p = proc_find(pid);

	for (; p && *pos < 2 + FD_PER_PID; (*pos)++) {
		int fd = (int)*pos - 2;
		char name[12];

		if (!fd_file(p, fd))
			continue;
		snprintk(name, sizeof(name), "%d", fd);
		if (fill(arg, name, strlen(name), fd_ino(pid, fd), VFS_DT_LNK,
			 *pos + 1))
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
	if (ino_slot(dir->ino) == FD_SLOT)
		return lookup_fd(dir, name, len, out);
	for (unsigned i = 0; i < NPID_FILES; i++)
		if (name_is(name, len, pid_files[i].name))
			return proc_vnode(dir->sb, dir->ino + 1 + i, out);
	if (name_is(name, len, "task"))
		return proc_vnode(dir->sb, dir->ino + TASK_SLOT, out);
	for (unsigned i = 0; i < 3; i++)
		if (name_is(name, len, link_names[i]))
			return proc_vnode(dir->sb, dir->ino + LINK_SLOT + i,
					  out);
	if (name_is(name, len, "fd"))
		return proc_vnode(dir->sb, dir->ino + FD_SLOT, out);
	return -ENOENT;
}

/* The root's processes, by pid from position 100 + pid on. */
static int readdir_pids(uint64_t *pos, vfs_filldir_t fill, void *arg)
{
	for (struct proc *p; (p = proc_next((int)(*pos - 100)));) {
		char name[12];

		*pos = 100 + (uint64_t)p->pid;
		snprintk(name, sizeof(name), "%d", p->pid);
		if (fill(arg, name, strlen(name), pid_ino(p->pid), VFS_DT_DIR,
			 *pos + 1))
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
			 VFS_ISDIR(n->mode) ? VFS_DT_DIR : VFS_DT_REG,
			 *pos + 1))
			return 0;
	}
	if (ino != PROC_ROOT_INO)
		return 0;
	if (*pos == 2 + nchild) {
		if (fill(arg, "self", 4, PROC_SELF_INO, VFS_DT_LNK, 100))
			return 0;
		*pos = 100;
	}
	return readdir_pids(pos, fill, arg);
}

static int proc_readdir(struct vnode *dir, uint64_t *pos, vfs_filldir_t fill,
			void *arg)
{
	uint64_t self = dir->ino, up = dir_parent(dir->ino);

	if (*pos == 0 && fill(arg, ".", 1, self, VFS_DT_DIR, 1))
		return 0;
	if (*pos == 0)
		*pos = 1;
	if (*pos == 1 && fill(arg, "..", 2, up, VFS_DT_DIR, 2))
		return 0;
	if (*pos == 1)
		*pos = 2;
	if (ino_pid(dir->ino) < 0)
		return readdir_fixed(dir->ino, pos, fill, arg);
	if (ino_slot(dir->ino) == TASK_SLOT)
		return readdir_tasks(ino_pid(dir->ino), pos, fill, arg);
	if (ino_slot(dir->ino) == FD_SLOT)
		return readdir_fds(ino_pid(dir->ino), pos, fill, arg);
	for (; *pos < 2 + NPID_FILES; (*pos)++) {
		unsigned i = (unsigned)*pos - 2;

		if (fill(arg, pid_files[i].name, strlen(pid_files[i].name),
			 dir->ino + 1 + i, VFS_DT_REG, *pos + 1))
			return 0;
	}
	if (*pos == 2 + NPID_FILES &&
	    !fill(arg, "task", 4, dir->ino + TASK_SLOT, VFS_DT_DIR, *pos + 1))
		(*pos)++;
	for (unsigned i = 0; i < 3 && *pos == 3 + NPID_FILES + i; i++)
		if (!fill(arg, link_names[i], strlen(link_names[i]),
			  dir->ino + LINK_SLOT + i, VFS_DT_LNK, *pos + 1))
			(*pos)++;
	if (*pos == 6 + NPID_FILES &&
	    !fill(arg, "fd", 2, dir->ino + FD_SLOT, VFS_DT_DIR, *pos + 1))
		(*pos)++;
	return 0;
}

static long proc_readlink(struct vnode *v, char *buf, size_t size)
{
	char text[16];
	size_t len;

	unsigned slot = ino_slot(v->ino);

	if (ino_pid(v->ino) >= 0 && slot == FD_LINK_SLOT)
		return proc_link_read(
		    ino_pid(v->ino), PL_FD,
		    (int)((v->ino - PROC_FD_BASE) % FD_PER_PID), buf, size);
	if (ino_pid(v->ino) >= 0 && slot >= LINK_SLOT && slot < FD_SLOT)
		return proc_link_read(ino_pid(v->ino),
				      (enum proc_link)(slot - LINK_SLOT), 0,
				      buf, size);
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
	if (ino_text(v->ino) == PT_PAGEMAP)
		return proc_pagemap_read(ino_pid(v->ino), buf, n, off);
	if (ino_text(v->ino) == PT_SMAPS || ino_text(v->ino) == PT_SMAPS_ROLLUP)
		return proc_smaps_read(ino_pid(v->ino),
				       ino_text(v->ino) == PT_SMAPS_ROLLUP, buf,
				       n, off);
	return proc_text_read(ino_text(v->ino), ino_pid(v->ino), buf, n, off);
}

/*
 * The /proc/sys integers take a number (sysctl.c); /proc/sys/vm/drop_caches
 * (the other writable files: proc_text_write): "1", "2" or "3" all write back
 * and empty the block cache (both levels); "2" and "3" (Linux's slab
 * objects) also make the file systems forget their idle in-memory inodes.
 */
static long proc_write(struct vnode *v, const void *buf, size_t n, uint64_t off)
{
	const char *s = buf;

	(void)off;
	if (proc_knob(ino_text(v->ino)))
		return proc_knob_write(ino_text(v->ino), buf, n);
	if (ino_text(v->ino) != PT_DROP_CACHES)
		return proc_text_write(ino_text(v->ino), ino_pid(v->ino), s, n);
	if (n == 0 || s[0] < '1' || s[0] > '3' ||
	    (n > 1 && s[1] != '\n' && s[1] != ' '))
		return -EINVAL;
	if (s[0] != '1')
		vfs_drop_caches();
	return bcache_drop_caches() ? -EIO : (long)n;
}

/* Opening a writable file with O_TRUNC (as "echo 3 >" does) is
 * allowed and changes nothing. */
static int proc_truncate(struct vnode *v, uint64_t size)
{
	(void)size;
	return (ino_mode(v->ino) & 0200) ? 0 : -EACCES;
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
