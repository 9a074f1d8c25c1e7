/*
 * runner.c - /sbin/guest-runner: runs the in-guest test programs.
 *
 *   guest-runner [-F] [-d DIR] [-l LIST] [-p PREFIX] [-t SECONDS] [NAME...]
 *
 * Runs the programs named on the command line, else those listed one per
 * line in LIST (default /etc/guest-tests, if it exists: that is how a boot
 * with init=/sbin/guest-runner, which cannot pass arguments, picks a
 * subset), else every file in DIR (default /tests) except the helpers/
 * directory, sorted by name. Each test runs in a child with stdout on our
 * stdout and GUEST_REASON_FD=3 in its environment (fd 3 is a pipe on which
 * it writes its failure or skip reason). It gets SECONDS (default 30) to
 * finish, then SIGKILL. After each test: vm_sanity_check() and the free
 * page count must be what it was before the test (no leak), both counted
 * after dropping the block cache (/proc/sys/vm/drop_caches).
 *
 * With -F, the host checks the disks after each test: the runner syncs,
 * prints "@@fsck PREFIX/NAME" and reads the host's verdict from stdin, a
 * line "fsck ok" or "fsck bad: why" (scripts/fsck-host.py answers it by
 * running e2fsck -fn on the boot's ext2 images), and reports it as the
 * test "PREFIX/NAME/e2fsck".
 *
 * Output, one line per test: "PASS PREFIX/NAME", "FAIL PREFIX/NAME: why" or
 * "SKIP PREFIX/NAME: why" (exit status 77); before each test a line
 * "== PREFIX/NAME"; at the end "PREFIX: N passed, N failed, N skipped".
 * Exit status 0 if nothing failed, else 1. On Linux (our vm_* calls give
 * ENOSYS) the leak and sanity checks are left out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vmkernel.h"

#define MAX_TESTS 256
#define SKIP_STATUS 77

extern char **environ;

static const char *dir = "/tests";
static const char *list = "/etc/guest-tests";
static const char *prefix = "guest";
static int timeout_s = 30;
static char *names[MAX_TESTS];
static int ntests;
static char **child_env;
static int have_vm;
static int host_fsck;

static void add_name(const char *n)
{
	if (ntests < MAX_TESTS)
		names[ntests++] = strdup(n);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_list(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, " \t\r\n#")] = 0;
		if (line[0])
			add_name(line);
	}
	fclose(f);
	return 1;
}

static void read_dir(void)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL %s/runner: cannot open %s: %s\n", prefix, dir,
		       strerror(errno));
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "helpers") == 0)
			continue;
		char path[512];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			continue;
		add_name(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)ntests, sizeof names[0], cmp_names);
}

static void make_env(void)
{
	int n = 0;
	while (environ && environ[n])
		n++;
	child_env = calloc((size_t)n + 2, sizeof *child_env);
	int j = 0;
	for (int i = 0; i < n; i++)
		if (strncmp(environ[i], "GUEST_REASON_FD=", 16) != 0)
			child_env[j++] = environ[i];
	child_env[j++] = "GUEST_REASON_FD=3";
	child_env[j] = NULL;
}

static void sleep_20ms(void)
{
	/* The raw nanosleep (glibc's wrapper uses clock_nanosleep_time64). */
	struct timespec ts = {0, 20 * 1000000L};
	if (syscall(SYS_nanosleep, &ts, NULL) == -1 && errno == ENOSYS)
		nanosleep(&ts, NULL);
}

/* Empty the block cache (write back, level 1 emptied, level 2
 * forgotten), so that pages cached for files do not count as leaked. */
static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "3\n", 2) != 2)
		printf("runner: drop_caches: %s\n", strerror(errno));
	close(fd);
}

static uint32_t free_pages(void)
{
	struct vm_stats st;
	drop_caches();
	memset(&st, 0, sizeof st);
	if (vm_stats(&st) != 0)
		return 0;
	/*
	 * Plain free pages would move with the slab's partly used pages, which
	 * change hands between tests: count the pages free outside the slab,
	 * less the live slab objects, so a leaked page or a leaked object both
	 * show as a drop.
	 */
	return st.total - st.used_outside_slab - st.slab_objects;
}

/* The kernel's sanity check (it panics on a broken invariant). Under
 * failure injection its page map may not be had: try again a few times
 * and say so if it never ran. */
static void sanity_check(void)
{
	for (int i = 0; i < 20; i++)
		if (vm_sanity_check() >= 0 || errno != ENOMEM)
			return;
	printf("guest-runner: sanity check did not run (ENOMEM 20 times)\n");
}

