# Makefile - builds the kernel, its GRUB ISO, the host unit tests and the
# benchmarks. `make help` lists the targets.

BUILD ?= build
SANITY ?= 1
QEMU ?= qemu-system-i386
MEM ?= 128

KCC := gcc
KCFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -nostdlib -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -mgeneral-regs-only -fno-strict-aliasing \
	-O2 -g -Wall -Wextra -Werror -Iinclude -DMM_SANITY=$(SANITY)
KLDFLAGS := -m elf_i386 -z noexecstack -z max-page-size=0x1000 -T linker.ld
LIBGCC := $(shell gcc -m32 -print-libgcc-file-name)

HCC := gcc
HCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -DHOST \
	-DMM_SANITY=1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HBFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -DHOST -DMM_SANITY=0 \
	-DHOST_MEM_BYTES=0x40000000u

# Code shared by kernel and host: the algorithms. The file system's
# kernel side (system calls, descriptor tables, pipes, /proc, /dev, boot
# mounts and writeback: fs/sys, fs/procfs, fs/devfs) needs processes and
# user memory, so it is built for the kernel only.
FS_KERNEL_SRC := $(wildcard fs/sys/*.c fs/procfs/*.c fs/devfs/*.c)
PORTABLE_SRC := $(filter-out $(FS_KERNEL_SRC),$(wildcard mm/*.c fs/*.c fs/*/*.c))
KERNEL_C := $(wildcard arch/x86/*.c kernel/*.c lib/*.c tests/kernel/*.c) \
	$(FS_KERNEL_SRC) $(PORTABLE_SRC)
KERNEL_ASM := $(wildcard boot/*.asm arch/x86/*.asm)
KOBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_C)) \
	$(patsubst %.asm,$(BUILD)/k/%.o,$(KERNEL_ASM))

HOST_SRC := $(PORTABLE_SRC) tests/host/host_hooks.c tests/host/host_printk.c
HOST_TESTS := $(filter-out tests/host/host_hooks.c tests/host/host_printk.c,$(wildcard tests/host/*.c))
BENCH_SRC := $(wildcard tests/bench/host_*.c)

KERNEL := $(BUILD)/kernel.elf
ISO := $(BUILD)/os.iso
INITRD := $(BUILD)/initrd.cpio
# make run: the first program (default /sbin/init on the disk root, /bin/sh
# on the archive), a directory copied over the archive (implies ROOT=initrd),
# the root disk image (default $(BUILD)/disk.img), ROOT=initrd for the
# in-memory root, and more kernel options. README has the table.
INIT ?=
INITRD_EXTRA ?=
DISK ?=
ROOT ?=
CMDLINE ?=
RUN_ENV = BUILD=$(BUILD) MEM=$(MEM) INIT=$(INIT) INITRD_EXTRA=$(INITRD_EXTRA) \
	DISK=$(DISK) ROOT=$(ROOT) CMDLINE="$(CMDLINE)"
GUEST_SRC := $(wildcard tests/guest/*.c tests/guest/*.h user/include/*.h include/uapi/*.h)

.PHONY: all kernel iso run disk-reset run-kernel debug debug-qemu gdb test test-faults bench bench-linux fuzz ltp ltp-smoke host-tests help clean deps format format-check FORCE

all: $(KERNEL) $(ISO) $(BUILD)/host-tests

help:
	@echo "Targets:"
	@echo "  all         build the kernel, the ISO and the host tests (default)"
	@echo "  kernel      build $(BUILD)/kernel.elf only"
	@echo "  iso         build the GRUB rescue ISO $(BUILD)/os.iso"
	@echo "  run         boot the ISO in QEMU on the serial console, root on the ext2"
	@echo "              disk $(BUILD)/disk.img (made on first use, kept, also by"
	@echo "              clean); exits with the first program's status. It boots"
	@echo "              the release kernel (build/release, SANITY=0); SANITY=1"
	@echo "              boots the checked one make test tests. Variables:"
	@echo "              DISK=img     boot from this ext2 image instead"
	@echo "              INIT=/path   first program (/sbin/init; /bin/sh on ROOT=initrd)"
	@echo "              ROOT=initrd  the in-memory root from the boot archive"
	@echo "              INITRD_EXTRA=dir  copied over the archive (implies ROOT=initrd)"
	@echo "              MEM=n        MiB of memory (default $(MEM))"
	@echo "              CMDLINE='..' more kernel options (bcache.size=, failpage= ...)"
	@echo "  disk-reset  make $(BUILD)/disk.img again from the boot tree"
	@echo "  run-kernel  boot with QEMU -kernel and the archive as root (faster)"
	@echo "  debug       boot what run boots, halted, and attach GDB with the"
	@echo "              helpers of scripts/gdb/ (serial: build/debug-serial.txt)"
	@echo "  debug-qemu  the same QEMU with the serial console here; then"
	@echo "  gdb         in another terminal attaches GDB (GDBPORT=$(GDBPORT))"
	@echo "  test        host unit tests, in-kernel tests, ISO, GDB and panic tests"
	@echo "  host-tests  only the host unit tests (ASan + UBSan)"
	@echo "  test-faults the in-guest suite under failpage=/failslab= injection"
	@echo "  bench       host micro-benchmarks and in-guest benchmarks (-icount)"
	@echo "  bench-linux the same guest benchmark program on ours and on Debian's"
	@echo "              i386 Linux (fetched into build/linux), one table (-icount)"
	@echo "  fuzz        system call fuzzer in the guest: SEED=n CALLS=n (default"
	@echo "              1000000), REPLAY=k VERBOSE=1 to replay child k (README)"
	@echo "  ltp         build LTP's syscall tests (LTP_SRC=$(LTP_SRC)) into"
	@echo "              $(BUILD)/ltp, boot them on an ext2 disk (512 MiB, hdb spare),"
	@echo "              compare with Linux's results. Variables: LTP_SRC=dir,"
	@echo "              LTP_DIRS=\"fork pipe ..\", LTP_RESULTS=file, LTP_TESTS=\"..\","
	@echo "              LTP_TIMEOUT=s per test (90)"
	@echo "  ltp-smoke   about 30 LTP tests that pass on Linux; fails if one does"
	@echo "              not pass here (skipped when LTP_SRC is absent)"
	@echo "  deps        install missing Debian packages (scripts/deps.sh)"
	@echo "  format      clang-format every C file"
	@echo "  format-check  list the C files clang-format would change (fails if any)"
	@echo "  clean       remove $(BUILD)/ but the root disk $(BUILD)/disk.img"

deps:
	@scripts/deps.sh

kernel: $(KERNEL)
iso: $(ISO)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	nasm -f elf32 -g -F dwarf $< -o $@

# Two links: the first finds the text symbols, which become a table linked
# into the second. The table sits after .text, so text addresses do not move.
$(BUILD)/ksyms0.c:
	@mkdir -p $(BUILD)
	scripts/gen-ksyms.sh /dev/null > $@

$(BUILD)/kernel.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.o linker.ld
	ld $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms0.o $(LIBGCC)

$(BUILD)/ksyms.c: $(BUILD)/kernel.pass1.elf scripts/gen-ksyms.sh
	scripts/gen-ksyms.sh $< > $@

$(BUILD)/%.o: $(BUILD)/%.c
	$(KCC) $(KCFLAGS) -c $< -o $@

$(KERNEL): $(KOBJS) $(BUILD)/ksyms.o linker.ld
	ld $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o $(LIBGCC)
	@scripts/check-ksyms.sh $(BUILD)/kernel.pass1.elf $@

$(INITRD): $(GUEST_SRC) scripts/mkinitrd.sh FORCE
	@scripts/fetch-busybox.sh
	@scripts/mkinitrd.sh $@ $(INITRD_EXTRA)

$(ISO): $(KERNEL) $(INITRD) boot/grub.cfg scripts/mkiso.sh
	scripts/mkiso.sh $(KERNEL) $@ $(INITRD) "root=initrd init=$(or $(INIT),/bin/sh)"

FORCE:

$(BUILD)/host-tests: $(HOST_SRC) $(HOST_TESTS) $(wildcard include/*/*.h include/*/*/*.h fs/*/*.h tests/*.h tests/host/*.h)
	@mkdir -p $(BUILD)
	$(HCC) $(HCFLAGS) -o $@ $(HOST_SRC) $(HOST_TESTS)

$(BUILD)/host-bench: $(HOST_SRC) $(BENCH_SRC) $(wildcard include/*/*.h include/*/*/*.h)
	@mkdir -p $(BUILD)
	$(HCC) $(HBFLAGS) -o $@ $(HOST_SRC) $(BENCH_SRC)

