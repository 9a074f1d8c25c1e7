/*
 * exec.c - execve of static ELF32 executables. The new image is built
 * completely in a new address space (text and data mapped in full, the
 * stack with argv, envp and the auxiliary vector) before the old one is
 * torn down, so an exec that runs out of memory returns -ENOMEM and the
 * caller keeps running unchanged. Text maps the file's own pages (the page
 * cache: one copy for every process running the program), data is a
 * private copy of them; files whose pages cannot be mapped are copied.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/elf.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <mm/pagetable.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/region.h>

#define MAX_PHDRS 16

struct image {
	struct vfile *f;
	struct elf32_ehdr eh;
	struct elf32_phdr ph[MAX_PHDRS];
	struct mm_space *space;
	vaddr_t brk, phdr_addr;
	void *buf;	/* one kernel page for copying */
	void *zero;	/* one zeroed kernel page */
	bool has_pager; /* the file's pages can be mapped */
};

static unsigned elf_prot(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) |
	       (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

static long read_headers(struct image *im)
{
	struct elf32_ehdr *eh = &im->eh;
	size_t phsize;

	if (vfs_pread(im->f, eh, sizeof(*eh), 0) != sizeof(*eh))
		return -ENOEXEC;
	if (eh->magic != ELF_MAGIC || eh->class != ELFCLASS32 ||
	    eh->data != ELFDATA2LSB || eh->type != ET_EXEC ||
	    eh->machine != EM_386 || eh->phentsize != sizeof(im->ph[0]) ||
	    eh->phnum == 0 || eh->phnum > MAX_PHDRS)
		return -ENOEXEC;
	phsize = eh->phnum * sizeof(im->ph[0]);
	if (vfs_pread(im->f, im->ph, phsize, eh->phoff) != (long)phsize)
		return -ENOEXEC;
	return 0;
}

/* Copy file bytes [off, off + n) to va in the new space. */
static long load_bytes(struct image *im, vaddr_t va, uint32_t off, size_t n)
{
	while (n) {
		size_t c = MIN(n, PAGE_SIZE);
		long r = vfs_pread(im->f, im->buf, c, off);
		if (r != (long)c)
			return -ENOEXEC;
		r = mm_space_write(im->space, va, im->buf, c);
		if (r)
			return r;
		va += c, off += c, n -= c;
	}
	return 0;
}

/*
 * Map a segment from the file's pages (its file system hands them out):
 * text and other read-only segments as a shared mapping of the page cache,
 * so every process running the program uses one copy; a writable segment
 * as a private mapping, copied at once (the bytes past filesz in its last
 * file page zeroed), then bss as anonymous zero pages. Everything is
 * present before the program runs. 1 if the segment cannot be mapped so
 * (no pager, offsets not congruent, a read-only segment with bss): the
 * caller copies it instead.
 */
static long map_segment(struct image *im, const struct elf32_phdr *ph,
			vaddr_t start, vaddr_t end)
{
	vaddr_t fend = PAGE_ROUND_UP(ph->vaddr + ph->filesz);
	bool writable = ph->flags & PF_W;
	struct mm_pager pg;
	long r = 0;

	if (!im->has_pager || ph->filesz == 0 ||
	    (ph->vaddr - ph->offset) % PAGE_SIZE ||
	    (!writable && ph->memsz != ph->filesz))
		return 1;
	im->f->vn->ops->pager(im->f->vn, &pg);
	r = mm_map_file(im->space, start, fend - start,
			writable ? PROT_READ | PROT_WRITE : elf_prot(ph->flags),
			!writable, &pg,
			(ph->offset - (ph->vaddr - start)) >> PAGE_SHIFT, 0);
	if (!r)
		r = mm_populate(im->space, start, fend - start, writable);
	if (!r && writable && fend > ph->vaddr + ph->filesz)
		r = mm_space_write(im->space, ph->vaddr + ph->filesz, im->zero,
				   fend - (ph->vaddr + ph->filesz));
	if (!r && end > fend)
		r = mm_map_anon(im->space, fend, end - fend,
				PROT_READ | PROT_WRITE, 0);
	if (!r && end > fend)
		r = mm_populate(im->space, fend, end - fend, true);
	if (!r && writable)
		r = mm_protect(im->space, start, end - start,
			       elf_prot(ph->flags));
	return r == -ENXIO ? -ENOEXEC : r;
}

static long load_segment(struct image *im, const struct elf32_phdr *ph)
{
	vaddr_t start = PAGE_ROUND_DOWN(ph->vaddr);
	vaddr_t end = PAGE_ROUND_UP(ph->vaddr + ph->memsz);
	long r;

	if (ph->filesz > ph->memsz)
		return -ENOEXEC;
	if (ph->memsz == 0)
		return 0; /* nothing to map (Linux accepts it too) */
	if (end < start || end > USER_STACK_LIMIT || start < PAGE_SIZE)
		return -ENOEXEC;
	r = map_segment(im, ph, start, end);
	if (r == 1) {
		/* Copied: writable while we fill it, final protection
		 * afterwards. */
		r = mm_map_anon(im->space, start, end - start,
				PROT_READ | PROT_WRITE, 0);
		if (!r)
			r = load_bytes(im, ph->vaddr, ph->offset, ph->filesz);
		if (!r)
			r = mm_populate(im->space, start, end - start, true);
		if (!r)
			r = mm_protect(im->space, start, end - start,
				       elf_prot(ph->flags));
	}
	if (ph->offset <= im->eh.phoff &&
	    im->eh.phoff < ph->offset + ph->filesz)
		im->phdr_addr = ph->vaddr + (im->eh.phoff - ph->offset);
	im->brk = MAX(im->brk, end);
	return r == -EEXIST ? -ENOEXEC : r;
}

static long load_image(struct image *im)
{
	long r = read_headers(im);

	for (unsigned i = 0; !r && i < im->eh.phnum; i++) {
		if (im->ph[i].type == PT_LOAD)
			r = load_segment(im, &im->ph[i]);
		else if (im->ph[i].type == PT_PHDR)
			im->phdr_addr = im->ph[i].vaddr;
	}
	if (!r && !im->brk)
		r = -ENOEXEC;
	return r;
}

/* The interpreter line of a "#!" script in buf (NUL-terminated): the
 * interpreter and its one optional argument (the rest of the line,
 * trimmed), as Linux's binfmt_script splits it. */
static long script_line(char *buf, long n, char **interp, char **arg)
{
	char *p, *end;

	buf[n] = '\0';
	end = strchr(buf, '\n');
	if (!end && n == EXEC_SCRIPT_LINE)
		return -ENOEXEC; /* the line is too long */
	if (end)
		*end = '\0';
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*arg = NULL;
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	for (end = p + strlen(p);
	     end > p && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	if (*p)
		*arg = p;
	return 0;
}

/* An exec of path; name is what the process will be called (the file
 * first asked for: a script's, not its interpreter's, as Linux's comm). */
struct exec_req {
	const char *path, *name;
	char *const *argv, *const *envp;
	int argc, envc, depth;
};

static long exec_req_run(const struct exec_req *req);

/* Run the script at path through its interpreter: argv becomes
 * interpreter, [argument,] path, argv[1...]. */
static long exec_script(struct vfile *f, const struct exec_req *req)
{
	char line[EXEC_SCRIPT_LINE + 1], *interp, *arg;
	char *nargv[EXEC_ARGV_MAX + 1];
	long r = vfs_pread(f, line, EXEC_SCRIPT_LINE, 0);
	struct exec_req next = *req;
	int n = 0;

	vfile_put(f);
	if (r < 2)
		return -ENOEXEC;
	r = script_line(line, r, &interp, &arg);
	if (r)
		return r;
	if (req->depth >= EXEC_SCRIPT_DEPTH)
		return -ELOOP;
	nargv[n++] = interp;
	if (arg)
		nargv[n++] = arg;
	nargv[n++] = (char *)req->path;
	for (int i = 1; i < req->argc; i++) {
		if (n == EXEC_ARGV_MAX)
			return -E2BIG;
		nargv[n++] = req->argv[i];
	}
	nargv[n] = NULL;
	next.path = interp;
	next.argv = nargv;
	next.argc = n;
	next.depth++;
	return exec_req_run(&next);
}

/* Does f start with "#!"? */
static bool is_script(struct vfile *f)
{
	char magic[2];

	return vfs_pread(f, magic, 2, 0) == 2 && magic[0] == '#' &&
	       magic[1] == '!';
}

/* Load the ELF image of f into a new space and build its stack. */
static long load_new_image(struct image *im, const struct exec_req *req,
			   struct exec_stack *st)
{
	paddr_t buf = phys_alloc(2, PHYS_ANY, PHYS_KERNEL);
	struct mm_pager pg;
	long r = -ENOMEM;

	im->space = buf == PHYS_NONE ? NULL : mm_space_new();
	if (im->space) {
		im->buf = arch_phys_to_virt(buf);
		im->zero = arch_phys_to_virt(buf + PAGE_SIZE);
		memset(im->zero, 0, PAGE_SIZE);
		im->has_pager = im->f->vn && !im->f->ops &&
				im->f->vn->ops->pager &&
				!im->f->vn->ops->pager(im->f->vn, &pg);
		r = load_image(im);
	}
	if (!r)
		r = exec_build_stack(im->space, req->path, req->argv, req->argc,
				     req->envp, req->envc, &im->eh,
				     im->phdr_addr, st);
	if (buf != PHYS_NONE)
		phys_free(buf, 2, PHYS_KERNEL);
	if (r && im->space)
		mm_space_destroy(im->space);
	return r;
}

/* A new image is the process's alone: its other threads end, and the
 * descriptor table and signal actions it shared become its own (Linux's
 * de_thread and unshare_files). 0 or -errno. */
static long exec_alone(void)
{
	long r = group_exec_alone();

	if (!r)
		r = files_unshare(current);
	if (!r)
		r = sighand_unshare(current);
	return r;
}

static long exec_req_run(const struct exec_req *req)
{
	struct exec_stack st = {0, 0, 0, 0};
	struct image im;
	struct mm_space *old;
	struct vnode *exe;
	long r;

	memset(&im, 0, sizeof(im));
	r = kernel_open(req->path, O_RDONLY, &im.f);
	if (r)
		return r;
	if (!file_is_executable(im.f)) {
		vfile_put(im.f);
		return -EACCES;
	}
	if (is_script(im.f))
		return exec_script(im.f, req);
	exe = im.f->vn;
	r = vnode_deny_write(exe); /* -ETXTBSY if open for writing */
	if (r) {
		vfile_put(im.f);
		return r;
	}
	r = load_new_image(&im, req, &st); /* its own space gone if failed */
	if (!r && (r = exec_alone()))
		mm_space_destroy(im.space);
	if (r) {
		vnode_allow_write(exe);
		vfile_put(im.f);
		return r;
	}
	/* Point of no return: switch to the new image. The space may have
	 * been shared (a vfork child, CLONE_VM): the last user frees it. */
	old = current->space;
	current->space = im.space;
	arch_switch_pgdir(im.space->pgdir);
	mm_space_put(old);
	vfork_release(current);
	exec_reset_process(current, req->name, im.brk);
	files_set_exe(current, im.f);
	current->arg_start = st.arg_start;
	current->arg_end = st.arg_end;
	current->env_end = st.env_end;
	arch_user_frame(current->tf, im.eh.entry, st.sp);
	return 0;
}

long do_execve(const char *path, char *const argv[], int argc,
	       char *const envp[], int envc)
{
	struct exec_req req = {path, path, argv, envp, argc, envc, 0};

	return exec_req_run(&req);
}
