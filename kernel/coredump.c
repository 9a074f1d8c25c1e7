/*
 * coredump.c - a process killed by a signal whose default action dumps
 * core writes a core file named by core_pattern ("core" in its working
 * directory by default, as Linux): an ELF core file (ET_CORE, i386) with a
 * PT_NOTE (NT_PRSTATUS: the registers of the thread that took the signal;
 * NT_PRPSINFO: its name and arguments), then one PT_LOAD per mapping.
 * Anonymous memory and writable private file mappings are dumped (the
 * pages not yet made are left as holes, read back as zeros); program
 * text, shared file mappings, device memory and MADV_DONTDUMP ranges are
 * listed with no bytes, close to Linux's default coredump_filter.
 *
 * Guarantees: nothing is written when RLIMIT_CORE is 0, the process is
 * not dumpable (PR_SET_DUMPABLE 0) or the file cannot be made anew
 * (an old "core" is unlinked; O_EXCL, O_NOFOLLOW); at most RLIMIT_CORE
 * bytes are written (holes are free, as Linux counts); true (the wait status's
 * WCOREDUMP) only for a whole dump. Other threads of the group are not stopped
 * first and their registers are not in the file.
 */
#include <arch/trap.h>
#include <fs/file.h>
#include <kernel/coredump.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <fs/fsclock.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/utsname.h>
#include <mm/region.h>

#define ET_CORE 4
#define EM_386 3
#define PT_LOAD 1
#define PT_NOTE 4
#define NT_PRSTATUS 1
#define NT_PRPSINFO 3
#define MAX_LOADS 200 /* mappings dumped at most: more is no dump */

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct prstatus { /* Linux's struct elf_prstatus on i386: 144 bytes */
	int32_t si_signo, si_code, si_errno;
	int16_t cursig, pad;
	uint32_t sigpend, sighold;
	int32_t pid, ppid, pgrp, sid;
	uint32_t times[8]; /* utime, stime, cutime, cstime: timevals */
	uint32_t regs[17]; /* user_regs_struct order */
	int32_t fpvalid;
};

struct prpsinfo { /* struct elf_prpsinfo on i386: 124 bytes */
	char state, sname, zomb, nice;
	uint32_t flag;
	uint16_t uid, gid;
	int32_t pid, ppid, pgrp, sid;
	char fname[16], psargs[80];
};

struct note {
	uint32_t namesz, descsz, type;
	char name[8]; /* "CORE", padded to 4 bytes */
};

struct core_map {
	uint32_t start, len, prot;
	bool dump;
};

struct core {
	struct vfile *f;
	uint64_t limit;	  /* RLIMIT_CORE: of bytes written, as Linux's */
	uint64_t written; /* (holes are not written) */
	struct core_map maps[MAX_LOADS];
	unsigned nmaps;
	bool overflow;
};

bool core_signal(int sig)
{
	return sig == SIGQUIT || sig == SIGILL || sig == SIGTRAP ||
	       sig == SIGABRT || sig == SIGBUS || sig == SIGFPE ||
	       sig == SIGSEGV || sig == SIGXCPU || sig == SIGXFSZ ||
	       sig == SIGSYS;
}

char core_pattern[CORE_PATTERN_MAX] = "core";

/* Is r's memory in the dump? As coredump_filter says: bit 0 anonymous
 * private memory (and writable private file mappings: data, whose pages
 * are copies), bit 1 anonymous shared, bit 2 file private, bit 3 file
 * shared; never devices, MADV_DONTDUMP or unreadable ranges. */
static bool dumped(const struct region *r)
{
	const char *kind = region_backend_name(r);
	uint32_t filter = current->coredump_filter;
	bool shared = region_is_shared(r);

	if (!(r->prot & PROT_READ) || (r->flags & REGION_DONTDUMP) ||
	    !strcmp(kind, "direct"))
		return false;
	if (strcmp(kind, "file"))
		return filter & (shared ? 2 : 1);
	if (shared)
		return filter & 8;
	return filter & ((r->prot & PROT_WRITE) ? 5 : 4);
}

/* Note a mapping of the space. */
static void add_map(const struct region *r, void *arg)
{
	struct core *c = arg;

	if (c->nmaps == MAX_LOADS) {
		c->overflow = true;
		return;
	}
	c->maps[c->nmaps++] =
	    (struct core_map){r->start, (uint32_t)r->len, r->prot, dumped(r)};
}

/* Write n bytes at off, within RLIMIT_CORE: 0 or -EFBIG / -EIO. */
static int put(struct core *c, const void *buf, size_t n, uint64_t off)
{
	if (c->written + n > c->limit)
		return -EFBIG;
	c->written += n;
	return vfs_pwrite(c->f, buf, n, off) == (long)n ? 0 : -EIO;
}

