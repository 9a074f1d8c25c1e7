/* creds - user and group ids with Linux's rules: root's setresuid and
 * getresuid, the unprivileged moves between held ids (setuid to the
 * saved id, setreuid's saved-id update, setresuid) and the EPERM for
 * others, setfsuid following the effective id, the gid twins,
 * supplementary groups (sorted; EPERM unprivileged), the 16-bit calls
 * (65534 for an id that does not fit), kill permission (EPERM to
 * another user's process; SIGCONT in the same session allowed; root may
 * signal anyone), and inheritance across fork and exec (AT_UID etc.). */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include "guest.h"

static void expect_res(uid_t r, uid_t e, uid_t s, int line)
{
	uid_t a, b, c;
	CHECK_SYS(getresuid(&a, &b, &c));
	if (a != r || b != e || c != s)
		fail("line %d: uids %u %u %u, expected %u %u %u", line, a, b, c,
		     r, e, s);
	CHECK(getuid() == r && geteuid() == e, "getuid/geteuid");
}
#define RES(r, e, s) expect_res(r, e, s, __LINE__)

static void uid_rules(void *arg)
{
	(void)arg;
	RES(0, 0, 0);
	CHECK_SYS(setresuid(1000, 1001, 1002));
	RES(1000, 1001, 1002);
	CHECK(setfsuid(-1) == 1001, "fsuid does not follow euid");
	/* Unprivileged now: only held ids. */
	CHECK_ERR(setresuid(5, -1, -1), EPERM);
	CHECK_ERR(setuid(0), EPERM);
	CHECK_SYS(setuid(1002)); /* the saved id: euid only */
	RES(1000, 1002, 1002);
	CHECK_SYS(setresuid(-1, 1000, -1));
	RES(1000, 1000, 1002);
	/* setreuid: euid to the saved one keeps the saved id ... */
	CHECK_SYS(setreuid(-1, 1002));
	RES(1000, 1002, 1002);
	/* ... setting the real id makes saved = effective. */
	CHECK_SYS(setreuid(1002, 1000));
	RES(1002, 1000, 1000);
	CHECK_ERR(setreuid(7, -1), EPERM);
	CHECK_ERR(setreuid(-1, 7), EPERM);
	/* setfsuid: the old value always; unheld ids refused silently. */
	CHECK(setfsuid(7) == 1000, "setfsuid old value");
	CHECK(setfsuid(-1) == 1000, "setfsuid took an unheld id");
	CHECK(setfsuid(1002) == 1000, "setfsuid old value");
	CHECK(setfsuid(-1) == 1002, "setfsuid refused a held id");
}

static void uid_root_keeps_saved(void *arg)
{
	(void)arg;
	/* Root's euid may go and come back through the saved id. */
	CHECK_SYS(seteuid(1000));
	RES(0, 1000, 0);
	CHECK_ERR(setgroups(0, NULL), EPERM);
	CHECK_SYS(seteuid(0));
	RES(0, 0, 0);
	/* setuid as root sets all three. */
	CHECK_SYS(setuid(1000));
	RES(1000, 1000, 1000);
	CHECK_ERR(seteuid(0), EPERM);
}

static void gid_rules(void *arg)
{
	(void)arg;
	gid_t r, e, s, g[8];
	CHECK_SYS(setresgid(100, 200, 300));
	CHECK_SYS(getresgid(&r, &e, &s));
	CHECK(r == 100 && e == 200 && s == 300, "gids %u %u %u", r, e, s);
	CHECK(getgid() == 100 && getegid() == 200, "getgid/getegid");
	gid_t set[] = {50, 7, 300};
	CHECK_SYS(setgroups(3, set));
	CHECK(getgroups(0, NULL) == 3, "getgroups count");
	CHECK_ERR(getgroups(2, g), EINVAL);
	CHECK(getgroups(8, g) == 3 && g[0] == 7 && g[1] == 50 && g[2] == 300,
	      "groups %u %u %u", g[0], g[1], g[2]);
	CHECK_SYS(setuid(1000)); /* drop privilege */
	CHECK_ERR(setgroups(0, NULL), EPERM);
	CHECK_ERR(setgid(5), EPERM);
	CHECK_SYS(setgid(300)); /* the saved gid */
	CHECK_SYS(getresgid(&r, &e, &s));
	CHECK(r == 100 && e == 300 && s == 300, "after setgid %u %u %u", r, e,
	      s);
	CHECK(setfsgid(-1) == 300, "fsgid does not follow egid");
}

