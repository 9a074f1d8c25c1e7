/*
 * vfs_core.h - the portable VFS (fs/vfs/, docs/vfs.md) in one include:
 * vnodes and their operations, file system types, super blocks and
 * mounts, path resolution and the operations on paths, open files.
 * include/fs/vfs.h remains what the kernel uses until its system calls
 * switch to these.
 */
#ifndef FS_VFS_CORE_H
#define FS_VFS_CORE_H

#include <fs/vfs/vnode.h>
#include <fs/vfs/mount.h>
#include <fs/vfs/namei.h>
#include <fs/vfs/file.h>
#include <fs/vfs/buf.h>
#include <fs/vfs/filelock.h>

#endif
