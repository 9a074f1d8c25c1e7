/* clock_realtime - the wall clock comes from the real-time clock: time(),
 * gettimeofday() and clock_gettime(CLOCK_REALTIME) give today's date (after
 * 2024), agree with each other, and advance; CLOCK_MONOTONIC counts from
 * boot; an absolute CLOCK_REALTIME sleep 50 ms ahead ends after about that
 * long, not never. */
#include <sys/time.h>
#include "guest.h"

#define Y2024 1704067200L

int main(void)
{
	time_t t = time(NULL);
	CHECK(t > Y2024, "time() = %ld: no wall clock", (long)t);
	struct timeval tv;
	CHECK_SYS(gettimeofday(&tv, NULL));
	CHECK(tv.tv_sec >= t && tv.tv_sec - t < 5, "gettimeofday %ld vs %ld",
	      (long)tv.tv_sec, (long)t);
	struct timespec rt, mono;
	CHECK_SYS(clock_gettime(CLOCK_REALTIME, &rt));
	CHECK(rt.tv_sec >= t && rt.tv_sec - t < 5, "CLOCK_REALTIME %ld",
	      (long)rt.tv_sec);
	CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &mono));
	CHECK(mono.tv_sec < Y2024, "CLOCK_MONOTONIC looks like a date");
	struct timespec until = rt;
	until.tv_nsec += 50000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	int e = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL);
	CHECK(e == 0, "absolute sleep failed: %s", strerror(e));
	struct timespec after;
	CHECK_SYS(clock_gettime(CLOCK_REALTIME, &after));
	long ms = (after.tv_sec - rt.tv_sec) * 1000 +
		  (after.tv_nsec - rt.tv_nsec) / 1000000;
	CHECK(ms >= 40 && ms < 2000, "absolute 50 ms sleep took %ld ms", ms);
	return 0;
}
