/*
 * clock.c - the wall clock: the real-time clock read once at boot, then
 * advanced by the timer tick. CLOCK_REALTIME, time() and gettimeofday()
 * read it; file systems stamp inodes with fs_clock_now(). The CPU-time
 * clocks count the ticks charged to the process.
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

/* The wall clocks (REALTIME, its coarse and alarm forms, TAI) start at
 * the RTC's time; the others count from boot. */
static bool is_wall_clock(uint32_t clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE ||
	       clk == CLOCK_REALTIME_ALARM || clk == CLOCK_TAI;
}

/* The CPU-time clocks read the current process's ticks (user and
 * kernel); the others the tick count. */
void clock_read(uint32_t clk, uint64_t *sec, uint32_t *nsec)
{
	uint64_t t = sched_ticks();

	if (current &&
	    (clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID))
		t = (uint64_t)current->utime + current->stime;

	*sec = (is_wall_clock(clk) ? boot_seconds : 0) + t / HZ;
	*nsec = (uint32_t)(t % HZ) * (NSEC_PER_SEC / HZ);
}

uint64_t clock_offset_ticks(uint32_t clk)
{
	return is_wall_clock(clk) ? boot_seconds * HZ : 0;
}

uint32_t fs_clock_now(void)
{
	return (uint32_t)(boot_seconds + sched_ticks() / HZ);
}
