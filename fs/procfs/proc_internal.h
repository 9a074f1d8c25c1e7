/*
 * proc_internal.h - what the files of fs/procfs/ share: the text buffer
 * a file's contents are generated into (one page, always NUL-terminated,
 * silently cut at the end of the page).
 */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include <kernel/types.h>

struct text {
	char *buf;
	size_t len, cap;
};

/* Append printk-formatted text. */
void text_add(struct text *t, const char *fmt, ...);

/* fs/procfs/proc_system.c: the files about the whole system. */
void gen_cpuinfo(struct text *t);
void gen_loadavg(struct text *t);
void gen_version(struct text *t);
void gen_sysstat(struct text *t);
/* /proc/sys/kernel/: pid_max, tainted, osrelease, ostype, hostname. */
void gen_pid_max(struct text *t);
void gen_tainted(struct text *t);
void gen_osrelease(struct text *t);
void gen_ostype(struct text *t);
void gen_hostname(struct text *t);
/* Writes to pid_max and hostname: n or -errno. */
long proc_write_pid_max(const char *s, size_t n);
long proc_write_hostname(const char *s, size_t n);
long proc_write_core_pattern(const char *s, size_t n);

/* fs/procfs/proc_text.c: r's line of /proc/PID/maps (p's). */
struct region;
struct proc;
void proc_maps_line(struct text *t, const struct region *r,
		    const struct proc *p);

/* fs/procfs/proc_smaps.c: bytes [off, off + n) of p's smaps (rollup:
 * smaps_rollup) or pagemap into buf: the count, 0 at the end, -ENOENT
 * (the process is gone), pagemap's -EINVAL (off or n not a multiple of
 * 8) and -EACCES (another user's process). */
long proc_smaps_read(int pid, bool rollup, void *buf, size_t n, uint64_t off);
long proc_pagemap_read(int pid, void *buf, size_t n, uint64_t off);

/* fs/procfs/proc_links.c: the links of a process directory. readlink of
 * kind (fd: which descriptor, for PL_FD) of process pid into buf (not
 * NUL-ended, cut at size): the length or -errno. */
enum proc_link { PL_EXE, PL_CWD, PL_ROOT, PL_FD };
long proc_link_read(int pid, enum proc_link kind, int fd, char *buf,
		    size_t size);

#endif
