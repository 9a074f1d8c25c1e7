/*
 * dev.c - device nodes: what opening one gives (the VFS's special-open
 * hook), and the character devices /dev/null, /dev/zero, /dev/full and
 * /dev/mem (physical memory, root only). The console terminal lives in
 * kernel/tty.c, block devices in fs/devfs/dev_block.c, fifos in pipe.c.
 */
#include <arch/hooks.h>
#include <kernel/console.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

static long null_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)n;
	(void)off;
	return 0;
}

static long sink_write(struct vfile *f, const void *kbuf, size_t n,
		       uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)off;
	return (long)n;
}

static long zero_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)off;
	memset(kbuf, 0, n);
	return (long)n;
}

static long full_write(struct vfile *f, const void *kbuf, size_t n,
		       uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)n;
	(void)off;
	return -ENOSPC;
}

static const struct vfile_ops null_ops = {
    .read = null_read,
    .write = sink_write,
    .seekable = true,
};

static const struct vfile_ops zero_ops = {
    .read = zero_read,
    .write = sink_write,
    .seekable = true,
};

static const struct vfile_ops full_ops = {
    .read = zero_read,
    .write = full_write,
    .seekable = true,
};

/*
 * /dev/mem is physical memory from 0 to the end of the direct mapping
 * (docs/security.md). As on Linux, a transfer must lie inside it whole
 * (else -EFAULT, for reads and writes alike). Each page is reached through
 * a temporary mapping, so pages the direct mapping leaves out (page 0, the
 * boot page) read and write like any other.
 */
static bool mem_range_ok(size_t n, uint64_t off)
{
	uint64_t limit = arch_direct_map_limit();

	return off <= limit && n <= limit - off;
}

static void mem_copy(void *kbuf, size_t n, uint64_t off, bool write)
{
	for (size_t done = 0; done < n;) {
		paddr_t pa = (paddr_t)(off + done);
		size_t chunk = MIN(n - done, PAGE_SIZE - (pa & ~PAGE_MASK));
		char *va = arch_kmap(pa);

		va += pa & ~PAGE_MASK;
		if (write)
			memcpy(va, (char *)kbuf + done, chunk);
		else
			memcpy((char *)kbuf + done, va, chunk);
		arch_kunmap(va);
		done += chunk;
	}
}

static long mem_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy(kbuf, n, off, false);
	return (long)n;
}

static long mem_write(struct vfile *f, const void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy((void *)kbuf, n, off, true);
	return (long)n;
}

static const struct vfile_ops mem_ops = {
    .read = mem_read,
    .write = mem_write,
    .seekable = true,
};

/* The operations of character device rdev; NULL if unknown. */
static const struct vfile_ops *char_ops(uint32_t rdev)
{
	switch (rdev) {
	case DEV_CONSOLE:
	case DEV_TTY:
	case DEV_TTYS0:
		return &console_ops;
	case DEV_NULL:
		return &null_ops;
	case DEV_ZERO:
		return &zero_ops;
	case DEV_FULL:
		return &full_ops;
	case DEV_MEM:
		return &mem_ops;
	default:
		return NULL;
	}
}

bool file_is_devmem(struct vfile *f)
{
	return f && f->ops == &mem_ops;
}

/*
 * The VFS's special-open hook: a device node or fifo is being opened.
 * Character devices get their operations from the table above (/dev/mem
 * for root only), block devices and fifos have their own open.
 */
int dev_open(struct vfile *f)
{
	const struct vfile_ops *ops;

	switch (f->vn->mode & VFS_S_IFMT) {
	case VFS_S_IFBLK:
		return dev_block_open(f);
	case VFS_S_IFIFO:
		return fifo_open(f);
	case VFS_S_IFCHR:
		break;
	default:
		return -ENXIO; /* sockets are opened by connect */
	}
	ops = char_ops(f->rdev);
	if (!ops)
		return -ENXIO;
	if (ops == &mem_ops && !cred_privileged())
		return -EACCES;
	vfile_set_ops(f, ops, NULL);
	return 0;
}
