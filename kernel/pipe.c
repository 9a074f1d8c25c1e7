/*
 * pipe.c - pipes: a one-page ring buffer between a read end and a write
 * end. Readers block while it is empty and see end of file once every
 * writer is gone; writers block while it is full and get -EPIPE (and
 * SIGPIPE) once every reader is gone. Both sides sleep on the pipe.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#define NPIPE 128
#define PIPE_SIZE PAGE_SIZE

struct pipe {
	char *buf;	     /* NULL: the slot is free */
	uint32_t head, tail; /* free-running: bytes written / read */
	int readers, writers;
};

static struct pipe pipes[NPIPE];

static long pipe_read(struct file *f, void *kbuf, size_t n, uint64_t off)
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

static long pipe_write(struct file *f, const void *kbuf, size_t n, uint64_t off)
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

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wakeup(p);
	if (p->readers == 0 && p->writers == 0) {
		kpage_free(p->buf);
		p->buf = NULL;
	}
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = NULL;

	for (int i = 0; i < NPIPE && !p; i++)
		if (!pipes[i].buf)
			p = &pipes[i];
	if (!p)
		return -ENFILE;
	p->buf = kpage_alloc();
	if (!p->buf)
		return -ENOMEM;
	p->head = p->tail = 0;
	p->readers = p->writers = 0;
	*rd = file_alloc(FILE_PIPE, &pipe_ops, O_RDONLY);
	if (*rd) {
		p->readers = 1;
		(*rd)->priv = p;
	}
	*wr = *rd ? file_alloc(FILE_PIPE, &pipe_ops, O_WRONLY) : NULL;
	if (*rd && !*wr)
		file_put(*rd); /* frees the pipe too */
	if (!*rd) {
		kpage_free(p->buf);
		p->buf = NULL;
	}
	if (!*wr)
		return -ENFILE;
	p->writers = 1;
	(*wr)->priv = p;
	return 0;
}
