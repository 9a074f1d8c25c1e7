/* shm_calls - SysV shm as Linux: IPC_STAT fields (size, creator pid,
 * attach count through fork and shmdt, times), IPC_SET, IPC_INFO's
 * limits, SHM_INFO, SHM_STAT by index, SHM_LOCK / SHM_UNLOCK mode bits,
 * permissions for another uid (EACCES, EPERM), /proc/sysvipc/shm, pages
 * made on first touch (Shmem in /proc/meminfo), and a segment removed
 * while attached that lives until its last detach. */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include "guest.h"

#define SZ (64 * PAGE)

static int id = -1;

static void cleanup(void)
{
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
}

/* A /proc/meminfo field in kB. */
static long meminfo(const char *field)
{
	return (long)guest_proc_field("/proc/meminfo", field);
}

static void as_nobody(void *arg)
{
	struct shmid_ds ds;

	(void)arg;
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		fail("dropping to nobody: %s", strerror(errno));
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EACCES);
	CHECK_ERR(shmat(id, NULL, 0), EACCES);
	CHECK_ERR(shmctl(id, IPC_RMID, NULL), EPERM);
	CHECK_ERR(shmctl(id, SHM_LOCK, NULL), EPERM);
	memset(&ds, 0, sizeof ds);
	CHECK_ERR(shmctl(id, IPC_SET, &ds), EPERM);
}

int main(void)
{
	struct shmid_ds ds;
	struct shminfo info;
	struct shm_info sinfo;

	id = shmget(IPC_PRIVATE, SZ, IPC_CREAT | 0600);
	CHECK_SYS(id);
	guest_cleanup = cleanup;
	CHECK_SYS(shmctl(id, IPC_STAT, &ds));
	CHECK(ds.shm_segsz == SZ && ds.shm_cpid == getpid() &&
		  ds.shm_nattch == 0 && (ds.shm_perm.mode & 0777) == 0600 &&
		  ds.shm_ctime > 0,
	      "IPC_STAT: size %zu cpid %d nattch %lu mode %o", ds.shm_segsz,
	      ds.shm_cpid, (unsigned long)ds.shm_nattch, ds.shm_perm.mode);

	long before = meminfo("Shmem:");
	char *p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1, "shmat: %s", strerror(errno));
	if (before >= 0)
		CHECK(meminfo("Shmem:") == before,
		      "pages made at shmat: Shmem %ld kB, was %ld",
		      meminfo("Shmem:"), before);
	memset(p, 1, 4 * PAGE);
	if (before >= 0)
		CHECK(meminfo("Shmem:") >= before + 16 &&
			  meminfo("Shmem:") < before + 64 * 4,
		      "Shmem %ld kB after touching 4 pages, was %ld",
		      meminfo("Shmem:"), before);

	pid_t pid = fork();
	if (pid == 0) {
		CHECK_SYS(shmctl(id, IPC_STAT, &ds));
		if (ds.shm_nattch != 2 || p[100] != 1)
			_exit(2);
		p[200] = 7;
		CHECK_SYS(shmdt(p));
		_exit(0);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's view of nattch");
	CHECK(p[200] == 7, "child's write not shared");
	CHECK_SYS(shmctl(id, IPC_STAT, &ds));
	CHECK(ds.shm_nattch == 1 && ds.shm_lpid == pid && ds.shm_atime > 0 &&
		  ds.shm_dtime > 0,
	      "after the child: nattch %lu lpid %d",
	      (unsigned long)ds.shm_nattch, ds.shm_lpid);

	ds.shm_perm.mode = 0640;
	CHECK_SYS(shmctl(id, IPC_SET, &ds));
	CHECK_SYS(shmctl(id, IPC_STAT, &ds));
	CHECK((ds.shm_perm.mode & 0777) == 0640, "IPC_SET mode %o",
	      ds.shm_perm.mode);
	CHECK_SYS(shmctl(id, SHM_LOCK, NULL));
	CHECK_SYS(shmctl(id, IPC_STAT, &ds));
	CHECK(ds.shm_perm.mode & SHM_LOCKED, "SHM_LOCK not in mode");
	CHECK_SYS(shmctl(id, SHM_UNLOCK, NULL));

	int max = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
	CHECK(max >= 0 && info.shmmni == 4096 && info.shmmin == 1 &&
		  info.shmmax == 0xfeffffffu,
	      "IPC_INFO: %d, mni %lu", max, (unsigned long)info.shmmni);
	CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo) >= 0 &&
		  sinfo.used_ids >= 1,
	      "SHM_INFO");
	int found = 0;
	for (int i = 0; i <= max; i++)
		if (shmctl(i, SHM_STAT, &ds) == id)
			found = 1;
	CHECK(found, "SHM_STAT found no index for id %d", id);

	char text[8192];
	int fd = open("/proc/sysvipc/shm", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, text, sizeof text - 1);
		char want[32];
		text[n > 0 ? n : 0] = 0;
		snprintf(want, sizeof want, " %10d ", id);
		CHECK(strstr(text, "shmid perms") && strstr(text, want),
		      "/proc/sysvipc/shm lacks id %d", id);
		close(fd);
	}

	expect_ok(as_nobody, NULL, "another uid's permissions");
	CHECK_ERR(shmdt(p + PAGE), EINVAL);

	/* Removed while attached: still usable until the detach. */
	CHECK_SYS(shmctl(id, IPC_RMID, NULL));
	CHECK(p[200] == 7, "memory lost at IPC_RMID");
	CHECK_SYS(shmctl(id, IPC_STAT, &ds));
	CHECK(ds.shm_perm.mode & SHM_DEST, "SHM_DEST not set");
	CHECK_SYS(shmdt(p));
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
	id = -1;
	if (before >= 0)
		CHECK(meminfo("Shmem:") <= before, "Shmem %ld kB after removal",
		      meminfo("Shmem:"));
	return 0;
}
