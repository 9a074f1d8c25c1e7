/*
 * prctl.c - process attributes set by the process itself: prctl
 * (PR_SET_NAME/PR_GET_NAME, PR_SET_PDEATHSIG/PR_GET_PDEATHSIG,
 * PR_GET_DUMPABLE/PR_SET_DUMPABLE, PR_SET/GET_TIMERSLACK, PR_SET/GET_TSC;
 * other options EINVAL) and personality
 * (kept and reported; only PER_LINUX behaviour exists). The name is
 * Linux's comm: at most 15 bytes. The parent-death signal is not
 * inherited by fork; dumpability comes back at exec.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_GET_TSC 25
#define PR_SET_TSC 26
#define PR_TSC_ENABLE 1
#define PR_TSC_SIGSEGV 2
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define TASK_COMM_LEN 16

/* PR_SET_NAME: up to 15 bytes of the string at uname (it may end at
 * the end of readable memory only after its NUL or its 16th byte). */
static long set_name(uint32_t uname)
{
	char name[TASK_COMM_LEN];
	size_t i;

	for (i = 0; i < TASK_COMM_LEN - 1; i++) {
		if (copy_from_user(&name[i], (const void *)(uname + i), 1))
			return -EFAULT;
		if (!name[i])
			break;
	}
	name[i] = '\0';
	strlcpy(current->name, name, sizeof(current->name));
	return 0;
}

static long get_name(uint32_t uname)
{
	char name[TASK_COMM_LEN];

	memset(name, 0, sizeof(name));
	strlcpy(name, current->name, sizeof(name));
	return copy_to_user((void *)uname, name, sizeof(name)) ? -EFAULT : 0;
}

/* The timer slack and the TSC's availability; others are -EINVAL. */
static long prctl_timing(int option, uint32_t arg2)
{
	int32_t tsc;

	switch (option) {
	case PR_SET_TIMERSLACK: /* 0: back to the default, from the parent */
		current->timer_slack_ns =
		    arg2 ? arg2 : current->default_slack_ns;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)current->timer_slack_ns;
	case PR_SET_TSC:
		if (arg2 != PR_TSC_ENABLE && arg2 != PR_TSC_SIGSEGV)
			return -EINVAL;
		current->tsc_sigsegv = arg2 == PR_TSC_SIGSEGV;
		arch_set_user_tsc(!current->tsc_sigsegv);
		return 0;
	case PR_GET_TSC:
		tsc = current->tsc_sigsegv ? PR_TSC_SIGSEGV : PR_TSC_ENABLE;
		return copy_to_user((void *)arg2, &tsc, sizeof(tsc)) ? -EFAULT
								     : 0;
	}
	return -EINVAL;
}

SYSCALL_DEFINE5(prctl, int, option, uint32_t, arg2, uint32_t, arg3, uint32_t,
		arg4, uint32_t, arg5)
{
	int32_t sig = current->pdeath_signal;

	(void)arg3, (void)arg4, (void)arg5;
	switch (option) {
	case PR_SET_PDEATHSIG:
		if (arg2 >= NSIG)
			return -EINVAL;
		current->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user((void *)arg2, &sig, sizeof(sig)) ? -EFAULT
								     : 0;
	case PR_GET_DUMPABLE:
		return !current->undumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		current->undumpable = arg2 == 0;
		return 0;
	case PR_SET_NAME:
		return set_name(arg2);
	case PR_GET_NAME:
		return get_name(arg2);
	}
	return prctl_timing(option, arg2);
}

/* personality(0xffffffff) asks; anything else is set, the old one
 * returned. */
SYSCALL_DEFINE1(personality, uint32_t, persona)
{
	uint32_t old = current->personality;

	if (persona != 0xffffffffu)
		current->personality = persona;
	return (long)old;
}
