/*
 * proc_text.c - the text of /proc's files in Linux's formats: meminfo
 * (for free and friends), mounts, uptime, filesystems, fs/bcache (the
 * block cache's counters), and per process
 * maps, stat and status (for ps and top). Each read generates the whole
 * text into one tracked page and copies the part asked for.
 */
#include <arch/hooks.h>
#include <fs/bcache.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <fs/proc_text.h>
#include <kernel/coredump.h>
#include <kernel/cred.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/shm.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/shmem.h>
#include <mm/slab.h>
#include "proc_internal.h"

void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->cap - 1);
}

static void meminfo_line(struct text *t, const char *name, size_t pages)
{
	text_add(t, "%-16s%8lu kB\n", name,
		 (unsigned long)pages * (PAGE_SIZE / 1024));
}

static void gen_meminfo(struct text *t)
{
	struct phys_stats ps;
	struct slab_stats ss;
	struct bcache_stats bs;
	struct pcache_stats pc;
	size_t shmem = mm_shmem_total_resident();
	size_t shmem_mapped = mm_shmem_mapped_pages();

	phys_get_stats(&ps);
	slab_get_stats(&ss);
	bcache_get_stats(&bs);
	pcache_get_stats(&pc);
	meminfo_line(t, "MemTotal:", ps.total);
	meminfo_line(t, "MemFree:", ps.free);
	/* The yielded-block cache and the page cache's clean unused pages
	 * give their memory back on demand (the reclaim hooks). */
	meminfo_line(t, "MemAvailable:", ps.free + ps.cached + pc.reclaimable);
	meminfo_line(t, "Buffers:", bs.bufs); /* level 1: a page each */
	/* File pages: the page cache and level 2 (every yielded block). */
	meminfo_line(t, "Cached:", pc.pages + ps.cached);
	meminfo_line(t, "SwapCached:", 0);
	meminfo_line(t, "Active:", ps.user);
	meminfo_line(t, "Inactive:", ps.cached);
	meminfo_line(t, "Unevictable:", 0);
	meminfo_line(t, "Mlocked:", mm_mlocked_pages());
	meminfo_line(t, "SwapTotal:", 0);
	meminfo_line(t, "SwapFree:", 0);
	meminfo_line(t, "Dirty:", bs.dirty + pc.dirty);
	meminfo_line(t, "Writeback:", 0);
	/* Private blocks; shared memory (MAP_SHARED anonymous blocks and
	 * SysV segments' pages); Mapped: page-cache pages in PTEs and the
	 * shared memory some mapping holds (MAP_SHARED blocks always are). */
	meminfo_line(t, "AnonPages:", mm_block_pages(false));
	meminfo_line(
	    t, "Mapped:", pc.mapped + shmem_mapped + mm_block_pages(true));
	meminfo_line(t, "Shmem:", shmem + mm_block_pages(true));
	meminfo_line(t, "Slab:", ss.pages);
	meminfo_line(t, "SReclaimable:", 0);
	meminfo_line(t, "SUnreclaim:", ss.pages);
	meminfo_line(t, "CommitLimit:", ps.total);
	meminfo_line(t, "Committed_AS:", ps.user);
}

static int mount_line(void *arg, const struct vfs_mount_info *mi)
{
	text_add(arg, "%s %s %s %s 0 0\n", mi->source, mi->target, mi->type,
		 mi->options[0] ? mi->options : "rw");
	return 0;
}

