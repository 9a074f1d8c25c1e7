/*
 * sysctl.c - the integer settings under /proc/sys: each a variable of
 * the kernel with the range Linux accepts. Reading gives the number and
 * a newline; writing a number in range sets it (root only: the files are
 * mode 0644), anything else is -EINVAL and changes nothing.
 */
#include <fs/proc_text.h>
#include <fs/reclock.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/types.h>

#define PIPE_MIN_SIZE 4096

static const struct knob {
	enum proc_text kind;
	int64_t min, max;
} knobs[] = {
    {PT_PIPE_MAX_SIZE, PIPE_MIN_SIZE, 1ll << 31},
    {PT_LEASE_BREAK_TIME, INT32_MIN, INT32_MAX},
};

static const struct knob *knob_of(enum proc_text kind)
{
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knobs[i].kind == kind)
			return &knobs[i];
	return NULL;
}

bool proc_knob(enum proc_text kind)
{
	return knob_of(kind) != NULL;
}

int64_t proc_knob_get(enum proc_text kind)
{
	return kind == PT_PIPE_MAX_SIZE ? (int64_t)pipe_max_size
					: (int64_t)lease_break_time;
}

/* A decimal number, optionally signed, then optional white space. */
static bool parse_number(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false, digits = false;
	int64_t v = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		digits = true;
		if (v > (1ll << 40))
			return false;
	}
	while (i < n && (s[i] == '\n' || s[i] == ' ' || s[i] == '\t'))
		i++;
	*out = neg ? -v : v;
	return digits && i == n;
}

long proc_knob_write(enum proc_text kind, const char *buf, size_t n)
{
	const struct knob *k = knob_of(kind);
	int64_t v;

	if (!k || !parse_number(buf, n, &v) || v < k->min || v > k->max)
		return -EINVAL;
	if (kind == PT_PIPE_MAX_SIZE) {
		uint32_t pages = 1;

		while ((int64_t)pages * PIPE_MIN_SIZE < v) /* as Linux rounds */
			pages <<= 1;
		pipe_max_size = pages * PIPE_MIN_SIZE;
	} else {
		lease_break_time = (int)v;
	}
	return (long)n;
}
