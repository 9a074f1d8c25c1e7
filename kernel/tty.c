/*
 * tty.c - the console as a terminal: termios state, the foreground
 * process group and Linux's line discipline over the serial port.
 *
 * Input is processed as it arrives (from the serial interrupt, and before
 * a read): with ISIG, ^C, ^\ and ^Z signal the foreground group (SIGINT,
 * SIGQUIT, SIGTSTP) and discard the line being typed; with ICANON, a line
 * is edited (erase, kill) and becomes readable at newline or ^D, and ^D
 * on an empty line is end of file; without ICANON every byte is readable
 * at once. Echo follows ECHO, ECHOE and ECHOK. A read in canonical mode
 * returns at most one line. Output is queued for the transmit interrupt
 * (a writer sleeps while the queue is full; a signal ends the wait).
 */
#include <arch/hooks.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define FIONREAD 0x541B

/* termios flag bits (Linux values). */
#define ICRNL 0000400
#define IGNCR 0000200
#define INLCR 0000100
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define IEXTEN 0100000
#define B115200 0010002
#define CS8 0000060
#define CREAD 0000200
#define IXON 0002000

/* c_cc indices (Linux). */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VSUSP 10

#define TTY_BUF 1024 /* bytes of a line, and of readable input */

/* Linux i386 struct termios (the kernel's, 36 bytes). */
struct ktermios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

struct winsize {
	uint16_t row, col, xpixel, ypixel;
};

static struct ktermios tio = {
    .iflag = ICRNL | IXON,
    .oflag = OPOST | ONLCR,
    .cflag = B115200 | CS8 | CREAD,
    .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN,
    /* VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VTIME 0,
     * VMIN 1, ..., VSUSP ^Z */
    .cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22},
};

static int fg_pgrp;	       /* foreground process group (TIOCSPGRP) */
static int read_chan, tx_chan; /* sleepers: readers, writers */
static char line[TTY_BUF];     /* the canonical line being typed */
static unsigned line_len;
static char ready[TTY_BUF]; /* readable bytes (complete lines if ICANON) */
static unsigned rd_head, rd_tail; /* free-running */
static unsigned eof_marks;	  /* ^D on empty lines not yet read */

void *console_wait_channel(void)
{
	return &read_chan;
}

void console_tx_notify(void)
{
	wakeup(&tx_chan);
}

static void echo(const char *s, size_t n)
{
	if (tio.lflag & ECHO)
		arch_console_write(s, n);
}

static void make_readable(const char *s, size_t n)
{
	for (size_t i = 0; i < n && rd_head - rd_tail < TTY_BUF; i++)
		ready[rd_head++ % TTY_BUF] = s[i];
	wakeup(&read_chan);
	poll_wake();
}

/* The foreground group, or the console's first user (init's group). */
static int foreground(void)
{
	return fg_pgrp ? fg_pgrp : 1;
}

/* ^C, ^\, ^Z: signal the foreground group, drop the typed line. */
static bool input_signal(uint8_t c)
{
	int sig = 0;

	if (c == tio.cc[VINTR])
		sig = SIGINT;
	else if (c == tio.cc[VQUIT])
		sig = SIGQUIT;
	else if (c == tio.cc[VSUSP])
		sig = SIGTSTP;
	if (!sig)
		return false;
	line_len = 0;
	if (tio.lflag & ECHO) {
		char caret[3] = {'^', (char)(c + '@'), '\n'};
		arch_console_write(caret, sizeof(caret));
	}
	signal_pgrp(foreground(), sig);
	return true;
}

/* Line editing (ICANON): erase, kill, end of file, end of line. */
static void input_canonical(char c)
{
	if ((uint8_t)c == tio.cc[VERASE] || c == '\b') {
		if (line_len) {
			line_len--;
			echo((tio.lflag & ECHOE) ? "\b \b" : "\b",
			     (tio.lflag & ECHOE) ? 3 : 1);
		}
	} else if ((uint8_t)c == tio.cc[VKILL]) {
		while (line_len && (tio.lflag & ECHOK)) {
			line_len--;
			echo("\b \b", 3);
		}
		line_len = 0;
	} else if ((uint8_t)c == tio.cc[VEOF]) {
		if (!line_len)
			eof_marks++;
		make_readable(line, line_len);
		line_len = 0;
	} else if (c == '\n') {
		echo("\n", 1);
		line[line_len++] = '\n';
		make_readable(line, line_len);
		line_len = 0;
	} else if (line_len < TTY_BUF - 1) {
		line[line_len++] = c;
		echo(&c, 1);
	}
}

