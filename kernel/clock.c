/*
 * clock.c - the wall clock: the real-time clock read once at boot, then
 * advanced by the timer tick. CLOCK_REALTIME, time() and gettimeofday()
 * read it; file systems stamp inodes with fs_clock_now().
 */
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/clock.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

static uint64_t boot_seconds; /* wall clock at tick 0 */

void clock_init(void)
{
	boot_seconds = arch_rtc_seconds();
	printk("Clock: %llu seconds since the epoch\n",
	       (unsigned long long)boot_seconds);
}

void clock_realtime(uint64_t *sec, uint32_t *nsec)
{
	uint64_t t = sched_ticks();

	*sec = boot_seconds + t / HZ;
	*nsec = (uint32_t)(t % HZ) * (1000000000u / HZ);
}

uint32_t fs_clock_now(void)
{
	return (uint32_t)(boot_seconds + sched_ticks() / HZ);
}
