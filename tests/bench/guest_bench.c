/*
 * guest_bench.c - the same benchmark program on our kernel and on Linux
 * (scripts/bench-linux.sh, `make bench-linux`). Built gcc -m32 -static -O2;
 * run under QEMU -icount shift=0, where the TSC advances one tick per
 * guest instruction, so rdtsc differences are exact instruction counts
 * (user and kernel together).
 *
 * Output, one line per figure: "BENCH name value" with value the guest
 * instructions per operation, or "n/a" when the kernel refuses an
 * operation (ENOSYS, ENOMEM, ...). Each figure is the minimum over REPS
 * repetitions of (cycles of a loop of N operations) / N; the minimum drops
 * the repetitions a timer interrupt landed in. The cost of rdtsc itself is
 * subtracted; for the cheap operations (null system call, touching a page)
 * so is the loop around the operation, measured with the same loop minus
 * the operation.
 *
 * Started with no arguments (our kernel's init gets none) it runs every
 * benchmark. "-x" exits at once (the child of the fork+exec benchmark).
 * Run as pid 1 on Linux (rdinit=), it powers off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vmkernel.h"

#include "guest_bench.h"
#include "prof.h"

static const char *self = "/bench";
uint64_t tsc_cost;

static void raw_exit(int code)
{
	for (;;)
		sys3(SYS_exit_group, code, 0, 0);
}

void report(const char *name, uint64_t v)
{
	if (v == NA)
		printf("BENCH %s n/a\n", name);
	else
		printf("BENCH %s %llu\n", name, (unsigned long long)v);
	fflush(stdout);
}

uint64_t per_op(uint64_t cycles, uint64_t n)
{
	cycles = cycles > tsc_cost ? cycles - tsc_cost : 0;
	return (cycles + n / 2) / n;
}

/* ---- null system call ---- */

/* n getppid calls in a counted loop; with call = 0 the same loop without
 * the int $0x80 (its overhead). */
static uint64_t loop_getppid(uint32_t n, int call)
{
	uint64_t t0, t1;
	uint32_t cnt = n;
	long nr = SYS_getppid, r;

	t0 = rdtsc();
	if (call)
		__asm__ volatile("1: mov %2, %%eax\n\t"
				 "int $0x80\n\t"
				 "dec %%ecx\n\t"
				 "jnz 1b"
				 : "+c"(cnt), "=&a"(r)
				 : "r"(nr)
				 : "memory");
	else
		__asm__ volatile("1: mov %2, %%eax\n\t"
				 "dec %%ecx\n\t"
				 "jnz 1b"
				 : "+c"(cnt), "=&a"(r)
				 : "r"(nr)
				 : "memory");
	t1 = rdtsc();
	return t1 - t0;
}

static uint64_t bench_null_syscall(void)
{
	const uint32_t n = 2000;
	uint64_t best = NA, base = NA;

	for (int i = 0; i < REPS; i++) {
		best = min64(best, loop_getppid(n, 1));
		base = min64(base, loop_getppid(n, 0));
	}
	return (best - base + n / 2) / n;
}

/* ---- page touching ---- */

/* touch(): the loop is the same whether or not the pages fault. */
__attribute__((noinline)) uint64_t touch(volatile char *p, uint32_t npages)
{
	uint64_t t0 = rdtsc();

	for (uint32_t i = 0; i < npages; i++)
		p[(size_t)i * PAGE] = 1;
	return rdtsc() - t0;
}

/* Overhead of touch() per page, with the pages already mapped. */
uint64_t touch_base;

