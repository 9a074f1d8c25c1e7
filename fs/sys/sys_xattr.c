/*
 * sys_xattr.c - the extended attribute calls (setxattr, getxattr,
 * listxattr, removexattr and their l- and f- forms). No file system here
 * keeps extended attributes, so, as Linux with no xattr handler for a
 * name: the file is found first (ENOENT, ENOTDIR, ELOOP, EBADF for a bad
 * or O_PATH descriptor, as Linux's fdget), then get, set and remove are
 * EOPNOTSUPP and a list is empty.
 */
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>

/* The file a path names (following a final symlink unless nofollow):
 * 0 or its error; nothing is kept. */
static long path_file(uint32_t upath, bool nofollow)
{
	struct vnode *v;
	long r = lookup_user(AT_FDCWD, upath, nofollow, false, &v);

	if (!r)
		vnode_put(v);
	return r;
}

/* A descriptor to act on: 0 or -EBADF (also for O_PATH). */
static long fd_ok(int fd)
{
	return fd_file_io(current, fd) ? 0 : -EBADF;
}

/* What every attribute operation answers once the file is found: op is
 * 'l' (list: empty) or anything else (no attributes: EOPNOTSUPP). */
static long no_xattrs(long found, char op)
{
	if (found)
		return found;
	return op == 'l' ? 0 : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, uint32_t, path, uint32_t, name, uint32_t, value,
		uint32_t, size, int, flags)
{
	(void)name, (void)value, (void)size, (void)flags;
	return no_xattrs(path_file(path, false), 's');
}

SYSCALL_DEFINE5(lsetxattr, uint32_t, path, uint32_t, name, uint32_t, value,
		uint32_t, size, int, flags)
{
	(void)name, (void)value, (void)size, (void)flags;
	return no_xattrs(path_file(path, true), 's');
}

SYSCALL_DEFINE5(fsetxattr, int, fd, uint32_t, name, uint32_t, value, uint32_t,
		size, int, flags)
{
	(void)name, (void)value, (void)size, (void)flags;
	return no_xattrs(fd_ok(fd), 's');
}

SYSCALL_DEFINE4(getxattr, uint32_t, path, uint32_t, name, uint32_t, value,
		uint32_t, size)
{
	(void)name, (void)value, (void)size;
	return no_xattrs(path_file(path, false), 'g');
}

SYSCALL_DEFINE4(lgetxattr, uint32_t, path, uint32_t, name, uint32_t, value,
		uint32_t, size)
{
	(void)name, (void)value, (void)size;
	return no_xattrs(path_file(path, true), 'g');
}

SYSCALL_DEFINE4(fgetxattr, int, fd, uint32_t, name, uint32_t, value, uint32_t,
		size)
{
	(void)name, (void)value, (void)size;
	return no_xattrs(fd_ok(fd), 'g');
}

SYSCALL_DEFINE3(listxattr, uint32_t, path, uint32_t, list, uint32_t, size)
{
	(void)list, (void)size;
	return no_xattrs(path_file(path, false), 'l');
}

SYSCALL_DEFINE3(llistxattr, uint32_t, path, uint32_t, list, uint32_t, size)
{
	(void)list, (void)size;
	return no_xattrs(path_file(path, true), 'l');
}

SYSCALL_DEFINE3(flistxattr, int, fd, uint32_t, list, uint32_t, size)
{
	(void)list, (void)size;
	return no_xattrs(fd_ok(fd), 'l');
}

SYSCALL_DEFINE2(removexattr, uint32_t, path, uint32_t, name)
{
	(void)name;
	return no_xattrs(path_file(path, false), 'r');
}

SYSCALL_DEFINE2(lremovexattr, uint32_t, path, uint32_t, name)
{
	(void)name;
	return no_xattrs(path_file(path, true), 'r');
}

SYSCALL_DEFINE2(fremovexattr, int, fd, uint32_t, name)
{
	(void)name;
	return no_xattrs(fd_ok(fd), 'r');
}
