/* exec.h - pieces of execve shared between kernel/exec*.c. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <kernel/elf.h>
#include <kernel/proc.h>
#include <kernel/user_layout.h>

#define EXEC_ARGS_MAX (32u << 10) /* bytes of argv + envp strings */
#define EXEC_ARGV_MAX 63	  /* strings in argv, and in envp */
#define EXEC_PATH_MAX 256	  /* bytes of the program's path */
#define EXEC_SCRIPT_LINE 255	  /* "#!" line read, as Linux's BINPRM_BUF */
#define EXEC_SCRIPT_DEPTH 4	  /* scripts running scripts */

struct mm_space;

/* Where exec_build_stack put things: the initial stack pointer and the
 * argument strings [arg_start, arg_end) (/proc/PID/cmdline). */
struct exec_stack {
	uint32_t sp, arg_start, arg_end, env_end; /* env: [arg_end, env_end) */
};

/* Map the stack of the new image and write argc, argv, envp and the
 * auxiliary vector. */
long exec_build_stack(struct mm_space *s, const char *path, char *const argv[],
		      int argc, char *const envp[], int envc,
		      const struct elf32_ehdr *eh, vaddr_t phdr,
		      struct exec_stack *out);
/* What exec resets in the process: handlers, TLS, close-on-exec files,
 * brk, name. */
void exec_reset_process(struct proc *p, const char *path, vaddr_t brk);

#endif
