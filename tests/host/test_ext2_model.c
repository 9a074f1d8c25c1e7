/*
 * test_ext2_model.c - a seeded random walk of ext2 operations (create,
 * write, truncate, unlink, mkdir, rmdir, rename, link, symlink) checked
 * step by step against an in-memory model of the tree, which is then
 * compared whole with the file system, before and after an unmount,
 * e2fsck -fn and a remount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fs/bcache.h>
#include <fs/ext2.h>
#include <kernel/errno.h>
#include "filedisk.h"
#include "host.h"

#define MAXOBJ 600
#define MAXENT 1200
#define NNAMES 10
#define MAXDATA 90000

enum { M_FREE, M_REG, M_DIR, M_LNK };

struct mobj {
	int type, nlink;
	unsigned char *data;
	size_t size;
	char target[256];
	uint32_t ino;	   /* ext2's, learned at first comparison */
	int parent, pname; /* directories: parent object and entry */
};

struct ment {
	int used, dir, obj;
	char name[8];
};

struct model {
	struct mobj o[MAXOBJ];
	struct ment e[MAXENT];
	struct ext2t *t;
	uint64_t rng;
	int errors;
};

static int new_obj(struct model *m, int type)
{
	for (int i = 1; i < MAXOBJ; i++)
		if (m->o[i].type == M_FREE) {
			memset(&m->o[i], 0, sizeof(m->o[i]));
			m->o[i].type = type;
			return i;
		}
	return -1;
}

static int find_ent(struct model *m, int dir, const char *name)
{
	for (int i = 0; i < MAXENT; i++)
		if (m->e[i].used && m->e[i].dir == dir &&
		    !strcmp(m->e[i].name, name))
			return i;
	return -1;
}

static int add_ent(struct model *m, int dir, const char *name, int obj)
{
	for (int i = 0; i < MAXENT; i++)
		if (!m->e[i].used) {
			m->e[i].used = 1;
			m->e[i].dir = dir;
			m->e[i].obj = obj;
			snprintf(m->e[i].name, sizeof(m->e[i].name), "%s",
				 name);
			m->o[obj].nlink++;
			if (m->o[obj].type == M_DIR) {
				m->o[obj].parent = dir;
				m->o[obj].pname = i;
				m->o[dir].nlink++;
				m->o[obj].nlink++; /* "." */
			}
			return i;
		}
	return -1;
}

static void drop_obj(struct model *m, int obj)
{
	free(m->o[obj].data);
	memset(&m->o[obj], 0, sizeof(m->o[obj]));
}

static void del_ent(struct model *m, int e)
{
	int obj = m->e[e].obj;

	m->e[e].used = 0;
	if (m->o[obj].type == M_DIR) {
		m->o[m->e[e].dir].nlink--;
		drop_obj(m, obj);
		return;
	}
	if (--m->o[obj].nlink == 0)
		drop_obj(m, obj);
}

static bool dir_empty(struct model *m, int dir)
{
	for (int i = 0; i < MAXENT; i++)
		if (m->e[i].used && m->e[i].dir == dir)
			return false;
	return true;
}

/* Is a (a directory) dir or one of its ancestors? */
static bool is_ancestor(struct model *m, int a, int dir)
{
	for (int d = dir;; d = m->o[d].parent) {
		if (d == a)
			return true;
		if (d == 0)
			return false;
	}
}

static void path_of_dir(struct model *m, int dir, char *buf, size_t size)
{
	char tmp[1024];

	if (dir == 0) {
		buf[0] = 0;
		return;
	}
	path_of_dir(m, m->o[dir].parent, tmp, sizeof(tmp));
	snprintf(buf, size, "%s%s%s", tmp, tmp[0] ? "/" : "",
		 m->e[m->o[dir].pname].name);
}

static struct ext2_inode *dir_inode(struct model *m, int dir)
{
	char path[1024];

	path_of_dir(m, dir, path, sizeof(path));
	return ext2t_path(m->t, path);
}

static int rand_dir(struct model *m)
{
	for (int tries = 0; tries < 50; tries++) {
		int i = (int)(host_rand(&m->rng) % MAXOBJ);

		if (m->o[i].type == M_DIR)
			return i;
	}
	return 0;
}

static int rand_ent(struct model *m)
{
	for (int tries = 0; tries < 100; tries++) {
		int i = (int)(host_rand(&m->rng) % MAXENT);

		if (m->e[i].used)
			return i;
	}
	return -1;
}

