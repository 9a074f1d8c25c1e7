/*
 * procfs.c - the generated files of /proc: meminfo in Linux's format (for
 * free and friends), PID/maps (the regions of a process) and the self
 * link. Paths are matched lexically (after "." and ".." are applied);
 * a file's text is generated into a page when it is opened.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/slab.h>
#include <mm/ycache.h>

#define MAX_DEPTH 4
#define PROCFS_INO 0xf0000000u

/* The first MAX_DEPTH components of a normalized absolute path. */
struct comps {
	const char *name[MAX_DEPTH];
	size_t len[MAX_DEPTH];
	int depth;
};

static void push_path(struct comps *c, const char *s)
{
	while (*s) {
		size_t n = 0;

		while (*s == '/')
			s++;
		while (s[n] && s[n] != '/')
			n++;
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (c->depth > 0)
				c->depth--;
		} else {
			if (c->depth < MAX_DEPTH) {
				c->name[c->depth] = s;
				c->len[c->depth] = n;
			}
			c->depth++;
		}
		s += n;
	}
}

static bool comp_is(const struct comps *c, int i, const char *s)
{
	return c->len[i] == strlen(s) && !memcmp(c->name[i], s, c->len[i]);
}

/* "self" or a decimal pid of a live process: the pid, else -1. */
static int comp_pid(const struct comps *c, int i)
{
	int pid = 0;

	if (comp_is(c, i, "self"))
		return current ? current->pid : -1;
	if (c->len[i] > 9)
		return -1;
	for (size_t k = 0; k < c->len[i]; k++) {
		char ch = c->name[i][k];

		if (ch < '0' || ch > '9')
			return -1;
		pid = pid * 10 + (ch - '0');
	}
	return proc_find(pid) ? pid : -1;
}

bool procfs_match(const char *cwd, const char *path, bool nofollow,
		  struct procfs_ent *e)
{
	struct comps c = {.depth = 0};

	if (!strstr(path, "proc") && (path[0] == '/' || !strstr(cwd, "proc")))
		return false;
	if (path[0] != '/')
		push_path(&c, cwd);
	push_path(&c, path);
	if (c.depth < 2 || c.depth > 3 || !comp_is(&c, 0, "proc"))
		return false;
	e->kind = PROCFS_NONE;
	if (c.depth == 2 && comp_is(&c, 1, "meminfo")) {
		e->kind = PROCFS_MEMINFO;
	} else if (c.depth == 2 && comp_is(&c, 1, "self") && nofollow) {
		e->kind = PROCFS_SELF;
		e->pid = current ? current->pid : 0;
	} else if (c.depth == 3 && comp_is(&c, 2, "maps")) {
		e->pid = comp_pid(&c, 1);
		if (e->pid >= 0)
			e->kind = PROCFS_MAPS;
	}
	return e->kind != PROCFS_NONE;
}

/* --- generation ------------------------------------------------------ */

struct text {
	char *buf;
	size_t len, cap;
};

static void meminfo_line(struct text *t, const char *name, size_t pages)
{
	int n = snprintk(t->buf + t->len, t->cap - t->len, "%-16s%8lu kB\n",
			 name, (unsigned long)pages * (PAGE_SIZE / 1024));

	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->cap - 1);
}

static void gen_meminfo(struct text *t)
{
	struct phys_stats ps;
	struct slab_stats ss;

	phys_get_stats(&ps);
	slab_get_stats(&ss);
	meminfo_line(t, "MemTotal:", ps.total);
	meminfo_line(t, "MemFree:", ps.free);
	/* The yielded-block cache gives its pages back on demand. */
	meminfo_line(t, "MemAvailable:", ps.free + ps.cached);
	meminfo_line(t, "Buffers:", 0);
	meminfo_line(t, "Cached:", ps.cached);
	meminfo_line(t, "SwapCached:", 0);
	meminfo_line(t, "Active:", ps.user);
	meminfo_line(t, "Inactive:", ps.cached);
	meminfo_line(t, "Unevictable:", 0);
	meminfo_line(t, "Mlocked:", 0);
	meminfo_line(t, "SwapTotal:", 0);
	meminfo_line(t, "SwapFree:", 0);
	meminfo_line(t, "Dirty:", 0);
	meminfo_line(t, "Writeback:", 0);
	meminfo_line(t, "AnonPages:", ps.user);
	meminfo_line(t, "Mapped:", 0);
	meminfo_line(t, "Shmem:", 0);
	meminfo_line(t, "Slab:", ss.pages);
	meminfo_line(t, "SReclaimable:", 0);
	meminfo_line(t, "SUnreclaim:", ss.pages);
	meminfo_line(t, "CommitLimit:", ps.total);
	meminfo_line(t, "Committed_AS:", ps.user);
}

