/* proc_system - the /proc files about the whole system and the calls
 * behind them: cpuinfo names the CPU as CPUID does, loadavg has Linux's
 * format and agrees with sysinfo, version and sys/kernel/osrelease
 * match uname, tainted is 0, pid_max bounds the pids fork hands out
 * (and refuses values out of range), hostname written there is uname's
 * nodename, /proc/self/comm and task/PID/comm follow PR_SET_NAME (and
 * writing comm renames), sched_yield succeeds. */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "guest.h"

/* Write s to path; the write must fail with expect_errno (0: succeed). */
static void spew(const char *path, const char *s, int expect_errno)
{
	int err = guest_write_text(path, s);

	CHECK(err == expect_errno, "write '%s' to %s: errno %d, expected %d", s,
	      path, err, expect_errno);
}

static void cpuinfo(void)
{
	char buf[4096], vendor[13];
	unsigned a, b, c, d;

	guest_slurp("/proc/cpuinfo", buf, sizeof buf);
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	CHECK(strstr(buf, "processor\t: 0\n"), "no processor line: %.60s", buf);
	CHECK(strstr(buf, vendor), "vendor %s missing", vendor);
	CHECK(strstr(buf, "model name\t: "), "no model name");
	CHECK(strstr(buf, " fpu"), "flags lack fpu");
}

static void loadavg(void)
{
	char buf[128];
	float l1, l5, l15;
	int run, total, last;
	struct sysinfo si;

	guest_slurp("/proc/loadavg", buf, sizeof buf);
	CHECK(sscanf(buf, "%f %f %f %d/%d %d", &l1, &l5, &l15, &run, &total,
		     &last) == 6,
	      "loadavg '%.60s'", buf);
	CHECK(run >= 1 && total >= run && last >= getpid(), "loadavg '%s'",
	      buf);
	CHECK_SYS(sysinfo(&si));
	CHECK(si.loads[0] / 65536.0 - l1 < 0.02 &&
		  l1 - si.loads[0] / 65536.0 < 0.02,
	      "sysinfo load %lu vs %s", si.loads[0], buf);
}

static void names(void)
{
	char buf[256];
	struct utsname u;

	CHECK_SYS(uname(&u));
	guest_slurp("/proc/version", buf, sizeof buf);
	CHECK(strstr(buf, u.release) && !strncmp(buf, "Linux version ", 14),
	      "version '%.60s'", buf);
	guest_slurp("/proc/sys/kernel/osrelease", buf, sizeof buf);
	CHECK(!strncmp(buf, u.release, strlen(u.release)), "osrelease");
	guest_slurp("/proc/sys/kernel/ostype", buf, sizeof buf);
	CHECK(!strcmp(buf, "Linux\n"), "ostype '%.60s'", buf);
	guest_slurp("/proc/sys/kernel/tainted", buf, sizeof buf);
	CHECK(!strcmp(buf, "0\n"), "tainted '%.60s'", buf);
	spew("/proc/sys/kernel/hostname", "guesthost\n", 0);
	CHECK_SYS(uname(&u));
	CHECK(!strcmp(u.nodename, "guesthost"), "nodename %s", u.nodename);
	CHECK_SYS(sethostname("vmkernel", 8));
	guest_slurp("/proc/sys/kernel/hostname", buf, sizeof buf);
	CHECK(!strcmp(buf, "vmkernel\n"), "hostname '%.60s'", buf);
}

/* With pid_max at its minimum (301) every pid fork hands out is below
 * it, and after the top they start again at 300 (RESERVED_PIDS). */
static void pid_max(void)
{
	char buf[32];
	pid_t pid = 0;
	int st, n;

	guest_slurp("/proc/sys/kernel/pid_max", buf, sizeof buf);
	CHECK(!strcmp(buf, "32768\n"), "pid_max '%.60s'", buf);
	spew("/proc/sys/kernel/pid_max", "300", EINVAL);
	spew("/proc/sys/kernel/pid_max", "40000", EINVAL);
	spew("/proc/sys/kernel/pid_max", "301\n", 0);
	for (n = 0; n < 400 && pid != 300; n++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || pid >= 301 || waitpid(pid, &st, 0) != pid)
			break;
	}
	spew("/proc/sys/kernel/pid_max", "32768", 0);
	CHECK(pid == 300, "fork gave pid %d (%s) after %d forks", pid,
	      strerror(errno), n);
}

static void comm(void)
{
	char path[64], buf[64];

	CHECK_SYS(prctl(PR_SET_NAME, "comm_name_that_is_long"));
	guest_slurp("/proc/self/comm", buf, sizeof buf);
	CHECK(!strcmp(buf, "comm_name_that_\n"), "comm '%.60s'", buf);
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
	guest_slurp(path, buf, sizeof buf);
	CHECK(!strcmp(buf, "comm_name_that_\n"), "task comm '%.60s'", buf);
	spew("/proc/self/comm", "renamed\n", 0);
	CHECK_SYS(prctl(PR_GET_NAME, buf));
	CHECK(!strcmp(buf, "renamed"), "name after comm write '%.60s'", buf);
	CHECK_SYS(sched_yield());
}

int main(void)
{
	cpuinfo();
	loadavg();
	names();
	pid_max();
	comm();
	return 0;
}
