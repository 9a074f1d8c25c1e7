/* exec_zero_load - an executable with a zero-length PT_LOAD segment runs
 * (Linux accepts it): this program copies itself to /tmp with its
 * PT_GNU_STACK header turned into an empty PT_LOAD and runs the copy. */
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "guest.h"

static const char *copy = "/tmp/exec_zero_load.bin";

static void remove_copy(void)
{
	unlink(copy);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 42;
	int fd = open(argv[0], O_RDONLY);
	CHECK_SYS(fd);
	struct stat st;
	CHECK_SYS(fstat(fd, &st));
	char *img = malloc((size_t)st.st_size);
	CHECK(img != NULL, "malloc failed");
	CHECK(read(fd, img, (size_t)st.st_size) == st.st_size, "short read");
	close(fd);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + eh->e_phoff);
	int found = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_GNU_STACK) {
			ph[i].p_type = PT_LOAD;
			ph[i].p_vaddr = ph[i].p_paddr = 0;
			ph[i].p_offset = ph[i].p_filesz = ph[i].p_memsz = 0;
			found = 1;
		}
	if (!found)
		skip("no PT_GNU_STACK header to turn into an empty PT_LOAD");
	guest_cleanup = remove_copy;
	fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK_SYS(fd);
	CHECK(write(fd, img, (size_t)st.st_size) == st.st_size, "short write");
	close(fd);
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *av[] = {(char *)copy, "child", NULL};
		execv(copy, av);
		_exit(errno == ENOEXEC ? 3 : 4);
	}
	int s = wait_for(pid);
	unlink(copy);
	char b[80];
	CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 42,
	      "the copy with an empty PT_LOAD did not run: %s%s",
	      status_str(s, b, sizeof b),
	      WIFEXITED(s) && WEXITSTATUS(s) == 3 ? " (ENOEXEC)" : "");
	return 0;
}
