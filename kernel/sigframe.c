/*
 * sigframe.c - the frames a signal handler runs on, laid out as Linux i386
 * lays them out, so glibc's ucontext_t, siginfo_t and struct sigcontext
 * read them: the old frame (sig, sigcontext) for handlers without
 * SA_SIGINFO, the rt frame (sig, &info, &uc, siginfo, ucontext) with it.
 * The x87/SSE state is saved in the frame (sigcontext.fpstate points to
 * it) and the handler starts with a clean one.
 *
 * sigreturn and rt_sigreturn restore what the frame holds. User code may
 * have changed any of it, so what reaches the return path is checked, with
 * Linux's outcomes: cs and ss must be the user's own (else the frame is
 * refused, nothing of it is used, and the process gets SIGSEGV); a data
 * selector (ds, es, fs, gs) user mode may not hold becomes the null
 * selector, as Linux's return path makes it when its reload faults; only
 * the arithmetic, direction, trap, resume and alignment flags come from
 * the frame; the MXCSR loses the bits the CPU lacks.
 */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

/* The flags sigreturn takes from the frame (Linux's FIX_EFLAGS). */
#define EFLAGS_FROM_USER 0x00050DD5u /* AC RF OF DF TF SF ZF AF PF CF */
#define FXSAVE_BYTES 512u

struct sigcontext32 {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss;
	uint32_t fpstate, oldmask, cr2;
};

/* Linux's struct _fpstate_32: an fsave-format header (left zero), status
 * and magic (0: the fxsave image follows), then the fxsave image. */
struct fpstate32 {
	uint32_t legacy[27];
	uint16_t status, magic;
	uint8_t fxsave[FXSAVE_BYTES];
};

struct ucontext32 {
	uint32_t flags, link;
	uint32_t ss_sp, ss_flags, ss_size;
	struct sigcontext32 mc;
	uint64_t sigmask;
};

struct sigframe {
	uint32_t pretcode;
	int32_t sig;
	struct sigcontext32 sc;
	struct fpstate32 fpstate;
	uint32_t extramask; /* high half of the old mask */
	uint8_t retcode[8];
};

struct rt_sigframe {
	uint32_t pretcode;
	int32_t sig;
	uint32_t pinfo, puc;
	struct siginfo32 info;
	struct ucontext32 uc;
	uint8_t retcode[8];
	struct fpstate32 fpstate;
};

_Static_assert(sizeof(struct sigcontext32) == 88, "Linux sigcontext_32");
_Static_assert(sizeof(struct fpstate32) == 624, "Linux _fpstate_32");
_Static_assert(sizeof(struct siginfo32) == 128, "Linux siginfo_t");

static void save_context(struct sigcontext32 *sc, const struct trapframe *tf,
			 uint32_t fpstate, uint64_t mask)
{
	*sc = (struct sigcontext32){
	    .gs = tf->gs,
	    .fs = tf->fs,
	    .es = tf->es,
	    .ds = tf->ds,
	    .edi = tf->edi,
	    .esi = tf->esi,
	    .ebp = tf->ebp,
	    .esp = tf->esp,
	    .ebx = tf->ebx,
	    .edx = tf->edx,
	    .ecx = tf->ecx,
	    .eax = tf->eax,
	    .trapno = tf->vector,
	    .err = tf->error,
	    .eip = tf->eip,
	    .cs = tf->cs,
	    .eflags = tf->eflags,
	    .esp_at_signal = tf->esp,
	    .ss = tf->ss,
	    .fpstate = fpstate,
	    .oldmask = (uint32_t)mask,
	};
}

/* The live x87/SSE registers into fp; the handler then starts clean. */
static void save_fpu(struct fpstate32 *fp)
{
	memset(fp, 0, sizeof(*fp));
	arch_fpu_save(current->fpu);
	memcpy(fp->fxsave, current->fpu, FXSAVE_BYTES);
	arch_fpu_reset(current->fpu);
	arch_fpu_restore(current->fpu);
}

/* Where a frame of size bytes goes: below the stack top, so that esp + 4
 * is 16-byte aligned at the handler's first instruction, as after a
 * call. */
static uint32_t frame_sp(uint32_t top, size_t size)
{
	return ((top - size) & ~15u) - 4;
}

static void enter_handler(struct trapframe *tf, uint32_t sp,
			  const struct sigaction_k *sa, int sig)
{
	tf->esp = sp;
	tf->eip = sa->handler;
	tf->eax = (uint32_t)sig;
	tf->edx = 0;
	tf->ecx = 0;
	tf->eflags &= ~0x100u; /* no single-stepping into the handler */
}