static void rand_name(struct model *m, char *name)
{
	snprintf(name, 8, "n%u", host_rand(&m->rng) % NNAMES);
}

static int live_objs(struct model *m)
{
	int n = 0;

	for (int i = 0; i < MAXOBJ; i++)
		n += m->o[i].type != M_FREE;
	return n;
}

#define EXPECT(call, want)                                                   \
	do {                                                                 \
		long _g = (call), _w = (want);                               \
		if (_g != _w) {                                              \
			printf("step %d: %s = %ld, want %ld\n", step, #call, \
			       _g, _w);                                      \
			m->errors++;                                         \
		}                                                            \
	} while (0)

static void one_step(struct model *m, int step)
{
	unsigned op = host_rand(&m->rng) % 100;
	char name[8];
	int d, e, ex, obj;
	struct ext2_inode *dir, *ip;

	if (op < 14) { /* create */
		d = rand_dir(m);
		rand_name(m, name);
		dir = dir_inode(m, d);
		ex = find_ent(m, d, name);
		if (ex < 0 && live_objs(m) > MAXOBJ - 20)
			goto out_dir;
		EXPECT(ext2_create(dir, name, strlen(name), 0644, 0, 0, NULL),
		       ex >= 0 ? -EEXIST : 0);
		if (ex < 0)
			add_ent(m, d, name, new_obj(m, M_REG));
	} else if (op < 40) { /* write or truncate */
		e = rand_ent(m);
		if (e < 0 || m->o[m->e[e].obj].type != M_REG)
			return;
		obj = m->e[e].obj;
		dir = dir_inode(m, m->e[e].dir);
		if (!dir ||
		    ext2_lookup(dir, m->e[e].name, strlen(m->e[e].name), &ip)) {
			printf("step %d: lookup failed\n", step);
			m->errors++;
			goto out_dir;
		}
		{
			struct mobj *o = &m->o[obj];
			size_t off = host_rand(&m->rng) % (MAXDATA - 6000);
			size_t len = 1 + host_rand(&m->rng) % 5000;
			size_t end = off + len;

			if (!o->data)
				o->data = calloc(1, MAXDATA);
			if (op < 32) {
				unsigned char *buf = malloc(len);

				for (size_t i = 0; i < len; i++)
					buf[i] = (unsigned char)(step + i * 13);
				EXPECT(ext2_write(ip, buf, len, off),
				       (long)len);
				memcpy(o->data + off, buf, len);
				if (end > o->size)
					o->size = end;
				free(buf);
			} else {
				size_t size = host_rand(&m->rng) % MAXDATA;

				EXPECT(ext2_truncate(ip, size), 0);
				if (size < o->size)
					memset(o->data + size, 0,
					       o->size - size);
				o->size = size;
			}
		}
		ext2_iput(ip);
	} else if (op < 52) { /* unlink */
		e = rand_ent(m);
		if (e < 0)
			return;
		obj = m->e[e].obj;
		dir = dir_inode(m, m->e[e].dir);
		EXPECT(ext2_unlink(dir, m->e[e].name, strlen(m->e[e].name)),
		       m->o[obj].type == M_DIR ? -EISDIR : 0);
		if (m->o[obj].type != M_DIR)
			del_ent(m, e);
	} else if (op < 62) { /* mkdir */
		d = rand_dir(m);
		rand_name(m, name);
		dir = dir_inode(m, d);
		ex = find_ent(m, d, name);
		if (ex < 0 && live_objs(m) > MAXOBJ - 20)
			goto out_dir;
		EXPECT(ext2_mkdir(dir, name, strlen(name), 0755, 0, 0, NULL),
		       ex >= 0 ? -EEXIST : 0);
		if (ex < 0)
			add_ent(m, d, name, new_obj(m, M_DIR));
	} else if (op < 70) { /* rmdir */
		e = rand_ent(m);
		if (e < 0)
			return;
		obj = m->e[e].obj;
		dir = dir_inode(m, m->e[e].dir);
		{
			long want = m->o[obj].type != M_DIR ? -ENOTDIR
				    : !dir_empty(m, obj)    ? -ENOTEMPTY
							    : 0;

			EXPECT(
			    ext2_rmdir(dir, m->e[e].name, strlen(m->e[e].name)),
			    want);
			if (want == 0)
				del_ent(m, e);
		}
	} else if (op < 85) { /* rename */
		int nd = rand_dir(m), src_obj, dst_e;
		struct ext2_inode *ndir;
		long want = 0;

		e = rand_ent(m);
		if (e < 0)
			return;
		rand_name(m, name);
		src_obj = m->e[e].obj;
		dst_e = find_ent(m, nd, name);
		if (m->o[src_obj].type == M_DIR && is_ancestor(m, src_obj, nd))
			want = -EINVAL;
		else if (dst_e >= 0 && m->o[m->e[dst_e].obj].type == M_DIR &&
			 is_ancestor(m, m->e[dst_e].obj, m->e[e].dir))
			want = -ENOTEMPTY;
		else if (dst_e >= 0 && m->e[dst_e].obj == src_obj)
			want = 0;
		else if (dst_e >= 0) {
			int dobj = m->e[dst_e].obj;
			bool sdir = m->o[src_obj].type == M_DIR;
			bool ddir = m->o[dobj].type == M_DIR;

			want = sdir && !ddir		     ? -ENOTDIR
			       : !sdir && ddir		     ? -EISDIR
			       : ddir && !dir_empty(m, dobj) ? -ENOTEMPTY
							     : 0;
		}
		dir = dir_inode(m, m->e[e].dir);
		ndir = dir_inode(m, nd);
		EXPECT(ext2_rename(dir, m->e[e].name, strlen(m->e[e].name),
				   ndir, name, strlen(name), 0),
		       want);
		ext2_iput(ndir);
		if (want == 0 && !(dst_e >= 0 && m->e[dst_e].obj == src_obj)) {
			int keep;

			if (dst_e >= 0)
				del_ent(m, dst_e);
			/* Re-add under the new name, keeping the object. */
			m->o[src_obj].nlink++; /* survives del_ent */
			if (m->o[src_obj].type == M_DIR) {
				m->e[e].used = 0;
				m->o[m->e[e].dir].nlink--;
				m->o[src_obj].nlink -= 3;
			} else {
				del_ent(m, e);
				m->o[src_obj].nlink--;
			}
			keep = add_ent(m, nd, name, src_obj);
			(void)keep;
		}
	} else if (op < 92) { /* link */
		d = rand_dir(m);
		rand_name(m, name);
		e = rand_ent(m);
		if (e < 0 || m->o[m->e[e].obj].type == M_DIR)
			return;
		dir = dir_inode(m, m->e[e].dir);
		if (ext2_lookup(dir, m->e[e].name, strlen(m->e[e].name), &ip)) {
			m->errors++;
			goto out_dir;
		}
		ext2_iput(dir);
		dir = dir_inode(m, d);
		ex = find_ent(m, d, name);
		EXPECT(ext2_link(ip, dir, name, strlen(name)),
		       ex >= 0 ? -EEXIST : 0);
		ext2_iput(ip);
		if (ex < 0)
			add_ent(m, d, name, m->e[e].obj);
	} else { /* symlink */
		char target[256];
		size_t tlen = 1 + host_rand(&m->rng) % 200;

		d = rand_dir(m);
		rand_name(m, name);
		for (size_t i = 0; i < tlen; i++)
			target[i] = (char)('a' + (step + i) % 26);
		target[tlen] = 0;
		dir = dir_inode(m, d);
		ex = find_ent(m, d, name);
		if (ex < 0 && live_objs(m) > MAXOBJ - 20)
			goto out_dir;
		EXPECT(ext2_symlink(dir, name, strlen(name), target, tlen, 0, 0,
				    NULL),
		       ex >= 0 ? -EEXIST : 0);
		if (ex < 0) {
			obj = new_obj(m, M_LNK);
			strcpy(m->o[obj].target, target);
			add_ent(m, d, name, obj);
		}
	}
out_dir:
	if (dir)
		ext2_iput(dir);
}

