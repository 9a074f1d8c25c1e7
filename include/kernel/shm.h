/*
 * shm.h - SysV shared memory segments (kernel/shm.c) for the calls in
 * kernel/sys_shm.c and /proc/sysvipc/shm.
 */
#ifndef KERNEL_SHM_H
#define KERNEL_SHM_H

#include <kernel/types.h>

/* Linux 6.1's defaults (include/uapi/linux/shm.h) on i386. */
#define SHMMIN 1u
#define SHMMNI 4096
#define SHMMAX (0xffffffffu - (1u << 24))
#define SHMALL (0xffffffffu - (1u << 24)) /* pages */
#define SHMSEG SHMMNI
#define SHM_SEQ_MULT 32768 /* Linux's IPCMNI: id = index + seq * this */

/* /proc/sys/kernel/shmmax, shmall (pages), shmmni (segments at most, up
 * to IPCMNI as Linux)
 * and shm_next_id (the id the next segment gets, -1: any; Linux's
 * checkpoint/restore knob, back to -1 once used). */
extern uint32_t shm_ctlmax, shm_ctlall, shm_ctlmni;
extern int32_t shm_next_id;

#define IPC_PRIVATE 0
#define SHM_DEST 01000u	  /* mode: removed, goes at the last detach */
#define SHM_LOCKED 02000u /* mode: SHM_LOCK */

struct mm_shmem;

struct shm_seg {
	int32_t key, id;
	size_t size;
	uint32_t mode; /* permission bits | SHM_DEST | SHM_LOCKED */
	uint32_t uid, gid, cuid, cgid;
	int32_t cpid, lpid;
	uint64_t atime, dtime, ctime;
	struct mm_shmem *obj;
};

uint64_t shm_now(void);
struct shm_seg *shm_find(int32_t id);
struct shm_seg *shm_find_key(int32_t key);
struct shm_seg *shm_at_index(uint32_t idx);
/* The highest index in use, -1 if none (IPC_INFO, SHM_INFO). */
int shm_max_index(void);
bool shm_may(const struct shm_seg *sg, uint32_t flag);
bool shm_owner(const struct shm_seg *sg);
long shm_create(int32_t key, size_t size, uint32_t flags);
void shm_remove(struct shm_seg *sg);
void shm_totals(uint32_t *used, uint64_t *tot, uint64_t *rss);
/* /proc/sysvipc/shm into buf: its length. */
size_t shm_proc_text(char *buf, size_t cap);

#endif
