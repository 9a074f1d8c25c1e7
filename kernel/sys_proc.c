/*
 * sys_proc.c - process system calls other than fork/exec/exit/wait/
 * signals: identities, thread-local storage, time, uname, limits.
 */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define UNUSED6(a, b, c, d, e, f) \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f))

long sys_clone(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
long sys_fork(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
long sys_exit(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
long sys_wait4(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
long sys_waitpid(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
long sys_execve(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);

static long sys_getpid(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		       uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return current->pid;
}

static long sys_getppid(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
			uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return current->ppid;
}

static long sys_getuid(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		       uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return current->uid;
}

static long sys_getgid(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		       uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return current->gid;
}

static long sys_setpgid(uint32_t pid, uint32_t pgid, uint32_t c, uint32_t d,
			uint32_t e, uint32_t f)
{
	struct proc *p = pid ? proc_find((int)pid) : current;

	UNUSED6(0, 0, c, d, e, f);
	if (!p)
		return -ESRCH;
	if ((int)pgid < 0)
		return -EINVAL;
	p->pgid = pgid ? (int)pgid : p->pid;
	return 0;
}

static long sys_getpgid(uint32_t pid, uint32_t b, uint32_t c, uint32_t d,
			uint32_t e, uint32_t f)
{
	struct proc *p = pid ? proc_find((int)pid) : current;

	UNUSED6(0, b, c, d, e, f);
	return p ? p->pgid : -ESRCH;
}

static long sys_getpgrp(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
			uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return current->pgid;
}

static long sys_setsid(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		       uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	current->pgid = current->pid;
	return current->pid;
}

static long sys_exit_group(uint32_t code, uint32_t b, uint32_t c, uint32_t d,
			   uint32_t e, uint32_t f)
{
	return sys_exit(code, b, c, d, e, f);
}

static long sys_set_tid_address(uint32_t tidptr, uint32_t b, uint32_t c,
				uint32_t d, uint32_t e, uint32_t f)
{
	UNUSED6(0, b, c, d, e, f);
	current->clear_child_tid = tidptr;
	return current->pid;
}

/* Linux's struct user_desc. */
struct user_desc {
	uint32_t entry_number, base_addr, limit, flags;
};

static long sys_set_thread_area(uint32_t uinfo, uint32_t b, uint32_t c,
				uint32_t d, uint32_t e, uint32_t f)
{
	struct user_desc ud;
	unsigned slot;

	UNUSED6(0, b, c, d, e, f);
	if (copy_from_user(&ud, (void *)uinfo, sizeof(ud)))
		return -EFAULT;
	if (ud.entry_number == (uint32_t)-1) {
		/* Pick a free TLS slot (GDT entries 6..8), as Linux does. */
		for (slot = 0; slot < 3; slot++)
			if (!current->tls[slot].base &&
			    !current->tls[slot].limit)
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
	current->tls[slot] = (struct user_tls){ud.entry_number, ud.base_addr,
					       ud.limit, ud.flags};
	arch_set_tls(slot, ud.base_addr, ud.limit, ud.flags);
	return 0;
}

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

static long sys_uname(uint32_t ubuf, uint32_t b, uint32_t c, uint32_t d,
		      uint32_t e, uint32_t f)
{
	static const struct utsname u = {"Linux",	"vmkernel", "6.1.0",
					 "#1 vmkernel", "i686",	    "(none)"};

	UNUSED6(0, b, c, d, e, f);
	return copy_to_user((void *)ubuf, &u, sizeof(u));
}

struct timespec32 {
	int32_t sec, nsec;
};

static long sys_clock_gettime(uint32_t clk, uint32_t uts, uint32_t c,
			      uint32_t d, uint32_t e, uint32_t f)
{
	uint64_t t = sched_ticks();
	struct timespec32 ts = {(int32_t)(t / HZ),
				(int32_t)(t % HZ) * (1000000000 / HZ)};

	UNUSED6(0, 0, c, d, e, f);
	if (clk > 11)
		return -EINVAL;
	return copy_to_user((void *)uts, &ts, sizeof(ts));
}

static long sys_gettimeofday(uint32_t utv, uint32_t utz, uint32_t c, uint32_t d,
			     uint32_t e, uint32_t f)
{
	uint64_t t = sched_ticks();
	struct timespec32 tv = {(int32_t)(t / HZ),
				(int32_t)(t % HZ) * (1000000 / HZ)};

	UNUSED6(0, utz, c, d, e, f);
	return utv ? copy_to_user((void *)utv, &tv, sizeof(tv)) : 0;
}

static long sys_time(uint32_t ut, uint32_t b, uint32_t c, uint32_t d,
		     uint32_t e, uint32_t f)
{
	int32_t t = (int32_t)(sched_ticks() / HZ);

	UNUSED6(0, b, c, d, e, f);
	if (ut && copy_to_user((void *)ut, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

static long sys_nanosleep(uint32_t ureq, uint32_t urem, uint32_t c, uint32_t d,
			  uint32_t e, uint32_t f)
{
	struct timespec32 ts;
	long ticks;

	UNUSED6(0, urem, c, d, e, f);
	if (copy_from_user(&ts, (void *)ureq, sizeof(ts)))
		return -EFAULT;
	ticks = sched_timespec_ticks(ts.sec, ts.nsec);
	return ticks < 0 ? ticks : sched_sleep_ticks((uint64_t)ticks);
}

/* The time64 calls of 32-bit glibc: struct __timespec64 {int64 sec, nsec}. */
struct timespec64 {
	int64_t sec, nsec;
};

static long sys_clock_gettime64(uint32_t clk, uint32_t uts, uint32_t c,
				uint32_t d, uint32_t e, uint32_t f)
{
	uint64_t t = sched_ticks();
	struct timespec64 ts = {(int64_t)(t / HZ),
				(int64_t)(t % HZ) * (1000000000 / HZ)};

	UNUSED6(0, 0, c, d, e, f);
	if (clk > 11)
		return -EINVAL;
	return copy_to_user((void *)uts, &ts, sizeof(ts));
}

static long sys_clock_nanosleep64(uint32_t clk, uint32_t flags, uint32_t ureq,
				  uint32_t urem, uint32_t e, uint32_t f)
{
	struct timespec64 ts;
	long ticks;

	UNUSED6(0, 0, 0, urem, e, f);
	if (clk > 11 || (flags & ~1u))
		return -EINVAL;
	if (copy_from_user(&ts, (void *)ureq, sizeof(ts)))
		return -EFAULT;
	ticks = sched_timespec_ticks(ts.sec, ts.nsec);
	if (ticks < 0)
		return ticks;
	if (flags & 1) /* TIMER_ABSTIME on our tick clock */
		ticks = (uint64_t)ticks > sched_ticks()
			    ? ticks - (long)sched_ticks()
			    : 0;
	return sched_sleep_ticks((uint64_t)ticks);
}

static long sys_ugetrlimit(uint32_t res, uint32_t ulim, uint32_t c, uint32_t d,
			   uint32_t e, uint32_t f)
{
	/* RLIMIT_STACK is 8 MiB (our stack limit); the rest unlimited. */
	uint32_t lim[2] = {~0u, ~0u};

	UNUSED6(0, 0, c, d, e, f);
	if (res >= 16)
		return -EINVAL;
	if (res == 3)
		lim[0] = lim[1] = 8u << 20;
	return copy_to_user((void *)ulim, lim, sizeof(lim));
}

static long sys_enosys(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		       uint32_t e, uint32_t f)
{
	UNUSED6(a, b, c, d, e, f);
	return -ENOSYS;
}

static long sys_umask(uint32_t m, uint32_t b, uint32_t c, uint32_t d,
		      uint32_t e, uint32_t f)
{
	UNUSED6(m, b, c, d, e, f);
	return 022;
}

void sys_proc_init(void)
{
	syscall_register(1, sys_exit);
	syscall_register(2, sys_fork);
	syscall_register(7, sys_waitpid);
	syscall_register(11, sys_execve);
	syscall_register(13, sys_time);
	syscall_register(20, sys_getpid);
	syscall_register(24, sys_getuid);
	syscall_register(47, sys_getgid);
	syscall_register(49, sys_getuid);
	syscall_register(50, sys_getgid);
	syscall_register(57, sys_setpgid);
	syscall_register(60, sys_umask);
	syscall_register(64, sys_getppid);
	syscall_register(65, sys_getpgrp);
	syscall_register(66, sys_setsid);
	syscall_register(78, sys_gettimeofday);
	syscall_register(114, sys_wait4);
	syscall_register(120, sys_clone);
	syscall_register(122, sys_uname);
	syscall_register(132, sys_getpgid);
	syscall_register(162, sys_nanosleep);
	syscall_register(190, sys_fork); /* vfork: a full copy is correct */
	syscall_register(191, sys_ugetrlimit);
	syscall_register(199, sys_getuid);
	syscall_register(200, sys_getgid);
	syscall_register(201, sys_getuid);
	syscall_register(202, sys_getgid);
	syscall_register(224, sys_getpid); /* gettid */
	syscall_register(243, sys_set_thread_area);
	syscall_register(252, sys_exit_group);
	syscall_register(258, sys_set_tid_address);
	syscall_register(265, sys_clock_gettime);
	/* glibc falls back or does without these: */
	syscall_register(311, sys_enosys); /* set_robust_list */
	syscall_register(355, sys_enosys); /* getrandom */
	syscall_register(386, sys_enosys); /* rseq */
	syscall_register(403, sys_clock_gettime64);
	syscall_register(407, sys_clock_nanosleep64);
}
