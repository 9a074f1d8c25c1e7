/*
 * sys_cwd.c - where a process stands in the tree: chdir, fchdir, chroot
 * and getcwd. The working directory and the root are vnodes the process
 * holds (fs/sys/fdtable.c); getcwd names the cwd by climbing ".." to the
 * caller's root (vfs_dir_path), so a renamed directory is named anew.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

/* Make directory v (referenced, taken over) the cwd, or the root. */
static long set_dir(struct vnode *v, bool root)
{
	struct vfs_ctx ctx;
	struct fs_info *fs = current->fs;
	struct vnode **slot = root ? &fs->root : &fs->cwd;
	long err = 0;

	proc_vfs_ctx(current, &ctx);
	if (!VFS_ISDIR(v->mode))
		err = -ENOTDIR;
	else
		err = vnode_permission(&ctx.cred, v, MAY_EXEC);
	if (!err && root && !cred_privileged())
		err = -EPERM;
	if (err) {
		vnode_put(v);
		return err;
	}
	vnode_put(*slot);
	USE(fs, *slot = v);
	return 0;
}

SYSCALL_DEFINE1(chdir, uint32_t, path)
{
	struct vnode *v;
	long err = lookup_user(AT_FDCWD, path, false, false, &v);

	return err ? err : set_dir(v, false);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct vfile *f = fd_file(current, fd);

	if (!f)
		return -EBADF;
	if (!f->vn)
		return -ENOTDIR;
	return set_dir(vnode_get(f->vn), false);
}

SYSCALL_DEFINE1(chroot, uint32_t, path)
{
	struct vnode *v;
	long err = lookup_user(AT_FDCWD, path, false, false, &v);

	return err ? err : set_dir(v, true);
}

SYSCALL_DEFINE2(getcwd, void *, buf, uint32_t, size)
{
	struct vfs_ctx ctx;
	struct vnode *cwd;
	char *page = vfs_page_alloc();
	long err;
	size_t len;

	if (!page)
		return -ENOMEM;
	proc_vfs_ctx(current, &ctx);
	cwd = current->fs->cwd ? vnode_get(current->fs->cwd) : vfs_root();
	err = vfs_dir_path(&ctx, cwd, page, PAGE_SIZE);
	vnode_put(cwd);
	len = err ? 0 : strlen(page) + 1;
	if (!err && size < len)
		err = -ERANGE;
	if (!err && copy_to_user(buf, page, len))
		err = -EFAULT;
	vfs_page_free(page);
	return err ? err : (long)len;
}
