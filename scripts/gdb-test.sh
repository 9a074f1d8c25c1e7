#!/bin/bash
# gdb-test.sh - the GDB helpers (scripts/gdb/) against a known state; run
# by scripts/test.sh. One "PASS gdb/NAME" or "FAIL gdb/NAME: why" line per
# helper.
#
# Boot 1 (the state): the kernel halted under QEMU's GDB stub (-S) on a
# free port, init=/sbin/guest-runner with an initrd holding only
# tests/guest/gdb_state. GDB (-batch, no init files) sources
# scripts/gdb/vmkernel.py, stops at sys_getppid, which only gdb_state's
# child calls, after it mapped its regions and yielded its block (the
# state is described in tests/guest/gdb_state.c), and runs every helper.
# The output is checked against that state.
#
# Boot 2 (the panic stop): crash=pf under the repository's .gdbinit, as
# make debug runs it: GDB must stop at the panic breakpoint.
#
# Logs: $BUILD/test-logs/gdb-helpers.txt, gdb-panic.txt (and -qemu.txt).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel.elf
LOG=$BUILD/test-logs
INITRD=$BUILD/initrd-gdb.cpio
mkdir -p "$LOG"

pass() { echo "PASS gdb/$1"; }
fail() { echo "FAIL gdb/$1: $2"; }
show_tail() { tail -n 25 "$1" | sed 's/^/    | /'; }

# The state of tests/guest/gdb_state.c.
MAGIC=0x600d57a7
BLOCK=0x6db0001

# start_qemu OUT CMDLINE: QEMU halted with its stub on a free port; sets
# qpid and port. QEMU exits at once when the port is taken: try another.
start_qemu() {
	local out=$1 cmdline=$2 try
	for try in 0 1 2 3 4 5 6 7; do
		port=$((30000 + ($$ * 7 + try * 101 + RANDOM % 50) % 20000))
		INITRD=$INITRD timeout 300 scripts/qemu.sh kernel "$KERNEL" \
			"$cmdline" -S -gdb tcp::$port < /dev/null > "$out" 2>&1 &
		qpid=$!
		sleep 0.5
		kill -0 $qpid 2>/dev/null && return 0
		wait $qpid 2>/dev/null
	done
	return 1
}

stop_qemu() {
	kill $qpid 2>/dev/null
	wait $qpid 2>/dev/null
}

if ! scripts/mkinitrd.sh --tests gdb_state "$INITRD" > "$LOG/gdb-build.txt" 2>&1; then
	fail build "scripts/mkinitrd.sh --tests gdb_state failed"
	show_tail "$LOG/gdb-build.txt"
	exit 1
fi

# ---- boot 1: every helper at the known state ----
out=$LOG/gdb-helpers.txt
if ! start_qemu "$LOG/gdb-helpers-qemu.txt" "init=/sbin/guest-runner"; then
	fail boot "QEMU did not start (no free port?)"
	show_tail "$LOG/gdb-helpers-qemu.txt"
	exit 1
