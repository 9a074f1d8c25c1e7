/*
 * fuzz.c - a seeded system call fuzzer for this kernel (tests/fuzz/).
 *
 *   fuzz [-s SEED] [-n CALLS] [-b BATCH] [-r CHILD] [-v] [-t SECONDS]
 *        [-x NR,NR...] [-L] [-l N]
 *
 * A plain static i386 program (gcc -m32 -static). The parent forks one
 * child at a time; child k makes BATCH raw system calls (int $0x80)
 * drawn from a generator seeded with (SEED, k) only, then exits. The
 * parent reaps it, kills it with SIGKILL if it runs longer than SECONDS
 * (no alarm() in this kernel: the parent polls with waitpid(WNOHANG) and
 * nanosleep), removes what it left behind (its scratch directory
 * /tmp/fz, the same for every child, SysV shm segments), and goes on until
 * CALLS calls were made. At the end it runs the kernel's sanity checker and
 * compares the free page count with the one before the first child (the guest
 * runner's leak measure). Last line: "PASS fuzz/CALLS" or "FAIL fuzz/CALLS:
 * why".
 *
 * Replay: "fuzz -s SEED -r K -v" runs only child K and prints each call
 * before making it ("K.I name(args)") and its result after (" = r"), so
 * the last line before a panic names the culprit. Without -v the parent
 * prints "child K" before each child, so a panic can be traced to K.
 *
 * -L (with -r K): if child K loses pages, find the first call after which
 * it does by bisection (running its first n calls for several n) and
 * print that prefix verbosely.
 *
 * -l N: each child makes only its first N calls (to bisect by hand
 * across boots when -L cannot: a loss that shows only once per boot).
 *
 * -x skips the calls with these numbers (they are still drawn, so the
 * sequences stay the same): a way to look past a known kernel bug while it
 * is being fixed. It is not a deny-list; make test does not use it.
 *
 * With no arguments (as init, which gets none from this kernel) the
 * arguments come from /etc/fuzz-args if it exists. As pid 1 the program
 * also reaps orphans.
 *
 * How arguments are drawn: every argument has a kind (fd, path, buffer
 * the kernel reads, buffer it writes, length, flags, pid, ...). Each kind
 * has its own pool of good and bad values: own buffers (in .bss and in a
 * mmap'ed "arena"), NULL, kernel addresses, unmapped and PROT_NONE pages,
 * misaligned pointers, pointers to the last bytes before a PROT_NONE page,
 * a read-only page and the program text; lengths 0, small, page, huge,
 * negative; fds the child opened, -1, large; valid flag combinations and
 * random bits. One argument in eight is instead a value from a shared
 * "interesting" pool (0, -1, INT_MIN, kernel address, ...). One call in
 * sixteen is a random number (Linux's range, ours above 1000, huge) with
 * random arguments. Structures (iovecs, pollfds, sigactions, argv arrays,
 * timespecs, user_desc, signal frames) are built in the child's buffers
 * from the same pools.
 *
 * Deny-list: calls whose damage is by design, or that block by design.
 * A denied call is skipped (and printed as such with -v):
 *   - reboot, mount, umount, umount2, pause (by number, also as a random
 *     number); swapoff/swapon, kexec, init_module too.
 *   - kill/tgkill/tkill/rt_sigqueueinfo/rt_tgsigqueueinfo (and prlimit64)
 *     of pid -1, pid 1, the fuzzer parent, or a process group other than
 *     the child's own (pid < -1 with -pid not its pgid);
 *     setpgid that would move a process into init's or the parent's
 *     group or move init or the parent. (Children call setpgid(0, 0)
 *     first, so kill(0, sig) only reaches the child and its own forks.)
 *   - anything that could write /dev/mem: it is never in the path pools,
 *     and mknod/mknodat of a character or block device (1, 1) is denied.
 *   - sleeps and polls that wait long or for ever: nanosleep and
 *     clock_nanosleep with tv_sec > 0, poll with a negative timeout or one
 *     over 50 ms, ppoll and rt_sigtimedwait with a NULL timeout or
 *     tv_sec > 0, futex waits (FUTEX_WAIT, FUTEX_WAIT_BITSET) with a NULL
 *     timeout or tv_sec > 0.
 *   - the fuzzer's own log fd (63) is never an argument.
 *   - exit/exit_group in the parent: only children fuzz.
 * Guards (extra, unlogged calls around a fuzzed one, so the child keeps
 * going and does not block by design):
 *   - fd 0 of a child is /dev/null; before read/write-type calls on a pipe
 *     or the console the fd is made O_NONBLOCK (a child holds both ends of
 *     its pipes, so a blocking read would wait for ever).
 *   - writes to the console (write, writev, pwrite64) are capped to 256
 *     bytes (iovecs to 64 each) so that the log stays readable; big
 *     console writes (queued, interruptible) are tested by
 *     tests/guest/console_write_signals.
 *   - after chdir/fchdir the child goes back to its scratch directory if
 *     it left it, so relative paths stay inside it.
 *   - mmap2 with MAP_FIXED over the program's own image loses MAP_FIXED:
 *     replacing the running code with zero pages leaves the child
 *     executing a zero sled through gigabytes (slow by design, seen as a
 *     hang by the watchdog; Linux does the same).
 *   - destructive path calls only get paths in the child's scratch
 *     directory (or bad pointers); read-only ones also get /, /dev/null,
 *     /proc/... A forked grandchild exits at once (raw exit, no stack
 *     use), so clone with a random stack is harmless to the fuzzer.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmkernel.h"

#define LOGFD 63 /* the child's copy of the console for -v output */
#define PAGE 4096u
#define ARENA_PAGES 36
#define GBUF_SIZE (64 * 1024)
#define SCRATCH_ROOT "/tmp/fz"
#define MAX_POLL_MS 50

/* ------------------------------------------------------------------ */
/* Raw system calls. */

/* a[0] = number, a[1..6] = ebx, ecx, edx, esi, edi, ebp. */
long fz_syscall(const uint32_t *a);
/* The same, but a child (eax == 0 after the call) exits at once with
 * status 0 without touching its stack: for fork, vfork and clone. */
long fz_forkcall(const uint32_t *a);
/* sigreturn/rt_sigreturn with esp = sp; a restored frame whose eip is
 * fz_sr_resume comes back here with the caller's registers. */
long fz_sigreturn(uint32_t nr, uint32_t sp);
extern char fz_sr_resume[];
uint32_t fz_sr_esp;

__asm__(".text\n"
	".globl fz_syscall\n"
	"fz_syscall:\n"
	"	push %ebp\n"
	"	push %ebx\n"
	"	push %esi\n"
	"	push %edi\n"
	"	mov 20(%esp), %eax\n"
	"	mov 4(%eax), %ebx\n"
	"	mov 8(%eax), %ecx\n"
	"	mov 12(%eax), %edx\n"
	"	mov 16(%eax), %esi\n"
	"	mov 20(%eax), %edi\n"
	"	mov 24(%eax), %ebp\n"
	"	mov 0(%eax), %eax\n"
	"	int $0x80\n"
	"	cld\n"
	"	pop %edi\n"
	"	pop %esi\n"
	"	pop %ebx\n"
	"	pop %ebp\n"
	"	ret\n"
	".globl fz_forkcall\n"
	"fz_forkcall:\n"
	"	push %ebp\n"
	"	push %ebx\n"
	"	push %esi\n"
	"	push %edi\n"
	"	mov 20(%esp), %eax\n"
	"	mov 4(%eax), %ebx\n"
	"	mov 8(%eax), %ecx\n"
	"	mov 12(%eax), %edx\n"
	"	mov 16(%eax), %esi\n"
	"	mov 20(%eax), %edi\n"
	"	mov 24(%eax), %ebp\n"
	"	mov 0(%eax), %eax\n"
	"	int $0x80\n"
	"	test %eax, %eax\n"
	"	jnz 1f\n"
	"	mov $1, %eax\n" /* the new process: exit(0) */
	"	xor %ebx, %ebx\n"
	"	int $0x80\n"
	"	ud2\n"
	"1:	cld\n"
	"	pop %edi\n"
	"	pop %esi\n"
	"	pop %ebx\n"
	"	pop %ebp\n"
	"	ret\n"
	".globl fz_sigreturn\n"
	"fz_sigreturn:\n"
	"	push %ebp\n"
	"	push %ebx\n"
	"	push %esi\n"
	"	push %edi\n"
	"	mov %esp, fz_sr_esp\n"
	"	mov 20(%esp), %eax\n"
	"	mov 24(%esp), %esp\n"
	"	int $0x80\n"
	".globl fz_sr_resume\n"
	"fz_sr_resume:\n"
	"	cld\n"
	"	mov fz_sr_esp, %esp\n"
	"	pop %edi\n"
	"	pop %esi\n"
	"	pop %ebx\n"
	"	pop %ebp\n"
	"	ret\n");

static long sys6(uint32_t nr, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
		 uint32_t f, uint32_t g)
{
	uint32_t a[7] = {nr, b, c, d, e, f, g};
	return fz_syscall(a);
}

