/*
 * ext2_dirs - directories on the ext2 scratch disk: 1,000 entries made,
 * listed and removed; a tree 40 levels deep walked with chdir and named
 * by getcwd; rename of files over files and of directories (into their
 * own subtree: EINVAL; over a non-empty directory: ENOTEMPTY); and the
 * errors ENOENT, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EXDEV.
 */
#include "ext2_disk.h"
#include <dirent.h>

#define NENTRIES 1000
#define DEPTH 40

static char dir[96];

static void rm_tree(const char *path)
{
	char sub[512];
	struct dirent *e;
	DIR *d = opendir(path);

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		rm_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static void cleanup(void)
{
	chdir("/");
	rm_tree(dir);
	ext2_umount();
}

static void test_big_dir(long long before)
{
	char path[160];
	struct dirent *e;
	int count = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/many", dir);
	CHECK_SYS(mkdir(path, 0755));
	for (int i = 0; i < NENTRIES; i++) {
		snprintf(path, sizeof path,
			 "%s/many/entry-with-a-long-name-%04d", dir, i);
		CHECK_SYS(close(open(path, O_CREAT | O_WRONLY, 0644)));
	}
	snprintf(path, sizeof path, "%s/many", dir);
	d = opendir(path);
	CHECK(d, "opendir: %s", strerror(errno));
	while ((e = readdir(d)))
		count += e->d_name[0] != '.';
	closedir(d);
	CHECK(count == NENTRIES, "readdir found %d of %d", count, NENTRIES);
	CHECK_ERR(rmdir(path), ENOTEMPTY);
	for (int i = 0; i < NENTRIES; i += 2) {
		snprintf(path, sizeof path,
			 "%s/many/entry-with-a-long-name-%04d", dir, i);
		CHECK_SYS(unlink(path));
	}
	for (int i = 1; i < NENTRIES; i += 2) {
		snprintf(path, sizeof path,
			 "%s/many/entry-with-a-long-name-%04d", dir, i);
		CHECK_SYS(access(path, F_OK));
		CHECK_SYS(unlink(path));
	}
	snprintf(path, sizeof path, "%s/many", dir);
	CHECK_SYS(rmdir(path));
	CHECK(ext2_free_blocks() == before, "directory blocks not freed");
}

static void test_deep(void)
{
	char path[160], cwd[1024], want[1024];
	int n;

	snprintf(path, sizeof path, "%s/deep", dir);
	CHECK_SYS(mkdir(path, 0755));
	CHECK_SYS(chdir(path));
	n = snprintf(want, sizeof want, "%s", path);
	for (int i = 0; i < DEPTH; i++) {
		CHECK_SYS(mkdir("level", 0755));
		CHECK_SYS(chdir("level"));
		n += snprintf(want + n, sizeof want - (size_t)n, "/level");
	}
	CHECK(getcwd(cwd, sizeof cwd), "getcwd: %s", strerror(errno));
	CHECK(!strcmp(cwd, want), "getcwd deep: %.60s", cwd);
	for (int i = 0; i < DEPTH; i++) {
		CHECK_SYS(chdir(".."));
		CHECK_SYS(rmdir("level"));
	}
	CHECK_SYS(chdir("/"));
	CHECK_SYS(rmdir(path));
}

static void test_renames_and_errors(void)
{
	char a[160], b[160], c[160];

	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(c, sizeof c, "%s/d1/d2", dir);
	CHECK_SYS(close(open(a, O_CREAT | O_WRONLY, 0644)));
	CHECK_SYS(close(open(b, O_CREAT | O_WRONLY, 0644)));
	CHECK_SYS(rename(a, b));
	CHECK_ERR(access(a, F_OK), ENOENT);
	CHECK_ERR(open(a, O_RDONLY), ENOENT);
	CHECK_ERR(mkdir(b, 0755), EEXIST);
	CHECK_ERR(open(b, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	snprintf(a, sizeof a, "%s/b/x", dir);
	CHECK_ERR(open(a, O_CREAT | O_WRONLY, 0644), ENOTDIR);
	snprintf(a, sizeof a, "%s/d1", dir);
	CHECK_SYS(mkdir(a, 0755));
	CHECK_SYS(mkdir(c, 0755));
	CHECK_ERR(rename(a, c), EINVAL);
	CHECK_ERR(open(a, O_WRONLY), EISDIR);
	CHECK_ERR(rmdir(a), ENOTEMPTY);
	CHECK_ERR(rename(b, a), EISDIR);
	snprintf(c, sizeof c, "%s/d3", dir);
	CHECK_SYS(mkdir(c, 0755));
	CHECK_ERR(rename(c, a), ENOTEMPTY);
	CHECK_SYS(rename(a, c)); /* over an empty directory */
	CHECK_ERR(link(b, "/tmp/ext2_dirs_link"), EXDEV);
	CHECK_ERR(rename(b, "/tmp/ext2_dirs_link"), EXDEV);
}

int main(void)
{
	long long before;

	guest_cleanup = cleanup;
	ext2_mount("scratch");
	snprintf(dir, sizeof dir, "%s/ext2_dirs", ext2_mnt);
	rm_tree(dir);
	before = ext2_free_blocks();
	CHECK_SYS(mkdir(dir, 0755));
	test_big_dir(ext2_free_blocks());
	test_deep();
	test_renames_and_errors();
	cleanup();
	ext2_mount("scratch");
	CHECK(ext2_free_blocks() == before, "free blocks %lld, were %lld",
	      ext2_free_blocks(), before);
	cleanup();
	return 0;
}
