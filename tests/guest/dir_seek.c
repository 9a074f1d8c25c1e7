/* dir_seek - getdents64's d_off is a real directory position: lseek to an
 * entry's d_off and the next getdents64 starts with the entry after it,
 * across getdents calls (small buffers), in a directory of the root file
 * system (ramfs, or ext2 when the root is on disk) and in /proc; glibc's
 * telldir/seekdir, built on d_off, agree. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "guest.h"

#define DIR_A "/tmp/dir_seek"
#define NFILES 300
#define MAXENT 1024

struct listing {
	int n;
	long long off[MAXENT];
	char name[MAXENT][64];
};

struct dirent64_rec {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Read the rest of fd with getdents64 in buf_size chunks into l. */
static void list_from(int fd, size_t buf_size, struct listing *l)
{
	static char buf[4096];

	l->n = 0;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, buf_size);

		CHECK(n >= 0, "getdents64: %s", strerror(errno));
		if (n == 0)
			return;
		for (long at = 0; at < n;) {
			struct dirent64_rec *d = (void *)(buf + at);

			CHECK(l->n < MAXENT, "more than %d entries", MAXENT);
			l->off[l->n] = d->off;
			snprintf(l->name[l->n], sizeof(l->name[0]), "%.63s",
				 d->name);
			l->n++;
			at += d->reclen;
		}
	}
}

/* For entries spread over the listing: seeking to entry i's d_off gives
 * entry i + 1 first (or the end after the last). */
static void check_offsets(const char *path, size_t buf_size)
{
	static struct listing all, rest;
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	list_from(fd, buf_size, &all);
	CHECK(all.n >= 2, "%s: %d entries", path, all.n);
	for (int i = 0; i < all.n; i += 1 + all.n / 23) {
		CHECK(lseek(fd, all.off[i], SEEK_SET) == all.off[i],
		      "%s: lseek to %lld: %s", path, all.off[i],
		      strerror(errno));
		list_from(fd, buf_size, &rest);
		CHECK(rest.n == all.n - i - 1,
		      "%s: after entry %d (%s, d_off %lld) %d entries, not %d",
		      path, i, all.name[i], all.off[i], rest.n, all.n - i - 1);
		if (rest.n)
			CHECK(!strcmp(rest.name[0], all.name[i + 1]),
			      "%s: after %s came %s, not %s", path, all.name[i],
			      rest.name[0], all.name[i + 1]);
	}
	close(fd);
}

/* telldir after each readdir, seekdir back to a middle one. */
static void check_seekdir(const char *path)
{
	DIR *d = opendir(path);
	static long pos[MAXENT];
	static char names[MAXENT][64];
	struct dirent *e;
	int n = 0;

	CHECK(d, "opendir %s: %s", path, strerror(errno));
	while ((e = readdir(d)) && n < MAXENT) {
		snprintf(names[n], sizeof(names[0]), "%.63s", e->d_name);
		pos[n++] = telldir(d);
	}
	CHECK(n > 10, "%s: %d entries", path, n);
	seekdir(d, pos[n / 2]);
	e = readdir(d);
	CHECK(e && !strcmp(e->d_name, names[n / 2 + 1]),
	      "%s: seekdir to after %s read %.40s, not %s", path, names[n / 2],
	      e ? e->d_name : "(end)", names[n / 2 + 1]);
	closedir(d);
}

static void cleanup(void)
{
	char name[96];

	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), DIR_A "/entry-%03d-%0*d", i,
			 i % 40, 0);
		unlink(name);
	}
	rmdir(DIR_A);
}

int main(void)
{
	char name[96];

	cleanup();
	mkdir("/tmp", 01777);
	CHECK_SYS(mkdir(DIR_A, 0755));
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), DIR_A "/entry-%03d-%0*d", i,
			 i % 40, 0);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);

		CHECK(fd >= 0, "create %s: %s", name, strerror(errno));
		close(fd);
	}
	/* Names of varying length: several getdents calls per listing. */
	check_offsets(DIR_A, 512);
	check_offsets(DIR_A, 4096);
	check_offsets("/proc", 256);
	check_seekdir(DIR_A);
	cleanup();
	return 0;
}