/* Last non-empty line of what the test wrote on the reason pipe. */
static void read_reason(int fd, char *out, size_t n)
{
	static char buf[2048];
	size_t len = 0;
	out[0] = 0;
	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		return;
	for (;;) {
		if (len == sizeof buf - 1) { /* keep the tail */
			memmove(buf, buf + 1024, len - 1024);
			len -= 1024;
		}
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = 0;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = 0;
	char *line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	size_t l = strlen(line);
	if (l > n - 1)
		l = n - 1;
	memcpy(out, line, l);
	out[l] = 0;
	for (char *p = out; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
}

/* Run one test; returns 0 pass, 1 fail, 2 skip. */
static int run_test(const char *name)
{
	char path[512], reason[240], why[400];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	printf("== %s/%s\n", prefix, name);
	if (access(path, X_OK) != 0) {
		printf("FAIL %s/%s: %s: %s\n", prefix, name, path,
		       strerror(errno));
		return 1;
	}
	uint32_t before = have_vm ? free_pages() : 0;
	int rp[2] = {-1, -1};
	if (pipe(rp) != 0)
		rp[0] = rp[1] = -1;
	pid_t pid = fork();
	if (pid == -1) {
		printf("FAIL %s/%s: fork: %s\n", prefix, name, strerror(errno));
		if (rp[0] >= 0) {
			close(rp[0]);
			close(rp[1]);
		}
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0); /* the test and its children: one group */
		if (rp[1] >= 0) {
			if (rp[1] != 3) {
				dup2(rp[1], 3);
				close(rp[1]);
			}
			if (rp[0] != 3)
				close(rp[0]);
		}
		char *argv[] = {path, NULL};
		execve(path, argv, child_env);
		printf("execve %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (rp[1] >= 0)
		close(rp[1]);
	int status = 0, done = 0, timed_out = 0;
	for (long i = 0; i < (long)timeout_s * 50; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r == -1 && errno != EINTR)) {
			done = r == pid;
			break;
		}
		sleep_20ms();
	}
	if (!done) {
		timed_out = 1;
		kill(pid, SIGKILL);
		for (int i = 0; i < 250 && !done; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				done = 1;
			else
				sleep_20ms();
		}
	}
	reason[0] = 0;
	if (done && !timed_out)
		read_reason(rp[0], reason, sizeof reason);
	if (rp[0] >= 0)
		close(rp[0]);
	/* What the test left running (its group) ends now, and orphans are
	 * reaped (we may be pid 1) before pages are counted. */
	kill(-pid, SIGKILL);
	int st2;
	for (int i = 0; i < 100; i++) {
		pid_t r;
		while ((r = waitpid(-1, &st2, WNOHANG)) > 0)
			;
		if (r == -1 && errno == ECHILD)
			break;
		sleep_20ms();
	}
	uint32_t after = 0;
	if (have_vm) {
		sanity_check();
		after = free_pages();
	}

	int result = 0;
	if (timed_out) {
		snprintf(why, sizeof why, "timed out after %d s%s", timeout_s,
			 done ? "" : " (and SIGKILL did not end it)");
		result = 1;
	} else if (!done) {
		snprintf(why, sizeof why, "waitpid failed: %s",
			 strerror(errno));
		result = 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		result = 0;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS) {
		snprintf(why, sizeof why, "%s", reason[0] ? reason : "skipped");
		result = 2;
	} else if (WIFEXITED(status)) {
		snprintf(why, sizeof why, "exit status %d%s%s",
			 WEXITSTATUS(status), reason[0] ? ": " : "", reason);
		result = 1;
	} else if (WIFSIGNALED(status)) {
		snprintf(why, sizeof why, "killed by signal %d (%s)%s%s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 reason[0] ? ": " : "", reason);
		result = 1;
	} else {
		snprintf(why, sizeof why, "wait status 0x%x", status);
		result = 1;
	}
	if (have_vm && before != after && result != 1) {
		if (after < before)
			snprintf(why, sizeof why,
				 "leaked %u pages (free %u before, %u after)",
				 before - after, before, after);
		else
			snprintf(why, sizeof why,
				 "%u more free pages after than before (free "
				 "%u before, %u after)",
				 after - before, before, after);
		result = 1;
	} else if (have_vm && before != after) {
		size_t l = strlen(why);
		snprintf(why + l, sizeof why - l,
			 "; free pages %u before, %u after", before, after);
	}
	if (result == 0)
		printf("PASS %s/%s\n", prefix, name);
	else
		printf("%s %s/%s: %s\n", result == 1 ? "FAIL" : "SKIP", prefix,
		       name, why);
	return result;
}

/* Stop the console echoing the host's answers (-F). */
static void console_no_echo(void)
{
	struct termios t;

	if (tcgetattr(0, &t) == 0) {
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(0, TCSANOW, &t);
	}
}

/* -F: sync, ask the host to check the disks, read its verdict; returns 0
 * pass, 1 fail (as run_test). */
static int check_disks(const char *name)
{
	char line[256];
	ssize_t n = 0;

	sync();
	printf("@@fsck %s/%s\n", prefix, name);
	while (n < (ssize_t)sizeof line - 1) {
		ssize_t r = read(0, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = 0;
	if (!strcmp(line, "fsck ok")) {
		printf("PASS %s/%s/e2fsck\n", prefix, name);
		return 0;
	}
	printf("FAIL %s/%s/e2fsck: %s\n", prefix, name,
	       line[0] ? line : "no answer from the host");
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int opt;
	while ((opt = getopt(argc, argv, "Fd:l:p:t:")) != -1) {
		switch (opt) {
		case 'F':
			host_fsck = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'l':
			list = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 't':
			timeout_s = atoi(optarg) > 0 ? atoi(optarg) : 30;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-F] [-d DIR] [-l LIST] [-p PREFIX] "
				"[-t SECONDS] [NAME...]\n",
				argv[0]);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		add_name(argv[i]);
	if (ntests == 0 && !read_list(list))
		read_dir();
	have_vm = free_pages() != 0;
	make_env();
	printf("%s-runner: %d tests from %s%s\n", prefix, ntests, dir,
	       have_vm ? "" : " (no vm_stats: leak checks off)");
	int counts[3] = {0, 0, 0};
	if (host_fsck)
		console_no_echo();
	for (int i = 0; i < ntests; i++) {
		counts[run_test(names[i])]++;
		if (host_fsck)
			counts[check_disks(names[i])]++;
	}
	printf("%s: %d passed, %d failed, %d skipped\n", prefix, counts[0],
	       counts[1], counts[2]);
	return counts[1] ? 1 : 0;
}