fi
# Section markers "=== NAME" split the output. check-magic reads the
# first word of the physical page vm-pte names, through the direct map.
timeout 240 gdb -q -batch -nx \
	-ex 'set architecture i386' -ex "file $KERNEL" \
	-ex 'source scripts/gdb/vmkernel.py' \
	-ex "target remote :$port" -ex 'break sys_getppid' -ex 'continue' \
	-ex 'echo === pid\n' -ex 'print current->pid' -ex 'print current->ppid' \
	-ex 'echo === vm-ps\n' -ex 'vm-ps' \
	-ex 'echo === vm-regions\n' -ex 'vm-regions' \
	-ex 'echo === vm-regions-parent\n' -ex 'vm-regions current->ppid' \
	-ex 'echo === vm-pte-rw\n' -ex 'vm-pte 0x30000000' \
	-ex 'python import re; t = gdb.execute("vm-pte 0x30000000", to_string=True); pa = int(re.search(r"physical (0x[0-9a-f]+)", t).group(1), 16); base = int(gdb.parse_and_eval("(long long)DEBUG_KERNEL_BASE")); w = int(gdb.parse_and_eval("*(unsigned int *)%d" % (pa + base))); print("word at physical %#x: %#x" % (pa, w))' \
	-ex 'echo === vm-pte-ro\n' -ex 'vm-pte 0x30011000' \
	-ex 'echo === vm-pte-untouched\n' -ex 'vm-pte 0x30010000' \
	-ex 'echo === vm-pte-kstack\n' -ex 'vm-pte $esp' \
	-ex 'echo === vm-phys\n' -ex 'vm-phys' \
	-ex 'echo === vm-slab\n' -ex 'vm-slab' \
	-ex 'echo === vm-cache\n' -ex 'vm-cache' \
	-ex 'echo === vm-log\n' -ex 'vm-log' \
	-ex 'echo === vm-sanity\n' -ex 'vm-sanity' \
	-ex 'echo === vm-memmap\n' -ex "vm-memmap $LOG/gdb-memmap.png" \
	-ex 'echo === end\n' -ex 'kill' > "$out" 2>&1
stop_qemu

# section NAME: the lines of one section of the output.
section() {
	sed -n "/^=== $1\$/,/^=== /p" "$out" | sed '1d;$d'
}

# check NAME FAILMSG PATTERN...: every extended regex must match a line of
# section NAME.
check() {
	local name=$1 why=$2 pat
	shift 2
	for pat in "$@"; do
		if ! section "$name" | grep -Eq -- "$pat"; then
			fail "$name" "$why: no line matches '$pat'"
			section "$name" | head -n 30 | sed 's/^/    | /'
			return 1
		fi
	done
	pass "$name"
}

if ! grep -q '^Breakpoint 1, sys_getppid' "$out"; then
	fail boot "GDB did not stop in sys_getppid"
	show_tail "$out"
	exit 1
fi
child=$(section pid | sed -n 's/^\$1 = //p')
parent=$(section pid | sed -n 's/^\$2 = //p')

check vm-ps "the child, its parent and its cached block" \
	"^\* +$child +$parent runnable +gdb_state +0x[0-9a-f]+ +[0-9]+ +1 blocks, 8 pages$" \
	"^  +$parent +[0-9]+ (runnable|sleeping) +gdb_state " \
	"^  +1 +0 (sleeping|runnable) +guest-runner "

check vm-regions "the four regions of gdb_state's child" \
	"^pid $child \(gdb_state\)" \
	'^0x30000000 0x30004000 rw-  anonymous  private +2 *$' \
	'^0x30010000 0x30012000 r--  anonymous  private +1 *$' \
	'^0x30020000 0x30023000 rw-  shared     shared +3 *$' \
	'^0x30030000 0x30038000 rw-  anonymous  private +0 *$' \
	'^0x[0-9a-f]+ 0xc0000000 rw-  anonymous  private +[0-9]+  growsdown'
if section vm-regions-parent | grep -q '^0x300'; then
	fail vm-regions-parent "the parent has the child's regions"
	section vm-regions-parent | sed 's/^/    | /'
else
	check vm-regions-parent "the parent's own regions" "^pid $parent \(gdb_state\)" \
		'^0x08048000 '
fi

check vm-pte-rw "a written page: present, user, writable, dirty, its region" \
	'^PDE\[192\] = 0x[0-9a-f]+  P W U' \
	'^PTE\[0\] = 0x[0-9a-f]+  P W U A D$' \
	"^owner: user: pid $child \(gdb_state\) region \[0x30000000, 0x30004000\) anonymous rw- private, entry \+0x0, block 0x[0-9a-f]+ \(1 pages, 1 refs, cow\)$" \
	"^word at physical 0x[0-9a-f]+: $MAGIC$"
