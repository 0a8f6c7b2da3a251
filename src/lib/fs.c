/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>

#include "error.h"
#include "fs.h"

/* ".kseccomp." and 8 letters or digits: 18 bytes whatever the name it replaces, so that a
 * name of 253 bytes (the longest ConfigMap key, validation.IsConfigMapKey) still fits the
 * 255 bytes of a directory entry with its temporary file beside it. */
#define TEMP_PREFIX     ".kseccomp."
#define TEMP_RANDOM_LEN 8
#define TEMP_NAME_SIZE  (sizeof(TEMP_PREFIX) + TEMP_RANDOM_LEN)

/* The kernel's limit on links followed in one lookup (MAXSYMLINKS, fs/namei.c). */
#define MAX_LINKS 40

static bool without_openat2;

void
ksc_fs_test_without_openat2(bool without)
{
	without_openat2 = without;
}

const char *
ksc_file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "an unknown file type";
	}
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static const char temp_alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

bool
ksc_fs_is_temp_name(const char *name)
{
	size_t n = strlen(TEMP_PREFIX);

	if (strncmp(name, TEMP_PREFIX, n) != 0 || strlen(name) != n + TEMP_RANDOM_LEN)
		return false;
	for (size_t i = n; name[i]; i++)
		if (!strchr(temp_alphabet, name[i]))
			return false;
	return true;
}

/* Create a new temporary file in dirfd (O_EXCL, not following a link): its fd, name in tmp. */
static int
create_temp(int dirfd, char tmp[static TEMP_NAME_SIZE])
{
	static unsigned counter;

	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char bytes[TEMP_RANDOM_LEN];
		int fd;

		if (getrandom(bytes, sizeof(bytes), GRND_NONBLOCK) != (ssize_t)sizeof(bytes)) {
			struct timespec ts;
			uint64_t x;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
			    (uint64_t)getpid() << 40 ^
			    (uint64_t)++counter * UINT64_C(0x9e3779b97f4a7c15);
			for (size_t i = 0; i < sizeof(bytes); i++, x >>= 8)
				bytes[i] = (unsigned char)x;
		}
		memcpy(tmp, TEMP_PREFIX, strlen(TEMP_PREFIX));
		for (size_t i = 0; i < TEMP_RANDOM_LEN; i++)
			tmp[strlen(TEMP_PREFIX) + i] =
			        temp_alphabet[bytes[i] % (sizeof(temp_alphabet) - 1)];
		tmp[TEMP_NAME_SIZE - 1] = '\0';
		fd = openat(dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : negative_errno();
	}
	return -EEXIST;
}

/* Write data to a temporary file in dirfd and rename it over name. old: the file replaced,
 * whose mode and owner the new one keeps; NULL: a new file of `mode`. */
static int
replace_at(int dirfd, const char *name, const void *data, size_t len, const struct stat *old,
           mode_t mode, unsigned flags, const char *what, struct ksc_error **reterr)
{
	_cleanup_(closep) int fd = -1;
	char tmp[TEMP_NAME_SIZE];
	int r = 0;

	fd = create_temp(dirfd, tmp);
	if (fd < 0)
		return ksc_error_setf(reterr, fd,
		                      "%s: cannot create a temporary file beside it: %s", what,
		                      strerror(-fd));
	if (old) {
		/* the owner first: chown() clears the set-id bits that the chmod then restores.
		 * Only root may give a file away; anyone else keeps their own file. */
		if (fchown(fd, old->st_uid, old->st_gid) < 0) {
			/* not permitted: the file is the writer's, as any new file */
		}
		mode = old->st_mode & 07777;
	}
	if (fchmod(fd, mode) < 0)
		r = negative_errno();
	if (r >= 0)
		r = write_all(fd, data, len);
	if (r >= 0 && (flags & KSC_FS_DURABLE) && fsync(fd) < 0)
		r = negative_errno();
	/* close() reports the write errors of some file systems (NFS) */
	if (r >= 0 && close(TAKE_FD(fd)) < 0)
		r = negative_errno();
	if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlinkat(dirfd, tmp, 0);
		return ksc_error_setf(reterr, r, "%s: %s", what, strerror(-r));
	}
	/* the rename itself is durable once the directory is */
	if ((flags & KSC_FS_DURABLE) && fsync(dirfd) < 0 && errno != EINVAL)
		return ksc_error_setf(reterr, negative_errno(), "%s: fsync of its directory: %s",
		                      what, strerror(errno));
	return 0;
}

