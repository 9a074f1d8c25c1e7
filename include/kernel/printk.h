/* printk.h - kernel console output and panic. The host test build provides its
 * own. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/types.h>

/* The log ring: byte i of all printk wrote is kept while i is within
 * PRINTK_LOG_SIZE of the end. Read up to n bytes from byte from (or the
 * oldest kept) into out; *next is where to go on. */
#define PRINTK_LOG_SIZE 8192u
size_t printk_log_read(char *out, size_t n, uint32_t from, uint32_t *next);
/* How many bytes printk wrote in all. */
uint32_t printk_log_end(void);

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);

/* Print the message and a backtrace, then stop (or, in host tests, unwind). */
void panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#define BUG_ON(cond)                                                  \
	do {                                                          \
		if (unlikely(cond))                                   \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, \
			      __LINE__);                              \
	} while (0)

#endif