check vm-pte-ro "a read page of a read-only region" \
	'^PTE\[17\] = 0x[0-9a-f]+  P U A$' \
	"^owner: user: pid $child \(gdb_state\) region \[0x30010000, 0x30012000\) anonymous r-- private, entry \+0x1000"
check vm-pte-untouched "an untouched page" '^not mapped$' \
	'^in region \[0x30010000, 0x30012000\) r-- anonymous'
check vm-pte-kstack "the kernel stack" \
	'^PDE\[[0-9]+\] = 0x[0-9a-f]+  P W A D PS G$' \
	"^owner: process: pid $child \(gdb_state\) struct proc and kernel stack$"

check vm-phys "free ranges and counters that add up" \
	'^  0x[0-9a-f]{8} 0x[0-9a-f]{8} +[0-9]+$' \
	'^pages: total [0-9]+, free [0-9]+, kernel [0-9]+, user [0-9]+, cached [0-9]+$' \
	'^free \+ kernel \+ user \+ cached = [0-9]+: ok, equals total$' \
	'^free ranges hold [0-9]+ pages: ok$'
cached=$(section vm-phys | sed -n 's/^pages: .*cached \([0-9]*\)$/\1/p')
if [ "${cached:-0}" -lt 8 ]; then
	fail vm-phys-cached "cached is '$cached', the yielded block has 8 pages"
fi

# Classes 16..2048 and totals that agree with the allocator's counters.
check vm-slab "eight classes and totals that agree" \
	'^ +0 +16 ' '^ +7 +2048 ' \
	'^total: ([0-9]+) pages, ([0-9]+) objects \(allocator counts: \1 pages, \2 objects\)$'

check vm-cache "the yielded block, its owner and the counters" \
	"^ +0 +[0-9]+ pid $child \(gdb_state\) +$BLOCK +8$" \
	'^blocks 1, pages 8, yields 1, hits 0, misses 0, evictions 0'

check vm-log "the boot messages" '^Boot complete\.' \
	'^Starting /sbin/guest-runner as pid 1$' '^Memory: [0-9]+ KiB total'

# The checker counts exactly the pages not free.
total=$(section vm-phys | sed -n 's/^pages: total \([0-9]*\), free \([0-9]*\),.*/\1/p')
free=$(section vm-phys | sed -n 's/^pages: total \([0-9]*\), free \([0-9]*\),.*/\2/p')
check vm-sanity "the checker's count of pages in use (total - free)" \
	"^mm_sanity_check\(\) = $((${total:-0} - ${free:-0})): ok"

png=$LOG/gdb-memmap.png
if check vm-memmap "the map's page counts" "^  cached +$cached " \
	"^  free +$free " > "$LOG/gdb-memmap-check.txt"; then
	if python3 - "$png" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", d[16:24])
assert w == 256 and h > 0
EOF
	then
		pass vm-memmap
	else
		fail vm-memmap "$png is not a 256-pixel-wide PNG"
	fi
else
	cat "$LOG/gdb-memmap-check.txt"
fi

# ---- boot 2: make debug's .gdbinit stops at a panic ----
out=$LOG/gdb-panic.txt
if ! start_qemu "$LOG/gdb-panic-qemu.txt" "crash=pf"; then
	fail panic-stop "QEMU did not start"
	exit 1
fi
GDBPORT=$port timeout 120 gdb -q -batch -nx \
	-iex 'set auto-load local-gdbinit off' -x .gdbinit \
	-ex continue -ex bt -ex 'vm-log 30' -ex kill "$KERNEL" > "$out" 2>&1
stop_qemu
if grep -q '^Breakpoint 2, kmain' "$out" &&
   grep -q '^Breakpoint 1, panic' "$out" &&
   grep -q 'crash_page_fault' "$out" &&
   grep -q 'CR2 (fault address) = dead0000' "$out"; then
	pass panic-stop
else
	fail panic-stop ".gdbinit did not stop at kmain, then at panic (with vm-log)"
	show_tail "$out"
fi