/* The thread's registers in Linux's user_regs_struct order. */
static void fill_regs(uint32_t *r, const struct trapframe *tf)
{
	const uint32_t v[17] = {
	    tf->ebx, tf->ecx, tf->edx,	  tf->esi, tf->edi, tf->ebp,
	    tf->eax, tf->ds,  tf->es,	  tf->fs,  tf->gs,  0xffffffffu,
	    tf->eip, tf->cs,  tf->eflags, tf->esp, tf->ss};

	memcpy(r, v, sizeof(v));
}

/* Ticks as a struct timeval. */
static void timeval_of(uint32_t *tv, uint32_t ticks)
{
	tv[0] = ticks / HZ;
	tv[1] = (ticks % HZ) * (1000000 / HZ);
}

/* NT_PRSTATUS and NT_PRPSINFO at off: 0 or -errno. */
static int put_notes(struct core *c, int sig, const struct trapframe *tf,
		     uint32_t off)
{
	const struct proc *p = current;
	struct {
		struct note h1;
		struct prstatus st;
		struct note h2;
		struct prpsinfo ps;
	} n;
	size_t len = MIN(p->arg_end - p->arg_start, sizeof(n.ps.psargs) - 1);

	memset(&n, 0, sizeof(n));
	n.h1 = (struct note){5, sizeof(n.st), NT_PRSTATUS, "CORE"};
	n.st.si_signo = n.st.cursig = (int16_t)sig;
	n.st.sigpend = (uint32_t)p->sig_pending;
	n.st.sighold = (uint32_t)p->sig_blocked;
	n.st.pid = p->pid;
	n.st.ppid = p->ppid;
	n.st.pgrp = p->pgid;
	n.st.sid = p->sid;
	timeval_of(&n.st.times[0], p->utime);
	timeval_of(&n.st.times[2], p->stime);
	timeval_of(&n.st.times[4], p->child_utime);
	timeval_of(&n.st.times[6], p->child_stime);
	fill_regs(n.st.regs, tf);
	n.h2 = (struct note){5, sizeof(n.ps), NT_PRPSINFO, "CORE"};
	n.ps.sname = 'R';
	n.ps.uid = (uint16_t)p->cred.uid;
	n.ps.gid = (uint16_t)p->cred.gid;
	n.ps.pid = p->tgid;
	n.ps.ppid = p->ppid;
	n.ps.pgrp = p->pgid;
	n.ps.sid = p->sid;
	strlcpy(n.ps.fname, p->name, sizeof(n.ps.fname));
	if (p->space && p->arg_end > p->arg_start &&
	    !mm_space_read(p->space, p->arg_start, n.ps.psargs, len))
		for (size_t i = 0; i + 1 < len; i++)
			n.ps.psargs[i] = n.ps.psargs[i] ? n.ps.psargs[i] : ' ';
	return put(c, &n, sizeof(n), off);
}

/* The ELF header and program headers; data from data_off on. */
static int put_headers(struct core *c, uint32_t note_off, uint32_t data_off)
{
	struct ehdr e = {{0x7f, 'E', 'L', 'F', 1, 1, 1},
			 ET_CORE,
			 EM_386,
			 1,
			 0,
			 sizeof(e),
			 0,
			 0,
			 sizeof(e),
			 sizeof(struct phdr),
			 (uint16_t)(c->nmaps + 1),
			 0,
			 0,
			 0};
	struct phdr ph = {PT_NOTE,
			  note_off,
			  0,
			  0,
			  2 * sizeof(struct note) + sizeof(struct prstatus) +
			      sizeof(struct prpsinfo),
			  0,
			  0,
			  4};
	uint32_t off = data_off;
	int err = put(c, &e, sizeof(e), 0);

	for (unsigned i = 0; !err && i <= c->nmaps; i++) {
		const struct core_map *m = i ? &c->maps[i - 1] : NULL;

		if (m) {
			ph =
			    (struct phdr){PT_LOAD,
					  off,
					  m->start,
					  0,
					  m->dump ? m->len : 0,
					  m->len,
					  ((m->prot & PROT_READ) ? 4 : 0) |
					      ((m->prot & PROT_WRITE) ? 2 : 0) |
					      ((m->prot & PROT_EXEC) ? 1 : 0),
					  PAGE_SIZE};
			off += ph.filesz;
		}
		err = put(c, &ph, sizeof(ph), sizeof(e) + i * sizeof(ph));
	}
	return err;
}

/* A page of zeros (left as a hole: it reads back the same). */
static bool all_zero(const char *page)
{
	const uint32_t *w = (const uint32_t *)page;

	for (size_t i = 0; i < PAGE_SIZE / 4; i++)
		if (w[i])
			return false;
	return true;
}

/* The pages of m that exist and are not zero, at off (the others stay
 * holes; exec makes bss at once, so many are). */