static void old_16bit(void *arg)
{
	(void)arg;
	CHECK_SYS(setresuid(70000, 70001, 1000));
	CHECK(syscall(SYS_getuid) == 65534 && syscall(SYS_geteuid) == 65534,
	      "16-bit getuid of 70000: %ld", syscall(SYS_getuid));
	CHECK(syscall(SYS_getuid32) == 70000, "getuid32");
	/* 16-bit setresuid: 0xffff is -1; 1000 is held (the saved id). */
	CHECK_SYS(syscall(SYS_setresuid, 0xffff, 1000, 0xffff));
	RES(70000, 1000, 1000);
	unsigned short a, b, c;
	CHECK_SYS(syscall(SYS_getresuid, &a, &b, &c));
	CHECK(a == 65534 && b == 1000 && c == 1000, "16-bit getresuid %u %u %u",
	      a, b, c);
}

static pid_t victim; /* in a group of its own: killed if the test fails */

static void kill_victim(void)
{
	if (victim > 0)
		kill(victim, SIGKILL);
}

/* A child of uid 1000 (sleeping), and one of uid 1001 that tries to
 * signal it. */
static void kill_rules(void)
{
	int ready[2];
	char c;
	CHECK_SYS(pipe(ready));
	guest_cleanup = kill_victim;
	victim = fork();
	CHECK_SYS(victim);
	if (victim == 0) {
		setpgid(0, 0);
		setresuid(1000, 1000, 1000);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	setpgid(victim, victim);
	CHECK(read(ready[0], &c, 1) == 1, "the victim did not start");
	close(ready[0]);
	close(ready[1]);
	pid_t me = getpid(), pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		CHECK_SYS(setresuid(1001, 1001, 1000));
		CHECK_ERR(kill(victim, 0), EPERM);
		CHECK_ERR(kill(victim, SIGTERM), EPERM);
		CHECK_ERR(kill(me, SIGUSR1), EPERM);
		/* SIGCONT within the session is allowed. */
		CHECK_SYS(kill(victim, SIGCONT));
		/* A group with only others' processes: EPERM. */
		CHECK_ERR(kill(-victim, SIGUSR2), EPERM);
		CHECK_SYS(kill(getpid(), 0));
		/* The target's uid as the effective one may signal. */
		CHECK_SYS(seteuid(1000));
		CHECK_SYS(kill(victim, 0));
		_exit(0);
	}
	int st = wait_for(pid);
	char b[80];
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kill rules child: %s",
	      status_str(st, b, sizeof b));
	CHECK_SYS(kill(victim, SIGKILL)); /* root may */
	wait_for(victim);
}

/* fork and exec keep the ids; the aux vector tells them. */
static void inherit(const char *self)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		gid_t g = 77;
		CHECK_SYS(setgroups(1, &g));
		CHECK_SYS(setresgid(10, 20, 30));
		CHECK_SYS(setresuid(1000, 2000, 0));
		execl(self, self, "exec-child", (char *)NULL);
		_exit(3);
	}
	int st = wait_for(pid);
	char b[80];
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec child: %s",
	      status_str(st, b, sizeof b));
}

static int exec_child(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs, g[4];
	if (getresuid(&r, &e, &s) || r != 1000 || e != 2000 || s != 0)
		fail("uids after exec: %u %u %u", r, e, s);
	if (getresgid(&gr, &ge, &gs) || gr != 10 || ge != 20 || gs != 30)
		fail("gids after exec: %u %u %u", gr, ge, gs);
	if (getgroups(4, g) != 1 || g[0] != 77)
		fail("groups after exec");
	if (getauxval(AT_UID) != 1000 || getauxval(AT_EUID) != 2000 ||
	    getauxval(AT_GID) != 10 || getauxval(AT_EGID) != 20)
		fail("aux vector ids %lu %lu %lu %lu", getauxval(AT_UID),
		     getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child();
	if (getuid() != 0)
		skip("not run as root");
	expect_ok(uid_rules, NULL, "uid rules");
	expect_ok(uid_root_keeps_saved, NULL, "root and the saved uid");
	expect_ok(gid_rules, NULL, "gid rules");
	expect_ok(old_16bit, NULL, "16-bit calls");
	kill_rules();
	inherit(argv[0]);
	RES(0, 0, 0);
	return 0;
}
