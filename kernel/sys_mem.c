/*
 * sys_mem.c - memory system calls: brk, mmap/mmap2 (anonymous private and
 * shared, fixed or not; /dev/mem as a direct physical mapping; files whose
 * file system provides pages, shared or private), munmap,
 * mprotect, and this kernel's own calls (the yielded-block cache, the
 * sanity checker and the counters). SysV shared memory is in sys_shm.c.
 */
#include <fs/file.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include <uapi/vmkernel_abi.h>

_Static_assert(VM_BLOCK_NONE == YCACHE_ID_NONE, "one \"no block\" id");

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

SYSCALL_DEFINE1(brk, uint32_t, addr)
{
	struct proc *p = current;
	vaddr_t old_end = PAGE_ROUND_UP(p->brk);
	vaddr_t new_end = PAGE_ROUND_UP(addr);

	if (addr < p->brk_start || addr >= USER_STACK_LIMIT)
		return p->brk;
	/* RLIMIT_DATA bounds the heap (Linux adds the data segment). */
	if (addr - p->brk_start > rlimit_cur(p, RLIMIT_DATA))
		return p->brk;
	if (new_end > old_end &&
	    mm_map_anon(p->space, old_end, new_end - old_end,
			PROT_READ | PROT_WRITE, 0))
		return p->brk;
	if (new_end < old_end)
		mm_unmap(p->space, new_end, old_end - new_end);
	p->brk = addr;
	return p->brk;
}

static bool prot_ok(uint32_t prot)
{
	return !(prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC));
}

/* /dev/mem: the physical range at pgoff, root only. */
static long map_devmem(vaddr_t addr, uint32_t len, uint32_t prot,
		       uint32_t pgoff)
{
	if (!cred_privileged())
		return -EPERM;
	if (pgoff >= (1u << 20) || pgoff + (len >> PAGE_SHIFT) > (1u << 20))
		return -EINVAL;
	return mm_map_direct(current->space, addr, len, pgoff << PAGE_SHIFT,
			     prot);
}

/* The page provider of a mappable file f, checking f's access mode
 * against the mapping as Linux does: 0, -EACCES or -ENODEV (a file
 * whose backend cannot hand out its pages). */
static long file_pager(struct vfile *f, uint32_t prot, uint32_t flags,
		       struct mm_pager *pg)
{
	uint32_t acc = f->flags & O_ACCMODE;

	if (!f->vn || f->ops || !f->vn->ops->pager ||
	    f->vn->ops->pager(f->vn, pg))
		return -ENODEV;
	if (acc == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
	    (acc != O_RDWR || (f->flags & O_APPEND)))
		return -EACCES;
	return 0;
}

/* A file mapping: what is behind fd decides (checked before any
 * MAP_FIXED unmapping, so a refused call changes nothing). */
struct map_src {
	bool devmem;
	struct mm_pager pager;
};

static long map_src_get(uint32_t fd, uint32_t prot, uint32_t flags,
			struct map_src *src)
{
	struct vfile *f = fd_file(current, (int)fd);

	if (!f)
		return -EBADF;
	src->devmem = file_is_devmem(f);
	return src->devmem ? 0 : file_pager(f, prot, flags, &src->pager);
}

/* Make the new mapping at addr (already free). */
static long map_new(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
		    uint32_t pgoff, const struct map_src *src)
{
	struct mm_space *s = current->space;
	bool shared = (flags & (MAP_SHARED | MAP_PRIVATE)) == MAP_SHARED;

	if (!src)
		return shared ? mm_map_shared(s, addr, len, prot)
			      : mm_map_anon(s, addr, len, prot, 0);
	if (src->devmem)
		return map_devmem(addr, len, prot, pgoff);
	return mm_map_file(s, addr, len, prot, shared, &src->pager, pgoff);
}

static long do_mmap(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
		    uint32_t fd, uint32_t pgoff)
{
	struct mm_space *s = current->space;
	uint32_t type = flags & (MAP_SHARED | MAP_PRIVATE);
	struct map_src src;
	long r;

	if (!len || !prot_ok(prot) ||
	    (type != MAP_SHARED && type != MAP_PRIVATE))
		return -EINVAL;
	len = PAGE_ROUND_UP(len);
	if (!len)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		r = map_src_get(fd, prot, flags, &src);
		if (r)
			return r;
	}
	if (flags & MAP_FIXED) {
		if (!PAGE_ALIGNED(addr) || !user_range_ok(addr, len) || !addr)
			return -EINVAL;
		r = mm_unmap(s, addr, len);
		if (r)
			return r;
	} else {
		addr = mm_find_free(
		    s, addr && PAGE_ALIGNED(addr) ? addr : USER_MMAP_BASE, len);
		if (!addr)
			return -ENOMEM;
	}
	r = map_new(addr, len, prot, flags, pgoff,
		    (flags & MAP_ANONYMOUS) ? NULL : &src);
	return r ? r : (long)addr;
}

