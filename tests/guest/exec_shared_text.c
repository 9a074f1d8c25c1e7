/* exec_shared_text - exec maps a program's read-only segments from the
 * file's pages, shared: 20 busybox processes running at once use one copy
 * of its text. Free memory must drop by far less than 20 copies of the
 * read-only segments (each process still has its own data, stack and page
 * tables). */
#include <elf.h>
#include <signal.h>
#include <sys/wait.h>
#include "guest.h"

#define NPROC 20
#define BUSYBOX "/bin/busybox"

/* Bytes of busybox's read-only PT_LOAD segments. */
static long readonly_bytes(void)
{
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	long total = 0;
	int fd = open(BUSYBOX, O_RDONLY);

	if (fd < 0)
		skip("no %s", BUSYBOX);
	CHECK(pread(fd, &eh, sizeof eh, 0) == sizeof eh, "ELF header");
	for (int i = 0; i < eh.e_phnum; i++) {
		CHECK(pread(fd, &ph, sizeof ph, eh.e_phoff + i * sizeof ph) ==
			  sizeof ph,
		      "program header");
		if (ph.p_type == PT_LOAD && !(ph.p_flags & PF_W))
			total += ph.p_memsz;
	}
	close(fd);
	return total;
}

/* A /proc/meminfo field in kB. */
static long meminfo(const char *name)
{
	return (long)guest_proc_field("/proc/meminfo", name);
}

int main(void)
{
	pid_t pids[NPROC];
	long text = readonly_bytes(), before, after, used;

	CHECK(text > 512 * 1024, "busybox's text is only %ld bytes", text);
	guest_drop_caches();
	before = meminfo("MemFree:");
	for (int i = 0; i < NPROC; i++) {
		pids[i] = fork();
		CHECK_SYS(pids[i]);
		if (pids[i] == 0) {
			execl(BUSYBOX, "sleep", "30", (char *)NULL);
			_exit(127);
		}
	}
	sleep_ms(1500);
	after = meminfo("MemFree:");
	used = (before - after) * 1024;
	printf("exec_shared_text: %d processes, %ld kB used, text %ld kB, "
	       "Mapped %ld kB\n",
	       NPROC, used / 1024, text / 1024, meminfo("Mapped:"));
	for (int i = 0; i < NPROC; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < NPROC; i++)
		wait_for(pids[i]);
	/* One copy of the text (at most) and a little per process; copies
	 * would need NPROC * text. */
	CHECK(used < text + NPROC * 256 * 1024,
	      "%d busybox processes used %ld kB: text copied (%ld kB each)?",
	      NPROC, used / 1024, text / 1024);
	return 0;
}