/* ------------------------------------------------------------------ */
/* Deterministic random numbers: splitmix64 seeded from (seed, child). */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(void)
{
	return (uint32_t)(rnd64() >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(((uint64_t)rnd() * n) >> 32) : 0;
}

static int chance(uint32_t n) /* 1 in n */
{
	return below(n) == 0;
}

#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------------ */
/* Output without libc (a child may have clobbered %gs, errno, ...). */

static char obuf[512];
static size_t olen;

static void oflush(int fd)
{
	size_t off = 0;
	while (off < olen) {
		long w = sys6(SYS_write, (uint32_t)fd, (uint32_t)(obuf + off),
			      (uint32_t)(olen - off), 0, 0, 0);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	olen = 0;
}

static void ostr(const char *s)
{
	while (*s && olen < sizeof obuf - 1)
		obuf[olen++] = *s++;
}

static void ohex(uint32_t v)
{
	char t[11] = "0x";
	for (int i = 0; i < 8; i++)
		t[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	t[10] = 0;
	/* Drop leading zeros but keep 0x0. */
	char *p = t + 2;
	while (*p == '0' && p[1])
		p++;
	ostr("0x");
	ostr(p);
}

static void odec(long v)
{
	char t[16];
	int n = 0;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10) && n < 15);
	if (v < 0)
		ostr("-");
	while (n)
		obuf[olen < sizeof obuf - 1 ? olen++ : olen] = t[--n];
}

/* ------------------------------------------------------------------ */
/* The child's world. */

static uint32_t g_seed;
static long g_child;
static int g_verbose;
static uint32_t g_skip[32];
static int g_nskip;
static int g_parent_pid, g_parent_pgid, g_self;
static uint32_t g_brk0;
static char g_scratch[64]; /* SCRATCH_ROOT */
static char g_abs_a[96], g_abs_d[96];
static uint8_t gbuf[GBUF_SIZE] __attribute__((aligned(4096)));
static uint8_t sbuf[8192] __attribute__((aligned(4096))); /* structures */
static size_t sbuf_used;
static uint32_t arena; /* ARENA_PAGES pages: see child_setup */
static uint32_t argv_strs[8];

/* Arena layout: pages 0..29 read-write, 30 read-only, 31 read-write,
 * 32 PROT_NONE, 33 read-write, 34 unmapped, 35 read-write. */
#define RO_PAGE 30
#define NONE_PAGE 32
#define HOLE_PAGE 34

static uint32_t pg(int n)
{
	return arena + (uint32_t)n * PAGE;
}

/* Scratch space for structures: a new piece of sbuf per request. */
static void *salloc(size_t n)
{
	n = (n + 3) & ~(size_t)3;
	if (sbuf_used + n > sizeof sbuf)
		sbuf_used = 0;
	void *p = sbuf + sbuf_used;
	sbuf_used += n;
	return p;
}

static void fill_random(void *p, size_t n)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* ------------------------------------------------------------------ */
/* Value pools. */

static const uint32_t interesting[] = {
    0,		1,	    2,		0x7f,	    0xff,	0x100,
    0x1000,	0xffff,	    0x10000,	0x7fffffff, 0x80000000, 0xffffffff,
    0xfffffffe, 0xfffff000, 0xc0000000, 0xc0100000, 0xbffffffc, 0x0804a000,
    0x7ffff000, 0x80000001, 0xffff8000, 0x40000000, 0xdeadbeef};

static uint32_t v_any(void)
{
	switch (below(4)) {
	case 0:
		return PICK(interesting);
	case 1:
		return below(64);
	default:
		return rnd();
	}
}

static uint32_t v_len(void)
{
	static const uint32_t lens[] = {
	    0,		1,	    2,		4,	    7,
	    8,		16,	    100,	511,	    4095,
	    4096,	4097,	    8192,	65536,	    65537,
	    1 << 20,	4 << 20,    0x7ffff000, 0x7fffffff, 0x80000000,
	    0xffffffff, 0xfffff000, 0xffffff00};
	if (chance(3))
		return 1 + below(300);
	return PICK(lens);
}

/* A pointer to memory of some sort; len is what the call may touch. */
static uint32_t v_ptr(uint32_t len, int for_write)
{
	uint32_t l = len > PAGE ? PAGE : len;
	switch (below(20)) {
	case 0:
		return 0;
	case 1:
		return 0xc0000000u + below(0x400000) * 4;
	case 2:
		return PICK(interesting);
	case 3: /* unmapped hole in the arena */
		return pg(HOLE_PAGE) + below(PAGE);
	case 4: /* PROT_NONE page */
		return pg(NONE_PAGE) + below(PAGE);
	case 5: /* last bytes before the PROT_NONE page */
		return pg(NONE_PAGE) - 1 - below(l ? l : 1);
	case 6: /* last bytes before the hole */
		return pg(HOLE_PAGE) - 1 - below(8);
	case 7: /* read-only memory: text or the read-only page */
		return for_write && chance(2) ? (uint32_t)(uintptr_t)&v_any
					      : pg(RO_PAGE) + below(PAGE);
	case 8: /* misaligned, in our buffer */
		return (uint32_t)(uintptr_t)gbuf + 1 + 2 * below(64);
	case 9: /* end of the arena's last page */
		return pg(ARENA_PAGES) - 1 - below(16);
	case 10:
	case 11:
	case 12: /* the arena, at a page */
		return pg((int)below(30)) + (chance(4) ? below(PAGE) : 0);
	default: /* our buffer, room for len where possible */
		return (uint32_t)(uintptr_t)gbuf +
		       (len < GBUF_SIZE ? below(GBUF_SIZE - len + 1) & ~3u : 0);
	}
}

/* A pointer for a structure we built at p (n bytes), or a bad one. */
static uint32_t v_struct(void *p, uint32_t n)
{
	if (chance(6))
		return v_ptr(n, 0);
	return (uint32_t)(uintptr_t)p;
}

static uint32_t v_fd(void)
{
	static const uint32_t fds[] = {
	    0,	1,  2,	3,  4,	5,  6,	 7,	     8,		 9,   10,
	    11, 12, 13, 20, 62, 64, 100, 0xffffffff, 0x7fffffff, 1024};
	uint32_t fd = chance(8) ? v_any() : PICK(fds);
	return fd == LOGFD ? LOGFD + 1 : fd;
}

static uint32_t v_dirfd(void)
{
	return chance(3) ? (uint32_t)-100 /* AT_FDCWD */ : v_fd();
}

/* A string at an address: usually in sbuf, sometimes running into the
 * PROT_NONE page without a terminator. */
static uint32_t put_str(const char *s)
{
	size_t n = strlen(s) + 1;
	if (chance(24)) { /* no NUL before the PROT_NONE page */
		uint32_t at = pg(NONE_PAGE) - (uint32_t)(n - 1);
		if (n > 1)
			memcpy((void *)(uintptr_t)at, s, n - 1);
		return at;
	}
	char *p = salloc(n);
	memcpy(p, s, n);
	return (uint32_t)(uintptr_t)p;
}

static const char *scratch_names[] = {
    "a",   "b",	     "d",    "d/f",	"d/g",	 "d/g/h", "e",
    "./a", "d/../b", "",     "a/",	".///a", ".",	  "d/..",
    "x",   "p",	     "d/f/", "nodir/f", "s",	 "d/s"};

static const char *system_names[] = {"/",
				     "/dev/null",
				     "/dev/zero",
				     "/dev/console",
				     "/dev/tty",
				     "/proc/self/maps",
				     "/proc/meminfo",
				     "/proc/self",
				     "/proc/1",
				     "/proc",
				     "/nonexistent",
				     "/dev",
				     "/tmp",
				     "/proc/self/maps/x"};

static char longp[5000];

static uint32_t v_path_bad(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return 0xc0000000u + below(0x100000);
	case 2:
		return pg(NONE_PAGE) + below(PAGE);
	case 3:
		return pg(HOLE_PAGE);
	case 4: { /* long name / long path */
		size_t n = chance(2) ? 256 + below(8) : 4090 + below(10);
		for (size_t i = 0; i < n; i++)
			longp[i] = i && chance(16) ? '/' : 'x'; /* relative */
		longp[n] = 0;
		return (uint32_t)(uintptr_t)longp;
	}
	default: { /* random bytes */
		char t[24];
		int n = (int)below(23);
		for (int i = 0; i < n; i++)
			t[i] = (char)(1 + below(255));
		if (t[0] == '/') /* relative: nothing outside the scratch */
			t[0] = '.';
		t[n] = 0;
		return put_str(t);
	}
	}
}

/* Paths in the child's scratch directory (and bad pointers): for every
 * call that creates, changes or removes. */
static uint32_t v_path_w(void)
{
	if (chance(6))
		return v_path_bad();
	if (chance(8))
		return put_str(chance(2) ? g_abs_a : g_abs_d);
	return put_str(PICK(scratch_names));
}

/* Any path, for calls that only look. */
static uint32_t v_path_r(void)
{
	if (chance(3))
		return put_str(PICK(system_names));
	return v_path_w();
}

/* Paths to open: system directories would give dirfds outside the
 * scratch directory, so only files there. */
static uint32_t v_path_open(uint32_t flags)
{
	static const char *ro[] = {
	    "/dev/null",     "/dev/zero",  "/dev/console", "/proc/self/maps",
	    "/proc/meminfo", "/proc/self", "/nonexistent", "/proc/1/maps"};
	static const char *rw[] = {"/dev/null", "/dev/zero", "/dev/console"};
	if ((flags & 3) == 0 && !(flags & (O_CREAT | O_TRUNC)) && chance(3))
		return put_str(PICK(ro));
	if (chance(5)) /* may create or truncate: only devices */
		return put_str(PICK(rw));
	return v_path_w();
}

static uint32_t v_oflags(void)
{
	static const uint32_t base[] = {O_RDONLY, O_WRONLY, O_RDWR, 3};
	static const uint32_t extra[] = {O_CREAT,    O_EXCL,	 O_TRUNC,
					 O_APPEND,   O_NONBLOCK, O_DIRECTORY,
					 O_NOFOLLOW, O_CLOEXEC,	 O_SYNC};
	if (chance(8))
		return v_any();
	uint32_t f = PICK(base);
	for (int i = (int)below(4); i > 0; i--)
		f |= PICK(extra);
	return f;
}

static uint32_t v_mode(void)
{
	return chance(4) ? v_any() : below(010000);
}

static uint32_t v_off(void)
{
	static const uint32_t offs[] = {
	    0,		1,	    4095,	4096,	    4097,      1 << 20,
	    0x7fffffff, 0x80000000, 0xffffffff, 0xfffff000, 0x10000000};
	return chance(3) ? below(20000) : PICK(offs);
}

static uint32_t v_pid(void)
{
	uint32_t self = (uint32_t)g_self;
	uint32_t pids[] = {
	    0,	   self,       0u - self,  self + 1,   self + 2,
	    99999, 0u - 99999, 0x7fffffff, 0x80000000, (uint32_t)g_parent_pid,
	    1,	   0xffffffff};
	return chance(10) ? v_any() : PICK(pids);
}

static uint32_t v_sig(void)
{
	return chance(6) ? v_any() : below(66);
}

static uint32_t v_time_spec(int wide)
{
	/* {0, small}, {0, >= 1e9}, {-1, 0}, {0, -1}; never seconds > 0 (a
	 * sleep that long is denied as blocking by design). */
	static const int32_t ns[] = {0,		 1,	  1000,
				     1000000,	 5000000, 999999999,
				     1000000000, -1,	  0x7fffffff};
	int32_t sec = chance(6) ? -1 : 0;
	int32_t nsv = PICK(ns);
	if (wide) {
		int64_t *t = salloc(16);
		t[0] = sec;
		t[1] = chance(8) ? (int64_t)0x100000000ll : nsv;
		return v_struct(t, 16);
	}
	int32_t *t = salloc(8);
	t[0] = sec;
	t[1] = nsv;
	return v_struct(t, 8);
}

static uint32_t v_iov(uint32_t *cnt_out)
{
	uint32_t n = chance(4) ? below(2000) : below(9);
	uint32_t room = n > 64 ? 64 : n;
	uint32_t *iov = salloc(8 * (room ? room : 1));
	for (uint32_t i = 0; i < room; i++) {
		uint32_t len = chance(2) ? below(600) : v_len();
		iov[2 * i] = v_ptr(len, 0);
		iov[2 * i + 1] = len;
	}
	*cnt_out = chance(10) ? v_any() : n;
	return v_struct(iov, 8 * room);
}

