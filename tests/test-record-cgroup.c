/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a container recording takes from the kernel before its BPF program runs, against real
 * processes in real cgroups: a container's cgroup is one of its own (record_container_cgroup()
 * refuses one its parent shares, as a runtime on cgroup v1 leaves a service's or a session's),
 * and the processes already in it are placed in sessions by their ancestry
 * (record_sessions_scan(): the first process's tree is the container's own, a process that
 * entered from outside is named by its command, hashed as the BPF program hashes it).
 *
 * Usage: test-record-cgroup. Prints TAP; needs root and a writable cgroup v2 hierarchy.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "macro.h"
#include "record/record.h"
#include "tap.h"

static char top[PATH_MAX + 64], own[PATH_MAX + 96], home[2 * PATH_MAX + 16];

/* Move process pid into the cgroup directory dir. */
static int
move(const char *dir, pid_t pid)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	r = fprintf(f, "%d\n", (int)pid) > 0 ? 0 : -EIO;
	if (fclose(f) != 0)
		r = -errno;
	return r;
}

/* A child that moves itself into dir (when not NULL), says so on a pipe, then runs argv
 * (NULL: sleeps, forking a grandchild that sleeps when fork_too). */
static pid_t
spawn(const char *dir, char *const *argv, bool fork_too)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (dir && move(dir, getpid()) < 0)
			_exit(1);
		if (fork_too && fork() == 0) {
			close(p[1]);
			pause();
			_exit(0);
		}
		(void)!write(p[1], "r", 1);
		close(p[1]);
		if (argv)
			execvp(argv[0], argv);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return pid;
}

/* SIGKILL every process of a cgroup directory. */
static void
kill_all(const char *dir)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%d", &pid) == 1)
		kill(pid, SIGKILL);
	if (f)
		fclose(f);
}

static const struct record_seed *
seed_of(const struct record_seed *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].tgid == (uint32_t)pid)
			return &v[i];
	return NULL;
}

int
main(void)
{
	char mnt[PATH_MAX], buf[PATH_MAX], line[PATH_MAX + 8];
	char *const sleep_argv[] = { "sleep", "60", NULL };
	struct record_command want = { 0 };
	struct record_seed *seeds = NULL;
	const struct record_seed *s;
	pid_t shared, init, exec;
	size_t n = 0;
	FILE *f;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (cgroups)\n");
		return 0;
	}
	if (ksc_fs_cgroup2_mount(mnt, sizeof(mnt)) < 0) {
		printf("1..0 # SKIP no cgroup v2 hierarchy\n");
		return 0;
	}
	/* where this process is, to go back there */
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(home, sizeof(home), "%s%s", mnt, line + 3);
		}
	if (f)
		fclose(f);
	snprintf(top, sizeof(top), "%s/kseccomp-test-cgroup-%d", mnt, (int)getpid());
	snprintf(own, sizeof(own), "%s/own", top);
	if (!*home || mkdir(top, 0755) < 0 || mkdir(own, 0755) < 0) {
		printf("1..0 # SKIP cannot make a cgroup v2 directory under %s\n", mnt);
		return 0;
	}

	/* a child in its parent's cgroup: not a cgroup of its own */
	ok(move(top, getpid()) == 0, "this process moves into a cgroup");
	shared = spawn(NULL, NULL, false);
	ok(shared > 0, "a child starts there");
	is_int(record_container_cgroup(shared, buf, sizeof(buf)), -EEXIST,
	       "a process whose parent shares its cgroup has none of its own");
	is_int(record_process_cgroup(shared, buf, sizeof(buf)), 0, "though it is in one");
	is_str(buf, top, "...its parent's");

	/* a container: its first process in a cgroup of its own, with a child; then a process
	 * that enters it from outside and runs a command */
	init = spawn(own, NULL, true);
	ok(init > 0, "a container's first process starts in a cgroup of its own, with a child");
	is_int(record_container_cgroup(init, buf, sizeof(buf)), 0, "its cgroup is its own");
	is_str(buf, own, "...the one it moved into");
	exec = spawn(own, sleep_argv, false);
	ok(exec > 0, "a process enters the cgroup from outside and runs sleep 60");
	usleep(100 * 1000); /* its execve */

	is_int(record_sessions_scan(own, init, &seeds, &n), 0, "the cgroup's processes are read");
	is_int(n, 3, "three: the first process, its child, the entered one");
	s = seed_of(seeds, n, init);
	ok(s && s->session == 0, "the first process is the container's own");
	for (size_t i = 0; i < n; i++)
		if (seeds[i].tgid != (uint32_t)init && seeds[i].tgid != (uint32_t)exec)
			ok(seeds[i].session == 0, "its child is the container's own too");
	s = seed_of(seeds, n, exec);
	strcpy(want.argv[0], "sleep");
	strcpy(want.argv[1], "60");
	ok(s && s->session == record_command_hash(&want),
	   "the entered process is in the session of its command, as the program hashes it");
	is_str(s ? s->command.argv[0] : NULL, "sleep", "...whose arguments are kept");
	ok(record_command_hash(&want) > 1,
	   "a command's session is neither own (0) nor entered (1)");
	free(seeds);
	/* the first process unknown (0), or known but not there (1): nothing tells the trees
	 * apart, and every process is the container's own */
	for (pid_t first = 0; first <= 1; first++) {
		seeds = NULL;
		is_int(record_sessions_scan(own, first, &seeds, &n), 0,
		       "the cgroup read with the first process %s",
		       first ? "not there" : "unknown");
		for (size_t i = 0; i < n; i++)
			ok(seeds[i].session == 0, "...%u is the container's own",
			   (unsigned)seeds[i].tgid);
		free(seeds);
	}

	/* back home, every process of the cgroups killed (the first process's child too),
	 * children reaped, cgroups removed */
	(void)move(home, getpid());
	kill_all(own);
	kill_all(top);
	while (waitpid(-1, NULL, 0) > 0)
		;
	for (int i = 0; i < 100 && rmdir(own) < 0; i++)
		usleep(10 * 1000);
	rmdir(top);
	return tap_done();
}
