/*
 * avl.c - intrusive AVL tree with parent pointers (include/mm/avl.h).
 *
 * Used for free physical ranges, regions and physical-region entries.
 * Nodes may live in read-only slab pages, so every store into a node or
 * into the tree header is bracketed by the tree's write_begin/write_end
 * hooks. The optional update hook lets users keep per-subtree summaries:
 * it is called for each node whose subtree changed, children first.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/avl.h>

static inline void wbegin(const struct avl_tree *t, const void *p)
{
	if (t->write_begin)
		t->write_begin(p);
}

static inline void wend(const struct avl_tree *t, const void *p)
{
	if (t->write_end)
		t->write_end(p);
}

/* Bracketed stores. */
static void set_left(struct avl_tree *t, struct avl_node *n, struct avl_node *v)
{
	wbegin(t, n);
	n->left = v;
	wend(t, n);
}

static void set_right(struct avl_tree *t, struct avl_node *n,
		      struct avl_node *v)
{
	wbegin(t, n);
	n->right = v;
	wend(t, n);
}

static void set_parent(struct avl_tree *t, struct avl_node *n,
		       struct avl_node *v)
{
	if (!n)
		return;
	wbegin(t, n);
	n->parent = v;
	wend(t, n);
}

static void set_root(struct avl_tree *t, struct avl_node *v)
{
	wbegin(t, t);
	t->root = v;
	wend(t, t);
}

static void add_count(struct avl_tree *t, int delta)
{
	wbegin(t, t);
	t->count += delta;
	wend(t, t);
}

/* Make whatever pointed at old (its parent or the root) point at new. */
static void replace_child(struct avl_tree *t, struct avl_node *parent,
			  struct avl_node *old, struct avl_node *new)
{
	if (!parent)
		set_root(t, new);
	else if (parent->left == old)
		set_left(t, parent, new);
	else
		set_right(t, parent, new);
}

static inline int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

/* Recompute n's height and let the user refresh its summary. */
static void fix_node(struct avl_tree *t, struct avl_node *n)
{
	int h = 1 + MAX(height(n->left), height(n->right));

	if (n->height != h) {
		wbegin(t, n);
		n->height = h;
		wend(t, n);
	}
	if (t->update) {
		wbegin(t, n);
		t->update(n);
		wend(t, n);
	}
}

/* Rotate n's right child up into n's place; returns the new subtree root. */
static struct avl_node *rotate_left(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *r = n->right, *p = n->parent;

	set_right(t, n, r->left);
	set_parent(t, r->left, n);
	set_parent(t, r, p);
	replace_child(t, p, n, r);
	set_left(t, r, n);
	set_parent(t, n, r);
	fix_node(t, n);
	fix_node(t, r);
	return r;
}

static struct avl_node *rotate_right(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *l = n->left, *p = n->parent;

	set_left(t, n, l->right);
	set_parent(t, l->right, n);
	set_parent(t, l, p);
	replace_child(t, p, n, l);
	set_right(t, l, n);
	set_parent(t, n, l);
	fix_node(t, n);
	fix_node(t, l);
	return l;
}

/* Restore balance at n (children already balanced); returns subtree root. */
static struct avl_node *rebalance(struct avl_tree *t, struct avl_node *n)
{
	int bf = height(n->left) - height(n->right);

