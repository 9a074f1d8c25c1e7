/*
 * avl_check.c - the full structural check of an AVL tree (avl_check in
 * include/mm/avl.h): order, parent links, heights, balance and count,
 * for the sanity checker and the host tests. Reads only.
 */
#include <kernel/printk.h>
#include <mm/avl.h>

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
