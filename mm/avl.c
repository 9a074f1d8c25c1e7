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

/* ---- bulk moves: cutting a run out, pasting a tree in ---- */

/*
 * These work on detached subtrees (root's parent NULL). The rotations
 * they make may store into t->root in passing; the callers set it last.
 */

/* Detach n (may be NULL) from its parent: a subtree root. */
static struct avl_node *detach(struct avl_tree *t, struct avl_node *n)
{
	set_parent(t, n, NULL);
	return n;
}

/* Make k the root of l, k, r (l's keys below k's, r's above), as heights
 * allow; returns k. */
static struct avl_node *hang(struct avl_tree *t, struct avl_node *l,
			     struct avl_node *k, struct avl_node *r,
			     struct avl_node *p)
{
	wbegin(t, k);
	k->left = l;
	k->right = r;
	k->parent = p;
	k->height = 0;
	wend(t, k);
	set_parent(t, l, k);
	set_parent(t, r, k);
	fix_node(t, k);
	return k;
}

/* The root of the subtree holding n. */
static struct avl_node *root_of(struct avl_node *n)
{
	while (n->parent)
		n = n->parent;
	return n;
}

/*
 * Join the detached subtrees l and r through k (keys l < k < r) into one
 * balanced subtree; returns its root. O(|height(l) - height(r)| + 1):
 * k goes down the taller tree's inner spine to a subtree as high as the
 * other tree, and the path above is rebalanced.
 */
static struct avl_node *join3(struct avl_tree *t, struct avl_node *l,
			      struct avl_node *k, struct avl_node *r)
{
	int hl = height(l), hr = height(r);
	struct avl_node *c, *p = NULL;

	if (hl > hr + 1) {
		for (c = l; height(c) > hr + 1; c = c->right)
			p = c;
		set_right(t, p, hang(t, c, k, r, p));
	} else if (hr > hl + 1) {
		for (c = r; height(c) > hl + 1; c = c->left)
			p = c;
		set_left(t, p, hang(t, l, k, c, p));
	} else {
		return hang(t, l, k, r, NULL);
	}
	retrace(t, p);
	return root_of(k);
}

/*
 * Split the detached subtree holding x into the nodes before x (*lo) and
 * after it (*hi), both detached; x is left in neither. Bottom up: each
 * ancestor joins the side x is not on. O(log n) in all.
 */
static void split_at(struct avl_tree *t, struct avl_node *x,
		     struct avl_node **lo, struct avl_node **hi)
{
	struct avl_node *l = detach(t, x->left), *r = detach(t, x->right);
	struct avl_node *n = x, *p = x->parent;

	while (p) {
		struct avl_node *up = p->parent;

		if (p->left == n)
			r = join3(t, r, p, detach(t, p->right));
		else
			l = join3(t, detach(t, p->left), p, l);
		n = p;
		p = up;
	}
	*lo = l;
	*hi = r;
}

/* Join detached subtrees l and r (keys l < r) with no pivot: r's first
 * node is split off and used as one. */
static struct avl_node *join2(struct avl_tree *t, struct avl_node *l,
			      struct avl_node *r)
{
	struct avl_node *m, *none, *rest;

	if (!l || !r)
		return l ? l : r;
	m = leftmost(r);
	split_at(t, m, &none, &rest);
	return join3(t, l, m, rest);
}

void avl_cut_run(struct avl_tree *t, struct avl_node *first,
		 struct avl_node *last, size_t count, struct avl_tree *dst)
{
	struct avl_node *before, *after, *mid, *tail;

	BUG_ON(dst->root || count == 0 || count > t->count);
	if (count == t->count) { /* the whole tree moves as it is */
		set_root(dst, t->root);
		set_root(t, NULL);
		add_count(t, -(int)count);
		add_count(dst, (int)count);
		return;
	}
	split_at(t, first, &before, &after);
	if (last == first) {
		mid = hang(t, NULL, first, NULL, NULL);
	} else {
		split_at(t, last, &mid, &tail);
		mid = join3(t, join3(t, NULL, first, mid), last, NULL);
		after = tail;
	}
	set_root(t, join2(t, before, after));
	add_count(t, -(int)count);
	set_root(dst, mid);
	add_count(dst, (int)count);
}

void avl_paste_after(struct avl_tree *t, struct avl_node *pred,
		     struct avl_tree *src)
{
	struct avl_node *in = src->root, *root = t->root, *lo, *hi;
	size_t count = src->count;

	if (!in)
		return;
	set_root(src, NULL);
	add_count(src, -(int)count);
	if (pred) {
		split_at(t, pred, &lo, &hi);
		root = join3(t, lo, pred, join2(t, in, hi));
	} else {
		root = join2(t, in, root);
	}
	set_root(t, root);
	add_count(t, (int)count);
}
