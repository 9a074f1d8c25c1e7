/*
 * host_bcache.c - host benchmark of the two-level block cache over a RAM
 * disk: a 16 MiB "file" (4 KiB blocks) read three times with a 512 KiB
 * level 1, level 2 on and off: blocks read from the disk, the level-2 hit
 * rate and nanoseconds per MiB each pass; and the cache's own cost per
 * block on a warm pass (take on the miss, yield on the eviction) beside a
 * 4 KiB memcpy. The RAM disk's transfers are memcpy, so a cold pass costs
 * what the copies cost: the point is the disk reads and the overhead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/hooks.h>
#include <fs/bcache.h>
#include <mm/phys.h>

#define FILE_BLOCKS 4096u /* 16 MiB */
#define L1_BUFS 128u	  /* 512 KiB */

static unsigned char *disk;

static int ram_read(struct blockdev *d, uint64_t sector, uint32_t count,
		    void *buf)
{
	(void)d;
	memcpy(buf, disk + sector * 512, (size_t)count * 512);
	return 0;
}

static int ram_write(struct blockdev *d, uint64_t sector, uint32_t count,
		     const void *buf)
{
	(void)d;
	memcpy(disk + sector * 512, buf, (size_t)count * 512);
	return 0;
}

static const struct blockdev_ops ram_ops = {.read = ram_read,
					    .write = ram_write};

/* One pass over the file: ns per MiB; *reads and *hits its counters. */
static double one_pass(struct blockdev *dev, uint64_t *reads, uint64_t *hits)
{
	struct bcache_stats s0, s1;
	uint64_t t0;
	unsigned sum = 0;

	bcache_get_stats(&s0);
	t0 = arch_cycles();
	for (uint32_t n = 0; n < FILE_BLOCKS; n++) {
		struct buf *b = bread(dev, n, 4096);

		if (!b)
			return -1;
		sum += ((unsigned char *)b->data)[n % 4096];
		brelse(b);
	}
	t0 = arch_cycles() - t0;
	bcache_get_stats(&s1);
	*reads = s1.reads - s0.reads;
	*hits = s1.l2_hits - s0.l2_hits;
	return sum == ~0u ? -1
			  : (double)t0 / (FILE_BLOCKS * 4096.0 / (1 << 20));
}

static void passes(struct blockdev *dev, bool l2)
{
	bcache_init(L1_BUFS);
	bcache_set_l2(l2);
	for (int pass = 1; pass <= 3; pass++) {
		uint64_t reads, hits;
		double ns = one_pass(dev, &reads, &hits);

		printf("level 2 %-3s pass %d   %10llu %9.1f%% %12.0f\n",
		       l2 ? "on" : "off", pass, (unsigned long long)reads,
		       100.0 * (double)hits / FILE_BLOCKS, ns);
	}
	binval_dev(dev);
	bcache_set_l2(true);
}

static double memcpy_ns(void)
{
	static unsigned char a[4096], b[4096];
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < 100000; i++) {
		memcpy(a, b, sizeof(a));
		__asm__ volatile("" : : "r"(a) : "memory");
	}
	return (double)(arch_cycles() - t0) / 100000;
}

void bench_bcache(void)
{
	struct blockdev dev = {.ops = &ram_ops, .name = "ram0"};
	uint64_t reads, hits;

	disk = malloc((size_t)FILE_BLOCKS * 4096);
	for (size_t i = 0; i < (size_t)FILE_BLOCKS * 4096; i++)
		disk[i] = (unsigned char)(i * 31 / 4096);
	dev.sector_size = 512;
	dev.nsectors = FILE_BLOCKS * 8u;
	printf("\n%-22s %10s %10s %12s\n", "block cache (16 MiB)", "disk reads",
	       "l2 hits", "ns/MiB");
	passes(&dev, true);
	passes(&dev, false);
	bcache_init(L1_BUFS);
	one_pass(&dev, &reads, &hits);
	printf("%-34s %10.1f\n", "warm bread+brelse (l2 take+yield), ns",
	       one_pass(&dev, &reads, &hits) / 256);
	printf("%-34s %10.1f\n", "4 KiB memcpy, ns", memcpy_ns());
	binval_dev(&dev);
	free(disk);
}