static uint32_t v_pollfds(uint32_t *n_out)
{
	uint32_t n = below(6);
	uint32_t *p = salloc(8 * (n ? n : 1));
	for (uint32_t i = 0; i < n; i++) {
		p[2 * i] = v_fd();
		p[2 * i + 1] = chance(4) ? rnd() & 0xffff : (1 | 4);
	}
	*n_out = chance(8) ? v_any() : n;
	return v_struct(p, 8 * n);
}

static uint32_t v_argv(void)
{
	uint32_t n = below(6);
	uint32_t *v = salloc(4 * (n + 1));
	for (uint32_t i = 0; i < n; i++)
		v[i] = chance(6) ? v_ptr(8, 0) : argv_strs[below(8)];
	v[n] = 0;
	if (chance(10)) { /* no terminator before the PROT_NONE page */
		uint32_t *e = (uint32_t *)(uintptr_t)(pg(NONE_PAGE) - 16);
		for (int i = 0; i < 4; i++)
			e[i] = argv_strs[i];
		return (uint32_t)(uintptr_t)e;
	}
	return chance(6) ? v_ptr(16, 0) : (uint32_t)(uintptr_t)v;
}

static uint32_t v_sigset(void)
{
	uint32_t *s = salloc(8);
	s[0] = chance(2) ? rnd() : 0;
	s[1] = chance(2) ? rnd() : 0;
	return v_struct(s, 8);
}

static uint32_t v_sigsetsize(void)
{
	return chance(6) ? v_any() : 8;
}

static uint32_t v_sigaction(void)
{
	uint32_t *a = salloc(20);
	static const uint32_t handlers[] = {0, 1, 0xc0000000, 0x1000};
	switch (below(4)) {
	case 0:
		a[0] = PICK(handlers);
		break;
	case 1:
		a[0] = rnd();
		break;
	default:
		a[0] = (uint32_t)(uintptr_t)fz_sr_resume; /* lands somewhere */
		break;
	}
	a[1] = chance(2) ? 0x04000000 /* SA_RESTORER */ | (rnd() & 0xc0000004)
			 : rnd();
	a[2] = chance(2) ? (uint32_t)(uintptr_t)fz_sr_resume : v_any();
	a[3] = chance(2) ? 0 : rnd();
	a[4] = chance(2) ? 0 : rnd();
	return v_struct(a, 20);
}

static uint32_t v_addr(void)
{
	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		return PICK(interesting) & ~(chance(2) ? 0xfffu : 0u);
	case 2:
		return pg((int)below(ARENA_PAGES + 1)) + 1 + below(PAGE - 1);
	case 3: /* somewhere free (probably) */
		return 0x20000000u + below(0x8000) * PAGE;
	case 4:
		return 0x10000000u + below(64) * PAGE; /* where shm goes */
	default:
		return pg((int)below(ARENA_PAGES + 1));
	}
}

static uint32_t v_prot(void)
{
	return chance(6) ? v_any() : below(8);
}

static uint32_t v_mmap_flags(void)
{
	static const uint32_t f[] = {0x22, 0x21, 0x32, 0x02,  0x01,  0x12,
				     0x31, 0x00, 0x03, 0x122, 0x4022};
	return chance(6) ? v_any() : PICK(f);
}

static uint32_t v_whence(void)
{
	return chance(6) ? v_any() : below(5);
}

static uint32_t v_clone_flags(void)
{
	static const uint32_t f[] = {17,	 0x01200011, /* glibc fork */
				     0x4111,	 0x00100011, /* PARENT_SETTID */
				     0x01000011, 0x00200011, 0x100,
				     0x10f00,	 0x00080011, 0};
	return chance(4) ? v_any() : PICK(f);
}

static uint32_t v_tls(void)
{
	uint32_t *u = salloc(16);
	static const uint32_t entries[] = {0xffffffff, 6, 7, 8, 0, 5, 9, 12};
	u[0] = chance(5) ? rnd() : PICK(entries);
	u[1] = chance(3) ? (uint32_t)(uintptr_t)gbuf : v_any();
	u[2] = chance(3) ? 0xfffff : v_any();
	u[3] = chance(3) ? 0x51
			 : rnd() & 0x1ff; /* seg_32bit|limit_in_pages|useable */
	return v_struct(u, 16);
}

static uint32_t v_ioctl(void)
{
	static const uint32_t c[] = {0x5401, 0x5402, 0x5403,	0x5404,
				     0x540f, 0x5410, 0x5413,	0x541b,
				     0x5414, 0x5421, 0x80045430};
	return chance(5) ? v_any() : PICK(c);
}

static uint32_t v_fcntl(void)
{
	static const uint32_t c[] = {0, 1, 2, 3, 4, 1030, 5, 6, 7, 1024, 1031};
	return chance(6) ? v_any() : PICK(c);
}

static uint32_t v_ycache_id_lo(void)
{
	return chance(3) ? 0xffffffff : below(6);
}

static uint32_t v_npages(void)
{
	static const uint32_t n[] = {0,	 1,  1,	 2,	   3,	       4,
				     16, 30, 36, 0x100000, 0xffffffff, 0x80000};
	return PICK(n);
}

static uint32_t v_shmid(void)
{
	return chance(4) ? v_any() : below(34);
}

static uint32_t v_shmkey(void)
{
	static const uint32_t k[] = {0, 1, 2, 0x1234, 0xffffffff, 7};
	return PICK(k);
}

static uint32_t v_shmflg(void)
{
	static const uint32_t f[] = {
	    01000 | 0600, 03000 | 0600, 0600, 010000, 0, 01000, 0x2000};
	return chance(6) ? v_any() : PICK(f);
}

static uint32_t v_shmsize(void)
{
	static const uint32_t s[] = {
	    0,		1,  4096, 8192, 65536, 16u << 20, (16u << 20) + 1,
	    0xffffffff, 100};
	return PICK(s);
}

static uint32_t v_brk(void)
{
	uint32_t b[] = {0,
			g_brk0,
			g_brk0 + PAGE,
			g_brk0 + (1u << 20),
			g_brk0 + 1,
			g_brk0 - PAGE,
			g_brk0 - (64u << 10),
			0xc0000000,
			0xffffffff,
			0x20000000};
	return PICK(b);
}

/* An open-ish mknod mode: a type and permissions. */
static uint32_t v_mknod_mode(void)
{
	static const uint32_t t[] = {0,	      0100000, 0010000, 0020000,
				     0060000, 0140000, 0040000, 0120000};
	return chance(6) ? v_any() : PICK(t) | below(01000);
}

static uint32_t v_dev(void)
{
	static const uint32_t d[] = {0x103, 0x105, 0x501, 0x500,
				     0x440, 0x101, 0x102, 0};
	return chance(4) ? v_any() : PICK(d);
}

/* ------------------------------------------------------------------ */
/* The call table. */

enum kind {
	K_NONE,
	K_ANY,
	K_INT,
	K_FD,
	K_DIRFD,
	K_IN,	/* buffer the kernel reads, length in the next argument */
	K_OUT,	/* buffer the kernel writes, length in the next argument */
	K_OUTS, /* a small structure the kernel writes */
	K_LEN,
	K_PATH_R,
	K_PATH_W,
	K_PATH_OPEN,
	K_PATH_DIR,
	K_PATH_EXEC,
	K_OFLAGS,
	K_MODE,
	K_OFF,
	K_PID,
	K_SIG,
	K_ADDR,
	K_PROT,
	K_MMAPFLAGS,
	K_WHENCE,
	K_IOV,
	K_IOVCNT,
	K_POLLFDS,
	K_NFDS,
	K_POLLMS,
	K_TS,
	K_TS64,
	K_ARGV,
	K_SIGSET,
	K_SIGSETSIZE,
	K_SIGACT,
	K_CLONEFLAGS,
	K_TLS,
	K_IOCTL,
	K_FCNTL,
	K_YID,
	K_NPAGES,
	K_SHMID,
	K_SHMKEY,
	K_SHMFLG,
	K_SHMSIZE,
	K_BRK,
	K_MKNODMODE,
	K_DEV,
	K_ATFLAGS,
	K_CLOCK,
	K_WAITOPT,
	K_MMAPSTRUCT,
	K_IPCCALL,
	K_FLAGS,
};

struct call {
	uint32_t nr;
	const char *name;
	uint8_t weight;
	uint8_t k[6];
};

#define C(nr, name, w, ...)         \
	{                           \
		nr, name, w,        \
		{                   \
			__VA_ARGS__ \
		}                   \
	}

