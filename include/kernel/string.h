/* string.h - memory and string helpers: libc's on the host, lib/string.c and
 * arch/x86/string.c in the kernel. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#ifdef HOST
#include <string.h>
#else
#include <kernel/types.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
#endif

#endif
