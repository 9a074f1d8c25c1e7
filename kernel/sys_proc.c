/*
 * sys_proc.c - process system calls other than fork/exec/exit/wait/
 * signals: process ids, groups and sessions, thread-local storage, time.
 */
#include <arch/proc.h>
#include <kernel/clock.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define CLOCK_ID_MAX \
	11 /* CLOCK_REALTIME .. CLOCK_TAI: all read the tick clock */
#define TIMER_ABSTIME 1

/* The process id is the thread group's; gettid the thread's own. */
SYSCALL_DEFINE0(getpid)
{
	return current->tgid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;
}

SYSCALL_DEFINE0(getppid)
{
	return current->ppid;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	if (!p)
		return -ESRCH;
	if (pgid < 0)
		return -EINVAL;
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	return p ? p->pgid : -ESRCH;
}

SYSCALL_DEFINE0(getpgrp)
{
	return current->pgid;
}

/* A new session and group led by the caller; not for a group leader
 * (a group with the caller's id exists): EPERM, as on Linux. */
SYSCALL_DEFINE0(setsid)
{
	for (int i = 0; i < proc_slots; i++)
		if (procs[i] && procs[i]->state != PROC_UNUSED &&
		    procs[i]->pgid == current->tgid)
			return -EPERM;
	current->pgid = current->sid = current->tgid;
	return current->tgid;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	return p ? p->sid : -ESRCH;
}

SYSCALL_DEFINE1(set_tid_address, uint32_t, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid; /* the thread id */
}

/* Linux's struct user_desc. */
struct user_desc {
	uint32_t entry_number, base_addr, limit, flags;
};

int tls_set(struct proc *p, uint32_t uinfo, bool can_allocate)
{
	struct user_desc ud;
	unsigned slot;

	if (copy_from_user(&ud, (void *)uinfo, sizeof(ud)))
		return -EFAULT;
	if (ud.entry_number == (uint32_t)-1 && can_allocate) {
		/* Pick a free TLS slot (GDT entries 6..8), as Linux does. */
		for (slot = 0; slot < 3; slot++)
			if (!p->tls[slot].base && !p->tls[slot].limit)
				break;
		if (slot == 3)
			return -ESRCH;
		ud.entry_number = 6 + slot;
		if (copy_to_user((void *)uinfo, &ud, sizeof(ud)))
			return -EFAULT;
	} else if (ud.entry_number >= 6 && ud.entry_number <= 8) {
		slot = ud.entry_number - 6;
	} else {
		return -EINVAL;
	}
	p->tls[slot] = (struct user_tls){ud.entry_number, ud.base_addr,
					 ud.limit, ud.flags};
	if (p == current)
		arch_set_tls(slot, ud.base_addr, ud.limit, ud.flags);
	return 0;
}

SYSCALL_DEFINE1(set_thread_area, uint32_t, uinfo)
{
	return tls_set(current, uinfo, true);
}

struct timespec32 {
	int32_t sec, nsec;
};

