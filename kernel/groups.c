/*
 * groups.c - supplementary groups: getgroups and setgroups in the 32-bit
 * (glibc's) and old 16-bit forms. Only the privileged set them; they are
 * kept sorted, as Linux keeps them, so getgroups answers in ascending
 * order. At most NGROUPS (32) are kept; a longer list is EINVAL.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define NGROUPS_MAX 65536 /* Linux's; beyond it EINVAL even there */

/* A 16-bit id: one that does not fit reads as 65534 (Linux's overflow
 * id); read back, 0xffff is -1. */
static uint16_t id16(uint32_t id)
{
	return id > 0xffff ? 65534 : (uint16_t)id;
}

static void sort_groups(uint32_t *g, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && g[j - 1] > g[j]; j--) {
			uint32_t t = g[j];

			g[j] = g[j - 1];
			g[j - 1] = t;
		}
}

/* getgroups: the count for size 0; else EINVAL if they do not fit. */
static long get_groups(int size, uint32_t ulist, bool wide)
{
	const struct cred *c = &current->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((uint32_t)size < c->ngroups)
		return -EINVAL;
	for (uint32_t i = 0; i < c->ngroups; i++) {
		uint16_t g16 = id16(c->groups[i]);
		void *to = (void *)(ulist + i * (wide ? 4 : 2));

		if (copy_to_user(to, wide ? (void *)&c->groups[i] : &g16,
				 wide ? 4 : 2))
			return -EFAULT;
	}
	return c->ngroups;
}

static long set_groups(int size, uint32_t ulist, bool wide)
{
	uint32_t g[NGROUPS];

	if (current->cred.euid != 0)
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX || size > NGROUPS)
		return -EINVAL;
	for (int i = 0; i < size; i++) {
		uint16_t g16;
		const void *from = (const void *)(ulist + i * (wide ? 4 : 2));

		if (copy_from_user(wide ? (void *)&g[i] : &g16, from,
				   wide ? 4 : 2))
			return -EFAULT;
		if (!wide)
			g[i] = g16 == 0xffff ? (uint32_t)-1 : g16;
	}
	sort_groups(g, (uint32_t)size);
	for (int i = 0; i < size; i++)
		current->cred.groups[i] = g[i];
	current->cred.ngroups = (uint32_t)size;
	return 0;
}

SYSCALL_DEFINE2(getgroups32, int, size, uint32_t, ulist)
{
	return get_groups(size, ulist, true);
}

SYSCALL_DEFINE2(setgroups32, int, size, uint32_t, ulist)
{
	return set_groups(size, ulist, true);
}

SYSCALL_DEFINE2(getgroups16, int, size, uint32_t, ulist)
{
	return get_groups(size, ulist, false);
}

SYSCALL_DEFINE2(setgroups16, int, size, uint32_t, ulist)
{
	return set_groups(size, ulist, false);
}
