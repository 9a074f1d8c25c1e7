/*
 * fsclock.h - wall-clock time for file system timestamps. The kernel
 * implements it from the RTC; the host tests with time(NULL).
 */
#ifndef FS_FSCLOCK_H
#define FS_FSCLOCK_H

#include <kernel/types.h>

/* Seconds since 1970-01-01 00:00 UTC. */
uint32_t fs_clock_now(void);

#endif
