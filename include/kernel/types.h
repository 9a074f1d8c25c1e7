/* types.h - basic fixed-width types shared by kernel, mm and fs (host and
 * guest). */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t paddr_t; /* physical address */
typedef uint32_t vaddr_t; /* virtual address */

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(x) (((x) & (PAGE_SIZE - 1)) == 0)
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ROUND_DOWN(x) ((x)&PAGE_MASK)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
