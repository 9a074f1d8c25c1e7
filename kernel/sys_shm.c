/*
 * sys_shm.c - the SysV shared memory calls, as Linux 6.1 answers them:
 * shmget, shmat, shmdt and shmctl (IPC_STAT / IPC_SET in the IPC_64 and
 * the old layouts, IPC_RMID, IPC_INFO, SHM_INFO, SHM_STAT,
 * SHM_STAT_ANY, SHM_LOCK, SHM_UNLOCK), through the i386 ipc() multiplexer
 * and the direct calls. Segments and permissions are in shm.c; shmat maps
 * the segment's memory object (pages on first touch).
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/user_layout.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/shmem.h>
#include <mm/slab.h>

#define SHM_HUGETLB 04000u /* shmget: huge pages (none here) */
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define IPC_64 0x100
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000

/* Linux's i386 struct shmid64_ds (ipc64_perm inside). */
struct shmid64_ds {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint16_t mode, pad1, seq, pad2;
	uint32_t unused1, unused2;
	uint32_t segsz, atime, atime_high, dtime, dtime_high, ctime, ctime_high;
	int32_t cpid, lpid;
	uint32_t nattch, unused4, unused5;
};

/* The old layout (no IPC_64): 16-bit ids. */
struct shmid_old_ds {
	int32_t key;
	uint16_t uid, gid, cuid, cgid, mode, seq;
	int32_t segsz, atime, dtime, ctime;
	uint16_t cpid, lpid, nattch, unused;
	uint32_t unused2, unused3;
};

