/* clock.h - the wall clock (kernel/clock.c). */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <kernel/types.h>

/* Read the real-time clock (at boot). */
void clock_init(void);
#define CLOCK_REALTIME 0
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_TAI 11

/* Clock clk (a Linux clock id) now. */
void clock_read(uint32_t clk, uint64_t *sec, uint32_t *nsec);
/* Ticks from clk's zero to boot (for absolute timeouts on it). */
uint64_t clock_offset_ticks(uint32_t clk);

#endif