static void calibrate(void)
{
	const uint32_t np = 64;
	char *p = mmap(NULL, np * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t best = NA;

	for (int i = 0; i < 8; i++) {
		uint64_t a = rdtsc(), b = rdtsc();
		best = min64(best, b - a);
	}
	tsc_cost = best;
	if (p == MAP_FAILED)
		return;
	touch(p, np);
	best = NA;
	for (int i = 0; i < REPS; i++)
		best = min64(best, touch(p, np));
	touch_base = best > tsc_cost ? (best - tsc_cost) / np : 0;
	munmap(p, np * PAGE);
}

/* touch_every(): touch() on every stride-th page. */
__attribute__((noinline)) static uint64_t
touch_every(volatile char *p, uint32_t npages, uint32_t stride)
{
	uint64_t t0 = rdtsc();

	for (uint32_t i = 0; i < npages; i += stride)
		p[(size_t)i * PAGE] = 1;
	return rdtsc() - t0;
}

/* First-touch anonymous page fault, per touched page: map npages, touch
 * every stride-th once. With stride 2 no two first touches are in order,
 * so a kernel that fills ahead of in-order touches (fault-around) maps
 * one page per fault. */
static uint64_t bench_first_touch(uint32_t npages, uint32_t stride)
{
	uint64_t best = NA, t;

	for (int i = 0; i < REPS; i++) {
		char *p =
		    mmap(NULL, (size_t)npages * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NA;
		t = stride == 1 ? touch(p, npages)
				: touch_every(p, npages, stride);
		best = min64(best, per_op(t, npages / stride));
		munmap(p, (size_t)npages * PAGE);
	}
	return best - min64(best, touch_base);
}

/* Copy-on-write fault per page: touch npages, fork, the child writes each
 * page once and sends its figure back through a pipe. */
static uint64_t bench_cow(uint32_t npages)
{
	uint64_t best = NA;
	char *p = mmap(NULL, (size_t)npages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NA;
	touch(p, npages);
	for (int i = 0; i < REPS; i++) {
		int fd[2];
		uint64_t v = NA;
		pid_t pid;

		if (pipe(fd) < 0)
			break;
		pid = fork();
		if (pid == 0) {
			v = per_op(touch(p, npages), npages);
			if (write(fd[1], &v, sizeof(v)) != sizeof(v))
				raw_exit(1);
			raw_exit(0);
		}
		close(fd[1]);
		if (pid > 0) {
			if (read(fd[0], &v, sizeof(v)) != sizeof(v))
				v = NA;
			waitpid(pid, NULL, 0);
		}
		close(fd[0]);
		if (pid < 0 || v == NA)
			break;
		best = min64(best, v);
	}
	munmap(p, (size_t)npages * PAGE);
	return best == NA ? NA : best - min64(best, touch_base);
}

/* ---- processes ---- */

static uint64_t fork_exit_wait(uint32_t n)
{
	uint64_t t0 = rdtsc();

	for (uint32_t i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			raw_exit(0);
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return NA;
	}
	return per_op(rdtsc() - t0, n);
}

/* fork+exit+wait with mib MiB of the parent touched (0: none mapped). */
static uint64_t bench_fork(uint32_t mib, uint32_t n)
{
	uint64_t best = NA;
	size_t len = (size_t)mib << 20;
	char *p = NULL;

	if (mib) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NA;
		touch(p, len / PAGE);
	}
	for (int i = 0; i < REPS; i++) {
		uint64_t v = fork_exit_wait(n);
		if (v == NA) {
			best = NA;
			break;
		}
		best = min64(best, v);
	}
	if (p)
		munmap(p, len);
	return best;
}

/* One fork + exec of this program with -x + wait: 0, or -1. */
static int fork_exec_wait(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = {(char *)self, "-x", NULL};
		char *envp[] = {NULL};
		execve(self, argv, envp);
		raw_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

static uint64_t bench_fork_exec(void)
{
	const uint32_t n = 4;
	uint64_t best = NA;

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < n; i++)
			if (fork_exec_wait())
				return NA;
		best = min64(best, per_op(rdtsc() - t0, n));
	}
	return best;
}

/* ---- mappings, brk, pipes ---- */

static uint64_t bench_mmap_munmap(uint32_t n)
{
	uint64_t best = NA;

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < n; i++) {
			void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED || munmap(p, PAGE) < 0)
				return NA;
		}
		best = min64(best, per_op(rdtsc() - t0, n));
	}
	return best;
}

static uint64_t bench_brk(void)
{
	const uint32_t n = 200;
	uint64_t best = NA;
	long cur = sys3(SYS_brk, 0, 0, 0);

	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < n; i++) {
			if (sys3(SYS_brk, cur + PAGE, 0, 0) != cur + (long)PAGE)
				return NA;
			*(volatile char *)cur = 1;
			if (sys3(SYS_brk, cur, 0, 0) != cur)
				return NA;
		}
		best = min64(best, per_op(rdtsc() - t0, n));
	}
	return best;
}

/* One byte there and back between this process and a child. */
static uint64_t bench_pipe(void)
{
	const uint32_t n = 200;
	int to[2], from[2];
	uint64_t best = NA;
	pid_t pid;
	char c = 0;

	if (pipe(to) < 0 || pipe(from) < 0)
		return NA;
	pid = fork();
	if (pid < 0)
		return NA;
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				break;
		raw_exit(0);
	}
	close(to[0]);
	close(from[1]);
	for (int r = 0; r < REPS && best != 0; r++) {
		uint64_t t0 = rdtsc();
		for (uint32_t i = 0; i < n; i++)
			if (write(to[1], &c, 1) != 1 ||
			    read(from[0], &c, 1) != 1) {
				best = 0;
				break;
			}
		if (best)
			best = min64(best, per_op(rdtsc() - t0, n));
	}
	close(to[1]);
	close(from[0]);
	waitpid(pid, NULL, 0);
	return best == 0 ? NA : best;
}