static const struct call calls[] = {
    C(1, "exit", 1, K_INT),
    C(2, "fork", 2, K_NONE),
    C(3, "read", 8, K_FD, K_OUT, K_LEN),
    C(4, "write", 8, K_FD, K_IN, K_LEN),
    C(5, "open", 8, K_PATH_OPEN, K_OFLAGS, K_MODE),
    C(6, "close", 4, K_FD),
    C(7, "waitpid", 2, K_PID, K_OUTS, K_WAITOPT),
    C(8, "creat", 3, K_PATH_W, K_MODE),
    C(9, "link", 3, K_PATH_R, K_PATH_W),
    C(10, "unlink", 3, K_PATH_W),
    C(11, "execve", 3, K_PATH_EXEC, K_ARGV, K_ARGV),
    C(12, "chdir", 2, K_PATH_DIR),
    C(13, "time", 1, K_OUTS),
    C(14, "mknod", 3, K_PATH_W, K_MKNODMODE, K_DEV),
    C(15, "chmod", 2, K_PATH_W, K_MODE),
    C(16, "lchown", 1, K_PATH_W, K_INT, K_INT),
    C(19, "lseek", 4, K_FD, K_OFF, K_WHENCE),
    C(20, "getpid", 1, K_NONE),
    C(23, "setuid", 1, K_INT),
    C(24, "getuid", 1, K_NONE),
    C(30, "utime", 1, K_PATH_W, K_TS),
    C(33, "access", 2, K_PATH_R, K_INT),
    C(36, "sync", 1, K_NONE),
    C(37, "kill", 2, K_PID, K_SIG),
    C(38, "rename", 4, K_PATH_W, K_PATH_W),
    C(39, "mkdir", 4, K_PATH_W, K_MODE),
    C(40, "rmdir", 3, K_PATH_W),
    C(41, "dup", 3, K_FD),
    C(42, "pipe", 3, K_OUTS),
    C(43, "times", 1, K_OUTS),
    C(45, "brk", 4, K_BRK),
    C(46, "setgid", 1, K_INT),
    C(47, "getgid", 1, K_NONE),
    C(54, "ioctl", 5, K_FD, K_IOCTL, K_OUTS),
    C(55, "fcntl", 5, K_FD, K_FCNTL, K_FLAGS),
    C(57, "setpgid", 2, K_PID, K_PID),
    C(60, "umask", 1, K_MODE),
    C(61, "chroot", 1, K_PATH_DIR),
    C(63, "dup2", 4, K_FD, K_FD),
    C(64, "getppid", 1, K_NONE),
    C(65, "getpgrp", 1, K_NONE),
    C(66, "setsid", 1, K_NONE),
    C(70, "setreuid", 1, K_INT, K_INT),
    C(71, "setregid", 1, K_INT, K_INT),
    C(75, "setrlimit", 1, K_INT, K_OUTS),
    C(76, "getrlimit", 1, K_INT, K_OUTS),
    C(78, "gettimeofday", 1, K_OUTS, K_OUTS),
    C(80, "getgroups", 1, K_INT, K_OUT),
    C(81, "setgroups", 1, K_INT, K_IN),
    C(83, "symlink", 3, K_PATH_R, K_PATH_W),
    C(85, "readlink", 3, K_PATH_R, K_OUT, K_LEN),
    C(90, "old_mmap", 4, K_MMAPSTRUCT),
    C(91, "munmap", 5, K_ADDR, K_LEN),
    C(92, "truncate", 3, K_PATH_W, K_OFF),
    C(93, "ftruncate", 3, K_FD, K_OFF),
    C(94, "fchmod", 1, K_FD, K_MODE),
    C(95, "fchown", 1, K_FD, K_INT, K_INT),
    C(99, "statfs", 2, K_PATH_R, K_OUTS),
    C(100, "fstatfs", 2, K_FD, K_OUTS),
    C(103, "syslog", 1, K_INT, K_OUT, K_LEN),
    C(106, "stat", 3, K_PATH_R, K_OUTS),
    C(107, "lstat", 2, K_PATH_R, K_OUTS),
    C(108, "fstat", 3, K_FD, K_OUTS),
    C(114, "wait4", 2, K_PID, K_OUTS, K_WAITOPT, K_OUTS),
    C(116, "sysinfo", 1, K_OUTS),
    C(117, "ipc", 4, K_IPCCALL, K_SHMID, K_SHMSIZE, K_SHMFLG, K_OUTS, K_ADDR),
    C(118, "fsync", 2, K_FD),
    C(119, "sigreturn", 3, K_NONE),
    C(120, "clone", 4, K_CLONEFLAGS, K_ADDR, K_OUTS, K_TLS, K_OUTS),
    C(122, "uname", 1, K_OUTS),
    C(125, "mprotect", 5, K_ADDR, K_LEN, K_PROT),
    C(132, "getpgid", 1, K_PID),
    C(133, "fchdir", 2, K_FD),
    C(136, "personality", 1, K_INT),
    C(138, "setfsuid", 1, K_INT),
    C(139, "setfsgid", 1, K_INT),
    C(140, "_llseek", 3, K_FD, K_OFF, K_OFF, K_OUTS, K_WHENCE),
    C(141, "getdents", 3, K_FD, K_OUT, K_LEN),
    C(145, "readv", 4, K_FD, K_IOV, K_IOVCNT),
    C(146, "writev", 4, K_FD, K_IOV, K_IOVCNT),
    C(147, "getsid", 1, K_PID),
    C(148, "fdatasync", 1, K_FD),
    C(162, "nanosleep", 2, K_TS, K_OUTS),
    C(164, "setresuid", 1, K_INT, K_INT, K_INT),
    C(165, "getresuid", 1, K_OUTS, K_OUTS, K_OUTS),
    C(168, "poll", 3, K_POLLFDS, K_NFDS, K_POLLMS),
    C(170, "setresgid", 1, K_INT, K_INT, K_INT),
    C(171, "getresgid", 1, K_OUTS, K_OUTS, K_OUTS),
    C(172, "prctl", 2, K_INT, K_OUTS, K_ANY, K_ANY, K_ANY),
    C(173, "rt_sigreturn", 3, K_NONE),
    C(174, "rt_sigaction", 4, K_SIG, K_SIGACT, K_OUTS, K_SIGSETSIZE),
    C(175, "rt_sigprocmask", 3, K_INT, K_SIGSET, K_OUTS, K_SIGSETSIZE),
    C(176, "rt_sigpending", 1, K_OUTS, K_SIGSETSIZE),
    C(177, "rt_sigtimedwait", 2, K_SIGSET, K_OUTS, K_TS, K_SIGSETSIZE),
    C(178, "rt_sigqueueinfo", 1, K_PID, K_SIG, K_OUTS),
    C(180, "pread64", 4, K_FD, K_OUT, K_LEN, K_OFF, K_OFF),
    C(181, "pwrite64", 4, K_FD, K_IN, K_LEN, K_OFF, K_OFF),
    C(182, "chown", 1, K_PATH_W, K_INT, K_INT),
    C(183, "getcwd", 2, K_OUT, K_LEN),
    C(190, "vfork", 1, K_NONE),
    C(191, "ugetrlimit", 1, K_INT, K_OUTS),
    C(192, "mmap2", 8, K_ADDR, K_LEN, K_PROT, K_MMAPFLAGS, K_FD, K_OFF),
    C(193, "truncate64", 2, K_PATH_W, K_OFF, K_OFF),
    C(194, "ftruncate64", 2, K_FD, K_OFF, K_OFF),
    C(195, "stat64", 3, K_PATH_R, K_OUTS),
    C(196, "lstat64", 2, K_PATH_R, K_OUTS),
    C(197, "fstat64", 3, K_FD, K_OUTS),
    C(198, "lchown32", 1, K_PATH_W, K_INT, K_INT),
    C(203, "setreuid32", 1, K_INT, K_INT),
    C(205, "getgroups32", 1, K_INT, K_OUT),
    C(206, "setgroups32", 1, K_INT, K_IN),
    C(207, "fchown32", 1, K_FD, K_INT, K_INT),
    C(208, "setresuid32", 1, K_INT, K_INT, K_INT),
    C(209, "getresuid32", 1, K_OUTS, K_OUTS, K_OUTS),
    C(212, "chown32", 2, K_PATH_W, K_INT, K_INT),
    C(213, "setuid32", 1, K_INT),
    C(215, "setfsuid32", 1, K_INT),
    C(220, "getdents64", 3, K_FD, K_OUT, K_LEN),
    C(221, "fcntl64", 3, K_FD, K_FCNTL, K_FLAGS),
    C(224, "gettid", 1, K_NONE),
    C(238, "tkill", 1, K_PID, K_SIG),
    C(240, "futex", 2, K_ADDR, K_INT, K_INT, K_TS, K_ADDR, K_ANY),
    C(243, "set_thread_area", 4, K_TLS),
    C(252, "exit_group", 1, K_INT),
    C(258, "set_tid_address", 1, K_OUTS),
    C(265, "clock_gettime", 2, K_CLOCK, K_OUTS),
    C(268, "statfs64", 2, K_PATH_R, K_LEN, K_OUTS),
    C(269, "fstatfs64", 2, K_FD, K_LEN, K_OUTS),
    C(270, "tgkill", 1, K_PID, K_PID, K_SIG),
    C(271, "utimes", 1, K_PATH_W, K_TS),
    C(284, "waitid", 1, K_INT, K_PID, K_OUTS, K_WAITOPT, K_OUTS),
    C(295, "openat", 5, K_DIRFD, K_PATH_OPEN, K_OFLAGS, K_MODE),
    C(296, "mkdirat", 3, K_DIRFD, K_PATH_W, K_MODE),
    C(297, "mknodat", 2, K_DIRFD, K_PATH_W, K_MKNODMODE, K_DEV),
    C(298, "fchownat", 2, K_DIRFD, K_PATH_W, K_INT, K_INT, K_ATFLAGS),
    C(299, "futimesat", 1, K_DIRFD, K_PATH_W, K_TS),
    C(300, "fstatat64", 3, K_DIRFD, K_PATH_R, K_OUTS, K_ATFLAGS),
    C(301, "unlinkat", 3, K_DIRFD, K_PATH_W, K_ATFLAGS),
    C(302, "renameat", 3, K_DIRFD, K_PATH_W, K_DIRFD, K_PATH_W),
    C(303, "linkat", 2, K_DIRFD, K_PATH_R, K_DIRFD, K_PATH_W, K_ATFLAGS),
    C(304, "symlinkat", 2, K_PATH_R, K_DIRFD, K_PATH_W),
    C(305, "readlinkat", 2, K_DIRFD, K_PATH_R, K_OUT, K_LEN),
    C(306, "fchmodat", 1, K_DIRFD, K_PATH_W, K_MODE),
    C(307, "faccessat", 2, K_DIRFD, K_PATH_R, K_INT),
    C(309, "ppoll", 2, K_POLLFDS, K_NFDS, K_TS, K_SIGSET, K_SIGSETSIZE),
    C(320, "utimensat", 2, K_DIRFD, K_PATH_W, K_TS, K_ATFLAGS),
    C(330, "dup3", 3, K_FD, K_FD, K_FLAGS),
    C(331, "pipe2", 3, K_OUTS, K_FLAGS),
    C(335, "rt_tgsigqueueinfo", 1, K_PID, K_PID, K_SIG, K_OUTS),
    C(340, "prlimit64", 2, K_PID, K_INT, K_OUTS, K_OUTS),
    C(344, "syncfs", 1, K_FD),
    C(353, "renameat2", 2, K_DIRFD, K_PATH_W, K_DIRFD, K_PATH_W, K_FLAGS),
    C(395, "shmget", 3, K_SHMKEY, K_SHMSIZE, K_SHMFLG),
    C(396, "shmctl", 2, K_SHMID, K_INT, K_OUTS),
    C(397, "shmat", 3, K_SHMID, K_ADDR, K_SHMFLG),
    C(398, "shmdt", 2, K_ADDR),
    C(403, "clock_gettime64", 1, K_CLOCK, K_OUTS),
    C(407, "clock_nanosleep_time64", 2, K_CLOCK, K_INT, K_TS64, K_OUTS),
    C(412, "utimensat_time64", 1, K_DIRFD, K_PATH_W, K_TS64, K_ATFLAGS),
    C(414, "ppoll_time64", 2, K_POLLFDS, K_NFDS, K_TS64, K_SIGSET,
      K_SIGSETSIZE),
    C(421, "rt_sigtimedwait_time64", 1, K_SIGSET, K_OUTS, K_TS64, K_SIGSETSIZE),
    C(422, "futex_time64", 2, K_ADDR, K_INT, K_INT, K_TS64, K_ADDR, K_ANY),
    C(439, "faccessat2", 1, K_DIRFD, K_PATH_R, K_INT, K_ATFLAGS),
    C(SYS_vm_yield_get_block, "vm_yield_get_block", 6, K_YID, K_ANY, K_YID,
      K_ANY, K_ADDR, K_NPAGES),
    C(SYS_vm_forget_block, "vm_forget_block", 2, K_YID, K_ANY),
    C(SYS_vm_forget_all_blocks, "vm_forget_all_blocks", 1, K_NONE),
    C(SYS_vm_sanity_check, "vm_sanity_check", 1, K_NONE),
    C(SYS_vm_stats, "vm_stats", 2, K_OUTS),
    C(0xffffffff, "random", 6, K_ANY, K_ANY, K_ANY, K_ANY, K_ANY, K_ANY),
};

