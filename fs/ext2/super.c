/*
 * super.c - mounting an ext2 file system: the superblock and group
 * descriptor checks that decide whether an image is accepted, the
 * metadata map that every block pointer is checked against, sync and
 * unmount (clean state written back), statfs and error reporting.
 *
 * Invariants while mounted: fs->free_blocks and fs->free_inodes equal the
 * sums of the group descriptors' counts (recomputed at mount, kept by
 * balloc.c); the group descriptor blocks stay held in the block cache;
 * a read-write mount leaves EXT2_VALID_FS cleared on disk until unmount.
 */
#include <stdarg.h>
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "ext2_internal.h"

#define EXT2_MAX_PRINTED_ERRORS 20u

uint32_t ext2_now(void)
{
	return fs_clock_now();
}

void ext2_error(struct ext2_fs *fs, uint32_t ino, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	USE(fs, {
		fs->mount_state |= EXT2_ERROR_FS;
		fs->nerrors++;
	});
	if (fs->nerrors > EXT2_MAX_PRINTED_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintk(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("ext2 %s: inode %u: %s%s\n", fs->dev->name, ino, msg,
	       fs->nerrors == EXT2_MAX_PRINTED_ERRORS
		   ? " (further errors not shown)"
		   : "");
}

struct ext2_group_desc *ext2_gd(struct ext2_fs *fs, uint32_t group,
				struct buf **b)
{
	uint32_t per = fs->bsize / sizeof(struct ext2_group_desc);

	*b = fs->gdt[group / per];
	return (struct ext2_group_desc *)(*b)->data + group % per;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t group)
{
	if (!(fs->ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) ||
	    group <= 1)
		return true;
	return is_power_of(group, 3) || is_power_of(group, 5) ||
	       is_power_of(group, 7);
}

/* First block of group and one past its last block. */
static void group_range(const struct ext2_fs *fs, uint32_t g, uint32_t *first,
			uint32_t *end)
{
	*first = fs->first_data_block + g * fs->bpg;
	*end = *first + fs->bpg;
	if (*end > fs->blocks_count || *end < *first)
		*end = fs->blocks_count;
}

/* Blocks at a group's start taken by the superblock and GDT copies. */
static uint32_t group_meta_head(const struct ext2_fs *fs, uint32_t g)
{
	return ext2_group_has_super(fs, g)
		   ? 1 + fs->gdt_blocks + fs->reserved_gdt
		   : 0;
}

bool ext2_block_is_meta(const struct ext2_fs *fs, uint32_t blk)
{
	uint32_t g, first, end;
	struct ext2_group_desc *gd;
	struct buf *b;

	if (blk < fs->first_data_block || blk >= fs->blocks_count)
		return true;
	g = (blk - fs->first_data_block) / fs->bpg;
	group_range(fs, g, &first, &end);
	if (blk < first + group_meta_head(fs, g))
		return true;
	gd = ext2_gd((struct ext2_fs *)fs, g, &b);
	return blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
	       (blk >= gd->bg_inode_table &&
		blk - gd->bg_inode_table < fs->itb_per_group);
}

int ext2_blk_get(struct ext2_fs *fs, uint32_t blk, struct ext2_blk *r)
{
	r->data = NULL;
	r->held = bread(fs->dev, blk, fs->bsize);
	if (!r->held)
		return -EIO;
	r->data = r->held->data;
	return 0;
}

void ext2_blk_put(struct ext2_blk *r)
{
	if (r->held)
		brelse(r->held);
	r->held = NULL;
	r->data = NULL;
}

void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st)
{
	st->bsize = fs->bsize;
	st->blocks = fs->blocks_count;
	st->bfree = fs->free_blocks;
	st->bavail =
	    fs->free_blocks > fs->r_blocks ? fs->free_blocks - fs->r_blocks : 0;
	st->files = fs->inodes_count;
	st->ffree = fs->free_inodes;
	st->namelen = EXT2_NAME_MAX;
}

/* --- checks of the superblock and group descriptors ------------------- */

#define REFUSE(msg)             \
	do {                    \
		*why = (msg);   \
		return -EINVAL; \
	} while (0)

/* Fill fs's geometry from sb, or say why the image is refused. */
/* The format: magic, revision, block size and features we support. */
static int check_format(const struct ext2_super *sb, bool rdonly,
			const char **why)
{
	if (sb->s_magic != EXT2_SUPER_MAGIC)
		REFUSE("bad magic number (not ext2)");
	if (sb->s_rev_level > 1)
		REFUSE("unknown revision level");
	if (sb->s_log_block_size > 2 ||
	    (1024u << sb->s_log_block_size) > PAGE_SIZE)
		REFUSE("unsupported block size (1, 2 and 4 KiB are)");
	if (sb->s_rev_level >= 1) {
		if (sb->s_feature_incompat & ~EXT2_INCOMPAT_SUPP)
			REFUSE("unsupported INCOMPAT features");
		if (!rdonly && (sb->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP))
			REFUSE(
			    "unsupported RO_COMPAT features (mount read-only)");
	}
	return 0;
}

/* The counts and sizes, each within what the others and the device
 * allow; sets the inode size and first inode (revision dependent). */
static int check_counts(struct ext2_fs *fs, const struct ext2_super *sb,
			struct blockdev *dev, const char **why)
{
	uint32_t bs = 1024u << sb->s_log_block_size, ipb, ngroups;

	if (sb->s_first_data_block != (bs == 1024 ? 1u : 0u))
		REFUSE("corrupt superblock: first data block");
	if (sb->s_blocks_count <= sb->s_first_data_block + 1)
		REFUSE("corrupt superblock: block count");
	if ((uint64_t)sb->s_blocks_count * (bs / BLOCKDEV_SECTOR_SIZE) >
	    dev->nsectors)
		REFUSE("file system larger than the device");
	if (sb->s_blocks_per_group < 8 || sb->s_blocks_per_group > 8 * bs ||
	    sb->s_blocks_per_group % 8)
		REFUSE("corrupt superblock: blocks per group");
	fs->inode_size =
	    sb->s_rev_level == 0 ? EXT2_GOOD_OLD_INODE_SIZE : sb->s_inode_size;
	fs->first_ino =
	    sb->s_rev_level == 0 ? EXT2_GOOD_OLD_FIRST_INO : sb->s_first_ino;
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > bs ||
	    (fs->inode_size & (fs->inode_size - 1)))
		REFUSE("corrupt superblock: inode size");
	ipb = bs / fs->inode_size;
	if (sb->s_inodes_per_group < ipb || sb->s_inodes_per_group > 8 * bs ||
	    sb->s_inodes_per_group % ipb)
		REFUSE("corrupt superblock: inodes per group");
	ngroups = (sb->s_blocks_count - sb->s_first_data_block +
		   sb->s_blocks_per_group - 1) /
		  sb->s_blocks_per_group;
	if ((uint64_t)ngroups * sb->s_inodes_per_group != sb->s_inodes_count)
		REFUSE("corrupt superblock: inode count");
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    fs->first_ino >= sb->s_inodes_count)
		REFUSE("corrupt superblock: first inode");
	if (sb->s_r_blocks_count > sb->s_blocks_count)
		REFUSE("corrupt superblock: reserved block count");
	if (sb->s_free_blocks_count > sb->s_blocks_count ||
	    sb->s_free_inodes_count > sb->s_inodes_count)
		REFUSE("corrupt superblock: free counts beyond limits");
	return 0;
}

