/*
 * test_vfs_random.c - a few thousand random VFS operations (seeded)
 * over two file systems (the root ramfs and a tmpfs on /m), each
 * compared with a small model: 14 fixed names, each absent, a file (an
 * inode with contents and a link count) or, for the four top-level
 * ones, a directory. Then every name is checked against the model.
 */
#include <kernel/test.h>
#include "vfs_test.h"

#define NSLOTS 14
#define NL1 4 /* /a /b /m/a /m/b: files or directories */
#define MAXINO 4096
#define MAXLEN 48

enum kind { NONE, FILE_, DIR_ };

static const char *const slot_path[NSLOTS] = {
    "/a",   "/b",     "/m/a",	"/m/b",	  "/a/x",   "/a/y", "/b/x",
    "/b/y", "/m/a/x", "/m/a/y", "/m/b/x", "/m/b/y", "/x",   "/m/x",
};
/* The slot of each name's parent (-1: a directory that always exists). */
static const int slot_parent[NSLOTS] = {-1, -1, -1, -1, 0, 0,  1,
					1,  2,	2,  3,	3, -1, -1};

struct model {
	enum kind kind[NSLOTS];
	int ino[NSLOTS];
	char data[MAXINO][MAXLEN];
	int len[MAXINO], nlink[MAXINO];
	int ninos;
};

static struct model m;

static int fs_of(int s)
{
	return slot_path[s][1] == 'm';
}

/* The error of reaching slot s's parent (0 when it is a directory). */
static int parent_err(int s)
{
	int p = slot_parent[s];

	if (p < 0 || m.kind[p] == DIR_)
		return 0;
	return m.kind[p] == NONE ? -ENOENT : -ENOTDIR;
}

static bool dir_empty(int s)
{
	for (int c = NL1; c < NSLOTS; c++)
		if (slot_parent[c] == s && m.kind[c] != NONE)
			return false;
	return true;
}

static int model_create(int s, enum kind k)
{
	int err = parent_err(s);

	if (err)
		return err;
	if (m.kind[s] != NONE)
		return -EEXIST;
	m.kind[s] = k;
	if (k == FILE_) {
		m.ino[s] = m.ninos++;
		m.nlink[m.ino[s]] = 1;
	}
	return 0;
}

static int model_remove(int s, bool dir)
{
	int err = parent_err(s);

	if (err)
		return err;
	if (m.kind[s] == NONE)
		return -ENOENT;
	if (!dir && m.kind[s] == DIR_)
		return -EISDIR;
	if (dir && m.kind[s] == FILE_)
		return -ENOTDIR;
	if (dir && !dir_empty(s))
		return -ENOTEMPTY;
	if (m.kind[s] == FILE_)
		m.nlink[m.ino[s]]--;
	m.kind[s] = NONE;
	return 0;
}

/* Move directory a's children to the top-level name b. */
static void move_children(int a, int b)
{
	for (int c = NL1; c < NSLOTS; c++) {
		if (slot_parent[c] != a)
			continue;
		int to = c + (b - a) * 2; /* children are laid out in pairs */

		m.kind[to] = m.kind[c];
		m.ino[to] = m.ino[c];
		m.kind[c] = NONE;
	}
}

static int model_rename_dir(int a, int b)
{
	if (b >= NL1)
		return 1; /* not modelled: skip */
	if (m.kind[b] == FILE_)
		return -ENOTDIR;
	if (a == b)
		return 0;
	if (m.kind[b] == DIR_ && !dir_empty(b))
		return -ENOTEMPTY;
	move_children(a, b);
	m.kind[b] = DIR_;
	m.kind[a] = NONE;
	return 0;
}

static int model_rename(int a, int b)
{
	int err = parent_err(a);

	if (!err)
		err = parent_err(b);
	if (!err && fs_of(a) != fs_of(b))
		err = -EXDEV;
	if (err)
		return err;
	if (m.kind[a] == NONE)
		return -ENOENT;
	if (m.kind[a] == DIR_)
		return model_rename_dir(a, b);
	if (m.kind[b] == DIR_)
		return -EISDIR;
	if (m.kind[b] == FILE_ && m.ino[b] == m.ino[a])
		return 0;
	if (m.kind[b] == FILE_)
		m.nlink[m.ino[b]]--;
	m.kind[b] = FILE_;
	m.ino[b] = m.ino[a];
	m.kind[a] = NONE;
	return 0;
}