#define NCALLS (sizeof calls / sizeof calls[0])

static uint32_t total_weight;

static const struct call *pick_call(void)
{
	uint32_t w = below(total_weight);
	for (size_t i = 0; i < NCALLS; i++) {
		if (w < calls[i].weight)
			return &calls[i];
		w -= calls[i].weight;
	}
	return &calls[0];
}

/* One generated call. */
struct gen {
	const struct call *c;
	uint32_t a[7]; /* a[0] = number */
};

static uint32_t v_kind(int kind, struct gen *g, int i)
{
	uint32_t len;
	switch (kind) {
	case K_NONE:
		return 0;
	case K_ANY:
		return v_any();
	case K_INT:
		return chance(3) ? v_any() : below(8);
	case K_FD:
		return v_fd();
	case K_DIRFD:
		return v_dirfd();
	case K_IN:
	case K_OUT:
		/* The length comes next; draw it first so the pointer can
		 * be made to fit (or not). */
		len = v_len();
		g->a[i + 2] = len;
		if (kind == K_IN && chance(2)) {
			uint32_t p = v_ptr(len, 0);
			if (p >= (uint32_t)(uintptr_t)gbuf &&
			    p < (uint32_t)(uintptr_t)gbuf + GBUF_SIZE)
				fill_random((void *)(uintptr_t)p,
					    len > 64 ? 64 : len);
			return p;
		}
		return v_ptr(len, kind == K_OUT);
	case K_OUTS:
		return v_ptr(96, 1);
	case K_LEN:
		return v_len();
	case K_PATH_R:
		return v_path_r();
	case K_PATH_W:
		return v_path_w();
	case K_PATH_OPEN:
		return 0; /* filled in after the flags (see gen_call) */
	case K_PATH_DIR: {
		static const char *dirs[] = {".",     "d",     "d/g", "a",
					     "nodir", "d/./g", "e"};
		if (chance(6))
			return v_path_bad();
		if (chance(6))
			return put_str(g_scratch);
		return put_str(PICK(dirs));
	}
	case K_PATH_EXEC: {
		static const char *ex[] = {"x",
					   "x",
					   "y",
					   "a",
					   "/dev/null",
					   "d",
					   "/nonexistent",
					   "/proc/meminfo",
					   "z"};
		return chance(8) ? v_path_bad() : put_str(PICK(ex));
	}
	case K_OFLAGS:
		return v_oflags();
	case K_MODE:
		return v_mode();
	case K_OFF:
		return v_off();
	case K_PID:
		return v_pid();
	case K_SIG:
		return v_sig();
	case K_ADDR:
		return v_addr();
	case K_PROT:
		return v_prot();
	case K_MMAPFLAGS:
		return v_mmap_flags();
	case K_WHENCE:
		return v_whence();
	case K_IOV:
		return v_iov(&g->a[i + 2]);
	case K_IOVCNT:
	case K_NFDS:
		return g->a[i + 1]; /* set by K_IOV / K_POLLFDS */
	case K_POLLFDS:
		return v_pollfds(&g->a[i + 2]);
	case K_POLLMS:
		return chance(8) ? v_any() : below(3) * 10;
	case K_TS:
		return v_time_spec(0);
	case K_TS64:
		return v_time_spec(1);
	case K_ARGV:
		return v_argv();
	case K_SIGSET:
		return v_sigset();
	case K_SIGSETSIZE:
		return v_sigsetsize();
	case K_SIGACT:
		return v_sigaction();
	case K_CLONEFLAGS:
		return v_clone_flags();
	case K_TLS:
		return v_tls();
	case K_IOCTL:
		return v_ioctl();
	case K_FCNTL:
		return v_fcntl();
	case K_YID:
		return v_ycache_id_lo();
	case K_NPAGES:
		return v_npages();
	case K_SHMID:
		return v_shmid();
	case K_SHMKEY:
		return v_shmkey();
	case K_SHMFLG:
		return v_shmflg();
	case K_SHMSIZE:
		return v_shmsize();
	case K_BRK:
		return v_brk();
	case K_MKNODMODE:
		return v_mknod_mode();
	case K_DEV:
		return v_dev();
	case K_ATFLAGS: {
		static const uint32_t f[] = {0,	    0x100,  0x200,	  0x400,
					     0x800, 0x1000, 0x200 | 0x100};
		return chance(6) ? v_any() : PICK(f);
	}
	case K_CLOCK:
		return chance(4) ? v_any() : below(12);
	case K_WAITOPT:
		return chance(4) ? v_any() : (chance(2) ? 1 /* WNOHANG */ : 0);
	case K_MMAPSTRUCT: {
		uint32_t *m = salloc(24);
		m[0] = v_addr();
		m[1] = v_len();
		m[2] = v_prot();
		m[3] = v_mmap_flags();
		m[4] = v_fd();
		m[5] = v_off();
		return v_struct(m, 24);
	}
	case K_IPCCALL: {
		static const uint32_t c[] = {
		    21, 22, 23, 24, 1,
		    2,	11, 13, 0,  0x10015 /* version 1 shmat */};
		return chance(6) ? v_any() : PICK(c);
	}
	case K_FLAGS:
		return chance(2) ? v_any() : (chance(2) ? 04000 : 02000000);
	}
	return v_any();
}

/* Numbers denied outright (also when drawn as a random number). */
static int denied_nr(uint32_t nr)
{
	switch (nr) {
	case 21:  /* mount */
	case 22:  /* umount */
	case 29:  /* pause: blocks for ever by design */
	case 52:  /* umount2 */
	case 87:  /* swapon */
	case 88:  /* reboot */
	case 115: /* swapoff */
	case 128: /* init_module */
	case 283: /* kexec_load */
	case 350: /* finit_module */
		return 1;
	}
	return 0;
}

static int bad_kill_target(uint32_t upid)
{
	int pid = (int)upid;
	if (pid == -1 || pid == 1 || pid == g_parent_pid)
		return 1;
	/* Another process group than ours (ours: setpgid(0, 0) at start). */
	if (pid < -1 && -pid != g_self)
		return 1;
	return 0;
}

static int is_mem_dev(uint32_t mode, uint32_t dev)
{
	uint32_t t = mode & 0170000;
	uint32_t ma = (dev >> 8) & 0xfff;
	uint32_t mi = (dev & 0xff) | ((dev >> 12) & ~0xffu);
	return (t == 0020000 || t == 0060000) && ma == 1 && mi == 1;
}

/* Is the user memory at p (n bytes) one of our own readable buffers? */
static const void *own(uint32_t p, uint32_t n)
{
	uint32_t s = (uint32_t)(uintptr_t)sbuf, g = (uint32_t)(uintptr_t)gbuf;
	if ((p >= s && p + n <= s + sizeof sbuf && p + n > p) ||
	    (p >= g && p + n <= g + GBUF_SIZE && p + n > p))
		return (const void *)(uintptr_t)p;
	return NULL;
}

/* Memory the kernel cannot read: a timeout there is just EFAULT. */
static int unreadable(uint32_t p)
{
	return p < 0x1000 || p >= 0xc0000000u ||
	       (p >= pg(NONE_PAGE) && p < pg(NONE_PAGE) + PAGE) ||
	       (p >= pg(HOLE_PAGE) && p < pg(HOLE_PAGE) + PAGE);
}

/* A timeout structure that may wait long (or is NULL: for ever)? Only
 * our own buffers are looked at; other readable memory (the arena, the
 * program) may hold anything, so it counts as long. */
static int long_wait_ts(uint32_t p, int wide, int null_is_forever)
{
	if (p == 0)
		return null_is_forever;
	if (wide) {
		const int64_t *t = own(p, 16);
		return t ? t[0] > 0 : !unreadable(p);
	}
	const int32_t *t = own(p, 8);
	return t ? t[0] > 0 : !unreadable(p);
}

/* FUTEX_WAIT or FUTEX_WAIT_BITSET (any flags): may block for ever. */
static int futex_waits(uint32_t op)
{
	uint32_t cmd = op & ~(128u | 256u);
	return cmd == 0 || cmd == 9;
}

/* Why a generated call is denied, or NULL. */
static const char *deny_reason(const struct gen *g)
{
	uint32_t nr = g->a[0];
	const uint32_t *a = g->a;
	if (denied_nr(nr))
		return "by number";
	for (int i = 0; i < g_nskip; i++)
		if (g_skip[i] == nr)
			return "skipped (-x)";
	/* LOGFD is never drawn as an fd; random values may still hit it. */
	switch (nr) {
	case 6:	  /* close */
	case 41:  /* dup */
	case 133: /* fchdir */
		if (a[1] == LOGFD)
			return "log fd";
		break;
	case 63:  /* dup2 */
	case 330: /* dup3 */
		if (a[2] == LOGFD || a[1] == LOGFD)
			return "log fd";
		break;
	case 55:
	case 221: /* fcntl: F_DUPFD may not land on it (it is taken) */
		if (a[1] == LOGFD)
			return "log fd";
		break;
	case 37:
		if (bad_kill_target(a[1]))
			return "kill target outside the child";
		break;
	case 238: /* tkill */
		if (bad_kill_target(a[1]))
			return "kill target outside the child";
		break;
	case 270:
	case 335: /* rt_tgsigqueueinfo */
		if (bad_kill_target(a[1]) || bad_kill_target(a[2]))
			return "kill target outside the child";
		break;
	case 178: /* rt_sigqueueinfo */
		if (bad_kill_target(a[1]))
			return "kill target outside the child";
		break;
	case 340: /* prlimit64 */
		if (a[1] != 0 && bad_kill_target(a[1]))
			return "prlimit64 outside the child";
		break;
	case 177:
		if (long_wait_ts(a[3], 0, 1))
			return "long wait";
		break;
	case 421:
		if (long_wait_ts(a[3], 1, 1))
			return "long wait";
		break;
	case 57: { /* setpgid */
		int pid = (int)a[1], pgid = (int)a[2];
		if (pid == 1 || pid == g_parent_pid || pgid == 1 ||
		    pgid == g_parent_pgid || pgid == g_parent_pid)
			return "setpgid outside the child";
		break;
	}
	case 14:
		if (is_mem_dev(a[2], a[3]))
			return "mknod /dev/mem";
		break;
	case 297:
		if (is_mem_dev(a[3], a[4]))
			return "mknod /dev/mem";
		break;
	case 162:
		if (long_wait_ts(a[1], 0, 0))
			return "long sleep";
		break;
	case 407:
		if (long_wait_ts(a[3], 1, 0))
			return "long sleep";
		break;
	case 168:
		if ((int32_t)a[3] < 0 || a[3] > MAX_POLL_MS)
			return "long poll";
		break;
	case 309:
		if (long_wait_ts(a[3], 0, 1))
			return "long poll";
		break;
	case 414:
		if (long_wait_ts(a[3], 1, 1))
			return "long poll";
		break;
	case 240:
	case 422:
		if (futex_waits(a[2]) && long_wait_ts(a[4], nr == 422, 1))
			return "long futex wait";
		break;
	case 1:
	case 252:
		break; /* children may exit */
	}
	return NULL;
}

