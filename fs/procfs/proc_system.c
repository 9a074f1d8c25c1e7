/*
 * proc_system.c - the /proc files about the whole system, in Linux's
 * formats: cpuinfo (from CPUID), loadavg (the scheduler's averages),
 * version, stat (the boot time and process counters), and
 * /proc/sys/kernel/: pid_max (root may write it: fork then hands out pids
 * below it), tainted (this kernel never taints itself: 0), osrelease,
 * ostype and hostname (root may write it, as sethostname).
 */
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/coredump.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/utsname.h>
#include "proc_internal.h"

/* Linux's names of CPUID leaf 1's EDX bits (NULL: not shown). */
static const char *const edx_flags[32] = {
    "fpu",  "vme",   "de",   "pse",	"tsc",	"msr", "pae",  "mce",
    "cx8",  "apic",  NULL,   "sep",	"mtrr", "pge", "mca",  "cmov",
    "pat",  "pse36", "pn",   "clflush", NULL,	"dts", "acpi", "mmx",
    "fxsr", "sse",   "sse2", "ss",	"ht",	"tm",  "ia64", "pbe"};

/* And of its ECX bits. */
static const char *const ecx_flags[32] = {
    "pni",    "pclmulqdq", "dtes64", "monitor", "ds_cpl",
    "vmx",    "smx",	   "est",    "tm2",	"ssse3",
    "cid",    "sdbg",	   "fma",    "cx16",	"xtpr",
    "pdcm",   NULL,	   "pcid",   "dca",	"sse4_1",
    "sse4_2", "x2apic",	   "movbe",  "popcnt",	"tsc_deadline_timer",
    "aes",    "xsave",	   NULL,     "avx",	"f16c",
    "rdrand", "hypervisor"};

static void add_flags(struct text *t, const char *const names[32],
		      uint32_t bits)
{
	for (int i = 0; i < 32; i++)
		if ((bits & (1u << i)) && names[i])
			text_add(t, " %s", names[i]);
}

/* The brand string of leaves 0x80000002-4, if the CPU has them. */
static void model_name(char name[49])
{
	uint32_t r[4];

	name[0] = '\0';
	arch_cpuid(0x80000000u, r);
	if (r[0] < 0x80000004u)
		return;
	for (uint32_t i = 0; i < 3; i++) {
		arch_cpuid(0x80000002u + i, r);
		memcpy(name + 16 * i, r, 16);
	}
	name[48] = '\0';
}

void gen_cpuinfo(struct text *t)
{
	uint32_t v[4], id[4];
	char vendor[13], name[49];
	uint32_t family, model;

	arch_cpuid(0, v);
	memcpy(vendor, &v[1], 4);
	memcpy(vendor + 4, &v[3], 4);
	memcpy(vendor + 8, &v[2], 4);
	vendor[12] = '\0';
	arch_cpuid(1, id);
	family = (id[0] >> 8) & 0xf;
	model = (id[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (id[0] >> 20) & 0xff;
	if (family >= 6)
		model |= ((id[0] >> 16) & 0xf) << 4;
	model_name(name);
	text_add(t, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n",
		 vendor, family);
	text_add(t, "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n", model,
		 name, id[0] & 0xf);
	text_add(t, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
		    "cpu cores\t: 1\nfpu\t\t: yes\nflags\t\t:");
	add_flags(t, edx_flags, id[3]);
	add_flags(t, ecx_flags, id[2]);
	text_add(t, "\n\n");
}

/* "1-min 5-min 15-min running/total last-pid", two decimals each. */
void gen_loadavg(struct text *t)
{
	unsigned long l[3];
	unsigned total = 0;

	sched_loadavg(l, 11);
	for (int i = 0; i < NPROC; i++)
		total += procs[i] != NULL;
	for (int i = 0; i < 3; i++) {
		unsigned long x = l[i] + 2048 / 200; /* rounded to 0.01 */

		text_add(t, "%lu.%02lu ", x >> 11, ((x & 2047) * 100) >> 11);
	}
	text_add(t, "%u/%u %d\n", sched_nr_running(), total, proc_last_pid());
}

void gen_version(struct text *t)
{
	const struct utsname *u = utsname();

	text_add(t, "%s version %s (vmkernel) %s\n", u->sysname, u->release,
		 u->version);
}

/* /proc/stat: the CPU's ticks in user mode, in the kernel and idle
 * since boot (those of processes that exited too), boot time and
 * process counters. */
void gen_sysstat(struct text *t)
{
	uint64_t utime, stime, now = sched_ticks();
	unsigned long long idle;

	sched_cpu_ticks(&utime, &stime);
	idle = now > utime + stime ? now - utime - stime : 0;
	text_add(t, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n",
		 (unsigned long long)utime, (unsigned long long)stime, idle);
	text_add(t, "cpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n",
		 (unsigned long long)utime, (unsigned long long)stime, idle);
	text_add(t, "btime %lu\nprocesses %d\nprocs_running %u\n",
		 (unsigned long)(fs_clock_now() - now / HZ), proc_last_pid(),
		 sched_nr_running());
}

void gen_pid_max(struct text *t)
{
	text_add(t, "%d\n", proc_pid_max());
}

void gen_tainted(struct text *t)
{
	text_add(t, "0\n");
}

void gen_osrelease(struct text *t)
{
	text_add(t, "%s\n", utsname()->release);
}

void gen_ostype(struct text *t)
{
	text_add(t, "%s\n", utsname()->sysname);
}

void gen_hostname(struct text *t)
{
	text_add(t, "%s\n", utsname()->nodename);
}

/* The n bytes at s without one trailing newline. */
static size_t chomp(const char *s, size_t n)
{
	return n && s[n - 1] == '\n' ? n - 1 : n;
}

long proc_write_pid_max(const char *s, size_t n)
{
	size_t len = chomp(s, n);
	long v = 0;

	if (len == 0 || len > 9)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	return proc_set_pid_max((int)v) ? -EINVAL : (long)n;
}

long proc_write_core_pattern(const char *s, size_t n)
{
	size_t len = chomp(s, n);

	if (len >= CORE_PATTERN_MAX)
		return -EINVAL;
	memcpy(core_pattern, s, len);
	core_pattern[len] = '\0';
	return (long)n;
}

long proc_write_hostname(const char *s, size_t n)
{
	return utsname_set_host(s, chomp(s, n)) ? -EINVAL : (long)n;
}
