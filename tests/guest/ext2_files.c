/*
 * ext2_files - regular files on the ext2 scratch disk: data at every
 * indirection boundary (the last direct block, the first single, double
 * and triple indirect ones) with holes between, appends, truncate down
 * and up, an unlinked file that stays readable while open and gives its
 * blocks back at the last close, hard links, fast and slow symlinks,
 * writes whose source is a mapping of the same file (faulted in outside
 * the file system's lock) or runs into an unmapped page, and what
 * survives an unmount and mount (data, mode, owner, times).
 */
#define _FILE_OFFSET_BITS 64
#include "ext2_disk.h"

static char dir[96];
static long bsize;

static void cleanup(void)
{
	char path[160];
	static const char *const names[] = {"big",  "app",  "gone", "l1", "l2",
					    "fast", "slow", "keep", "src"};

	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	ext2_umount();
}

/* A block of bytes that says which block it is. */
static void fill(char *buf, long long blk)
{
	for (long i = 0; i < bsize; i++)
		buf[i] = (char)(blk * 7 + i % 251);
}

static void test_boundaries(long long before)
{
	long long p = bsize / 4;
	long long at[] = {
	    0, 11, 12, 12 + p - 1, 12 + p, 12 + p + p * p - 1, 12 + p + p * p};
	char path[160], *buf = malloc((size_t)bsize),
			*want = malloc((size_t)bsize);
	struct stat st;
	int fd;

	snprintf(path, sizeof path, "%s/big", dir);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_SYS(fd);
	for (unsigned i = 0; i < sizeof at / sizeof at[0]; i++) {
		fill(buf, at[i]);
		CHECK(pwrite(fd, buf, (size_t)bsize, at[i] * bsize) == bsize,
		      "pwrite block %lld: %s", at[i], strerror(errno));
	}
	CHECK_SYS(fsync(fd));
	CHECK_SYS(fstat(fd, &st));
	CHECK(st.st_size == (at[6] + 1) * bsize, "size %lld",
	      (long long)st.st_size);
	CHECK(st.st_blocks < 64 * (bsize / 512), "sparse file has %lld sectors",
	      (long long)st.st_blocks);
	for (unsigned i = 0; i < sizeof at / sizeof at[0]; i++) {
		fill(want, at[i]);
		CHECK(pread(fd, buf, (size_t)bsize, at[i] * bsize) == bsize &&
			  !memcmp(buf, want, (size_t)bsize),
		      "block %lld read back wrong", at[i]);
	}
	memset(want, 0, (size_t)bsize);
	CHECK(pread(fd, buf, (size_t)bsize, 5 * bsize) == bsize &&
		  !memcmp(buf, want, (size_t)bsize),
	      "a hole does not read as zeros");
	CHECK_SYS(ftruncate(fd, 13 * bsize));
	CHECK(pread(fd, buf, (size_t)bsize, 20 * bsize) == 0,
	      "data past a truncate");
	CHECK_SYS(ftruncate(fd, 100 * bsize));
	CHECK(pread(fd, buf, (size_t)bsize, 50 * bsize) == bsize &&
		  !memcmp(buf, want, (size_t)bsize),
	      "truncate up does not read as zeros");
	fill(want, 12);
	CHECK(pread(fd, buf, (size_t)bsize, 12 * bsize) == bsize &&
		  !memcmp(buf, want, (size_t)bsize),
	      "block 12 lost by truncate");
	close(fd);
	CHECK_SYS(unlink(path));
	CHECK(ext2_free_blocks() == before, "free blocks %lld, were %lld",
	      ext2_free_blocks(), before);
	free(buf);
	free(want);
}

