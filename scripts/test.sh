#!/bin/bash
# test.sh - everything behind `make test`: host unit tests, in-kernel tests,
# negative (panic) tests, a GRUB ISO boot, GDB sessions (the helpers of
# scripts/gdb/ in scripts/gdb-test.sh), the in-guest
# tests, 20,000 calls of the system call fuzzer and LTP's smoke set
# (scripts/ltp-smoke.sh). Every result
# is one "PASS name" or "FAIL name: why" line; the last line is
# "N passed, N failed" and the exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel.elf
LOG=$BUILD/test-logs
mkdir -p "$LOG"
passed=0 failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# Count PASS/FAIL lines of a sub-suite's output and echo them.
collect() { # collect FILE
	while IFS= read -r line; do
		case "$line" in
		"PASS "*) echo "$line"; passed=$((passed + 1)) ;;
		"FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
		esac
	done < "$1"
}

show_tail() { tail -n 25 "$1" | sed 's/^/    | /'; }

host_tests() {
	HOST_QUIET=1 "$BUILD/host-tests" > "$LOG/host.txt" 2>&1
	local rc=$?
	collect "$LOG/host.txt"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$LOG/host.txt"; then
		fail host/runner "exit status $rc"
		show_tail "$LOG/host.txt"
	fi
}

kernel_tests() {
	timeout 300 scripts/qemu.sh kernel "$KERNEL" "test=all" > "$LOG/kernel.txt" 2>&1
	local rc=$?
	collect "$LOG/kernel.txt"
	if grep -q 'Kernel panic' "$LOG/kernel.txt"; then
		fail kernel/panic "$(grep -m1 'Kernel panic' "$LOG/kernel.txt")"
		show_tail "$LOG/kernel.txt"
	elif ! grep -q '^kernel: [0-9]* passed, 0 failed' "$LOG/kernel.txt" || [ $rc -ne 1 ]; then
		fail kernel/run "exit status $rc, no clean summary"
		show_tail "$LOG/kernel.txt"
	fi
}

# expect_crash NAME CMD PATTERN... : the panic output must match every pattern
expect_crash() {
	local name=$1 crash=$2; shift 2
	local out="$LOG/crash-$crash.txt"
	timeout 60 scripts/qemu.sh kernel "$KERNEL" "crash=$crash" > "$out" 2>&1
	for pat in "$@"; do
		if ! grep -q -- "$pat" "$out"; then
			fail "panic/$name" "output lacks '$pat'"
			show_tail "$out"
			return
		fi
	done
	pass "panic/$name"
}

panic_tests() {
	expect_crash page-fault pf 'Exception 14 (page fault)' \
		'CR2 (fault address) = dead0000' 'EIP = .* crash_page_fault+' \
		'Kernel panic: page fault at dead0000' '\] crash_page_fault+' \
		'\] kernel_run+'
	expect_crash divide-error div 'Exception 0 (divide error)' \
		'EIP = .* crash_divide+' 'Kernel panic: unhandled exception 0' \
		'\] crash_divide+'
	expect_crash slab-write-outside-use slab 'Exception 14 (page fault)' \
		'protection, write, kernel' 'outside USE()' 'slab object' \
		'\] crash_slab_write+'
	expect_crash sanity-double-claim sanity \
		'crash test second owner' 'already .*crash test owner' \
		'\] mm_sanity_check+'
}

# boot_until NAME PATTERN SECONDS CMD... : pass when PATTERN appears in the output
boot_until() {
	local name=$1 pat=$2 secs=$3; shift 3
	local out="$LOG/$name.txt"
	"$@" > "$out" 2>&1 &
	local pid=$! i=0
	while [ $i -lt $((secs * 5)) ]; do
		if grep -q -- "$pat" "$out"; then
			kill $pid 2>/dev/null; wait $pid 2>/dev/null
			pass "boot/$name"
			return
		fi
		kill -0 $pid 2>/dev/null || break
		sleep 0.2; i=$((i + 1))
	done
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	fail "boot/$name" "no '$pat' within ${secs}s"
	show_tail "$out"
}

