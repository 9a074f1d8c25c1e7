/*
 * test_vfs_path.c - host tests of the VFS path walk (fs/vfs/namei.c):
 * ".", "..", relative starts, trailing slashes, ENOTDIR / ENOENT /
 * ENAMETOOLONG, symlinks absolute and relative, loops, the 40-link
 * limit, the parent + last name split, search permission.
 */
#include "vfs_test.h"

TEST(vfs_path_dots_and_starts)
{
	struct vnode *a, *b;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_mkdir("a/b"), 0);
	CHECK_EQ(vt_put("/a/b/f", "hello"), 0);
	CHECK(vt_ino("/a") != 0);
	CHECK_EQ(vt_ino("/.."), vt_ino("/"));
	CHECK_EQ(vt_ino("/../../.."), vt_ino("/"));
	CHECK_EQ(vt_ino("//a///b/..//."), vt_ino("/a"));
	CHECK_EQ(vt_ino("a/b/../../a"), vt_ino("/a"));
	a = vt_vnode("/a");
	b = vt_vnode("/a/b");
	CHECK(a && b);
	CHECK_EQ(vt_ino_at(a, "b/f", 0), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino_at(b, "../..", 0), vt_ino("/"));
	CHECK_EQ(vt_ino_at(b, "/a", 0), vt_ino("/a"));
	CHECK_EQ(vt_ino_at(b, ".", 0), vt_ino("/a/b"));
	/* The context's cwd is where relative paths start. */
	root_ctx.cwd = b;
	CHECK_EQ(vt_ino("f"), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino(".."), vt_ino("/a"));
	/* A root of its own: ".." stays there, "/" means it. */
	root_ctx.root = a;
	CHECK_EQ(vt_ino("/"), vt_ino_at(NULL, "/../..", 0));
	CHECK_EQ(vt_ino("/b/f"), vt_ino_at(b, "f", 0));
	CHECK_EQ(vt_ino_at(b, "../../../b", 0), vt_ino_at(b, ".", 0));
	root_ctx.root = root_ctx.cwd = NULL;
	vnode_put(a);
	vnode_put(b);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_path_errors)
{
	static char name[VFS_PATH_MAX + 8];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_put("/a/f", "x"), 0);
	CHECK_EQ(vt_err("", 0), -ENOENT);
	CHECK_EQ(vt_err("/a/x", 0), -ENOENT);
	CHECK_EQ(vt_err("/a/x/y", 0), -ENOENT);
	CHECK_EQ(vt_err("/a/f/", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/f/x", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/f/.", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/f/..", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/", 0), 0);
	CHECK_EQ(vt_err("/a/f", VFS_DIRECTORY), -ENOTDIR);
	/* 256 characters in a component; 255 is fine (just missing). */
	memset(name, 'n', 300);
	name[0] = '/';
	name[257] = '\0';
	CHECK_EQ(vt_err(name, 0), -ENAMETOOLONG);
	name[256] = '\0';
	CHECK_EQ(vt_err(name, 0), -ENOENT);
	CHECK_EQ(vt_mkdir(name), 0);
	CHECK_EQ(vt_err(name, 0), 0);
	name[256] = 'n';
	CHECK_EQ(vt_mkdir(name), -ENAMETOOLONG);
	name[256] = '\0';
	CHECK_EQ(vfs_rmdir(&root_ctx, NULL, name), 0);
	/* 4095 characters resolve; 4096 are too long. */
	for (int i = 0; i < VFS_PATH_MAX; i += 2)
		memcpy(name + i, "./", 2);
	name[VFS_PATH_MAX - 1] = '\0';
	CHECK_EQ(vt_err(name, 0), 0);
	name[VFS_PATH_MAX - 1] = '.';
	name[VFS_PATH_MAX] = '\0';
	CHECK_EQ(vt_err(name, 0), -ENAMETOOLONG);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_path_symlinks)
{
	char buf[64];
	struct vattr va;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/a"), 0);
	CHECK_EQ(vt_mkdir("/a/b"), 0);
	CHECK_EQ(vt_put("/a/b/f", "data"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "/a/b", NULL, "/abs"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "b/f", NULL, "/a/rel"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "../rel", NULL, "/a/b/up"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "rel", NULL, "/a/chain"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "/nowhere", NULL, "/dangling"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "b/f/", NULL, "/a/fslash"), 0);
	CHECK_EQ(vt_ino("/abs"), vt_ino("/a/b"));
	CHECK_EQ(vt_ino("/abs/f"), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino("/a/rel"), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino("/a/b/up"), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino("/a/chain"), vt_ino("/a/b/f"));
	CHECK_EQ(vt_ino("/abs/../rel"), vt_ino("/a/b/f")); /* .. of /a/b */
	CHECK_EQ(vt_get("/a/chain", buf, sizeof(buf))[0], 'd');
	va = vt_stat("/abs", VFS_NOFOLLOW);
	CHECK(VFS_ISLNK(va.mode));
	CHECK_EQ(va.size, 4);
	CHECK(VFS_ISDIR(vt_stat("/abs/", VFS_NOFOLLOW).mode));
	CHECK_EQ(vt_err("/dangling", 0), -ENOENT);
	CHECK_EQ(vt_err("/dangling", VFS_NOFOLLOW), 0);
	CHECK_EQ(vt_err("/a/fslash", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/rel/", 0), -ENOTDIR);
	CHECK_EQ(vt_err("/a/rel/", VFS_NOFOLLOW), -ENOTDIR);
	CHECK_EQ(vfs_readlink(&root_ctx, NULL, "/a/rel", buf, sizeof(buf)), 3);
	CHECK(!memcmp(buf, "b/f", 3));
	CHECK_EQ(vfs_readlink(&root_ctx, NULL, "/a/rel", buf, 2), 2);
	CHECK_EQ(vfs_readlink(&root_ctx, NULL, "/a", buf, 2), -EINVAL);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_path_symlink_loops)
{
	char name[16], target[16];

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "/y", NULL, "/x"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "x", NULL, "/y"), 0);
	CHECK_EQ(vfs_symlink(&root_ctx, "self/a", NULL, "/self"), 0);
	CHECK_EQ(vt_err("/x", 0), -ELOOP);
	CHECK_EQ(vt_err("/x/a", 0), -ELOOP);
	CHECK_EQ(vt_err("/x", VFS_NOFOLLOW), 0);
	CHECK_EQ(vt_err("/self", 0), -ELOOP);
	/* l0 -> l1 -> ... -> l40 -> /: 40 links are fine, 41 are not. */
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "/l%d", i);
		snprintf(target, sizeof(target), "l%d", i + 1);
		CHECK_EQ(
		    vfs_symlink(&root_ctx, i == 40 ? "/" : target, NULL, name),
		    0);
	}
	CHECK_EQ(vt_err("/l1", 0), 0);
	CHECK_EQ(vt_ino("/l1"), vt_ino("/"));
	CHECK_EQ(vt_err("/l0", 0), -ELOOP);
	CHECK_EQ(vt_err("/l0", VFS_NOFOLLOW), 0);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_path_lookup_parent)
{
	static const struct {
		const char *path, *name;
		enum vfs_last_type type;
		bool trailing;
	} cases[] = {
	    {"/", "", VFS_LAST_ROOT, false},
	    {"///", "", VFS_LAST_ROOT, false},
	    {"/d/new", "new", VFS_LAST_NORM, false},
	    {"d/new//", "new", VFS_LAST_NORM, true},
	    {"d/.", ".", VFS_LAST_DOT, false},
	    {"/d/..", "..", VFS_LAST_DOTDOT, false},
	    {"x", "x", VFS_LAST_NORM, false},
	};
	struct vfs_last l;

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/d"), 0);
	CHECK_EQ(vt_put("/f", ""), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(vfs_lookup_parent(&root_ctx, NULL, cases[i].path, &l),
			 0);
		CHECK_EQ(l.len, strlen(cases[i].name));
		CHECK(!memcmp(l.name, cases[i].name, l.len));
		CHECK_EQ(l.type, cases[i].type);
		CHECK_EQ(l.trailing, cases[i].trailing);
		vfs_last_put(&l);
	}
	CHECK_EQ(vfs_lookup_parent(&root_ctx, NULL, "/f/x", &l), -ENOTDIR);
	CHECK_EQ(vfs_lookup_parent(&root_ctx, NULL, "/no/x", &l), -ENOENT);
	CHECK_EQ(vfs_lookup_parent(&root_ctx, NULL, "", &l), -ENOENT);
	CHECK_EQ(vfs_unmount_all(), 0);
}

