/*
 * sighand.c - the signal actions as clone shares them: a struct sighand
 * is a slab object held by every process made with CLONE_SIGHAND from
 * the same one (all threads of a group), counted in refs; the last
 * holder frees it. Without CLONE_SIGHAND the child gets a copy.
 */
#include <kernel/errno.h>
#include <kernel/signal.h>
#include <kernel/thread.h>
#include <kernel/string.h>
#include <mm/slab.h>

/* A copy of from's actions (NULL: all SIG_DFL), held once. */
struct sighand *sighand_new(const struct sighand *from)
{
	struct sighand *sh = slab_zalloc(sizeof(*sh));

	if (!sh)
		return NULL;
	USE(sh, sh->refs = 1;
	    if (from) memcpy(sh->action, from->action, sizeof(sh->action)));
	return sh;
}

int sighand_fork(struct proc *parent, struct proc *child, bool share)
{
	if (share) {
		USE(parent->sighand, parent->sighand->refs++);
		child->sighand = parent->sighand;
		return 0;
	}
	child->sighand = sighand_new(parent ? parent->sighand : NULL);
	return child->sighand ? 0 : -ENOMEM;
}

int sighand_unshare(struct proc *p)
{
	struct sighand *old = p->sighand, *sh;

	if (old->refs == 1)
		return 0;
	sh = sighand_new(old);
	if (!sh)
		return -ENOMEM;
	USE(old, old->refs--);
	p->sighand = sh;
	return 0;
}

void sighand_release(struct proc *p)
{
	struct sighand *sh = p->sighand;

	if (!sh)
		return;
	p->sighand = NULL;
	USE(sh, sh->refs--);
	if (!sh->refs)
		SLAB_FREE(sh);
}

void sighand_set(struct proc *p, int sig, const struct sigaction_k *sa)
{
	USE(p->sighand, p->sighand->action[sig] = *sa);
}
