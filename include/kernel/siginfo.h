/*
 * siginfo.h - what a pending signal carries (kernel/siginfo.c): who sent
 * it and why, kept per signal in struct proc as the compact ksiginfo and
 * given to SA_SIGINFO handlers and rt_sigtimedwait as Linux i386's
 * 128-byte siginfo_t.
 */
#ifndef KERNEL_SIGINFO_H
#define KERNEL_SIGINFO_H

#include <kernel/types.h>

/* si_code values (Linux). */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TKILL (-6)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define FPE_INTDIV 1
#define ILL_ILLOPN 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1

/*
 * The union of siginfo_t after its code, as five words: kill and sigqueue
 * {pid, uid, value}, SIGCHLD {pid, uid, status, utime, stime}, faults
 * {addr}. The signal number is the index it is kept under.
 */
struct ksiginfo {
	int32_t code;
	uint32_t f[5];
};

/* Linux i386 siginfo_t. */
struct siginfo32 {
	int32_t signo, errno_, code;
	uint32_t fields[29];
};

static inline struct ksiginfo siginfo_kernel(void)
{
	return (struct ksiginfo){SI_KERNEL, {0}};
}

/* Sent by a process (kill: SI_USER, tkill/tgkill: SI_TKILL). */
static inline struct ksiginfo siginfo_sender(int32_t code, int pid,
					     uint32_t uid)
{
	return (struct ksiginfo){code, {(uint32_t)pid, uid, 0, 0, 0}};
}

/* A fault at addr (si_addr). */
static inline struct ksiginfo siginfo_fault(int32_t code, uint32_t addr)
{
	return (struct ksiginfo){code, {addr, 0, 0, 0, 0}};
}

/* Copy k for sig into Linux's layout. */
void siginfo_to_user(int sig, const struct ksiginfo *k, struct siginfo32 *u);

#endif
