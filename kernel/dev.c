/*
 * dev.c - character devices: the console (serial; with a minimal
 * terminal state so that termios ioctls work and programs that do their
 * own line editing can switch the kernel's echo off), /dev/null,
 * /dev/zero and /dev/mem (physical memory, root only).
 */
#include <arch/hooks.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413

static int console_pgrp; /* foreground process group (TIOCSPGRP) */

/* termios flag bits used here (Linux values). */
#define ICRNL 0000400
#define OPOST 0000001
#define ONLCR 0000004
#define ECHO 0000010
#define ICANON 0000002
#define ISIG 0000001
#define ECHOE 0000020
#define ECHOK 0000040
#define IEXTEN 0100000
#define B115200 0010002
#define CS8 0000060
#define CREAD 0000200
#define IXON 0002000

/* Linux i386 struct termios (the kernel's, 36 bytes). */
struct ktermios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

struct winsize {
	uint16_t row, col, xpixel, ypixel;
};

static int console_chan, console_tx_chan;
static struct ktermios console_tio = {
    .iflag = ICRNL | IXON,
    .oflag = OPOST | ONLCR,
    .cflag = B115200 | CS8 | CREAD,
    .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN,
    /* VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VTIME 0,
     * VMIN 1, ..., VSUSP ^Z */
    .cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22},
};

void *console_wait_channel(void)
{
	return &console_chan;
}

void console_rx_notify(void)
{
	wakeup(&console_chan);
}

void console_tx_notify(void)
{
	wakeup(&console_tx_chan);
}

/* Input character c as the terminal settings transform and echo it. */
static char console_in(int c)
{
	char ch = (char)c;

	if (ch == '\r' && (console_tio.iflag & ICRNL))
		ch = '\n';
	if (console_tio.lflag & ECHO)
		arch_console_write(&ch, 1);
	return ch;
}

/* Block for the first byte, then take whatever else has arrived. */
static long console_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	char *buf = kbuf;
	size_t got = 0;
	int c;

	(void)off;
	if (n == 0)
		return 0;
	while ((c = console_getc()) < 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&console_chan))
			return -EINTR;
	}
	do {
		buf[got++] = console_in(c);
	} while (got < n && buf[got - 1] != '\n' && (c = console_getc()) >= 0);
	return (long)got;
}

/* Queue the bytes for the transmit interrupt, sleeping while the queue
 * is full; a signal ends the wait with what was queued (-EINTR if
 * nothing), as a Linux tty write. */
static long console_write(struct file *f, const void *kbuf, size_t n,
			  uint64_t off)
{
	size_t done = 0;

	(void)off;
	for (;;) {
		done += arch_console_queue((const char *)kbuf + done, n - done);
		if (done == n)
			return (long)n;
		if (f->flags & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		if (sleep_on(&console_tx_chan))
			return done ? (long)done : -EINTR;
	}
}

static long console_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
	struct winsize ws = {24, 80, 0, 0};
	struct ktermios tio;
	int32_t pgrp;

	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &console_tio,
				    sizeof(console_tio))
			   ? -EFAULT
			   : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&tio, (const void *)arg, sizeof(tio)))
			return -EFAULT;
		console_tio = tio;
		return 0;
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCGPGRP:
		/* The console's foreground group: the last one set, else ours. */
		pgrp = console_pgrp ? console_pgrp : current->pgid;
		return copy_to_user((void *)arg, &pgrp, sizeof(pgrp)) ? -EFAULT
								      : 0;
	case TIOCSPGRP:
		/* One terminal, no job control sessions: accept the value. */
		if (copy_from_user(&pgrp, (const void *)arg, sizeof(pgrp)))
			return -EFAULT;
		console_pgrp = pgrp;
		return 0;
	default:
		return -ENOTTY;
	}
}

const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
};

static long null_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)n;
	(void)off;
	return 0;
}

static long sink_write(struct file *f, const void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)kbuf;
	(void)off;
	return (long)n;
}

static long zero_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	(void)off;
	memset(kbuf, 0, n);
	return (long)n;
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = sink_write,
    .seekable = true,
};

static const struct file_ops zero_ops = {
    .read = zero_read,
    .write = sink_write,
    .seekable = true,
};

static int mem_open(struct file *f)
{
	(void)f;
	return current && current->uid == 0 ? 0 : -EACCES;
}

/*
 * /dev/mem is physical memory from 0 to the end of the direct mapping
 * (docs/security.md). As on Linux, a transfer must lie inside it whole
 * (else -EFAULT, for reads and writes alike). Each page is reached through
 * a temporary mapping, so pages the direct mapping leaves out (page 0, the
 * boot page) read and write like any other.
 */
static bool mem_range_ok(size_t n, uint64_t off)
{
	uint64_t limit = arch_direct_map_limit();

	return off <= limit && n <= limit - off;
}

static void mem_copy(void *kbuf, size_t n, uint64_t off, bool write)
{
	for (size_t done = 0; done < n;) {
		paddr_t pa = (paddr_t)(off + done);
		size_t chunk = MIN(n - done, PAGE_SIZE - (pa & ~PAGE_MASK));
		char *va = arch_kmap(pa);

		va += pa & ~PAGE_MASK;
		if (write)
			memcpy(va, (char *)kbuf + done, chunk);
		else
			memcpy((char *)kbuf + done, va, chunk);
		arch_kunmap(va);
		done += chunk;
	}
}

static long mem_read(struct file *f, void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy(kbuf, n, off, false);
	return (long)n;
}

static long mem_write(struct file *f, const void *kbuf, size_t n, uint64_t off)
{
	(void)f;
	if (!mem_range_ok(n, off))
		return -EFAULT;
	mem_copy((void *)kbuf, n, off, true);
	return (long)n;
}

static const struct file_ops mem_ops = {
    .open = mem_open,
    .read = mem_read,
    .write = mem_write,
    .seekable = true,
};

const struct file_ops *dev_ops(uint32_t rdev)
{
	switch (rdev) {
	case DEV_CONSOLE:
	case DEV_TTY:
	case DEV_TTYS0:
		return &console_ops;
	case DEV_NULL:
		return &null_ops;
	case DEV_ZERO:
		return &zero_ops;
	case DEV_MEM:
		return &mem_ops;
	default:
		return NULL;
	}
}
