/* bad_input - garbage arguments to every system call we use: NULL, 1,
 * 0xC0000000 and 0xFFFFFFFF pointers, huge lengths, bad descriptors (-1,
 * 9999), bad flags and numbers. Each call must return -1 with an errno
 * (the exact errno where Linux's is unambiguous), nothing may crash, no
 * descriptor may leak, and the program is still alive at the end. */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include "guest.h"

/* Bad pointers on purpose. */
#pragma GCC diagnostic ignored "-Wnonnull"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

static int nbad;
static char first_bad[200];

static void report(const char *what, long r, int e, const char *want, int line)
{
	char msg[200];
	snprintf(msg, sizeof msg,
		 "%s returned %ld errno %d (%s), expected -1 %s (line %d)",
		 what, r, e, strerror(e), want, line);
	printf("%s\n", msg);
	if (nbad++ == 0)
		strcpy(first_bad, msg);
}

/* BAD(expr): -1 with some errno. BADE(expr, E): -1 with errno E. */
#define BAD(expr)                                                        \
	do {                                                             \
		errno = 0;                                               \
		long r_ = (long)(expr);                                  \
		int e_ = errno;                                          \
		if (r_ != -1 || e_ == 0)                                 \
			report(#expr, r_, e_, "and an errno", __LINE__); \
	} while (0)
#define BADE(expr, E)                                        \
	do {                                                 \
		errno = 0;                                   \
		long r_ = (long)(expr);                      \
		int e_ = errno;                              \
		if (r_ != -1 || e_ != (E))                   \
			report(#expr, r_, e_, #E, __LINE__); \
	} while (0)

#define K ((void *)0xC0000000)
#define TOP ((void *)0xFFFFFFFF)
#define ONE ((void *)1)

static int lowest_free_fd(void)
{
	int fd = open("/", O_RDONLY);
	CHECK_SYS(fd);
	close(fd);
	return fd;
}

static void remove_tmp(void)
{
	unlink("/tmp/bad_input.tmp");
}

int main(int argc, char **argv)
{
	(void)argc;
	guest_cleanup = remove_tmp;
	int ours = have_vmkernel();
	int fd0 = lowest_free_fd();
	char buf[256];
	int fds[2];
	CHECK_SYS(pipe(fds));
	CHECK(write(fds[1], "data", 4) == 4, "pipe write failed");
	int file = open("/tmp/bad_input.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file < 0)
		printf("bad_input: cannot create /tmp/bad_input.tmp (%s): "
		       "no regular-file cases\n",
		       strerror(errno));
	else
		CHECK(write(file, "0123456789", 10) == 10, "file write failed");

	/* read / write */
	BADE(read(-1, buf, 1), EBADF);
	BADE(read(9999, buf, 1), EBADF);
	BADE(read(fds[1], buf, 1), EBADF);
	BADE(read(fds[0], NULL, 10), EFAULT);
	BADE(read(fds[0], ONE, 10), EFAULT);
	BADE(read(fds[0], K, 10), EFAULT);
	BADE(read(fds[0], TOP, 10), EFAULT);
	if (file >= 0) {
		BADE(pread(file, K, 10, 0), EFAULT);
		BADE(pread(file, TOP, 10, 0), EFAULT);
		BADE(write(file, K, 10), EFAULT);
	}
	BADE(write(-1, "x", 1), EBADF);
	BADE(write(9999, "x", 1), EBADF);
	BADE(write(fds[0], "x", 1), EBADF);
	BADE(write(fds[1], NULL, 10), EFAULT);
	BADE(write(fds[1], K, 0x7fffffff), EFAULT);
	BADE(write(fds[1], TOP, 10), EFAULT);
	BADE(write(1, NULL, 0xffffffff), EFAULT);
	BAD(syscall(SYS_readv, fds[0], K, 2));
	BAD(syscall(SYS_writev, 1, NULL, 2));

	/* open / close */
	BADE(open(NULL, O_RDONLY), EFAULT);
	BADE(open(ONE, O_RDONLY), EFAULT);
	BADE(open(K, O_RDONLY), EFAULT);
	BADE(open(TOP, O_RDONLY), EFAULT);
	BADE(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
	BADE(syscall(SYS_open, K, O_RDONLY), EFAULT);
	BADE(syscall(SYS_open, "/no/such", O_RDONLY), ENOENT);
	BADE(syscall(SYS_openat, -100, TOP, O_RDONLY), EFAULT);
	BADE(syscall(SYS_openat, 9999, "relative", O_RDONLY), EBADF);
	BADE(open("", O_RDONLY), ENOENT);
	BADE(open("/no/such/file", O_RDONLY), ENOENT);
	BADE(open("/no/such/dir/file", O_WRONLY | O_CREAT, 0600), ENOENT);
	BADE(open("/", O_WRONLY), EISDIR);
	memset(buf, 'a', sizeof buf);
	buf[sizeof buf - 1] = 0;
	{
		static char longname[5000];
		memset(longname, 'a', sizeof longname - 1);
		longname[0] = '/';
		BADE(open(longname, O_RDONLY), ENAMETOOLONG);
	}
	BADE(close(-1), EBADF);
	BADE(close(9999), EBADF);
	BADE(close(0x7fffffff), EBADF);

	/* lseek */
	BADE(lseek(-1, 0, SEEK_SET), EBADF);
	BADE(lseek(9999, 0, SEEK_SET), EBADF);
	BADE(lseek(fds[0], 0, SEEK_SET), ESPIPE);
	if (file >= 0) {
		BADE(lseek(file, -100, SEEK_SET), EINVAL);
		BADE(lseek(file, 0, 99), EINVAL);
		BADE(syscall(SYS_lseek, file, 0, 99), EINVAL);
		BADE(syscall(SYS__llseek, file, 0, 0, K, SEEK_SET), EFAULT);
	}
	BADE(syscall(SYS__llseek, 9999, 0, 0, buf, SEEK_SET), EBADF);

	/* brk: the raw call never fails, it returns the unchanged break. */
	{
		long cur = syscall(SYS_brk, 0);
		long r;
		if ((r = syscall(SYS_brk, 0xffffffff)) != cur)
			report("brk(0xffffffff)", r, 0, "the old break",
			       __LINE__);
		/* (A 32-bit process on x86_64 Linux may own 0xC0000000.) */
		if (ours && (r = syscall(SYS_brk, 0xC0000000)) != cur) {
			report("brk(0xC0000000)", r, 0, "the old break",
			       __LINE__);
			syscall(SYS_brk, cur);
		}
		if ((r = syscall(SYS_brk, 1)) != cur)
			report("brk(1)", r, 0, "the old break", __LINE__);
		if ((r = syscall(SYS_brk, 0)) != cur)
			report("brk(0) again", r, 0, "the old break", __LINE__);
	}

	/* mmap2 / munmap / mprotect */
	BADE(syscall(SYS_mmap2, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0),
	     EINVAL);
	BADE(syscall(SYS_mmap2, 0, 0xfffff000, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	     ENOMEM);
	BADE(syscall(SYS_mmap2, 0, 0xffffffff, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	     ENOMEM);
	BADE(syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_PRIVATE, 9999, 0),
	     EBADF);
	BADE(syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
	BAD(syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_PRIVATE, fds[0], 0));
	BADE(syscall(SYS_mmap2, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0),
	     EINVAL);
	BAD(syscall(SYS_mmap2, 1, PAGE, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	BAD(syscall(SYS_mmap2, 0xfffff000, 0x2000, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	if (ours)
		BAD(syscall(SYS_mmap2, 0xC0000000, PAGE, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	char *page = map_anon(PAGE);
	BADE(munmap(ONE, PAGE), EINVAL);
	BADE(munmap(page, 0), EINVAL);
	BADE(munmap(page + 8, PAGE), EINVAL);
	BAD(munmap((void *)0xfffff000, 0x2000));
	BAD(munmap(page, 0xfffff000));
	if (ours)
		BAD(munmap(K, PAGE));
	BADE(mprotect(ONE, PAGE, PROT_READ), EINVAL);
	BADE(mprotect(page, PAGE, 0x12345600), EINVAL);
	/* (Linux changes what it can before it reports ENOMEM, so a huge
	 * length from a mapped page only on our kernel.) */
	if (ours)
		BAD(mprotect(page, 0xfffff000, PROT_READ));
	{
		char *hole = map_anon(PAGE);
		CHECK_SYS(munmap(hole, PAGE));
		BADE(mprotect(hole, PAGE, PROT_READ), ENOMEM);
		BAD(mprotect(hole, 0xfffff000, PROT_READ));
	}
	if (ours)
		BAD(mprotect(K, PAGE, PROT_READ | PROT_WRITE));
	page[0] = 1; /* still mapped and writable */
	CHECK_SYS(munmap(page, PAGE));

	/* execve: bad path pointers here; bad argv/envp in a child (if the
	 * kernel wrongly ran the program, hello would exit 0). */
	{
		char *av[] = {"x", NULL};
		BADE(execve(NULL, av, NULL), EFAULT);
		BADE(execve(K, av, NULL), EFAULT);
		BADE(execve(ONE, av, NULL), EFAULT);
		char hello[256];
		snprintf(hello, sizeof hello, "%s", argv[0]);
		char *slash = strrchr(hello, '/');
		if (slash && access(hello, X_OK) == 0) {
			strcpy(slash + 1, "hello");
			char **bad_vectors[][2] = {
			    {(char **)ONE, av},
			    {(char **)K, av},
			    {av, (char **)K},
			    {(char *[]){"x", (char *)K, NULL}, av},
			    {av, (char *[]){(char *)1, NULL}},
			};
			for (size_t i = 0;
			     i < sizeof bad_vectors / sizeof bad_vectors[0];
			     i++) {
				pid_t pid = fork();
				CHECK_SYS(pid);
				if (pid == 0) {
					execve(hello, bad_vectors[i][0],
					       bad_vectors[i][1]);
					_exit(errno == EFAULT ? 10 : 11);
				}
				int st = wait_for(pid);
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 10) {
					char b[80], what[64];
					snprintf(what, sizeof what,
						 "execve with bad vector #%zu",
						 i);
					report(what, -2, 0,
					       status_str(st, b, sizeof b),
					       __LINE__);
				}
			}
		}
	}

	/* wait4 */
	{
		int st;
		BADE(wait4(-1, &st, 0, NULL), ECHILD);
		BADE(wait4(12345, &st, WNOHANG, NULL), ECHILD);
		BADE(wait4(-1, &st, 0x7fff0000, NULL), EINVAL);
		pid_t pid = fork();
		CHECK_SYS(pid);
		if (pid == 0)
			_exit(3);
		sleep_ms(30); /* let it become a zombie */
		BADE(wait4(pid, ONE, 0, NULL), EFAULT);
		/* Linux reaps the child anyway; either way wait must not hang
		 * or report nonsense now. */
		pid_t r = wait4(pid, &st, WNOHANG, NULL);
		if (r == pid) {
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 3)
				report("wait4 after EFAULT", r, 0, "status 3",
				       __LINE__);
		} else if (!(r == -1 && errno == ECHILD)) {
			report("wait4 after EFAULT", r, errno, "pid or ECHILD",
			       __LINE__);
		}
	}

	/* kill */
	BADE(kill(0x7ffffff0, 0), ESRCH);
	BADE(kill(-0x7ffffff0, SIGTERM), ESRCH);
	BADE(kill(getpid(), 999), EINVAL);
	BADE(kill(getpid(), -1), EINVAL);

	/* dup2 / fcntl64 */
	BADE(dup2(-1, 5), EBADF);
	BADE(dup2(9999, 5), EBADF);
	BADE(dup2(1, -1), EBADF);
	BADE(dup2(1, 99999), EBADF);
	BADE(syscall(SYS_dup, 9999), EBADF);
	BADE(syscall(SYS_fcntl64, -1, F_GETFD), EBADF);
	BADE(syscall(SYS_fcntl64, 9999, F_GETFL), EBADF);
	BADE(syscall(SYS_fcntl64, 1, 9999, 0), EINVAL);
	BADE(syscall(SYS_fcntl64, 1, F_DUPFD, 99999), EINVAL);
	if (file >= 0) {
		BAD(syscall(SYS_fcntl64, file, F_GETLK, NULL));
		BAD(syscall(SYS_fcntl64, file, F_SETLK, K));
	}

	/* pipe */
	BADE(pipe(NULL), EFAULT);
	BADE(pipe(ONE), EFAULT);
	BADE(pipe(K), EFAULT);
	BADE(pipe(TOP), EFAULT);
	BAD(syscall(SYS_pipe2, fds, 0x7ff00000));

	/* ioctl */
	BADE(ioctl(-1, TCGETS, buf), EBADF);
	BADE(ioctl(9999, TCGETS, buf), EBADF);
	if (file >= 0)
		BADE(ioctl(file, TCGETS, buf), ENOTTY);
	BAD(ioctl(1, 0xdeadbeef, 0));
	BAD(ioctl(0, TCGETS, K));
	BAD(ioctl(1, TIOCGWINSZ, NULL));
	BAD(ioctl(fds[0], TCGETS, buf));

	/* fstat64 and friends */
	BADE(syscall(SYS_fstat64, -1, buf), EBADF);
	BADE(syscall(SYS_fstat64, 9999, buf), EBADF);
	BADE(syscall(SYS_fstat64, 1, NULL), EFAULT);
	BADE(syscall(SYS_fstat64, 1, K), EFAULT);
	BADE(syscall(SYS_fstat64, 1, TOP), EFAULT);
	BADE(syscall(SYS_stat64, NULL, buf), EFAULT);
	BADE(syscall(SYS_stat64, "/", K), EFAULT);
	BADE(syscall(SYS_stat64, "/no/such", buf), ENOENT);

	/* rt_sigaction / rt_sigprocmask */
	{
		struct {
			unsigned long handler, flags, restorer;
			unsigned long mask[2];
		} act = {(unsigned long)SIG_IGN, 0, 0, {0, 0}};
		BADE(syscall(SYS_rt_sigaction, 999, &act, NULL, 8), EINVAL);
		BADE(syscall(SYS_rt_sigaction, 0, &act, NULL, 8), EINVAL);
		BADE(syscall(SYS_rt_sigaction, SIGKILL, &act, NULL, 8), EINVAL);
		BADE(syscall(SYS_rt_sigaction, SIGSTOP, &act, NULL, 8), EINVAL);
		BADE(syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 4), EINVAL);
		BADE(syscall(SYS_rt_sigaction, SIGUSR1, ONE, NULL, 8), EFAULT);
		BADE(syscall(SYS_rt_sigaction, SIGUSR1, K, NULL, 8), EFAULT);
		BADE(syscall(SYS_rt_sigaction, SIGUSR1, NULL, K, 8), EFAULT);
		unsigned long set[2] = {0, 0};
		BADE(syscall(SYS_rt_sigprocmask, 99, set, NULL, 8), EINVAL);
		BADE(syscall(SYS_rt_sigprocmask, SIG_BLOCK, K, NULL, 8),
		     EFAULT);
	}

	/* set_thread_area */
	{
		struct {
			unsigned int entry, base, limit, flags;
		} desc = {999, 0, 0xfffff, 0x51};
		BADE(syscall(SYS_set_thread_area, NULL), EFAULT);
		BADE(syscall(SYS_set_thread_area, ONE), EFAULT);
		BADE(syscall(SYS_set_thread_area, K), EFAULT);
		BADE(syscall(SYS_set_thread_area, &desc), EINVAL);
	}

	/* Others. */
	BADE(syscall(SYS_nanosleep, NULL, NULL), EFAULT);
	BADE(syscall(SYS_nanosleep, K, NULL), EFAULT);
	BADE(syscall(SYS_nanosleep, &(struct timespec){0, 2000000000L}, NULL),
	     EINVAL);
	BADE(syscall(SYS_getcwd, K, 100), EFAULT);
	BADE(syscall(SYS_getcwd, buf, 1), ERANGE);
	BADE(chdir(NULL), EFAULT);
	BADE(chdir("/no/such"), ENOENT);
	BADE(syscall(SYS_uname, NULL), EFAULT);
	BADE(syscall(SYS_getdents64, -1, buf, sizeof buf), EBADF);
	BADE(syscall(SYS_getdents64, fd0 + 50, buf, sizeof buf), EBADF);
	BADE(unlink("/no/such"), ENOENT);
	BADE(unlink(NULL), EFAULT);
	BADE(mkdir(NULL, 0700), EFAULT);
	BADE(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
	BADE(syscall(SYS_clock_gettime, 999, buf), EINVAL);
	BADE(syscall(SYS_time, K), EFAULT);
	BADE(syscall(1999), ENOSYS);
	BADE(syscall(0x7fffffff), ENOSYS);

	/* Our own calls (ENOSYS on Linux, which is -1 too). */
	BAD(vm_yield_get_block(1, VM_BLOCK_NONE, NULL, 1));
	BAD(vm_yield_get_block(1, VM_BLOCK_NONE, K, 1));
	BAD(vm_yield_get_block(1, VM_BLOCK_NONE, TOP, 1));
	BAD(vm_yield_get_block(1, VM_BLOCK_NONE, ONE, 1));
	BAD(vm_yield_get_block(1, 2, (void *)0x10000000, 0xffffffff));
	BAD(vm_yield_get_block(VM_BLOCK_NONE, 3, (void *)0x10000000,
			       0x7fffffff));
	BAD(vm_forget_block(0x1234567));
	BAD(vm_stats(NULL));
	BAD(vm_stats(K));
	BAD(vm_stats(TOP));

	/* Still alive: no descriptor leaked by the failed calls, fork works,
	 * the pipe still holds its data. */
	CHECK(read(fds[0], buf, 4) == 4 && memcmp(buf, "data", 4) == 0,
	      "pipe lost its data");
	close(fds[0]);
	close(fds[1]);
	if (file >= 0) {
		close(file);
		unlink("/tmp/bad_input.tmp");
	}
	int fd1 = lowest_free_fd();
	if (fd1 != fd0)
		report("lowest free descriptor", fd1, 0,
		       "the same as at the start", __LINE__);
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(0);
	CHECK(wait_for(pid) == 0, "final child failed");
	if (nbad)
		fail("%d calls misbehaved; first: %s", nbad, first_bad);
	return 0;
}