/* The geometry fs keeps, derived once from a checked superblock. */
static void set_geometry(struct ext2_fs *fs, const struct ext2_super *sb,
			 bool rdonly)
{
	uint32_t bs = 1024u << sb->s_log_block_size;
	bool rev1 = sb->s_rev_level >= 1;

	fs->bsize = bs;
	fs->log_bsize = 10 + sb->s_log_block_size;
	fs->addr_per_block = bs / 4;
	fs->addr_bits = fs->log_bsize - 2;
	fs->blocks_count = sb->s_blocks_count;
	fs->inodes_count = sb->s_inodes_count;
	fs->first_data_block = sb->s_first_data_block;
	fs->bpg = sb->s_blocks_per_group;
	fs->ipg = sb->s_inodes_per_group;
	fs->ngroups =
	    (sb->s_blocks_count - sb->s_first_data_block + fs->bpg - 1) /
	    fs->bpg;
	fs->inodes_per_block = bs / fs->inode_size;
	fs->itb_per_group = fs->ipg / fs->inodes_per_block;
	fs->gdt_blocks = (fs->ngroups + bs / 32 - 1) / (bs / 32);
	fs->reserved_gdt = (rev1 && (sb->s_feature_compat & 0x10u))
			       ? sb->s_reserved_gdt_blocks
			       : 0;
	fs->compat = rev1 ? sb->s_feature_compat : 0;
	fs->incompat = rev1 ? sb->s_feature_incompat : 0;
	fs->ro_compat = rev1 ? sb->s_feature_ro_compat : 0;
	fs->r_blocks = sb->s_r_blocks_count;
	fs->rdonly = rdonly;
}

