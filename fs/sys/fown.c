/*
 * fown.c - who is told about a file by signal: the owner F_SETOWN and
 * F_SETOWN_EX set (a thread, a process or a process group) and the
 * signal F_SETSIG chose, as lease breaks use them.
 *
 * Guarantees, as Linux: a positive F_SETOWN pid names a process, a
 * negative one a process group; a pid that names nobody is -ESRCH; the
 * signal is SIGIO (plain, si_code SI_KERNEL) unless F_SETSIG set one,
 * which then carries si_code, si_band and si_fd.
 */
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>

#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
#define SIGIO 29

struct uowner_ex {
	int32_t type, pid;
};

/* Does anybody answer to pid of this type? */
static bool owner_exists(int type, int32_t pid)
{
	if (pid == 0 || proc_find(pid))
		return true;
	for (int i = 0; type == F_OWNER_PGRP && i < NPROC; i++)
		if (procs[i] && procs[i]->pgid == pid)
			return true;
	return false;
}

long fown_set(struct vfile *f, int32_t arg)
{
	int type = arg < 0 ? F_OWNER_PGRP : F_OWNER_PID;

	if (arg == INT32_MIN)
		return -EINVAL;
	if (arg < 0)
		arg = -arg;
	if (!owner_exists(type, arg))
		return -ESRCH;
	vfile_set_owner(f, (uint8_t)type, arg);
	return 0;
}

long fown_get(struct vfile *f)
{
	return f->owner_type == F_OWNER_PGRP ? -f->owner_pid : f->owner_pid;
}

long fown_set_ex(struct vfile *f, uint32_t uptr)
{
	struct uowner_ex o;

	if (copy_from_user(&o, (const void *)uptr, sizeof(o)))
		return -EFAULT;
	if (o.type != F_OWNER_TID && o.type != F_OWNER_PID &&
	    o.type != F_OWNER_PGRP)
		return -EINVAL;
	if (o.pid < 0 || !owner_exists(o.type, o.pid))
		return -ESRCH;
	vfile_set_owner(f, (uint8_t)o.type, o.pid);
	return 0;
}

long fown_get_ex(struct vfile *f, uint32_t uptr)
{
	struct uowner_ex o = {f->owner_type, f->owner_pid};

	return copy_to_user((void *)uptr, &o, sizeof(o)) ? -EFAULT : 0;
}

/* Is p (a thread group's leader) a process that f's owner names? */
static bool owner_process(const struct vfile *f, const struct proc *p)
{
	if (p->leader != p)
		return false;
	if (f->owner_type == F_OWNER_PGRP)
		return p->pgid == f->owner_pid;
	return f->owner_type == F_OWNER_PID && p->tgid == f->owner_pid;
}

void fown_signal(struct vfile *f, int fd, int32_t code, uint32_t band)
{
	int sig = f->sig ? f->sig : SIGIO;
	struct ksiginfo info = {f->sig ? code : SI_KERNEL,
				{band, (uint32_t)fd}};

	if (!f->sig)
		info.f[0] = info.f[1] = 0;
	for (int i = 0; i < NPROC && f->owner_pid; i++) {
		struct proc *p = procs[i];

		if (!p || p->state == PROC_ZOMBIE)
			continue;
		if (f->owner_type == F_OWNER_TID && p->pid == f->owner_pid)
			thread_signal_info(p, sig, &info);
		else if (owner_process(f, p))
			proc_signal_info(p, sig, &info);
	}
}
