/* proc_pid_links - a process's /proc links and environ as Linux shows
 * them: exe is the program's absolute path, cwd follows chdir, root is
 * "/", fd/ lists exactly the open descriptors and each names its file
 * (absolute for a relative open, the directory's path after a rename of
 * a directory above it), "pipe:[N]" for pipes; a closed descriptor is
 * gone from fd/; environ is the environment strings, NUL-separated. */
#include <dirent.h>
#include <sys/stat.h>
#include "guest.h"

static const char *self = "/tests/proc_pid_links";

static void link_is(const char *link, const char *want)
{
	char buf[512];
	ssize_t n = readlink(link, buf, sizeof buf - 1);

	CHECK(n >= 0, "readlink %s: %s", link, strerror(errno));
	buf[n] = '\0';
	CHECK(!strcmp(buf, want), "%.60s -> '%.60s', expected '%.60s'", link,
	      buf, want);
}

/* The descriptors listed in /proc/self/fd, as a bit mask of 0..63. */
static unsigned long long listed_fds(void)
{
	unsigned long long mask = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int dfd;

	CHECK(d != NULL, "opendir /proc/self/fd: %s", strerror(errno));
	dfd = dirfd(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dfd)
			mask |= 1ull << atoi(e->d_name);
	closedir(d);
	return mask;
}

static void fds(void)
{
	char link[64], want[64];
	int fd, p[2];
	unsigned long long before = listed_fds();

	mkdir("/tmp/ppl", 0755);
	CHECK_SYS(chdir("/tmp/ppl"));
	link_is("/proc/self/cwd", "/tmp/ppl");
	fd = open("./sub/../file", O_CREAT | O_RDWR, 0600);
	CHECK(fd < 0, "opened through a missing directory");
	fd = open("file", O_CREAT | O_RDWR, 0600);
	CHECK_SYS(fd);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	link_is(link, "/tmp/ppl/file");
	CHECK(listed_fds() == (before | 1ull << fd), "fd/ lists %#llx",
	      listed_fds());
	CHECK_SYS(chdir("/"));
	CHECK_SYS(rename("/tmp/ppl", "/tmp/ppl2"));
	link_is(link, "/tmp/ppl2/file");
	link_is("/proc/self/cwd", "/");
	close(fd);
	CHECK(listed_fds() == before, "closed fd still listed");
	CHECK(readlink(link, want, sizeof want) < 0 && errno == ENOENT,
	      "closed fd's link: %s", strerror(errno));
	CHECK_SYS(pipe(p));
	snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
	CHECK(readlink(link, want, sizeof want) > 6 &&
		  !strncmp(want, "pipe:[", 6),
	      "pipe's link");
	close(p[0]);
	close(p[1]);
	unlink("/tmp/ppl2/file");
	rmdir("/tmp/ppl2");
}

static void environ_file(char **envp)
{
	char want[2048], got[2048];
	size_t n = 0;
	ssize_t r;
	int fd;

	for (int i = 0; envp[i] && n + strlen(envp[i]) + 1 < sizeof want; i++)
		n += (size_t)sprintf(want + n, "%s", envp[i]) + 1;
	fd = open("/proc/self/environ", O_RDONLY);
	CHECK_SYS(fd);
	r = read(fd, got, sizeof got);
	close(fd);
	CHECK(r == (ssize_t)n && !memcmp(got, want, n),
	      "environ: %zd bytes, expected %zu", r, n);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	if (argv[0][0] == '/')
		self = argv[0];
	link_is("/proc/self/exe", self);
	link_is("/proc/self/root", "/");
	fds();
	environ_file(envp);
	return 0;
}
