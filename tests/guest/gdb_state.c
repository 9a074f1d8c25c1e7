/* gdb_state - a known memory state for the GDB helper tests
 * (scripts/gdb-test.sh, which stops the kernel in getppid and reads the
 * state with the helpers of scripts/gdb/). The process forks; the parent
 * waits; the child makes the state below, calls getppid() (the stop), then
 * checks what it can itself and exits 0. Run by the guest runner without
 * a debugger, it is an ordinary test of the same steps.
 *
 * The child's state at the getppid() call (the numbers are repeated in
 * scripts/gdb-test.sh):
 *   0x30000000  4 pages anonymous rw-, pages 0 and 2 written (2 present);
 *               page 0 holds GDB_STATE_MAGIC in its first word
 *   0x30010000  2 pages anonymous r--, page 1 read (1 present)
 *   0x30020000  3 pages shared rw- (all 3 present: shared memory is
 *               allocated by mmap), pages 0 and 1 written
 *   0x30030000  8 pages anonymous rw-, all written, then yielded as block
 *               GDB_STATE_BLOCK (8 cached pages; the range is left
 *               empty, 0 present: it reads as zeros by demand zero)
 */
#include "guest.h"

#define REGION_RW 0x30000000u
#define REGION_RO 0x30010000u
#define REGION_SHARED 0x30020000u
#define REGION_YIELD 0x30030000u
#define GDB_STATE_MAGIC 0x600d57a7u
#define GDB_STATE_BLOCK 0x6db0001ull

static void *map_at(uint32_t addr, size_t pages, int prot, int flags)
{
	void *p = mmap((void *)addr, pages * PAGE, prot,
		       flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != (void *)addr)
		fail("mmap at %#x failed: %s", addr, strerror(errno));
	return p;
}

static void child(pid_t parent)
{
	volatile uint32_t *rw =
	    map_at(REGION_RW, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	rw[0] = GDB_STATE_MAGIC;
	rw[2 * PAGE / 4] = 2;
	volatile uint32_t *ro = map_at(REGION_RO, 2, PROT_READ, MAP_PRIVATE);
	CHECK(ro[PAGE / 4] == 0, "a read-only page is not zero");
	char *sh = map_at(REGION_SHARED, 3, PROT_READ | PROT_WRITE, MAP_SHARED);
	sh[0] = 's';
	sh[PAGE] = 's';
	char *y = map_at(REGION_YIELD, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(y, 'y', 8 * PAGE);
	CHECK(vm_yield_get_block(GDB_STATE_BLOCK, VM_BLOCK_NONE, y, 8) == 0,
	      "yield failed: %s", strerror(errno));

	/* The debugger's stop. */
	CHECK(getppid() == parent, "getppid is %d, not %d", (int)getppid(),
	      (int)parent);

	CHECK(rw[0] == GDB_STATE_MAGIC, "the magic word changed");
	struct vm_stats st = get_stats();
	CHECK(st.cached >= 8, "only %u pages cached", st.cached);
	CHECK(vm_forget_block(GDB_STATE_BLOCK) == 0, "forget failed: %s",
	      strerror(errno));
}

int main(void)
{
	need_vmkernel();
	pid_t parent = getpid();
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		child(parent);
		_exit(0);
	}
	char b[80];
	int status = wait_for(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s",
	      status_str(status, b, sizeof b));
	return 0;
}
