/*
 * sysctl.c - the integer settings under /proc/sys: each a variable of
 * the kernel with the range Linux accepts. Reading gives the number and
 * a newline; writing a number in range sets it (root only: the files are
 * mode 0644), anything else is -EINVAL and changes nothing.
 */
#include <fs/proc_text.h>
#include <fs/reclock.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <kernel/shm.h>
#include <mm/region.h>
#include <kernel/string.h>
#include <kernel/types.h>

#define PIPE_MIN_SIZE 4096

/* pipe-max-size: set as Linux rounds it, a power of two of pages. */
static void set_pipe_max(int64_t v)
{
	uint32_t pages = 1;

	while ((int64_t)pages * PIPE_MIN_SIZE < v)
		pages <<= 1;
	pipe_max_size = pages * PIPE_MIN_SIZE;
}

/* pagecache_max_pages: the page cache's bound, applied at once. */
static void set_pcache_max(int64_t v)
{
	pcache_set_max((size_t)v);
}

#define KNOB_U32(var) &(var), NULL
#define KNOB_I32(var) NULL, &(var)

static const struct knob {
	enum proc_text kind;
	int64_t min, max;
	uint32_t *u32; /* the variable, one of these */
	int32_t *i32;
	void (*set)(int64_t v); /* NULL: store v in the variable */
} knobs[] = {
    {PT_PIPE_MAX_SIZE, PIPE_MIN_SIZE, 1ll << 31, KNOB_U32(pipe_max_size),
     set_pipe_max},
    {PT_LEASE_BREAK_TIME, INT32_MIN, INT32_MAX, KNOB_I32(lease_break_time),
     NULL},
    {PT_SHMMAX, 0, UINT32_MAX, KNOB_U32(shm_ctlmax), NULL},
    {PT_SHMALL, 0, UINT32_MAX, KNOB_U32(shm_ctlall), NULL},
    {PT_SHMMNI, 0, SHM_SEQ_MULT, KNOB_U32(shm_ctlmni), NULL},
    {PT_SHM_NEXT_ID, -1, INT32_MAX, KNOB_I32(shm_next_id), NULL},
    {PT_MAX_MAP_COUNT, 0, INT32_MAX, KNOB_U32(mm_max_map_count), NULL},
    {PT_PCACHE_MAX, 1, INT32_MAX, KNOB_U32(pcache_max_pages), set_pcache_max},
    {PT_PIPE_USER_SOFT, 0, UINT32_MAX, KNOB_U32(pipe_user_pages_soft), NULL},
    {PT_PIPE_USER_HARD, 0, UINT32_MAX, KNOB_U32(pipe_user_pages_hard), NULL},
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
	const struct knob *k = knob_of(kind);

	return k->u32 ? (int64_t)*k->u32 : (int64_t)*k->i32;
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
	if (k->set)
		k->set(v);
	else if (k->u32)
		*k->u32 = (uint32_t)v;
	else
		*k->i32 = (int32_t)v;
	return (long)n;
}