struct seen {
	char names[NNAMES + 2][8];
	uint32_t inos[NNAMES + 2];
	int n;
};

static int seen_cb(void *arg, const char *name, size_t len, uint32_t ino,
		   unsigned type, uint64_t next)
{
	struct seen *s = arg;

	(void)type;
	(void)next;
	if (s->n < NNAMES + 2 && len < 8) {
		memcpy(s->names[s->n], name, len);
		s->names[s->n][len] = 0;
		s->inos[s->n] = ino;
	}
	s->n++;
	return 0;
}

/* Compare directory object d (inode dir) and everything under it. */
static void compare_dir(struct model *m, int d, struct ext2_inode *dir,
			unsigned char *buf)
{
	struct seen s = {0};
	uint64_t pos = 0;
	int want = d == 0 ? 3 : 2; /* root: lost+found */
	struct ext2_stat st;

	ext2_getattr(dir, &st);
	if (st.nlink != (uint32_t)(d == 0 ? m->o[0].nlink + 1 : m->o[d].nlink))
		m->errors++, printf("dir %d nlink %u != %d\n", d, st.nlink,
				    m->o[d].nlink);
	if (ext2_readdir(dir, &pos, seen_cb, &s)) {
		m->errors++;
		return;
	}
	for (int i = 0; i < MAXENT; i++) {
		struct ext2_inode *ip;
		struct mobj *o;

		if (!m->e[i].used || m->e[i].dir != d)
			continue;
		want++;
		o = &m->o[m->e[i].obj];
		if (ext2_lookup(dir, m->e[i].name, strlen(m->e[i].name), &ip)) {
			printf("missing %s in dir %d\n", m->e[i].name, d);
			m->errors++;
			continue;
		}
		ext2_getattr(ip, &st);
		if (o->ino && o->ino != st.ino)
			m->errors++, printf("%s: ino %u != %u\n", m->e[i].name,
					    st.ino, o->ino);
		o->ino = st.ino;
		if (o->type == M_REG) {
			long n = ext2_read(ip, buf, MAXDATA, 0);

			if (n != (long)o->size ||
			    st.nlink != (uint32_t)o->nlink ||
			    (n > 0 && memcmp(buf, o->data, (size_t)n)))
				m->errors++, printf("%s: contents or nlink "
						    "(%ld %zu %u %d)\n",
						    m->e[i].name, n, o->size,
						    st.nlink, o->nlink);
		} else if (o->type == M_LNK) {
			long n = ext2_readlink(ip, (char *)buf, 4096);

			if (n != (long)strlen(o->target) ||
			    memcmp(buf, o->target, (size_t)n))
				m->errors++,
				    printf("%s: link target\n", m->e[i].name);
		} else {
			compare_dir(m, m->e[i].obj, ip, buf);
		}
		ext2_iput(ip);
	}
	if (s.n != want)
		m->errors++,
		    printf("dir %d: %d entries, want %d\n", d, s.n, want);
}

