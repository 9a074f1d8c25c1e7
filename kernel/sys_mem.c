/*
 * sys_mem.c - memory system calls: brk, mmap/mmap2 (anonymous private and
 * shared, fixed or not; /dev/mem as a direct physical mapping; files whose
 * file system provides pages, shared or private), munmap,
 * mprotect, and this kernel's own calls (the yielded-block cache, the
 * sanity checker and the counters). SysV shared memory is in sys_shm.c.
 */
#include <fs/bcache.h>
#include <fs/file.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/mlock.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/shmem.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include <uapi/vmkernel_abi.h>

_Static_assert(VM_BLOCK_NONE == YCACHE_ID_NONE, "one \"no block\" id");

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_LOCKED 0x2000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_FIXED_NOREPLACE 0x100000
/* The flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK: SHARED,
 * PRIVATE, FIXED, ANONYMOUS, DENYWRITE, EXECUTABLE, UNINITIALIZED,
 * GROWSDOWN, LOCKED, NORESERVE, POPULATE, NONBLOCK, STACK, HUGETLB). */
#define MAP_LEGACY_MASK 0x407f933u

#define MREMAP_MAYMOVE 1u
#define MREMAP_FIXED 2u

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

/* May f (not open for writing, or for appending, is writable: false)
 * be mapped so: Linux's checks of the access mode, 0 or -EACCES. */
static long map_access(const struct vfile *f, uint32_t prot, uint32_t flags,
		       bool writable)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
	    !writable)
		return -EACCES;
	return 0;
}

/* A file mapping: what is behind fd decides (checked before any
 * MAP_FIXED unmapping, so a refused call changes nothing). */
struct map_src {
	bool devmem, zero; /* /dev/mem; /dev/zero (anonymous memory) */
	bool nomaywrite;   /* shared, but the file is not open to write */
	struct mm_pager pager;
};

/* What fd maps: /dev/mem, /dev/zero (anonymous memory, private or shared,
 * as Linux's shmem_zero_setup) or a file whose backend hands out its
 * pages (else -ENODEV); the access mode checked as Linux does. */
static long map_src_get(uint32_t fd, uint32_t prot, uint32_t flags,
			struct map_src *src)
{
	struct vfile *f = fd_file_io(current, (int)fd); /* O_PATH: -EBADF */
	bool writable;

	if (!f)
		return -EBADF;
	writable = (f->flags & O_ACCMODE) == O_RDWR && !(f->flags & O_APPEND);

	src->devmem = file_is_devmem(f);
	src->nomaywrite = (flags & MAP_TYPE) != MAP_PRIVATE && !writable;
	src->zero = f->vn && (f->vn->mode & VFS_S_IFMT) == VFS_S_IFCHR &&
		    f->rdev == DEV_ZERO;
	if (src->devmem)
		return 0;
	if (!src->zero && (!f->vn || f->ops || !f->vn->ops->pager ||
			   f->vn->ops->pager(f->vn, &src->pager)))
		return -ENODEV;
	return map_access(f, prot, flags, writable);
}

/* The lowest address a MAP_GROWSDOWN region at addr may grow to: as
 * far as RLIMIT_STACK allows, keeping Linux's guard gap of 256 pages
 * above the mapping below it. */
static vaddr_t grow_limit(vaddr_t addr)
{
	uint64_t floor =
	    (uint64_t)mm_gap_start(current->space, addr) + 256 * PAGE_SIZE;
	uint64_t stack = rlimit_cur(current, RLIMIT_STACK);

	floor = MAX(floor, addr > stack ? addr - stack : PAGE_SIZE);
	return (vaddr_t)MIN(PAGE_ROUND_UP(floor), (uint64_t)addr);
}

/* Make the new mapping at addr (already free); src NULL for
 * MAP_ANONYMOUS, and /dev/zero's is anonymous memory too. */
static long map_new(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
		    uint32_t pgoff, const struct map_src *src)
{
	struct mm_space *s = current->space;
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	unsigned rflags = src && src->nomaywrite ? REGION_NOMAYWRITE : 0;

	if (src && src->devmem)
		return map_devmem(addr, len, prot, pgoff);
	if (src && !src->zero)
		return mm_map_file(s, addr, len, prot, shared, &src->pager,
				   pgoff, rflags);
	if (shared)
		return mm_map_shared(s, addr, len, prot, rflags);
	if (flags & MAP_GROWSDOWN)
		return mm_map_stack(s, addr, len, prot, grow_limit(addr));
	return mm_map_anon(s, addr, len, prot, 0);
}

/* Linux's checks of the mapping type: MAP_SHARED_VALIDATE refuses flags
 * it does not know, shared anonymous memory cannot grow down. */
static long map_type_check(uint32_t flags)
{
	uint32_t type = flags & MAP_TYPE;

	if (type == MAP_SHARED_VALIDATE)
		return (flags & ~MAP_LEGACY_MASK) ? -EOPNOTSUPP : 0;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if ((flags & MAP_ANONYMOUS) && type == MAP_SHARED &&
	    (flags & MAP_GROWSDOWN))
		return -EINVAL;
	return 0;
}

/* Where the mapping goes: MAP_FIXED's address (aligned, in user space,
 * free for MAP_FIXED_NOREPLACE) or the first free range from the hint. */
