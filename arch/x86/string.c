/*
 * string.c - memcpy and memset for lib/string.c's users, with the string
 * instructions: rep movs and rep stos are short and fast under QEMU's TCG,
 * and zeroing and copying pages is on the fault and cache paths.
 */
#include <kernel/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n >> 2, bytes = n & 3;

	__asm__ volatile("cld; rep movsl"
			 : "+D"(d), "+S"(src), "+c"(words)
			 :
			 : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(d), "+S"(src), "+c"(bytes)
			 :
			 : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint32_t v = (uint8_t)c * 0x01010101u;
	size_t words = n >> 2, bytes = n & 3;

	__asm__ volatile("cld; rep stosl"
			 : "+D"(d), "+c"(words)
			 : "a"(v)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(d), "+c"(bytes)
			 : "a"(v)
			 : "memory");
	return dst;
}
