/*
 * cpio.c - unpack a cpio "newc" archive (the initramfs format) into a
 * ramfs. Each entry is a 110-byte header of ASCII hex fields, the NUL-
 * terminated name and the data, name and data each padded to 4 bytes
 * from the archive start; "TRAILER!!!" ends it. The whole archive is
 * checked first, without reading past its end, so a malformed one is
 * rejected before anything is created.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include "internal.h"

#define HDR_LEN 110
#define NFIELDS 13
#define TRAILER "TRAILER!!!"

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
};

struct entry {
	uint32_t f[NFIELDS];
	const char *name; /* NUL-terminated inside the archive */
	const char *data;
	size_t next; /* offset of the following header */
};

/* Earlier members of a hard-link set: (ino, dev) -> first name. */
struct link_slot {
	uint32_t ino, dev;
	const char *name;
};

#define LINK_SLOTS (PAGE_SIZE / sizeof(struct link_slot))

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

bool cpio_is_newc(const void *buf, size_t len)
{
	return len >= 6 &&
	       (!memcmp(buf, "070701", 6) || !memcmp(buf, "070702", 6));
}

static bool parse_hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Parse the entry at off: NULL, or what is wrong with it. */
static const char *parse_entry(const char *buf, size_t len, size_t off,
			       struct entry *e)
{
	size_t name_off, namesize, data_off, size;

	if (len - off < HDR_LEN)
		return "truncated header";
	if (!cpio_is_newc(buf + off, len - off))
		return "bad magic (not a newc archive)";
	for (int i = 0; i < NFIELDS; i++)
		if (!parse_hex8(buf + off + 6 + 8 * i, &e->f[i]))
			return "bad hex digit in header";
	namesize = e->f[F_NAMESIZE];
	size = e->f[F_FILESIZE];
	name_off = off + HDR_LEN;
	if (namesize == 0 || namesize > RAMFS_PATH_MAX)
		return "bad name size";
	if (namesize > len - name_off)
		return "name runs past the end of the archive";
	e->name = buf + name_off;
	if (strnlen(e->name, namesize) != namesize - 1)
		return "name not NUL-terminated at its size";
	data_off = align4(name_off + namesize);
	if (data_off > len) {
		if (size)
			return "data runs past the end of the archive";
		data_off = len;
	}
	if (size > len - data_off)
		return "data runs past the end of the archive";
	e->data = buf + data_off;
	e->next = MIN(align4(data_off + size), len);
	return NULL;
}

/* Type-specific checks of a (non-trailer) entry. */
static const char *check_entry(const struct entry *e)
{
	uint32_t size = e->f[F_FILESIZE];

	switch (e->f[F_MODE] & RAMFS_S_IFMT) {
	case RAMFS_S_IFREG:
		return NULL;
	case RAMFS_S_IFLNK:
		if (size == 0 || size >= PAGE_SIZE)
			return "bad symlink target size";
		if (strnlen(e->data, size) != size)
			return "NUL in symlink target";
		return NULL;
	case RAMFS_S_IFDIR:
	case RAMFS_S_IFCHR:
	case RAMFS_S_IFBLK:
	case RAMFS_S_IFIFO:
	case RAMFS_S_IFSOCK:
		return size ? "data in a directory or special file" : NULL;
	default:
		return "unknown file type";
	}
}

/* Check the whole archive; on error *at is the bad entry's offset. */
static const char *validate(const char *buf, size_t len, size_t *at)
{
	struct entry e;
	const char *why;
	size_t off = 0;

	for (;;) {
		*at = off;
		if (off >= len)
			return "no TRAILER!!! (truncated archive)";
		why = parse_entry(buf, len, off, &e);
		if (why)
			return why;
		if (!strcmp(e.name, TRAILER))
			return NULL;
		why = check_entry(&e);
		if (why)
			return why;
		off = e.next;
	}
}

