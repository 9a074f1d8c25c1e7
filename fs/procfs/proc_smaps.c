/*
 * proc_smaps.c - /proc/PID/smaps, smaps_rollup and pagemap in Linux
 * 6.1's formats, read from the process's page tables and regions
 * (mm_region_usage, mm_pagemap) at the moment of each read.
 *
 * smaps has no size bound (about 900 bytes a region), so a read walks
 * the regions and generates one region's text at a time, copying only
 * the part of it that falls in the bytes asked for: reads at any offset
 * see the text of the moment. pagemap is binary: 8 bytes per virtual
 * page, the entry of page va at offset va / PAGE_SIZE * 8, up to the
 * top of user space; the page frame number shows only to root, as
 * Linux's CAP_SYS_ADMIN.
 */
#include <fs/vfs/buf.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include "proc_internal.h"

/* Linux's "%-16s%8lu kB" lines (SEQ_PUT_DEC). */
static void kb_line(struct text *t, const char *name, uint64_t bytes)
{
	text_add(t, "%-16s%8lu kB\n", name, (unsigned long)(bytes >> 10));
}

/* Linux's __show_smap: the counters (rollup adds the Pss split). */
static void usage_lines(struct text *t, const struct region_usage *u,
			bool rollup)
{
	kb_line(t, "Rss:", u->resident);
	kb_line(t, "Pss:", u->pss >> MM_PSS_SHIFT);
	kb_line(t, "Pss_Dirty:", u->pss_dirty >> MM_PSS_SHIFT);
	if (rollup) {
		kb_line(t, "Pss_Anon:", u->pss_anon >> MM_PSS_SHIFT);
		kb_line(t, "Pss_File:", u->pss_file >> MM_PSS_SHIFT);
		kb_line(t, "Pss_Shmem:", u->pss_shmem >> MM_PSS_SHIFT);
	}
	kb_line(t, "Shared_Clean:", u->shared_clean);
	kb_line(t, "Shared_Dirty:", u->shared_dirty);
	kb_line(t, "Private_Clean:", u->private_clean);
	kb_line(t, "Private_Dirty:", u->private_dirty);
	kb_line(t, "Referenced:", u->referenced);
	kb_line(t, "Anonymous:", u->anonymous);
	kb_line(t, "LazyFree:", 0);
	kb_line(t, "AnonHugePages:", 0);
	kb_line(t, "ShmemPmdMapped:", 0);
	kb_line(t, "FilePmdMapped:", 0);
	kb_line(t, "Shared_Hugetlb:", 0);
	kb_line(t, "Private_Hugetlb:", 0);
	kb_line(t, "Swap:", 0);
	kb_line(t, "SwapPss:", 0);
	kb_line(t, "Locked:", u->pss_locked >> MM_PSS_SHIFT);
}

/* Linux's VmFlags mnemonics for what a region is, in Linux's bit order:
 * rd wr ex sh mr mw me ms gd pf lo io dc de ac wf dd. */
static void vmflags_line(struct text *t, const struct region *r)
{
	bool shared = region_is_shared(r);
	bool raw = !strcmp(region_backend_name(r), "direct");

	text_add(t, "VmFlags: %s%s%s%s", r->prot & PROT_READ ? "rd " : "",
		 r->prot & PROT_WRITE ? "wr " : "",
		 r->prot & PROT_EXEC ? "ex " : "", shared ? "sh " : "");
	text_add(t, "mr mw me %s%s%s", shared ? "ms " : "",
		 r->flags & REGION_GROWSDOWN ? "gd " : "", raw ? "pf " : "");
	text_add(t, "%s%s%s%s",
		 r->flags & (REGION_LOCKED | REGION_LOCKONFAULT) ? "lo " : "",
		 raw ? "io " : "", r->flags & REGION_DONTFORK ? "dc " : "",
		 raw ? "de " : "");
	/* VM_ACCOUNT: private writable memory is charged, as Linux's
	 * accountable_mapping. */
	text_add(t, "%s%s%s\n", !shared && (r->prot & PROT_WRITE) ? "ac " : "",
		 r->flags & REGION_WIPEONFORK ? "wf " : "", raw ? "dd " : "");
}

