/*
 * writeback.c - the block cache and the page cache in the running kernel:
 * started at boot with the sizes and level 2 the command line asks for
 * (bcache.size= in KiB, default 512; pcache.size= in KiB of unmapped file
 * pages, default half of memory; bcache.l2=0 turns level 2 off for both), and
 * flushed periodically so that dirty data older than BCACHE_FLUSH_AGE
 * seconds reaches the disk without any call (file pages first: their
 * write-back may dirty metadata).
 *
 * The kernel has no threads of its own, and the flush sleeps on the disk,
 * so it never runs in the timer interrupt: the tick only marks a flush due
 * once a second, and the next process on its way back to user mode runs
 * it (process context, nothing held). The cache itself skips a flush while
 * another process is inside its I/O.
 */
#include <fs/bcache.h>
#include <fs/vfs/pagecache.h>
#include <fs/fsclock.h>
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/phys.h>

#define BCACHE_DEFAULT_KIB 512u

static volatile bool flush_due;

/* A decimal option, or def when absent or not a number. */
static unsigned long option_ulong(const char *key, unsigned long def)
{
	char arg[16];
	unsigned long v = 0;

	if (!cmdline_get(key, arg, sizeof(arg)) || !arg[0])
		return def;
	for (const char *p = arg; *p; p++) {
		if (*p < '0' || *p > '9')
			return def;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v;
}

void writeback_init(void)
{
	unsigned long kib = option_ulong("bcache.size", BCACHE_DEFAULT_KIB);
	unsigned long nbufs = kib * 1024 / PAGE_SIZE;
	bool l2 = option_ulong("bcache.l2", 1) != 0;

	struct phys_stats ps;
	unsigned long pc_kib;

	/* Half of memory by default: the shrinker gives clean pages back
	 * when programs need them. */
	phys_get_stats(&ps);
	pc_kib = option_ulong("pcache.size",
			      MAX(ps.total / 2, PCACHE_DEFAULT_PAGES) *
				  (PAGE_SIZE / 1024));

	bcache_init(nbufs ? nbufs : 1);
	bcache_set_l2(l2);
	pcache_init(pc_kib * 1024 / PAGE_SIZE);
	pcache_set_l2(l2);
	printk("bcache: level 1 %lu buffers (%lu KiB), level 2 %s; page cache "
	       "%lu KiB unmapped\n",
	       nbufs ? nbufs : 1, kib, l2 ? "on" : "off", pc_kib);
}

void writeback_tick(uint64_t ticks)
{
	if (ticks % HZ == 0)
		flush_due = true;
}

void writeback_run(void)
{
	if (!flush_due)
		return;
	flush_due = false;
	pcache_flush_old(fs_clock_now(), BCACHE_FLUSH_AGE);
	bcache_flush_old(fs_clock_now(), BCACHE_FLUSH_AGE);
}