static int put_map(struct core *c, const struct core_map *m, uint32_t off,
		   char *buf)
{
	uint8_t vec[64];
	int err = 0;

	for (uint32_t at = 0; !err && at < m->len;) {
		size_t n = MIN(sizeof(vec), (m->len - at) / PAGE_SIZE);

		err = mm_mincore(current->space, m->start + at, n, vec);
		for (size_t i = 0; !err && i < n; i++, at += PAGE_SIZE) {
			if (!(vec[i] & 1))
				continue;
			err = mm_space_read(current->space, m->start + at, buf,
					    PAGE_SIZE);
			if (!err && !all_zero(buf))
				err = put(c, buf, PAGE_SIZE, off + at);
		}
	}
	return err;
}

/* The value of %c for process p killed by sig into out (n bytes). */
static void token(char c, int sig, char *out, size_t n)
{
	const struct proc *p = current;

	switch (c) {
	case 'p':
	case 'P':
		snprintk(out, n, "%d", p->tgid);
		break;
	case 'i':
	case 'I':
		snprintk(out, n, "%d", p->pid);
		break;
	case 'u':
		snprintk(out, n, "%u", p->cred.uid);
		break;
	case 'g':
		snprintk(out, n, "%u", p->cred.gid);
		break;
	case 's':
		snprintk(out, n, "%d", sig);
		break;
	case 't':
		snprintk(out, n, "%llu", (unsigned long long)fs_clock_now());
		break;
	case 'e':
		strlcpy(out, p->name, n);
		break;
	case 'h':
		strlcpy(out, utsname()->nodename, n);
		break;
	default: /* "%%" and unknown tokens: as Linux, % and nothing */
		strlcpy(out, c == '%' ? "%" : "", n);
	}
}

/* core_pattern expanded into name (a page): false for a pipe pattern. */
static bool core_name(int sig, char *name)
{
	size_t len = 0;
	char part[64];

	if (core_pattern[0] == '|')
		return false; /* piping to a program is not done here */
	for (const char *s = core_pattern; *s && len < PAGE_SIZE - 1; s++) {
		if (*s == '%' && s[1])
			token(*++s, sig, part, sizeof(part));
		else
			part[0] = *s, part[1] = '\0';
		len += strlcpy(name + len, part, PAGE_SIZE - len);
	}
	name[MIN(len, PAGE_SIZE - 1)] = '\0';
	return name[0] != '\0';
}

/* A new core file named by core_pattern (an old one unlinked), in the
 * working directory unless the pattern is absolute. */
static struct vfile *core_open(int sig, char *name)
{
	struct vfs_ctx ctx;
	struct vfile *f;

	if (!core_name(sig, name))
		return NULL;
	proc_vfs_ctx(current, &ctx);
	vfs_unlink(&ctx, NULL, name);
	if (vfs_openat(&ctx, NULL, name,
		       O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0600, &f))
		return NULL;
	return f;
}

/* The whole file: headers, notes, the mappings' pages, its size. */
static int write_core(struct core *c, int sig, const struct trapframe *tf,
		      char *buf)
{
	uint32_t note_off =
	    sizeof(struct ehdr) + (c->nmaps + 1) * sizeof(struct phdr);
	uint32_t off =
	    PAGE_ROUND_UP(note_off + 2 * sizeof(struct note) +
			  sizeof(struct prstatus) + sizeof(struct prpsinfo));
	struct vfs_ctx ctx;
	int err = put_headers(c, note_off, off);

	if (!err)
		err = put_notes(c, sig, tf, note_off);
	for (unsigned i = 0; !err && i < c->nmaps; i++) {
		if (!c->maps[i].dump)
			continue;
		err = put_map(c, &c->maps[i], off, buf);
		off += c->maps[i].len;
	}
	proc_vfs_ctx(current, &ctx);
	if (!err && file_size(c->f) < off) /* pages never made: holes */
		err = vfs_truncate(&ctx, c->f->vn, off);
	return err;
}

bool core_dump(int sig, const struct trapframe *tf)
{
	struct core *c;
	char *buf;
	int err = -ENOMEM;

	if (!core_signal(sig) || current->undumpable || !current->space ||
	    !rlimit_cur(current, RLIMIT_CORE))
		return false;
	c = (struct core *)vfs_page_alloc();
	buf = vfs_page_alloc();
	if (c && buf) {
		memset(c, 0, sizeof(*c));
		c->limit = rlimit_cur(current, RLIMIT_CORE);
		mm_space_walk(current->space, add_map, c);
		c->f = core_open(sig, buf);
		err =
		    c->f && !c->overflow ? write_core(c, sig, tf, buf) : -EFBIG;
		if (c->f)
			vfile_put(c->f);
	}
	vfs_page_free(c);
	vfs_page_free(buf);
	return err == 0;
}