static bool
single_component(const char *name)
{
	return *name && !strchr(name, '/') && !streq(name, ".") && !streq(name, "..");
}

int
ksc_fs_install_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                  unsigned flags, const char *what, struct ksc_error **reterr)
{
	struct stat st;

	if (!what)
		what = name;
	if (!single_component(name))
		return ksc_error_setf(reterr, -EINVAL, "%s: not a file name", what);
	/* renameat() replaces a link or a FIFO itself, without opening it; a directory would
	 * only fail later with a less clear EISDIR */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", what);
	return replace_at(dirfd, name, data, len, NULL, mode, flags, what, reterr);
}

/* Open what a character device, FIFO or regular file entry names for writing and write data
 * through it: the same file (dev, inode) as *want, or -ESTALE when it changed meanwhile. */
static int
write_through(int fd, const struct stat *want, const void *data, size_t len, const char *what,
              struct ksc_error **reterr)
{
	_cleanup_(closep) int owned = fd;
	struct stat st;
	int r;

	if (fd < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", what, strerror(errno));
	if (fstat(fd, &st) < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", what, strerror(errno));
	if (st.st_dev != want->st_dev || st.st_ino != want->st_ino)
		return ksc_error_setf(reterr, -ESTALE, "%s: changed while being opened", what);
	r = write_all(fd, data, len);
	if (r >= 0 && close(TAKE_FD(owned)) < 0 && errno != EINTR)
		r = negative_errno();
	if (r < 0)
		return ksc_error_setf(reterr, r, "%s: %s", what, strerror(-r));
	return 0;
}

/* What the directory of a path and its last component are: "a/b" -> "a", "b"; "b" -> ".",
 * "b"; "/b" -> "/", "b". */
static void
split_path(char *path, const char **ret_dir, const char **ret_base)
{
	char *slash = strrchr(path, '/');

	if (!slash) {
		*ret_dir = ".";
		*ret_base = path;
	} else if (slash == path) {
		*ret_dir = "/";
		*ret_base = path + 1;
	} else {
		*slash = '\0';
		*ret_dir = path;
		*ret_base = slash + 1;
	}
}

int
ksc_fs_write_file(const char *path, const void *data, size_t len, struct ksc_error **reterr)
{
	char cur[PATH_MAX];

	if (!*path)
		return ksc_error_setf(reterr, -ENOENT, "an empty file name");
	if (strlen(path) >= sizeof(cur))
		return ksc_error_setf(reterr, -ENAMETOOLONG, "%s: %s", path,
		                      strerror(ENAMETOOLONG));
	snprintf(cur, sizeof(cur), "%s", path);
	for (int links = 0;; links++) {
		_cleanup_(closep) int dirfd = -1;
		char split[PATH_MAX], target[PATH_MAX];
		const char *dir, *base;
		struct statfs sfs;
		struct stat st;
		ssize_t n;

		/* "out/": the user means a directory; stat() says what it is */
		if (endswith(cur, "/")) {
			if (stat(cur, &st) == 0 && S_ISDIR(st.st_mode))
				return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", path);
			return ksc_error_setf(reterr, -ENOTDIR, "%s: not a directory", path);
		}
		snprintf(split, sizeof(split), "%s", cur);
		split_path(split, &dir, &base);
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
			                      strerror(errno));
		if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
				                      strerror(errno));
			return replace_at(dirfd, base, data, len, NULL, 0644, KSC_FS_DURABLE, path,
			                  reterr);
		}
		switch (st.st_mode & S_IFMT) {
		case S_IFREG:
			return replace_at(dirfd, base, data, len, &st, 0, KSC_FS_DURABLE, path,
			                  reterr);
		case S_IFCHR:
		case S_IFIFO:
			/* /dev/null, a terminal, a named pipe: never replaced. O_WRONLY without
			 * O_CREAT or O_TRUNC, as a shell's `>` on them; a FIFO waits for a reader. */
			return write_through(
			        openat(dirfd, base, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC),
			        &st, data, len, path, reterr);
		case S_IFLNK:
			break;
		case S_IFDIR:
			return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", path);
		default:
			return ksc_error_setf(
			        reterr, -EINVAL,
			        "%s: %s, not a regular file, character device or FIFO: "
			        "refused",
			        path, ksc_file_type_name(st.st_mode));
		}
		if (links >= MAX_LINKS)
			return ksc_error_setf(reterr, -ELOOP, "%s: %s", path, strerror(ELOOP));
		/* A link of /proc (/dev/stdout -> /proc/self/fd/1) names an open file, which may
		 * be a pipe or a deleted file: its text is no path. Open the file it names (the
		 * kernel follows such links itself) and write through; to a regular file, at its
		 * end, as the shell that opened it for `>` or `>>` expects. */
		if (fstatfs(dirfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC) {
			if (fstatat(dirfd, base, &st, 0) < 0)
				return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
				                      strerror(errno));
			if (S_ISDIR(st.st_mode))
				return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", path);
			if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "%s: %s, not a regular file, character device or "
				        "FIFO: refused",
				        path, ksc_file_type_name(st.st_mode));
			return write_through(openat(dirfd, base,
			                            O_WRONLY | O_NOCTTY | O_CLOEXEC |
			                                    (S_ISREG(st.st_mode) ? O_APPEND : 0)),
			                     &st, data, len, path, reterr);
		}
		/* any other link: what it names is the file to replace; the link stays */
		n = readlinkat(dirfd, base, target, sizeof(target) - 1);
		if (n < 0)
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
			                      strerror(errno));
		target[n] = '\0';
		/* dir points into split: the next path is built in cur */
		if (target[0] == '/' || streq(dir, "."))
			n = snprintf(cur, sizeof(cur), "%s", target);
		else
			n = snprintf(cur, sizeof(cur), "%s/%s", dir, target);
		if (n < 0 || (size_t)n >= sizeof(cur))
			return ksc_error_setf(reterr, -ENAMETOOLONG, "%s: %s", path,
			                      strerror(ENAMETOOLONG));
	}
}