static int check_super(struct ext2_fs *fs, const struct ext2_super *sb,
		       struct blockdev *dev, bool rdonly, const char **why)
{
	int err = check_format(sb, rdonly, why);

	if (!err)
		err = check_counts(fs, sb, dev, why);
	if (err)
		return err;
	set_geometry(fs, sb, rdonly);
	if (fs->reserved_gdt > fs->addr_per_block)
		REFUSE("corrupt superblock: reserved GDT blocks");
	if (1 + fs->gdt_blocks + fs->reserved_gdt + 2 + fs->itb_per_group >
	    fs->bpg)
		REFUSE("corrupt superblock: group too small for its metadata");
	if (fs->gdt_blocks > SLAB_MAX_OBJ / sizeof(struct buf *))
		REFUSE("too many block groups");
	return 0;
}

static bool in_range(uint32_t blk, uint32_t n, uint32_t lo, uint32_t end)
{
	return blk >= lo && blk < end && n <= end - blk;
}

static bool overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return a < b + bn && b < a + an;
}

/* Each group's bitmaps and inode table inside the group, clear of the
 * superblock and GDT copies and of each other; counts within limits. */
static int check_groups(struct ext2_fs *fs, const char **why)
{
	uint64_t free_blocks = 0, free_inodes = 0;

	for (uint32_t g = 0; g < fs->ngroups; g++) {
		struct buf *b;
		struct ext2_group_desc *gd = ext2_gd(fs, g, &b);
		uint32_t first, end, lo, itb = fs->itb_per_group;

		group_range(fs, g, &first, &end);
		lo = first + group_meta_head(fs, g);
		if (!in_range(gd->bg_block_bitmap, 1, lo, end) ||
		    !in_range(gd->bg_inode_bitmap, 1, lo, end) ||
		    !in_range(gd->bg_inode_table, itb, lo, end))
			REFUSE(
			    "corrupt group descriptor: bitmap or inode table "
			    "outside its group");
		if (gd->bg_block_bitmap == gd->bg_inode_bitmap ||
		    overlap(gd->bg_block_bitmap, 1, gd->bg_inode_table, itb) ||
		    overlap(gd->bg_inode_bitmap, 1, gd->bg_inode_table, itb))
			REFUSE("corrupt group descriptor: metadata overlaps");
		if (gd->bg_free_blocks_count > end - first ||
		    gd->bg_free_inodes_count > fs->ipg ||
		    gd->bg_used_dirs_count > fs->ipg)
			REFUSE(
			    "corrupt group descriptor: counts beyond limits");
		free_blocks += gd->bg_free_blocks_count;
		free_inodes += gd->bg_free_inodes_count;
	}
	if (free_blocks > fs->blocks_count || free_inodes > fs->inodes_count)
		REFUSE("corrupt group descriptors: free counts");
	fs->free_blocks = (uint32_t)free_blocks;
	fs->free_inodes = (uint32_t)free_inodes;
	return 0;
}

