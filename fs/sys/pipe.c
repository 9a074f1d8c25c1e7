/*
 * pipe.c - pipes: a one-page ring buffer between a read end and a write
 * end. Readers block while it is empty and see end of file once every
 * writer is gone; writers block while it is full and get -EPIPE (and
 * SIGPIPE) once every reader is gone. Both sides sleep on the pipe.
 * A fifo (a named pipe, mknod S_IFIFO) is the same pipe found through
 * its vnode by every opener, alive while any of them has it open; opens
 * wait for the other side as Linux's do.
 */
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#define NPIPE 128
#define PIPE_SIZE PAGE_SIZE

struct pipe {
	char *buf;	     /* NULL: the slot is free */
	uint32_t head, tail; /* free-running: bytes written / read */
	int readers, writers;
	struct vnode *fifo; /* named pipes: the node, else NULL */
	uint32_t reader_opens, writer_opens; /* fifo opens so far */
};

static struct pipe pipes[NPIPE];

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
		size_t at = p->tail % PIPE_SIZE;
		size_t chunk =
		    MIN(n - got, MIN(p->head - p->tail, PIPE_SIZE - at));

		memcpy((char *)kbuf + got, p->buf + at, chunk);
		p->tail += chunk;
		got += chunk;
	}
	wakeup(p);
	return (long)got;
}

static long pipe_write(struct vfile *f, const void *kbuf, size_t n,
		       uint64_t off)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	(void)off;
	while (done < n) {
		size_t space = PIPE_SIZE - (p->head - p->tail);
		size_t at = p->head % PIPE_SIZE;
		size_t chunk = MIN(n - done, MIN(space, PIPE_SIZE - at));

		if (p->readers == 0) {
			proc_signal(current, SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (space == 0) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			wakeup(p);
			if (sleep_on(p))
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		memcpy(p->buf + at, (const char *)kbuf + done, chunk);
		p->head += chunk;
		done += chunk;
	}
	wakeup(p);
	return (long)done;
}

static void pipe_free(struct pipe *p)
{
	vfs_page_free(p->buf);
	p->buf = NULL;
	p->fifo = NULL;
}

static void pipe_release(struct vfile *f)
{
	struct pipe *p = f->priv;
	uint32_t mode = f->flags & O_ACCMODE;

	if (mode != O_WRONLY)
		p->readers--;
	if (mode != O_RDONLY)
		p->writers--;
	wakeup(p);
	if (p->readers == 0 && p->writers == 0)
		pipe_free(p);
}

static const struct vfile_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
};

/* A free slot with its ring page, or NULL (-ENFILE / -ENOMEM). */
static struct pipe *pipe_new(int *err)
{
	struct pipe *p = NULL;

	for (int i = 0; i < NPIPE && !p; i++)
		if (!pipes[i].buf)
			p = &pipes[i];
	*err = -ENFILE;
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->buf = vfs_page_alloc();
	*err = -ENOMEM;
	return p->buf ? p : NULL;
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
		vfs_page_free(p->buf);
		p->buf = NULL;
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
		if (pipes[i].buf && pipes[i].fifo == v)
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
	if (mode != O_WRONLY) {
		p->readers++;
		p->reader_opens++;
	}
	if (mode != O_RDONLY) {
		p->writers++;
		p->writer_opens++;
	}
	wakeup(p);
	err = 0;
	if (mode == O_RDONLY && !nonblock && p->writers == 0)
		err = fifo_wait(p, &p->writer_opens, p->writer_opens);
	else if (mode == O_WRONLY && p->readers == 0)
		err = fifo_wait(p, &p->reader_opens, p->reader_opens);
	if (err)
		pipe_release(f); /* the VFS drops f without its release */
	return err;
}
