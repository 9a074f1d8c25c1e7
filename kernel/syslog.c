/*
 * syslog.c - syslog(2), the kernel log for dmesg: the printk ring
 * (kernel/printk.c) read whole (SYSLOG_ACTION_READ_ALL, the newest bytes
 * since the last clear that fit), its size, and clearing. As on
 * Linux with dmesg_restrict off, reading is for everyone; clearing and
 * the console controls are for the privileged. The destructive read
 * (SYSLOG_ACTION_READ, which waits for new messages) is not offered.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

enum {
	SYSLOG_ACTION_CLOSE,
	SYSLOG_ACTION_OPEN,
	SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR,
	SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL,
	SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

static uint32_t cleared_at; /* log byte of the last clear */

/* The newest bytes since the last clear that fit in len, to ubuf. */
static long read_all(uint32_t ubuf, int len)
{
	uint32_t end = printk_log_end(), from = cleared_at, done = 0;
	char chunk[128];

	if (!ubuf || len < 0)
		return -EINVAL;
	if (end - from > (uint32_t)len)
		from = end - (uint32_t)len;
	while (done < (uint32_t)len) {
		size_t n = printk_log_read(
		    chunk, MIN(sizeof(chunk), (uint32_t)len - done), from,
		    &from);

		if (!n)
			return done;
		if (copy_to_user((void *)(ubuf + done), chunk, n))
			return -EFAULT;
		done += n;
	}
	return done;
}

SYSCALL_DEFINE3(syslog, int, type, uint32_t, ubuf, int, len)
{
	uint32_t end = printk_log_end();
	long r;

	switch (type) {
	case SYSLOG_ACTION_READ_ALL:
		return read_all(ubuf, len);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return PRINTK_LOG_SIZE;
	}
	if (current->cred.euid != 0)
		return -EPERM;
	switch (type) {
	case SYSLOG_ACTION_READ_CLEAR:
		r = read_all(ubuf, len);
		if (r >= 0)
			cleared_at = end;
		return r;
	case SYSLOG_ACTION_CLEAR:
		cleared_at = end;
		return 0;
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return len < 1 || len > 8 ? -EINVAL : 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return MIN(end, PRINTK_LOG_SIZE); /* nothing is ever read */
	}
	return -EINVAL;
}
