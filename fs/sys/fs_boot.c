/*
 * fs_boot.c - the file tree at boot: the file system types are
 * registered and the root is mounted, as Linux's root= option says:
 * "root=/dev/hdX" an ext2 disk, "root=initrd" an in-memory ramfs filled
 * from the boot cpio modules, "root=/dev/ram0" a boot module that is a
 * file system image (Linux's initrd image: every module that is not a
 * cpio archive becomes a RAM disk, ram0, ram1...); without the option
 * the first disk when one is attached and holds a file system (a RAM
 * disk counts when no IDE disk is there), else the archive. Then /dev gets
 * its device nodes (on a disk root, in a tmpfs mounted over /dev), and
 * /proc and /dev/shm are mounted when those directories exist; nothing
 * is created on a disk. The boot modules' pages go back to the allocator
 * either way.
 */
#include <arch/hooks.h>
#include <fs/bcache.h>
#include <fs/blockdev.h>
#include <fs/ext2.h>
#include <fs/ramdisk.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/string.h>

/* Unpack every cpio module into the root ramfs; the module's pages go
 * back to the allocator. */
static void unpack_modules(struct ramfs *rootfs)
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

static struct ramdisk ramdisks[RAMDISK_MAX];
static bool module_is_ramdisk[BOOT_MAX_MODS];

/* Every boot module that is not a cpio archive becomes a RAM disk over
 * its own pages, which it keeps for good. */
static void register_ramdisks(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < bootinfo.nmods && n < RAMDISK_MAX; i++) {
		const struct boot_module *m = &bootinfo.mods[i];
		size_t len = m->end - m->start;
		char *mem;

		if (m->end <= m->start || m->end > arch_direct_map_limit() ||
		    len < BLOCKDEV_SECTOR)
			continue;
		mem = arch_phys_to_virt(m->start);
		if (cpio_is_newc(mem, len) ||
		    ramdisk_register(&ramdisks[n], n, mem, len))
			continue;
		module_is_ramdisk[i] = true;
		printk("vfs: module %s is RAM disk ram%u (%zu KiB)\n", m->name,
		       n, len >> 10);
		n++;
	}
}

/* Give back the pages of every boot module but the RAM disks' (a disk
 * root needs none). */
static void release_modules(void)
{
	for (unsigned i = 0; i < bootinfo.nmods; i++)
		if (!module_is_ramdisk[i])
			mm_boot_release_module(i);
}

/* The block device named by root= ("/dev/hda" or "hda"), or NULL. */
static struct blockdev *disk_named(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	for (unsigned i = 0; blockdev_nth(i); i++)
		if (!strcmp(blockdev_nth(i)->name, name))
			return blockdev_nth(i);
	return NULL;
}

/*
 * Mount the root from a disk if root= asks for one, or by default when
 * the first disk holds a file system: true if it is mounted. An explicit
 * root= that cannot be mounted is fatal, as on Linux.
 */
static bool mount_disk_root(void)
{
	char arg[32];
	bool given = cmdline_get("root", arg, sizeof(arg));
	struct blockdev *d;
	int err;

	if (given && !strcmp(arg, "initrd"))
		return false;
	d = given ? disk_named(arg) : blockdev_nth(0);
	if (!d && given)
		panic("VFS: root=%s: no such disk", arg);
	if (!d || !vfs_find_fstype("ext2"))
		return false;
	if (!given) {
		strlcpy(arg, "/dev/", sizeof(arg));
		strlcpy(arg + 5, d->name, sizeof(arg) - 5);
	}
	err = vfs_mount_root("ext2", d, arg, "");
	if (err && given)
		panic("VFS: Unable to mount root fs on %s (error %d)", arg,
		      err);
	if (err)
		printk("vfs: %s holds no usable file system (%d); root is "
		       "the boot archive\n",
		       d->name, err);
	else
		printk("vfs: root is ext2 on %s\n", d->name);
	return err == 0;
}

