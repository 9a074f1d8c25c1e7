/* oom.h - the out-of-memory policy (kernel/oom.c). */
#ifndef KERNEL_OOM_H
#define KERNEL_OOM_H

#include <kernel/types.h>

/* A fault of the current process at addr found no memory: kill the
 * biggest user process (init only when alone). True if that is the
 * current process; false if another was chosen (the current process has
 * yielded the CPU and retries its fault). */
bool oom_kill(uint32_t addr);

#endif
