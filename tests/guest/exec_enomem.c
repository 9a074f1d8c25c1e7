/* exec_enomem - execve of a program whose image does not fit in free
 * memory fails with ENOMEM and the caller continues with its memory
 * intact.
 *
 * Needs /tests/helpers/big (only in the small-memory initrd, see
 * scripts/mkinitrd.sh --small) and a small-memory boot; SKIP otherwise
 * (and on Linux). A child first takes memory (touching anonymous pages,
 * like memhog) until fewer than half of big's image pages are free, so the
 * result does not depend on the exact machine size; then it execs big. */
#include <sys/mman.h>
#include <sys/stat.h>
#include "guest.h"

#define SMALL_BOOT_MIB 48 /* more free memory than this: a normal boot */

int main(int argc, char **argv)
{
	(void)argc;
	need_vmkernel();
	char big[256];
	helper_path(big, sizeof big, argv[0], "big");
	struct stat sb;
	if (stat(big, &sb) != 0)
		skip("no %s (only in the small-memory initrd)", big);
	struct vm_stats st = get_stats();
	if ((uint64_t)st.free * PAGE > (uint64_t)SMALL_BOOT_MIB << 20)
		skip("%u MiB free: needs a small-memory boot (MEM=24)",
		     (unsigned)(st.free / 256));
	uint32_t image = (uint32_t)(sb.st_size / PAGE);
	uint32_t target = image / 2;
	if (target < 128)
		target = 128;

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		/* Take memory until free + cached <= target. */
		static char *chunk[4096];
		static uint32_t chunk_pages[4096];
		uint32_t held = 0;
		int n = 0;
		for (;;) {
			struct vm_stats s = get_stats();
			uint32_t avail = s.free + s.cached;
			if (avail <= target || n == 4096)
				break;
			uint32_t pages = avail - target;
			if (pages > 64)
				pages = 64;
			char *c =
			    mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (c == MAP_FAILED)
				break;
			for (uint32_t i = 0; i < pages; i++)
				memset(c + i * PAGE, (char)(held + i), 64);
			chunk[n] = c;
			chunk_pages[n++] = pages;
			held += pages;
		}
		struct vm_stats s = get_stats();
		printf("exec_enomem: holding %u pages, %u free, %u cached, "
		       "big has %u pages\n",
		       held, s.free, s.cached, image);
		if (s.free + s.cached >= image)
			fail("could not get free memory below %u pages (%u "
			     "free)",
			     image, s.free);
		char *args[] = {big, NULL};
		errno = 0;
		int r = execve(big, args, (char *[]){NULL});
		int e = errno;
		if (r != -1 || e != ENOMEM)
			fail("execve of big returned %d errno %d (%s), "
			     "expected ENOMEM",
			     r, e, strerror(e));
		/* The caller continues with its memory intact. */
		uint32_t k = 0;
		for (int j = 0; j < n; j++)
			for (uint32_t i = 0; i < chunk_pages[j]; i++, k++)
				for (int x = 0; x < 64; x++)
					if (chunk[j][i * PAGE + x] != (char)k)
						fail("after the failed execve, "
						     "held page %u "
						     "changed",
						     k);
		for (int j = 0; j < n; j++)
			CHECK_SYS(munmap(chunk[j], chunk_pages[j] * PAGE));
		_exit(0);
	}
	char b[80];
	int stt = wait_for(pid);
	if (WIFEXITED(stt) && WEXITSTATUS(stt) == 99)
		fail("execve of big succeeded with too little free memory");
	CHECK(WIFEXITED(stt) && WEXITSTATUS(stt) == 0,
	      "the process that took memory and called execve: %s",
	      status_str(stt, b, sizeof b));
	/* And memory is usable again. */
	char *m = map_anon(64 * PAGE);
	memset(m, 1, 64 * PAGE);
	CHECK_SYS(munmap(m, 64 * PAGE));
	return 0;
}