/* /proc/fs/bcache: one "name value" per line. */
/* The page cache's counters after the block cache's (file data). */
static void gen_pcache(struct text *t)
{
	struct pcache_stats st;

	pcache_get_stats(&st);
	text_add(t, "pc_pages %lu\npc_dirty %lu\npc_mapped %lu\n",
		 (unsigned long)st.pages, (unsigned long)st.dirty,
		 (unsigned long)st.mapped);
	text_add(t, "pc_hits %llu\npc_misses %llu\npc_disk_reads %llu\n",
		 (unsigned long long)st.hits, (unsigned long long)st.misses,
		 (unsigned long long)st.reads);
	text_add(t, "pc_disk_writes %llu\npc_l2_hits %llu\n",
		 (unsigned long long)st.writes, (unsigned long long)st.l2_hits);
	text_add(t, "pc_l2_yields %llu\npc_l2_pages %llu\n",
		 (unsigned long long)st.l2_yields,
		 (unsigned long long)st.l2_pages);
	text_add(t, "pc_max %lu\npc_reclaimable %lu\npc_reclaimed %llu\n",
		 (unsigned long)st.max, (unsigned long)st.reclaimable,
		 (unsigned long long)st.reclaimed);
	text_add(t, "pc_write_runs %llu\n", (unsigned long long)st.writeruns);
}

static void gen_bcache(struct text *t)
{
	struct bcache_stats bs;

	bcache_get_stats(&bs);
	text_add(t, "l1_hits %llu\nl1_misses %llu\n",
		 (unsigned long long)bs.hits, (unsigned long long)bs.misses);
	text_add(t, "l2_hits %llu\nl2_misses %llu\n",
		 (unsigned long long)bs.l2_hits,
		 (unsigned long long)bs.l2_misses);
	text_add(t, "disk_reads %llu\ndisk_writes %llu\nwrite_transfers %llu\n",
		 (unsigned long long)bs.reads, (unsigned long long)bs.writes,
		 (unsigned long long)bs.write_transfers);
	text_add(t, "l1_blocks %lu\nl1_dirty %lu\n", (unsigned long)bs.bufs,
		 (unsigned long)bs.dirty);
	text_add(t, "l2_blocks %llu\nl2_evictions %llu\nforgets %llu\n",
		 (unsigned long long)bs.l2_blocks,
		 (unsigned long long)bs.l2_evictions,
		 (unsigned long long)bs.forgets);
	text_add(t, "l2_yields %llu\nreadahead %llu\n",
		 (unsigned long long)bs.l2_yields,
		 (unsigned long long)bs.readahead);
	gen_pcache(t);
}

static void gen_uptime(struct text *t)
{
	uint64_t ticks = sched_ticks();
	unsigned long sec = (unsigned long)(ticks / HZ);
	unsigned long cs = (unsigned long)(ticks % HZ) * 100 / HZ;

	text_add(t, "%lu.%02lu %lu.%02lu\n", sec, cs, sec, cs);
}

static void gen_filesystems(struct text *t)
{
	static const char *const names[] = {"ramfs", "tmpfs", "proc", "ext2"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct vfs_fstype *ft = vfs_find_fstype(names[i]);

		if (ft)
			text_add(t, "%s\t%s\n",
				 ft->flags & VFS_FS_REQUIRES_DEV ? "" : "nodev",
				 ft->name);
	}
}

struct maps_arg {
	struct text *t;
	struct proc *p;
};

static const char *region_name(const struct region *r, const struct proc *p)
{
	if (r->flags & REGION_GROWSDOWN)
		return "[stack]";
	/* As Linux: the region holding the whole heap (merged with the
	 * data segment's bss, it may start below brk_start). */
	if (p->brk > p->brk_start && r->start <= p->brk_start &&
	    r->start + r->len >= p->brk)
		return "[heap]";
	return "";
}

void proc_maps_line(struct text *t, const struct region *r,
		    const struct proc *p)
{
	char head[64];

	snprintk(
	    head, sizeof(head), "%08x-%08x %c%c%c%c %08x 00:00 0", r->start,
	    (uint32_t)(r->start + r->len), r->prot & PROT_READ ? 'r' : '-',
	    r->prot & PROT_WRITE ? 'w' : '-', r->prot & PROT_EXEC ? 'x' : '-',
	    region_is_shared(r) ? 's' : 'p', region_map_offset(r));
	text_add(t, "%-48s %s\n", head, region_name(r, p));
}

static void maps_line(const struct region *r, void *arg)
{
	struct maps_arg *a = arg;

	proc_maps_line(a->t, r, a->p);
}

