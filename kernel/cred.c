/*
 * cred.c - user and group identities with Linux's rules (credentials(7)):
 * setuid, setreuid, setresuid, setfsuid and their gid twins, the getters,
 * and who may signal whom. Privilege is an effective uid of 0, checked on
 * the identity before the change; the uid and gid rules are one code
 * working on an id quadruple (real, effective, saved, file system). Every
 * change of the effective id sets the file-system id to it, and
 * struct proc's uid and gid (the file code's view) follow fsuid and
 * fsgid. Identities are inherited across fork and exec (set-user-ID
 * files do not change them yet).
 */
#include <fs/vfs/vnode.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define NO_ID ((uint32_t)-1) /* "leave unchanged" */

/* One kind of id of a cred: the uids or the gids. */
struct ids {
	uint32_t *r, *e, *s, *fs;
};

static struct ids uids(struct cred *c)
{
	return (struct ids){&c->uid, &c->euid, &c->suid, &c->fsuid};
}

static struct ids gids(struct cred *c)
{
	return (struct ids){&c->gid, &c->egid, &c->sgid, &c->fsgid};
}

/* Install c as current's identity. */
static long commit(const struct cred *c)
{
	current->cred = *c;
	return 0;
}

/* Is id one of the real, effective or saved ids? */
static bool held(struct ids o, uint32_t id)
{
	return id == *o.r || id == *o.e || id == *o.s;
}

/* setuid/setgid: privileged, all four; else the effective (and fs) id
 * to the real or saved one. */
static long set_id(struct ids (*kind)(struct cred *), uint32_t id)
{
	struct cred c = current->cred;
	struct ids n = kind(&c);

	if (id == NO_ID)
		return -EINVAL;
	if (cred_privileged())
		*n.r = *n.s = id;
	else if (id != *n.r && id != *n.s)
		return -EPERM;
	*n.e = *n.fs = id;
	return commit(&c);
}

/* setreuid/setregid: the real id to the real or effective one, the
 * effective to any held; the saved id follows the effective one when
 * the real id is set or the effective one leaves the real one. */
static long set_re(struct ids (*kind)(struct cred *), uint32_t r, uint32_t e)
{
	struct cred c = current->cred;
	struct ids o = kind(&current->cred), n = kind(&c);

	if (r != NO_ID && !cred_privileged() && r != *o.r && r != *o.e)
		return -EPERM;
	if (e != NO_ID && !cred_privileged() && !held(o, e))
		return -EPERM;
	if (r != NO_ID)
		*n.r = r;
	if (e != NO_ID)
		*n.e = e;
	if (r != NO_ID || (e != NO_ID && e != *o.r))
		*n.s = *n.e;
	*n.fs = *n.e;
	return commit(&c);
}

/* setresuid/setresgid: each id given must be one already held. */
static long set_res(struct ids (*kind)(struct cred *), uint32_t r, uint32_t e,
		    uint32_t s)
{
	struct cred c = current->cred;
	struct ids o = kind(&current->cred), n = kind(&c);

	if (!cred_privileged() &&
	    ((r != NO_ID && !held(o, r)) || (e != NO_ID && !held(o, e)) ||
	     (s != NO_ID && !held(o, s))))
		return -EPERM;
	if (r != NO_ID)
		*n.r = r;
	if (e != NO_ID)
		*n.e = e;
	if (s != NO_ID)
		*n.s = s;
	*n.fs = *n.e;
	return commit(&c);
}

/* setfsuid/setfsgid: always the old fs id; changed only to a held one
 * (or by the privileged). */
static long set_fs(struct ids (*kind)(struct cred *), uint32_t id)
{
	struct cred c = current->cred;
	struct ids n = kind(&c);
	uint32_t old = *n.fs;

	if (id != NO_ID && (cred_privileged() || held(n, id) || id == old)) {
		*n.fs = id;
		commit(&c);
	}
	return (long)old;
}

long cred_setuid(uint32_t id)
{
	return set_id(uids, id);
}

long cred_setgid(uint32_t id)
{
	return set_id(gids, id);
}

long cred_setreuid(uint32_t r, uint32_t e)
{
	return set_re(uids, r, e);
}

long cred_setregid(uint32_t r, uint32_t e)
{
	return set_re(gids, r, e);
}

