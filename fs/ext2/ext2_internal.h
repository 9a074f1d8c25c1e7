/*
 * ext2_internal.h - ext2's on-disk structures and the in-memory super
 * block and inode shared by fs/ext2/ (every file).
 *
 * On-disk integers are little-endian, as are both x86 and the host: the
 * structures are read and written in place. The in-memory file system
 * and inodes are slab objects, written only inside USE().
 */
#ifndef FS_EXT2_INTERNAL_H
#define FS_EXT2_INTERNAL_H

#include <fs/bcache.h>
#include <fs/ext2.h>
#include <fs/vfs/pagecache.h>
#include <kernel/types.h>

#define EXT2_SUPER_MAGIC 0xEF53u
#define EXT2_SUPER_OFFSET 1024u
#define EXT2_NDIR_BLOCKS 12u
#define EXT2_IND_BLOCK 12u
#define EXT2_DIND_BLOCK 13u
#define EXT2_TIND_BLOCK 14u
#define EXT2_N_BLOCKS 15u
#define EXT2_GOOD_OLD_INODE_SIZE 128u
#define EXT2_GOOD_OLD_FIRST_INO 11u
#define EXT2_LINK_MAX 32000u
#define EXT2_FAST_LINK_MAX 60u /* sizeof i_block */

/* s_state */
#define EXT2_VALID_FS 0x1u
#define EXT2_ERROR_FS 0x2u

/* Features. */
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x20u
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x2u
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x1u
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x2u
#define EXT2_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPP                    \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
	 EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags */
#define EXT2_INDEX_FL 0x1000u
#define EXT2_UNSUPP_FL (0x80000u /* extents */ | 0x10000000u /* inline */)

/* Directory entry file types (filetype feature). */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHR 3
#define EXT2_FT_BLK 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_LNK 7

struct ext2_super {
	uint32_t s_inodes_count;	   /* 0 */
	uint32_t s_blocks_count;	   /* 4 */
	uint32_t s_r_blocks_count;	   /* 8 */
	uint32_t s_free_blocks_count;	   /* 12 */
	uint32_t s_free_inodes_count;	   /* 16 */
	uint32_t s_first_data_block;	   /* 20 */
	uint32_t s_log_block_size;	   /* 24 */
	uint32_t s_log_frag_size;	   /* 28 */
	uint32_t s_blocks_per_group;	   /* 32 */
	uint32_t s_frags_per_group;	   /* 36 */
	uint32_t s_inodes_per_group;	   /* 40 */
	uint32_t s_mtime;		   /* 44 */
	uint32_t s_wtime;		   /* 48 */
	uint16_t s_mnt_count;		   /* 52 */
	int16_t s_max_mnt_count;	   /* 54 */
	uint16_t s_magic;		   /* 56 */
	uint16_t s_state;		   /* 58 */
	uint16_t s_errors;		   /* 60 */
	uint16_t s_minor_rev_level;	   /* 62 */
	uint32_t s_lastcheck;		   /* 64 */
	uint32_t s_checkinterval;	   /* 68 */
	uint32_t s_creator_os;		   /* 72 */
	uint32_t s_rev_level;		   /* 76 */
	uint16_t s_def_resuid;		   /* 80 */
	uint16_t s_def_resgid;		   /* 82 */
	uint32_t s_first_ino;		   /* 84 */
	uint16_t s_inode_size;		   /* 88 */
	uint16_t s_block_group_nr;	   /* 90 */
	uint32_t s_feature_compat;	   /* 92 */
	uint32_t s_feature_incompat;	   /* 96 */
	uint32_t s_feature_ro_compat;	   /* 100 */
	uint8_t s_uuid[16];		   /* 104 */
	char s_volume_name[16];		   /* 120 */
	char s_last_mounted[64];	   /* 136 */
	uint32_t s_algorithm_usage_bitmap; /* 200 */
	uint8_t s_prealloc_blocks;	   /* 204 */
	uint8_t s_prealloc_dir_blocks;	   /* 205 */
	uint16_t s_reserved_gdt_blocks;	   /* 206 */
	uint8_t s_pad1[348 - 208];
	uint16_t s_min_extra_isize;  /* 348 */
	uint16_t s_want_extra_isize; /* 350 */
	uint8_t s_pad2[1024 - 352];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "superblock size");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group desc size");

/* The first 128 bytes of an on-disk inode (the rest is left alone). */
struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* regular files (large_file) */
	uint32_t i_faddr;
	uint8_t l_i_frag, l_i_fsize;
	uint16_t i_pad1;
	uint16_t l_i_uid_high;
	uint16_t l_i_gid_high;
	uint32_t l_i_reserved2;
};
_Static_assert(sizeof(struct ext2_dinode) == 128, "inode size");

struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
#define EXT2_DIR_REC_LEN(n) ((8u + (n) + 3u) & ~3u)

