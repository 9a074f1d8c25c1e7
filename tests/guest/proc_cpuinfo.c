/* proc_cpuinfo - /proc/cpuinfo names the one CPU as Linux does on x86:
 * processor 0, the CPUID vendor and brand string, family and model, and
 * the flags (an i686 has at least fpu, tsc and cx8). LTP's tst_virt
 * reads it to tell QEMU. */
#include "guest.h"

int main(void)
{
	char buf[2048];
	int fd = open("/proc/cpuinfo", O_RDONLY);
	ssize_t n;

	CHECK_SYS(fd);
	n = read(fd, buf, sizeof(buf) - 1);
	CHECK(n > 0, "read /proc/cpuinfo: %zd", n);
	buf[n] = 0;
	close(fd);
	CHECK(!strncmp(buf, "processor\t: 0\n", 14), "no processor 0 line");
	CHECK(strstr(buf, "\nvendor_id\t: GenuineIntel\n") ||
		  strstr(buf, "\nvendor_id\t: AuthenticAMD\n"),
	      "no CPUID vendor");
	CHECK(strstr(buf, "\nmodel name\t: ") &&
		  strstr(buf, "\nmodel name\t: ")[14] > ' ',
	      "no model name");
	CHECK(strstr(buf, "\ncpu family\t: "), "no cpu family");
	CHECK(strstr(buf, "\nflags\t\t: fpu ") && strstr(buf, " tsc ") &&
		  strstr(buf, " cx8 "),
	      "flags lack fpu, tsc or cx8");
	return 0;
}
