/*
 * sys_mount.c - system calls on whole file systems: mount, umount,
 * umount2, statfs and fstatfs (32- and 64-bit layouts), sync, syncfs,
 * fsync, fdatasync, and reboot (which syncs first). Mounting is root's
 * (the VFS checks); a device-backed type gets its block device from the
 * source path, which must name a block device node.
 */
#include <arch/hooks.h>
#include <fs/blockdev.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define MS_RDONLY 1u
#define MS_REMOUNT 32u
#define MS_BIND 4096u
#define MS_MOVE 8192u
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xc0ed0000u
#define MNT_FORCE 1u
#define MNT_DETACH 2u
#define MNT_EXPIRE 4u
#define UMOUNT_NOFOLLOW 8u
#define ENOTBLK 15

/* A short user string (type, options) into buf: 0 or -errno. */
static long small_string(uint32_t ustr, char *buf, size_t size)
{
	long r = strncpy_from_user(buf, (const char *)ustr, size);

	return r < 0 ? r : 0;
}

/* The block device a source path names, for a type that needs one. */
static long source_device(const char *source, struct blockdev **dev)
{
	struct vfs_ctx ctx;
	struct vattr va;
	long err;

	proc_vfs_ctx(current, &ctx);
	err = vfs_stat(&ctx, NULL, source, 0, &va);
	if (err)
		return err;
	if ((va.mode & VFS_S_IFMT) != VFS_S_IFBLK)
		return -ENOTBLK;
	*dev = blockdev_by_rdev(va.rdev);
	return *dev ? 0 : -ENXIO;
}

/* mount(2) of a new file system (no bind, move or remount). */
static long mount_new(const char *source, const char *target, const char *type,
		      const char *options)
{
	const struct vfs_fstype *t = vfs_find_fstype(type);
	struct blockdev *dev = NULL;
	struct vfs_ctx ctx;
	long err;

	if (!t)
		return -ENODEV;
	if (t->flags & VFS_FS_REQUIRES_DEV) {
		err = source_device(source, &dev);
		if (err)
			return err;
	}
	proc_vfs_ctx(current, &ctx);
	return vfs_mount(&ctx, source, dev, target, type, options);
}

/* MS_REMOUNT: the target must be a mount point; MS_RDONLY makes it
 * read-only, its absence writable again (fs/vfs/mount.c). */
static long mount_remount(const char *target, uint32_t flags)
{
	struct vfs_ctx ctx;

	proc_vfs_ctx(current, &ctx);
	if (!cred_privileged())
		return -EPERM;
	return vfs_remount(&ctx, target, flags & MS_RDONLY);
}

struct mount_args {
	char *source, *target, *page; /* page: type, options, raw data */
};

static long mount_args_get(struct mount_args *a, uint32_t usrc, uint32_t utgt,
			   uint32_t utype, uint32_t udata, uint32_t flags)
{
	char *type, *opts, *data;
	bool ro = flags & MS_RDONLY;
	long err;

	a->source = a->target = a->page = NULL;
	err = path_from_user(utgt, &a->target);
	if (!err && usrc)
		err = path_from_user(usrc, &a->source);
	if (!err && !(a->page = vfs_page_alloc()))
		err = -ENOMEM;
	if (err)
		return err;
	type = a->page;
	opts = a->page + 128;
	data = a->page + 256;
	type[0] = data[0] = '\0';
	if (utype && !(flags & MS_REMOUNT))
		err = small_string(utype, type, 128);
	if (!err && udata)
		err = small_string(udata, data, VFS_MOUNT_STR - 3);
	/* MS_RDONLY is the option "ro", before whatever data says. */
	snprintk(opts, VFS_MOUNT_STR, "%s%s%s", ro ? "ro" : "",
		 ro && data[0] ? "," : "", data);
	return err == -ENAMETOOLONG ? -EINVAL : err;
}

static void mount_args_put(struct mount_args *a)
{
	vfs_page_free(a->source);
	vfs_page_free(a->target);
	vfs_page_free(a->page);
}

SYSCALL_DEFINE5(mount, uint32_t, source, uint32_t, target, uint32_t, type,
		uint32_t, flags, uint32_t, data)
{
	struct mount_args a;
	long err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	err = mount_args_get(&a, source, target, type, data, flags);
	if (!err && (flags & (MS_BIND | MS_MOVE)))
		err = -EINVAL; /* no bind or move mounts */
	else if (!err && (flags & MS_REMOUNT))
		err = mount_remount(a.target, flags);
	else if (!err)
		err = mount_new(a.source ? a.source : "none", a.target, a.page,
				a.page + 128);
	mount_args_put(&a);
	return err;
}

static long do_umount(uint32_t utarget, uint32_t flags)
{
	struct vfs_ctx ctx;
	char *target;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	err = path_from_user(utarget, &target);
	if (err)
		return err;
	proc_vfs_ctx(current, &ctx);
	err = vfs_umount(&ctx, target); /* root only: the VFS checks */
	vfs_page_free(target);
	return err;
}

SYSCALL_DEFINE1(umount, uint32_t, target)
{
	return do_umount(target, 0);
}

SYSCALL_DEFINE2(umount2, uint32_t, target, uint32_t, flags)
{
	return do_umount(target, flags);
}

/* --- statfs ------------------------------------------------------------ */

/* i386 struct statfs64 (84 bytes: 64-bit fields 4-byte aligned). */
struct statfs64_u {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	uint32_t fsid[2];
	uint32_t namelen, frsize, flags, spare[4];
} __attribute__((packed));
_Static_assert(sizeof(struct statfs64_u) == 84, "statfs64 layout");

