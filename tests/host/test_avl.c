/*
 * test_avl.c - host tests for the intrusive AVL tree (mm/avl.c): random
 * operation sequences against a sorted-array model, subtree-size
 * augmentation, cloning and draining whole trees, and write hooks checked
 * with real page protection.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/avl.h>
#include "host.h"

#define NKEYS 1500

struct item {
	struct avl_node node;
	int key;
	size_t size; /* nodes in this subtree, kept by the update hook */
	bool in_tree;
};

static int item_cmp(const struct avl_node *a, const struct avl_node *b)
{
	int ka = avl_entry(a, struct item, node)->key;
	int kb = avl_entry(b, struct item, node)->key;

	return (ka > kb) - (ka < kb);
}

static int item_key(const void *key, const struct avl_node *n)
{
	int k = *(const int *)key, nk = avl_entry(n, struct item, node)->key;

	return (k > nk) - (k < nk);
}

/* Walking backwards: mm itself only walks forwards, so these live here. */
static struct avl_node *avl_last(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->right)
		n = n->right;
	return n;
}

static struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

static size_t sub_size(const struct avl_node *n)
{
	return n ? avl_entry(n, struct item, node)->size : 0;
}

static void item_update(struct avl_node *n)
{
	avl_entry(n, struct item, node)->size =
	    1 + sub_size(n->left) + sub_size(n->right);
}

static int key_of(const struct avl_node *n)
{
	return n ? avl_entry(n, struct item, node)->key : -1;
}

/* The reference model: sorted array of keys present. */
struct model {
	int keys[NKEYS];
	size_t n;
};

/* Index of the first key >= k. */
static size_t model_lower(const struct model *m, int k)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool model_has(const struct model *m, int k)
{
	size_t i = model_lower(m, k);
	return i < m->n && m->keys[i] == k;
}

static void model_insert(struct model *m, int k)
{
	size_t i = model_lower(m, k);

	memmove(&m->keys[i + 1], &m->keys[i], (m->n - i) * sizeof(int));
	m->keys[i] = k;
	m->n++;
}

static void model_remove(struct model *m, int k)
{
	size_t i = model_lower(m, k);

	memmove(&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof(int));
	m->n--;
}

static int model_le(const struct model *m, int k)
{
	size_t i = model_lower(m, k);

	if (i < m->n && m->keys[i] == k)
		return k;
	return i > 0 ? m->keys[i - 1] : -1;
}

static int model_ge(const struct model *m, int k)
{
	size_t i = model_lower(m, k);
	return i < m->n ? m->keys[i] : -1;
}

/* Subtree sizes right everywhere? */
static bool sizes_ok(const struct avl_node *n)
{
	if (!n)
		return true;
	if (sub_size(n) != 1 + sub_size(n->left) + sub_size(n->right))
		return false;
	return sizes_ok(n->left) && sizes_ok(n->right);
}

/* Whole-tree comparison against the model, both directions. */
static bool tree_matches(const struct avl_tree *t, const struct model *m)
{
	const struct avl_node *n;
	size_t i = 0;

	if (!avl_check(t) || t->count != m->n || !sizes_ok(t->root))
		return false;
	for (n = avl_first(t); n; n = avl_next(n), i++)
		if (i >= m->n || key_of(n) != m->keys[i])
			return false;
	if (i != m->n)
		return false;
	for (n = avl_last(t); n; n = avl_prev(n))
		if (i == 0 || key_of(n) != m->keys[--i])
			return false;
	return i == 0;
}

static struct item items[NKEYS];
static struct model model;

/* One random operation; returns false on a mismatch with the model. */
static bool random_op(struct avl_tree *t, uint64_t *seed, int keyspace)
{
	int k = (int)(host_rand(seed) % (unsigned)keyspace);
	unsigned op = host_rand(seed) % 8;
	struct avl_node *n;

	switch (op) {
	case 0:
	case 1:
	case 2: /* insert, bias towards growth */
		if (avl_insert(t, &items[k].node) == -EEXIST)
			return model_has(&model, k);
		if (model_has(&model, k))
			return false;
		model_insert(&model, k);
		return true;
	case 3:
	case 4: /* remove */
		n = avl_find(t, &k, item_key);
		if ((n != NULL) != model_has(&model, k))
			return false;
		if (n) {
			avl_remove(t, n);
			model_remove(&model, k);
		}
		return true;
	case 5:
		return key_of(avl_find_le(t, &k, item_key)) ==
		       model_le(&model, k);
	case 6:
		return key_of(avl_find_ge(t, &k, item_key)) ==
		       model_ge(&model, k);
	default: /* neighbours of some present node */
		n = avl_find_ge(t, &k, item_key);
		if (!n)
			return model_ge(&model, k) == -1;
		{
			size_t i = model_lower(&model, key_of(n));
			int nx = i + 1 < model.n ? model.keys[i + 1] : -1;
			int pv = i > 0 ? model.keys[i - 1] : -1;
			return key_of(avl_next(n)) == nx &&
			       key_of(avl_prev(n)) == pv;
		}
	}
}