#define EXT2_META_TRACK 16u /* metadata blocks an inode remembers */

/* In-memory inode. */
struct ext2_inode {
	struct ext2_inode *hnext; /* fs->ihash chain */
	struct ext2_fs *fs;
	uint32_t ino;
	uint32_t refs;
	uint32_t goal;	   /* where the next data block should go */
	struct pcache *pc; /* its pages (regular files), or NULL */
	struct ext2_dinode d;
	/* Metadata blocks it dirtied since its last fsync (fsync.c); more
	 * than fit: meta_lost, its fsync writes all the metadata. */
	uint32_t nmeta;
	bool meta_lost;
	uint32_t meta[EXT2_META_TRACK];
};

#define EXT2_IHASH 64u
#define EXT2_IDLE_MAX 1024u /* unreferenced inodes kept in memory */

struct ext2_fs {
	struct blockdev *dev;
	uint32_t bsize, log_bsize; /* bytes, log2 */
	uint32_t addr_per_block, addr_bits;
	uint32_t blocks_count, inodes_count, first_data_block;
	uint32_t bpg, ipg, ngroups;
	uint32_t inode_size, first_ino, inodes_per_block, itb_per_group;
	uint32_t gdt_blocks, reserved_gdt;
	uint32_t compat, incompat, ro_compat;
	uint32_t free_blocks, free_inodes, r_blocks;
	uint32_t next_generation;
	uint16_t mount_state; /* s_state to write back at unmount */
	bool rdonly;
	uint32_t nerrors;      /* errors printed (rate limit) */
	struct ext2_super *sb; /* copy of the primary superblock (slab) */
	struct buf **gdt;      /* the group descriptor blocks, held (slab) */
	uint32_t ninodes;      /* in-memory inodes */
	uint32_t nidle;	       /* of which unreferenced (cached) */
	struct ext2_inode *ihash[EXT2_IHASH];
	struct pcache_domain *pcd; /* the page cache of its files' data */
	bool meta_lost; /* an inode left memory with blocks it remembered */
};

/* super.c */
void ext2_error(struct ext2_fs *fs, uint32_t ino, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct ext2_group_desc *ext2_gd(struct ext2_fs *fs, uint32_t group,
				struct buf **b);
bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t group);
/* Is blk outside the file system or one of its metadata blocks? */
bool ext2_block_is_meta(const struct ext2_fs *fs, uint32_t blk);
void ext2_mark_sb_dirty(struct ext2_fs *fs);
uint32_t ext2_now(void);

/* balloc.c: blocks and inodes in the bitmaps, counts kept exact. */
int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
/* A run: the first free block from goal on (as ext2_new_block) and the
 * free blocks right after it in its group, want at most: *out the
 * first, *got how many (at least 1). */
int ext2_new_blocks(struct ext2_fs *fs, uint32_t goal, uint32_t want,
		    uint32_t *out, uint32_t *got);
/* 0, or -EIO for a block that is metadata, outside, or already free
 * (reported; nothing changes). */
int ext2_free_block(struct ext2_fs *fs, uint32_t ino, uint32_t blk);
int ext2_new_ino(struct ext2_fs *fs, uint32_t parent_ino, bool dir,
		 uint32_t *out);
void ext2_free_ino(struct ext2_fs *fs, uint32_t ino, bool dir);

/* A block read for a short read-only look, held (a reference) until
 * ext2_blk_put: a peek without a reference would leave the data to any
 * eviction, drop_caches or sleep on the way, for a saving that is one
 * counter in the release build. */
struct ext2_blk {
	struct buf *held;
	const void *data;
};
int ext2_blk_get(struct ext2_fs *fs, uint32_t blk, struct ext2_blk *r);
void ext2_blk_put(struct ext2_blk *r);

/* inode.c */
/* Free every idle in-memory inode (unmount). */
void ext2_icache_drop(struct ext2_fs *fs);
int ext2_inode_store(struct ext2_inode *ip, const struct ext2_dinode *d);
int ext2_inode_new(struct ext2_inode *dir, uint32_t mode, uint32_t uid,
		   uint32_t gid, struct ext2_inode **out);
bool ext2_is_fast_symlink(const struct ext2_inode *ip);
/* The largest file size this file system allows (block map, large_file). */
uint64_t ext2_max_size(const struct ext2_fs *fs);
uint64_t ext2_isize(const struct ext2_inode *ip);
void ext2_set_isize(struct ext2_fs *fs, struct ext2_dinode *d, uint64_t size);

/* bmap.c */
#define EXT2_BMAP_NEW 0x1 /* the block was just allocated: zero or fill it */
/* Physical block of lblk (0: a hole, unless create). Allocation updates
 * the in-memory inode only: the caller stores it with ext2_inode_store. */
int ext2_bmap(struct ext2_inode *ip, uint32_t lblk, bool create, uint32_t *pblk,
	      unsigned *flags);