host-tests: $(BUILD)/host-tests
	$(BUILD)/host-tests

# make run boots the release kernel (SANITY=0, built in build/release/):
# the checked one is 2-4x slower on faults, fork and the yielded-block
# cache (docs/benchmarks.md). SANITY=1 on the command line boots the
# checked kernel of $(BUILD)/, the one make test tests.
RUN_SANITY := $(if $(filter command line,$(origin SANITY)),$(SANITY),0)
RUN_BUILD := $(if $(filter 0,$(RUN_SANITY)),build/release,$(BUILD))
run: deps-quiet $(INITRD)
	@$(MAKE) --no-print-directory BUILD=$(RUN_BUILD) SANITY=$(RUN_SANITY) kernel
	@$(RUN_ENV) KERNEL=$(RUN_BUILD)/kernel.elf scripts/run.sh

disk-reset: deps-quiet $(INITRD)
	rm -f $(BUILD)/disk.img
	scripts/mkdisk.sh $(BUILD)/initrd-root $(BUILD)/disk.img

run-kernel: deps-quiet $(KERNEL) $(INITRD)
	@echo "QEMU: the serial console is this terminal; Ctrl-A x leaves, Ctrl-A c is QEMU's monitor"
	$(QEMU) -m $(MEM) -display none -serial mon:stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel $(KERNEL) \
		-initrd $(INITRD) -append "root=initrd init=$(or $(INIT),/bin/sh) $(CMDLINE)"

