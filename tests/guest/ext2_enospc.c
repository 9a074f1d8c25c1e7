/*
 * ext2_enospc - the small ext2 disk filled up: writes end in ENOSPC (a
 * short count first), file creation in ENOSPC once the inodes or blocks
 * are gone, nothing written before is damaged, and after deleting the
 * files the space is all back and writing works again.
 */
#include "ext2_disk.h"

#define CHUNK 4096
#define MAX_FILES 4096

static char dir[96];
static int nfiles;

static void cleanup(void)
{
	char path[160];

	for (int i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	ext2_umount();
}

/* Fill file i with its pattern until the disk is full: bytes written. */
static long long fill_file(int fd, int i, int *full)
{
	char buf[CHUNK];
	long long total = 0;

	memset(buf, 'a' + i % 26, sizeof buf);
	for (;;) {
		ssize_t n = write(fd, buf, sizeof buf);

		if (n < 0) {
			CHECK(errno == ENOSPC, "write: %s", strerror(errno));
			*full = 1;
			return total;
		}
		total += n;
		if (n < (ssize_t)sizeof buf || total >= 256 * 1024)
			return total;
	}
}

static void check_file(int i, long long size)
{
	char path[160], buf[CHUNK];
	long long got = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/f%d", dir, i);
	fd = open(path, O_RDONLY);
	CHECK_SYS(fd);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t k = 0; k < n; k++)
			CHECK(buf[k] == 'a' + i % 26, "file %d damaged at %lld",
			      i, got + k);
		got += n;
	}
	close(fd);
	CHECK(got == size, "file %d: %lld bytes, wrote %lld", i, got, size);
}

int main(void)
{
	static long long sizes[MAX_FILES];
	long long before;
	char path[160];
	int full = 0;

	guest_cleanup = cleanup;
	ext2_mount("small");
	snprintf(dir, sizeof dir, "%s/ext2_enospc", ext2_mnt);
	before = ext2_free_blocks();
	CHECK_SYS(mkdir(dir, 0755));
	while (!full && nfiles < MAX_FILES) {
		int fd;

		snprintf(path, sizeof path, "%s/f%d", dir, nfiles);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0) {
			CHECK(errno == ENOSPC, "create: %s", strerror(errno));
			break;
		}
		sizes[nfiles] = fill_file(fd, nfiles, &full);
		nfiles++;
		CHECK_SYS(close(fd));
	}
	CHECK(nfiles < MAX_FILES, "the small disk never filled up");
	CHECK(ext2_free_blocks() < 16, "still %lld blocks free when full",
	      ext2_free_blocks());
	for (int i = 0; i < nfiles; i++)
		check_file(i, sizes[i]);
	cleanup();
	ext2_mount("small");
	CHECK(ext2_free_blocks() == before, "free blocks %lld, were %lld",
	      ext2_free_blocks(), before);
	nfiles = 0;
	CHECK_SYS(mkdir(dir, 0755));
	snprintf(path, sizeof path, "%s/f0", dir);
	nfiles = 1;
	{
		int fd = open(path, O_CREAT | O_WRONLY, 0644);

		CHECK_SYS(fd);
		sizes[0] = fill_file(fd, 0, &full);
		CHECK(sizes[0] == 256 * 1024, "writing after recovery: %lld",
		      sizes[0]);
		close(fd);
	}
	check_file(0, sizes[0]);
	cleanup();
	return 0;
}