iso_test() {
	# The memory counters come after the whole memory map.
	boot_until iso-banner 'Memory: .* KiB total' 60 \
		timeout 70 scripts/qemu.sh iso "$BUILD/os.iso"
	if grep -q 'Boot loader: GRUB' "$LOG/iso-banner.txt" &&
	   grep -q 'available' "$LOG/iso-banner.txt"; then
		pass boot/iso-memory-map
	else
		fail boot/iso-memory-map "no GRUB loader name or memory map"
	fi
}

gdb_test() {
	local out="$LOG/gdb.txt" port=$((20000 + $$ % 10000))
	timeout 60 scripts/qemu.sh kernel "$KERNEL" "" -S -gdb tcp::$port \
		> "$LOG/gdb-qemu.txt" 2>&1 &
	local qpid=$!
	sleep 0.5
	timeout 60 gdb -q -batch -nx \
		-ex 'set architecture i386' -ex "file $KERNEL" \
		-ex "target remote :$port" -ex 'break kmain' -ex 'continue' \
		-ex 'bt' -ex 'print/x magic' -ex 'info line *$pc' -ex 'kill' \
		> "$out" 2>&1
	kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
	if grep -q 'kmain (magic=' "$out" && grep -q '= 0x2badb002' "$out" &&
	   grep -q 'main.c' "$out"; then
		pass gdb/break-kmain
	else
		fail gdb/break-kmain "no kmain frame, magic or source line"
		show_tail "$out"
	fi
	# The helpers of scripts/gdb/ against a known state, and the stop at
	# a panic under .gdbinit.
	scripts/gdb-test.sh > "$LOG/gdb-summary.txt" 2>&1
	collect "$LOG/gdb-summary.txt"
	if ! grep -q '^PASS gdb/panic-stop' "$LOG/gdb-summary.txt" &&
	   ! grep -q '^FAIL ' "$LOG/gdb-summary.txt"; then
		fail gdb/helpers "scripts/gdb-test.sh gave no result"
		show_tail "$LOG/gdb-summary.txt"
	fi
}

echo "== format"
scripts/format-check.sh > "$LOG/format.txt" 2>&1
collect "$LOG/format.txt"
echo "== host unit tests"
host_tests
echo "== in-kernel tests"
kernel_tests
echo "== panic tests"
panic_tests
echo "== boot and debug"
boot_until kernel-banner 'Boot complete' 30 \
	timeout 40 scripts/qemu.sh kernel "$KERNEL" ""
iso_test
gdb_test
echo "== console"
scripts/console-test.sh > "$LOG/console-summary.txt" 2>&1
collect "$LOG/console-summary.txt"
if [ -x scripts/guest-test.sh ]; then
	echo "== in-guest tests"
	scripts/guest-test.sh > "$LOG/guest-summary.txt" 2>&1
	collect "$LOG/guest-summary.txt"
fi
if [ -x scripts/fuzz.sh ]; then
	# The system call fuzzer: 20,000 calls with a fixed seed (about 40 s
	# under TCG). make fuzz runs longer ones.
	echo "== fuzz"
	scripts/fuzz.sh -s 1 -n 20000 > "$LOG/fuzz-summary.txt" 2>&1
	collect "$LOG/fuzz-summary.txt"
	if ! grep -q '^PASS ' "$LOG/fuzz-summary.txt"; then
		grep -q '^FAIL ' "$LOG/fuzz-summary.txt" ||
			fail fuzz/20000 "no result from scripts/fuzz.sh"
		show_tail "$LOG/fuzz-summary.txt"
	fi
fi
# About 30 of LTP's tests that pass on Linux (skipped when ../shared/ltp
# is absent; the first run builds them).
echo "== LTP smoke"
scripts/ltp-smoke.sh > "$LOG/ltp-smoke-summary.txt" 2>&1 ||
	grep -q '^FAIL ' "$LOG/ltp-smoke-summary.txt" ||
	fail ltp-smoke "scripts/ltp-smoke.sh failed without a result"
collect "$LOG/ltp-smoke-summary.txt"
grep -a '^ltp-smoke: skipped' "$LOG/ltp-smoke-summary.txt" || true
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
