/*
 * buf.h - whole kernel pages for the file side (fs/vfs/buf.c): symlink
 * bodies and path text of the VFS, and the kernel's path copies, bounce
 * buffers, pipe rings and /proc text. Each page sits in one table the
 * sanity checker walks, because its holder may sleep (disk I/O, a pipe)
 * while the checker runs.
 */
#ifndef FS_VFS_BUF_H
#define FS_VFS_BUF_H

/* A page (direct-mapped), or NULL when the table or memory is full. */
char *vfs_page_alloc(void);
/* Give it back; anything else is a bug (panic). NULL is ignored. */
void vfs_page_free(void *page);

#endif
