/*
 * ltp-run.c - the first program of the LTP boot (make ltp): runs the
 * Linux Test Project's tests listed in a file, one at a time, and prints
 * one line per test, "NAME RESULT dir=DIR", as the reference results do.
 *
 *   ltp-run [-t SECONDS] [-r ROOT] [LIST]
 *
 * LIST (default /ltp/runlist, as the kernel starts init without
 * arguments) holds "NAME DIR COMMAND [ARGS...]" lines (scripts/ltp.sh
 * writes it from runtest/syscalls, keeping the tests whose binary was
 * built) and may set the timeout with a line "# timeout SECONDS". Each
 * test runs in a fresh scratch directory under /tmp, in its own process
 * group (kill10 signals its whole group), with stdin from /dev/null and
 * its output on the console, and the environment LTP expects (TMPDIR,
 * LTPROOT, PATH, LTP_TIMEOUT_MUL, LTP_RUNTIME_MUL, LTP_DEV,
 * LTP_DEV_FS_TYPE). A test still running after SECONDS (default 90) has
 * its group killed with SIGKILL and counts as "timeout".
 *
 * The result comes from the exit status, which LTP makes an OR of 1
 * (TFAIL), 2 (TBROK), 4 (TWARN) and 32 (TCONF): 0 is pass, any fail bit
 * fail, else any broken bit broken, else tconf; death by a signal is
 * "signal". A command with shell syntax in it runs under /bin/sh -c.
 *
 * As the first process it also reaps every orphan, and it ends with
 * "ltp-run: done N tests" so the host knows the run reached its end; the
 * kernel then powers off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define SCRATCH "/tmp/ltp-scratch"

static unsigned timeout_s = 90;
static const char *ltproot = "/ltp";

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove a tree; what cannot go stays (the next test gets a new name). */
static void remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reap any orphan that was handed to us (we are process 1). */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void set_env(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/bin:/bin:/sbin:/usr/bin:/usr/sbin",
		 ltproot);
	setenv("PATH", path, 1);
	setenv("LTPROOT", ltproot, 1);
	setenv("TMPDIR", "/tmp", 1);
	setenv("LTP_TIMEOUT_MUL", "2", 1);
	setenv("LTP_RUNTIME_MUL", "0.05", 1);
	setenv("LTP_DEV", "/dev/hdb", 1);
	setenv("LTP_DEV_FS_TYPE", "ext2", 1);
	setenv("HOME", "/root", 1);
}

static int needs_shell(const char *cmd)
{
	return strpbrk(cmd, "'\"$;|&<>`*?()") != NULL;
}

/* The child: its own group, the scratch directory, then the test. */
static void run_child(const char *dir, char *cmd)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	int fd;

	setpgid(0, 0);
	if (chdir(dir))
		_exit(2);
	signal(SIGPIPE, SIG_DFL); /* the runner's SIG_IGN is not the test's */
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		if (fd > 2)
			close(fd);
	}
	if (needs_shell(cmd)) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (char *tok = strtok(cmd, " \t"); tok && argc < MAX_ARGS;
	     tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argc == 0)
		_exit(2);
	execvp(argv[0], argv);
	fprintf(stderr, "ltp-run: cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

static const char *classify(int status)
{
	int code;

	if (WIFSIGNALED(status))
		return "signal";
	code = WEXITSTATUS(status);
	if (code == 0)
		return "pass";
	if (code & 1)
		return "fail";
	if (code & 2)
		return "broken";
	if (code & 32)
		return "tconf";
	return "fail";
}

/* Run one test and return its result word. */
static const char *run_test(const char *name, unsigned seq, char *cmd,
			    double *secs)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	char dir[256];
	double start = now();
	int status = 0;
	const char *res = NULL;
	pid_t pid, w;

	snprintf(dir, sizeof(dir), "%s/%u-%s", SCRATCH, seq, name);
	remove_tree(dir);
	if (mkdir(dir, 0777)) {
		printf("ltp-run: mkdir %s: %s\n", dir, strerror(errno));
		return "broken";
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("ltp-run: fork: %s\n", strerror(errno));
		return "broken";
	}
	if (pid == 0)
		run_child(dir, cmd);
	setpgid(pid, pid);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			res = "broken";
			break;
		}
		reap_orphans();
		if (now() - start > timeout_s) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			res = "timeout";
			break;
		}
		nanosleep(&tick, NULL);
	}
	/* Whatever the test left running goes with it. */
	kill(-pid, SIGKILL);
	reap_orphans();
	*secs = now() - start;
	remove_tree(dir);
	return res ? res : classify(status);
}

int main(int argc, char **argv)
{
	char line[1024];
	unsigned seq = 0;
	const char *path = "/ltp/runlist";
	FILE *list;
	int opt;

	while ((opt = getopt(argc, argv, "t:r:")) != -1) {
		if (opt == 't')
			timeout_s = (unsigned)atoi(optarg);
		else if (opt == 'r')
			ltproot = optarg;
		else
			return 2;
	}
	if (optind < argc)
		path = argv[optind];
	list = fopen(path, "r");
	if (!list) {
		printf("ltp-run: %s: %s\n", path, strerror(errno));
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	set_env();
	signal(SIGPIPE, SIG_IGN);
	mkdir("/tmp", 01777);
	mkdir(SCRATCH, 0777);
	chmod(SCRATCH, 0777);
	printf("ltp-run: start, timeout %u s\n", timeout_s);
	while (fgets(line, sizeof(line), list)) {
		char name[128], dir[128];
		const char *res;
		double secs = 0;
		int off = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "# timeout %u", &timeout_s) == 1)
			printf("ltp-run: timeout %u s\n", timeout_s);
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%127s %127s %n", name, dir, &off) < 2 || !off)
			continue;
		printf("ltp-run: === %s (%s)\n", name, line + off);
		res = run_test(name, ++seq, line + off, &secs);
		printf("ltp-run: %s took %.1f s\n", name, secs);
		printf("%s %s dir=%s\n", name, res, dir);
	}
	fclose(list);
	sync();
	printf("ltp-run: done %u tests\n", seq);
	return 0;
}
