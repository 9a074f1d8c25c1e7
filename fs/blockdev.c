/*
 * blockdev.c - the table of block devices, by name and device number, and
 * transfers checked against each device's size: no caller can make a
 * driver touch a sector past the end.
 */
#include <fs/blockdev.h>
#include <kernel/errno.h>
#include <kernel/string.h>

static struct blockdev *devices[BLOCKDEV_MAX];

void blockdev_reset(void)
{
	memset(devices, 0, sizeof(devices));
}

int blockdev_register(struct blockdev *d)
{
	int slot = -1;

	for (int i = 0; i < BLOCKDEV_MAX; i++) {
		if (devices[i] &&
		    (devices[i] == d || strcmp(devices[i]->name, d->name) == 0))
			return -EEXIST;
		if (!devices[i] && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return -ENOSPC;
	devices[slot] = d;
	return 0;
}

struct blockdev *blockdev_find(const char *name)
{
	for (int i = 0; i < BLOCKDEV_MAX; i++)
		if (devices[i] && strcmp(devices[i]->name, name) == 0)
			return devices[i];
	return NULL;
}

struct blockdev *blockdev_by_rdev(uint32_t rdev)
{
	for (int i = 0; i < BLOCKDEV_MAX; i++)
		if (devices[i] && devices[i]->rdev == rdev)
			return devices[i];
	return NULL;
}

struct blockdev *blockdev_nth(unsigned n)
{
	for (int i = 0; i < BLOCKDEV_MAX; i++)
		if (devices[i] && n-- == 0)
			return devices[i];
	return NULL;
}

static bool in_range(const struct blockdev *d, uint64_t sector, uint32_t n)
{
	return sector <= d->nsectors && n <= d->nsectors - sector;
}

int blockdev_read(struct blockdev *d, uint64_t sector, uint32_t count,
		  void *buf)
{
	if (!in_range(d, sector, count))
		return -EINVAL;
	return count ? d->ops->read(d, sector, count, buf) : 0;
}

int blockdev_write(struct blockdev *d, uint64_t sector, uint32_t count,
		   const void *buf)
{
	if (!in_range(d, sector, count))
		return -EINVAL;
	return count ? d->ops->write(d, sector, count, buf) : 0;
}

int blockdev_flush(struct blockdev *d)
{
	return d->ops->flush ? d->ops->flush(d) : 0;
}

int blockdev_writev(struct blockdev *d, uint64_t sector, uint32_t count,
		    void *const *segs, uint32_t seg)
{
	if (!in_range(d, sector, count))
		return -EINVAL;
	if (!seg || seg > PAGE_SIZE / BLOCKDEV_SECTOR || (seg & (seg - 1)))
		return -EINVAL;
	if (d->ops->writev && count)
		return d->ops->writev(d, sector, count, segs, seg);
	for (uint32_t i = 0; count; i++) {
		uint32_t n = MIN(count, seg);
		int err = d->ops->write(d, sector, n, segs[i]);

		if (err)
			return err;
		sector += n;
		count -= n;
	}
	return 0;
}
