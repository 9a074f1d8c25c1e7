/* proc_smaps - /proc/self/smaps as Linux 6.1: each mapping's maps line
 * then its counters; after mlock of 64 pages Rss and Locked are 256 kB
 * (mlock05); three touched pages of an unlocked mapping are 12 kB of
 * Rss and Anonymous, Locked 0; after fork the copy-on-write pages are
 * shared (Pss half of Rss, Shared_Dirty); VmFlags names the protection
 * and "lo"; reading in small pieces gives the same text as in one go;
 * smaps_rollup sums them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "guest.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static char text[256 * 1024];

/* The whole of path, read chunk bytes at a time: its length. */
static size_t slurp(const char *path, size_t chunk)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while (len < sizeof(text) - 1 &&
	       (n = read(fd, text + len, MIN(chunk, sizeof(text) - 1 - len))) >
		   0)
		len += (size_t)n;
	CHECK(n >= 0, "read %s: %s", path, strerror(errno));
	close(fd);
	text[len] = '\0';
	return len;
}

/* Field name (e.g. "Rss:") of the mapping at addr, in kB; the mapping's
 * VmFlags line into flags. */
static long field(void *addr, const char *name, char *flags)
{
	char head[32], *m, *f, *end;

	slurp("/proc/self/smaps", 4096);
	snprintf(head, sizeof(head), "\n%08lx-", (unsigned long)addr);
	m = strstr(text, head);
	if (!m && strncmp(text, head + 1, strlen(head + 1)) == 0)
		m = text - 1;
	CHECK(m, "mapping %p not in smaps", addr);
	end = strstr(m + 1, "VmFlags:");
	CHECK(end, "no VmFlags after %p", addr);
	f = strstr(m + 1, name);
	CHECK(f && f < end, "no %s for %p", name, addr);
	if (flags)
		sscanf(end, "VmFlags: %99[a-z ]", flags);
	return strtol(f + strlen(name), NULL, 10);
}

int main(void)
{
	char flags[100];
	char *a = mmap(NULL, 64 * PAGE, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char *b = map_anon(16 * PAGE);

	CHECK(a != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_SYS(mlock(a, 64 * PAGE));
	CHECK(field(a, "Size:", NULL) == 256, "Size %ld", field(a, "Size:", 0));
	CHECK(field(a, "Rss:", NULL) == 256, "Rss %ld", field(a, "Rss:", 0));
	CHECK(field(a, "Locked:", flags) == 256, "Locked %ld",
	      field(a, "Locked:", 0));
	CHECK(strcmp(flags, "wr mr mw me lo ac ") == 0, "VmFlags '%s'", flags);
	CHECK(field(a, "KernelPageSize:", NULL) == 4, "KernelPageSize");

	b[0] = b[5 * PAGE] = b[9 * PAGE] = 1;
	CHECK(field(b, "Rss:", NULL) == 12, "Rss %ld", field(b, "Rss:", 0));
	CHECK(field(b, "Anonymous:", NULL) == 12, "Anonymous");
	CHECK(field(b, "Private_Dirty:", NULL) == 12, "Private_Dirty");
	CHECK(field(b, "Locked:", flags) == 0, "Locked of unlocked");
	CHECK(strcmp(flags, "rd wr mr mw me ac ") == 0, "VmFlags '%s'", flags);

	int go[2];
	CHECK_SYS(pipe(go));
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		(void)!read(go[0], &c, 1); /* keep the pages shared */
		_exit(0);
	}
	CHECK(pid > 0, "fork");
	CHECK(field(b, "Pss:", NULL) == 6, "Pss after fork %ld",
	      field(b, "Pss:", 0));
	CHECK(field(b, "Shared_Dirty:", NULL) == 12, "Shared_Dirty");
	CHECK(field(b, "Private_Dirty:", NULL) == 0, "Private_Dirty");
	CHECK_SYS(write(go[1], "x", 1));
	CHECK(wait_for(pid) == 0, "child");

	/* Pieces of 100 bytes give the text of one read. */
	static char whole[sizeof(text)];
	memset(whole, 1, sizeof(whole)); /* its pages present from now on */
	memset(text, 1, sizeof(text));
	size_t n1 = slurp("/proc/self/smaps", sizeof(text));
	memcpy(whole, text, n1 + 1);
	size_t n2 = slurp("/proc/self/smaps", 100);
	CHECK(n1 > 4096 && n1 == n2 && memcmp(whole, text, n1) == 0,
	      "pieces differ: %zu vs %zu", n1, n2);

	slurp("/proc/self/smaps_rollup", 4096);
	char *r = strstr(text, "Rss:");
	CHECK(strstr(text, "[rollup]") && r && strtol(r + 4, NULL, 10) >= 268,
	      "rollup: %.150s", text);
	CHECK(strstr(text, "Pss_Anon:"), "rollup without Pss_Anon");
	return 0;
}