/* One region's smaps text (Linux's show_smap). */
static void smap_text(struct text *t, const struct region *r,
		      const struct proc *p)
{
	struct region_usage u = {0};

	mm_region_usage(r, &u);
	proc_maps_line(t, r, p);
	kb_line(t, "Size:", r->len);
	kb_line(t, "KernelPageSize:", PAGE_SIZE);
	kb_line(t, "MMUPageSize:", PAGE_SIZE);
	usage_lines(t, &u, false);
	text_add(t, "THPeligible:    0\n");
	vmflags_line(t, r);
}

/* A read of bytes [off, off + n) of a text generated piece by piece:
 * pos is where the next piece starts, done what was copied. */
struct window {
	struct text t; /* the piece */
	const struct proc *p;
	char *out;
	size_t n, done;
	uint64_t off, pos;
};

/* The piece in w->t covers [pos, pos + len): copy its part in the
 * window, move pos on. */
static void window_take(struct window *w)
{
	uint64_t end = w->off + w->n, a = MAX(w->pos, w->off + w->done);
	uint64_t b = MIN(w->pos + w->t.len, end);

	if (a < b && a == w->off + w->done) {
		memcpy(w->out + w->done, w->t.buf + (a - w->pos),
		       (size_t)(b - a));
		w->done += (size_t)(b - a);
	}
	w->pos += w->t.len;
}

static void smaps_region(const struct region *r, void *arg)
{
	struct window *w = arg;

	if (w->done == w->n || w->pos >= w->off + w->n)
		return; /* past the window: no need to generate */
	w->t.len = 0;
	w->t.buf[0] = '\0';
	smap_text(&w->t, r, w->p);
	window_take(w);
}

/* The rollup's sum so far, and the span of the regions seen. */
struct rollup {
	struct region_usage sum;
	vaddr_t start, end;
};

static void rollup_region(const struct region *r, void *arg)
{
	struct rollup *a = arg;

	mm_region_usage(r, &a->sum);
	if (!a->end)
		a->start = r->start;
	a->end = r->start + r->len;
}

/* Linux's smaps_rollup: the first region's start to the last one's end,
 * and the counters summed over every region. */
static void rollup_text(struct text *t, struct mm_space *s)
{
	struct rollup a;
	char head[64];

	memset(&a, 0, sizeof(a));
	mm_space_walk(s, rollup_region, &a);
	snprintk(head, sizeof(head), "%08x-%08x ---p 00000000 00:00 0", a.start,
		 a.end);
	text_add(t, "%-72s [rollup]\n", head);
	usage_lines(t, &a.sum, true);
}

long proc_smaps_read(int pid, bool rollup, void *buf, size_t n, uint64_t off)
{
	struct proc *p = proc_find(pid);
	struct window w = {
	    {vfs_page_alloc(), 0, PAGE_SIZE}, p, buf, n, 0, off, 0};

	if (!p) {
		vfs_page_free(w.t.buf);
		return -ENOENT;
	}
	if (!w.t.buf)
		return -ENOMEM;
	w.t.buf[0] = '\0';
	if (p->space && rollup) {
		rollup_text(&w.t, p->space);
		window_take(&w);
	} else if (p->space) {
		mm_space_walk(p->space, smaps_region, &w);
	}
	vfs_page_free(w.t.buf);
	return (long)w.done;
}

#define PM_BYTES 8u /* one entry */

long proc_pagemap_read(int pid, void *buf, size_t n, uint64_t off)
{
	struct proc *p = proc_find(pid);
	uint64_t first = off / PM_BYTES, top = USER_TOP / PAGE_SIZE;
	size_t count = n / PM_BYTES;

	if (!p)
		return -ENOENT;
	if (off % PM_BYTES || n % PM_BYTES)
		return -EINVAL;
	if (p != current && !cred_may_control(p))
		return -EACCES;
	if (!p->space || first >= top || !count)
		return 0;
	count = (size_t)MIN((uint64_t)count, top - first);
	mm_pagemap(p->space, (vaddr_t)(first * PAGE_SIZE), count, buf,
		   cred_privileged());
	return (long)(count * PM_BYTES);
}