SYSCALL_DEFINE2(clock_gettime, uint32_t, clk, void *, uts)
{
	uint64_t sec;
	uint32_t nsec;
	struct timespec32 ts;

	if (clk > CLOCK_ID_MAX)
		return -EINVAL;
	clock_read(clk, &sec, &nsec);
	ts = (struct timespec32){(int32_t)sec, (int32_t)nsec};
	return copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE1(gettimeofday, uint32_t, utv)
{
	uint64_t sec;
	uint32_t nsec;
	struct timespec32 tv;

	clock_read(CLOCK_REALTIME, &sec, &nsec);
	tv = (struct timespec32){(int32_t)sec, (int32_t)(nsec / 1000)};
	return utv ? copy_to_user((void *)utv, &tv, sizeof(tv)) : 0;
}

SYSCALL_DEFINE1(time, uint32_t, ut)
{
	uint64_t sec;
	uint32_t nsec;
	int32_t t;

	clock_read(CLOCK_REALTIME, &sec, &nsec);
	t = (int32_t)sec;

	if (ut && copy_to_user((void *)ut, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* Interrupted sleeps tell the time left through rem (NULL: not asked),
 * a struct timespec of 32- or 64-bit fields. */
static long sleep_rem(long ticks, void *urem, bool is64)
{
	uint64_t left = 0;
	long err = sched_sleep_ticks((uint64_t)ticks, &left);
	int64_t ts64[2] = {(int64_t)(left / HZ),
			   (int64_t)(left % HZ) * (NSEC_PER_SEC / HZ)};
	int32_t ts32[2] = {(int32_t)ts64[0], (int32_t)ts64[1]};

	if (err != -EINTR || !urem)
		return err;
	if (copy_to_user(urem, is64 ? (void *)ts64 : (void *)ts32,
			 is64 ? sizeof(ts64) : sizeof(ts32)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(nanosleep, void *, ureq, void *, urem)
{
	struct timespec32 ts;
	long ticks;

	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	ticks = sched_timespec_ticks(ts.sec, ts.nsec);
	return ticks < 0 ? ticks : sleep_rem(ticks, urem, false);
}

/* clock_getres: every clock here advances by whole timer ticks. */
static long clock_res(uint32_t clk, void *ures, bool is64)
{
	int64_t ts64[2] = {0, NSEC_PER_SEC / HZ};
	int32_t ts32[2] = {0, NSEC_PER_SEC / HZ};

	if (clk > CLOCK_ID_MAX)
		return -EINVAL;
	if (!ures)
		return 0;
	return copy_to_user(ures, is64 ? (void *)ts64 : (void *)ts32,
			    is64 ? sizeof(ts64) : sizeof(ts32))
		   ? -EFAULT
		   : 0;
}

SYSCALL_DEFINE2(clock_getres, uint32_t, clk, void *, ures)
{
	return clock_res(clk, ures, false);
}

SYSCALL_DEFINE2(clock_getres_time64, uint32_t, clk, void *, ures)
{
	return clock_res(clk, ures, true);
}

/* The time64 calls of 32-bit glibc: struct __timespec64 {int64 sec, nsec}.
 * As Linux on 32-bit, only the low half of a nsec read from user space
 * counts: the upper half is glibc's padding. */
struct timespec64 {
	int64_t sec, nsec;
};

SYSCALL_DEFINE2(clock_gettime64, uint32_t, clk, void *, uts)
{
	uint64_t sec;
	uint32_t nsec;
	struct timespec64 ts;

	if (clk > CLOCK_ID_MAX)
		return -EINVAL;
	clock_read(clk, &sec, &nsec);
	ts = (struct timespec64){(int64_t)sec, nsec};
	return copy_to_user(uts, &ts, sizeof(ts));
}

/* Sleep until (flags TIMER_ABSTIME) or for sec.nsec on clock clk. */
static long clock_sleep(uint32_t clk, uint32_t flags, int64_t sec, int32_t nsec,
			void *urem, bool is64)
{
	long ticks;

	if (clk > CLOCK_ID_MAX || (flags & ~(uint32_t)TIMER_ABSTIME))
		return -EINVAL;
	ticks = sched_timespec_ticks(sec, nsec);
	if (ticks < 0)
		return ticks;
	if (flags & TIMER_ABSTIME) { /* a time on clk: ticks from now */
		uint64_t now = sched_ticks() + clock_offset_ticks(clk);
		uint64_t at = (uint64_t)sec * HZ +
			      (uint64_t)(nsec + NSEC_PER_SEC / HZ - 1) /
				  (NSEC_PER_SEC / HZ);

		ticks = at > now ? (long)MIN(at - now, 0x7FFFFFFFull) : 0;
		return ticks ? sched_sleep_ticks((uint64_t)ticks, NULL) : 0;
	}
	return sleep_rem(ticks, urem, is64);
}

SYSCALL_DEFINE4(clock_nanosleep64, uint32_t, clk, uint32_t, flags, void *, ureq,
		void *, urem)
{
	struct timespec64 ts;

	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	return clock_sleep(clk, flags, ts.sec, (int32_t)ts.nsec, urem, true);
}

SYSCALL_DEFINE4(clock_nanosleep, uint32_t, clk, uint32_t, flags, void *, ureq,
		void *, urem)
{
	struct timespec32 ts;

	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	return clock_sleep(clk, flags, ts.sec, ts.nsec, urem, false);
}

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	struct fs_info *fs = current->fs;
	uint32_t old = fs->umask;

	USE(fs, fs->umask = mask & 0777);
	return (long)old;
}
