/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs: the writer of -o FILE against every kind of file the real file system has (a regular
 * file, links, a FIFO with a reader, a character device made with mknod in a private
 * directory, a socket, a directory, a /proc magic link to a pipe), installs that replace
 * links and FIFOs without following or opening them, reads that refuse links and never block
 * on a FIFO, and path resolution beneath a directory with links planted on the way, each with
 * openat2 and with the walk used where openat2 is missing.
 *
 * Usage: test-fs [FIXTURES_DIR] (unused)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "tap.h"

static char top[64];

static const char *
at(const char *rel)
{
	static char bufs[8][4096];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, 4096, "%s/%s", top, rel);
	return b;
}

static char *
slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void
put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	if (chmod(path, mode) < 0)
		abort();
}

static mode_t
type_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? 0 : st.st_mode & S_IFMT;
}

static int
write_file(const char *path, const char *text, char **ret_message)
{
	struct ksc_error *error = NULL;
	int r = ksc_fs_write_file(path, text, strlen(text), &error);

	if (ret_message)
		*ret_message =
		        error && ksc_error_message(error) ? strdup(ksc_error_message(error)) : NULL;
	ksc_error_free(error);
	return r;
}

static void
test_write_regular(void)
{
	struct stat before, after;

	is_int(write_file(at("new"), "one", NULL), 0, "a new file is written");
	is_str(slurp(at("new")), "one", "with the data");
	ok(stat(at("new"), &after) == 0 && (after.st_mode & 07777) == 0644, "and mode 0644");

	put(at("secret"), "old", 0600);
	stat(at("secret"), &before);
	is_int(write_file(at("secret"), "new", NULL), 0, "a regular file is replaced");
	stat(at("secret"), &after);
	is_str(slurp(at("secret")), "new", "with the new data");
	is_int(after.st_mode & 07777, 0600, "keeping its mode 0600");
	ok(after.st_ino != before.st_ino, "by a rename (a new inode): a reader sees old or new");
}

static void
test_write_links(void)
{
	char *msg = NULL;

	mkdir(at("sub"), 0755);
	put(at("sub/real"), "old", 0640);
	symlink("sub/real", at("link1"));
	symlink("link1", at("link2"));
	is_int(write_file(at("link2"), "through", NULL), 0,
	       "a chain of relative links is followed");
	is_int(type_of(at("link2")), S_IFLNK, "the first link stays a link");
	is_int(type_of(at("link1")), S_IFLNK, "the second too");
	is_str(slurp(at("sub/real")), "through", "the regular file it names is replaced");
	{
		struct stat st;

		ok(stat(at("sub/real"), &st) == 0 && (st.st_mode & 07777) == 0640,
		   "keeping its mode");
	}
	symlink("sub/created", at("dangling"));
	is_int(write_file(at("dangling"), "made", NULL), 0, "a dangling link: its target made");
	is_str(slurp(at("sub/created")), "made", "with the data");
	is_int(type_of(at("dangling")), S_IFLNK, "and the link stays");

	symlink("loop-b", at("loop-a"));
	symlink("loop-a", at("loop-b"));
	is_int(write_file(at("loop-a"), "x", &msg), -ELOOP, "a loop of links: ELOOP");
	free(msg);
}