static void setup(struct avl_tree *t)
{
	avl_init(t, item_cmp);
	t->update = item_update;
	memset(&model, 0, sizeof(model));
	for (int i = 0; i < NKEYS; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		items[i].key = i;
	}
}

TEST(avl_random_vs_model)
{
	static const uint64_t seeds[] = {1, 42, 0xdeadbeef, 777777, 31337};
	static const int keyspaces[] = {16, 200, NKEYS};

	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		for (size_t ks = 0; ks < ARRAY_SIZE(keyspaces); ks++) {
			struct avl_tree t;
			uint64_t seed = seeds[s];

			setup(&t);
			for (int op = 0; op < 6000; op++) {
				CHECK(random_op(&t, &seed, keyspaces[ks]));
				if (op % 97 == 0)
					CHECK(tree_matches(&t, &model));
			}
			CHECK(tree_matches(&t, &model));
		}
	}
}

TEST(avl_sequential_and_drain)
{
	struct avl_tree t;

	setup(&t);
	/* Ascending inserts: the worst case for an unbalanced tree. */
	for (int i = 0; i < NKEYS; i++) {
		CHECK_EQ(avl_insert(&t, &items[i].node), 0);
		model_insert(&model, i);
	}
	CHECK(tree_matches(&t, &model));
	CHECK(t.root->height <= 16); /* 1.44 log2(1500) ~ 15.2 */
	/* Drain from the root: always the two-children case. */
	while (t.root) {
		int k = key_of(t.root);
		avl_remove(&t, t.root);
		model_remove(&model, k);
		if (model.n % 50 == 0)
			CHECK(tree_matches(&t, &model));
	}
	CHECK(tree_matches(&t, &model));
	CHECK(avl_first(&t) == NULL && avl_last(&t) == NULL);
}

/* The clone's items: twins of items[] (same keys), for avl_clone. */
static struct item twins[NKEYS];
static unsigned long twin_copies;

static struct avl_node *copy_twin(const struct avl_node *n, void *ctx)
{
	int k = avl_entry(n, struct item, node)->key;
	struct item *it = &twins[k];

	(void)ctx;
	twin_copies++;
	memset(it, 0xa5, sizeof(*it)); /* links must all be written */
	it->key = k;
	it->size = 0;
	return &it->node;
}

static unsigned long drained;
static bool drain_order_ok;

/* Children come before their parent: each visited node's children were
 * visited already (marked by in_tree = false). */
static void drain_one(struct avl_node *n, void *ctx)
{
	struct item *it = avl_entry(n, struct item, node);

	(void)ctx;
	if ((n->left && avl_entry(n->left, struct item, node)->in_tree) ||
	    (n->right && avl_entry(n->right, struct item, node)->in_tree))
		drain_order_ok = false;
	it->in_tree = false;
	drained++;
}

TEST(avl_clone_and_drain_random)
{
	static const uint64_t seeds[] = {3, 99, 0xfeedface};

	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		struct avl_tree t, c;
		uint64_t seed = seeds[s];

		setup(&t);
		for (int op = 0; op < 4000 + (int)s * 1000; op++)
			CHECK(random_op(&t, &seed, NKEYS));
		avl_init(&c, item_cmp);
		c.update = item_update;
		twin_copies = 0;
		avl_clone(&c, &t, copy_twin, NULL);
		/* Same keys in the same order, a valid tree, sizes kept. */
		CHECK_EQ(twin_copies, model.n);
		CHECK(tree_matches(&c, &model));
		CHECK(tree_matches(&t, &model));
		for (struct avl_node *n = avl_first(&c); n; n = avl_next(n))
			CHECK(avl_entry(n, struct item, node) ==
			      &twins[key_of(n)]);
		/* The clone takes inserts and removes like any tree. */
		for (int op = 0; op < 2000; op++) {
			int k = (int)(host_rand(&seed) % NKEYS);
			struct avl_node *n = avl_find(&c, &k, item_key);

			twins[k].key = k;
			if (n)
				avl_remove(&c, n);
			else
				CHECK_EQ(avl_insert(&c, &twins[k].node), 0);
		}
		CHECK(avl_check(&c) && sizes_ok(c.root));
		/* Drain: every node once, children first, tree empty. */
		for (struct avl_node *n = avl_first(&t); n; n = avl_next(n))
			avl_entry(n, struct item, node)->in_tree = true;
		drained = 0;
		drain_order_ok = true;
		avl_drain(&t, drain_one, NULL);
		CHECK_EQ(drained, model.n);
		CHECK(drain_order_ok);
		CHECK(t.root == NULL && t.count == 0 && avl_first(&t) == NULL);
	}
}

