/*
 * filedisk.h - host test helpers for the ext2 tests: a block device over
 * an image file (tests/host/filedisk.c), scratch directories on tmpfs,
 * mke2fs / e2fsck / debugfs runs, and a mount fixture with a leak check.
 */
#ifndef TESTS_HOST_FILEDISK_H
#define TESTS_HOST_FILEDISK_H

#include <fs/blockdev.h>
#include <fs/ext2.h>
#include <kernel/types.h>

struct filedisk {
	struct blockdev dev;
	int fd;
	uint64_t reads, writes;	 /* sectors */
	uint64_t write_calls;	 /* transfers: write and writev calls */
	bool write_out_of_range; /* a write past nsectors was attempted */
	long fail_after_writes;	 /* < 0: never; else fail writes after n */
	bool fail_reads;
};

/* 0 or -1 (the file cannot be opened). */
int filedisk_open(struct filedisk *d, const char *path);
void filedisk_close(struct filedisk *d);

/* A fresh scratch directory (tmpfs when /dev/shm exists), removed by
 * ext2t_rmdir. Returns its path (static storage per call site buffer). */
void ext2t_mkdtemp(char *buf, size_t size);
void ext2t_rmdir(const char *dir);
/* system() with printf formatting; the command's exit status. */
int ext2t_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* e2fsck -fn img: 0 when clean; prints the log otherwise. */
int ext2t_fsck(const char *img);
/* debugfs -R "cmd" img's standard output into buf (NUL-terminated);
 * the number of bytes. */
size_t ext2t_debugfs(const char *img, const char *cmd, char *buf, size_t size);

/* A mounted image: made by mke2fs (opts, size such as "8M") in a scratch
 * directory, the block cache restarted, the file system mounted. */
struct ext2t {
	char dir[128], img[160];
	struct filedisk disk;
	struct ext2_fs *fs;
	struct ext2_inode *root;
	size_t free0, objs0; /* pages free and slab objects before mount */
};
/* 0 or -1 (the test failed; the reason is recorded). */
int ext2t_setup(struct ext2t *t, const char *mkfs_opts, const char *size);
/* Level-1 buffers ext2t_baseline gives the cache (default 256). */
extern size_t ext2t_l1_bufs;
/* Restart the block cache and note the free pages and slab objects that
 * ext2t_unmount checks for (ext2t_setup does it). */
void ext2t_baseline(struct ext2t *t);
/* Mount t->img (again): 0 or the mount error. */
int ext2t_mount(struct ext2t *t);
/* Drop the root, unmount: 0, or the error; checks that every page and
 * slab object came back. */
int ext2t_unmount(struct ext2t *t);
/* Unmount if mounted, remove the scratch directory. */
void ext2t_cleanup(struct ext2t *t);

/* Path helpers over the inode API (relative to the root, no symlinks
 * followed): the inode held, or NULL. */
struct ext2_inode *ext2t_path(struct ext2t *t, const char *path);
/* The parent of path held in *dir and the last component's start. */
int ext2t_parent(struct ext2t *t, const char *path, struct ext2_inode **dir,
		 const char **name);
int ext2t_write_file(struct ext2t *t, const char *path, const void *data,
		     size_t len);
/* Whole contents into buf (at most size): length or a negative error. */
long ext2t_read_file(struct ext2t *t, const char *path, void *buf, size_t size);

#endif
