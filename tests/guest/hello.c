/* hello - the smallest program: buffered stdio flushed at exit. */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
