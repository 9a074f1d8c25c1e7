/*
 * utsname.c - the system's names as uname(2) reports them: "Linux",
 * release 6.1.0 (what LTP and glibc compare against), i686, and the host
 * and domain names root sets with sethostname / setdomainname (or through
 * /proc/sys/kernel/hostname). Each name is at most 64 bytes, always
 * NUL-terminated.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/utsname.h>

static struct utsname uts = {"Linux",	  "vmkernel", UTS_RELEASE,
			     UTS_VERSION, "i686",     "(none)"};

const struct utsname *utsname(void)
{
	return &uts;
}

/* Replace one of the names with the n bytes at s: 0 or -EINVAL. */
static int set_name(char *dst, const char *s, size_t n)
{
	if (n > UTS_LEN)
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int utsname_set_host(const char *s, size_t n)
{
	return set_name(uts.nodename, s, n);
}

SYSCALL_DEFINE1(uname, void *, ubuf)
{
	return copy_to_user(ubuf, &uts, sizeof(uts));
}

/* sethostname / setdomainname: root only, at most 64 bytes. */
static long set_from_user(char *dst, uint32_t uname, int32_t len)
{
	char buf[UTS_LEN];

	if (!cred_privileged())
		return -EPERM;
	if (len < 0 || len > UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, (const void *)uname, (size_t)len))
		return -EFAULT;
	return set_name(dst, buf, (size_t)len);
}

SYSCALL_DEFINE2(sethostname, uint32_t, name, int32_t, len)
{
	return set_from_user(uts.nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, uint32_t, name, int32_t, len)
{
	return set_from_user(uts.domainname, name, len);
}