TEST(avl_empty_and_duplicate)
{
	struct avl_tree t;
	int k = 5;
	struct item dup = {.key = 5};

	setup(&t);
	CHECK(avl_find(&t, &k, item_key) == NULL);
	CHECK(avl_find_le(&t, &k, item_key) == NULL);
	CHECK(avl_find_ge(&t, &k, item_key) == NULL);
	CHECK(avl_check(&t));
	CHECK_EQ(avl_insert(&t, &items[5].node), 0);
	CHECK_EQ(avl_insert(&t, &dup.node), -EEXIST);
	CHECK_EQ(t.count, 1);
	CHECK(t.root == &items[5].node);
	CHECK(avl_find(&t, &k, item_key) == &items[5].node);
	k = 4;
	CHECK(avl_find_le(&t, &k, item_key) == NULL);
	CHECK(avl_find_ge(&t, &k, item_key) == &items[5].node);
	k = 6;
	CHECK(avl_find_le(&t, &k, item_key) == &items[5].node);
	CHECK(avl_find_ge(&t, &k, item_key) == NULL);
}

TEST(avl_check_detects_corruption)
{
	struct avl_tree t;

	setup(&t);
	for (int i = 0; i < 100; i++)
		avl_insert(&t, &items[i].node);
	CHECK(avl_check(&t));
	items[50].key = 1000; /* out of order */
	CHECK(!avl_check(&t));
	items[50].key = 50;
	t.root->height++;
	CHECK(!avl_check(&t));
	t.root->height--;
	t.count++;
	CHECK(!avl_check(&t));
	t.count--;
	CHECK(avl_check(&t));
}

/* avl_replace moves a node; avl_propagate refreshes summaries in place. */
TEST(avl_replace_and_propagate)
{
	struct avl_tree t;
	static struct item copies[NKEYS];

	setup(&t);
	for (int i = 0; i < 300; i++) {
		avl_insert(&t, &items[i].node);
		model_insert(&model, i);
	}
	for (int i = 0; i < 300; i += 3) {
		copies[i] = items[i];
		avl_replace(&t, &items[i].node, &copies[i].node);
		memset(&items[i], 0xa5, sizeof(items[i])); /* old is dead */
	}
	CHECK(tree_matches(&t, &model));
	/* Break sizes from a leaf to the root; propagate repairs them. */
	struct avl_node *leaf = avl_first(&t);
	for (struct avl_node *n = leaf; n; n = n->parent)
		avl_entry(n, struct item, node)->size = 0;
	CHECK(!sizes_ok(t.root));
	avl_propagate(&t, leaf);
	CHECK(sizes_ok(t.root));
}

/*
 * Write hooks: every node and the tree header live in their own arena
 * page, kept read-only except between write_begin and write_end of that
 * very object. An unbracketed store faults and fails the test.
 */
#define WH_NODES 300
#define WH_FIRST_PAGE 2000

static const void *wh_open;
static unsigned long wh_begins, wh_ends, wh_bad;

static void wh_begin(const void *p)
{
	if (wh_open)
		wh_bad++; /* nested or unbalanced */
	wh_open = p;
	wh_begins++;
	arch_page_set_writable((void *)((uintptr_t)p & ~(uintptr_t)4095), 1);
}

static void wh_end(const void *p)
{
	if (wh_open != p)
		wh_bad++;
	wh_open = NULL;
	wh_ends++;
	arch_page_set_writable((void *)((uintptr_t)p & ~(uintptr_t)4095), 0);
}

static struct item *wh_item(int i)
{
	return arch_phys_to_virt((WH_FIRST_PAGE + 1 + i) * PAGE_SIZE);
}

TEST(avl_write_hooks_bracket_all_writes)
{
	struct avl_tree *t = arch_phys_to_virt(WH_FIRST_PAGE * PAGE_SIZE);
	struct model *m = &model;
	uint64_t seed = 99;

	avl_init(t, item_cmp);
	t->update = item_update;
	t->write_begin = wh_begin;
	t->write_end = wh_end;
	memset(m, 0, sizeof(*m));
	wh_open = NULL;
	wh_begins = wh_ends = wh_bad = 0;
	for (int i = 0; i <= WH_NODES; i++) {
		if (i < WH_NODES) {
			memset(wh_item(i), 0, sizeof(struct item));
			wh_item(i)->key = i;
		}
		arch_page_set_writable(i < WH_NODES ? (void *)wh_item(i) : t,
				       0);
	}
	for (int op = 0; op < 4000; op++) {
		int k = (int)(host_rand(&seed) % WH_NODES);
		struct avl_node *n = avl_find(t, &k, item_key);

		if (n) {
			avl_remove(t, n);
			model_remove(m, k);
		} else {
			CHECK_EQ(avl_insert(t, &wh_item(k)->node), 0);
			model_insert(m, k);
		}
		if (op % 200 == 0)
			CHECK(avl_check(t) && sizes_ok(t->root));
	}
	CHECK(avl_check(t) && sizes_ok(t->root) && t->count == m->n);
	CHECK(wh_begins > 0);
	CHECK_EQ(wh_begins, wh_ends);
	CHECK_EQ(wh_bad, 0);
	CHECK(wh_open == NULL);
}
