/*
 * cmdline.c - keep a copy of the boot command line and look up options in
 * it. As on Linux, the words after a "--" word are not the kernel's: they
 * are the first program's arguments (cmdline_init_args), and option
 * lookups stop there.
 */
#include <kernel/cmdline.h>
#include <kernel/string.h>

static char cmdline[256];

void cmdline_init(const char *s)
{
	size_t n = s ? strnlen(s, sizeof(cmdline) - 1) : 0;

	memcpy(cmdline, s ? s : "", n);
	cmdline[n] = '\0';
}

/* Is p the word "--"? */
static bool is_dashdash(const char *p)
{
	return p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2]);
}

/* Find word "key" or "key=..." starting a word; return the value start. */
static const char *find_key(const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		if (is_dashdash(p))
			return NULL;
		if (!strncmp(p, key, klen) &&
		    (p[klen] == '=' || p[klen] == ' ' || !p[klen]))
			return p[klen] == '=' ? p + klen + 1 : p + klen;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

bool cmdline_get(const char *key, char *buf, size_t size)
{
	const char *v = find_key(key);
	size_t n = 0;

	if (!v)
		return false;
	while (v[n] && v[n] != ' ' && n + 1 < size) {
		buf[n] = v[n];
		n++;
	}
	if (size)
		buf[n] = '\0';
	return true;
}

int cmdline_init_args(char *buf, size_t size, char **argv, int max)
{
	const char *p = cmdline;
	size_t used = 0;
	int argc = 0;

	while (*p && !is_dashdash(p)) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	if (!*p)
		return 0;
	for (p += 2; *p && argc < max;) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n || used + n + 1 > size)
			break;
		memcpy(buf + used, p, n);
		buf[used + n] = '\0';
		argv[argc++] = buf + used;
		used += n + 1;
		p += n;
	}
	return argc;
}
