/* utsname.h - the names uname(2) reports (kernel/utsname.c). */
#ifndef KERNEL_UTSNAME_H
#define KERNEL_UTSNAME_H

#include <kernel/types.h>

#define UTS_LEN 64
#define UTS_RELEASE "6.1.0"
#define UTS_VERSION "#1 vmkernel"

struct utsname {
	char sysname[UTS_LEN + 1], nodename[UTS_LEN + 1], release[UTS_LEN + 1],
	    version[UTS_LEN + 1], machine[UTS_LEN + 1], domainname[UTS_LEN + 1];
};

const struct utsname *utsname(void);
/* The host name (n bytes at s, no NUL needed): 0 or -EINVAL. */
int utsname_set_host(const char *s, size_t n);

#endif
