/*
 * test_filelock.c - host tests of byte-range locks (fs/vfs/filelock.c):
 * fixed cases (split, merge, conflicts, release) and thousands of random
 * requests of three owners compared with a model that keeps, per owner,
 * the lock type of every byte of a 48-byte file whose last cell stands
 * for [47, end of file]. After each step the list must say exactly what
 * the model says, in canonical form: sorted, one owner's ranges disjoint
 * and same-type neighbours merged.
 */
#include <fs/vfs/filelock.h>
#include <kernel/errno.h>
#include "host.h"

#define NOWN 3
#define NCELL 48
#define NONE 255

static int owner_tag[NOWN];
static uint8_t model[NOWN][NCELL];

static struct flock_range req(int owner, int type, int64_t s, int64_t e)
{
	struct flock_range r = {.start = s,
				.end = e,
				.owner = &owner_tag[owner],
				.pid = 100 + owner,
				.type = (uint8_t)type};
	return r;
}

static int cell_of(int64_t off)
{
	return off >= NCELL - 1 ? NCELL - 1 : (int)off;
}

/* Does the model hold a lock of another owner that conflicts? */
static bool model_conflict(int owner, int type, int cs, int ce)
{
	if (type == FLOCK_UNLCK)
		return false;
	for (int o = 0; o < NOWN; o++)
		for (int i = cs; i <= ce && o != owner; i++)
			if (model[o][i] != NONE &&
			    (model[o][i] == FLOCK_WRLCK || type == FLOCK_WRLCK))
				return true;
	return false;
}

/* The list against the model, and its canonical form. */
static bool list_matches(const struct flock_ctx *c)
{
	uint8_t seen[NOWN][NCELL];
	int64_t last_start = -1;

	memset(seen, NONE, sizeof(seen));
	for (const struct flock_range *r = c->head; r; r = r->next) {
		int o = (int)((const int *)r->owner - owner_tag);

		if (r->start < last_start || r->start > r->end)
			return false;
		if (r->end != FLOCK_OFFSET_MAX && r->end >= NCELL - 1)
			return false;
		last_start = r->start;
		for (int i = cell_of(r->start); i <= cell_of(r->end); i++) {
			if (seen[o][i] != NONE) /* overlap within an owner */
				return false;
			seen[o][i] = r->type;
		}
		for (const struct flock_range *q = c->head; q; q = q->next)
			if (q != r && q->owner == r->owner &&
			    q->type == r->type &&
			    ((r->end < FLOCK_OFFSET_MAX &&
			      q->start == r->end + 1) ||
			     (q->end < FLOCK_OFFSET_MAX &&
			      r->start == q->end + 1)))
				return false; /* should have been merged */
	}
	return memcmp(seen, model, sizeof(seen)) == 0;
}

TEST(filelock_split_merge_conflict)
{
	struct flock_ctx *c = flock_ctx_new();
	struct flock_range r, got;
	bool changed;

	CHECK(c != NULL);
	r = req(0, FLOCK_WRLCK, 0, FLOCK_OFFSET_MAX);
	CHECK_EQ(flock_set(c, &r, NULL, &changed), 0);
	r = req(0, FLOCK_RDLCK, 10, 19); /* splits the write lock in three */
	CHECK_EQ(flock_set(c, &r, NULL, &changed), 0);
	CHECK(changed);
	CHECK_EQ(c->head->end, 9);
	CHECK_EQ(c->head->next->type, FLOCK_RDLCK);
	CHECK_EQ(c->head->next->next->start, 20);
	r = req(1, FLOCK_RDLCK, 12, 14); /* shares the read part */
	CHECK_EQ(flock_set(c, &r, NULL, &changed), 0);
	r = req(1, FLOCK_WRLCK, 5, 5);
	CHECK_EQ(flock_set(c, &r, &got, &changed), -EAGAIN);
	CHECK_EQ(got.start, 0);
	CHECK_EQ(got.end, 9);
	CHECK_EQ(got.pid, 100);
	r = req(0, FLOCK_RDLCK, 0, 9); /* merges with 10-19 */
	CHECK_EQ(flock_set(c, &r, NULL, &changed), 0);
	CHECK_EQ(c->head->start, 0);
	CHECK_EQ(c->head->end, 19);
	CHECK(flock_test(c,
			 &(struct flock_range){.owner = &owner_tag[2],
					       .type = FLOCK_WRLCK,
					       .start = 13,
					       .end = 13},
			 &got));
	CHECK(flock_release_owner(c, &owner_tag[0]));
	CHECK(!flock_release_owner(c, &owner_tag[0]));
	CHECK(!flock_empty(c));
	CHECK(flock_release_owner(c, &owner_tag[1]));
	CHECK(flock_empty(c));
	flock_ctx_free(c);
}

/* One random request checked against the model, then applied to it. */
static bool random_step(struct flock_ctx *c, uint64_t *seed)
{
	int o = (int)(host_rand(seed) % NOWN);
	int type = (int)(host_rand(seed) % 3);
	int64_t s = host_rand(seed) % NCELL, e;
	struct flock_range r, got;
	bool changed, conflict;
	int cs, ce;

	e = (s == NCELL - 1 || host_rand(seed) % 6 == 0)
		? FLOCK_OFFSET_MAX
		: s + (int64_t)(host_rand(seed) % (uint32_t)(NCELL - 1 - s));
	cs = cell_of(s);
	ce = cell_of(e);
	r = req(o, type, s, e);
	conflict = model_conflict(o, type, cs, ce);
	if (host_rand(seed) % 4 == 0) { /* F_GETLK */
		if (flock_test(c, &r, &got) != conflict)
			return false;
		return !conflict || model_conflict(o, type, cell_of(got.start),
						   cell_of(got.end));
	}
	if (flock_set(c, &r, NULL, &changed) != (conflict ? -EAGAIN : 0))
		return false;
	for (int i = cs; i <= ce && !conflict; i++)
		model[o][i] = type == FLOCK_UNLCK ? NONE : (uint8_t)type;
	if (host_rand(seed) % 50 == 0) { /* a close */
		flock_release_owner(c, r.owner);
		memset(model[o], NONE, sizeof(model[o]));
	}
	return true;
}

TEST(filelock_random_against_model)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 20; round++) {
		struct flock_ctx *c = flock_ctx_new();

		CHECK(c != NULL);
		memset(model, NONE, sizeof(model));
		for (int step = 0; step < 400; step++) {
			if (!random_step(c, &seed) || !list_matches(c)) {
				CHECK(!"lock list differs from the model");
				flock_ctx_free(c);
				return;
			}
		}
		flock_ctx_free(c);
	}
}
