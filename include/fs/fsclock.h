/* fsclock.h - the time file systems stamp inodes with: seconds since the
 * epoch. The kernel implements it from its wall clock (kernel/clock.c),
 * the host tests from time(). */
#ifndef FS_FSCLOCK_H
#define FS_FSCLOCK_H

#include <kernel/types.h>

uint32_t fs_clock_now(void);

#endif
