/*
 * shm.c - SysV shared memory segments: the table of ids, keys and
 * permissions, Linux 6.1's default limits, and /proc/sysvipc/shm. A
 * segment's memory is an mm shared memory object (mm/shmem.c), so pages
 * come on first touch, not at shmget; the calls are in sys_shm.c.
 *
 * Guarantees: an id is index + seq * 32768 as Linux makes them, so a
 * removed segment's id never names a new one by accident; a segment
 * removed with IPC_RMID while attached keeps its object (and id, key now
 * IPC_PRIVATE) until the last detach, then both go. Segments are slab
 * objects: every write is inside USE().
 */
#include <kernel/clock.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <mm/shmem.h>
#include <mm/slab.h>

static struct shm_seg *segs[SHM_SEQ_MULT]; /* by id index (IPCMNI) */
static uint16_t seqs[SHM_SEQ_MULT];	   /* per slot, bumped at each reuse */
static uint32_t in_use;			   /* segments (at most shmmni) */
static uint64_t total_pages;		   /* of live segments (SHMALL) */

uint32_t shm_ctlmax = SHMMAX, shm_ctlall = SHMALL, shm_ctlmni = SHMMNI;
int32_t shm_next_id = -1;

uint64_t shm_now(void)
{
	uint64_t sec;
	uint32_t nsec;

	clock_read(0, &sec, &nsec); /* CLOCK_REALTIME */
	return sec;
}

/* The segment with id, or NULL (-EINVAL to the caller). */
struct shm_seg *shm_find(int32_t id)
{
	uint32_t idx = (uint32_t)id % SHM_SEQ_MULT;
	struct shm_seg *sg;

	if (id < 0 || idx >= SHM_SEQ_MULT)
		return NULL;
	sg = segs[idx];
	return sg && sg->id == id ? sg : NULL;
}

struct shm_seg *shm_at_index(uint32_t idx)
{
	return idx < SHM_SEQ_MULT ? segs[idx] : NULL;
}

int shm_max_index(void)
{
	int max = -1;

	for (int i = 0; i < SHM_SEQ_MULT; i++)
		if (segs[i])
			max = i;
	return max;
}

/* Linux's ipcperms: may current access sg as flag's rwx bits say? */
bool shm_may(const struct shm_seg *sg, uint32_t flag)
{
	const struct proc *p = current;
	uint32_t want = ((flag >> 6) | (flag >> 3) | flag) & 7, granted;

	granted = sg->mode;
	if (p->cred.euid == sg->cuid || p->cred.euid == sg->uid)
		granted >>= 6;
	else if (cred_in_group(p, sg->cgid) || cred_in_group(p, sg->gid))
		granted >>= 3;
	return !(want & ~granted & 7) || cred_privileged();
}

/* The owner or creator, or root (IPC_SET, IPC_RMID, SHM_LOCK). */
bool shm_owner(const struct shm_seg *sg)
{
	uint32_t euid = current->cred.euid;

	return euid == sg->uid || euid == sg->cuid || cred_privileged();
}

/* A new segment of size bytes under key: its id or -ENOSPC / -ENOMEM. */
long shm_create(int32_t key, size_t size, uint32_t flags)
{
	uint64_t pages = ((uint64_t)size + PAGE_SIZE - 1) / PAGE_SIZE;
	const struct proc *p = current;
	struct shm_seg *sg;
	int idx = shm_next_id >= 0 ? shm_next_id % SHM_SEQ_MULT : 0;

	while (idx < SHM_SEQ_MULT && segs[idx])
		idx++; /* as Linux's idr: the first free index from there */
	if (idx == SHM_SEQ_MULT || in_use >= shm_ctlmni ||
	    total_pages + pages > shm_ctlall)
		return -ENOSPC;
	sg = slab_zalloc(sizeof(*sg));
	if (!sg)
		return -ENOMEM;
	USE(sg, sg->obj = mm_shmem_new(size));
	if (!sg->obj) {
		SLAB_FREE(sg);
		return -ENOMEM;
	}
	mm_shmem_set_owner(sg->obj, sg);
	seqs[idx]++;
	if (shm_next_id >= 0) /* as Linux: the asked sequence, used once */
		seqs[idx] = (uint16_t)(shm_next_id / SHM_SEQ_MULT);
	shm_next_id = -1;
	USE(sg, sg->key = key;
	    sg->id = idx + (seqs[idx] % 0x8000) * SHM_SEQ_MULT; sg->size = size;
	    sg->mode = flags & 0777; sg->uid = sg->cuid = p->cred.euid;
	    sg->gid = sg->cgid = p->cred.egid; sg->cpid = p->pid;
	    sg->ctime = shm_now());
	segs[idx] = sg;
	in_use++;
	total_pages += pages;
	return sg->id;
}

