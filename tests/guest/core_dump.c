/* core_dump - a signal whose default action dumps core writes "core" in
 * the working directory as Linux's ELF core files are made: ET_CORE for
 * i386, an NT_PRSTATUS note with the signal and the registers, a PT_LOAD
 * per mapping holding its pages (an untouched page reads as zeros, a
 * MADV_DONTDUMP range has no bytes), and the wait status says WCOREDUMP
 * (SIGCHLD's CLD_DUMPED). With RLIMIT_CORE 0, or after
 * PR_SET_DUMPABLE 0, nothing is written and WCOREDUMP is clear. */
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

static void cleanup(void)
{
	unlink(DIR_ "/core");
	rmdir(DIR_);
}

/* A child that dies of SIGSEGV with core limit lim (dumpable or not). */
static int crash(rlim_t lim, int dumpable)
{
	struct rlimit r = {lim, RLIM_INFINITY};
	pid_t pid = fork();
	int st;

	CHECK_SYS(pid);
	if (pid == 0) {
		if (setrlimit(RLIMIT_CORE, &r) || chdir(DIR_) ||
		    prctl(PR_SET_DUMPABLE, dumpable))
			_exit(1);
		strcpy(mem, "first page");
		strcpy(mem + 2 * PAGE, "third page");
		strcpy(hidden, "secret");
		*(volatile int *)0 = 1;
		_exit(2);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
	return st;
}

/* The core file: its program headers' PT_LOAD for va, the note's
 * signal, the bytes at the mapping's offset. */
static void check_core(void)
{
	static char buf[8192], data[3 * PAGE];
	int fd = open(DIR_ "/core", O_RDONLY);
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

		if (p->p_vaddr == (uintptr_t)mem) {
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
	check_core();
	CHECK(!WCOREDUMP(crash(8192, 1)), "WCOREDUMP though over the limit");
	cleanup();
	return 0;
}
