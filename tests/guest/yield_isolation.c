/* yield_isolation - blocks belong to the process that yielded them: a
 * forked child has none (its get of the parent's id -> ESRCH), an exec'd
 * child neither; the child may use the same id for its own block; the
 * parent gets its own pages back. Yielding copy-on-write pages shared with
 * a child leaves the other process's copy alone, in both directions. */
#include "guest.h"

#define ID 0x15015015ull

static void wait_ok(pid_t pid, const char *what)
{
	char b[80];
	int st = wait_for(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: %s", what, status_str(st, b, sizeof b));
}

static void check_fill(const char *p, size_t n, char c, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			fail("%s: byte %zu is %d, expected %d", what, i, p[i],
			     c);
}

int main(int argc, char **argv)
{
	need_vmkernel();
	if (argc == 2 && strcmp(argv[1], "--exec-child") == 0) {
		char *q = map_anon(4 * PAGE);
		CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, ID, q, 4), ESRCH);
		return 0;
	}
	char *p = map_anon(4 * PAGE);
	memset(p, 'P', 4 * PAGE);
	CHECK(vm_yield_get_block(ID, VM_BLOCK_NONE, p, 4) == 0,
	      "yield failed: %s", strerror(errno));

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, ID, p, 4), ESRCH);
		check_fill(p, 4 * PAGE, 0, "child's view of the yielded range");
		memset(p, 'C', 4 * PAGE);
		CHECK(vm_yield_get_block(ID, VM_BLOCK_NONE, p, 4) == 0,
		      "child's own yield of the same id failed: %s",
		      strerror(errno));
		CHECK(vm_yield_get_block(VM_BLOCK_NONE, ID, p, 4) == 0,
		      "child's get of its own block failed: %s",
		      strerror(errno));
		check_fill(p, 4 * PAGE, 'C', "child's own block");
		/* Leave one cached at exit: it must not reach the parent. */
		CHECK(vm_yield_get_block(ID, VM_BLOCK_NONE, p, 4) == 0,
		      "child re-yield failed");
		_exit(0);
	}
	wait_ok(pid, "forked child");

	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *args[] = {argv[0], "--exec-child", NULL};
		execve(argv[0], args, (char *[]){NULL});
		fail("execve %s failed: %s", argv[0], strerror(errno));
	}
	wait_ok(pid, "exec'd child");

	CHECK(vm_yield_get_block(VM_BLOCK_NONE, ID, p, 4) == 0,
	      "parent's get failed: %s", strerror(errno));
	check_fill(p, 4 * PAGE, 'P', "parent's block");

	/* Copy-on-write pages: the child yields them and gets them back. */
	memset(p, 'S', 4 * PAGE);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		CHECK(vm_yield_get_block(1, VM_BLOCK_NONE, p, 4) == 0,
		      "child's yield of COW pages failed: %s", strerror(errno));
		check_fill(p, 4 * PAGE, 0, "child after yielding COW pages");
		CHECK(vm_yield_get_block(VM_BLOCK_NONE, 1, p, 4) == 0,
		      "child's get failed");
		check_fill(p, 4 * PAGE, 'S',
			   "child's COW pages back from the cache");
		memset(p, 'c', 2 * PAGE);
		_exit(0);
	}
	wait_ok(pid, "child yielding COW pages");
	check_fill(p, 4 * PAGE, 'S',
		   "parent's copy after the child yielded it");

	/* The parent yields pages it shares with a live child. */
	int go[2], done[2];
	CHECK_SYS(pipe(go));
	CHECK_SYS(pipe(done));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char c;
		close(go[1]);
		CHECK(read(go[0], &c, 1) == 1, "child: pipe read failed");
		check_fill(p, 4 * PAGE, 'S',
			   "child's copy after the parent yielded it");
		memset(p, 'k', 4 * PAGE);
		CHECK(write(done[1], "x", 1) == 1, "child: pipe write failed");
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	CHECK(vm_yield_get_block(2, VM_BLOCK_NONE, p, 4) == 0,
	      "parent's yield of COW pages failed: %s", strerror(errno));
	CHECK(write(go[1], "x", 1) == 1, "pipe write failed");
	char c;
	CHECK(read(done[0], &c, 1) == 1, "pipe read failed");
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 2, p, 4) == 0,
	      "parent's get failed");
	check_fill(p, 4 * PAGE, 'S', "parent's COW pages back from the cache");
	wait_ok(pid, "child sharing COW pages");
	close(go[1]);
	close(done[0]);
	return 0;
}
