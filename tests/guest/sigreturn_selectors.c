/* sigreturn_selectors - a signal handler may rewrite the saved context;
 * what comes back must never hurt the kernel. Outcomes as on Linux: a data
 * selector user mode may not hold (beyond the GDT, the TSS, kernel
 * segments, the LDT, a TLS entry not present) comes back as the null
 * selector; a bad cs or ss kills the process with SIGSEGV; a TLS
 * descriptor cleared while loaded becomes null on the next return. */
#define _GNU_SOURCE
#include "guest.h"
#include <asm/ldt.h>
#include <ucontext.h>

static int which_reg;
static unsigned new_value;

static void handler(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	(void)sig, (void)si;
	uc->uc_mcontext.gregs[which_reg] = (int)new_value;
}

static void on_usr1(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
}

static unsigned read_sel(int reg)
{
	unsigned v = 0;
	if (reg == REG_FS)
		__asm__ volatile("mov %%fs, %0" : "=r"(v));
	else if (reg == REG_DS)
		__asm__ volatile("mov %%ds, %0" : "=r"(v));
	else if (reg == REG_ES)
		__asm__ volatile("mov %%es, %0" : "=r"(v));
	return v & 0xFFFF;
}

/* Child: return from a handler with data register reg = sel, then report
 * what the register holds (exit 0 if it is null, 2 if sel stuck). */
static void data_sel_child(void *arg)
{
	unsigned sel = (unsigned)(uintptr_t)arg;
	on_usr1();
	which_reg = REG_FS;
	new_value = sel;
	raise(SIGUSR1);
	unsigned now = read_sel(REG_FS);
	if (now != 0)
		_exit(now == (sel & 0xFFFF) ? 2 : 3);
}

/* Same through ds: glibc never reads ds itself, the child can go on. */
static void ds_child(void *arg)
{
	unsigned sel = (unsigned)(uintptr_t)arg;
	on_usr1();
	which_reg = REG_DS;
	new_value = sel;
	raise(SIGUSR1);
	unsigned now = read_sel(REG_DS);
	__asm__ volatile("mov %0, %%ds" : : "r"(0x23u)); /* back to usable */
	if (now != 0 && now != 0x23)
		_exit(2);
}

static void cs_child(void *arg)
{
	on_usr1();
	which_reg = REG_CS;
	new_value = (unsigned)(uintptr_t)arg;
	raise(SIGUSR1);
}

static void ss_child(void *arg)
{
	on_usr1();
	which_reg = REG_SS;
	new_value = (unsigned)(uintptr_t)arg;
	raise(SIGUSR1);
}

/* Load TLS entry 7 into fs, then clear it while loaded: the next return
 * to user mode must not panic; fs comes back null (Linux does the same). */
static void tls_cleared_child(void *arg)
{
	struct user_desc ud;
	(void)arg;
	memset(&ud, 0, sizeof ud);
	ud.entry_number = 7;
	ud.base_addr = 0x1000;
	ud.limit = 0xfffff;
	ud.seg_32bit = 1;
	ud.limit_in_pages = 1;
	if (syscall(SYS_set_thread_area, &ud) != 0)
		_exit(4);
	unsigned sel = (7 << 3) | 3;
	__asm__ volatile("mov %0, %%fs" : : "r"(sel));
	memset(&ud, 0, sizeof ud);
	ud.entry_number = 7;
	ud.read_exec_only = 1;
	ud.seg_not_present = 1;
	if (syscall(SYS_set_thread_area, &ud) != 0)
		_exit(5);
	syscall(SYS_getpid); /* returns through the pop of fs */
	if (read_sel(REG_FS) != 0)
		_exit(6);
}

int main(void)
{
	/* GDT index 0x200 (beyond the table), the TSS (5), the kernel's
	 * code and data (1, 2), the LDT, an unused TLS entry (8). */
	static const unsigned bad[] = {0x1003, 0x2b, 0x28, 0x0b, 0x13,
				       0x10,   0x07, 0x0f, 0x43};
	char what[80];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(what, sizeof what, "fs = %#x through sigreturn",
			 bad[i]);
		expect_ok(data_sel_child, (void *)(uintptr_t)bad[i], what);
		snprintf(what, sizeof what, "ds = %#x through sigreturn",
			 bad[i]);
		expect_ok(ds_child, (void *)(uintptr_t)bad[i], what);
	}
	static const unsigned bad_cs[] = {0x08, 0x0b, 0x23, 0x2b, 0x0f, 0x1003};
	for (size_t i = 0; i < sizeof bad_cs / sizeof bad_cs[0]; i++) {
		snprintf(what, sizeof what, "cs = %#x through sigreturn",
			 bad_cs[i]);
		expect_signal(cs_child, (void *)(uintptr_t)bad_cs[i], SIGSEGV,
			      what);
	}
	static const unsigned bad_ss[] = {0x10, 0x13, 0x1b, 0x2b, 0x0f, 0x1003};
	for (size_t i = 0; i < sizeof bad_ss / sizeof bad_ss[0]; i++) {
		snprintf(what, sizeof what, "ss = %#x through sigreturn",
			 bad_ss[i]);
		expect_signal(ss_child, (void *)(uintptr_t)bad_ss[i], SIGSEGV,
			      what);
	}
	expect_ok(tls_cleared_child, NULL, "TLS entry cleared while loaded");
	return 0;
}