/* One received byte through the line discipline. */
static void tty_input(uint8_t c)
{
	char ch = (char)c;

	if (ch == '\r' && (tio.iflag & IGNCR))
		return;
	if (ch == '\r' && (tio.iflag & ICRNL))
		ch = '\n';
	else if (ch == '\n' && (tio.iflag & INLCR))
		ch = '\r';
	if ((tio.lflag & ISIG) && input_signal((uint8_t)ch))
		return;
	if (tio.lflag & ICANON) {
		input_canonical(ch);
		return;
	}
	echo(&ch, 1);
	make_readable(&ch, 1);
}

/* Take what the serial port received (interrupt, or before a read). */
static void tty_drain(void)
{
	int c;

	while ((c = console_getc()) >= 0)
		tty_input((uint8_t)c);
}

void console_rx_notify(void)
{
	tty_drain();
}

bool console_readable(void)
{
	tty_drain();
	return rd_head != rd_tail || eof_marks;
}

/* Bytes for a read of n: at most one line when canonical. */
static size_t take(char *buf, size_t n)
{
	size_t got = 0;

	while (got < n && rd_tail != rd_head) {
		char c = ready[rd_tail++ % TTY_BUF];

		buf[got++] = c;
		if (c == '\n' && (tio.lflag & ICANON))
			break;
	}
	return got;
}

static long console_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	(void)off;
	if (n == 0)
		return 0;
	for (;;) {
		tty_drain();
		if (rd_head != rd_tail)
			return (long)take(kbuf, n);
		if (eof_marks) {
			eof_marks--;
			return 0;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&read_chan))
			return -ERESTARTSYS;
	}
}

/* Queue the bytes for the transmit interrupt, sleeping while the queue
 * is full; a signal ends the wait with what was queued (-EINTR if
 * nothing), as a Linux tty write. */
static long console_write(struct vfile *f, const void *kbuf, size_t n,
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
		if (sleep_on(&tx_chan))
			return done ? (long)done : -ERESTARTSYS;
	}
}

/* New settings: leaving canonical mode makes the typed line readable. */
static void set_termios(const struct ktermios *t, bool flush)
{
	bool was_canon = tio.lflag & ICANON;

	tio = *t;
	if (flush) {
		rd_head = rd_tail = 0;
		line_len = 0;
		eof_marks = 0;
	} else if (was_canon && !(tio.lflag & ICANON) && line_len) {
		make_readable(line, line_len);
		line_len = 0;
	}
}

static long put_int(uint32_t arg, int32_t v)
{
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long console_ioctl(struct vfile *f, uint32_t cmd, uint32_t arg)
{
	struct winsize ws = {24, 80, 0, 0};
	struct ktermios t;
	int32_t pgrp;

	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &tio, sizeof(tio)) ? -EFAULT
								    : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&t, (const void *)arg, sizeof(t)))
			return -EFAULT;
		set_termios(&t, cmd == TCSETSF);
		return 0;
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCGPGRP:
		/* The foreground group: the last one set, else the caller's. */
		return put_int(arg, fg_pgrp ? fg_pgrp : current->pgid);
	case TIOCSPGRP:
		if (copy_from_user(&pgrp, (const void *)arg, sizeof(pgrp)))
			return -EFAULT;
		if (pgrp <= 0)
			return -EINVAL;
		fg_pgrp = pgrp;
		return 0;
	case FIONREAD:
		tty_drain();
		return put_int(arg, (int32_t)(rd_head - rd_tail));
	default:
		return -ENOTTY;
	}
}

const struct vfile_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
};
