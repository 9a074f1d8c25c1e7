/*
 * cred16.c - the old 16-bit uid and gid calls of the i386 ABI (getuid,
 * setuid, setresuid, ... without the 32 suffix), as Linux keeps them: an
 * id argument is its low 16 bits with 0xffff meaning -1, and an id that
 * does not fit in 16 bits reads as 65534 (the overflow id). The rules
 * are kernel/cred.c's.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

/* A 16-bit id argument as a 32-bit id. */
static uint32_t from16(uint32_t arg)
{
	uint16_t id = (uint16_t)arg;

	return id == 0xffff ? (uint32_t)-1 : id;
}

static long to16(uint32_t id)
{
	return id > 0xffff ? 65534 : (long)id;
}

SYSCALL_DEFINE0(getuid16)
{
	return to16(current->cred.uid);
}

SYSCALL_DEFINE0(geteuid16)
{
	return to16(current->cred.euid);
}

SYSCALL_DEFINE0(getgid16)
{
	return to16(current->cred.gid);
}

SYSCALL_DEFINE0(getegid16)
{
	return to16(current->cred.egid);
}

SYSCALL_DEFINE1(setuid16, uint32_t, id)
{
	return cred_setuid(from16(id));
}

SYSCALL_DEFINE1(setgid16, uint32_t, id)
{
	return cred_setgid(from16(id));
}

SYSCALL_DEFINE2(setreuid16, uint32_t, r, uint32_t, e)
{
	return cred_setreuid(from16(r), from16(e));
}

SYSCALL_DEFINE2(setregid16, uint32_t, r, uint32_t, e)
{
	return cred_setregid(from16(r), from16(e));
}

SYSCALL_DEFINE3(setresuid16, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return cred_setresuid(from16(r), from16(e), from16(s));
}

SYSCALL_DEFINE3(setresgid16, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return cred_setresgid(from16(r), from16(e), from16(s));
}

/* Three ids as 16-bit words to user memory. */
static long put_three16(uint32_t ur, uint32_t ue, uint32_t us, uint32_t r,
			uint32_t e, uint32_t s)
{
	uint16_t v[3] = {(uint16_t)to16(r), (uint16_t)to16(e),
			 (uint16_t)to16(s)};

	if (copy_to_user((void *)ur, &v[0], 2) ||
	    copy_to_user((void *)ue, &v[1], 2) ||
	    copy_to_user((void *)us, &v[2], 2))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid16, uint32_t, ur, uint32_t, ue, uint32_t, us)
{
	const struct cred *c = &current->cred;

	return put_three16(ur, ue, us, c->uid, c->euid, c->suid);
}

SYSCALL_DEFINE3(getresgid16, uint32_t, ur, uint32_t, ue, uint32_t, us)
{
	const struct cred *c = &current->cred;

	return put_three16(ur, ue, us, c->gid, c->egid, c->sgid);
}

SYSCALL_DEFINE1(setfsuid16, uint32_t, id)
{
	return to16((uint32_t)cred_setfsuid(from16(id)));
}

SYSCALL_DEFINE1(setfsgid16, uint32_t, id)
{
	return to16((uint32_t)cred_setfsgid(from16(id)));
}
