/*
 * cred.h - a process's user and group identities (kernel/cred.c): real,
 * effective, saved and file-system uid and gid, and the supplementary
 * groups. Privilege is an effective uid of 0 (there are no capabilities),
 * which is what Linux's capability rules amount to for root.
 */
#ifndef KERNEL_CRED_H
#define KERNEL_CRED_H

#include <kernel/types.h>

#define NGROUPS 32 /* supplementary groups kept (Linux: 65536) */

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[NGROUPS];
};

struct proc;
struct vcred;

/* The set*id rules on current (kernel/cred.c), for both ABIs: 0 or
 * -errno; (uint32_t)-1 leaves an id unchanged. setfs*id return the old
 * fs id. */
/* Does the current process act as root (effective uid 0: there are no
 * capabilities)? /dev/mem, mount, chroot, reboot ask this. */
bool cred_privileged(void);
long cred_setuid(uint32_t id);
long cred_setgid(uint32_t id);
long cred_setreuid(uint32_t r, uint32_t e);
long cred_setregid(uint32_t r, uint32_t e);
long cred_setresuid(uint32_t r, uint32_t e, uint32_t s);
long cred_setresgid(uint32_t r, uint32_t e, uint32_t s);
long cred_setfsuid(uint32_t id);
long cred_setfsgid(uint32_t id);

/* The identity the file layer checks access with: {fsuid, fsgid}. */
void proc_cred(const struct proc *p, struct vcred *c);
/* May p be a member of group gid for file access (fsgid or a
 * supplementary group)? */
bool cred_in_group(const struct proc *p, uint32_t gid);
/* May current send sig to p (Linux's kill permission)? */
bool cred_may_signal(const struct proc *p, int sig);
/* May current read or change p's limits (prlimit64)? */
bool cred_may_control(const struct proc *p);

#endif
