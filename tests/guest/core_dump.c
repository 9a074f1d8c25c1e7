/* core_dump - a signal whose default action dumps core writes "core" in
 * the working directory as Linux's ELF core files are made: ET_CORE for
 * i386, an NT_PRSTATUS note with the signal and the registers, a PT_LOAD
 * per mapping holding its pages (an untouched page reads as zeros, a
 * MADV_DONTDUMP range has no bytes), and the wait status says WCOREDUMP
 * (SIGCHLD's CLD_DUMPED). With RLIMIT_CORE 0, or after
 * PR_SET_DUMPABLE 0, nothing is written and WCOREDUMP is clear.
 * /proc/sys/kernel/core_pattern names the file (%p, %s) and
 * /proc/self/coredump_filter (0x33 by default) can leave anonymous
 * memory out. */
#include <elf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "guest.h"

#define DIR_ "/tmp/core_dump"

static char *mem, *hidden;

static char named[64];

static void put(const char *path, const char *text)
{
	CHECK(guest_write_text(path, text) == 0, "write %s", path);
}

static void cleanup(void)
{
	put("/proc/sys/kernel/core_pattern", "core");
	unlink(DIR_ "/core");
	if (named[0])
		unlink(named);
	rmdir(DIR_);
}

/* A child that dies of SIGSEGV with core limit lim (dumpable or not),
 * its coredump_filter set to filter unless NULL; its pid in *child. */
static int crash_as(rlim_t lim, int dumpable, const char *filter, pid_t *child)
{
	struct rlimit r = {lim, RLIM_INFINITY};
	pid_t pid = fork();
	int st;

	CHECK_SYS(pid);
	if (pid == 0) {
		if (setrlimit(RLIMIT_CORE, &r) || chdir(DIR_) ||
		    prctl(PR_SET_DUMPABLE, dumpable))
			_exit(1);
		if (filter)
			put("/proc/self/coredump_filter", filter);
		strcpy(mem, "first page");
		strcpy(mem + 2 * PAGE, "third page");
		strcpy(hidden, "secret");
		*(volatile int *)0 = 1;
		_exit(2);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
	if (child)
		*child = pid;
	return st;
}

static int crash(rlim_t lim, int dumpable)
{
	return crash_as(lim, dumpable, NULL, NULL);
}

/* The core file at path: its program headers' PT_LOAD for va, the
 * note's signal, the bytes at the mapping's offset (none: no_anon). */
static void check_core(const char *path, int no_anon)
{
	static char buf[8192], data[3 * PAGE];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	Elf32_Ehdr *e = (Elf32_Ehdr *)buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*e));
	int found = 0;

	CHECK(n > (ssize_t)sizeof(*e), "core file: %zd bytes", n);
	CHECK(!memcmp(e->e_ident, ELFMAG, SELFMAG) && e->e_type == ET_CORE &&
		  e->e_machine == EM_386 && ph[0].p_type == PT_NOTE,
	      "not an i386 ELF core");
	/* NT_PRSTATUS: header (12), "CORE\0" padded (8), then the status,
	 * whose pr_cursig is at offset 12. */
	CHECK(*(int16_t *)(buf + ph[0].p_offset + 20 + 12) == SIGSEGV,
	      "note's signal");
	for (int i = 1; i < e->e_phnum; i++) {
		Elf32_Phdr *p = &ph[i];

		if (p->p_vaddr == (uintptr_t)mem && no_anon) {
			found += p->p_filesz == 0;
		} else if (p->p_vaddr == (uintptr_t)mem) {
			found++;
			CHECK(p->p_filesz == 3 * PAGE &&
				  pread(fd, data, sizeof data, p->p_offset) ==
				      (ssize_t)sizeof data,
			      "mapping's size in the core %u", p->p_filesz);
			CHECK(!strcmp(data, "first page") && data[PAGE] == 0 &&
				  !strcmp(data + 2 * PAGE, "third page"),
			      "mapping's bytes in the core");
		}
		if (p->p_vaddr == (uintptr_t)hidden)
			found += 10 * (p->p_filesz == 0 && p->p_memsz == PAGE);
	}
	close(fd);
	CHECK(found == 11, "PT_LOADs found: %d", found);
}

int main(void)
{
	struct stat st;

	guest_cleanup = cleanup;
	cleanup();
	CHECK_SYS(mkdir(DIR_, 0777));
	mem = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hidden = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED && hidden != MAP_FAILED, "mmap");
	CHECK_SYS(madvise(hidden, PAGE, MADV_DONTDUMP));
	CHECK(!WCOREDUMP(crash(0, 1)), "WCOREDUMP with RLIMIT_CORE 0");
	CHECK(stat(DIR_ "/core", &st) < 0, "core written at limit 0");
	CHECK(!WCOREDUMP(crash(1 << 20, 0)), "WCOREDUMP when not dumpable");
	CHECK(stat(DIR_ "/core", &st) < 0, "core written when not dumpable");
	CHECK(WCOREDUMP(crash(1 << 20, 1)), "no WCOREDUMP");
	check_core(DIR_ "/core", 0);
	put("/proc/sys/kernel/core_pattern", DIR_ "/dump-%p.%s");
	{
		char b[16] = {0};
		pid_t pid;
		int fd = open("/proc/self/coredump_filter", O_RDONLY);

		CHECK(fd >= 0 && read(fd, b, 15) == 9 &&
			  !strcmp(b, "00000033\n"),
		      "coredump_filter '%s'", b);
		close(fd);
		CHECK(WCOREDUMP(crash_as(1 << 20, 1, "0x32", &pid)),
		      "no WCOREDUMP with the pattern");
		snprintf(named, sizeof named, DIR_ "/dump-%d.11", (int)pid);
		check_core(named, 1);
	}
	put("/proc/sys/kernel/core_pattern", "core");
	CHECK(!WCOREDUMP(crash(8192, 1)), "WCOREDUMP though over the limit");
	cleanup();
	return 0;
}
