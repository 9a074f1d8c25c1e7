/*
 * avl.h - intrusive AVL tree used for free ranges, regions and
 * physical-region entries.
 *
 * Nodes are embedded in the caller's objects. Every write the tree makes to
 * a node or to the tree header goes through the optional write_begin /
 * write_end hooks, so trees whose nodes live in read-only slab pages
 * (sanity mode) can unlock exactly the page being written.
 */
#ifndef MM_AVL_H
#define MM_AVL_H

#include <kernel/types.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height;
};

/* <0, 0, >0 as a's key is below, equal to, above b's key. */
typedef int (*avl_cmp_fn)(const struct avl_node *a, const struct avl_node *b);
/* <0, 0, >0 as key is below, equal to, above n's key. */
typedef int (*avl_key_fn)(const void *key, const struct avl_node *n);

struct avl_tree {
	struct avl_node *root;
	avl_cmp_fn cmp;
	void (*write_begin)(const void *p); /* may be NULL */
	void (*write_end)(const void *p);   /* may be NULL */
	/*
	 * Augmentation (may be NULL): called for every node whose subtree
	 * changed, children before parents, after each insert, remove and
	 * rotation, so callers can keep per-subtree summaries (the physical
	 * allocator keeps the largest free range below each node).
	 * Called between write_begin(n) and write_end(n).
	 */
	void (*update)(struct avl_node *n);
	size_t count;
};

/* Sets every hook to NULL; callers set the ones they need afterwards. */
void avl_init(struct avl_tree *t, avl_cmp_fn cmp);
/* Returns 0, or -EEXIST (tree unchanged) if an equal key is present. */
int avl_insert(struct avl_tree *t, struct avl_node *n);
/* Insert n right after pred with no comparison (the caller knows n's key
 * lies between pred's and its successor's: a sorted run). */
void avl_insert_after(struct avl_tree *t, struct avl_node *pred,
		      struct avl_node *n);
void avl_remove(struct avl_tree *t, struct avl_node *n);
/*
 * Put new (not in the tree, not overlapping old) in old's place: links are
 * copied, so new's key must order like old's against every other node.
 * Summaries of new and its ancestors are then refreshed.
 */
void avl_replace(struct avl_tree *t, struct avl_node *old,
		 struct avl_node *new);
/*
 * Call update on n and every ancestor up to the root: for users that
 * changed a summarised field of n (not its key) in place.
 */
void avl_propagate(struct avl_tree *t, struct avl_node *n);

/* The node standing for n in a copy of n's tree (avl_clone). */
typedef struct avl_node *(*avl_copy_fn)(const struct avl_node *n, void *ctx);
/*
 * Give the empty tree dst the shape of src, in O(n) with no comparison or
 * rotation: copy(n, ctx) returns a node (not in any tree) whose key orders
 * like n's against the others. Heights are copied; summaries recomputed.
 */
void avl_clone(struct avl_tree *dst, const struct avl_tree *src,
	       avl_copy_fn copy, void *ctx);

/*
 * Bulk moves in O(log n) rotations, no comparison (trees with the same
 * hooks and order). avl_cut_run: move the count nodes from first to last
 * (a run in order, both in t) out of t into the empty tree dst.
 * avl_paste_after: move every node of src into t right after pred (NULL:
 * before all), src's keys all lying between pred's and its successor's;
 * src is left empty.
 */
void avl_cut_run(struct avl_tree *t, struct avl_node *first,
		 struct avl_node *last, size_t count, struct avl_tree *dst);
void avl_paste_after(struct avl_tree *t, struct avl_node *pred,
		     struct avl_tree *src);

typedef void (*avl_visit_fn)(struct avl_node *n, void *ctx);
/* Empty t and hand every node to fn, children before their parent (fn
 * may free the node), in O(n) with no rebalancing. */
void avl_drain(struct avl_tree *t, avl_visit_fn fn, void *ctx);

struct avl_node *avl_find(const struct avl_tree *t, const void *key,
			  avl_key_fn kf);
/* Greatest node with key <= key, or NULL. */
struct avl_node *avl_find_le(const struct avl_tree *t, const void *key,
			     avl_key_fn kf);
/* Least node with key >= key, or NULL. */
struct avl_node *avl_find_ge(const struct avl_tree *t, const void *key,
			     avl_key_fn kf);

struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_next(const struct avl_node *n);

/* Full structural check (order, parent links, heights, balance, count). */
bool avl_check(const struct avl_tree *t);

#define avl_entry(ptr, type, member) \
	((ptr) ? container_of(ptr, type, member) : (type *)0)

#endif