/* Free sg: its table slot and the creator's reference to the memory
 * (attached processes keep theirs). */
static void shm_destroy(struct shm_seg *sg)
{
	segs[(uint32_t)sg->id % SHM_SEQ_MULT] = NULL;
	in_use--;
	total_pages -= ((uint64_t)sg->size + PAGE_SIZE - 1) / PAGE_SIZE;
	mm_shmem_set_owner(sg->obj, NULL);
	mm_shmem_put(sg->obj);
	SLAB_FREE(sg);
}

/* IPC_RMID: gone now if nobody is attached, else at the last detach. */
void shm_remove(struct shm_seg *sg)
{
	USE(sg, sg->mode |= SHM_DEST; sg->key = IPC_PRIVATE);
	if (!mm_shmem_attaches(sg->obj))
		shm_destroy(sg);
}

/* mm tells of every attach and detach of a segment's memory (shmat,
 * fork, shmdt, munmap, exit): the times and last pid, and a removed
 * segment goes with its last detach. */
static void shm_hook(struct mm_shmem *o, bool attach)
{
	struct shm_seg *sg = mm_shmem_owner(o);
	uint64_t now = shm_now();

	if (!sg)
		return;
	USE(sg, sg->lpid = current ? current->pid : 0;
	    *(attach ? &sg->atime : &sg->dtime) = now);
	if (!attach && (sg->mode & SHM_DEST) && !mm_shmem_attaches(o))
		shm_destroy(sg);
}

void shm_init(void)
{
	mm_shmem_set_hook(shm_hook);
}

/* The segment with this key, or NULL. */
struct shm_seg *shm_find_key(int32_t key)
{
	for (int i = 0; i < SHM_SEQ_MULT; i++)
		if (segs[i] && segs[i]->key == key)
			return segs[i];
	return NULL;
}

/* Totals for SHM_INFO: segments, pages allocated and resident. */
void shm_totals(uint32_t *used, uint64_t *tot, uint64_t *rss)
{
	*used = 0;
	*tot = *rss = 0;
	for (int i = 0; i < SHM_SEQ_MULT; i++) {
		if (!segs[i])
			continue;
		(*used)++;
		*tot += (segs[i]->size + PAGE_SIZE - 1) / PAGE_SIZE;
		*rss += mm_shmem_resident(segs[i]->obj);
	}
}

/* /proc/sysvipc/shm, Linux's 32-bit format. */
size_t shm_proc_text(char *buf, size_t cap)
{
	size_t len = 0;
	int n;

	n = snprintk(buf, cap,
		     "       key      shmid perms       size  cpid  lpid "
		     "nattch   uid   gid  cuid  cgid      atime      dtime  "
		     "    ctime        rss       swap\n");
	len = n > 0 ? MIN((size_t)n, cap - 1) : 0;
	for (int i = 0; i < SHM_SEQ_MULT && len < cap - 1; i++) {
		const struct shm_seg *s = segs[i];

		if (!s)
			continue;
		n = snprintk(
		    buf + len, cap - len,
		    "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u "
		    "%5u %10llu %10llu %10llu %10lu %10lu\n",
		    s->key, s->id, s->mode, (unsigned long)s->size, s->cpid,
		    s->lpid, (unsigned long)mm_shmem_attaches(s->obj), s->uid,
		    s->gid, s->cuid, s->cgid, (unsigned long long)s->atime,
		    (unsigned long long)s->dtime, (unsigned long long)s->ctime,
		    (unsigned long)(mm_shmem_resident(s->obj) * PAGE_SIZE),
		    0ul);
		if (n > 0)
			len = MIN(len + (size_t)n, cap - 1);
	}
	return len;
}
