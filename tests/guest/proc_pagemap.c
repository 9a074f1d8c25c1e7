/* proc_pagemap - /proc/self/pagemap as Linux: 8 bytes per virtual page
 * at offset va / 4096 * 8 (lseek works); bit 63 for a present page and
 * 0 for one never touched or unmapped, bit 61 for a file or shared
 * memory page but not a private anonymous one, bit 56 for a page mapped
 * once (not after fork shares it), the page frame number to root only;
 * offsets and sizes not a multiple of 8 are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "guest.h"

#define PRESENT (1ull << 63)
#define FILEPG (1ull << 61)
#define EXCL (1ull << 56)
#define PFN ((1ull << 55) - 1)

static uint64_t entry(int fd, void *va)
{
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)va / PAGE * 8);

	CHECK(lseek(fd, off, SEEK_SET) == off, "lseek: %s", strerror(errno));
	CHECK(read(fd, &e, 8) == 8, "read: %s", strerror(errno));
	return e;
}

static void as_user(void *arg)
{
	char *a = arg;
	int fd;

	if (setuid(1000))
		_exit(3);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		_exit(4);
	uint64_t e = entry(fd, a);
	_exit((e & PRESENT) && !(e & PFN) ? 0 : 5);
}

int main(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	char *a = map_anon(4 * PAGE);
	uint64_t e[4];

	CHECK(fd >= 0, "open: %s", strerror(errno));
	a[0] = 1;
	a[2 * PAGE] = 1;
	for (int i = 0; i < 4; i++)
		e[i] = entry(fd, a + i * PAGE);
	CHECK((e[0] & PRESENT) && (e[2] & PRESENT), "touched: %llx %llx",
	      (unsigned long long)e[0], (unsigned long long)e[2]);
	CHECK(e[1] == 0 && e[3] == 0, "untouched: %llx %llx",
	      (unsigned long long)e[1], (unsigned long long)e[3]);
	CHECK(!(e[0] & FILEPG) && (e[0] & EXCL), "anon bits %llx",
	      (unsigned long long)e[0]);
	CHECK((e[0] & PFN) && (e[0] & PFN) != (e[2] & PFN), "pfns %llx %llx",
	      (unsigned long long)e[0], (unsigned long long)e[2]);

	/* Several entries in one read, from the right offset. */
	uint64_t many[4];
	off_t off = (off_t)((uintptr_t)a / PAGE * 8);
	CHECK(pread(fd, many, sizeof(many), off) == sizeof(many), "pread");
	CHECK(memcmp(many, e, sizeof(e)) == 0, "pread differs");
	CHECK_ERR(pread(fd, many, 8, off + 4), EINVAL);
	CHECK_ERR(pread(fd, many, 12, off), EINVAL);

	/* Shared memory is "file"; fork shares the private pages. */
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED, "mmap shared");
	s[0] = 1;
	CHECK(entry(fd, s) & FILEPG, "shared page not file/shared");
	int go[2];
	CHECK_SYS(pipe(go));
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	CHECK(pid > 0, "fork");
	CHECK(!(entry(fd, a) & EXCL), "shared COW page is exclusive");
	CHECK_SYS(write(go[1], "x", 1));
	CHECK(wait_for(pid) == 0, "child");

	CHECK_SYS(munmap(a, 4 * PAGE));
	CHECK(entry(fd, a) == 0, "unmapped page present");
	expect_ok(as_user, s, "PFN hidden from a user");
	return 0;
}
