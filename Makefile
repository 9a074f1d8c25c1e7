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

# Code shared by kernel and host: the algorithms.
PORTABLE_SRC := $(wildcard mm/*.c fs/*.c fs/ext2/*.c)
KERNEL_C := $(wildcard arch/x86/*.c kernel/*.c tests/kernel/*.c) $(PORTABLE_SRC)
KERNEL_ASM := $(wildcard boot/*.asm arch/x86/*.asm)
KOBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_C)) \
	$(patsubst %.asm,$(BUILD)/k/%.o,$(KERNEL_ASM))

HOST_SRC := $(wildcard mm/*.c fs/*.c fs/ext2/*.c) tests/host/host_hooks.c tests/host/host_printk.c
HOST_TESTS := $(filter-out tests/host/host_hooks.c tests/host/host_printk.c,$(wildcard tests/host/*.c))
BENCH_SRC := $(wildcard tests/bench/host_*.c)

KERNEL := $(BUILD)/kernel.elf
ISO := $(BUILD)/os.iso
INITRD := $(BUILD)/initrd.cpio
# The first program, and a directory copied over the root file system.
INIT ?= /bin/sh
INITRD_EXTRA ?=
GUEST_SRC := $(wildcard tests/guest/*.c tests/guest/*.h user/include/*.h)

.PHONY: all kernel iso run run-kernel debug test test-faults bench fuzz host-tests help clean deps format FORCE

all: $(KERNEL) $(ISO) $(BUILD)/host-tests

help:
	@echo "Targets:"
	@echo "  all         build the kernel, the ISO and the host tests (default)"
	@echo "  kernel      build $(BUILD)/kernel.elf only"
	@echo "  iso         build the GRUB rescue ISO $(BUILD)/os.iso"
	@echo "  run         boot the ISO in QEMU on the serial console (MEM=$(MEM) MiB);"
	@echo "              INIT=/path (first program, default /bin/sh), INITRD_EXTRA=dir"
	@echo "  run-kernel  boot with QEMU -kernel (faster; CMDLINE='...' to pass options)"
	@echo "  debug       boot with -s -S and attach GDB with symbols (see .gdbinit)"
	@echo "  test        host unit tests, in-kernel tests, ISO, GDB and panic tests"
	@echo "  host-tests  only the host unit tests (ASan + UBSan)"
	@echo "  test-faults the in-guest suite under failpage=/failslab= injection"
	@echo "  bench       host micro-benchmarks and in-guest benchmarks (-icount)"
	@echo "  fuzz        system call fuzzer in the guest: SEED=n CALLS=n (default"
	@echo "              1000000), REPLAY=k VERBOSE=1 to replay child k (README)"
	@echo "  deps        install missing Debian packages (scripts/deps.sh)"
	@echo "  format      clang-format every C file"
	@echo "  clean       remove $(BUILD)/"

deps:
	@scripts/deps.sh

kernel: $(KERNEL)
iso: $(ISO)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -MMD -c $< -o $@

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
	scripts/mkiso.sh $(KERNEL) $@ $(INITRD) "init=$(INIT)"

FORCE:

$(BUILD)/host-tests: $(HOST_SRC) $(HOST_TESTS) $(wildcard include/*/*.h tests/host/*.h fs/*/*.h)
	@mkdir -p $(BUILD)
	$(HCC) $(HCFLAGS) -o $@ $(HOST_SRC) $(HOST_TESTS)

$(BUILD)/host-bench: $(HOST_SRC) $(BENCH_SRC) $(wildcard include/*/*.h)
	@mkdir -p $(BUILD)
	$(HCC) $(HBFLAGS) -o $@ $(HOST_SRC) $(BENCH_SRC)

host-tests: $(BUILD)/host-tests
	$(BUILD)/host-tests

run: deps-quiet $(ISO)
	$(QEMU) -m $(MEM) -display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom $(ISO) -boot d

run-kernel: deps-quiet $(KERNEL) $(INITRD)
	$(QEMU) -m $(MEM) -display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel $(KERNEL) \
		-initrd $(INITRD) -append "init=$(INIT) $(CMDLINE)"

debug: deps-quiet $(KERNEL)
	scripts/debug.sh $(KERNEL) $(MEM)

test: deps-quiet
	@$(MAKE) --no-print-directory all
	@scripts/test.sh

test-faults: deps-quiet
	@$(MAKE) --no-print-directory kernel
	@scripts/test-faults.sh

bench: deps-quiet $(BUILD)/host-bench
	@$(MAKE) --no-print-directory BUILD=build/bench SANITY=0 kernel
	@scripts/bench.sh

# The system call fuzzer (tests/fuzz/, scripts/fuzz.sh).
CALLS ?= 1000000
BATCH ?= 100
fuzz: deps-quiet $(KERNEL)
	@scripts/fuzz.sh -n $(CALLS) -b $(BATCH) $(if $(SEED),-s $(SEED)) \
		$(if $(REPLAY),-r $(REPLAY)) $(if $(VERBOSE),-v) $(if $(SKIP),-x $(SKIP)) \
		$(if $(BISECT),-L) $(if $(LIMIT),-l $(LIMIT))

deps-quiet:
	@scripts/deps.sh --quiet

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(KOBJS:.o=.d)
