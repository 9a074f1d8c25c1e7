/* remount_ro - mount(MS_REMOUNT | MS_RDONLY) of a tmpfs: refused with
 * EBUSY while a file is open for writing; then every write to it fails
 * with EROFS (open for writing, creat, mkdir, unlink, rmdir, link,
 * rename, chmod, utime, truncate, access W_OK) while reading works and
 * statfs says ST_RDONLY; remounted writable, writes work again. */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <utime.h>
#include "guest.h"

#define MNT "/tmp/remount_ro"

static void cleanup(void)
{
	umount(MNT);
	rmdir(MNT);
}

static void read_only_checks(void)
{
	struct statvfs sv;
	char c;
	int fd;

	CHECK_ERR(open(MNT "/f", O_WRONLY), EROFS);
	CHECK_ERR(open(MNT "/new", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK_ERR(mkdir(MNT "/d2", 0755), EROFS);
	CHECK_ERR(unlink(MNT "/f"), EROFS);
	CHECK_ERR(rmdir(MNT "/d"), EROFS);
	CHECK_ERR(link(MNT "/f", MNT "/g"), EROFS);
	CHECK_ERR(rename(MNT "/f", MNT "/g"), EROFS);
	CHECK_ERR(chmod(MNT "/f", 0600), EROFS);
	CHECK_ERR(utime(MNT "/f", NULL), EROFS);
	CHECK_ERR(truncate(MNT "/f", 0), EROFS);
	CHECK_ERR(access(MNT "/f", W_OK), EROFS);
	CHECK_SYS(access(MNT "/f", R_OK));
	fd = open(MNT "/f", O_RDONLY);
	CHECK_SYS(fd);
	CHECK(read(fd, &c, 1) == 1 && c == 'x', "read from read-only mount");
	close(fd);
	CHECK_SYS(statvfs(MNT, &sv));
	CHECK(sv.f_flag & ST_RDONLY, "statvfs flags %lx", sv.f_flag);
}

int main(void)
{
	struct statvfs sv;
	int fd;

	if (geteuid() != 0)
		skip("needs root");
	guest_cleanup = cleanup;
	mkdir(MNT, 0755);
	CHECK_SYS(mount("none", MNT, "tmpfs", 0, NULL));
	fd = open(MNT "/f", O_CREAT | O_RDWR, 0644);
	CHECK_SYS(fd);
	CHECK(write(fd, "x", 1) == 1, "write");
	CHECK_SYS(mkdir(MNT "/d", 0755));
	CHECK_ERR(mount(NULL, MNT, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL),
		  EBUSY);
	close(fd);
	CHECK_ERR(mount(NULL, MNT "/d", "tmpfs", MS_REMOUNT | MS_RDONLY, NULL),
		  EINVAL);
	CHECK_SYS(mount(NULL, MNT, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL));
	read_only_checks();
	CHECK_SYS(mount(NULL, MNT, "tmpfs", MS_REMOUNT, NULL));
	CHECK_SYS(statvfs(MNT, &sv));
	CHECK(!(sv.f_flag & ST_RDONLY), "still read-only: %lx", sv.f_flag);
	fd = open(MNT "/f", O_WRONLY | O_APPEND);
	CHECK_SYS(fd);
	close(fd);
	CHECK_SYS(unlink(MNT "/f"));
	CHECK_SYS(rmdir(MNT "/d"));
	cleanup();
	return 0;
}