static void test_append_and_unlink(long long before)
{
	char path[160], buf[64];
	int fd, fd2;

	snprintf(path, sizeof path, "%s/app", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_APPEND, 0600);
	CHECK_SYS(fd);
	CHECK(write(fd, "abc", 3) == 3, "append 1");
	CHECK_SYS(lseek(fd, 0, SEEK_SET));
	CHECK(write(fd, "def", 3) == 3, "append 2");
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(read(fd, buf, sizeof buf) == 6 && !memcmp(buf, "abcdef", 6),
	      "O_APPEND wrote in the middle");
	close(fd);

	snprintf(path, sizeof path, "%s/gone", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	CHECK_SYS(fd);
	for (int i = 0; i < 64; i++)
		CHECK(write(fd, buf, sizeof buf) == sizeof buf, "write");
	fd2 = dup(fd);
	CHECK_SYS(unlink(path));
	CHECK(pread(fd, buf, 6, 0) == 6 && !memcmp(buf, "abcdef", 6),
	      "unlinked open file unreadable");
	close(fd);
	CHECK(ext2_free_blocks() < before, "blocks freed before last close");
	close(fd2);
	snprintf(path, sizeof path, "%s/app", dir);
	CHECK_SYS(unlink(path));
	CHECK(ext2_free_blocks() == before, "blocks of the unlinked file kept");
}

static void test_links(void)
{
	char a[160], b[160], target[300], got[300];
	struct stat st;

	snprintf(a, sizeof a, "%s/l1", dir);
	snprintf(b, sizeof b, "%s/l2", dir);
	CHECK_SYS(close(open(a, O_CREAT | O_WRONLY, 0644)));
	CHECK_SYS(link(a, b));
	CHECK_SYS(stat(a, &st));
	CHECK(st.st_nlink == 2, "nlink %d after link", (int)st.st_nlink);
	CHECK_SYS(unlink(a));
	CHECK_SYS(stat(b, &st));
	CHECK(st.st_nlink == 1, "nlink %d after unlink", (int)st.st_nlink);
	snprintf(a, sizeof a, "%s/fast", dir);
	CHECK_SYS(symlink("short/target", a));
	CHECK(readlink(a, got, sizeof got) == 12 &&
		  !memcmp(got, "short/target", 12),
	      "fast symlink");
	memset(target, 'x', 200);
	target[200] = '\0';
	snprintf(a, sizeof a, "%s/slow", dir);
	CHECK_SYS(symlink(target, a));
	CHECK(readlink(a, got, sizeof got) == 200 && !memcmp(got, target, 200),
	      "slow symlink");
	CHECK_SYS(lstat(a, &st));
	CHECK(S_ISLNK(st.st_mode) && st.st_size == 200, "slow symlink stat");
}

static void test_remount(void)
{
	struct timespec ts[2] = {{1500000000, 0}, {1600000000, 0}};
	char path[160], buf[16], dev[32];
	struct stat st;
	int fd;

	snprintf(path, sizeof path, "%s/keep", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0640);
	CHECK_SYS(fd);
	CHECK(write(fd, "persist", 7) == 7, "write keep");
	close(fd);
	CHECK_SYS(chown(path, 1000, 100));
	CHECK_SYS(chmod(path, 0604));
	CHECK_SYS(utimensat(AT_FDCWD, path, ts, 0));
	CHECK_SYS(umount(ext2_mnt));
	CHECK(ext2_find_disk("scratch", dev, sizeof dev), "disk gone");
	CHECK_SYS(mount(dev, ext2_mnt, "ext2", 0, NULL));
	CHECK_SYS(stat(path, &st));
	CHECK(st.st_uid == 1000 && st.st_gid == 100 &&
		  (st.st_mode & 07777) == 0604,
	      "owner or mode lost: %d %d %o", (int)st.st_uid, (int)st.st_gid,
	      st.st_mode & 07777);
	CHECK(st.st_mtime == 1600000000 && st.st_atime == 1500000000,
	      "times lost");
	fd = open(path, O_RDONLY);
	CHECK(read(fd, buf, sizeof buf) == 7 && !memcmp(buf, "persist", 7),
	      "data lost across a remount");
	close(fd);
}

/* write() from memory that is not there yet: a mapping of the file
 * itself (its pages come in through the file system the write holds),
 * and a buffer whose third page is unmapped (the bytes before it). */
static void test_write_from_mapping(void)
{
	char path[160];
	int fd;
	char *m, *buf;

	snprintf(path, sizeof path, "%s/src", dir);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_SYS(fd);
	buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap failed");
	for (size_t i = 0; i < 4 * PAGE; i++)
		buf[i] = (char)(i % 253);
	CHECK(write(fd, buf, 4 * PAGE) == (ssize_t)(4 * PAGE), "write failed");
	m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap of the file failed");
	CHECK(pwrite(fd, m, 2 * PAGE, 2 * PAGE) == (ssize_t)(2 * PAGE),
	      "write from the file's own mapping failed");
	CHECK(pread(fd, buf, 2 * PAGE, 2 * PAGE) == (ssize_t)(2 * PAGE) &&
		  memcmp(buf, m, 2 * PAGE) == 0,
	      "write from the file's own mapping wrote other bytes");
	CHECK_SYS(munmap(m, 2 * PAGE));
	CHECK_SYS(munmap(buf + 2 * PAGE, PAGE));
	CHECK(pwrite(fd, buf, 4 * PAGE, 4 * PAGE) == (ssize_t)(2 * PAGE),
	      "write into an unmapped page: not the bytes before it");
	CHECK(lseek(fd, 0, SEEK_END) == (off_t)(6 * PAGE), "size after it");
	CHECK_SYS(close(fd));
	munmap(buf, 2 * PAGE);
	munmap(buf + 3 * PAGE, PAGE);
}

int main(void)
{
	struct statfs sf;
	long long before;

	guest_cleanup = cleanup;
	ext2_mount("scratch");
	snprintf(dir, sizeof dir, "%s/ext2_files", ext2_mnt);
	cleanup();
	ext2_mount("scratch");
	CHECK_SYS(mkdir(dir, 0755));
	CHECK_SYS(statfs(dir, &sf));
	CHECK((unsigned)sf.f_type == EXT2_SUPER_MAGIC, "f_type %lx",
	      (unsigned long)sf.f_type);
	bsize = (long)sf.f_bsize;
	before = ext2_free_blocks();
	test_boundaries(before);
	test_append_and_unlink(before);
	test_links();
	test_write_from_mapping();
	test_remount();
	cleanup();
	return 0;
}