static void gen_call(struct gen *g)
{
	const struct call *c = pick_call();
	memset(g, 0, sizeof *g);
	sbuf_used = 0;
	g->c = c;
	if (c->nr == 0xffffffff) {
		switch (below(4)) {
		case 0:
		case 1:
			g->a[0] = below(450);
			break;
		case 2:
			g->a[0] = 1000 + below(16);
			break;
		default:
			g->a[0] = v_any();
			break;
		}
	} else {
		g->a[0] = c->nr;
	}
	for (int i = 0; i < 6; i++) {
		/* Arguments filled by an earlier one (lengths, counts). */
		if (i > 0 &&
		    (c->k[i] == K_LEN || c->k[i] == K_IOVCNT ||
		     c->k[i] == K_NFDS) &&
		    (c->k[i - 1] == K_IN || c->k[i - 1] == K_OUT ||
		     c->k[i - 1] == K_IOV || c->k[i - 1] == K_POLLFDS))
			continue;
		g->a[i + 1] = v_kind(c->k[i], g, i);
		if (c->k[i] != K_NONE && c->k[i] != K_IOV &&
		    c->k[i] != K_POLLFDS && c->k[i] != K_IN &&
		    c->k[i] != K_OUT && c->k[i] != K_PATH_OPEN && chance(16))
			g->a[i + 1] = v_any();
	}
	for (int i = 0; i < 6; i++)
		if (c->k[i] == K_PATH_OPEN)
			g->a[i + 1] = v_path_open(g->a[i + 2]);
}

/* ------------------------------------------------------------------ */
/* Guards around calls (unlogged, not random). */

struct kstat64 {
	uint64_t dev;
	uint8_t pad0[4];
	uint32_t ino32, mode, nlink, uid, gid;
	uint64_t rdev;
	uint8_t pad3[4];
	int64_t size;
	uint32_t blksize;
	uint64_t blocks;
	uint32_t t[6];
	uint64_t ino;
} __attribute__((packed));

/* 1: a pipe, 2: the console, 0: something else or no fd. */
static int fd_type(uint32_t fd)
{
	struct kstat64 st;
	if (sys6(197, fd, (uint32_t)(uintptr_t)&st, 0, 0, 0, 0))
		return 0;
	if ((st.mode & 0170000) == 0010000)
		return 1;
	if ((st.mode & 0170000) == 0020000) {
		uint32_t ma = ((uint32_t)st.rdev >> 8) & 0xfff;
		if (ma == 4 || ma == 5)
			return 2;
	}
	return 0;
}

static void make_nonblocking(uint32_t fd)
{
	long fl = sys6(55, fd, 3 /* F_GETFL */, 0, 0, 0, 0);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		sys6(55, fd, 4 /* F_SETFL */, (uint32_t)fl | O_NONBLOCK, 0, 0,
		     0);
}

extern char __executable_start[], _end[];

/* Whether [addr, addr + len) overlaps this program's own image. */
static int hits_image(uint32_t addr, uint32_t len)
{
	uint32_t lo = (uint32_t)(uintptr_t)__executable_start;
	uint32_t hi = (uint32_t)(uintptr_t)_end;
	return addr < hi && (uint64_t)addr + len > lo;
}

static void guard_before(struct gen *g)
{
	uint32_t nr = g->a[0];
	int t;
	switch (nr) {
	case 3:
	case 145:
	case 180: /* reads: never wait (pipes we hold, the console) */
		if (fd_type(g->a[1]))
			make_nonblocking(g->a[1]);
		break;
	case 192: /* mmap2 over our own code would leave a child running a
		   * sled of zero pages for ever: no MAP_FIXED there */
		if ((g->a[4] & 0x10) && hits_image(g->a[1], g->a[2]))
			g->a[4] &= ~0x10u;
		break;
	case 4:
	case 181: /* writes: never wait on a full pipe */
		t = fd_type(g->a[1]);
		if (t)
			make_nonblocking(g->a[1]);
		/* Keep the log readable (see the top). */
		if (t == 2 && g->a[3] > 256)
			g->a[3] = 256;
		break;
	case 146:
		t = fd_type(g->a[1]);
		if (t)
			make_nonblocking(g->a[1]);
		/* Keep the log readable (see the top). */
		if (t == 2) {
			uint32_t *iov = (uint32_t *)own(g->a[2], 8);
			for (uint32_t i = 0;
			     iov && i < 64 && own(g->a[2], 8 * (i + 1)); i++)
				if (iov[2 * i + 1] > 64)
					iov[2 * i + 1] = 64;
			if (!iov || g->a[3] > 64)
				g->a[3] = iov ? 64 : 0;
		}
		break;
	}
}

static char cwd_buf[4200];