static char state_char(const struct proc *p)
{
	switch (p->state) {
	case PROC_RUNNABLE:
		return 'R';
	case PROC_SLEEPING:
		return 'S';
	case PROC_ZOMBIE:
		return 'Z';
	default:
		return '?';
	}
}

/* /proc/PID/stat: Linux's 52 fields; what this kernel does not keep is 0. */
static void gen_stat(struct text *t, const struct proc *p)
{
	text_add(t, "%d (%s) %c %d %d %d 0 -1 0 %u %u 0 0 ", p->pid, p->name,
		 state_char(p), p->ppid, p->pgid, p->pgid, p->min_flt,
		 p->child_min_flt);
	text_add(t, "0 0 0 0 20 0 1 0 0 0 0 4294967295 0 0 0 0 0 0 ");
	text_add(t, "0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		 p->exit_signal);
}

static void gen_status(struct text *t, const struct proc *p)
{
	text_add(t, "Name:\t%.15s\nUmask:\t%04o\nState:\t%c\n", p->name,
		 p->fs ? p->fs->umask : 0, state_char(p));
	text_add(t, "Tgid:\t%d\nPid:\t%d\nPPid:\t%d\n", p->tgid, p->pid,
		 p->ppid);
	text_add(t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", p->cred.uid,
		 p->cred.euid, p->cred.suid, p->cred.fsuid, p->cred.gid,
		 p->cred.egid, p->cred.sgid, p->cred.fsgid);
	if (p->space)
		text_add(
		    t, "VmLck:\t%8lu kB\n",
		    (unsigned long)(mm_locked_bytes(p->space, 0, 0) >> 10));
	text_add(t, "Threads:\t1\nSigPnd:\t%016llx\nSigBlk:\t%016llx\n",
		 (unsigned long long)p->sig_pending,
		 (unsigned long long)p->sig_blocked);
}

/* /proc/PID/cmdline and environ: the argument or environment strings
 * [start, end) in the process's memory, as Linux shows them
 * (NUL-separated); empty for a zombie. */
static void gen_strings(struct text *t, const struct proc *p, vaddr_t start,
			vaddr_t end)
{
	size_t n = end - start;

	if (!p->space || end <= start)
		return;
	n = MIN(n, t->cap - 1);
	if (mm_space_read(p->space, start, t->buf, n) == 0)
		t->len = n;
}

/* The texts of generate() that need no process but comm. */
static long generate_more(struct text *t, enum proc_text kind,
			  const struct proc *p)
{
	static void (*const gen[])(struct text *) = {
	    [PT_CPUINFO] = gen_cpuinfo,	    [PT_LOADAVG] = gen_loadavg,
	    [PT_VERSION] = gen_version,	    [PT_SYSSTAT] = gen_sysstat,
	    [PT_PID_MAX] = gen_pid_max,	    [PT_TAINTED] = gen_tainted,
	    [PT_OSRELEASE] = gen_osrelease, [PT_OSTYPE] = gen_ostype,
	    [PT_HOSTNAME] = gen_hostname,
	};

	if (kind == PT_COMM && p) {
		text_add(t, "%.15s\n", p->name);
		return 0;
	}
	if (kind == PT_TIMERSLACK && p) {
		text_add(t, "%u\n", p->timer_slack_ns);
		return 0;
	}
	if (kind == PT_COREDUMP_FILTER && p) {
		text_add(t, "%08x\n", p->coredump_filter);
		return 0;
	}
	if (kind == PT_CORE_PATTERN) {
		text_add(t, "%s\n", core_pattern);
		return 0;
	}
	if ((unsigned)kind >= sizeof(gen) / sizeof(gen[0]) || !gen[kind])
		return -EINVAL;
	gen[kind](t);
	return 0;
}

/* The whole text of kind into t: 0 or -ENOENT. */
static long generate(struct text *t, enum proc_text kind, int pid)
{
	struct proc *p = pid >= 0 ? proc_find(pid) : NULL;
	struct maps_arg a = {t, p};

	if (pid >= 0 && !p)
		return -ENOENT;
	switch (kind) {
	case PT_MEMINFO:
		gen_meminfo(t);
		return 0;
	case PT_MOUNTS:
		return vfs_mounts_each(mount_line, t);
	case PT_UPTIME:
		gen_uptime(t);
		return 0;
	case PT_FILESYSTEMS:
		gen_filesystems(t);
		return 0;
	case PT_MAPS:
		if (p->space)
			mm_space_walk(p->space, maps_line, &a);
		return 0;
	case PT_STAT:
		gen_stat(t, p);
		return 0;
	case PT_STATUS:
		gen_status(t, p);
		return 0;
	case PT_CMDLINE:
		gen_strings(t, p, p->arg_start, p->arg_end);
		return 0;
	case PT_ENVIRON:
		gen_strings(t, p, p->arg_end, p->env_end);
		return 0;
	case PT_BCACHE:
		gen_bcache(t);
		return 0;
	case PT_DROP_CACHES:
		return 0;
	case PT_SYSVIPC_SHM:
		t->len = shm_proc_text(t->buf, t->cap);
		return 0;
	default:
		if (proc_knob(kind)) {
			text_add(t, "%lld\n", (long long)proc_knob_get(kind));
			return 0;
		}
		return generate_more(t, kind, p);
	}
}

long proc_text_read(enum proc_text kind, int pid, void *buf, size_t n,
		    uint64_t off)
{
	struct text t = {vfs_page_alloc(), 0, PAGE_SIZE};
	long r;

	if (!t.buf)
		return -ENOMEM;
	t.buf[0] = '\0';
	r = generate(&t, kind, pid);
	if (!r && off < t.len) {
		r = (long)MIN(n, (size_t)(t.len - off));
		memcpy(buf, t.buf + off, (size_t)r);
	}
	vfs_page_free(t.buf);
	return r;
}

/* /proc/PID/comm: a process may rename itself (Linux's comm: 15 bytes,
 * the rest cut, one trailing newline dropped). */
static long write_comm(int pid, const char *s, size_t n)
{
	char name[16];
	size_t len = n && s[n - 1] == '\n' ? n - 1 : n;

	if (!current || current->pid != pid)
		return -EINVAL;
	len = MIN(len, sizeof(name) - 1);
	memcpy(name, s, len);
	name[len] = '\0';
	strlcpy(current->name, name, sizeof(current->name));
	return (long)n;
}

/* /proc/PID/timerslack_ns: the process itself or root sets it; 0 is
 * the default again, as PR_SET_TIMERSLACK. */
static long write_slack(int pid, const char *s, size_t n)
{
	struct proc *p = proc_find(pid);
	size_t len = n && s[n - 1] == '\n' ? n - 1 : n;
	uint64_t v = 0;

	if (!p)
		return -ESRCH;
	if (current != p && current->cred.euid != 0)
		return -EPERM;
	if (len == 0 || len > 10)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	p->timer_slack_ns = v ? (uint32_t)v : p->default_slack_ns;
	return (long)n;
}

/* coredump_filter: hexadecimal, by the process itself or root. */
static long write_filter(int pid, const char *s, size_t n)
{
	struct proc *p = proc_find(pid);
	uint32_t v = 0;
	size_t i =
	    n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;

	if (!p)
		return -ESRCH;
	if (p->leader != current->leader && !cred_privileged())
		return -EACCES;
	for (; i < n && s[i] != '\n'; i++) {
		int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
			: s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
			: s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
						     : -1;
		if (d < 0 || v >> 28)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	p->coredump_filter = v & 0x1ff; /* Linux keeps 9 bits */
	return (long)n;
}

long proc_text_write(enum proc_text kind, int pid, const char *s, size_t n)
{
	switch (kind) {
	case PT_TIMERSLACK:
		return write_slack(pid, s, n);
	case PT_PID_MAX:
		return proc_write_pid_max(s, n);
	case PT_HOSTNAME:
		return proc_write_hostname(s, n);
	case PT_COMM:
		return write_comm(pid, s, n);
	case PT_COREDUMP_FILTER:
		return write_filter(pid, s, n);
	case PT_CORE_PATTERN:
		return proc_write_core_pattern(s, n);
	default:
		return -EACCES;
	}
}
