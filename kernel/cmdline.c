/* cmdline.c - keep a copy of the boot command line and look up options in it.
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

/* Find word "key" or "key=..." starting a word; return the value start. */
static const char *find_key(const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
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
