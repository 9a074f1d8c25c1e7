/*
 * test_avl_bulk.c - host tests for the AVL tree's bulk moves (mm/avl.c:
 * avl_cut_run, avl_paste_after): random runs swapped between two trees
 * against a model of who holds each key, with a subtree-size summary to
 * check that the update hook sees every change, and every tree checked
 * whole (order, parents, heights, balance, count) after each step.
 */
#include <kernel/errno.h>
#include <mm/avl.h>
#include "host.h"

#define BKEYS 700

struct bitem {
	struct avl_node node;
	int key;
	size_t size; /* nodes in this subtree, kept by the update hook */
};

static struct bitem bitems[BKEYS];
static int bowner[BKEYS]; /* 0 or 1: the tree holding key k; -1: none */

static int bitem_cmp(const struct avl_node *a, const struct avl_node *b)
{
	int ka = avl_entry(a, struct bitem, node)->key;
	int kb = avl_entry(b, struct bitem, node)->key;

	return (ka > kb) - (ka < kb);
}

static size_t bsize(const struct avl_node *n)
{
	return n ? avl_entry(n, struct bitem, node)->size : 0;
}

static void bitem_update(struct avl_node *n)
{
	avl_entry(n, struct bitem, node)->size =
	    1 + bsize(n->left) + bsize(n->right);
}

static int bkey(const struct avl_node *n)
{
	return avl_entry(n, struct bitem, node)->key;
}

/* Sizes right everywhere in n's subtree? */
static bool sizes_ok(const struct avl_node *n)
{
	if (!n)
		return true;
	return bsize(n) == 1 + bsize(n->left) + bsize(n->right) &&
	       sizes_ok(n->left) && sizes_ok(n->right);
}

/* Tree `which` holds exactly the keys the model gives it, in order. */
static bool tree_ok(const struct avl_tree *t, int which, bool summed)
{
	const struct avl_node *n = avl_first(t);

	if (!avl_check(t) || (summed && !sizes_ok(t->root)))
		return false;
	for (int k = 0; k < BKEYS; k++) {
		if (bowner[k] != which)
			continue;
		if (!n || bkey(n) != k)
			return false;
		n = avl_next(n);
	}
	return n == NULL;
}

static void bsetup(struct avl_tree t[2], uint64_t *seed, int split, bool summed)
{
	for (int i = 0; i < 2; i++) {
		avl_init(&t[i], bitem_cmp);
		if (summed)
			t[i].update = bitem_update;
	}
	for (int k = 0; k < BKEYS; k++) {
		int r = (int)(host_rand(seed) % 100);

		bitems[k].key = k;
		bowner[k] = r < split ? 0 : r < 95 ? 1 : -1;
		if (bowner[k] >= 0)
			CHECK(avl_insert(&t[bowner[k]], &bitems[k].node) == 0);
	}
}

/* The last node of t with key below k, or NULL. */
static struct avl_node *last_below(const struct avl_tree *t, int k)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (bkey(n) < k) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* Cut t's keys in [a, b] out into *out (left empty if none). */
static void cut_keys(struct avl_tree *t, int a, int b, struct avl_tree *out)
{
	struct avl_node *first = NULL, *last = NULL, *n;
	size_t count = 0;

	n = last_below(t, a);
	for (n = n ? avl_next(n) : avl_first(t); n && bkey(n) <= b;
	     n = avl_next(n)) {
		if (!first)
			first = n;
		last = n;
		count++;
	}
	if (count)
		avl_cut_run(t, first, last, count, out);
}

/* Swap the keys in [a, b] between the two trees. */
static void swap_range(struct avl_tree t[2], int a, int b)
{
	struct avl_tree part[2];

	for (int i = 0; i < 2; i++) {
		avl_init(&part[i], bitem_cmp);
		part[i].update = t[i].update;
		cut_keys(&t[i], a, b, &part[i]);
		CHECK(part[i].root == NULL || avl_check(&part[i]));
	}
	for (int i = 0; i < 2; i++) {
		avl_paste_after(&t[1 - i], last_below(&t[1 - i], a), &part[i]);
		CHECK(part[i].root == NULL && part[i].count == 0);
	}
	for (int k = a; k <= b; k++)
		if (bowner[k] >= 0)
			bowner[k] = 1 - bowner[k];
}

static void run_swaps(uint64_t seed, int split, int maxlen, bool summed)
{
	struct avl_tree t[2];

	bsetup(t, &seed, split, summed);
	CHECK(tree_ok(&t[0], 0, summed) && tree_ok(&t[1], 1, summed));
	for (int op = 0; op < 400; op++) {
		int a = (int)(host_rand(&seed) % BKEYS);
		int len = (int)(host_rand(&seed) % (unsigned)maxlen);
		int b = MIN(a + len, BKEYS - 1);

		swap_range(t, a, b);
		CHECK(tree_ok(&t[0], 0, summed));
		CHECK(tree_ok(&t[1], 1, summed));
	}
}

TEST(avl_bulk_random_swaps_vs_model)
{
	static const uint64_t seeds[] = {3, 99, 0xfeedface, 123456789};
	static const int splits[] = {2, 50, 90};
	static const int lens[] = {1, 8, 120, BKEYS};

	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++)
		for (size_t p = 0; p < ARRAY_SIZE(splits); p++)
			for (size_t l = 0; l < ARRAY_SIZE(lens); l++)
				run_swaps(seeds[s], splits[p], lens[l],
					  (s + l) % 2 == 0);
}

/* Whole trees, single nodes, and runs at either end. */
TEST(avl_bulk_edges)
{
	struct avl_tree t, d;
	size_t n = 300;

	avl_init(&t, bitem_cmp);
	avl_init(&d, bitem_cmp);
	for (size_t k = 0; k < n; k++) {
		bitems[k].key = (int)k;
		CHECK(avl_insert(&t, &bitems[k].node) == 0);
	}
	/* Everything out and back. */
	avl_cut_run(&t, avl_first(&t), &bitems[n - 1].node, n, &d);
	CHECK(t.root == NULL && t.count == 0 && d.count == n && avl_check(&d));
	avl_paste_after(&t, NULL, &d);
	CHECK(t.count == n && d.root == NULL && avl_check(&t));
	/* The first node, the last node, one in the middle. */
	avl_cut_run(&t, &bitems[0].node, &bitems[0].node, 1, &d);
	CHECK(avl_check(&t) && avl_check(&d) && d.count == 1);
	avl_paste_after(&t, NULL, &d);
	avl_cut_run(&t, &bitems[n - 1].node, &bitems[n - 1].node, 1, &d);
	CHECK(avl_check(&t) && t.count == n - 1);
	avl_paste_after(&t, &bitems[n - 2].node, &d);
	avl_cut_run(&t, &bitems[7].node, &bitems[200].node, 194, &d);
	CHECK(avl_check(&t) && avl_check(&d) && t.count == n - 194);
	CHECK(avl_first(&d) == &bitems[7].node);
	avl_paste_after(&t, &bitems[6].node, &d);
	CHECK(avl_check(&t) && t.count == n);
	{
		const struct avl_node *x = avl_first(&t);

		for (size_t k = 0; k < n; k++, x = avl_next(x))
			CHECK(x == &bitems[k].node);
	}
	/* Pasting into an empty tree, and an empty tree into one. */
	avl_cut_run(&t, avl_first(&t), &bitems[n - 1].node, n, &d);
	avl_paste_after(&t, NULL, &d);
	avl_paste_after(&t, &bitems[3].node, &d);
	CHECK(avl_check(&t) && t.count == n);
}