static void
test_write_fifo(void)
{
	int pipefd[2];
	pid_t pid;
	char got[64] = "";
	ssize_t n = 0;

	mkfifo(at("fifo"), 0600);
	if (pipe(pipefd) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		int fd = open(at("fifo"), O_RDONLY);
		char buf[64];
		ssize_t k = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

		if (k > 0 && write(pipefd[1], buf, (size_t)k) != k)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	alarm(20); /* a regression that replaces the FIFO leaves the reader waiting */
	is_int(write_file(at("fifo"), "to the reader", NULL), 0, "a FIFO with a reader: written");
	n = read(pipefd[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	if (type_of(at("fifo")) != S_IFIFO) {
		/* the FIFO was replaced: the reader still waits on the old one */
		int fd = open(at("fifo"), O_WRONLY | O_NONBLOCK);

		if (fd >= 0)
			close(fd);
		kill(pid, SIGKILL);
	}
	waitpid(pid, NULL, 0);
	alarm(0);
	is_str(got, "to the reader", "the reader got the data");
	is_int(type_of(at("fifo")), S_IFIFO, "and the FIFO is still a FIFO");
}

static void
test_write_devices(void)
{
	struct stat st;
	char *msg = NULL;
	int pipefd[2];
	char path[64], got[64] = "";
	ssize_t n;

	/* a private copy of /dev/null (1:3): a regression replaces it, not the machine's */
	if (mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) < 0) {
		printf("ok %u - a character device is written through # SKIP mknod: %s\n",
		       ++tap_count_, strerror(errno));
	} else {
		is_int(write_file(at("null"), "discarded", NULL), 0,
		       "a character device (a copy of /dev/null) is written through");
		ok(lstat(at("null"), &st) == 0 && S_ISCHR(st.st_mode) &&
		           st.st_rdev == makedev(1, 3),
		   "and stays that character device");
		symlink("null", at("null-link"));
		is_int(write_file(at("null-link"), "discarded", NULL), 0,
		       "a link to it is followed to it");
		ok(lstat(at("null"), &st) == 0 && S_ISCHR(st.st_mode),
		   "which stays a character device");
	}

	/* /dev/stdout is /proc/self/fd/1: a link of /proc to an open file, here a pipe */
	if (pipe(pipefd) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pipefd[1]);
	is_int(write_file(path, "via proc", NULL), 0, "a /proc link to a pipe is written through");
	close(pipefd[1]);
	n = read(pipefd[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	is_str(got, "via proc", "the pipe got the data");
	{
		int fd = open(at("stdout-file"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || write(fd, "before ", 7) != 7)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		is_int(write_file(path, "after", NULL), 0,
		       "a /proc link to a regular file is written through");
		close(fd);
		is_str(slurp(at("stdout-file")), "before after",
		       "at its end, after what the fd's owner wrote");
	}

	mkdir(at("adir"), 0755);
	is_int(write_file(at("adir"), "x", &msg), -EISDIR, "a directory is refused");
	is_str(msg, at("adir: is a directory"), "saying so");
	free(msg);
	is_int(write_file(at("adir/"), "x", NULL), -EISDIR, "so is DIR/");
	is_int(type_of(at("adir")), S_IFDIR, "and stays a directory");

	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at("sock"));
		if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			abort();
		is_int(write_file(at("sock"), "x", &msg), -EINVAL, "a socket is refused");
		ok(msg && strstr(msg, "a socket, not a regular file, character device or FIFO"),
		   "saying what it is: %s", msg ? msg : "");
		free(msg);
		is_int(type_of(at("sock")), S_IFSOCK, "and stays a socket");
		close(s);
	}
}

static void
test_install_and_read(void)
{
	int dirfd;
	char name[254], *text = NULL;
	size_t len = 0;
	struct ksc_error *error = NULL;
	struct stat st;
	int r;

	mkdir(at("inst"), 0755);
	dirfd = open(at("inst"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	put(at("victim"), "victim", 0600);
	symlink(at("victim"), at("inst/a.json"));
	is_int(ksc_fs_install_at(dirfd, "a.json", "new", 3, 0644, KSC_FS_DURABLE, NULL, NULL), 0,
	       "install over a link");
	is_int(type_of(at("inst/a.json")), S_IFREG, "replaces the link itself");
	is_str(slurp(at("victim")), "victim", "and leaves what it pointed to alone");
	ok(stat(at("inst/a.json"), &st) == 0 && (st.st_mode & 07777) == 0644, "mode 0644");

	mkfifo(at("inst/b.json"), 0600);
	is_int(ksc_fs_install_at(dirfd, "b.json", "new", 3, 0644, 0, NULL, NULL), 0,
	       "install over a FIFO does not open it");
	is_int(type_of(at("inst/b.json")), S_IFREG, "and replaces it");

	memset(name, 'k', 248);
	memcpy(name + 248, ".json", 6);
	is_int(ksc_fs_install_at(dirfd, name, "long", 4, 0644, KSC_FS_DURABLE, NULL, NULL), 0,
	       "a 253-byte name (the longest ConfigMap key) is installed");
	ok(ksc_fs_is_temp_name(".kseccomp.Ab3dE9xz"), "temporary names are recognised");
	ok(!ksc_fs_is_temp_name(".kseccomp.Ab3dE9x") && !ksc_fs_is_temp_name("a.json") &&
	           !ksc_fs_is_temp_name(".kseccomp.Ab3dE9x/"),
	   "and nothing else");
	mkdir(at("inst/d.json"), 0755);
	is_int(ksc_fs_install_at(dirfd, "d.json", "x", 1, 0644, 0, NULL, NULL), -EISDIR,
	       "install over a directory: EISDIR");
	is_int(ksc_fs_install_at(dirfd, "../x", "x", 1, 0644, 0, NULL, NULL), -EINVAL,
	       "a name with a slash is refused");

	is_int(ksc_fs_read_at(dirfd, name, 100, &text, &len, NULL, NULL), 0, "read a regular file");
	ok(text && len == 4 && streq(text, "long"), "whole");
	free(text);
	symlink(at("victim"), at("inst/link.json"));
	is_int(ksc_fs_read_at(dirfd, "link.json", 100, &text, &len, "L", &error), -ELOOP,
	       "a link is not followed");
	is_str(ksc_error_message(error), "L: a symbolic link: not followed", "saying so");
	ksc_error_free(error);
	error = NULL;
	mkfifo(at("inst/fifo.json"), 0600);
	alarm(20);
	r = ksc_fs_read_at(dirfd, "fifo.json", 100, &text, &len, "F", &error);
	alarm(0);
	is_int(r, -EINVAL, "a FIFO without a writer is refused, without blocking");
	is_str(ksc_error_message(error), "F: a FIFO, not a regular file: refused", "saying so");
	ksc_error_free(error);
	is_int(ksc_fs_read_at(dirfd, "d.json", 100, &text, &len, NULL, NULL), -EISDIR,
	       "a directory: EISDIR");
	is_int(ksc_fs_read_at(dirfd, name, 3, &text, &len, NULL, NULL), -EFBIG,
	       "more than the limit: EFBIG");
	close(dirfd);
}

static void
test_beneath(bool without_openat2)
{
	const char *how = without_openat2 ? "walk" : "openat2";
	char base[64];
	int rootfd, fd;
	struct ksc_error *error = NULL;

	ksc_fs_test_without_openat2(without_openat2);
	snprintf(base, sizeof(base), "root-%s", how);
	mkdir(at(base), 0755);
	rootfd = open(at(base), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	fd = ksc_fs_mkdir_beneath(rootfd, "seccomp/a/b", 0755, "ROOT", NULL);
	ok(fd >= 0, "%s: mkdir -p beneath the root", how);
	if (fd >= 0)
		close(fd);
	fd = ksc_fs_mkdir_beneath(rootfd, "seccomp/a/b", 0755, "ROOT", NULL);
	ok(fd >= 0, "%s: again: it exists", how);
	if (fd >= 0)
		close(fd);

	mkdir(at("elsewhere"), 0755);
	put(at("elsewhere/keep.json"), "keep", 0644);
	{
		char link[128];

		snprintf(link, sizeof(link), "%s/seccomp/evil", base);
		symlink(at("elsewhere"), at(link));
	}
	fd = ksc_fs_mkdir_beneath(rootfd, "seccomp/evil/sub", 0755, "ROOT", &error);
	is_int(fd, -ELOOP, "%s: a link on the way is refused", how);
	is_str(ksc_error_message(error),
	       "ROOT/seccomp/evil: a symbolic link: refused (no link beneath ROOT is followed)",
	       "%s: naming the link", how);
	ksc_error_free(error);
	error = NULL;
	is_int(type_of(at("elsewhere/sub")), 0, "%s: nothing made where it points", how);
	is_int(ksc_fs_mkdir_beneath(rootfd, "seccomp/evil", 0755, "ROOT", NULL), -ELOOP,
	       "%s: a link as the last component too", how);
	is_int(ksc_fs_open_beneath(rootfd, "seccomp/evil/keep.json", O_RDONLY, "ROOT", NULL),
	       -ELOOP, "%s: open through a link: ELOOP", how);
	is_int(ksc_fs_open_beneath(rootfd, "seccomp/evil", O_RDONLY | O_DIRECTORY, "ROOT", NULL),
	       -ELOOP, "%s: open of a link: ELOOP", how);
	is_int(ksc_fs_open_beneath(rootfd, "seccomp/../..", O_RDONLY | O_DIRECTORY, "ROOT", NULL),
	       -EXDEV, "%s: '..' is refused", how);
	is_int(ksc_fs_open_beneath(rootfd, "/etc", O_RDONLY | O_DIRECTORY, "ROOT", NULL), -EXDEV,
	       "%s: so is an absolute path", how);
	is_int(ksc_fs_mkdir_beneath(rootfd, "../x", 0755, "ROOT", NULL), -EXDEV,
	       "%s: mkdir of '..': refused", how);
	{
		char file[128];

		snprintf(file, sizeof(file), "%s/seccomp/file", base);
		put(at(file), "x", 0644);
	}
	is_int(ksc_fs_mkdir_beneath(rootfd, "seccomp/file/x", 0755, "ROOT", NULL), -ENOTDIR,
	       "%s: a file on the way: ENOTDIR", how);
	fd = ksc_fs_open_beneath(rootfd, "seccomp//a/./b", O_RDONLY | O_DIRECTORY, "ROOT", NULL);
	ok(fd >= 0, "%s: '//' and '.' are fine", how);
	if (fd >= 0)
		close(fd);
	fd = ksc_fs_open_beneath(rootfd, "", O_RDONLY | O_DIRECTORY, "ROOT", NULL);
	ok(fd >= 0, "%s: '' is the root", how);
	if (fd >= 0)
		close(fd);
	close(rootfd);
	ksc_fs_test_without_openat2(false);
}

static void
test_mkdir_p(void)
{
	is_int(ksc_fs_mkdir_p(at("p/q//r/"), 0755, NULL), 0, "mkdir -p");
	is_int(type_of(at("p/q/r")), S_IFDIR, "made every level");
	is_int(ksc_fs_mkdir_p(at("p/q/r"), 0755, NULL), 0, "again: it exists");
	put(at("p/file"), "x", 0644);
	is_int(ksc_fs_mkdir_p(at("p/file/x"), 0755, NULL), -ENOTDIR, "a file on the way: ENOTDIR");
	is_int(ksc_fs_mkdir_p(at("p/file"), 0755, NULL), -ENOTDIR, "a file at the end: ENOTDIR");
}

int
main(void)
{
	char cmd[128];

	snprintf(top, sizeof(top), "/tmp/test-fs.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	test_write_regular();
	test_write_links();
	test_write_fifo();
	test_write_devices();
	test_install_and_read();
	test_beneath(false);
	test_beneath(true);
	test_mkdir_p();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", top);
	return tap_done();
}