int sigframe_push(struct trapframe *tf, int sig, const struct sigaction_k *sa,
		  uint64_t oldmask, uint32_t top)
{
	static struct sigframe fr; /* one CPU, interrupts off: no sharing */
	uint32_t sp = frame_sp(top, sizeof(fr));

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = sa->restorer;
	fr.sig = sig;
	save_fpu(&fr.fpstate);
	save_context(&fr.sc, tf, sp + offsetof(struct sigframe, fpstate),
		     oldmask);
	fr.extramask = (uint32_t)(oldmask >> 32);
	if (copy_to_user((void *)sp, &fr, sizeof(fr)))
		return -EFAULT;
	enter_handler(tf, sp, sa, sig);
	return 0;
}

int sigframe_push_rt(struct trapframe *tf, int sig,
		     const struct sigaction_k *sa, uint64_t oldmask,
		     uint32_t top, const struct ksiginfo *info)
{
	static struct rt_sigframe fr;
	uint32_t sp = frame_sp(top, sizeof(fr));

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = sa->restorer;
	fr.sig = sig;
	fr.pinfo = sp + offsetof(struct rt_sigframe, info);
	fr.puc = sp + offsetof(struct rt_sigframe, uc);
	siginfo_to_user(sig, info, &fr.info);
	save_fpu(&fr.fpstate);
	save_context(&fr.uc.mc, tf, sp + offsetof(struct rt_sigframe, fpstate),
		     oldmask);
	fr.uc.sigmask = oldmask;
	fr.uc.ss_sp = current->altstack_sp;
	fr.uc.ss_size = current->altstack_size;
	fr.uc.ss_flags = current->altstack_size ? (top != tf->esp) /* ONSTACK */
						: 2;		   /* DISABLE */
	if (copy_to_user((void *)sp, &fr, sizeof(fr)))
		return -EFAULT;
	enter_handler(tf, sp, sa, sig);
	tf->edx = fr.pinfo;
	tf->ecx = fr.puc;
	return 0;
}

/* Whether user code may return to sc's code and stack segments. */
static bool context_ok(const struct sigcontext32 *sc)
{
	return (sc->cs | 3u) == arch_user_code_selector() &&
	       (sc->ss | 3u) == arch_user_data_selector();
}

/* A data selector as the return path will load it. */
static uint32_t data_selector(uint32_t sel)
{
	return arch_user_selector_ok(sel) ? sel : 0;
}

/* Restore sc (and its FPU state) into tf: 0, or -EFAULT with tf and the
 * FPU unchanged. */
static int restore_context(struct trapframe *tf, const struct sigcontext32 *sc)
{
	static uint8_t fx[FXSAVE_BYTES] __attribute__((aligned(16)));

	if (!context_ok(sc))
		return -EFAULT;
	if (sc->fpstate &&
	    copy_from_user(fx,
			   (const void *)(sc->fpstate +
					  offsetof(struct fpstate32, fxsave)),
			   sizeof(fx)))
		return -EFAULT;
	tf->gs = data_selector(sc->gs), tf->fs = data_selector(sc->fs);
	tf->es = data_selector(sc->es), tf->ds = data_selector(sc->ds);
	tf->edi = sc->edi, tf->esi = sc->esi, tf->ebp = sc->ebp;
	tf->esp = sc->esp, tf->ebx = sc->ebx, tf->edx = sc->edx;
	tf->ecx = sc->ecx, tf->eax = sc->eax, tf->eip = sc->eip;
	tf->cs = sc->cs | 3u;
	tf->ss = sc->ss | 3u;
	tf->eflags =
	    (tf->eflags & ~EFLAGS_FROM_USER) | (sc->eflags & EFLAGS_FROM_USER);
	if (sc->fpstate) {
		arch_fpu_sanitize(fx);
		memcpy(current->fpu, fx, sizeof(fx));
		arch_fpu_restore(current->fpu);
	}
	return 0;
}

int sigframe_restore(struct trapframe *tf, uint32_t sp, uint64_t *mask)
{
	static struct sigframe fr;

	if (copy_from_user(&fr, (const void *)sp, sizeof(fr)) ||
	    restore_context(tf, &fr.sc))
		return -EFAULT;
	*mask = fr.sc.oldmask | (uint64_t)fr.extramask << 32;
	return 0;
}

int sigframe_restore_rt(struct trapframe *tf, uint32_t sp, uint64_t *mask)
{
	static struct rt_sigframe fr;

	if (copy_from_user(&fr, (const void *)sp,
			   offsetof(struct rt_sigframe, retcode)) ||
	    restore_context(tf, &fr.uc.mc))
		return -EFAULT;
	*mask = fr.uc.sigmask;
	return 0;
}
