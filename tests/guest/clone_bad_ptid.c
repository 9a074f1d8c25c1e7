/* clone_bad_ptid - clone with CLONE_PARENT_SETTID and a pointer the parent
 * cannot write: as on Linux the call succeeds and the child runs (the tid
 * store is best effort). 100 such clones, each reaped, leave no process
 * and no page behind (the process table holds 64). */
#include "guest.h"

#define CLONE_PARENT_SETTID 0x00100000

int main(void)
{
	int ours = have_vmkernel();
	struct vm_stats before = {0};
	if (ours)
		before = get_stats();
	for (int i = 0; i < 100; i++) {
		long pid = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0,
				   (void *)0xC0000000u, 0, 0);
		if (pid == 0)
			_exit(7);
		CHECK(pid > 0, "clone %d returned %ld (%s)", i, pid,
		      strerror(errno));
		int st = wait_for((pid_t)pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
		      "child %d did not run to its exit: status %#x", i, st);
	}
	if (ours) {
		/* The runner's measure: pages in use outside the slab plus
		 * live slab objects (slab pages come and go). */
		struct vm_stats after = get_stats();
		uint32_t used0 = before.used_outside_slab + before.slab_objects;
		uint32_t used1 = after.used_outside_slab + after.slab_objects;
		CHECK(used1 <= used0,
		      "%u pages or objects more in use after "
		      "100 clones",
		      used1 - used0);
	}
	return 0;
}