# GDB sessions (scripts/debug.sh, README "Debugging with GDB"): the system
# make run boots, halted until GDB attaches on $(GDBPORT).
GDBPORT ?= 1234
DEBUG_ENV = MEM=$(MEM) INIT=$(or $(INIT),/bin/sh) CMDLINE="$(CMDLINE)" GDBPORT=$(GDBPORT)
debug: deps-quiet $(KERNEL) $(INITRD)
	@$(DEBUG_ENV) scripts/debug.sh both $(KERNEL) $(INITRD)

debug-qemu: deps-quiet $(KERNEL) $(INITRD)
	@$(DEBUG_ENV) scripts/debug.sh qemu $(KERNEL) $(INITRD)

gdb: $(KERNEL)
	@$(DEBUG_ENV) scripts/debug.sh gdb $(KERNEL)

test: deps-quiet
	@$(MAKE) --no-print-directory all
	@scripts/test.sh

test-faults: deps-quiet
	@$(MAKE) --no-print-directory kernel
	@scripts/test-faults.sh

bench: deps-quiet $(BUILD)/host-bench
	@$(MAKE) --no-print-directory BUILD=build/bench SANITY=0 kernel
	@scripts/bench.sh

# One benchmark program on ours and on Debian's i386 Linux under -icount
# (tests/bench/guest_bench.c, scripts/bench-linux.sh, docs/benchmarks.md).
# BENCH_SANITY=1: ours is the checked kernel (SANITY=1, in build/bench-checked).
BENCH_SANITY ?= 0
BENCH_BUILD := build/bench$(if $(filter 1,$(BENCH_SANITY)),-checked)
bench-linux: deps-quiet
	@$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) SANITY=$(BENCH_SANITY) kernel
	@KERNEL=$(BENCH_BUILD)/kernel.elf scripts/bench-linux.sh

# The system call fuzzer (tests/fuzz/, scripts/fuzz.sh).
CALLS ?= 1000000
BATCH ?= 100
fuzz: deps-quiet $(KERNEL)
	@scripts/fuzz.sh -n $(CALLS) -b $(BATCH) $(if $(SEED),-s $(SEED)) \
		$(if $(REPLAY),-r $(REPLAY)) $(if $(VERBOSE),-v) $(if $(SKIP),-x $(SKIP)) \
		$(if $(BISECT),-L) $(if $(LIMIT),-l $(LIMIT))

# The Linux Test Project's syscall tests in the guest (scripts/ltp.sh,
# README "LTP", docs/compat.md).
LTP_SRC ?= ../shared/ltp
LTP_ENV = BUILD=$(BUILD) LTP_SRC=$(LTP_SRC) LTP_DIRS="$(LTP_DIRS)" \
	LTP_RESULTS="$(LTP_RESULTS)" LTP_TESTS="$(LTP_TESTS)" \
	LTP_TIMEOUT="$(LTP_TIMEOUT)"
ltp: deps-quiet $(KERNEL)
	@scripts/fetch-busybox.sh
	@$(LTP_ENV) scripts/ltp.sh

ltp-smoke: deps-quiet $(KERNEL)
	@scripts/fetch-busybox.sh
	@$(LTP_ENV) scripts/ltp-smoke.sh

deps-quiet:
	@scripts/deps.sh --quiet

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Every C file as .clang-format says (make test runs this as format/check).
format-check:
	@scripts/format-check.sh

clean:
	@[ -d $(BUILD) ] && find $(BUILD) -mindepth 1 -maxdepth 1 ! -name disk.img \
		-exec rm -rf {} + || true

-include $(KOBJS:.o=.d)
