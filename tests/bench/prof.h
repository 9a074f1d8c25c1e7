/*
 * prof.h - the marks scripts/profile-guest.sh profiles between: a
 * benchmark program calls prof_begin() and prof_end() around the stretch
 * to profile, and the profiler finds these functions' addresses in the
 * unstripped program. Include it in one file of a program.
 */
#ifndef TESTS_BENCH_PROF_H
#define TESTS_BENCH_PROF_H

#define PROF_MARK(name)                           \
	__attribute__((noinline)) void name(void) \
	{                                         \
		__asm__ volatile("");             \
	}
PROF_MARK(prof_begin)
PROF_MARK(prof_end)

#endif
