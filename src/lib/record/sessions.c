/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sessions of the processes a recorded cgroup already holds when recording starts
 * (record.h): the container's own are its first process and its descendants; any other
 * process tree came into the cgroup from outside it (an exec), and is named by the command
 * of its topmost process there, hashed as the BPF program hashes the command an entered
 * process exec's (src/bpf/record.bpf.c), so that both land in one session.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

/* How deep below the recorded cgroup, and how many processes, the scan looks. */
#define SCAN_DEPTH     16
#define SCAN_PROCESSES 4096

uint64_t
record_command_hash(const struct record_command *c)
{
	uint64_t h = 0xcbf29ce484222325ull, w;

	for (size_t i = 0; i < sizeof(c->argv) / sizeof(w); i++) {
		memcpy(&w, (const char *)c->argv + i * sizeof(w), sizeof(w));
		h ^= w;
		h *= 0x100000001b3ull;
	}
	return h | 2;
}

struct scan {
	struct record_seed *v;
	pid_t *ppid;
	size_t n;
};

pid_t
record_parent_pid(pid_t pid)
{
	char path[64], text[1024], *paren;
	ssize_t n;
	int fd, ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	paren = strrchr(text, ')');
	if (!paren || sscanf(paren + 1, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

/* The command line of a process, as the BPF program reads an execve's: each argument
 * truncated to RECORDING_COMMAND_ARG - 1 bytes, the rest zero. */
static void
command_of(pid_t pid, struct record_command *c)
{
	char path[64], text[RECORDING_COMMAND_ARGS * 4096];
	ssize_t n;
	size_t a = 0;
	int fd;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *p = text; p < text + n && a < RECORDING_COMMAND_ARGS; p += strlen(p) + 1)
		memcpy(c->argv[a++], p, strnlen(p, sizeof(c->argv[0]) - 1));
}

/* The tgids of a cgroup directory and of those below it. */
static int
scan_cgroup(int dirfd, unsigned depth, struct scan *s)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	DIR *dir;
	struct dirent *e;
	FILE *f;
	int pid, r = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* removed meanwhile */
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fscanf(f, "%d", &pid) == 1 && s->n < SCAN_PROCESSES)
		s->v[s->n++] = (struct record_seed){ .tgid = (uint32_t)pid };
	fclose(f);
	if (depth >= SCAN_DEPTH)
		return 0;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while (r >= 0 && (e = readdir(dir))) {
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue; /* removed meanwhile */
		r = scan_cgroup(sub, depth + 1, s);
		close(sub);
	}
	closedir(dir);
	return r;
}

static ssize_t
index_of(const struct scan *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].tgid == (uint32_t)pid)
			return (ssize_t)i;
	return -1;
}

int
record_sessions_scan(const char *cgroup, pid_t init, struct record_seed **ret, size_t *ret_n)
{
	struct scan s = { .v = calloc(SCAN_PROCESSES, sizeof(*s.v)),
		          .ppid = calloc(SCAN_PROCESSES, sizeof(*s.ppid)) };
	int dirfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;
	bool init_here;

	*ret = NULL;
	*ret_n = 0;
	if (!s.v || !s.ppid || dirfd < 0) {
		r = dirfd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	r = scan_cgroup(dirfd, 0, &s);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < s.n; i++)
		s.ppid[i] = record_parent_pid((pid_t)s.v[i].tgid);
	/* without the first process among them, nothing tells the trees apart: all are the
	 * container's own, which leaves nothing out of its profile */
	init_here = init > 0 && index_of(&s, init) >= 0;
	for (size_t i = 0; init_here && i < s.n; i++) {
		ssize_t at = (ssize_t)i, up;

		/* up to the container's first process, or to the topmost one in the cgroup */
		for (unsigned steps = 0; steps < SCAN_PROCESSES; steps++) {
			if (s.v[at].tgid == (uint32_t)init)
				break;
			up = index_of(&s, s.ppid[at]);
			if (up < 0 || up == at)
				break;
			at = up;
		}
		if (s.v[at].tgid == (uint32_t)init)
			continue;
		command_of((pid_t)s.v[at].tgid, &s.v[i].command);
		s.v[i].session = record_command_hash(&s.v[i].command);
	}
	free(s.ppid);
	close(dirfd);
	*ret = s.v;
	*ret_n = s.n;
	return 0;
fail:
	free(s.v);
	free(s.ppid);
	if (dirfd >= 0)
		close(dirfd);
	return r;
}