/* ---- with many regions present ---- */

/* Make nreg one-page regions, alternately PROT_READ and PROT_NONE so that
 * neighbours cannot merge, and neither can the read-write mappings the
 * benchmarks make next to them. Returns the base (munmap nreg pages), or
 * NULL. */
static char *make_regions(uint32_t nreg)
{
	size_t len = (size_t)nreg * PAGE;
	char *p =
	    mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	for (uint32_t i = 1; i < nreg; i += 2)
		if (mprotect(p + (size_t)i * PAGE, PAGE, PROT_NONE) < 0) {
			munmap(p, len);
			return NULL;
		}
	return p;
}

static void bench_regions(uint32_t nreg)
{
	char name[64];
	char *p = make_regions(nreg);
	uint64_t f = NA, m = NA;

	if (p) {
		f = bench_first_touch(64, 1);
		m = bench_mmap_munmap(100);
		munmap(p, (size_t)nreg * PAGE);
	}
	snprintf(name, sizeof(name), "fault_regions_%u", nreg);
	report(name, f);
	snprintf(name, sizeof(name), "mmap_regions_%u", nreg);
	report(name, m);
}

/* The file system rows: /fs_bench (tests/bench/fs_bench.c) on the disk
 * the harness attached, when it is there. */
static void run_fs_bench(void)
{
	char *argv[] = {"/fs_bench", NULL}, *envp[] = {NULL};
	pid_t pid;

	if (access("/fs_bench", X_OK))
		return;
	pid = fork();
	if (pid == 0) {
		execve("/fs_bench", argv, envp);
		raw_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* ---- profiling (scripts/profile-guest.sh) ---- */

/* "-p OP N": N operations of one kind between the two marks, after the
 * same set-up as the benchmark (fork, fork1m, exec, fault, fault2, cow;
 * yieldP and ytouchP in guest_ycache.c). */
static int profile(const char *op, uint32_t n)
{
	const uint32_t np = 256;
	char *p = mmap(NULL, np * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	if (strncmp(op, "yield", 5) == 0 || strncmp(op, "ytouch", 6) == 0)
		return profile_ycache(op, n);
	if (strcmp(op, "fork1m") == 0 || strcmp(op, "cow") == 0)
		touch(p, np); /* 1 MiB */
	fork_exit_wait(1);
	fork_exec_wait(); /* warm: the program's pages are in memory */
	prof_begin();
	if (strncmp(op, "fork", 4) == 0) {
		fork_exit_wait(n);
	} else if (strcmp(op, "exec") == 0) {
		for (uint32_t i = 0; i < n; i++)
			fork_exec_wait();
	} else if (strcmp(op, "fault") == 0) {
		touch(p, np);
	} else if (strcmp(op, "fault2") == 0) {
		touch_every(p, np, 2); /* one page per fault: N = 128 */
	} else if (strcmp(op, "cow") == 0) {
		prof_end();
		if (fork() == 0) {
			prof_begin();
			touch(p, np);
		} else {
			wait(NULL);
			return 0;
		}
	}
	prof_end();
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;
	int ours;

	if (argc > 1 && strcmp(argv[1], "-x") == 0)
		raw_exit(0);
	if (argc > 3 && strcmp(argv[1], "-p") == 0)
		return profile(argv[2], (uint32_t)atoi(argv[3]));
	if (argc > 0 && argv[0] && argv[0][0] == '/')
		self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	ours = have_ycache();
	calibrate();
	if (uname(&u) == 0)
		printf("BENCH uname %s %s\n", u.sysname, u.release);
	printf("BENCH start rdtsc=%llu touch=%llu\n",
	       (unsigned long long)tsc_cost, (unsigned long long)touch_base);

	report("null_syscall", bench_null_syscall());
	report("fault_anon", bench_first_touch(256, 1));
	report("fault_anon_scattered", bench_first_touch(256, 2));
	report("fault_cow", bench_cow(256));
	report("fork_exit_wait", bench_fork(0, 8));
	report("fork_exec_wait", bench_fork_exec());
	report("mmap_munmap", bench_mmap_munmap(200));
	report("pipe_roundtrip", bench_pipe());
	report("brk_grow_touch_shrink", bench_brk());
	bench_ycache(ours, 1, 1);
	bench_ycache(ours, 1, 16);
	bench_ycache(ours, 1, 256);

	report("fork_1m", bench_fork(1, 4));
	report("fork_16m", bench_fork(16, 2));
	report("fork_64m", bench_fork(64, 1));
	bench_regions(10);
	bench_regions(1000);
	bench_regions(10000);
	bench_ycache(ours, 0, 4096);
	run_fs_bench();

	printf("BENCH done\n");
	fflush(stdout);
	if (getpid() == 1 && !ours) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