	if (bf > 1) {
		if (height(n->left->left) < height(n->left->right))
			rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (bf < -1) {
		if (height(n->right->right) < height(n->right->left))
			rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	fix_node(t, n);
	return n;
}

/*
 * Walk from n up fixing heights, balance and summaries. A tree with
 * summaries goes all the way up (O(log n)): they may change above even
 * when heights do not. Without them the walk stops at the first subtree
 * whose height came out as before, as an AVL tree may: its ancestors see
 * nothing else (amortized O(1) per insert or remove).
 */
static void retrace(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		int before = n->height;
		struct avl_node *top = rebalance(t, n);

		if (!t->update && top->height == before)
			return;
		n = top->parent;
	}
}

void avl_init(struct avl_tree *t, avl_cmp_fn cmp)
{
	t->root = NULL;
	t->cmp = cmp;
	t->write_begin = NULL;
	t->write_end = NULL;
	t->update = NULL;
	t->count = 0;
}

/* Hang new leaf n under p (NULL: n is the root) on its left or right,
 * then count it and rebalance upwards. */
static void attach_leaf(struct avl_tree *t, struct avl_node *p,
			struct avl_node *n, bool left)
{
	wbegin(t, n);
	n->left = n->right = NULL;
	n->parent = p;
	n->height = 1;
	wend(t, n);
	if (!p)
		set_root(t, n);
	else if (left)
		set_left(t, p, n);
	else
		set_right(t, p, n);
	add_count(t, 1);
	fix_node(t, n);
	retrace(t, p);
}

int avl_insert(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *p = NULL, *cur = t->root;
	int c = 0;

	while (cur) {
		c = t->cmp(n, cur);
		if (c == 0)
			return -EEXIST;
		p = cur;
		cur = c < 0 ? cur->left : cur->right;
	}
	attach_leaf(t, p, n, c < 0);
	return 0;
}

static struct avl_node *leftmost(struct avl_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

/* Insert n just after pred with no comparison: the caller knows that
 * n's key lies between pred's and its successor's (a sorted run). */
void avl_insert_after(struct avl_tree *t, struct avl_node *pred,
		      struct avl_node *n)
{
	struct avl_node *p = pred->right ? leftmost(pred->right) : pred;

	attach_leaf(t, p, n, p != pred);
}

/* Remove n, which has two children, by moving its successor into place. */
static void remove_inner(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *s = leftmost(n->right), *from = s;

	if (s->parent != n) {
		/* Unhook s from deep in the right subtree first. */
		from = s->parent;
		set_left(t, from, s->right);
		set_parent(t, s->right, from);
		set_right(t, s, n->right);
		set_parent(t, n->right, s);
	}
	set_left(t, s, n->left);
	set_parent(t, n->left, s);
	set_parent(t, s, n->parent);
	replace_child(t, n->parent, n, s);
	wbegin(t, s);
	s->height = n->height;
	wend(t, s);
	retrace(t, from);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	if (n->left && n->right) {
		remove_inner(t, n);
	} else {
		struct avl_node *child = n->left ? n->left : n->right;

		replace_child(t, n->parent, n, child);
		set_parent(t, child, n->parent);
		retrace(t, n->parent);
	}
	add_count(t, -1);
}

void avl_replace(struct avl_tree *t, struct avl_node *old, struct avl_node *new)
{
	wbegin(t, new);
	*new = *old;
	wend(t, new);
	replace_child(t, old->parent, old, new);
	set_parent(t, old->left, new);
	set_parent(t, old->right, new);
	avl_propagate(t, new);
}

void avl_propagate(struct avl_tree *t, struct avl_node *n)
{
	if (!t->update)
		return;
	for (; n; n = n->parent) {
		wbegin(t, n);
		t->update(n);
		wend(t, n);
	}
}

/* Copy the subtree at n under parent; returns the copy's root. */
static struct avl_node *clone_sub(struct avl_tree *t, const struct avl_node *n,
				  struct avl_node *parent, avl_copy_fn copy,
				  void *ctx)
{
	struct avl_node *c, *l, *r;

	if (!n)
		return NULL;
	c = copy(n, ctx);
	l = clone_sub(t, n->left, c, copy, ctx);
	r = clone_sub(t, n->right, c, copy, ctx);
	wbegin(t, c);
	c->left = l;
	c->right = r;
	c->parent = parent;
	c->height = n->height;
	if (t->update)
		t->update(c);
	wend(t, c);
	return c;
}

void avl_clone(struct avl_tree *dst, const struct avl_tree *src,
	       avl_copy_fn copy, void *ctx)
{
	BUG_ON(dst->root);
	set_root(dst, clone_sub(dst, src->root, NULL, copy, ctx));
	add_count(dst, (int)src->count);
}

/* Children before parents, so fn may free each node it is given. */
static void drain_sub(struct avl_node *n, avl_visit_fn fn, void *ctx)
{
	struct avl_node *l, *r;

	if (!n)
		return;
	l = n->left;
	r = n->right;
	drain_sub(l, fn, ctx);
	drain_sub(r, fn, ctx);
	fn(n, ctx);
}

void avl_drain(struct avl_tree *t, avl_visit_fn fn, void *ctx)
{
	struct avl_node *root = t->root;

	set_root(t, NULL);
	add_count(t, -(int)t->count);
	drain_sub(root, fn, ctx);
}

struct avl_node *avl_find(const struct avl_tree *t, const void *key,
			  avl_key_fn kf)
{
	struct avl_node *n = t->root;

	while (n) {
		int c = kf(key, n);

		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

struct avl_node *avl_find_le(const struct avl_tree *t, const void *key,
			     avl_key_fn kf)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		int c = kf(key, n);

		if (c == 0)
			return n;
		if (c < 0) {
			n = n->left;
		} else {
			best = n;
			n = n->right;
		}
	}
	return best;
}

struct avl_node *avl_find_ge(const struct avl_tree *t, const void *key,
			     avl_key_fn kf)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		int c = kf(key, n);

		if (c == 0)
			return n;
		if (c > 0) {
			n = n->right;
		} else {
			best = n;
			n = n->left;
		}
	}
	return best;
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	return leftmost(t->root);
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct check_state {
	const struct avl_tree *t;
	const struct avl_node *prev; /* previous node in order */
	size_t seen;
};

/* An AVL tree of 2^32 nodes is below 48 high; deeper means a cycle. */
#define AVL_MAX_DEPTH 64

/* Checks the subtree at n; returns its height, or -1 after printing why. */
static int check_sub(struct check_state *cs, const struct avl_node *n,
		     const struct avl_node *parent, int depth)
{
	int hl, hr;

	if (!n)
		return 0;
	if (depth > AVL_MAX_DEPTH || ++cs->seen > cs->t->count) {
		printk("avl_check: tree deeper or larger than count %u\n",
		       (unsigned)cs->t->count);
		return -1;
	}
	if (n->parent != parent) {
		printk("avl_check: node %p has parent %p, expected %p\n",
		       (const void *)n, (const void *)n->parent,
		       (const void *)parent);
		return -1;
	}
	hl = check_sub(cs, n->left, n, depth + 1);
	if (hl < 0)
		return -1;
	if (cs->prev && cs->t->cmp(cs->prev, n) >= 0) {
		printk("avl_check: node %p out of order\n", (const void *)n);
		return -1;
	}
	cs->prev = n;
	hr = check_sub(cs, n->right, n, depth + 1);
	if (hr < 0)
		return -1;
	if (n->height != 1 + MAX(hl, hr) || hl - hr > 1 || hr - hl > 1) {
		printk("avl_check: node %p height %d, children %d/%d\n",
		       (const void *)n, n->height, hl, hr);
		return -1;
	}
	return n->height;
}

bool avl_check(const struct avl_tree *t)
{
	struct check_state cs = {t, NULL, 0};

	if (check_sub(&cs, t->root, NULL, 0) < 0)
		return false;
	if (cs.seen != t->count) {
		printk("avl_check: %u nodes, count says %u\n",
		       (unsigned)cs.seen, (unsigned)t->count);
		return false;
	}
	return true;
}
