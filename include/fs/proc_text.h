/*
 * proc_text.h - the text of /proc's files (fs/procfs/proc_text.c),
 * generated on each read from the state of the moment.
 */
#ifndef FS_PROC_TEXT_H
#define FS_PROC_TEXT_H

#include <kernel/types.h>

enum proc_text {
	PT_NONE,
	PT_MEMINFO,
	PT_MOUNTS,
	PT_UPTIME,
	PT_FILESYSTEMS,
	PT_MAPS,	/* of a process */
	PT_STAT,	/* of a process */
	PT_STATUS,	/* of a process */
	PT_CMDLINE,	/* of a process: its argument strings */
	PT_BCACHE,	/* /proc/fs/bcache: the block cache's counters */
	PT_DROP_CACHES, /* /proc/sys/vm/drop_caches: written, reads empty */
	PT_CPUINFO,	/* /proc/cpuinfo: the one CPU as CPUID names it */
	PT_SYSVIPC_SHM, /* /proc/sysvipc/shm: the SysV shm segments */
	PT_SHMALL,	/* /proc/sys/kernel/shm*: the SysV shm limits */
	PT_SHMMAX,
	PT_SHMMNI,
	PT_PIPE_MAX_SIZE,    /* /proc/sys/fs/pipe-max-size */
	PT_LEASE_BREAK_TIME, /* /proc/sys/fs/lease-break-time */
	PT_LOADAVG,
	PT_VERSION,
	PT_SYSSTAT, /* /proc/stat */
	PT_PID_MAX, /* /proc/sys/kernel/pid_max: root writes it */
	PT_TAINTED,
	PT_OSRELEASE,
	PT_OSTYPE,
	PT_HOSTNAME,	    /* /proc/sys/kernel/hostname: root writes it */
	PT_COMM,	    /* of a process: its name; it may write its own */
	PT_TIMERSLACK,	    /* of a process: itself or root writes it */
	PT_ENVIRON,	    /* of a process: its environment strings */
	PT_SHM_NEXT_ID,	    /* /proc/sys/kernel/shm_next_id */
	PT_MAX_MAP_COUNT,   /* /proc/sys/vm/max_map_count */
	PT_PIPE_USER_SOFT,  /* /proc/sys/fs/pipe-user-pages-soft */
	PT_PIPE_USER_HARD,  /* /proc/sys/fs/pipe-user-pages-hard */
	PT_CORE_PATTERN,    /* /proc/sys/kernel/core_pattern: root writes it */
	PT_COREDUMP_FILTER, /* of a process: itself or root writes it */
};

/* The integer settings of /proc/sys: is kind one, its value now, and
 * setting it from written text (-EINVAL unless a number in range). */
bool proc_knob(enum proc_text kind);
int64_t proc_knob_get(enum proc_text kind);
long proc_knob_write(enum proc_text kind, const char *buf, size_t n);

/* A write to a writable file of kind: n or -errno (-EACCES for the
 * others). */
long proc_text_write(enum proc_text kind, int pid, const char *s, size_t n);

/* Bytes [off, off + n) of the text of kind (of process pid) into buf:
 * the count, 0 at the end, -ENOENT if the process is gone. */
long proc_text_read(enum proc_text kind, int pid, void *buf, size_t n,
		    uint64_t off);

#endif
