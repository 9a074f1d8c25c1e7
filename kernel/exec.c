/*
 * exec.c - execve of static ELF32 executables. The new image is built
 * completely in a new address space (text and data mapped in full, the
 * stack with argv, envp and the auxiliary vector) before the old one is
 * torn down, so an exec that runs out of memory returns -ENOMEM and the
 * caller keeps running unchanged.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <kernel/file.h>
#include <kernel/elf.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>

#define MAX_PHDRS 16

struct image {
	struct vfile *f;
	struct elf32_ehdr eh;
	struct elf32_phdr ph[MAX_PHDRS];
	struct mm_space *space;
	vaddr_t brk, phdr_addr;
	void *buf; /* one kernel page for copying */
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
	/* Writable while we fill it; final protection afterwards. */
	r = mm_map_anon(im->space, start, end - start, PROT_READ | PROT_WRITE,
			0);
	if (!r)
		r = load_bytes(im, ph->vaddr, ph->offset, ph->filesz);
	if (!r)
		r = mm_populate(im->space, start, end - start, true);
	if (!r)
		r = mm_protect(im->space, start, end - start,
			       elf_prot(ph->flags));
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

long do_execve(const char *path, char *const argv[], int argc,
	       char *const envp[], int envc)
{
	struct image im;
	struct mm_space *old;
	paddr_t buf;
	uint32_t sp = 0;
	long r;

	memset(&im, 0, sizeof(im));
	r = kernel_open(path, O_RDONLY, &im.f);
	if (r)
		return r;
	if (!file_is_executable(im.f)) {
		vfile_put(im.f);
		return -EACCES;
	}
	buf = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	im.space = buf == PHYS_NONE ? NULL : mm_space_new();
	r = -ENOMEM;
	if (im.space) {
		im.buf = arch_phys_to_virt(buf);
		r = load_image(&im);
	}
	if (!r)
		r = exec_build_stack(im.space, path, argv, argc, envp, envc,
				     &im.eh, im.phdr_addr, &sp);
	if (buf != PHYS_NONE)
		phys_free(buf, 1, PHYS_KERNEL);
	vfile_put(im.f);
	if (r) {
		if (im.space)
			mm_space_destroy(im.space);
		return r;
	}
	/* Point of no return: switch to the new image. */
	old = current->space;
	current->space = im.space;
	arch_switch_pgdir(im.space->pgdir);
	if (old)
		mm_space_destroy(old);
	exec_reset_process(current, path, im.brk);
	arch_user_frame(current->tf, im.eh.entry, sp);
	return 0;
}
