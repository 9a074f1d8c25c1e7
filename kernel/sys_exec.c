/*
 * sys_exec.c - execve(2): copy the path, argv and envp out of the caller
 * (they live in the image about to be replaced) into one kernel buffer,
 * then build the new image. An empty argv gives the program argc 1 and
 * an empty argv[0], as Linux does since 5.18 (programs that read argv[1]
 * blindly must not read envp).
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/phys.h>

#define ARGS_PAGES (EXEC_ARGS_MAX / PAGE_SIZE)

struct arg_buf {
	char *base;
	size_t used;
};

/* Copy a NULL-terminated user array of strings; returns the count. */
static long copy_strings(struct arg_buf *b, uint32_t uarr, char **out)
{
	int n = 0;

	if (!uarr)
		return 0;
	for (;; n++) {
		uint32_t up;
		long len;
		if (copy_from_user(&up, (void *)(uarr + 4 * n), 4))
			return -EFAULT;
		if (!up)
			return n;
		if (n == EXEC_ARGV_MAX)
			return -E2BIG;
		len = strncpy_from_user(b->base + b->used, (const char *)up,
					EXEC_ARGS_MAX - b->used);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		out[n] = b->base + b->used;
		b->used += (size_t)len + 1;
	}
}

SYSCALL_DEFINE3(execve, const char *, upath, uint32_t, uargv, uint32_t, uenvp)
{
	char path[EXEC_PATH_MAX], *argv[EXEC_ARGV_MAX + 1],
	    *envp[EXEC_ARGV_MAX + 1];
	struct arg_buf b;
	long argc, envc, r;
	paddr_t pa;

	r = strncpy_from_user(path, upath, sizeof(path));
	if (r < 0)
		return r;
	pa = phys_alloc(ARGS_PAGES, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return -ENOMEM;
	b.base = arch_phys_to_virt(pa);
	b.used = 0;
	argc = copy_strings(&b, uargv, argv);
	envc = argc < 0 ? 0 : copy_strings(&b, uenvp, envp);
	if (argc == 0 && envc >= 0) { /* as Linux 5.18: argv[0] is "" */
		argv[argc++] = b.base + b.used;
		b.base[b.used++] = '\0';
	}
	if (argc < 0 || envc < 0)
		r = argc < 0 ? argc : envc;
	else
		r = do_execve(path, argv, (int)argc, envp, (int)envc);
	phys_free(pa, ARGS_PAGES, PHYS_KERNEL);
	return r;
}