TEST(vfs_path_search_permission)
{
	struct vfs_ctx user = {{1000, 1000, 0, NULL}, NULL, NULL};
	struct vnode *v;
	struct vattr va = {.mode = 0700};

	CHECK_EQ(vt_setup(), 0);
	CHECK_EQ(vt_mkdir("/priv"), 0);
	CHECK_EQ(vt_put("/priv/f", "x"), 0);
	CHECK_EQ(vt_put("/prog", "x"), 0);
	v = vt_vnode("/priv");
	CHECK(v);
	CHECK_EQ(vfs_setattr(&root_ctx, v, &va, VATTR_MODE), 0);
	vnode_put(v);
	CHECK_EQ(vfs_lookup(&user, NULL, "/priv/f", 0, &v), -EACCES);
	CHECK_EQ(vfs_lookup(&user, NULL, "/priv", 0, &v), 0);
	vnode_put(v);
	CHECK_EQ(vt_err("/priv/f", 0), 0); /* root passes */
	/* Root may not execute what no one may execute. */
	v = vt_vnode("/prog");
	CHECK(v);
	CHECK_EQ(vnode_permission(&root_ctx.cred, v, VFS_MAY_EXEC), -EACCES);
	CHECK_EQ(vnode_permission(&root_ctx.cred, v, VFS_MAY_WRITE), 0);
	CHECK_EQ(vnode_permission(&user.cred, v, VFS_MAY_WRITE), -EACCES);
	CHECK_EQ(vnode_permission(&user.cred, v, VFS_MAY_READ), 0);
	va.mode = 0744;
	CHECK_EQ(vfs_setattr(&user, v, &va, VATTR_MODE), -EPERM);
	CHECK_EQ(vfs_setattr(&root_ctx, v, &va, VATTR_MODE), 0);
	CHECK_EQ(vnode_permission(&root_ctx.cred, v, VFS_MAY_EXEC), 0);
	vnode_put(v);
	CHECK_EQ(vfs_access(&user, NULL, "/prog", VFS_MAY_READ), 0);
	CHECK_EQ(vfs_access(&user, NULL, "/prog", VFS_MAY_EXEC), -EACCES);
	CHECK_EQ(vfs_unmount_all(), 0);
}
