/* cmdline.h - the kernel command line: space-separated words and key=value
 * pairs. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/types.h>

void cmdline_init(const char *s);
/* Copy the value of key=value into buf (true), or false if key is absent.
 * A bare word "key" gives an empty value. */
bool cmdline_get(const char *key, char *buf, size_t size);

#endif