static void guard_after(const struct gen *g, long r)
{
	uint32_t nr = g->a[0];
	if ((nr == 12 || nr == 133) && r == 0) {
		size_t n = strlen(g_scratch);
		long c = sys6(183, (uint32_t)(uintptr_t)cwd_buf, sizeof cwd_buf,
			      0, 0, 0, 0);
		if (c < 0 || strncmp(cwd_buf, g_scratch, n) != 0 ||
		    (cwd_buf[n] != 0 && cwd_buf[n] != '/'))
			sys6(12, (uint32_t)(uintptr_t)g_scratch, 0, 0, 0, 0, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Signal frames for sigreturn, in Linux's i386 layouts (kernel/sigframe.c):
 * the rt frame (sig, pinfo, puc, siginfo, ucontext with the sigcontext at
 * word 41 and the mask after it) and the old one (sig, sigcontext at word
 * 2, the high mask word after the 624-byte fpstate). Random words, with
 * the selectors, eip, esp, flags and fpstate pointer drawn from pools. */

static uint32_t build_sigframe(uint32_t nr)
{
	enum { WORDS = 200, SC_RT = 41, SC_OLD = 2 };
	uint32_t *f = (uint32_t *)(uintptr_t)gbuf + 1024; /* 4 KiB in */
	static const uint32_t sels[] = {0,    0x23,   0x2b, 0x1b, 0x33,
					0x3b, 0x43,   0x10, 0x08, 0x18,
					0x28, 0xffff, 0x0f, 0x4b, 0x13};
	for (int i = 0; i < WORDS; i++)
		f[i] = chance(2) ? rnd() : below(16);
	uint32_t *sc = f + (nr == 173 ? SC_RT : SC_OLD);
	sc[0] = chance(4) ? rnd() & 0xffff : PICK(sels);      /* gs */
	sc[1] = chance(4) ? rnd() & 0xffff : PICK(sels);      /* fs */
	sc[2] = PICK(sels);				      /* es */
	sc[3] = PICK(sels);				      /* ds */
	sc[7] = (uint32_t)(uintptr_t)(gbuf + GBUF_SIZE - 64); /* esp */
	if (!chance(8))					      /* eip */
		sc[14] = (uint32_t)(uintptr_t)fz_sr_resume;
	sc[15] = PICK(sels); /* cs */
	sc[16] = chance(2) ? 0x202 : rnd();
	sc[18] = PICK(sels); /* ss */
	/* fpstate: none, random bytes of ours (MXCSR included), or junk */
	sc[19] = chance(3)   ? 0
		 : chance(2) ? (uint32_t)(uintptr_t)(gbuf + 8192)
			     : rnd();
	uint32_t sp = (uint32_t)(uintptr_t)f + (nr == 173 ? 4 : 8);
	return chance(10) ? v_ptr(228, 0) : sp;
}

/* ------------------------------------------------------------------ */
/* A child. */

/* A string argument as "text" when it is in our own buffers. */
static void ostr_user(uint32_t p)
{
	const char *str = own(p, 1);
	if (!str && p >= (uint32_t)(uintptr_t)longp &&
	    p < (uint32_t)(uintptr_t)longp + sizeof longp)
		str = (const char *)(uintptr_t)p;
	if (!str)
		return;
	ostr("\"");
	for (int i = 0; i < 40 && str[i]; i++) {
		char c[2] = {str[i], 0};
		if (c[0] < 32 || c[0] > 126)
			c[0] = '?';
		ostr(c);
	}
	if (strlen(str) > 40)
		ostr("...");
	ostr("\"");
}

static void log_call(long idx, const struct gen *g, const char *deny)
{
	odec(g_child);
	ostr(".");
	odec(idx);
	ostr(" ");
	ostr(g->c->nr == 0xffffffff ? "nr" : g->c->name);
	if (g->c->nr == 0xffffffff) {
		ostr("#");
		odec((long)g->a[0]);
	}
	ostr("(");
	int n = 6;
	while (n > 0 && g->c->k[n - 1] == K_NONE)
		n--;
	for (int i = 0; i < n; i++) {
		if (i)
			ostr(", ");
		ohex(g->a[i + 1]);
		int k = g->c->k[i];
		if (k == K_PATH_R || k == K_PATH_W || k == K_PATH_OPEN ||
		    k == K_PATH_DIR || k == K_PATH_EXEC)
			ostr_user(g->a[i + 1]);
		/* Small structures: their words. */
		int words = k == K_TLS		? 4
			    : k == K_TS		? 2
			    : k == K_TS64	? 4
			    : k == K_SIGACT	? 5
			    : k == K_MMAPSTRUCT ? 6
						: 0;
		const uint32_t *w = own(g->a[i + 1], (uint32_t)words * 4);
		for (int j = 0; w && j < words; j++) {
			ostr(j ? " " : "{");
			ohex(w[j]);
			if (j == words - 1)
				ostr("}");
		}
	}
	ostr(")");
	if (deny) {
		ostr(" denied: ");
		ostr(deny);
		ostr("\n");
	}
	oflush(LOGFD);
}

static void log_result(long r)
{
	ostr(" = ");
	if (r < 0 && r > -4096)
		odec(r);
	else
		ohex((uint32_t)r);
	ostr("\n");
	oflush(LOGFD);
}

static void mkfile(const char *name, const void *data, uint32_t n)
{
	long fd = sys6(5, (uint32_t)(uintptr_t)name,
		       O_WRONLY | O_CREAT | O_TRUNC, 0755, 0, 0, 0);
	if (fd >= 0) {
		sys6(4, (uint32_t)fd, (uint32_t)(uintptr_t)data, n, 0, 0, 0);
		sys6(6, (uint32_t)fd, 0, 0, 0, 0, 0);
	}
}

static void child_setup(void)
{
	static char names[8][16];
	/* Own process group, so kill(0, ...) stays in here. */
	sys6(57, 0, 0, 0, 0, 0, 0);
	g_self = (int)sys6(20, 0, 0, 0, 0, 0, 0);
	g_brk0 = (uint32_t)sys6(45, 0, 0, 0, 0, 0, 0);
	/* SIGPIPE would end most children early. */
	uint32_t ign[5] = {1, 0, 0, 0, 0};
	sys6(174, SIGPIPE, (uint32_t)(uintptr_t)ign, 0, 8, 0, 0);
	/* The log fd, then fd 0 from /dev/null (no console reads). */
	sys6(63, 1, LOGFD, 0, 0, 0, 0);
	long nfd =
	    sys6(5, (uint32_t)(uintptr_t) "/dev/null", O_RDWR, 0, 0, 0, 0);
	if (nfd > 0) {
		sys6(63, (uint32_t)nfd, 0, 0, 0, 0, 0);
		sys6(6, (uint32_t)nfd, 0, 0, 0, 0, 0);
	}
	/* Scratch directory with a few files; we run inside it. */
	sys6(39, (uint32_t)(uintptr_t)g_scratch, 0755, 0, 0, 0, 0);
	sys6(12, (uint32_t)(uintptr_t)g_scratch, 0, 0, 0, 0, 0);
	sys6(39, (uint32_t)(uintptr_t) "d", 0755, 0, 0, 0, 0);
	sys6(39, (uint32_t)(uintptr_t) "d/g", 0755, 0, 0, 0, 0);
	fill_random(gbuf, GBUF_SIZE);
	mkfile("a", gbuf, 1 + below(9000));
	mkfile("b", "hello\n", 6);
	mkfile("d/f", gbuf + 100, below(5000));
	sys6(83, (uint32_t)(uintptr_t) "a", (uint32_t)(uintptr_t) "s", 0, 0, 0,
	     0);
	sys6(83, (uint32_t)(uintptr_t) "s", (uint32_t)(uintptr_t) "d/s", 0, 0,
	     0, 0);
	/* x: an ELF header with random program headers; y: garbage; z: a
	 * script. */
	{
		uint32_t *e = (uint32_t *)(void *)(gbuf + 8192);
		uint8_t *b = (uint8_t *)e;
		fill_random(b, 512);
		memcpy(b, "\177ELF\1\1\1", 7);
		b[16] = 2; /* ET_EXEC */
		b[17] = 0;
		b[18] = 3; /* EM_386 */
		b[19] = 0;
		e[5] = 1;			       /* e_version */
		e[6] = chance(2) ? 0x08048080 : rnd(); /* e_entry */
		e[7] = chance(2) ? 52 : below(600);    /* e_phoff */
		b[42] = 32;			       /* e_phentsize */
		b[43] = 0;
		b[44] = (uint8_t)(chance(2) ? 1 + below(3) : rnd());
		b[45] = chance(4) ? (uint8_t)rnd() : 0;
		uint32_t *ph = (uint32_t *)(void *)(b + 52);
		for (int i = 0; i < 3; i++) {
			ph[8 * i] = chance(4) ? rnd() : 1; /* PT_LOAD */
			ph[8 * i + 1] = chance(2) ? 0 : below(1024);
			ph[8 * i + 2] =
			    chance(2) ? 0x08048000u + 0x1000u * (uint32_t)i
				      : v_addr();
			ph[8 * i + 4] = chance(2) ? below(600) : v_len();
			ph[8 * i + 5] = chance(2) ? below(0x3000) : v_len();
			ph[8 * i + 6] = below(8);
		}
		/* Past the headers: int3, so a loaded image traps at once
		 * instead of running (and maybe spinning) on garbage. */
		memset(b + 148, 0xcc, 512 - 148);
		mkfile("x", b, 200 + below(312));
		mkfile("y", gbuf + 20000, below(100));
		mkfile("z", "#!/bin/sh\nexit 0\n", 17);
	}
	/* Strings for argv arrays. */
	for (int i = 0; i < 8; i++) {
		int n = (int)below(15);
		for (int j = 0; j < n; j++)
			names[i][j] = (char)('a' + below(26));
		names[i][n] = 0;
		argv_strs[i] = (uint32_t)(uintptr_t)names[i];
	}
	/* fds 3..: a, b (read-only), d, /dev/null, /dev/zero, a pipe. */
	sys6(5, (uint32_t)(uintptr_t) "a", O_RDWR, 0, 0, 0, 0);
	sys6(5, (uint32_t)(uintptr_t) "b", O_RDONLY, 0, 0, 0, 0);
	sys6(5, (uint32_t)(uintptr_t) "d", O_RDONLY | O_DIRECTORY, 0, 0, 0, 0);
	sys6(5, (uint32_t)(uintptr_t) "/dev/null", O_RDWR, 0, 0, 0, 0);
	sys6(5, (uint32_t)(uintptr_t) "/dev/zero", O_RDONLY, 0, 0, 0, 0);
	int pfd[2];
	sys6(331, (uint32_t)(uintptr_t)pfd, O_NONBLOCK, 0, 0, 0, 0);
	/* The arena. */
	long m = sys6(192, 0, ARENA_PAGES * PAGE, 3, 0x22, 0xffffffff, 0);
	if (m < 0 && m > -4096)
		m = 0x30000000; /* then it is all bad pointers */
	arena = (uint32_t)m;
	for (int i = 0; i < ARENA_PAGES; i++)
		if (i != HOLE_PAGE && i != NONE_PAGE && i != RO_PAGE)
			((uint8_t *)(uintptr_t)pg(i))[0] = (uint8_t)i;
	sys6(125, pg(RO_PAGE), PAGE, 1, 0, 0, 0);
	sys6(125, pg(NONE_PAGE), PAGE, 0, 0, 0, 0);
	sys6(91, pg(HOLE_PAGE), PAGE, 0, 0, 0, 0);
}

static void child_run(long k, long ncalls)
{
	g_child = k;
	rng_state =
	    ((uint64_t)g_seed << 32) ^ (uint64_t)k * 0x2545f4914f6cdd1dull;
	rnd64();
	child_setup();
	for (long i = 0; i < ncalls; i++) {
		struct gen g;
		gen_call(&g);
		const char *deny = deny_reason(&g);
		if (deny) {
			if (g_verbose)
				log_call(i, &g, deny);
			continue;
		}
		guard_before(&g);
		uint32_t sp = 0;
		if (g.a[0] == 119 || g.a[0] == 173)
			sp = build_sigframe(g.a[0]);
		if (g_verbose) {
			log_call(i, &g, NULL);
			if (sp) {
				ostr(" esp=");
				ohex(sp);
				oflush(LOGFD);
			}
		}
		long r;
		if (sp)
			r = fz_sigreturn(g.a[0], sp);
		else if (g.a[0] == 2 || g.a[0] == 120 || g.a[0] == 190)
			r = fz_forkcall(g.a);
		else
			r = fz_syscall(g.a);
		if (g_verbose)
			log_result(r);
		guard_after(&g, r);
	}
	sys6(1, 0, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------------ */
/* The parent. */

static long opt_calls = 1000000, opt_batch = 100, opt_replay = -1;
static int opt_timeout = 10;
static int seed_given, opt_bisect;
static long opt_limit = -1;

static uint32_t free_pages(void)
{
	struct vm_stats st;
	memset(&st, 0, sizeof st);
	if (vm_stats(&st) != 0)
		return 0;
	return st.total - st.used_outside_slab - st.slab_objects;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	if (syscall(SYS_nanosleep, &ts, NULL) == -1 && errno == ENOSYS)
		nanosleep(&ts, NULL);
}

/* Remove the tree at rm_path (extended in place for the entries). No
 * malloc and little stack, so the parent's own memory stays the same
 * from child to child (the leak check counts it). */
static char rm_path[8192];
static char rm_dents[4096];

static void rm_tree(int depth)
{
	struct stat st;
	if (lstat(rm_path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode) || depth >= 64) {
		unlink(rm_path);
		rmdir(rm_path);
		return;
	}
	chmod(rm_path, 0755);
	size_t len = strlen(rm_path);
	for (int guard = 0; guard < 10000; guard++) {
		int fd = open(rm_path, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			break;
		long n = syscall(SYS_getdents64, fd, rm_dents, sizeof rm_dents);
		close(fd);
		const char *name = NULL;
		for (long off = 0; off < n;) {
			/* struct linux_dirent64: ino 8, off 8, reclen 2,
			 * type 1, name */
			uint16_t reclen;
			memcpy(&reclen, rm_dents + off + 16, 2);
			const char *nm = rm_dents + off + 19;
			if (reclen == 0)
				break;
			if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
				name = nm;
				break;
			}
			off += reclen;
		}
		if (!name || len + 2 + strlen(name) >= sizeof rm_path)
			break;
		rm_path[len] = '/';
		strcpy(rm_path + len + 1, name);
		rm_tree(depth + 1);
		rm_path[len] = 0;
	}
	rmdir(rm_path);
}

static void reap_orphans(void)
{
	int st;
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

/* Wait (up to ms) until we have no children left; 0 if none are left.
 * As init we inherit the orphans of every child, so their pages are
 * counted only once they are reaped. */
static int reap_all(long ms)
{
	int st;
	for (long t = 0; t <= ms / 10; t++) {
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0)
			;
		if (r == -1 && errno == ECHILD)
			return 0;
		sleep_ms(10);
	}
	return -1;
}

/* After a child: its process group (forks that have not run their exit
 * yet), its files and SysV segments go (they outlive it). */
static void cleanup_after(long k, pid_t pid)
{
	static int stuck; /* after one report, do not wait 2 s each time */
	kill(-pid, SIGKILL);
	if (reap_all(stuck ? 100 : 2000) != 0 && !stuck++) {
		printf("\nfuzz: child %ld: descendants still alive after 2 s "
		       "(replay: fuzz -s %u -b %ld -r %ld -v; reported once); "
		       "live pids:",
		       k, g_seed, opt_batch, k);
		for (int p = 1; p < 1000; p++) {
			char path[32];
			struct stat st;
			snprintf(path, sizeof path, "/proc/%d/maps", p);
			if (p != g_parent_pid && stat(path, &st) == 0)
				printf(" %d", p);
		}
		printf("\n");
	}
	snprintf(rm_path, sizeof rm_path, SCRATCH_ROOT);
	rm_tree(0);
	/* Ids are index + seq * 32768 (as Linux): find them by index. */
	for (int idx = 0; idx < 64; idx++) {
		static char ds[128];
		long id = syscall(SYS_shmctl, idx, 15 /* SHM_STAT_ANY */, ds);
		if (id >= 0)
			syscall(SYS_shmctl, id, 0 /* IPC_RMID */, 0);
	}
	reap_orphans();
}

struct outcome {
	int done, hung, status;
	long
	    delta; /* free pages after the child and its cleanup, less before */
};

static int have_vm;

/* Run child k for ncalls calls, with the watchdog; 0, or -1 when fork
 * keeps failing. */
static int run_one(long k, long ncalls, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	snprintf(g_scratch, sizeof g_scratch, SCRATCH_ROOT);
	snprintf(g_abs_a, sizeof g_abs_a, "%s/a", g_scratch);
	snprintf(g_abs_d, sizeof g_abs_d, "%s/d/f", g_scratch);
	struct vm_stats s0, s1;
	memset(&s0, 0, sizeof s0);
	vm_stats(&s0);
	uint32_t before = have_vm ? free_pages() : 0;
	pid_t pid;
	for (int tries = 0; (pid = fork()) == -1; tries++) {
		if (tries == 50)
			return -1;
		sleep_ms(100);
		reap_orphans();
	}
	if (pid == 0)
		child_run(k, ncalls);
	for (long t = 0; t < (long)opt_timeout * 100; t++) {
		pid_t r = waitpid(pid, &o->status, WNOHANG | WUNTRACED);
		if (r == pid && WIFSTOPPED(o->status)) {
			kill(pid, SIGCONT); /* it stopped itself: go on */
			continue;
		}
		if (r == pid) {
			o->done = 1;
			break;
		}
		if (r == -1 && errno != EINTR)
			break;
		sleep_ms(10);
	}
	if (!o->done) {
		o->hung = 1;
		kill(pid, SIGKILL);
		for (int i = 0; i < 500 && !o->done; i++) {
			if (waitpid(pid, &o->status, WNOHANG) == pid)
				o->done = 1;
			else
				sleep_ms(10);
		}
	}
	cleanup_after(k, pid);
	if (have_vm)
		o->delta = (long)free_pages() - (long)before;
	if (o->delta) {
		memset(&s1, 0, sizeof s1);
		vm_stats(&s1);
		printf("\nfuzz: child %ld: pages kernel %+ld user %+ld cached "
		       "%+ld outside slab %+ld, slab objects %+ld\n",
		       k, (long)s1.kernel - (long)s0.kernel,
		       (long)s1.user - (long)s0.user,
		       (long)s1.cached - (long)s0.cached,
		       (long)s1.used_outside_slab - (long)s0.used_outside_slab,
		       (long)s1.slab_objects - (long)s0.slab_objects);
	}
	return 0;
}

/* -L: find the first call of child k after which pages are missing, by
 * running its first n calls for n found by bisection, then run that
 * prefix once more verbosely: its last call is the culprit. */
static void bisect_leak(long k, long ncalls)
{
	struct outcome o;
	int v = g_verbose;
	g_verbose = 0;
	if (run_one(k, ncalls, &o) || o.delta >= 0) {
		printf("fuzz: bisect: child %ld loses no pages (%+ld)\n", k,
		       o.delta);
		g_verbose = v;
		return;
	}
	long lo = 0, hi = ncalls; /* lo calls: no loss; hi calls: loss */
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		if (run_one(k, mid, &o))
			break;
		printf("fuzz: bisect: %ld calls: %+ld pages\n", mid, o.delta);
		if (o.delta < 0)
			hi = mid;
		else
			lo = mid;
	}
	printf("fuzz: bisect: child %ld loses pages from call %ld on; its "
	       "first %ld calls:\n",
	       k, hi - 1, hi);
	g_verbose = 1;
	run_one(k, hi, &o);
	printf("\nfuzz: bisect: culprit: call %ld.%ld above (%+ld pages)\n", k,
	       hi - 1, o.delta);
	g_verbose = v;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-s SEED] [-n CALLS] [-b BATCH] [-r CHILD] [-v] "
		"[-t SECONDS] [-x NR,...] [-L] [-l N]\n",
		argv0);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int opt;
	optind = 1;
	while ((opt = getopt(argc, argv, "s:n:b:r:vt:x:Ll:")) != -1) {
		switch (opt) {
		case 's':
			g_seed = (uint32_t)strtoul(optarg, NULL, 0);
			seed_given = 1;
			break;
		case 'n':
			opt_calls = strtol(optarg, NULL, 0);
			break;
		case 'b':
			opt_batch = strtol(optarg, NULL, 0);
			if (opt_batch < 1)
				opt_batch = 1;
			break;
		case 'r':
			opt_replay = strtol(optarg, NULL, 0);
			break;
		case 'v':
			g_verbose = 1;
			break;
		case 'L':
			opt_bisect = 1;
			break;
		case 'l':
			opt_limit = strtol(optarg, NULL, 0);
			break;
		case 'x':
			for (char *t = strtok(optarg, ","); t && g_nskip < 32;
			     t = strtok(NULL, ","))
				g_skip[g_nskip++] =
				    (uint32_t)strtoul(t, NULL, 0);
			break;
		case 't':
			opt_timeout = atoi(optarg) > 0 ? atoi(optarg) : 10;
			break;
		default:
			usage(argv[0]);
		}
	}
}

/* Arguments from /etc/fuzz-args when we got none (init gets none). */
static void args_from_file(char *argv0)
{
	static char buf[512];
	static char *av[32];
	FILE *f = fopen("/etc/fuzz-args", "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	int ac = 0;
	av[ac++] = argv0;
	for (char *t = strtok(buf, " \t\r\n"); t && ac < 31;
	     t = strtok(NULL, " \t\r\n"))
		av[ac++] = t;
	av[ac] = NULL;
	parse_args(ac, av);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		parse_args(argc, argv);
	else
		args_from_file(argv[0]);
	if (!seed_given)
		g_seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	for (size_t i = 0; i < NCALLS; i++)
		total_weight += calls[i].weight;
	g_parent_pid = getpid();
	g_parent_pgid = getpgrp();

	long nchildren = (opt_calls + opt_batch - 1) / opt_batch;
	long first = 0, last = nchildren;
	if (opt_replay >= 0) {
		first = opt_replay;
		last = opt_replay + 1;
	}
	printf("fuzz: seed %u calls %ld batch %ld children %ld%s (replay: "
	       "fuzz -s %u -b %ld -r CHILD -v)\n",
	       g_seed, opt_calls, opt_batch, nchildren,
	       opt_replay >= 0 ? " replaying one" : "", g_seed, opt_batch);
	mkdir("/tmp", 01777);
	reap_orphans();
	have_vm = free_pages() != 0;
	{ /* Touch the stack the parent will use, before counting pages. */
		volatile char stack[64 * 1024];
		memset((char *)stack, 0, sizeof stack);
	}
	uint32_t before = free_pages();
	long hung = 0, killed = 0, exited = 0, first_hung = -1;
	long first_leak = -1;
	char why[300] = "";
	int sigcount[65] = {0};
	for (long k = first; k < last; k++) {
		long ncalls = opt_batch;
		if (k == nchildren - 1 && opt_calls % opt_batch)
			ncalls = opt_calls % opt_batch;
		if (opt_limit >= 0 && ncalls > opt_limit)
			ncalls = opt_limit;
		/* A newline first: the last child may have left half a line of
		 * garbage on the console. */
		if (!g_verbose && (k % 100 == 0 || opt_replay >= 0 || k < 10))
			printf("\nfuzz: child %ld\n", k);
		else if (!g_verbose)
			printf("\nc%ld\n", k);
		struct outcome o;
		if (run_one(k, ncalls, &o) != 0) {
			snprintf(why, sizeof why, "fork keeps failing: %s",
				 strerror(errno));
			break;
		}
		if (o.hung) {
			printf("\nfuzz: HANG child %ld ran over %d s, killed%s "
			       "(replay: fuzz -s %u -b %ld -r %ld -v)\n",
			       k, opt_timeout,
			       o.done ? "" : " (and it survived SIGKILL)",
			       g_seed, opt_batch, k);
			hung++;
			if (first_hung < 0)
				first_hung = k;
		}
		if (o.done && WIFSIGNALED(o.status)) {
			killed++;
			sigcount[WTERMSIG(o.status) & 63]++;
		} else if (o.done) {
			exited++;
		}
		if (o.delta) {
			printf(
			    "\nfuzz: child %ld: free pages %+ld (replay: fuzz "
			    "-s %u -b %ld -r %ld -v; find the call: -L)\n",
			    k, o.delta, g_seed, opt_batch, k);
			if (o.delta < 0 && first_leak < 0)
				first_leak = k;
		}
	}
	if (opt_bisect && opt_replay >= 0)
		bisect_leak(opt_replay, opt_batch);
	reap_orphans();
	if (have_vm) {
		vm_sanity_check();
		uint32_t after = free_pages();
		if (after != before && !why[0])
			snprintf(why, sizeof why,
				 "free pages %u before, %u after (%+ld; first "
				 "child with fewer: %ld)",
				 before, after, (long)after - (long)before,
				 first_leak);
	}
	printf("fuzz: %ld children exited, %ld killed by signals (", exited,
	       killed);
	for (int s = 1; s < 65; s++)
		if (sigcount[s])
			printf(" %d:%d", s, sigcount[s]);
	printf(" ), %ld hung\n", hung);
	if (hung && !why[0])
		snprintf(
		    why, sizeof why,
		    "%ld children hung (first: fuzz -s %u -b %ld -r %ld -v)",
		    hung, g_seed, opt_batch, first_hung);
	long n = opt_replay >= 0 ? opt_batch : opt_calls;
	if (why[0])
		printf("FAIL fuzz/%ld: %s\n", n, why);
	else
		printf("PASS fuzz/%ld\n", n);
	return why[0] ? 1 : 0;
}
