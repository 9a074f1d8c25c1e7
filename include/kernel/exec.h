/* exec.h - pieces of execve shared between kernel/exec*.c. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <kernel/elf.h>
#include <kernel/proc.h>

#define EXEC_STACK_TOP 0xC0000000u
#define EXEC_STACK_SIZE (128u << 10)      /* mapped at exec */
#define EXEC_STACK_MAX (8u << 20)          /* grows on demand down to this */
#define EXEC_STACK_LIMIT (EXEC_STACK_TOP - EXEC_STACK_MAX)
#define EXEC_ARGS_MAX (32u << 10)          /* argv + envp strings */

struct mm_space;

/* Map the stack of the new image and write argc, argv, envp and the
 * auxiliary vector; *sp gets the initial stack pointer. */
long exec_build_stack(struct mm_space *s, const char *path,
		      char *const argv[], int argc, char *const envp[],
		      int envc, const struct elf32_ehdr *eh, vaddr_t phdr,
		      uint32_t *sp);
/* What exec resets in the process: handlers, TLS, close-on-exec files,
 * brk, name. */
void exec_reset_process(struct proc *p, const char *path, vaddr_t brk);

#endif