/* Make path (a directory or a device node) unless something is there. */
static void ensure_node(const char *path, uint32_t mode, uint32_t rdev)
{
	struct vfs_ctx ctx = {{0, 0, 0, NULL}, NULL, NULL};
	struct vnode *v;
	int err;

	if (vfs_lookup(&ctx, NULL, path, VFS_NOFOLLOW, &v) == 0) {
		vnode_put(v);
		return;
	}
	if (VFS_ISDIR(mode))
		err = vfs_mkdir(&ctx, NULL, path, mode);
	else
		err = vfs_mknod(&ctx, NULL, path, mode, rdev);
	if (err)
		printk("vfs: cannot create %s (%d)\n", path, err);
}

static void make_dev_nodes(void)
{
	ensure_node("/dev/console", VFS_S_IFCHR | 0600, DEV_CONSOLE);
	ensure_node("/dev/tty", VFS_S_IFCHR | 0666, DEV_TTY);
	ensure_node("/dev/ttyS0", VFS_S_IFCHR | 0620, DEV_TTYS0);
	ensure_node("/dev/null", VFS_S_IFCHR | 0666, DEV_NULL);
	ensure_node("/dev/zero", VFS_S_IFCHR | 0666, DEV_ZERO);
	ensure_node("/dev/full", VFS_S_IFCHR | 0666, DEV_FULL);
	ensure_node("/dev/mem", VFS_S_IFCHR | 0640, DEV_MEM);
	for (unsigned i = 0; blockdev_nth(i); i++) {
		struct blockdev *d = blockdev_nth(i);
		char path[32] = "/dev/";

		strlcpy(path + 5, d->name, sizeof(path) - 5);
		ensure_node(path, VFS_S_IFBLK | 0660, d->rdev);
	}
}

/* Is path a directory of the tree? */
static bool is_dir(const char *path)
{
	struct vfs_ctx ctx = {{0, 0, 0, NULL}, NULL, NULL};
	struct vnode *v;

	if (vfs_lookup(&ctx, NULL, path, VFS_DIRECTORY, &v))
		return false;
	vnode_put(v);
	return true;
}

/* Mount a memory file system on dir if dir is a directory. */
static void mount_if_dir(const char *dir, const char *type)
{
	struct vfs_ctx ctx = {{0, 0, 0, NULL}, NULL, NULL};
	int err;

	if (!is_dir(dir))
		return;
	err = vfs_mount(&ctx, type, NULL, dir, type, "");
	if (err)
		printk("vfs: mount %s on %s: error %d\n", type, dir, err);
}

/* The in-memory root, filled from the boot archive, with the
 * directories the kernel mounts on (it is memory: nothing is changed
 * that anybody keeps). */
static void mount_initrd_root(void)
{
	struct vnode *root;

	if (vfs_mount_root("ramfs", NULL, "rootfs", ""))
		panic("vfs: no memory for the root file system");
	root = vfs_root();
	unpack_modules(ramfs_of_super(root->sb));
	vnode_put(root);
	ensure_node("/dev", VFS_S_IFDIR | 0755, 0);
	ensure_node("/proc", VFS_S_IFDIR | 0555, 0);
	ensure_node("/tmp", VFS_S_IFDIR | 01777, 0);
}

/*
 * A disk root is the user's: nothing is created on it. Where it has /dev,
 * a tmpfs goes over it (the nodes then live in memory); where it has
 * /proc, proc is mounted there.
 */
void vfs_init(void)
{
	if (ramfs_register() || procfs_register() || ext2_register_fstype())
		panic("vfs: cannot register the file system types");
	vfs_set_special_open(dev_open);
	writeback_init();
	register_ramdisks();
	if (mount_disk_root()) {
		release_modules();
		mount_if_dir("/dev", "tmpfs");
	} else {
		mount_initrd_root();
	}
	if (is_dir("/dev")) {
		make_dev_nodes();
		ensure_node("/dev/shm", VFS_S_IFDIR | 01777, 0);
		mount_if_dir("/dev/shm", "tmpfs");
	}
	mount_if_dir("/proc", "proc");
}
