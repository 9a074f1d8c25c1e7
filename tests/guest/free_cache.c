/* free_cache - busybox's free shows the caches as cache and as available:
 * with 2 MiB yielded into the yielded-block cache, free's buff/cache is
 * /proc/meminfo's Buffers + Cached (sysinfo's bufferram is level 1's
 * buffers, Cached the page cache and every yielded block, nothing counted
 * twice) and its available column holds the cached pages; forgetting the
 * block takes the 2 MiB out of both. */
#include <sys/wait.h>
#include "guest.h"

#define NPAGES 512
#define SLACK_KB 256 /* other kernel activity between two readings */

struct free_line {
	long long total, used, free, shared, cache, avail;
};

/* Run /bin/free (busybox, KiB) and parse its Mem: line. */
static struct free_line run_free(void)
{
	static char out[2048];
	struct free_line f;
	int fds[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	CHECK_SYS(pipe(fds));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl("/bin/free", "free", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (n < sizeof(out) - 1 &&
	       (r = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status),
	      "free did not exit");
	if (WEXITSTATUS(status) == 127)
		skip("no /bin/free (busybox) in this root");
	const char *mem = strstr(out, "Mem:");
	CHECK(mem &&
		  sscanf(mem, "Mem: %lld %lld %lld %lld %lld %lld", &f.total,
			 &f.used, &f.free, &f.shared, &f.cache, &f.avail) == 6,
	      "free printed: %.150s", out);
	return f;
}

static long long meminfo_kb(const char *name)
{
	return guest_proc_field("/proc/meminfo", name);
}

/* free's buff/cache against meminfo read just before and just after it
 * ran (exec'ing free from a disk root brings busybox into the page
 * cache meanwhile). */
static void check_cache(const char *when, long long min_cache)
{
	long long before = meminfo_kb("Buffers:") + meminfo_kb("Cached:");
	struct free_line f = run_free();
	long long after = meminfo_kb("Buffers:") + meminfo_kb("Cached:");
	long long lo = before < after ? before : after;
	long long hi = before < after ? after : before;

	CHECK(f.cache >= lo - SLACK_KB && f.cache <= hi + SLACK_KB,
	      "%s: free's buff/cache %lld kB, meminfo Buffers+Cached %lld "
	      "before, %lld after",
	      when, f.cache, before, after);
	CHECK(f.cache >= min_cache, "%s: buff/cache %lld kB, below %lld", when,
	      f.cache, min_cache);
	CHECK(f.avail >= f.free + min_cache - SLACK_KB,
	      "%s: available %lld kB, free %lld: the cache is not available",
	      when, f.avail, f.free);
}

int main(void)
{
	const uint64_t id = 0xf4ee0000c0c0ull;
	long long kb = NPAGES * (long long)(PAGE / 1024), before;
	char *p;

	need_vmkernel();
	vm_forget_block(id);
	check_cache("before", 0);
	before = meminfo_kb("Cached:");
	p = map_anon(NPAGES * PAGE);
	memset(p, 0x5a, NPAGES * PAGE);
	CHECK(vm_yield_get_block(id, VM_BLOCK_NONE, p, NPAGES) == 0,
	      "yield: %s", strerror(errno));
	CHECK(meminfo_kb("Cached:") >= before + kb,
	      "Cached %lld kB after yielding %lld kB (was %lld)",
	      meminfo_kb("Cached:"), kb, before);
	check_cache("with 2 MiB yielded", kb);
	CHECK_SYS(vm_forget_block(id));
	CHECK(meminfo_kb("Cached:") <= before + SLACK_KB,
	      "Cached %lld kB after forgetting (was %lld)",
	      meminfo_kb("Cached:"), before);
	check_cache("after forget", 0);
	munmap(p, NPAGES * PAGE);
	return 0;
}
