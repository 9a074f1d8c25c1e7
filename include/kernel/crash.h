/* crash.h - deliberate faults for negative tests (crash=pf|div|slab|sanity). */
#ifndef KERNEL_CRASH_H
#define KERNEL_CRASH_H

#include <kernel/types.h>

/* Run the named crash; returns false if there is none (or it did not crash). */
bool crash_run(const char *name);

#endif
