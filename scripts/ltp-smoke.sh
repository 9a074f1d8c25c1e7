#!/bin/bash
# ltp-smoke.sh - a quick LTP check (make ltp-smoke): about 30 of LTP's
# system call tests that pass on Linux, chosen from several directories,
# built and run through scripts/ltp.sh; fails unless every one passes.
# One line per test ("PASS ltp-smoke/NAME" or "FAIL ...: result"), which
# make test counts. Skipped (status 0, with a message) when $LTP_SRC is
# absent. The first run builds LTP's library and those directories
# (about 10 minutes here); later runs reuse the build.
#
# Environment: LTP_SRC (default ../shared/ltp), BUILD (default build).
set -eu
cd "$(dirname "$0")/.."
LTP_SRC=${LTP_SRC:-../shared/ltp}
BUILD=${BUILD:-build}
if [ ! -f "$LTP_SRC/ltp-subset.tar.xz" ]; then
	echo "ltp-smoke: skipped: no LTP tree at $LTP_SRC"
	exit 0
fi

# NAME:DIR for each test; all pass on Linux (linux-results.txt) and on
# the kernel of branch shmfutex (docs/compat.md).
SMOKE="
alarm02:alarm brk01:brk chdir04:chdir chmod01:chmod creat01:creat
dup01:dup exit01:exit fcntl01:fcntl fork01:fork ftruncate01:ftruncate
getcwd01:getcwd getrlimit01:getrlimit getrusage01:getrusage
getuid01:getuid kill02:kill link02:link lseek01:lseek
open01:open pause01:pause pipe01:pipe pipe04:pipe pread01:pread
pwrite01:pwrite read01:read rmdir01:rmdir sigaction01:sigaction
signal01:signal sigprocmask01:sigprocmask sysinfo02:sysinfo
uname01:uname unlink05:unlink wait401:wait4 write01:write writev07:writev
"

tests="" dirs=""
for t in $SMOKE; do
	tests="$tests ${t%%:*}"
	case " $dirs " in *" ${t#*:} "*) ;; *) dirs="$dirs ${t#*:}" ;; esac
done
rc=0
mkdir -p "$BUILD/ltp-smoke"
LTP_TESTS=$tests LTP_DIRS=$dirs LTP_RESULTS= LTP_TIMEOUT=${LTP_TIMEOUT:-60} \
	LTP_RUN_DIR=$BUILD/ltp-smoke scripts/ltp.sh > "$BUILD/ltp-smoke/run.out" 2>&1 || rc=$?
grep -a '^ltp: [0-9]* tests' "$BUILD/ltp-smoke/run.out" || true
results=$BUILD/ltp-smoke/results.txt
bad=0
for t in $tests; do
	r=$(awk -v t="$t" '$1 == t { print $2 }' "$results" 2>/dev/null)
	if [ "$r" != pass ]; then
		echo "FAIL ltp-smoke/$t: ${r:-no result}"
		bad=$((bad + 1))
	else
		echo "PASS ltp-smoke/$t"
	fi
done
if [ $rc -ne 0 ] || [ $bad -ne 0 ]; then
	echo "ltp-smoke: FAIL ($bad of the smoke tests did not pass; log $BUILD/ltp-smoke/run.out)"
	exit 1
fi
echo "ltp-smoke: all $(echo $tests | wc -w) passed"