struct maps_arg {
	struct text *t;
	struct proc *p;
};

static const char *region_name(const struct region *r, const struct proc *p)
{
	if (r->flags & REGION_GROWSDOWN)
		return "[stack]";
	if (p->brk > p->brk_start && r->start >= p->brk_start &&
	    r->start < p->brk)
		return "[heap]";
	return "";
}

static void maps_line(const struct region *r, void *arg)
{
	struct maps_arg *a = arg;
	struct text *t = a->t;
	bool shared = region_is_shared(r);
	char head[64];
	int n;

	snprintk(
	    head, sizeof(head), "%08x-%08x %c%c%c%c %08x 00:00 0", r->start,
	    (uint32_t)(r->start + r->len), r->prot & PROT_READ ? 'r' : '-',
	    r->prot & PROT_WRITE ? 'w' : '-', r->prot & PROT_EXEC ? 'x' : '-',
	    shared ? 's' : 'p', region_map_offset(r));
	n = snprintk(t->buf + t->len, t->cap - t->len, "%-48s %s\n", head,
		     region_name(r, a->p));
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->cap - 1);
}

static void gen_maps(struct text *t, int pid)
{
	struct maps_arg a = {t, proc_find(pid)};

	if (a.p && a.p->space)
		mm_space_walk(a.p->space, maps_line, &a);
}

static long procfs_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	if (off >= f->priv_len)
		return 0;
	n = MIN(n, (size_t)(f->priv_len - off));
	memcpy(kbuf, (char *)f->priv + off, n);
	return (long)n;
}

static void procfs_release(struct file *f)
{
	kpage_free(f->priv);
}

static const struct file_ops procfs_ops = {
    .read = procfs_read,
    .release = procfs_release,
    .seekable = true,
};

int procfs_open(const struct procfs_ent *e, struct file **out)
{
	struct text t = {NULL, 0, PAGE_SIZE};
	struct file *f;

	if (e->kind == PROCFS_SELF)
		return -ELOOP; /* O_NOFOLLOW on the link */
	t.buf = kpage_alloc();
	if (!t.buf)
		return -ENOMEM;
	t.buf[0] = '\0';
	if (e->kind == PROCFS_MEMINFO)
		gen_meminfo(&t);
	else
		gen_maps(&t, e->pid);
	f = file_alloc(FILE_PROC, &procfs_ops, O_RDONLY);
	if (!f) {
		kpage_free(t.buf);
		return -ENFILE;
	}
	f->priv = t.buf;
	f->priv_len = (uint32_t)t.len;
	*out = f;
	return 0;
}

long procfs_readlink(const struct procfs_ent *e, char *buf, size_t n)
{
	char text[16];
	size_t len;

	if (e->kind != PROCFS_SELF)
		return -EINVAL;
	snprintk(text, sizeof(text), "%d", e->pid);
	len = MIN(n, strlen(text));
	memcpy(buf, text, len);
	return (long)len;
}

void procfs_stat(const struct procfs_ent *e, struct ramfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = PROCFS_INO + (uint32_t)e->kind;
	st->nlink = 1;
	if (e->kind == PROCFS_SELF) {
		char text[16];

		st->mode = RAMFS_S_IFLNK | 0777;
		st->size = (uint64_t)snprintk(text, sizeof(text), "%d", e->pid);
	} else {
		st->mode = RAMFS_S_IFREG | 0444;
	}
}
