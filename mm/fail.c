/*
 * fail.c - allocation-failure injection. phys_alloc and slab_alloc ask
 * fail_now() first; while no site has a policy (fail_armed false) that is
 * one load and a branch inline. Policies: every Nth call, or each call
 * with probability P% from a xorshift generator seeded by the boot option.
 */
#include <kernel/errno.h>
#include <mm/fail.h>

struct fail_policy {
	uint32_t every;	  /* fail when calls % every == 0; 0: off */
	uint32_t percent; /* random mode: 1..100; 0: off */
	uint32_t state;	  /* xorshift32 state (never 0) */
	uint64_t calls, failed;
};

static struct fail_policy policies[FAIL_NSITES];
bool fail_armed;

/* fail_armed: does any site have a policy? */
static void rearm(void)
{
	fail_armed = false;
	for (unsigned i = 0; i < FAIL_NSITES; i++)
		if (policies[i].every || policies[i].percent)
			fail_armed = true;
}

void fail_reset(void)
{
	for (unsigned i = 0; i < FAIL_NSITES; i++)
		policies[i] = (struct fail_policy){0};
	fail_armed = false;
}

/* Parse a decimal number ending at a NUL or ':'; *end is set past it. */
static bool parse_u32(const char *s, uint32_t *out, const char **end)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xFFFFFFFFu)
			return false;
	}
	*out = (uint32_t)v;
	*end = s;
	return *s == '\0' || *s == ':';
}

int fail_configure(enum fail_site site, const char *spec)
{
	struct fail_policy p = {0};
	const char *s = spec;
	uint32_t seed;

	if ((unsigned)site >= FAIL_NSITES)
		return -EINVAL;
	policies[site] = p;
	rearm();
	if (s[0] == 'r' && s[1] == 'a' && s[2] == 'n' && s[3] == 'd' &&
	    s[4] == ':') {
		if (!parse_u32(s + 5, &seed, &s) || *s != ':' ||
		    !parse_u32(s + 1, &p.percent, &s) || *s || p.percent > 100)
			return -EINVAL;
		p.state = seed ? seed : 0x9E3779B9u;
	} else if (!parse_u32(s, &p.every, &s) || *s) {
		return -EINVAL;
	}
	policies[site] = p;
	rearm();
	return 0;
}

static uint32_t xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

bool fail_now_slow(enum fail_site site)
{
	struct fail_policy *p = &policies[site];
	bool fail;

	if (!p->every && !p->percent)
		return false;
	p->calls++;
	if (p->every)
		fail = p->calls % p->every == 0;
	else
		fail = xorshift32(&p->state) % 100 < p->percent;
	p->failed += fail;
	return fail;
}

uint64_t fail_count(enum fail_site site)
{
	return policies[site].failed;
}
