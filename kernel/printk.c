/*
 * printk.c - formatted output: vsnprintk (the usual %d %i %u %x %X %o %p
 * %s %c %%, with flags '-', '0', '#', width, precision for %s, and the l,
 * ll, z, h length modifiers) and printk to the console.
 *
 * printk also keeps its last LOG_SIZE bytes in a ring, log_buf, for the
 * debugger (the GDB helper vm-log, scripts/gdb/): byte i of everything
 * printk ever wrote is log_buf[i % LOG_SIZE], and log_end counts the
 * bytes written, so the ring holds [max(0, log_end - LOG_SIZE), log_end).
 * syslog(2) reads it through printk_log_read (kernel/syslog.c).
 */
#include <kernel/printk.h>
#include <kernel/string.h>
#include <arch/hooks.h>

#define LOG_SIZE PRINTK_LOG_SIZE

/* Not static: nothing in the kernel reads them, and the compiler drops a
 * static variable that is only written. */
char log_buf[LOG_SIZE];
uint32_t log_end;

static void log_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[log_end++ % LOG_SIZE] = s[i];
}

size_t printk_log_read(char *out, size_t n, uint32_t from, uint32_t *next)
{
	uint32_t oldest = log_end > LOG_SIZE ? log_end - LOG_SIZE : 0;
	size_t i = 0;

	if (from < oldest)
		from = oldest;
	for (; from < log_end && i < n; i++)
		out[i] = log_buf[from++ % LOG_SIZE];
	*next = from;
	return i;
}

uint32_t printk_log_end(void)
{
	return log_end;
}

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct spec {
	bool left, zero, alt;
	int width, prec;
	int lng; /* 0 int, 1 long, 2 long long, -1 short */
};

static void out_number(struct outbuf *o, unsigned long long v, bool neg,
		       unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len, pad;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		prefix = "-";
	else if (sp->alt && base == 16)
		prefix = upper ? "0X" : "0x";
	len = n + (int)strlen(prefix);
	pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left && !sp->zero)
		out_pad(o, ' ', pad);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	if (!sp->left && sp->zero)
		out_pad(o, '0', pad);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

static void out_string(struct outbuf *o, const char *s, const struct spec *sp)
{
	int len, pad;

	if (!s)
		s = "(null)";
	len = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left)
		out_pad(o, ' ', pad);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp->prec = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->lng++;
		else if (*f == 'z')
			sp->lng = 1;
		else if (*f == 'h')
			sp->lng = -1;
		else
			break;
	}
	return f;
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->lng >= 2)
		return va_arg(*ap, long long);
	if (sp->lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void format_one(struct outbuf *o, char c, struct spec *sp, va_list *ap)
{
	long long sv;

	switch (c) {
	case 'd':
	case 'i':
		sv = arg_signed(sp, ap);
		out_number(o,
			   sv < 0 ? -(unsigned long long)sv
				  : (unsigned long long)sv,
			   sv < 0, 10, false, sp);
		break;
	case 'u':
		out_number(o, arg_unsigned(sp, ap), false, 10, false, sp);
		break;
	case 'x':
	case 'X':
		out_number(o, arg_unsigned(sp, ap), false, 16, c == 'X', sp);
		break;
	case 'o':
		out_number(o, arg_unsigned(sp, ap), false, 8, false, sp);
		break;
	case 'p':
		sp->alt = true;
		out_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false,
			   sp);
		break;
	case 's':
		out_string(o, va_arg(*ap, const char *), sp);
		break;
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		break;
	default:
		out_char(o, '%');
		if (c)
			out_char(o, c);
	}
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {buf, size, 0};
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		if (!*f)
			break;
		format_one(&o, *f, &sp, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	size_t len = strlen(buf);

	log_append(buf, len);
	arch_console_write(buf, len);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
