/* big - helper of exec_enomem: a program whose image holds BIG_MIB MiB of
 * initialized data (so it is that large in the file and needs that much
 * memory to load). If it ever runs, it touches all of it and exits 99. */
#include <stdint.h>
#include <stdlib.h>

#ifndef BIG_MIB
#define BIG_MIB 4
#endif

/* Non-zero initializer: the whole array lands in .data (file contents). */
static volatile uint8_t data[BIG_MIB << 20] = {1};

int main(void)
{
	for (size_t i = 0; i < sizeof data; i += 4096)
		data[i]++;
	return 99;
}
