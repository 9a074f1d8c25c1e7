/*
 * coredump.h - core files for signals whose default action dumps core
 * (kernel/coredump.c).
 */
#ifndef KERNEL_COREDUMP_H
#define KERNEL_COREDUMP_H

#include <kernel/types.h>

struct trapframe;

/* Does sig's default action dump core (SIGQUIT, SIGSEGV, ...)? */
bool core_signal(int sig);
/* Write "core" for current, killed by sig with user registers tf: true
 * when the whole file was written (the wait status's WCOREDUMP bit). */
bool core_dump(int sig, const struct trapframe *tf);

#endif