int
ksc_fs_read_fd(int fd, uint64_t size_hint, size_t max_bytes, char **ret_buf, size_t *ret_len,
               const char *what, struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0, cap;

	if (size_hint > max_bytes)
		return ksc_error_setf(reterr, -EFBIG, "%s: file is larger than %zu bytes", what,
		                      max_bytes);
	/* One read past the size the file had, to see its end (or that it grew). */
	cap = (size_t)MAX(size_hint, (uint64_t)4095) + 1;
	cap = MIN(cap, max_bytes + 1);
	buf = malloc(cap + 1);
	if (!buf)
		return ksc_error_setf(reterr, -ENOMEM, "%s: %s", what, strerror(ENOMEM));
	for (;;) {
		ssize_t k;

		if (len == cap) {
			char *grown;

			if (len > max_bytes)
				break;
			cap = MIN(cap * 2, max_bytes + 1);
			grown = realloc(buf, cap + 1);
			if (!grown)
				return ksc_error_setf(reterr, -ENOMEM, "%s: %s", what,
				                      strerror(ENOMEM));
			buf = grown;
		}
		k = read(fd, buf + len, cap - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", what,
			                      strerror(errno));
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	if (len > max_bytes)
		return ksc_error_setf(reterr, -EFBIG, "%s: file is larger than %zu bytes", what,
		                      max_bytes);
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int
ksc_fs_read_at(int dirfd, const char *name, size_t max_bytes, char **ret_buf, size_t *ret_len,
               const char *what, struct ksc_error **reterr)
{
	_cleanup_(closep) int fd = -1;
	struct stat st, opened;

	if (!what)
		what = name;
	/* Look before opening: opening a device can have effects (a tape rewinds), and a FIFO
	 * opened for reading holds its writer. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", what, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", what);
	if (S_ISLNK(st.st_mode))
		return ksc_error_setf(reterr, -ELOOP, "%s: a symbolic link: not followed", what);
	if (!S_ISREG(st.st_mode))
		return ksc_error_setf(reterr, -EINVAL, "%s: %s, not a regular file: refused", what,
		                      ksc_file_type_name(st.st_mode));
	/* O_NONBLOCK: whatever replaced the file meanwhile, the open does not wait */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int r = negative_errno();

		if (r == -ELOOP)
			return ksc_error_setf(reterr, r, "%s: a symbolic link: not followed", what);
		return ksc_error_setf(reterr, r, "%s: %s", what, strerror(-r));
	}
	if (fstat(fd, &opened) < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", what, strerror(errno));
	if (!S_ISREG(opened.st_mode))
		return ksc_error_setf(reterr, -EINVAL, "%s: %s, not a regular file: refused", what,
		                      ksc_file_type_name(opened.st_mode));
	return ksc_fs_read_fd(fd, (uint64_t)opened.st_size, max_bytes, ret_buf, ret_len, what,
	                      reterr);
}

/* Whether path has a ".." component. */
static bool
has_dotdot(const char *path)
{
	for (const char *s = path; *s;) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s += n;
		s += strspn(s, "/");
	}
	return false;
}

/* exact: path is the link itself (mkdir_beneath() knows which component it is); else a link
 * is somewhere in it (openat2 does not say where). */
static int
beneath_error(int r, const char *what, const char *path, bool exact, struct ksc_error **reterr)
{
	if (r == -ELOOP)
		return ksc_error_setf(
		        reterr, r, "%s/%s: %s: refused (no link beneath %s is followed)", what,
		        path, exact ? "a symbolic link" : "contains a symbolic link", what);
	if (r == -EXDEV)
		return ksc_error_setf(reterr, r, "%s/%s: leaves %s: refused", what, path, what);
	return ksc_error_setf(reterr, r, "%s/%s: %s", what, path, strerror(-r));
}

/* open_beneath() where openat2 is missing: one component at a time, none a link. */
static int
walk_beneath(int rootfd, const char *path, int flags)
{
	_cleanup_(closep) int cur = -1;
	const char *s = path + strspn(path, "/");

	for (;;) {
		size_t n = strcspn(s, "/");
		const char *next = s + n + strspn(s + n, "/");
		char component[NAME_MAX + 1];
		bool last = *next == '\0';
		int fd;

		if (n == 0) { /* "" or only slashes: the root itself */
			fd = openat(rootfd, ".", flags | O_CLOEXEC);
			return fd < 0 ? negative_errno() : fd;
		}
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(component, s, n);
		component[n] = '\0';
		if (streq(component, ".") && !last) {
			s = next;
			continue;
		}
		/* O_NOFOLLOW refuses a link as the last component (ELOOP); the components
		 * before it are opened the same way, each one the last of its own lookup */
		fd = openat(cur >= 0 ? cur : rootfd, component,
		            (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int r = negative_errno();
			struct stat st;

			/* with O_DIRECTORY a link is ENOTDIR: say ELOOP, as openat2 does */
			if (r == -ENOTDIR &&
			    fstatat(cur >= 0 ? cur : rootfd, component, &st, AT_SYMLINK_NOFOLLOW) ==
			            0 &&
			    S_ISLNK(st.st_mode))
				r = -ELOOP;
			return r;
		}
		closep(&cur);
		cur = fd;
		if (last)
			return TAKE_FD(cur);
		s = next;
	}
}

int
ksc_fs_open_beneath(int rootfd, const char *path, int flags, const char *what,
                    struct ksc_error **reterr)
{
	int fd;

	if (path[0] == '/' || has_dotdot(path))
		return beneath_error(-EXDEV, what, path, false, reterr);
	if (!without_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
		if (fd >= 0)
			return fd;
		/* ENOSYS: before Linux 5.6; EPERM: a seccomp filter that does not know it */
		if (errno != ENOSYS && errno != EPERM)
			return beneath_error(negative_errno(), what, path, false, reterr);
	}
	fd = walk_beneath(rootfd, path, flags);
	if (fd < 0)
		return beneath_error(fd, what, path, false, reterr);
	return fd;
}

int
ksc_fs_mkdir_beneath(int rootfd, const char *path, mode_t mode, const char *what,
                     struct ksc_error **reterr)
{
	_cleanup_(closep) int cur = -1;
	char done[PATH_MAX];
	size_t done_len = 0;
	const char *s = path + strspn(path, "/");

	if (path[0] == '/' || has_dotdot(path))
		return beneath_error(-EXDEV, what, path, false, reterr);
	cur = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", what, strerror(errno));
	done[0] = '\0';
	while (*s) {
		size_t n = strcspn(s, "/");
		char component[NAME_MAX + 1];
		int fd;

		if (n > NAME_MAX || done_len + n + 2 > sizeof(done))
			return ksc_error_setf(reterr, -ENAMETOOLONG, "%s/%s: %s", what, path,
			                      strerror(ENAMETOOLONG));
		memcpy(component, s, n);
		component[n] = '\0';
		s += n + strspn(s + n, "/");
		if (streq(component, "."))
			continue;
		done_len += (size_t)snprintf(done + done_len, sizeof(done) - done_len, "%s%s",
		                             done_len ? "/" : "", component);
		if (mkdirat(cur, component, mode) < 0 && errno != EEXIST)
			return ksc_error_setf(reterr, negative_errno(), "%s/%s: %s", what, done,
			                      strerror(errno));
		fd = ksc_fs_open_beneath(cur, component, O_RDONLY | O_DIRECTORY, what, NULL);
		if (fd < 0) {
			if (fd == -ENOTDIR)
				return ksc_error_setf(reterr, fd, "%s/%s: not a directory", what,
				                      done);
			return beneath_error(fd, what, done, true, reterr);
		}
		closep(&cur);
		cur = fd;
	}
	return TAKE_FD(cur);
}

int
ksc_fs_mkdir_p(const char *path, mode_t mode, struct ksc_error **reterr)
{
	char buf[PATH_MAX];
	struct stat st;

	if (!*path)
		return ksc_error_setf(reterr, -ENOENT, "an empty directory name");
	if (strlen(path) >= sizeof(buf))
		return ksc_error_setf(reterr, -ENAMETOOLONG, "%s: %s", path,
		                      strerror(ENAMETOOLONG));
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1;; s++) {
		bool end = *s == '\0';

		if (!end && *s != '/')
			continue;
		if (s[-1] != '/') {
			*s = '\0';
			if (mkdir(buf, mode) < 0) {
				if (errno != EEXIST)
					return ksc_error_setf(reterr, negative_errno(), "%s: %s",
					                      buf, strerror(errno));
				if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
					return ksc_error_setf(reterr, -ENOTDIR,
					                      "%s: not a directory", buf);
			}
			*s = end ? '\0' : '/';
		}
		if (end)
			return 0;
	}
}

int
ksc_fs_cgroup2_mount(char *buf, size_t size)
{
	_cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64];
		const char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE OPTIONS */
		if (!sep || sscanf(sep, " - %63s", fstype) != 1 || !streq(fstype, "cgroup2") ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if ((size_t)snprintf(buf, size, "%s", mnt) >= size)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}