static void compare_all(struct model *m)
{
	unsigned char *buf = malloc(MAXDATA);

	compare_dir(m, 0, m->t->root, buf);
	free(buf);
}

static void model_run(const char *opts, uint64_t seed, int steps)
{
	static struct model mm;
	struct model *m = &mm;
	struct ext2t t;

	for (int i = 0; i < MAXOBJ; i++)
		free(m->o[i].data);
	memset(m, 0, sizeof(*m));
	m->o[0].type = M_DIR;
	m->o[0].nlink = 2; /* lost+found adds one: compare_dir adds it */
	m->rng = seed;
	m->t = &t;
	if (ext2t_setup(&t, opts, "32M"))
		goto done;
	/* lost+found is not in the model: it stays where it is. */
	for (int step = 0; step < steps; step++) {
		one_step(m, step);
		if (m->errors) {
			test_fail(__FILE__, __LINE__, "step %d of seed %llu",
				  step, (unsigned long long)seed);
			goto done;
		}
		if (step % 1000 == 999) {
			compare_all(m);
			CHECK_EQ(m->errors, 0);
		}
	}
	compare_all(m);
	CHECK_EQ(m->errors, 0);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
	CHECK_EQ(ext2t_mount(&t), 0);
	compare_all(m);
	CHECK_EQ(m->errors, 0);
	CHECK_EQ(ext2t_unmount(&t), 0);
	CHECK_EQ(ext2t_fsck(t.img), 0);
done:
	ext2t_cleanup(&t);
}

TEST(ext2_model_1k)
{
	model_run("-b 1024", 12345, 2000);
}

TEST(ext2_model_4k)
{
	model_run("-b 4096", 777, 2000);
}

/* The same with a level 1 of 4 buffers: nearly every block comes back
 * from level 2 (the yielded-block cache), and the image stays right. */
static void model_run_l2(const char *opts, uint64_t seed)
{
	size_t saved = ext2t_l1_bufs;
	struct bcache_stats st;

	ext2t_l1_bufs = 4;
	model_run(opts, seed, 600);
	bcache_get_stats(&st);
	CHECK(st.l2_hits > 0);
	CHECK(st.l2_yields > st.l2_hits / 2);
	ext2t_l1_bufs = saved;
}

TEST(ext2_model_1k_l2)
{
	model_run_l2("-b 1024", 4242);
}

TEST(ext2_model_4k_l2)
{
	model_run_l2("-b 4096", 99);
}