/* --- mount, sync, unmount -------------------------------------------- */

/* Copy the in-memory superblock into its block and mark it dirty. */
static int write_super(struct ext2_fs *fs)
{
	uint32_t blk = EXT2_SUPER_OFFSET / fs->bsize;
	uint32_t off = EXT2_SUPER_OFFSET % fs->bsize;
	struct buf *b = bread(fs->dev, blk, fs->bsize);

	if (!b)
		return -EIO;
	USE(fs->sb, {
		fs->sb->s_free_blocks_count = fs->free_blocks;
		fs->sb->s_free_inodes_count = fs->free_inodes;
		fs->sb->s_wtime = ext2_now();
	});
	memcpy((char *)b->data + off, fs->sb, sizeof(*fs->sb));
	bdirty(b);
	brelse(b);
	return 0;
}

int ext2_sync_meta(struct ext2_fs *fs)
{
	int err = 0;

	if (write_super(fs))
		err = -EIO;
	if (bsync_dev(fs->dev))
		err = -EIO;
	return err;
}

int ext2_sync(struct ext2_fs *fs)
{
	int err;

	if (fs->rdonly)
		return 0;
	err = fs->pcd ? pcache_sync_domain(fs->pcd) : 0;
	if (ext2_sync_meta(fs))
		err = -EIO;
	return err;
}

static void fs_free(struct ext2_fs *fs)
{
	ext2_pages_drop(fs);
	ext2_icache_drop(fs);
	ext2_pages_fini(fs);
	if (fs->gdt) {
		for (uint32_t i = 0; i < fs->gdt_blocks; i++)
			if (fs->gdt[i])
				brelse(fs->gdt[i]);
		slab_free(fs->gdt, fs->gdt_blocks * sizeof(struct buf *));
	}
	if (fs->sb)
		SLAB_FREE(fs->sb);
	binval_dev(fs->dev);
	SLAB_FREE(fs);
}

/* Read the 1024 bytes at byte 1024 straight from the device. */
static int read_raw_super(struct blockdev *dev, struct ext2_super *out)
{
	paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	int err;

	if (pa == PHYS_NONE)
		return -ENOMEM;
	err = dev->nsectors < 4
		  ? -EIO
		  : dev->ops->read(dev, EXT2_SUPER_OFFSET / 512,
				   sizeof(*out) / 512, arch_phys_to_virt(pa));
	if (!err)
		memcpy(out, arch_phys_to_virt(pa), sizeof(*out));
	phys_free(pa, 1, PHYS_KERNEL);
	return err ? -EIO : 0;
}

static int mount_fail(struct ext2_fs *fs, int err, const char **why,
		      const char *msg)
{
	if (msg)
		*why = msg;
	printk("ext2 %s: mount refused: %s\n", fs->dev->name, *why);
	fs_free(fs);
	return err;
}

/* The group descriptor blocks, held in the cache while mounted. */
static int load_gdt(struct ext2_fs *fs, const char **why)
{
	USE(fs, fs->gdt = slab_zalloc(fs->gdt_blocks * sizeof(struct buf *)));
	if (!fs->gdt) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		struct buf *b =
		    bread(fs->dev, fs->first_data_block + 1 + i, fs->bsize);

		if (!b) {
			*why = "cannot read the group descriptors";
			return -EIO;
		}
		USE(fs->gdt, fs->gdt[i] = b);
	}
	return 0;
}

