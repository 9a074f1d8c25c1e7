/*
 * vfs_calls - the file system calls as the VFS serves them: mounts
 * (tmpfs on a directory, /proc/mounts, umount busy then done), statfs64,
 * getcwd after a rename, fchdir, chroot, umask, utimensat, chown, fifos
 * (mknod S_IFIFO, a blocking open meeting its partner), renameat2
 * RENAME_NOREPLACE, and /proc (self, PID/stat, cmdline, readdir; a
 * startup script's second mount of proc on /proc, which the kernel
 * mounted, succeeds or gives EBUSY and leaves /proc working). Runs on
 * Linux too (as root).
 */
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define DIR_A "/tmp/vfs_calls"

static void cleanup(void)
{
	umount(DIR_A "/mnt");
	unlink(DIR_A "/fifo");
	unlink(DIR_A "/f");
	unlink(DIR_A "/g");
	rmdir(DIR_A "/mnt");
	rmdir(DIR_A "/renamed/sub");
	rmdir(DIR_A "/renamed");
	rmdir(DIR_A "/d/sub");
	rmdir(DIR_A "/d");
	rmdir(DIR_A);
}

static int file_has(const char *path, const char *needle)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return strstr(buf, needle) != NULL;
}

static void test_mounts(void)
{
	struct statfs st;
	int fd;

	CHECK_SYS(mkdir(DIR_A "/mnt", 0755));
	CHECK_SYS(mount("tmpfs", DIR_A "/mnt", "tmpfs", 0, ""));
	CHECK(file_has("/proc/mounts", DIR_A "/mnt tmpfs"),
	      "/proc/mounts lacks the tmpfs mount");
	CHECK_ERR(mount("tmpfs", DIR_A "/mnt", "nosuchfs", 0, ""), ENODEV);
	CHECK_ERR(mount("tmpfs", (const char *)1, "tmpfs", 0, ""), EFAULT);
	CHECK_ERR(mount((const char *)1, DIR_A "/mnt", "tmpfs", 0, ""), EFAULT);
	fd = open(DIR_A "/mnt/file", O_CREAT | O_RDWR, 0600);
	CHECK_SYS(fd);
	CHECK_ERR(link(DIR_A "/mnt/file", DIR_A "/g"), EXDEV);
	CHECK_ERR(umount(DIR_A "/mnt"), EBUSY);
	CHECK_SYS(fstatfs(fd, &st));
	CHECK((unsigned)st.f_type == 0x858458f6u ||
		  (unsigned)st.f_type == 0x01021994u,
	      "tmpfs f_type %lx", (unsigned long)st.f_type);
	close(fd);
	CHECK_SYS(unlink(DIR_A "/mnt/file"));
	CHECK_SYS(umount(DIR_A "/mnt"));
	CHECK(!file_has("/proc/mounts", DIR_A "/mnt"), "mount still listed");
	CHECK_ERR(umount(DIR_A "/mnt"), EINVAL);
	CHECK_SYS(statfs("/proc", &st));
	CHECK((unsigned)st.f_type == 0x9fa0u, "proc f_type %lx",
	      (unsigned long)st.f_type);
}

static void test_cwd(void)
{
	char buf[128];
	int fd;

	CHECK_SYS(mkdir(DIR_A "/d", 0755));
	CHECK_SYS(mkdir(DIR_A "/d/sub", 0755));
	CHECK_SYS(chdir(DIR_A "/d/sub"));
	CHECK_SYS(rename(DIR_A "/d", DIR_A "/renamed"));
	CHECK(getcwd(buf, sizeof buf), "getcwd: %s", strerror(errno));
	CHECK(!strcmp(buf, DIR_A "/renamed/sub"), "getcwd after rename: %s",
	      buf);
	CHECK_ERR(getcwd(buf, 5) ? 0 : -1, ERANGE);
	fd = open(DIR_A, O_RDONLY | O_DIRECTORY);
	CHECK_SYS(fd);
	CHECK_SYS(fchdir(fd));
	close(fd);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, DIR_A), "fchdir: %s",
	      buf);
	CHECK_SYS(chdir("/"));
}