long cred_setresuid(uint32_t r, uint32_t e, uint32_t s)
{
	return set_res(uids, r, e, s);
}

long cred_setresgid(uint32_t r, uint32_t e, uint32_t s)
{
	return set_res(gids, r, e, s);
}

long cred_setfsuid(uint32_t id)
{
	return set_fs(uids, id);
}

long cred_setfsgid(uint32_t id)
{
	return set_fs(gids, id);
}

void proc_cred(const struct proc *p, struct vcred *c)
{
	c->uid = p->cred.fsuid;
	c->gid = p->cred.fsgid;
	c->ngroups = p->cred.ngroups;
	c->groups = p->cred.groups;
}

bool cred_in_group(const struct proc *p, uint32_t gid)
{
	if (gid == p->cred.fsgid)
		return true;
	for (uint32_t i = 0; i < p->cred.ngroups; i++)
		if (p->cred.groups[i] == gid)
			return true;
	return false;
}

/* Linux's kill_ok_by_cred: the sender's real or effective uid is the
 * target's real or saved one, or the sender is privileged; SIGCONT also
 * goes to any process of the sender's session. */
bool cred_may_signal(const struct proc *p, int sig)
{
	const struct cred *s = &current->cred, *t = &p->cred;

	if (p == current || s->euid == 0)
		return true;
	if (s->euid == t->suid || s->euid == t->uid || s->uid == t->suid ||
	    s->uid == t->uid)
		return true;
	return sig == SIGCONT && p->sid == current->sid;
}

/* Linux's check_prlimit_permission: the same real, effective and saved
 * ids as the caller's real ones, or a privileged caller. */
bool cred_may_control(const struct proc *p)
{
	const struct cred *s = &current->cred, *t = &p->cred;

	if (p == current || s->euid == 0)
		return true;
	return s->uid == t->uid && s->uid == t->euid && s->uid == t->suid &&
	       s->gid == t->gid && s->gid == t->egid && s->gid == t->sgid;
}

/* --- the 32-bit calls (glibc's) ---------------------------------------- */

SYSCALL_DEFINE0(getuid32)
{
	return current->cred.uid;
}

SYSCALL_DEFINE0(geteuid32)
{
	return current->cred.euid;
}

SYSCALL_DEFINE0(getgid32)
{
	return current->cred.gid;
}

SYSCALL_DEFINE0(getegid32)
{
	return current->cred.egid;
}

SYSCALL_DEFINE1(setuid32, uint32_t, id)
{
	return cred_setuid(id);
}

SYSCALL_DEFINE1(setgid32, uint32_t, id)
{
	return cred_setgid(id);
}

SYSCALL_DEFINE2(setreuid32, uint32_t, r, uint32_t, e)
{
	return cred_setreuid(r, e);
}

SYSCALL_DEFINE2(setregid32, uint32_t, r, uint32_t, e)
{
	return cred_setregid(r, e);
}

SYSCALL_DEFINE3(setresuid32, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return cred_setresuid(r, e, s);
}

SYSCALL_DEFINE3(setresgid32, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return cred_setresgid(r, e, s);
}

/* getresuid/getresgid: three ids to three user words. */
static long put_three(uint32_t ur, uint32_t ue, uint32_t us, uint32_t r,
		      uint32_t e, uint32_t s)
{
	if (copy_to_user((void *)ur, &r, sizeof(r)) ||
	    copy_to_user((void *)ue, &e, sizeof(e)) ||
	    copy_to_user((void *)us, &s, sizeof(s)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid32, uint32_t, ur, uint32_t, ue, uint32_t, us)
{
	const struct cred *c = &current->cred;

	return put_three(ur, ue, us, c->uid, c->euid, c->suid);
}

SYSCALL_DEFINE3(getresgid32, uint32_t, ur, uint32_t, ue, uint32_t, us)
{
	const struct cred *c = &current->cred;

	return put_three(ur, ue, us, c->gid, c->egid, c->sgid);
}

SYSCALL_DEFINE1(setfsuid32, uint32_t, id)
{
	return cred_setfsuid(id);
}

SYSCALL_DEFINE1(setfsgid32, uint32_t, id)
{
	return cred_setfsgid(id);
}

bool cred_privileged(void)
{
	return current && current->cred.euid == 0;
}
