/* clock.h - the wall clock (kernel/clock.c). */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <kernel/types.h>

/* Read the real-time clock (at boot). */
void clock_init(void);
/* CLOCK_REALTIME now. */
void clock_realtime(uint64_t *sec, uint32_t *nsec);

#endif