static int model_link(int a, int b)
{
	int err = parent_err(a);

	if (!err && m.kind[a] == NONE)
		err = -ENOENT;
	if (!err)
		err = parent_err(b);
	if (!err && m.kind[b] != NONE)
		err = -EEXIST;
	if (!err && fs_of(a) != fs_of(b))
		err = -EXDEV;
	if (!err && m.kind[a] == DIR_)
		err = -EPERM;
	if (err)
		return err;
	m.kind[b] = FILE_;
	m.ino[b] = m.ino[a];
	m.nlink[m.ino[a]]++;
	return 0;
}

/* The error of opening slot s without O_CREAT, as the model sees it. */
static int model_open(int s)
{
	int err = parent_err(s);

	if (!err && m.kind[s] == NONE)
		err = -ENOENT;
	return err;
}

static int do_append(int s, uint64_t *rng)
{
	char buf[8];
	int want = model_open(s), i = m.ino[s], n = (int)(host_rand(rng) % 6);
	struct vfile *f;
	int err;

	if (!want && m.kind[s] == DIR_)
		want = -EISDIR;
	err = vfs_openat(&root_ctx, NULL, slot_path[s],
			 VFS_O_WRONLY | VFS_O_APPEND, 0, &f);
	if (err || want)
		return err == want ? 0 : -1000 + err;
	n = MIN(n, MAXLEN - m.len[i]);
	for (int k = 0; k < n; k++)
		buf[k] = (char)('a' + host_rand(rng) % 26);
	err = (int)vfs_write(f, buf, (size_t)n);
	vfile_put(f);
	memcpy(m.data[i] + m.len[i], buf, (size_t)n);
	m.len[i] += n;
	return err == n ? 0 : -2000;
}

/* Does slot s look like the model says (type, links, contents)? */
static bool slot_ok(int s)
{
	char buf[MAXLEN + 1];
	struct vattr va;
	int err = vfs_stat(&root_ctx, NULL, slot_path[s], VFS_NOFOLLOW, &va);
	int i = m.ino[s];

	if (m.kind[s] != FILE_)
		return m.kind[s] == NONE ? err == model_open(s)
					 : !err && VFS_ISDIR(va.mode);
	if (err || !VFS_ISREG(va.mode) || va.nlink != (uint32_t)m.nlink[i] ||
	    va.size != (uint64_t)m.len[i])
		return false;
	vt_get(slot_path[s], buf, sizeof(buf));
	return (int)strlen(buf) == m.len[i] &&
	       !memcmp(buf, m.data[i], m.len[i]);
}

static int ren_ok(const char *a, const char *b, int want)
{
	return vfs_rename(&root_ctx, NULL, a, NULL, b, 0) == want ? 0 : -5;
}

static int one_op(int op, int a, int b, uint64_t *rng)
{
	const char *pa = slot_path[a], *pb = slot_path[b];
	int want;

	switch (op) {
	case 0:
		if (a >= NL1)
			return 0;
		want = model_create(a, DIR_);
		return vfs_mkdir(&root_ctx, NULL, pa, 0755) == want ? 0 : -1;
	case 1:
		want = model_create(a, FILE_);
		return vfs_mknod(&root_ctx, NULL, pa, VFS_S_IFREG | 0644, 0) ==
			       want
			   ? 0
			   : -2;
	case 2:
		return do_append(a, rng);
	case 3:
		want = model_remove(a, false);
		return vfs_unlink(&root_ctx, NULL, pa) == want ? 0 : -3;
	case 4:
		want = model_remove(a, true);
		return vfs_rmdir(&root_ctx, NULL, pa) == want ? 0 : -4;
	case 5:
		want = model_rename(a, b);
		if (want == 1)
			return 0;
		return ren_ok(pa, pb, want);
	case 6:
		want = model_link(a, b);
		return vfs_link(&root_ctx, NULL, pa, NULL, pb, 0) == want ? 0
									  : -6;
	default:
		return slot_ok(a) ? 0 : -7;
	}
}

TEST(vfs_random_against_model)
{
	uint64_t rng = 0x5eed1234abcdull;

	memset(&m, 0, sizeof(m));
	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/m"), 0);
	CHECK_EQ(vfs_mount(&root_ctx, "t", NULL, "/m", "tmpfs", ""), 0);
	for (int i = 0; i < 4000; i++) {
		int op = (int)(host_rand(&rng) % 8);
		int a = (int)(host_rand(&rng) % NSLOTS);
		int b = (int)(host_rand(&rng) % NSLOTS);
		int r = one_op(op, a, b, &rng);

		if (r)
			test_fail(__FILE__, __LINE__,
				  "op %d: %d(%s, %s) failed (%d)", i, op,
				  slot_path[a], slot_path[b], r);
		if (r)
			return;
	}
	for (int s = 0; s < NSLOTS; s++)
		CHECK(slot_ok(s));
	CHECK_EQ(vfs_unmount_all(), 0);
}
