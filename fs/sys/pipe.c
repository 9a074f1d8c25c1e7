/*
 * pipe.c - pipes: a ring buffer between a read end and a write end, of
 * 16 pages unless /proc/sys/fs/pipe-max-size is smaller (as Linux), its
 * size changed by F_SETPIPE_SZ; its pages are allocated as data first
 * reaches them and kept until the pipe goes. Readers block while it is empty
 * and see end of file once every writer is gone; writers block while it is full
 * and get -EPIPE (and SIGPIPE) once every reader is gone. Both sides sleep on
 * the pipe. A fifo (a named pipe, mknod S_IFIFO) is the same pipe found through
 * its vnode by every opener, alive while any of them has it open; opens
 * wait for the other side as Linux's do.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <fs/reclock.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#define NPIPE 2048 /* pipes and fifos open at once (Linux: no such limit) */
#define PIPE_DEF_PAGES 16
#define PIPE_MAX_PAGES (PAGE_SIZE / sizeof(char *)) /* one page of them */
#define FIONREAD 0x541B
#define PIPE_ASYNC 4
#define POLL_IN 1
#define POLL_OUT 2

uint32_t pipe_max_size = 1048576;
uint32_t pipe_user_pages_soft = 16384, pipe_user_pages_hard; /* Linux's */

struct pipe {
	char **pages; /* the ring's page pointers (small, or a page of them
		       * for rings over PIPE_DEF_PAGES); NULL: slot free */
	char *small[PIPE_DEF_PAGES];
	uint32_t size;	     /* capacity: a power of two of pages */
	uint32_t head, tail; /* free-running: bytes written / read */
	int readers, writers;
	struct vnode *fifo; /* named pipes: the node, else NULL */
	uint32_t reader_opens, writer_opens; /* fifo opens so far */
	/* Ends with O_ASYNC set (F_SETFL), told by signal of new data or
	 * room, with the descriptor that set it as si_fd. */
	struct vfile *async[PIPE_ASYNC];
	int async_fd[PIPE_ASYNC];
	uint32_t uid; /* whose pipe pages these are (pipe-user-pages-*) */
};

static struct pipe pipes[NPIPE];

static void pipe_kill_fasync(struct pipe *p, bool readers);

/* p's data, room or ends changed: its sleepers and pollers look again. */
static void pipe_wake(struct pipe *p)
{
	wakeup(p);
	poll_wake();
}

static long pipe_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	struct pipe *p = f->priv;
	size_t got = 0;

	(void)off;
	if (n == 0)
		return 0;
	while (p->head == p->tail) {
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(p))
			return -ERESTARTSYS;
	}
	while (got < n && p->tail != p->head) {
		size_t at = p->tail % p->size;
		size_t chunk = MIN(n - got, MIN(p->head - p->tail,
						PAGE_SIZE - at % PAGE_SIZE));

		memcpy((char *)kbuf + got,
		       p->pages[at / PAGE_SIZE] + at % PAGE_SIZE, chunk);
		p->tail += chunk;
		got += chunk;
	}
	pipe_wake(p);
	pipe_kill_fasync(p, false);
	return (long)got;
}

/* Page i of the ring, allocated on first use; NULL without memory. */
static char *pipe_page(struct pipe *p, size_t i)
{
	if (!p->pages[i])
		p->pages[i] = vfs_page_alloc();
	return p->pages[i];
}

