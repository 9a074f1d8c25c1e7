/* sysv_shm - System V shared memory between two programs: shmget+shmat
 * here, fork+exec /tests/helpers/shm_peer KEY which attaches the same key
 * and writes; we see its write; then IPC_RMID makes the key go away. */
#include <sys/ipc.h>
#include <sys/shm.h>
#include "guest.h"

#define SIZE (3 * PAGE)

static int seg_id = -1;

static void remove_segment(void)
{
	if (seg_id != -1)
		shmctl(seg_id, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
	(void)argc;
	char peer[256];
	helper_path(peer, sizeof peer, argv[0], "shm_peer");
	key_t key = (key_t)(0x5e000000 | (getpid() & 0xffff));
	int id = shmget(key, SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1 && (errno == ENOSYS || errno == EPERM))
		skip("System V shared memory not available: %s",
		     strerror(errno));
	CHECK_SYS(id);
	seg_id = id;
	guest_cleanup = remove_segment;
	char *m = shmat(id, NULL, 0);
	CHECK(m != (void *)-1, "shmat failed: %s", strerror(errno));
	for (size_t i = 0; i < SIZE; i++)
		CHECK(m[i] == 0, "new segment not zero at %zu", i);
	strcpy(m, "from the first program");

	char keystr[32];
	snprintf(keystr, sizeof keystr, "%d", (int)key);
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *args[] = {peer, keystr, NULL};
		execve(peer, args, (char *[]){NULL});
		guest_cleanup = NULL; /* the parent removes it */
		fail("execve %s failed: %s", peer, strerror(errno));
	}
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "shm_peer failed: %s",
	      status_str(st, b, sizeof b));
	CHECK(strcmp(m + PAGE, "written by shm_peer") == 0,
	      "peer's write not seen: '%.40s'", m + PAGE);
	CHECK(m[2 * PAGE + 4095] == 'E',
	      "peer's write to the last page not seen");
	CHECK(strcmp(m, "from the first program") == 0,
	      "our own write changed");

	/* A forked child shares the attachment too. */
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		strcpy(m + 100, "forked child");
		_exit(0);
	}
	st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	CHECK(strcmp(m + 100, "forked child") == 0,
	      "forked child's write to the segment not seen");

	CHECK_SYS(shmdt(m));
	CHECK_SYS(shmctl(id, IPC_RMID, NULL));
	CHECK_ERR(shmget(key, SIZE, 0), ENOENT);
	return 0;
}
