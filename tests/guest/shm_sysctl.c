/* shm_sysctl - SysV shm's /proc/sys/kernel settings as Linux's: shmmax
 * bounds shmget's size (EINVAL above it) and IPC_INFO reports it, shmmni
 * bounds the number of segments (ENOSPC), shm_next_id gives the next
 * segment exactly that id and goes back to -1, out-of-range writes are
 * EINVAL; SHM_HUGETLB is EINVAL (no huge pages); every setting is
 * restored. */
#define _GNU_SOURCE
#include <sys/ipc.h>
#include <sys/shm.h>
#include "guest.h"

#define K "/proc/sys/kernel/"

int main(void)
{
	long long max = guest_read_number(K "shmmax"),
		  mni = guest_read_number(K "shmmni");
	struct shminfo info;
	char text[32];
	int id, id2;

	CHECK(guest_write_text(K "shmmax", "8192") == 0, "set shmmax");
	CHECK(guest_read_number(K "shmmax") == 8192, "shmmax reads %lld",
	      guest_read_number(K "shmmax"));
	CHECK_ERR(shmget(IPC_PRIVATE, 8193, IPC_CREAT | 0600), EINVAL);
	CHECK_SYS(shmctl(0, IPC_INFO, (struct shmid_ds *)&info));
	CHECK(info.shmmax == 8192, "IPC_INFO shmmax %lu", info.shmmax);
	id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	CHECK_SYS(id);
	CHECK_SYS(shmctl(id, IPC_RMID, NULL));
	snprintf(text, sizeof text, "%lld", max);
	CHECK(guest_write_text(K "shmmax", text) == 0, "restore shmmax");

	CHECK(guest_read_number(K "shm_next_id") == -1,
	      "shm_next_id starts at -1");
	CHECK(guest_write_text(K "shm_next_id", "98309") == 0,
	      "set shm_next_id");
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	CHECK(id == 98309, "id %d, expected 98309", id);
	CHECK(guest_read_number(K "shm_next_id") == -1,
	      "shm_next_id not reset");
	CHECK(guest_write_text(K "shm_next_id", "-2") == EINVAL,
	      "shm_next_id -2");

	CHECK_ERR(shmget(IPC_PRIVATE, 4096, IPC_CREAT | SHM_HUGETLB | 0600),
		  EINVAL); /* no huge pages */
	CHECK(guest_write_text(K "shmmni", "0") == 0, "set shmmni 0");
	CHECK_ERR(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), ENOSPC);
	snprintf(text, sizeof text, "%lld", mni);
	CHECK(guest_write_text(K "shmmni", text) == 0, "restore shmmni");
	CHECK(guest_write_text(K "shmmni", "100000") == EINVAL,
	      "shmmni above the table");
	id2 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	CHECK_SYS(id2);
	CHECK_SYS(shmctl(id, IPC_RMID, NULL));
	CHECK_SYS(shmctl(id2, IPC_RMID, NULL));
	return 0;
}