static long pipe_write(struct vfile *f, const void *kbuf, size_t n,
		       uint64_t off)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	(void)off;
	while (done < n) {
		size_t space = p->size - (p->head - p->tail);
		size_t at = p->head % p->size;
		size_t chunk =
		    MIN(n - done, MIN(space, PAGE_SIZE - at % PAGE_SIZE));
		char *page;

		if (p->readers == 0) {
			proc_signal(current, SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (space == 0) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			pipe_wake(p);
			if (sleep_on(p))
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		page = pipe_page(p, at / PAGE_SIZE);
		if (!page)
			return done ? (long)done : -ENOMEM;
		memcpy(page + at % PAGE_SIZE, (const char *)kbuf + done, chunk);
		p->head += chunk;
		done += chunk;
	}
	pipe_wake(p);
	if (done)
		pipe_kill_fasync(p, true);
	return (long)done;
}

/* Free the ring's pages from index from on (all of them: 0). */
static void pipe_free_pages(struct pipe *p, size_t from)
{
	for (size_t i = from; i < p->size / PAGE_SIZE; i++)
		if (p->pages[i]) {
			vfs_page_free(p->pages[i]);
			p->pages[i] = NULL;
		}
}

static void pipe_free(struct pipe *p)
{
	pipe_free_pages(p, 0);
	if (p->pages != p->small)
		vfs_page_free(p->pages);
	p->pages = NULL;
	p->fifo = NULL;
}

/* FIONREAD: the bytes waiting in the pipe. */
static long pipe_ioctl(struct vfile *f, uint32_t cmd, uint32_t arg)
{
	struct pipe *p = f->priv;
	int32_t n = (int32_t)(p->head - p->tail);

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* O_ASYNC set or cleared on f (descriptor fd): 0, or -ENOMEM when
 * PIPE_ASYNC ends of this pipe already have it. */
static int pipe_fasync(struct vfile *f, int fd, bool on)
{
	struct pipe *p = f->priv;
	int free_slot = -1;

	for (int i = 0; i < PIPE_ASYNC; i++) {
		if (p->async[i] == f) {
			p->async[i] = on ? f : NULL;
			p->async_fd[i] = fd;
			return 0;
		}
		if (!p->async[i] && free_slot < 0)
			free_slot = i;
	}
	if (!on)
		return 0;
	if (free_slot < 0)
		return -ENOMEM;
	p->async[free_slot] = f;
	p->async_fd[free_slot] = fd;
	return 0;
}

/* Signal the O_ASYNC ends of p that can now read (readers) or write. */
static void pipe_kill_fasync(struct pipe *p, bool readers)
{
	for (int i = 0; i < PIPE_ASYNC; i++) {
		struct vfile *f = p->async[i];

		if (!f || (readers ? !vfile_readable(f) : !vfile_writable(f)))
			continue;
		if (readers)
			fown_signal(f, p->async_fd[i], POLL_IN,
				    POLLIN | POLLRDNORM);
		else
			fown_signal(f, p->async_fd[i], POLL_OUT,
				    POLLOUT | POLLWRNORM);
	}
}

static void pipe_release(struct vfile *f)
{
	struct pipe *p = f->priv;
	uint32_t mode = f->flags & O_ACCMODE;

	pipe_fasync(f, 0, false);
	if (mode != O_WRONLY)
		p->readers--;
	if (mode != O_RDONLY)
		p->writers--;
	pipe_wake(p);
	if (p->readers == 0 && p->writers == 0)
		pipe_free(p);
}

/*
 * poll's mask, as Linux's pipe_poll: a reading end is readable with
 * data and hung up without writers (for a fifo, only once a writer has
 * come since this end opened); a writing end is writable with a page of
 * room (PIPE_BUF: a small write then goes in whole) and in error without
 * readers.
 */
static unsigned pipe_poll(struct vfile *f)
{
	struct pipe *p = f->priv;
	uint32_t mode = f->flags & O_ACCMODE;
	unsigned mask = 0;

	if (mode != O_WRONLY) {
		if (p->head != p->tail)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && (!p->fifo || f->version != p->writer_opens))
			mask |= POLLHUP;
	}
	if (mode != O_RDONLY) {
		if (p->size - (p->head - p->tail) >= PAGE_SIZE)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static const struct vfile_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .fasync = pipe_fasync,
    .poll = pipe_poll,
    .release = pipe_release,
};

uint32_t pipe_ino(const struct vfile *f)
{
	return f->ops == &pipe_ops
		   ? (uint32_t)((struct pipe *)f->priv - pipes) + 1
		   : 0;
}

/* The ring pages of uid's open pipes (their sizes, as Linux counts). */
static uint32_t user_pipe_pages(uint32_t uid)
{
	uint32_t n = 0;

	for (int i = 0; i < NPIPE; i++)
		if (pipes[i].pages && pipes[i].uid == uid)
			n += pipes[i].size / PAGE_SIZE;
	return n;
}

/* Would extra more pages put uid's pipes over a user limit? */
static bool over_user_limit(uint32_t uid, uint32_t extra)
{
	uint32_t used = user_pipe_pages(uid) + extra;

	return (pipe_user_pages_soft && used > pipe_user_pages_soft) ||
	       (pipe_user_pages_hard && used > pipe_user_pages_hard);
}

/* The size of a new pipe of the current (real) user, as Linux's
 * alloc_pipe_info: the default, but 2 pages once an unprivileged user's
 * pipes are over pipe-user-pages-soft; 0 (refused) over the hard limit. */
static uint32_t new_pipe_size(uint32_t uid)
{
	uint32_t size = PIPE_DEF_PAGES * PAGE_SIZE, used;

	if (size > pipe_max_size && !cred_privileged())
		size = MAX(pipe_max_size & PAGE_MASK, (uint32_t)PAGE_SIZE);
	if (cred_privileged() ||
	    (!pipe_user_pages_soft && !pipe_user_pages_hard))
		return size;
	used = user_pipe_pages(uid) + size / PAGE_SIZE;
	if (pipe_user_pages_soft && used > pipe_user_pages_soft) {
		used -= size / PAGE_SIZE - 2;
		size = 2 * PAGE_SIZE;
	}
	return pipe_user_pages_hard && used > pipe_user_pages_hard ? 0 : size;
}

/* A free slot, or NULL (-ENFILE: none, or over the user's hard limit). */
static struct pipe *pipe_new(int *err)
{
	struct pipe *p = NULL;
	uint32_t uid = current ? current->cred.uid : 0;
	uint32_t size = new_pipe_size(uid);
	static unsigned hint; /* where the last free slot was found */

	for (unsigned n = 0; n < NPIPE && !p; n++, hint = (hint + 1) % NPIPE)
		if (!pipes[hint].pages)
			p = &pipes[hint];
	*err = -ENFILE;
	if (!p || !size)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->size = size;
	p->uid = uid;
	p->pages = p->small; /* no page until data comes */
	return p;
}

int pipe_create(struct vfile **rd, struct vfile **wr)
{
	int err;
	struct pipe *p = pipe_new(&err);

	if (!p)
		return err;
	p->readers = p->writers = 1;
	*rd = vfile_alloc(&pipe_ops, p, O_RDONLY);
	if (!*rd) {
		pipe_free(p);
		return -ENOMEM;
	}
	*wr = vfile_alloc(&pipe_ops, p, O_WRONLY);
	if (!*wr) {
		p->writers = 0;
		vfile_put(*rd); /* frees the pipe */
		return -ENOMEM;
	}
	return 0;
}

/* The pipe of fifo v, made on its first open. */
static struct pipe *fifo_pipe(struct vnode *v, int *err)
{
	struct pipe *p;

	for (int i = 0; i < NPIPE; i++)
		if (pipes[i].pages && pipes[i].fifo == v)
			return &pipes[i];
	p = pipe_new(err);
	if (p)
		p->fifo = v;
	return p;
}

/* Wait until *counter moves past seen (the other side opened). */
static int fifo_wait(struct pipe *p, const uint32_t *counter, uint32_t seen)
{
	while (*counter == seen)
		if (sleep_on(p))
			return -ERESTARTSYS;
	return 0;
}

/*
 * Open of a fifo (the VFS's special-open hook, through dev_open): a
 * reader waits for a writer and a writer for a reader, unless O_NONBLOCK
 * (a lone non-blocking writer gets -ENXIO); O_RDWR never waits.
 */
int fifo_open(struct vfile *f)
{
	uint32_t mode = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;
	int err;
	struct pipe *p = fifo_pipe(f->vn, &err);

	if (!p)
		return err;
	if (mode == O_WRONLY && nonblock && p->readers == 0) {
		if (p->writers == 0)
			pipe_free(p);
		return -ENXIO;
	}
	vfile_set_ops(f, &pipe_ops, p);
	vfile_set_version(f, p->writer_opens);
	if (mode != O_WRONLY) {
		p->readers++;
		p->reader_opens++;
	}
	if (mode != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	pipe_wake(p);
	err = 0;
	if (mode == O_RDONLY && !nonblock && p->writers == 0)
		err = fifo_wait(p, &p->writer_opens, p->writer_opens);
	else if (mode == O_WRONLY && p->readers == 0)
		err = fifo_wait(p, &p->reader_opens, p->reader_opens);
	if (err)
		pipe_release(f); /* the VFS drops f without its release */
	return err;
}

/* Linux's round_pipe_size: whole pages, a power of two of them. */
static uint32_t round_size(uint32_t size)
{
	uint32_t n = 1;

	while (n * PAGE_SIZE < size)
		n <<= 1;
	return n * PAGE_SIZE;
}

/* Move the data to the start of a new ring of new_size bytes: head -
 * tail bytes stay, now at [0, head - tail); the old pages go. */
static int pipe_relayout(struct pipe *p, uint32_t new_size)
{
	struct pipe n = *p;
	uint32_t count = p->head - p->tail;
	char *small[PIPE_DEF_PAGES] = {0};

	n.pages = new_size <= sizeof(small) / sizeof(small[0]) * PAGE_SIZE
		      ? small
		      : (char **)vfs_page_alloc();
	if (!n.pages)
		return -ENOMEM;
	if (n.pages != small)
		memset(n.pages, 0, PAGE_SIZE);
	n.size = new_size;
	for (uint32_t done = 0; done < count;) {
		uint32_t at = (p->tail + done) % p->size;
		uint32_t len =
		    MIN(count - done, (uint32_t)(PAGE_SIZE - at % PAGE_SIZE));
		char *dst = pipe_page(&n, done / PAGE_SIZE);
		char *dst2 = pipe_page(&n, (done + len - 1) / PAGE_SIZE);
		uint32_t first;

		if (!dst || !dst2) {
			pipe_free_pages(&n, 0);
			if (n.pages != small)
				vfs_page_free(n.pages);
			return -ENOMEM;
		}
		first = MIN(len, (uint32_t)(PAGE_SIZE - done % PAGE_SIZE));
		memcpy(dst + done % PAGE_SIZE,
		       p->pages[at / PAGE_SIZE] + at % PAGE_SIZE, first);
		memcpy(dst2, p->pages[at / PAGE_SIZE] + at % PAGE_SIZE + first,
		       len - first);
		done += len;
	}
	pipe_free_pages(p, 0);
	if (p->pages != p->small)
		vfs_page_free(p->pages);
	p->pages = n.pages == small ? p->small : n.pages;
	if (n.pages == small)
		memcpy(p->small, small, sizeof(small));
	p->size = new_size;
	p->tail = 0;
	p->head = count;
	return 0;
}

/*
 * F_SETPIPE_SZ: at least size bytes (rounded up to a power of two of
 * pages); -EINVAL beyond 2 GiB, -EPERM above pipe-max-size for an
 * unprivileged caller, -EBUSY below the bytes waiting, -ENOMEM beyond
 * what a ring here can hold. The new size.
 */
long pipe_set_size(struct vfile *f, uint32_t size)
{
	struct pipe *p = f->ops == &pipe_ops ? f->priv : NULL;
	uint32_t new_size;
	long r;

	if (!p)
		return -EBADF;
	if (size > (1u << 31))
		return -EINVAL;
	new_size = round_size(size);
	if (new_size > pipe_max_size && !cred_privileged())
		return -EPERM;
	if (new_size / PAGE_SIZE > PIPE_MAX_PAGES)
		return -ENOMEM;
	if (new_size < p->head - p->tail)
		return -EBUSY;
	if (new_size > p->size && !cred_privileged() &&
	    over_user_limit(p->uid, (new_size - p->size) / PAGE_SIZE))
		return -EPERM; /* Linux: growing past either user limit */
	r = new_size == p->size ? 0 : pipe_relayout(p, new_size);
	if (r)
		return r;
	pipe_wake(p); /* writers may have room now */
	return (long)new_size;
}

long pipe_get_size(struct vfile *f)
{
	return f->ops == &pipe_ops ? (long)((struct pipe *)f->priv)->size
				   : -EBADF;
}
