/*
 * dev.c - character devices: /dev/null, /dev/zero and /dev/mem (physical
 * memory, root only); the console terminal lives in kernel/tty.c.
 */
#include <arch/hooks.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

static long null_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)n;
	(void)off;
	return 0;
}

static long sink_write(struct file *f, const void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)off;
	return (long)n;
}

static long zero_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)off;
	memset(kbuf, 0, n);
	return (long)n;
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = sink_write,
    .seekable = true,
};

static const struct file_ops zero_ops = {
    .read = zero_read,
    .write = sink_write,
    .seekable = true,
};

static int mem_open(struct file *f)
{
	(void)f;
	return current && current->uid == 0 ? 0 : -EACCES;
}

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

static long mem_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy(kbuf, n, off, false);
	return (long)n;
}

static long mem_write(struct file *f, const void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy((void *)kbuf, n, off, true);
	return (long)n;
}

static const struct file_ops mem_ops = {
    .open = mem_open,
    .read = mem_read,
    .write = mem_write,
    .seekable = true,
};

const struct file_ops *dev_ops(uint32_t rdev)
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
	case DEV_MEM:
		return &mem_ops;
	default:
		return NULL;
	}
}