/* The root inode must load and be a directory. */
static int check_root(struct ext2_fs *fs, const char **why)
{
	struct ext2_inode *root = NULL;
	int err = ext2_iget(fs, EXT2_ROOT_INO, &root);

	if (!err && !EXT2_ISDIR(ext2_imode(root)))
		err = -EIO;
	if (root)
		ext2_iput(root); /* a root that is not a directory too */
	if (!err)
		return 0;
	*why = "the root inode is not a usable directory";
	return err == -ENOMEM ? -ENOMEM : -EINVAL;
}

/* Warn of an unchecked or damaged file system; a read-write mount marks
 * the superblock not clean (until unmount) and counts the mount. */
static int mark_mounted(struct ext2_fs *fs, const char **why)
{
	struct ext2_super *sb = fs->sb;
	int err;

	if (!(sb->s_state & EXT2_VALID_FS))
		printk("ext2 %s: warning: mounting an unchecked file system\n",
		       fs->dev->name);
	else if (sb->s_state & EXT2_ERROR_FS)
		printk("ext2 %s: warning: mounting a file system with errors\n",
		       fs->dev->name);
	if (fs->rdonly)
		return 0;
	USE(sb, {
		sb->s_state &= ~EXT2_VALID_FS;
		sb->s_mnt_count++;
		sb->s_mtime = ext2_now();
	});
	err = ext2_sync(fs);
	if (err)
		*why = "cannot write the superblock";
	return err;
}

int ext2_mount(struct blockdev *dev, unsigned flags, struct ext2_fs **out,
	       const char **why)
{
	struct ext2_fs *fs = slab_zalloc(sizeof(*fs));
	struct ext2_super *sb = slab_alloc(sizeof(*sb));
	const char *dummy;
	int err;

	if (!why)
		why = &dummy;
	*why = "out of memory";
	if (!fs || !sb) {
		if (fs)
			SLAB_FREE(fs);
		if (sb)
			SLAB_FREE(sb);
		return -ENOMEM;
	}
	USE(fs, {
		fs->dev = dev;
		fs->sb = sb;
	});
	if (ext2_pages_init(fs))
		return mount_fail(fs, -ENOMEM, why, "out of memory");
	USE(sb, err = read_raw_super(dev, sb));
	if (err)
		return mount_fail(fs, err, why, "cannot read the superblock");
	USE(fs, err = check_super(fs, sb, dev, flags & EXT2_MOUNT_RDONLY, why));
	if (err)
		return mount_fail(fs, err, why, NULL);
	err = load_gdt(fs, why);
	if (err)
		return mount_fail(fs, err, why, NULL);
	USE(fs, {
		err = check_groups(fs, why);
		fs->mount_state = sb->s_state;
		fs->next_generation = ext2_now();
	});
	if (err)
		return mount_fail(fs, err, why, NULL);
	err = check_root(fs, why);
	if (!err)
		err = mark_mounted(fs, why);
	if (err)
		return mount_fail(fs, err, why, NULL);
	*out = fs;
	return 0;
}

int ext2_unmount(struct ext2_fs *fs)
{
	int err = 0;

	if (fs->ninodes != fs->nidle)
		return -EBUSY;
	if (!fs->rdonly) {
		USE(fs->sb, fs->sb->s_state = fs->mount_state);
		err = ext2_sync(fs);
	}
	fs_free(fs);
	return err;
}

int ext2_remount(struct ext2_fs *fs, bool rdonly)
{
	const char *why;
	int err;

	if (rdonly == fs->rdonly)
		return 0;
	if (rdonly) {
		err = ext2_sync(fs);
		USE(fs->sb, fs->sb->s_state = fs->mount_state);
		if (!err && write_super(fs))
			err = -EIO;
		if (!err && bsync_dev(fs->dev))
			err = -EIO;
		if (!err)
			USE(fs, fs->rdonly = true);
		return err;
	}
	if (check_format(fs->sb, false, &why))
		return -EROFS; /* RO_COMPAT features this code cannot write */
	USE(fs, {
		fs->mount_state = fs->sb->s_state;
		fs->rdonly = false;
	});
	return mark_mounted(fs, &why);
}
