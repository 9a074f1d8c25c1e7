/* cmdline.h - the kernel command line: space-separated words and key=value
 * pairs. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/types.h>

void cmdline_init(const char *s);
/* Copy the value of key=value into buf (true), or false if key is absent.
 * A bare word "key" gives an empty value. */
bool cmdline_get(const char *key, char *buf, size_t size);
/* The words after "--": the first program's arguments after its name.
 * Copies them into buf and points argv[0..max-1] at them; returns how
 * many. */
int cmdline_init_args(char *buf, size_t size, char **argv, int max);

#endif
