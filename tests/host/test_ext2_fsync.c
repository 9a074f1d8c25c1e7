/*
 * test_ext2_fsync.c - what one fsync makes durable (fs/ext2/fsync.c),
 * checked on a copy of the image taken right after it, as a crash would
 * leave the disk: the file's data, its indirect blocks, its inode, and a
 * fsynced directory's entries; the bitmaps and superblock wait for sync
 * as on Linux. Also the two ways an inode's list of blocks falls back to
 * writing all metadata: more blocks than it remembers, and an inode that
 * left memory before its fsync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fs/bcache.h>
#include <fs/ext2.h>
#include "../../fs/ext2/ext2_internal.h"
#include "filedisk.h"
#include "host.h"

#define LEN 20000 /* 1 KiB blocks: direct ones and an indirect block */

static char data[LEN], got[LEN + 1];

static void fill(void)
{
	for (size_t i = 0; i < LEN; i++)
		data[i] = (char)('a' + (i * 7 + i / 1024) % 26);
}

/* The image as it is on the disk now, copied to crash.img. */
static const char *crash_copy(struct ext2t *t)
{
	static char img[200];

	snprintf(img, sizeof(img), "%s/crash.img", t->dir);
	if (ext2t_run("cp '%s' '%s'", t->img, img))
		img[0] = 0; /* debugfs finds nothing */
	return img;
}

/* The file at path in img holds data (read by debugfs). */
static bool crash_has(const char *img, const char *path)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "cat %s", path);
	return ext2t_debugfs(img, cmd, got, sizeof(got)) == LEN &&
	       !memcmp(got, data, LEN);
}

/* How many data blocks debugfs finds for /f in img. */
static unsigned count_blocks(const char *img, char *out, size_t size)
{
	unsigned n = 0;

	ext2t_debugfs(img, "blocks /f", out, size);
	for (char *p = strtok(out, " \n"); p; p = strtok(NULL, " \n"))
		n++;
	return n;
}

static size_t dirty_blocks(void)
{
	struct bcache_stats st;

	bcache_get_stats(&st);
	return st.dirty;
}

TEST(ext2_fsync_file_and_dir_survive_crash)
{
	struct ext2_inode *d, *f;
	struct ext2t t;

	fill();
	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	CHECK_EQ(ext2_mkdir(t.root, "d", 1, 0755, 0, 0, &d), 0);
	CHECK_EQ(ext2_create(d, "f", 1, 0644, 0, 0, &f), 0);
	CHECK_EQ(ext2_write(f, data, LEN, 0), LEN);
	CHECK_EQ(ext2_fsync(f), 0);
	CHECK_EQ(ext2_fsync(d), 0);
	CHECK_EQ(ext2_fsync(t.root), 0);
	CHECK(crash_has(crash_copy(&t), "/d/f"));
	/* as Linux: the bitmaps and the superblock wait for sync */
	CHECK(dirty_blocks() > 0);
	ext2_iput(f);
	ext2_iput(d);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

/* Without fsync of the directory the new name need not be there, but
 * after it the inode and data must: fsync of the file alone, then of
 * the root only. */
TEST(ext2_fsync_file_only_writes_its_blocks)
{
	struct ext2_inode *f;
	struct ext2t t;
	size_t before;

	fill();
	if (ext2t_setup(&t, "-b 4096", "8M"))
		goto done;
	CHECK_EQ(ext2_create(t.root, "f", 1, 0644, 0, 0, &f), 0);
	CHECK_EQ(ext2_write(f, data, LEN, 0), LEN);
	before = dirty_blocks();
	CHECK_EQ(ext2_fsync(f), 0);
	CHECK(dirty_blocks() < before); /* its inode block */
	CHECK(dirty_blocks() > 0);	/* the root's entry, the bitmaps */
	CHECK_EQ(ext2_fsync(t.root), 0);
	CHECK(crash_has(crash_copy(&t), "/f"));
	ext2_iput(f);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

/* A block under each of 20 indirect blocks (1 KiB blocks: 256 pointers
 * each): more than an inode remembers, so fsync writes all metadata. */
TEST(ext2_fsync_many_indirect_blocks)
{
	const uint64_t first = 12 + 256; /* the first doubly indirect block */
	struct ext2_inode *f;
	struct ext2t t;
	char out[4096];
	unsigned n = 0;

	if (ext2t_setup(&t, "-b 1024", "16M"))
		goto done;
	CHECK_EQ(ext2_create(t.root, "f", 1, 0644, 0, 0, &f), 0);
	for (uint64_t k = 0; k < 20; k++)
		CHECK_EQ(ext2_write(f, "x", 1, (first + k * 256) * 1024), 1);
	CHECK(f->meta_lost);
	CHECK_EQ(ext2_fsync(f), 0);
	CHECK_EQ(ext2_fsync(t.root), 0);
	n = count_blocks(crash_copy(&t), out, sizeof(out));
	CHECK(n >= 20);
	ext2_iput(f);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	CHECK_EQ(count_blocks(t.img, out, sizeof(out)), n);
done:
	ext2t_cleanup(&t);
}

/* The inode leaves memory between the write and the fsync: its list is
 * gone, so the fsync after it writes all metadata. */
TEST(ext2_fsync_after_inode_left_memory)
{
	struct ext2_inode *f;
	struct ext2t t;

	fill();
	if (ext2t_setup(&t, "-b 1024", "8M"))
		goto done;
	CHECK_EQ(ext2_create(t.root, "f", 1, 0644, 0, 0, &f), 0);
	CHECK_EQ(ext2_write(f, data, LEN, 0), LEN);
	ext2_iput(f);
	ext2_icache_drop(t.fs);
	CHECK(t.fs->meta_lost);
	f = ext2t_path(&t, "f");
	CHECK(f);
	if (f) {
		CHECK_EQ(ext2_fsync(f), 0);
		CHECK(!t.fs->meta_lost);
		CHECK(crash_has(crash_copy(&t), "/f"));
		ext2_iput(f);
	}
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}
