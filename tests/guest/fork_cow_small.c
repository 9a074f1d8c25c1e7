/* fork_cow_small - after fork, parent and child each write a small buffer
 * (data, bss, stack, heap) and each sees only its own writes. */
#include "guest.h"

static char data_buf[64] = "original data";
static char bss_buf[64];

int main(void)
{
	char stack_buf[64] = "original stack";
	char *heap = malloc(64);
	CHECK(heap != NULL, "malloc failed");
	strcpy(heap, "original heap");
	strcpy(bss_buf, "original bss");

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		/* The parent may already have written: we must not see it. */
		CHECK(strcmp(data_buf, "original data") == 0,
		      "child sees parent's data write: '%s'", data_buf);
		CHECK(strcmp(bss_buf, "original bss") == 0,
		      "child sees parent's bss write: '%s'", bss_buf);
		CHECK(strcmp(stack_buf, "original stack") == 0,
		      "child sees parent's stack write: '%s'", stack_buf);
		CHECK(strcmp(heap, "original heap") == 0,
		      "child sees parent's heap write: '%s'", heap);
		strcpy(data_buf, "child data");
		strcpy(bss_buf, "child bss");
		strcpy(stack_buf, "child stack");
		strcpy(heap, "child heap");
		sleep_ms(50); /* let the parent run and write */
		CHECK(strcmp(data_buf, "child data") == 0 &&
			  strcmp(bss_buf, "child bss") == 0 &&
			  strcmp(stack_buf, "child stack") == 0 &&
			  strcmp(heap, "child heap") == 0,
		      "child lost its own writes");
		_exit(0);
	}
	strcpy(data_buf, "parent data");
	strcpy(bss_buf, "parent bss");
	strcpy(stack_buf, "parent stack");
	strcpy(heap, "parent heap");
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	CHECK(strcmp(data_buf, "parent data") == 0, "parent sees '%s' in data",
	      data_buf);
	CHECK(strcmp(bss_buf, "parent bss") == 0, "parent sees '%s' in bss",
	      bss_buf);
	CHECK(strcmp(stack_buf, "parent stack") == 0,
	      "parent sees '%s' on the stack", stack_buf);
	CHECK(strcmp(heap, "parent heap") == 0, "parent sees '%s' in heap",
	      heap);
	free(heap);
	return 0;
}