struct statfs_u {
	uint32_t type, bsize, blocks, bfree, bavail, files, ffree;
	uint32_t fsid[2];
	uint32_t namelen, frsize, flags, spare[4];
};
_Static_assert(sizeof(struct statfs_u) == 64, "statfs layout");

static long put_statfs(uint32_t ubuf, const struct vstatfs *st, bool is64)
{
	struct statfs64_u s64 = {
	    st->type,	 st->bsize,
	    st->blocks,	 st->bfree,
	    st->bavail,	 st->files,
	    st->ffree,	 {st->fsid[0], st->fsid[1]},
	    st->namelen, st->frsize ? st->frsize : st->bsize,
	    st->flags,	 {0}};
	struct statfs_u s;

	if (is64)
		return copy_to_user((void *)ubuf, &s64, sizeof(s64)) ? -EFAULT
								     : 0;
	if ((st->blocks | st->bfree | st->bavail) >> 32 ||
	    ((st->files | st->ffree) >> 32 && st->files != ~0ull))
		return -EOVERFLOW;
	memset(&s, 0, sizeof(s));
	s.type = s64.type;
	s.bsize = s64.bsize;
	s.blocks = (uint32_t)s64.blocks;
	s.bfree = (uint32_t)s64.bfree;
	s.bavail = (uint32_t)s64.bavail;
	s.files = (uint32_t)s64.files;
	s.ffree = (uint32_t)s64.ffree;
	memcpy(s.fsid, s64.fsid, sizeof(s.fsid));
	s.namelen = s64.namelen;
	s.frsize = s64.frsize;
	s.flags = s64.flags;
	return copy_to_user((void *)ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

static long statfs_vnode(struct vnode *v, uint32_t ubuf, bool is64)
{
	struct vstatfs st;
	long err = vfs_statfs(v, &st);

	vnode_put(v);
	return err ? err : put_statfs(ubuf, &st, is64);
}

static long do_statfs(uint32_t path, uint32_t ubuf, bool is64)
{
	struct vnode *v;
	long err = lookup_user(AT_FDCWD, path, false, false, &v);

	return err ? err : statfs_vnode(v, ubuf, is64);
}

static long do_fstatfs(int fd, uint32_t ubuf, bool is64)
{
	struct vfile *f = fd_file(current, fd);

	if (!f)
		return -EBADF;
	if (!f->vn)
		return -EINVAL; /* pipes: Linux's pipefs is not reachable */
	return statfs_vnode(vnode_get(f->vn), ubuf, is64);
}

SYSCALL_DEFINE2(statfs, uint32_t, path, uint32_t, buf)
{
	return do_statfs(path, buf, false);
}

SYSCALL_DEFINE2(fstatfs, int, fd, uint32_t, buf)
{
	return do_fstatfs(fd, buf, false);
}

SYSCALL_DEFINE3(statfs64, uint32_t, path, uint32_t, size, uint32_t, buf)
{
	if (size != sizeof(struct statfs64_u))
		return -EINVAL;
	return do_statfs(path, buf, true);
}

SYSCALL_DEFINE3(fstatfs64, int, fd, uint32_t, size, uint32_t, buf)
{
	if (size != sizeof(struct statfs64_u))
		return -EINVAL;
	return do_fstatfs(fd, buf, true);
}

/* --- sync and reboot --------------------------------------------------- */

SYSCALL_DEFINE0(sync)
{
	vfs_sync_all();
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct vfile *f = fd_file(current, fd);

	if (!f)
		return -EBADF;
	return f->vn ? vfs_syncfs(f->vn) : 0;
}

static long do_fsync(int fd)
{
	struct vfile *f = fd_file_io(current, fd);

	if (!f)
		return -EBADF;
	return vfs_fsync(f);
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd);
}

#define REBOOT_MAGIC1 0xfee1deadu
#define REBOOT_MAGIC2 672274793u
#define REBOOT_MAGIC2A 85072278u
#define REBOOT_MAGIC2B 369367448u
#define REBOOT_MAGIC2C 537993216u
#define REBOOT_CMD_RESTART 0x01234567u
#define REBOOT_CMD_HALT 0xCDEF0123u
#define REBOOT_CMD_CAD_ON 0x89ABCDEFu
#define REBOOT_CMD_CAD_OFF 0x00000000u
#define REBOOT_CMD_POWER_OFF 0x4321FEDCu

/* Write every file system back and unmount what can be. */
void kernel_shutdown_fs(void)
{
	vfs_sync_all();
	if (vfs_unmount_all())
		printk("vfs: file systems still in use were synced, not "
		       "unmounted\n");
}

SYSCALL_DEFINE4(reboot, uint32_t, magic1, uint32_t, magic2, uint32_t, cmd,
		uint32_t, arg)
{
	(void)arg;
	if (!cred_privileged())
		return -EPERM;
	if (magic1 != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
	     magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_RESTART:
		kernel_shutdown_fs();
		printk("reboot: Restarting system\n");
		arch_restart();
	case REBOOT_CMD_HALT:
		kernel_shutdown_fs();
		printk("reboot: System halted\n");
		arch_halt_forever();
	case REBOOT_CMD_POWER_OFF:
		kernel_shutdown_fs();
		printk("reboot: Power down\n");
		arch_power_off(0);
	default:
		return -EINVAL;
	}
}
