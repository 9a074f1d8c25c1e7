/*
 * filelock.h - byte-range locks of one file (fs/vfs/filelock.c): the
 * algorithm behind fcntl's POSIX record locks and open file description
 * (OFD) locks, without processes or sleeping (fs/sys/flock_sys.c does
 * those).
 *
 * A struct flock_ctx holds every range lock of one file, sorted by start.
 * Each lock has an owner (an opaque pointer: a process for POSIX locks, a
 * vfile for OFD locks), a type (read or write) and an inclusive byte range
 * [start, end], end FLOCK_OFFSET_MAX meaning "to the end of the file,
 * however it grows". The ranges of one owner never overlap, and two of
 * its ranges of the same type never touch (they are merged), as in Linux.
 * Two locks of different owners conflict when they overlap and one of
 * them is a write lock.
 */
#ifndef FS_VFS_FILELOCK_H
#define FS_VFS_FILELOCK_H

#include <kernel/types.h>

/* l_type values of Linux's struct flock. */
#define FLOCK_RDLCK 0
#define FLOCK_WRLCK 1
#define FLOCK_UNLCK 2

#define FLOCK_OFFSET_MAX INT64_MAX

/* One lock, or a request for one (next unused there). */
struct flock_range {
	struct flock_range *next;
	int64_t start, end; /* inclusive, 0 <= start <= end */
	const void *owner;
	int32_t pid; /* what F_GETLK reports: the owner's pid, -1 for OFD */
	uint8_t type;
	bool ofd;
};

struct flock_ctx {
	struct flock_range *head; /* sorted by start */
};

/* An empty set of locks (NULL without memory); freed empty or not. */
struct flock_ctx *flock_ctx_new(void);
void flock_ctx_free(struct flock_ctx *c);

/*
 * The first lock of another owner that conflicts with req (F_GETLK): true
 * and *out a copy of it (next NULL), or false. A request of type
 * FLOCK_UNLCK conflicts with nothing.
 */
bool flock_test(const struct flock_ctx *c, const struct flock_range *req,
		struct flock_range *out);

/*
 * Apply req for its owner (F_SETLK): lock, relock as another type or
 * unlock (FLOCK_UNLCK) the range, splitting and merging the owner's
 * ranges. -EAGAIN (and *conflict, when not NULL) if another owner's lock
 * conflicts, -ENOMEM without memory; in both cases nothing changed.
 * *changed tells whether any lock was removed or shrunk (sleepers may
 * then proceed).
 */
int flock_set(struct flock_ctx *c, const struct flock_range *req,
	      struct flock_range *conflict, bool *changed);

/* Drop every lock of owner (close, exit, the last put of an OFD's
 * file): whether there were any. */
bool flock_release_owner(struct flock_ctx *c, const void *owner);

/* No lock at all? */
bool flock_empty(const struct flock_ctx *c);

#endif
