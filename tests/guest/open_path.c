/* open_path - O_PATH descriptors as Linux's: a handle on the name only.
 * I/O and the calls on the file (read, write, fchmod, fchown, ioctl,
 * mmap, ftruncate, fsync, getdents, lseek, F_SETFL) are EBADF, on a dup
 * too; fstat, dup, close, F_GETFL (which shows O_PATH), fchdir and use as
 * a dirfd work; O_NOFOLLOW opens a symlink itself; a fifo opens without
 * waiting; O_CREAT and O_TRUNC are ignored. Extended attributes: none
 * kept (EOPNOTSUPP, an empty list), EBADF through O_PATH. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "guest.h"

#define DIR_ "/tmp/open_path"

static void cleanup(void)
{
	unlink(DIR_ "/f");
	unlink(DIR_ "/l");
	unlink(DIR_ "/p");
	rmdir(DIR_);
}

static void no_io(int fd)
{
	char b[8];
	int n;

	CHECK_ERR(read(fd, b, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(fchmod(fd, 0600), EBADF);
	CHECK_ERR(fchown(fd, 0, 0), EBADF);
	CHECK_ERR(ioctl(fd, FIONREAD, &n), EBADF);
	CHECK_ERR((long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
	CHECK_ERR(ftruncate(fd, 0), EBADF);
	CHECK_ERR(fsync(fd), EBADF);
	CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
	CHECK_ERR(fcntl(fd, F_SETFL, O_NONBLOCK), EBADF);
	CHECK_ERR(fgetxattr(fd, "user.x", b, sizeof b), EBADF);
}

int main(void)
{
	struct stat st;
	int fd, d, dfd, f;
	char b[8];

	guest_cleanup = cleanup;
	cleanup();
	CHECK_SYS(mkdir(DIR_, 0755));
	f = open(DIR_ "/f", O_CREAT | O_WRONLY, 0644);
	CHECK_SYS(f);
	CHECK(write(f, "data", 4) == 4, "write");
	close(f);
	fd = open(DIR_ "/f", O_PATH | O_TRUNC | O_RDWR);
	CHECK_SYS(fd);
	CHECK_SYS(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 4, "fstat: size %ld",
	      (long)st.st_size); /* O_TRUNC ignored */
	CHECK((fcntl(fd, F_GETFL) & O_PATH) == O_PATH, "F_GETFL %#x",
	      fcntl(fd, F_GETFL));
	no_io(fd);
	d = dup(fd);
	CHECK_SYS(d);
	no_io(d);
	close(d);
	close(fd);
	CHECK_ERR(open(DIR_ "/new", O_PATH | O_CREAT, 0644), ENOENT);
	/* No file system here keeps extended attributes. */
	CHECK_ERR(getxattr(DIR_ "/f", "user.x", b, sizeof b), EOPNOTSUPP);
	CHECK_ERR(setxattr(DIR_ "/f", "user.x", "v", 1, 0), EOPNOTSUPP);
	CHECK(listxattr(DIR_ "/f", b, sizeof b) == 0, "listxattr not empty");
	CHECK_ERR(getxattr(DIR_ "/none", "user.x", b, sizeof b), ENOENT);

	dfd = open(DIR_, O_PATH | O_DIRECTORY);
	CHECK_SYS(dfd);
	CHECK_ERR(syscall(SYS_getdents64, dfd, b, sizeof b), EBADF);
	f = openat(dfd, "f", O_RDONLY);
	CHECK(f >= 0 && read(f, b, 4) == 4 && !memcmp(b, "data", 4),
	      "openat through an O_PATH dirfd");
	close(f);
	CHECK_SYS(fchdir(dfd));
	CHECK_SYS(access("f", R_OK));
	CHECK_SYS(chdir("/"));
	close(dfd);

	CHECK_SYS(symlink("f", DIR_ "/l"));
	fd = open(DIR_ "/l", O_PATH | O_NOFOLLOW);
	CHECK_SYS(fd);
	CHECK_SYS(fstat(fd, &st));
	CHECK(S_ISLNK(st.st_mode), "O_NOFOLLOW: mode %o", st.st_mode);
	close(fd);
	CHECK_SYS(mkfifo(DIR_ "/p", 0600));
	fd = open(DIR_ "/p", O_PATH); /* no writer, no waiting */
	CHECK_SYS(fd);
	close(fd);
	cleanup();
	return 0;
}
