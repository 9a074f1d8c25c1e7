/* printk.h - kernel console output and panic. The host test build provides its
 * own. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/types.h>

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
