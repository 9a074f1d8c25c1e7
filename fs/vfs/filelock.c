/*
 * filelock.c - byte-range locks of one file: conflicts, splitting and
 * merging (include/fs/vfs/filelock.h).
 *
 * Guarantees: the list stays sorted by start; the ranges of one owner
 * never overlap and same-type ranges of one owner never touch; a failed
 * flock_set (-EAGAIN, -ENOMEM) changes nothing, because the two nodes a
 * request may need (its own range and the right half of a range it
 * splits) are allocated before the list is touched.
 */
#include <fs/vfs/filelock.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>

struct flock_ctx *flock_ctx_new(void)
{
	return slab_zalloc(sizeof(struct flock_ctx));
}

void flock_ctx_free(struct flock_ctx *c)
{
	if (!c)
		return;
	while (c->head) {
		struct flock_range *r = c->head;

		USE(c, c->head = r->next);
		SLAB_FREE(r);
	}
	SLAB_FREE(c);
}

bool flock_empty(const struct flock_ctx *c)
{
	return !c || !c->head;
}

static bool overlaps(const struct flock_range *a, int64_t s, int64_t e)
{
	return a->start <= e && s <= a->end;
}

/* Do two locks of different owners exclude each other? */
static bool conflicts(const struct flock_range *held,
		      const struct flock_range *req)
{
	if (held->owner == req->owner || req->type == FLOCK_UNLCK)
		return false;
	if (held->type != FLOCK_WRLCK && req->type != FLOCK_WRLCK)
		return false;
	return overlaps(held, req->start, req->end);
}

bool flock_test(const struct flock_ctx *c, const struct flock_range *req,
		struct flock_range *out)
{
	for (const struct flock_range *r = c ? c->head : NULL; r; r = r->next)
		if (conflicts(r, req)) {
			if (out) {
				*out = *r;
				out->next = NULL;
			}
			return true;
		}
	return false;
}

/* Link n after prev (NULL: at the head). */
static void link_after(struct flock_ctx *c, struct flock_range *prev,
		       struct flock_range *n)
{
	if (prev) {
		USE(n, n->next = prev->next);
		USE(prev, prev->next = n);
	} else {
		USE(n, n->next = c->head);
		USE(c, c->head = n);
	}
}

/* Insert n at its place by start. */
static void insert_sorted(struct flock_ctx *c, struct flock_range *n)
{
	struct flock_range *prev = NULL;

	for (struct flock_range *r = c->head; r && r->start <= n->start;
	     r = r->next)
		prev = r;
	link_after(c, prev, n);
}

static void set_range(struct flock_range *n, int64_t s, int64_t e)
{
	USE(n, {
		n->start = s;
		n->end = e;
	});
}

/* Move every range of owner that overlaps or touches [s, e] from the
 * list to a private chain, returned. */
static struct flock_range *detach_near(struct flock_ctx *c, const void *owner,
				       int64_t s, int64_t e)
{
	int64_t lo = s > 0 ? s - 1 : s;
	int64_t hi = e < FLOCK_OFFSET_MAX ? e + 1 : e;
	struct flock_range *taken = NULL, *prev = NULL, *r = c->head;

	while (r) {
		struct flock_range *next = r->next;

		if (r->owner == owner && overlaps(r, lo, hi)) {
			if (prev)
				USE(prev, prev->next = next);
			else
				USE(c, c->head = next);
			USE(r, r->next = taken);
			taken = r;
		} else {
			prev = r;
		}
		r = next;
	}
	return taken;
}

/* What is left of an old range r of another type (or an unlock) after
 * req's range is cut out of it: r reused, *spare for a right half. */
static bool cut_range(struct flock_ctx *c, struct flock_range *r,
		      const struct flock_range *req, struct flock_range **spare)
{
	bool left = r->start<req->start, right = r->end> req->end;

	if (!overlaps(r, req->start, req->end)) {
		insert_sorted(c, r); /* it only touches: stays as it is */
		return false;
	}
	if (left && right) {
		struct flock_range *n = *spare;

		*spare = NULL;
		USE(n, *n = *r);
		set_range(n, req->end + 1, r->end);
		insert_sorted(c, n);
	}
	if (left)
		set_range(r, r->start, req->start - 1);
	else if (right)
		set_range(r, req->end + 1, r->end);
	if (left || right)
		insert_sorted(c, r);
	else
		SLAB_FREE(r);
	return true;
}

int flock_set(struct flock_ctx *c, const struct flock_range *req,
	      struct flock_range *conflict, bool *changed)
{
	struct flock_range *mine, *split, *taken;
	int64_t s = req->start, e = req->end;

	*changed = false;
	if (flock_test(c, req, conflict))
		return -EAGAIN;
	mine = slab_zalloc(sizeof(*mine));
	split = slab_zalloc(sizeof(*split));
	if (!mine || !split) {
		if (mine)
			SLAB_FREE(mine);
		if (split)
			SLAB_FREE(split);
		return -ENOMEM;
	}
	taken = detach_near(c, req->owner, s, e);
	while (taken) {
		struct flock_range *r = taken;

		taken = r->next;
		if (r->type == req->type) { /* merge into the new range */
			s = MIN(s, r->start);
			e = MAX(e, r->end);
			SLAB_FREE(r);
		} else if (cut_range(c, r, req, &split)) {
			*changed = true;
		}
	}
	if (req->type != FLOCK_UNLCK) {
		USE(mine, *mine = *req);
		set_range(mine, s, e);
		insert_sorted(c, mine);
		mine = NULL;
	}
	if (mine)
		SLAB_FREE(mine);
	if (split)
		SLAB_FREE(split);
	return 0;
}

bool flock_release_owner(struct flock_ctx *c, const void *owner)
{
	struct flock_range *taken;
	bool any = false;

	if (!c)
		return false;
	taken = detach_near(c, owner, 0, FLOCK_OFFSET_MAX);
	while (taken) {
		struct flock_range *r = taken;

		taken = r->next;
		SLAB_FREE(r);
		any = true;
	}
	return any;
}
