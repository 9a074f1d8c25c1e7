/*
 * fail.h - allocation-failure injection (boot options failpage= and
 * failslab=): make every Nth page or slab allocation fail, or each with a
 * probability, so that error paths run in tests (make test-faults).
 */
#ifndef MM_FAIL_H
#define MM_FAIL_H

#include <kernel/types.h>

enum fail_site { FAIL_PAGE, FAIL_SLAB, FAIL_NSITES };

/*
 * Set a site's policy from spec: "N" fails every Nth call (0: never),
 * "rand:SEED:P" fails each call with probability P percent (a seeded
 * generator: the same boot fails the same calls). -EINVAL for anything
 * else (the policy is then off).
 */
int fail_configure(enum fail_site site, const char *spec);
/* Whether any site has a policy: while none has (every boot without the
 * options), fail_now() is one load and a branch inline. */
extern bool fail_armed;
bool fail_now_slow(enum fail_site site);
/* Whether this call at site should fail (counts the call). */
static inline bool fail_now(enum fail_site site)
{
	return fail_armed && fail_now_slow(site);
}
/* Calls failed so far at site. */
uint64_t fail_count(enum fail_site site);
/* Turn every site off (host tests). */
void fail_reset(void);

#endif
