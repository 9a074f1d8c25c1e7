#!/bin/bash
# test-faults.sh - `make test-faults`: the in-guest suite under allocation-
# failure injection (boot options failpage= and failslab=, mm/fail.c).
# Tests may fail with the injected ENOMEM; a boot passes when the kernel
# did not panic or hang, the runner finished, no test leaked a page (the
# runner's count after each test) and the sanity checker, run after every
# test, never failed. One "PASS faults/OPTION" or "FAIL faults/OPTION: why"
# line per boot, then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel.elf
LOG=$BUILD/test-logs/faults
mkdir -p "$LOG"
passed=0 failed=0
OPTIONS=${FAULT_OPTIONS:-"failpage=rand:1:1 failslab=rand:2:1 failpage=499 failslab=997 failpage=rand:3:1,failslab=rand:4:1"}

# The FAIL lines of a runner log that show a page count changed by a test.
leak_lines() {
	local line before after
	grep -E '^FAIL .*(leaked [0-9]+ pages|more free pages|free pages [0-9]+ before, [0-9]+ after)' "$1" |
	while IFS= read -r line; do
		if [[ $line =~ free\ pages\ ([0-9]+)\ before,\ ([0-9]+)\ after ]]; then
			before=${BASH_REMATCH[1]} after=${BASH_REMATCH[2]}
			[ "$before" = "$after" ] && continue
		fi
		echo "$line"
	done
}

scripts/fetch-busybox.sh
scripts/mkinitrd.sh "$BUILD/initrd.cpio" > "$LOG/build.txt" 2>&1 || {
	echo "FAIL faults/build: scripts/mkinitrd.sh failed"
	echo "0 passed, 1 failed"
	exit 1
}

for opt in $OPTIONS; do
	cmd=${opt//,/ }
	name=${opt//[:,=]/_}
	out=$LOG/$name.txt
	INITRD=$BUILD/initrd.cpio timeout 900 scripts/qemu.sh kernel "$KERNEL" \
		"init=/sbin/guest-runner $cmd" < /dev/null 2>&1 | tr -d '\r' > "$out"
	summary=$(grep -E '^guest: [0-9]+ passed' "$out" | tail -n 1)
	leaks=$(leak_lines "$out")
	why=""
	if grep -q 'Kernel panic' "$out"; then
		why="kernel panic: $(grep -m1 'Kernel panic' "$out")"
	elif [ -z "$summary" ]; then
		why="no runner summary (hang or crash; last test: $(grep -E '^== guest/' "$out" | tail -n1))"
	elif [ -n "$leaks" ]; then
		why="leak: $(echo "$leaks" | head -n1)"
	elif grep -q 'sanity check did not run\|sanity check not run' "$out"; then
		why="the sanity check could not run"
	fi
	if [ -z "$why" ]; then
		echo "PASS faults/$opt ($summary)"
		passed=$((passed + 1))
	else
		echo "FAIL faults/$opt: $why"
		tail -n 20 "$out" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