SYSCALL_DEFINE6(mmap2, uint32_t, addr, uint32_t, len, uint32_t, prot, uint32_t,
		flags, uint32_t, fd, uint32_t, pgoff)
{
	return do_mmap(addr, len, prot, flags, fd, pgoff);
}

/* Old mmap(2): one pointer to the six arguments, offset in bytes. */
SYSCALL_DEFINE1(old_mmap, void *, uargs)
{
	uint32_t a[6];

	if (copy_from_user(a, uargs, sizeof(a)))
		return -EFAULT;
	if (!PAGE_ALIGNED(a[5]))
		return -EINVAL;
	return do_mmap(a[0], a[1], a[2], a[3], a[4], a[5] >> PAGE_SHIFT);
}

SYSCALL_DEFINE2(munmap, uint32_t, addr, uint32_t, len)
{
	if (!PAGE_ALIGNED(addr) || !len || !user_range_ok(addr, len))
		return -EINVAL;
	return mm_unmap(current->space, addr, PAGE_ROUND_UP(len));
}

SYSCALL_DEFINE3(mprotect, uint32_t, addr, uint32_t, len, uint32_t, prot)
{
	if (!PAGE_ALIGNED(addr) || !prot_ok(prot) ||
	    !user_range_ok(addr, PAGE_ROUND_UP(len)))
		return -EINVAL;
	if (!len)
		return 0;
	return mm_protect(current->space, addr, PAGE_ROUND_UP(len), prot);
}

/* The two 64-bit ids come low word first, as user/include/vmkernel.h
 * passes them. */
SYSCALL_DEFINE6(vm_yield_get_block, uint32_t, ylo, uint32_t, yhi, uint32_t, glo,
		uint32_t, ghi, uint32_t, addr, uint32_t, npages)
{
	return mm_yield_get_block(current->ycache_owner, current->space, addr,
				  npages, syscall_u64(ylo, yhi),
				  syscall_u64(glo, ghi));
}

SYSCALL_DEFINE2(vm_forget_block, uint32_t, lo, uint32_t, hi)
{
	return ycache_forget(current->ycache_owner, syscall_u64(lo, hi));
}

SYSCALL_DEFINE0(vm_forget_all_blocks)
{
	return (long)ycache_forget_all(current->ycache_owner);
}

SYSCALL_DEFINE0(vm_sanity_check)
{
	return (long)mm_sanity_check();
}

SYSCALL_DEFINE1(vm_stats, void *, ust)
{
	struct phys_stats ps;
	struct ycache_stats ys;
	struct vm_stats u;
	struct slab_stats ss;

	/* Cached empty slab pages would blur free-page comparisons. */
	slab_trim();
	phys_get_stats(&ps);
	ycache_get_stats(&ys);
	u = (struct vm_stats){ps.total,	 ps.free,   ps.kernel,	  ps.user,
			      ps.cached, ys.blocks, ys.pages,	  ys.yields,
			      ys.hits,	 ys.misses, ys.evictions, 0,
			      0};
	slab_get_stats(&ss);
	u.used_outside_slab = ps.total - ps.free - ss.pages;
	u.slab_objects = ss.objects;
	return copy_to_user(ust, &u, sizeof(u));
}

/* Linux i386 struct sysinfo (busybox free reads it). */
struct sysinfo_user {
	int32_t uptime;
	uint32_t loads[3];
	uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t totalhigh, freehigh, mem_unit;
	char reserved[8];
};

SYSCALL_DEFINE1(sysinfo, void *, ui)
{
	struct sysinfo_user si;
	struct phys_stats ps;
	uint16_t nproc = 0;
	unsigned long loads[3];

	phys_get_stats(&ps);
	for (int i = 0; i < NPROC; i++)
		nproc += procs[i] != NULL;
	memset(&si, 0, sizeof(si));
	si.uptime = (int32_t)(sched_ticks() / HZ);
	sched_loadavg(loads, 16); /* SI_LOAD_SHIFT */
	for (int i = 0; i < 3; i++)
		si.loads[i] = (uint32_t)loads[i];
	si.totalram = ps.total;
	si.freeram = ps.free;
	si.bufferram = ps.cached; /* the yielded-block cache */
	si.procs = nproc;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(ui, &si, sizeof(si));
}
