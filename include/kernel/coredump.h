/*
 * coredump.h - core files for signals whose default action dumps core
 * (kernel/coredump.c).
 */
#ifndef KERNEL_COREDUMP_H
#define KERNEL_COREDUMP_H

#include <kernel/types.h>

struct trapframe;

/* /proc/sys/kernel/core_pattern: the core file's name, with Linux's %
 * tokens (%p %P pid, %i tid, %u uid, %g gid, %s signal, %t time, %e
 * name, %h host, %%); a '|' pipe pattern dumps nothing here. */
#define CORE_PATTERN_MAX 128
extern char core_pattern[CORE_PATTERN_MAX];
/* Default /proc/PID/coredump_filter: anonymous private and shared
 * memory, ELF headers, private huge pages (Linux's 0x33). */
#define COREDUMP_FILTER_DEFAULT 0x33u

/* Does sig's default action dump core (SIGQUIT, SIGSEGV, ...)? */
bool core_signal(int sig);
/* Write "core" for current, killed by sig with user registers tf: true
 * when the whole file was written (the wait status's WCOREDUMP bit). */
bool core_dump(int sig, const struct trapframe *tf);

#endif