/* ext2_bmap with create, for a write that goes on past lblk: when only
 * lblk's data block is missing, the empty slots after it in the same
 * pointer block are filled too, want blocks at most, one run on the disk
 * (*got how many; 1 for a block that was there or a new branch). The
 * caller writes or truncates every block of the run. */
int ext2_bmap_alloc(struct ext2_inode *ip, uint32_t lblk, uint32_t want,
		    uint32_t *pblk, uint32_t *got);
/* The run from lblk: *pblk its physical block (0: a hole, returns 0)
 * and how many blocks from lblk on follow it on the disk, up to max, the
 * pointer blocks read once each; or -errno (as ext2_bmap). */
int ext2_bmap_run(struct ext2_inode *ip, uint32_t lblk, uint32_t max,
		  uint32_t *pblk);
int ext2_truncate_blocks(struct ext2_inode *ip, uint64_t size);
/* Read or create block lblk of ip held in a buffer (directories). */
int ext2_bread_lblk(struct ext2_inode *ip, uint32_t lblk, bool create,
		    struct buf **out);

/* pages.c: regular files' data through the page cache. */
int ext2_pages_init(struct ext2_fs *fs);
/* drop_caches, unmount: write back and drop every unpinned page. */
void ext2_pages_drop(struct ext2_fs *fs);
void ext2_pages_fini(struct ext2_fs *fs);
/* The VFS backend's lock, for the periodic flush (from outside). */
void ext2_set_lock(struct ext2_fs *fs, bool (*trylock)(void *),
		   void (*unlock)(void *), void *arg);
/* ip's page cache, made on first use; NULL without memory. */
struct pcache *ext2_pc(struct ext2_inode *ip);
/* ip leaves memory: its pages are written and kept in level 2, or (deleted:
 * the inode is freed on disk) dropped and forgotten. */
void ext2_pages_release(struct ext2_inode *ip, bool deleted);
int ext2_truncate_pages(struct ext2_inode *ip, uint64_t size);
/* fsync.c */
/* bdirty(b), and remember b as a block of ip's for its fsync. */
void ext2_dirty_meta(struct ext2_inode *ip, struct buf *b);
/* ip leaves memory: blocks it remembered make the next fsync of the file
 * system write all of its metadata. */
void ext2_meta_release(struct ext2_inode *ip);
/* The inode table block holding ino and the inode's offset in it. */
void ext2_inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk,
		    uint32_t *off);
/* The superblock and every modified metadata block written, the device
 * flushed (ext2_sync after the file pages; fsync after one file's). */
int ext2_sync_meta(struct ext2_fs *fs);
/* Copy [off, +len) of ip's data to dst through the page cache; user: dst
 * is user memory, copied without resolving faults (copy_to_user_nofault):
 * a page of it not present stops the read there (-EAGAIN if first). */
long ext2_read_pages(struct ext2_inode *ip, char *dst, size_t len, uint64_t off,
		     bool user);
/* Bytes written (short when the disk fills); *errp the error if any.
 * user: src is user memory, copied without resolving faults: a page of
 * it not present stops the write there with *errp -EAGAIN (blocks may
 * then be left past the end: the caller truncates them). */
long ext2_write_pages(struct ext2_inode *ip, const char *src, size_t len,
		      uint64_t off, bool user, int *errp);

/* dir.c */
/* Where a new entry will go: found by ext2_dir_prepare's scan. */
struct ext2_dir_slot {
	uint32_t lblk, off;
	bool found; /* else a new block at the end */
};
/* Check that name is absent (-EEXIST otherwise) and find room for it. */
int ext2_dir_prepare(struct ext2_inode *dir, const char *name, size_t len,
		     struct ext2_dir_slot *slot);
int ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len,
		  uint32_t *ino, uint8_t *ftype);
/* Add an entry where slot says (NULL: ext2_dir_prepare first). */
int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode, const struct ext2_dir_slot *slot);
int ext2_dir_remove(struct ext2_inode *dir, const char *name, size_t len);
int ext2_dir_set(struct ext2_inode *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode);
int ext2_dir_is_empty(struct ext2_inode *dir);
int ext2_dir_init(struct ext2_inode *dir, uint32_t parent_ino);
uint8_t ext2_ftype_of(uint32_t mode);

/* Accessors of the inode copy. */
static inline uint32_t ext2_imode(const struct ext2_inode *ip)
{
	return ip->d.i_mode;
}
#define EXT2_ISDIR(m) (((m)&EXT2_S_IFMT) == EXT2_S_IFDIR)
#define EXT2_ISREG(m) (((m)&EXT2_S_IFMT) == EXT2_S_IFREG)
#define EXT2_ISLNK(m) (((m)&EXT2_S_IFMT) == EXT2_S_IFLNK)

#endif