static void test_attrs(void)
{
	struct timespec ts[2] = {{1000000000, 5}, {1200000000, 0}};
	struct stat st;
	int fd;

	umask(027);
	fd = open(DIR_A "/f", O_CREAT | O_WRONLY, 0666);
	CHECK_SYS(fd);
	CHECK_SYS(fstat(fd, &st));
	CHECK((st.st_mode & 0777) == 0640, "umask 027 gave %o",
	      st.st_mode & 0777);
	CHECK(umask(022) == 027, "umask did not return the old mask");
	close(fd);
	CHECK_SYS(utimensat(AT_FDCWD, DIR_A "/f", ts, 0));
	CHECK_SYS(stat(DIR_A "/f", &st));
	CHECK(st.st_mtime == 1200000000 && st.st_atime == 1000000000,
	      "utimensat: atime %ld mtime %ld", (long)st.st_atime,
	      (long)st.st_mtime);
	CHECK_SYS(chown(DIR_A "/f", 1234, 5678));
	CHECK_SYS(stat(DIR_A "/f", &st));
	CHECK(st.st_uid == 1234 && st.st_gid == 5678, "chown: %d %d",
	      (int)st.st_uid, (int)st.st_gid);
	CHECK_SYS(close(open(DIR_A "/g", O_CREAT | O_WRONLY, 0600)));
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, DIR_A "/f", AT_FDCWD,
			  DIR_A "/g", 1),
		  EEXIST);
	CHECK_SYS(syscall(SYS_renameat2, AT_FDCWD, DIR_A "/f", AT_FDCWD,
			  DIR_A "/g", 0));
	CHECK_ERR(access(DIR_A "/f", F_OK), ENOENT);
}

static void test_fifo(void)
{
	char buf[8];
	pid_t pid;
	int fd, status;

	CHECK_SYS(mknod(DIR_A "/fifo", S_IFIFO | 0600, 0));
	CHECK_ERR(open(DIR_A "/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		int w = open(DIR_A "/fifo", O_WRONLY);

		_exit(w >= 0 && write(w, "hello", 5) == 5 ? 0 : 1);
	}
	fd = open(DIR_A "/fifo", O_RDONLY); /* waits for the writer */
	CHECK_SYS(fd);
	CHECK(read(fd, buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5),
	      "fifo data");
	CHECK_SYS(waitpid(pid, &status, 0));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer failed");
	CHECK(read(fd, buf, sizeof buf) == 0, "no end of file on the fifo");
	close(fd);
}

/* /proc/self/cmdline holds argv, NUL-separated. */
static void test_cmdline(int argc, char **argv)
{
	char buf[512], want[512];
	size_t n = 0;
	ssize_t got;
	int fd = open("/proc/self/cmdline", O_RDONLY);

	CHECK_SYS(fd);
	got = read(fd, buf, sizeof buf);
	close(fd);
	for (int i = 0; i < argc && n + strlen(argv[i]) + 1 <= sizeof want;
	     i++) {
		memcpy(want + n, argv[i], strlen(argv[i]) + 1);
		n += strlen(argv[i]) + 1;
	}
	CHECK(got == (ssize_t)n && !memcmp(buf, want, n),
	      "/proc/self/cmdline: %zd bytes, argv has %zu", got, n);
}

static void test_proc(void)
{
	char buf[64], want[64];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(want, sizeof want, "%d", getpid());
	CHECK(readlink("/proc/self", buf, sizeof buf) == (ssize_t)strlen(want),
	      "readlink /proc/self");
	snprintf(buf, sizeof buf, "/proc/%d/stat", getpid());
	snprintf(want, sizeof want, "%d (", getpid());
	CHECK(file_has(buf, want), "%s lacks its pid", buf);
	d = opendir("/proc");
	CHECK(d, "opendir /proc: %s", strerror(errno));
	snprintf(want, sizeof want, "%d", getpid());
	while ((e = readdir(d)))
		found += !strcmp(e->d_name, want) || !strcmp(e->d_name, "self");
	closedir(d);
	CHECK(found == 2, "/proc listing lacks self or our pid (%d)", found);
}

/* The kernel mounted /proc; a script mounting it again must not break
 * it: Linux stacks a second proc (undone here), EBUSY is also fine. */
static void test_proc_remount(void)
{
	int r = mount("proc", "/proc", "proc", 0, NULL);

	CHECK(r == 0 || errno == EBUSY, "mount proc on /proc again: %s",
	      strerror(errno));
	CHECK(file_has("/proc/mounts", " /proc proc "),
	      "/proc/mounts after the second mount");
	if (r == 0)
		CHECK_SYS(umount("/proc"));
	CHECK(file_has("/proc/mounts", " /proc proc "),
	      "/proc gone after undoing the second mount");
}

int main(int argc, char **argv)
{
	if (getuid() != 0)
		skip("needs root");
	guest_cleanup = cleanup;
	cleanup();
	CHECK_SYS(mkdir(DIR_A, 0755));
	test_mounts();
	test_cwd();
	test_attrs();
	test_fifo();
	test_proc();
	test_proc_remount();
	test_cmdline(argc, argv);
	cleanup();
	return 0;
}