/* Archive names are relative to the root: drop "/" and "./" prefixes. */
static const char *root_relative(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/* Remove whatever is at path so an entry can take its place (an existing
 * directory is kept for a directory entry: returns 1). */
static int clear_path(struct ramfs *fs, const char *path, bool want_dir)
{
	struct ramfs_node *n;
	int err = ramfs_lookup(fs, NULL, path, RAMFS_NOFOLLOW, &n);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (RAMFS_ISDIR(n->mode))
		return want_dir ? 1 : ramfs_rmdir(fs, NULL, path);
	return ramfs_unlink(fs, NULL, path);
}

static int put_data(struct ramfs *fs, const char *path, const struct entry *e)
{
	struct ramfs_node *n;
	long r;
	int err = ramfs_lookup(fs, NULL, path, 0, &n);

	if (err)
		return err;
	err = ramfs_truncate(n, 0);
	if (err)
		return err;
	r = ramfs_write(n, e->data, e->f[F_FILESIZE], 0);
	if (r < 0)
		return (int)r;
	return r == (long)e->f[F_FILESIZE] ? 0 : -ENOSPC;
}

/* A regular file, possibly another name of an earlier one. */
static int make_file(struct ramfs *fs, const char *path, const struct entry *e,
		     struct link_slot *links, size_t *nlinks)
{
	uint32_t dev = RAMFS_MKDEV(e->f[F_DEVMAJOR], e->f[F_DEVMINOR]);
	int err;

	if (e->f[F_NLINK] > 1) {
		for (size_t i = 0; i < *nlinks; i++) {
			if (links[i].ino != e->f[F_INO] || links[i].dev != dev)
				continue;
			err = ramfs_link(fs, NULL, links[i].name, path);
			if (!err && e->f[F_FILESIZE])
				err = put_data(fs, path, e);
			return err;
		}
		if (*nlinks < LINK_SLOTS) {
			links[*nlinks].ino = e->f[F_INO];
			links[*nlinks].dev = dev;
			links[*nlinks].name = path;
			(*nlinks)++;
		} else {
			printk("cpio: too many hard links, %s is a copy\n",
			       path);
		}
	}
	err = ramfs_mknod(fs, NULL, path, e->f[F_MODE], 0, NULL);
	if (!err && e->f[F_FILESIZE])
		err = put_data(fs, path, e);
	return err;
}

static int make_entry(struct ramfs *fs, const struct entry *e,
		      struct link_slot *links, size_t *nlinks)
{
	const char *path = root_relative(e->name);
	uint32_t mode = e->f[F_MODE], type = mode & RAMFS_S_IFMT;
	struct ramfs_node *n;
	int err;

	if (!path[0] || !strcmp(path, ".")) {
		if (type == RAMFS_S_IFDIR)
			ramfs_chmod(ramfs_root(fs), mode);
		return 0;
	}
	err = clear_path(fs, path, type == RAMFS_S_IFDIR);
	if (err < 0)
		return err;
	if (type == RAMFS_S_IFDIR)
		err = err ? 0 : ramfs_mkdir(fs, NULL, path, mode);
	else if (type == RAMFS_S_IFREG)
		err = make_file(fs, path, e, links, nlinks);
	else if (type == RAMFS_S_IFLNK)
		err =
		    ramfs_symlink_n(fs, NULL, e->data, e->f[F_FILESIZE], path);
	else
		err = ramfs_mknod(
		    fs, NULL, path, mode,
		    RAMFS_MKDEV(e->f[F_RDEVMAJOR], e->f[F_RDEVMINOR]), NULL);
	if (err)
		return err;
	err = ramfs_lookup(fs, NULL, path, RAMFS_NOFOLLOW, &n);
	if (err)
		return err;
	ramfs_chown(n, e->f[F_UID], e->f[F_GID]);
	if (type == RAMFS_S_IFDIR)
		ramfs_chmod(n, mode);
	return 0;
}

static int unpack(struct ramfs *fs, const char *buf, size_t len, size_t *at)
{
	paddr_t links_pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	struct link_slot *links;
	size_t off = 0, nlinks = 0;
	int err = 0;

	if (links_pa == PHYS_NONE)
		return -ENOMEM;
	links = arch_phys_to_virt(links_pa);
	for (;;) {
		struct entry e;

		*at = off;
		/* validate() accepted every entry up to the trailer. */
		parse_entry(buf, len, off, &e);
		if (!strcmp(e.name, TRAILER))
			break;
		err = make_entry(fs, &e, links, &nlinks);
		if (err)
			break;
		off = e.next;
	}
	phys_free(links_pa, 1, PHYS_KERNEL);
	return err;
}

int cpio_unpack(struct ramfs *fs, const void *buf, size_t len, const char **why)
{
	const char *msg;
	size_t at;
	int err;

	msg = validate(buf, len, &at);
	if (msg) {
		printk("cpio: rejected archive: %s (entry at offset %zu)\n",
		       msg, at);
		if (why)
			*why = msg;
		return -EINVAL;
	}
	err = unpack(fs, buf, len, &at);
	if (err) {
		printk("cpio: unpacking the entry at offset %zu failed (%d)\n",
		       at, err);
		if (why)
			*why = "file system operation failed";
	}
	return err;
}