struct shminfo64 {
	uint32_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

struct shm_info {
	int32_t used_ids;
	uint32_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

static long shm_get(int32_t key, uint32_t size, uint32_t flags)
{
	struct shm_seg *sg = key != IPC_PRIVATE ? shm_find_key(key) : NULL;

	if (sg) {
		if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
			return -EEXIST;
		if (!shm_may(sg, flags))
			return -EACCES;
		return size > sg->size ? -EINVAL : sg->id;
	}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		return -ENOENT;
	if (size < SHMMIN || size > shm_ctlmax)
		return -EINVAL;
	if (flags & SHM_HUGETLB)
		return -EINVAL; /* no huge pages: Linux's hstate_sizelog fails
				 */
	return shm_create(key, size, flags);
}

/* Where shmat maps sg: the given address (rounded with SHM_RND, free
 * unless SHM_REMAP) or the first free range from USER_SHM_BASE. */
static long shm_place(uint32_t *addr, size_t size, uint32_t flags)
{
	struct mm_space *s = current->space;

	if (*addr & (PAGE_SIZE - 1)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		*addr = PAGE_ROUND_DOWN(*addr);
	}
	if (!*addr) {
		if (flags & SHM_REMAP)
			return -EINVAL;
		*addr = mm_find_free(s, USER_SHM_BASE, size);
		return *addr ? 0 : -ENOMEM;
	}
	if ((uint64_t)*addr + size > USER_TOP)
		return -EINVAL; /* as Linux answers shmat past user space */
	if (!(flags & SHM_REMAP) && !mm_range_free(s, *addr, size))
		return -EINVAL;
	return flags & SHM_REMAP ? mm_unmap(s, *addr, size) : 0;
}

static long shm_at(int32_t id, uint32_t addr, uint32_t flags)
{
	struct shm_seg *sg = shm_find(id);
	uint32_t prot = PROT_READ, acc = 0444;
	size_t size;
	long r;

	if (!sg)
		return -EINVAL;
	if (!(flags & SHM_RDONLY)) {
		prot |= PROT_WRITE;
		acc |= 0222;
	}
	if (flags & SHM_EXEC) {
		prot |= PROT_EXEC;
		acc |= 0111;
	}
	if (!shm_may(sg, acc))
		return -EACCES;
	size = PAGE_ROUND_UP(sg->size);
	r = shm_place(&addr, size, flags);
	if (!r)
		r = mm_map_shmem(current->space, addr, size, prot, sg->obj, 0);
	return r ? r : (long)addr;
}

/* shmdt: the attach starting at addr (the object's page 0 there) and
 * every piece of it after (mprotect may have split it). */
static long shm_dt(uint32_t addr)
{
	struct mm_space *s = current->space;
	struct region *r = mm_find_region(s, addr);
	struct shm_seg *sg;
	struct mm_shmem *o;
	uint32_t pgoff;

	if (!PAGE_ALIGNED(addr) || !r || r->start != addr ||
	    !(o = region_shmem(r, &pgoff)) || pgoff)
		return -EINVAL;
	sg = mm_shmem_owner(o); /* attached: the segment is alive */
	mm_unmap_shmem(s, addr, PAGE_ROUND_UP(sg->size), o);
	return 0;
}

/* IPC_STAT's answer in the caller's layout. */
static long stat_out(const struct shm_seg *sg, bool v64, void *ubuf)
{
	uint32_t nattch = mm_shmem_attaches(sg->obj);
	uint16_t seq = (uint16_t)((uint32_t)sg->id / SHM_SEQ_MULT);

	if (v64) {
		struct shmid64_ds d = {
		    .key = sg->key,
		    .uid = sg->uid,
		    .gid = sg->gid,
		    .cuid = sg->cuid,
		    .cgid = sg->cgid,
		    .mode = (uint16_t)sg->mode,
		    .seq = seq,
		    .segsz = (uint32_t)sg->size,
		    .atime = (uint32_t)sg->atime,
		    .atime_high = (uint32_t)(sg->atime >> 32),
		    .dtime = (uint32_t)sg->dtime,
		    .dtime_high = (uint32_t)(sg->dtime >> 32),
		    .ctime = (uint32_t)sg->ctime,
		    .ctime_high = (uint32_t)(sg->ctime >> 32),
		    .cpid = sg->cpid,
		    .lpid = sg->lpid,
		    .nattch = nattch};

		return copy_to_user(ubuf, &d, sizeof(d));
	}
	struct shmid_old_ds o = {.key = sg->key,
				 .uid = (uint16_t)sg->uid,
				 .gid = (uint16_t)sg->gid,
				 .cuid = (uint16_t)sg->cuid,
				 .cgid = (uint16_t)sg->cgid,
				 .mode = (uint16_t)sg->mode,
				 .seq = seq,
				 .segsz = (int32_t)sg->size,
				 .atime = (int32_t)sg->atime,
				 .dtime = (int32_t)sg->dtime,
				 .ctime = (int32_t)sg->ctime,
				 .cpid = (uint16_t)sg->cpid,
				 .lpid = (uint16_t)sg->lpid,
				 .nattch = (uint16_t)nattch};

	return copy_to_user(ubuf, &o, sizeof(o));
}

/* IPC_SET: owner, group and permission bits from the caller. */
static long shm_set(int32_t id, bool v64, const void *ubuf)
{
	struct shmid64_ds d;
	struct shmid_old_ds o;
	uint32_t uid, gid, mode;
	struct shm_seg *sg;

	if (v64 ? copy_from_user(&d, ubuf, sizeof(d))
		: copy_from_user(&o, ubuf, sizeof(o)))
		return -EFAULT;
	uid = v64 ? d.uid : o.uid;
	gid = v64 ? d.gid : o.gid;
	mode = v64 ? d.mode : o.mode;
	sg = shm_find(id);
	if (!sg)
		return -EINVAL;
	if (!shm_owner(sg))
		return -EPERM;
	USE(sg, sg->uid = uid; sg->gid = gid;
	    sg->mode = (sg->mode & ~0777u) | (mode & 0777u);
	    sg->ctime = shm_now());
	return 0;
}

/* IPC_INFO and SHM_INFO: the limits or the totals; the highest index in
 * use is the answer. */
static long shm_info(int cmd, void *ubuf)
{
	int max = shm_max_index();
	long rc;

	if (cmd == IPC_INFO) {
		struct shminfo64 i = {shm_ctlmax, SHMMIN,     shm_ctlmni,
				      SHMSEG,	  shm_ctlall, {0}};

		rc = copy_to_user(ubuf, &i, sizeof(i));
	} else {
		struct shm_info i;
		uint32_t used;
		uint64_t tot, rss;

		memset(&i, 0, sizeof(i));
		shm_totals(&used, &tot, &rss);
		i.used_ids = (int32_t)used;
		i.shm_tot = (uint32_t)tot;
		i.shm_rss = (uint32_t)rss;
		rc = copy_to_user(ubuf, &i, sizeof(i));
	}
	return rc ? rc : (max < 0 ? 0 : max);
}

/* SHM_LOCK / SHM_UNLOCK: root, or the owner with a lock limit. */
static long shm_lock(struct shm_seg *sg, bool lock)
{
	if (!cred_privileged()) {
		uint32_t euid = current->cred.euid;

		if (euid != sg->uid && euid != sg->cuid)
			return -EPERM;
		if (lock && !rlimit_cur(current, RLIMIT_MEMLOCK))
			return -EPERM;
	}
	USE(sg,
	    sg->mode = lock ? sg->mode | SHM_LOCKED : sg->mode & ~SHM_LOCKED);
	return 0;
}

static long shm_ctl(int32_t id, int32_t cmd, void *ubuf)
{
	bool v64 = cmd & IPC_64;
	struct shm_seg *sg;

	cmd &= ~IPC_64;
	if (cmd == IPC_INFO || cmd == SHM_INFO)
		return shm_info(cmd, ubuf);
	if (cmd == IPC_SET)
		return shm_set(id, v64, ubuf);
	if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		/* An index; as Linux, a full id names its index too. */
		sg = id >= 0 ? shm_at_index((uint32_t)id % SHM_SEQ_MULT) : NULL;
	else
		sg = shm_find(id);
	if (!sg)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		if (cmd != SHM_STAT_ANY && !shm_may(sg, 0444))
			return -EACCES;
		return stat_out(sg, v64, ubuf) ? -EFAULT
					       : (cmd == IPC_STAT ? 0 : sg->id);
	case IPC_RMID:
		if (!shm_owner(sg))
			return -EPERM;
		shm_remove(sg);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		return shm_lock(sg, cmd == SHM_LOCK);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE5(ipc, uint32_t, call, uint32_t, first, uint32_t, second,
		uint32_t, third, uint32_t, ptr)
{
	long r;

	switch (call & 0xFFFF) {
	case 21: /* SHMAT: the address goes to *third */
		r = shm_at((int32_t)first, ptr, second);
		if (r < 0 && r > -4096)
			return r;
		return copy_to_user((void *)third, &r, sizeof(uint32_t));
	case 22:
		return shm_dt(ptr);
	case 23:
		return shm_get((int32_t)first, second, third);
	case 24:
		return shm_ctl((int32_t)first, (int32_t)second, (void *)ptr);
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE3(shmget, int, key, uint32_t, size, uint32_t, flags)
{
	return shm_get(key, size, flags);
}

SYSCALL_DEFINE3(shmctl, int, id, int, cmd, void *, buf)
{
	return shm_ctl(id, cmd, buf);
}

SYSCALL_DEFINE3(shmat, int, id, uint32_t, addr, uint32_t, flags)
{
	return shm_at(id, addr, flags);
}

SYSCALL_DEFINE1(shmdt, uint32_t, addr)
{
	return shm_dt(addr);
}
