/*
 * exec_stack.c - the initial user stack of a new image, as the i386 System
 * V ABI and Linux lay it out: argc, argv[], NULL, envp[], NULL, auxv
 * pairs, AT_NULL, then the strings and AT_RANDOM's 16 bytes above.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <mm/region.h>

#define AUXV_MAX 20 /* pairs, AT_NULL included */

struct stack_writer {
	struct mm_space *s;
	uint32_t top; /* strings grow down from here */
	long err;
};

/* Push bytes below the current top; returns their user address. */
static uint32_t push_bytes(struct stack_writer *w, const void *p, size_t n)
{
	w->top -= n;
	if (!w->err)
		w->err = mm_space_write(w->s, w->top, p, n);
	return w->top;
}

static void random_bytes(uint8_t out[16])
{
	uint64_t x = arch_cycles() * 0x9E3779B97F4A7C15ull;

	for (int i = 0; i < 16; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		out[i] = (uint8_t)x;
	}
}

long exec_build_stack(struct mm_space *s, const char *path, char *const argv[],
		      int argc, char *const envp[], int envc,
		      const struct elf32_ehdr *eh, vaddr_t phdr,
		      struct exec_stack *out)
{
	struct stack_writer w = {s, USER_STACK_TOP, 0};
	/* argc, argv and envp with their NULLs, the auxiliary vector. */
	uint32_t vec[1 + 2 * (EXEC_ARGV_MAX + 1) + 2 * AUXV_MAX];
	uint32_t uargv[EXEC_ARGV_MAX], uenvp[EXEC_ARGV_MAX], execfn, rnd;
	uint8_t rbytes[16];
	unsigned n = 0;
	long r;

	if (argc > EXEC_ARGV_MAX || envc > EXEC_ARGV_MAX)
		return -E2BIG;
	r = mm_map_stack(s, USER_STACK_TOP - USER_STACK_INITIAL,
			 USER_STACK_INITIAL, PROT_READ | PROT_WRITE,
			 USER_STACK_LIMIT);
	if (r)
		return r;
	execfn = push_bytes(&w, path, strlen(path) + 1);
	out->env_end = w.top;
	for (int i = envc - 1; i >= 0; i--)
		uenvp[i] = push_bytes(&w, envp[i], strlen(envp[i]) + 1);
	out->arg_end = w.top;
	for (int i = argc - 1; i >= 0; i--)
		uargv[i] = push_bytes(&w, argv[i], strlen(argv[i]) + 1);
	out->arg_start = w.top;
	random_bytes(rbytes);
	rnd = push_bytes(&w, rbytes, sizeof(rbytes));
	/* Build argc..auxv in vec, then place it 16-byte aligned. */
	vec[n++] = (uint32_t)argc;
	for (int i = 0; i < argc; i++)
		vec[n++] = uargv[i];
	vec[n++] = 0;
	for (int i = 0; i < envc; i++)
		vec[n++] = uenvp[i];
	vec[n++] = 0;
#define AUX(t, v) (vec[n++] = (t), vec[n++] = (v))
	AUX(AT_PHDR, phdr);
	AUX(AT_PHENT, sizeof(struct elf32_phdr));
	AUX(AT_PHNUM, eh->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, eh->entry);
	AUX(AT_UID, current->cred.uid);
	AUX(AT_EUID, current->cred.euid);
	AUX(AT_GID, current->cred.gid);
	AUX(AT_EGID, current->cred.egid);
	AUX(AT_HWCAP, 0);
	AUX(AT_CLKTCK, USER_HZ);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, rnd);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	w.top = (w.top - n * 4) & ~15u;
	if (!w.err)
		w.err = mm_space_write(s, w.top, vec, n * 4);
	out->sp = w.top;
	return w.err;
}

void exec_reset_process(struct proc *p, const char *path, vaddr_t brk)
{
	const char *base = strrchr(path, '/');

	static const struct sigaction_k dfl;

	for (int i = 0; i < NSIG; i++)
		if (p->sighand->action[i].handler != SIG_DFL &&
		    p->sighand->action[i].handler != SIG_IGN)
			sighand_set(p, i, &dfl);
	memset(p->tls, 0, sizeof(p->tls));
	p->altstack_sp = p->altstack_size = 0;
	arch_fpu_reset(p->fpu);
	arch_fpu_restore(p->fpu);
	p->clear_child_tid = 0;
	p->robust_list = 0;
	p->undumpable = false;
	files_exec(p);
	p->brk_start = p->brk = brk;
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
}