static long map_place(uint32_t *addr, uint32_t len, uint32_t flags)
{
	struct mm_space *s = current->space;

	if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))) {
		*addr = mm_find_free(
		    s, *addr && PAGE_ALIGNED(*addr) ? *addr : USER_MMAP_BASE,
		    len);
		return *addr ? 0 : -ENOMEM;
	}
	if (!PAGE_ALIGNED(*addr) || !*addr)
		return -EINVAL;
	if (len > USER_TOP || *addr > USER_TOP - len)
		return -ENOMEM;
	if ((flags & MAP_FIXED_NOREPLACE) && !mm_range_free(s, *addr, len))
		return -EEXIST;
	return 0;
}

/* After the mapping is made: MAP_LOCKED locks it, and it is populated
 * when locked (also by mlockall(MCL_FUTURE)) or asked (MAP_POPULATE);
 * as Linux, a failure to populate does not fail mmap. */
static void map_finish(uint32_t addr, uint32_t len, uint32_t flags)
{
	struct mm_space *s = current->space;
	struct region *r;

	if (flags & MAP_LOCKED)
		mm_set_flags(s, addr, len, REGION_LOCKED, 0);
	r = mm_find_region(s, addr);
	if ((r && (r->flags & REGION_LOCKED)) ||
	    (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		mm_populate_accessible(s, addr, len);
}

static long do_mmap(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
		    uint32_t fd, uint32_t pgoff)
{
	bool anon = flags & MAP_ANONYMOUS;
	struct map_src src;
	long r;

	if (!anon && !fd_file_io(current, (int)fd))
		return -EBADF;
	if (!len || !prot_ok(prot))
		return -EINVAL;
	len = PAGE_ROUND_UP(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	r = map_place(&addr, len, flags);
	if (!r && (flags & MAP_LOCKED))
		r = mlock_allowed(addr, len);
	if (!r)
		r = map_type_check(flags);
	if (!r && !anon)
		r = map_src_get(fd, prot, flags, &src);
	if (!r && (flags & MAP_FIXED) && !(flags & MAP_FIXED_NOREPLACE))
		r = mm_unmap(current->space, addr, len);
	if (!r)
		r = map_new(addr, len, prot, flags, pgoff, anon ? NULL : &src);
	if (r)
		return r;
	map_finish(addr, len, flags);
	return (long)addr;
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

SYSCALL_DEFINE5(mremap, uint32_t, addr, uint32_t, old_len, uint32_t, new_len,
		uint32_t, flags, uint32_t, new_addr)
{
	struct mm_space *s = current->space;
	uint64_t old64 = ((uint64_t)old_len + PAGE_SIZE - 1) & ~0xfffull;
	uint64_t new64 = ((uint64_t)new_len + PAGE_SIZE - 1) & ~0xfffull;
	unsigned mf = ((flags & MREMAP_MAYMOVE) ? MM_REMAP_MAYMOVE : 0) |
		      ((flags & MREMAP_FIXED) ? MM_REMAP_FIXED : 0);
	struct region *r;
	vaddr_t out;
	long rc;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || !new64 ||
	    new64 >= USER_TOP || old64 >= USER_TOP)
		return -EINVAL;
	if (!(flags & MREMAP_FIXED))
		new_addr = USER_MMAP_BASE; /* where a move looks for room */
	rc = mm_mremap(s, addr, (size_t)old64, (size_t)new64, mf, new_addr,
		       &out);
	if (rc)
		return rc;
	/* Locked memory stays present as it grows. */
	r = mm_find_region(s, out);
	if (r && (r->flags & REGION_LOCKED) && new64 > old64)
		mm_populate_accessible(s, out, (size_t)new64);
	return (long)out;
}

/* As Linux: EINVAL for an unaligned start or a bad prot, ENOMEM for a
 * range that wraps or has pages that are not mapped (above user space
 * none is). */
SYSCALL_DEFINE3(mprotect, uint32_t, addr, uint32_t, len, uint32_t, prot)
{
	uint64_t end =
	    (uint64_t)addr + (((uint64_t)len + PAGE_SIZE - 1) & ~0xfffull);

	if (!PAGE_ALIGNED(addr) || !prot_ok(prot))
		return -EINVAL;
	if (!len)
		return 0;
	if (end > USER_TOP || addr < PAGE_SIZE)
		return -ENOMEM;
	return mm_protect(current->space, addr, (size_t)(end - addr), prot);
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

/* Linux i386 struct sysinfo (busybox free reads it, and adds meminfo's
 * Cached to bufferram for its buff/cache column). */
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
	struct bcache_stats bs;
	uint16_t nproc = 0;
	unsigned long loads[3];

	phys_get_stats(&ps);
	bcache_get_stats(&bs);
	for (int i = 0; i < proc_slots; i++)
		nproc += procs[i] != NULL;
	memset(&si, 0, sizeof(si));
	si.uptime = (int32_t)(sched_ticks() / HZ);
	sched_loadavg(loads, 16); /* SI_LOAD_SHIFT */
	for (int i = 0; i < 3; i++)
		si.loads[i] = (uint32_t)loads[i];
	si.totalram = ps.total;
	si.freeram = ps.free;
	/* As meminfo: Buffers is level 1 of the block cache; the
	 * yielded-block cache is in Cached, so not here again. */
	si.bufferram = bs.bufs;
	si.sharedram = mm_shmem_total_resident() + mm_block_pages(true);
	si.procs = nproc;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(ui, &si, sizeof(si));
}
