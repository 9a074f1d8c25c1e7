/* shm_peer KEY - helper of sysv_shm: attach the segment of KEY, check what
 * the first program wrote and write our own mark. */
#include <sys/ipc.h>
#include <sys/shm.h>
#include "guest.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		fail("usage: shm_peer KEY");
	key_t key = (key_t)atoi(argv[1]);
	int id = shmget(key, 0, 0);
	CHECK(id != -1, "shm_peer: shmget(%d) failed: %s", (int)key,
	      strerror(errno));
	char *m = shmat(id, NULL, 0);
	CHECK(m != (void *)-1, "shm_peer: shmat failed: %s", strerror(errno));
	CHECK(strcmp(m, "from the first program") == 0,
	      "shm_peer: segment holds '%.40s'", m);
	strcpy(m + PAGE, "written by shm_peer");
	m[2 * PAGE + 4095] = 'E';
	CHECK_SYS(shmdt(m));
	return 0;
}
