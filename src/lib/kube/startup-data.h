/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtimes' calls after the filter, for startup.c (included there only). Measured with
 * scripts/measure-startup.sh (data/oci-runtimes/startup/: each runtime started 10 times
 * under a profile whose defaultAction is SCMP_ACT_LOG, the kernel's records of the runtime's
 * own process read; then each call denied alone with EPERM, ENOSYS and the KILL actions).
 * In the order the runtime first makes them. Messages as the runtime writes them, "%s" where
 * the errno's text goes.
 */

/* prctl(2) options */
#define PR_SET_KEEPCAPS_ 8
#define PR_CAPBSET_DROP_ 24
#define PR_CAP_AMBIENT_  47
#define O_CLOEXEC_       UINT64_C(0x80000)
#define F_SETFD_         2
#define FD_CLOEXEC_      1

/* runc 1.1 (Debian's 1.1.5+ds1-1+deb12u1, which carries the CVE-2024-21626 fix of 1.1.12),
 * with no_new_privs: the filter goes in just before the exec fifo is opened, and the few
 * calls left come in this order (Go's own, futex, among them: nothing comes earlier than
 * the close of runc's pipes). */
static const struct call runc_11_nnp[] = {
	{ "close", BREAKS, KUBE_STARTUP_START, "cannot start a stopped process", NULL },
	{ "openat",
	  BREAKS,
	  KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start a container that has stopped",
	  "AT_FDCWD, \"/proc/self/fd/FIFO\", O_WRONLY|O_CLOEXEC; AT_FDCWD, \"/proc/self/fd\", "
	  "O_RDONLY|O_CLOEXEC",
	  false,
	  0,
	  2,
	  { { AT_FDCWD_64, 0, O_CLOEXEC_ | 1 }, { AT_FDCWD_64, 0, O_CLOEXEC_ } } },
	{ "futex", BREAKS, KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start an already running container", NULL },
	{ "write", BREAKS, KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start an already running container", NULL },
	{ "getpid", TOLERATED, 0, NULL, NULL },
	{ "rt_sigreturn", BREAKS, KUBE_STARTUP_EXEC, "runc init crashes (SIGSEGV)", NULL, true,
	  139 },
	{ "epoll_ctl", TOLERATED, 0, NULL, NULL },
	{ "fstatfs", FAILS, KUBE_STARTUP_EXEC, "ensure /proc/self/fd is on procfs: %s", NULL },
	{ "getdents64", FAILS, KUBE_STARTUP_EXEC, "readdirent /proc/self/fd: %s", NULL },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL },
};

/* runc 1.1 without no_new_privs: the filter goes in before runc closes its file
 * descriptors, sets up the user and drops capabilities. */
static const struct call runc_11[] = {
	{ "openat",
	  FAILS,
	  KUBE_STARTUP_CREATE,
	  "error closing exec fds: open /proc/self/fd: %s",
	  "AT_FDCWD, \"/proc/self/fd\", O_RDONLY|O_CLOEXEC; \"/proc/self/status\", "
	  "\"/etc/passwd\", \"/etc/group\", \"/proc/self/setgroups\", O_RDONLY|O_CLOEXEC; "
	  "\"/proc/self/fd/FIFO\", O_WRONLY|O_CLOEXEC",
	  false,
	  0,
	  2,
	  { { AT_FDCWD_64, 0, O_CLOEXEC_ }, { AT_FDCWD_64, 0, O_CLOEXEC_ | 1 } } },
	{ "epoll_ctl", TOLERATED, 0, NULL, NULL },
	{ "fstatfs", FAILS, KUBE_STARTUP_CREATE,
	  "error closing exec fds: ensure /proc/self/fd is on procfs: %s", NULL },
	{ "getdents64", FAILS, KUBE_STARTUP_CREATE,
	  "error closing exec fds: readdirent /proc/self/fd: %s", NULL },
	{ "fcntl",
	  TOLERATED,
	  0,
	  NULL,
	  "FD, F_SETFD, FD_CLOEXEC",
	  false,
	  0,
	  1,
	  { { 3, F_SETFD_, FD_CLOEXEC_ } } },
	{ "close", BREAKS, KUBE_STARTUP_START, "cannot start a stopped process", NULL },
	{ "capget", FAILS, KUBE_STARTUP_CREATE, "%s", NULL },
	{ "read", FAILS, KUBE_STARTUP_CREATE, "read /proc/self/status: %s", NULL },
	{ "prctl",
	  FAILS,
	  KUBE_STARTUP_CREATE,
	  "unable to apply bounding set: %s",
	  "PR_CAPBSET_DROP, CAP_*; PR_SET_KEEPCAPS, 1 and 0; PR_CAP_AMBIENT, "
	  "PR_CAP_AMBIENT_LOWER, CAP_*",
	  false,
	  0,
	  4,
	  { { PR_CAPBSET_DROP_, 0 },
	    { PR_SET_KEEPCAPS_, 1 },
	    { PR_SET_KEEPCAPS_, 0 },
	    { PR_CAP_AMBIENT_, 4 } } },
	{ "newfstatat", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: stat /dev/null: %s",
	  NULL },
	{ "fstat", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: fstat /dev/stdin: %s", NULL },
	{ "setgroups", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: setgroups: %s",
	  "1, [GID]" },
	{ "setgid", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: %s", "GID" },
	{ "setuid", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: %s", "UID" },
	/* denied with EPERM or EACCES, runc tries again after it has set up the user, and fails
	 * there */
	{ "chdir", FAILS, KUBE_STARTUP_CREATE, "chdir to cwd (\"/\") set in config.json failed: %s",
	  NULL },
	{ "getcwd", FAILS, KUBE_STARTUP_CREATE,
	  "failed to verify if current working directory is safe: %s", NULL },
	{ "capset", FAILS, KUBE_STARTUP_CREATE, "unable to apply caps: %s", NULL },
	{ "futex", ANYWHERE, KUBE_STARTUP_START, "cannot start a stopped process", NULL, true },
	/* runc init compares its parent's pid: denied, Go panics on what it gets */
	{ "getppid", FAILS, KUBE_STARTUP_EXEC,
	  "panic: runtime error: invalid memory address or nil pointer dereference", NULL, false,
	  2 },
	/* Go checks the command with faccessat2, falling back to faccessat: denying both fails
	 * (measured once, by hand) */
	{ .name = "faccessat2",
	  .effect = FAILS,
	  .phase = KUBE_STARTUP_EXEC,
	  .message = "exec <command>: %s",
	  .fallback = "faccessat" },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL },
};

/* runc 1.2 and later (read, not measured): 1.1's calls, and /proc/self/fd opened through
 * openat2 and checked with statx (security-profiles-operator #3041: runc 1.2.8 and 1.3.3
 * needed both added to recorded profiles). */
#define RUNC_12_EXTRA                                                                           \
	{ .name = "openat2",                                                                    \
	  .effect = BREAKS,                                                                     \
	  .phase = KUBE_STARTUP_CREATE,                                                         \
	  .message = "runc opens /proc/self/fd through openat2 after the filter (read: runc "   \
		     "1.2 and later; ENOSYS makes it fall back)",                               \
	  .enosys_ok = true },                                                                  \
	{                                                                                       \
		.name = "statx", .effect = BREAKS, .phase = KUBE_STARTUP_CREATE,                \
		.message = "runc checks /proc/self/fd with statx after the filter (read: runc " \
		           "1.2 and later; ENOSYS makes it fall back)",                         \
		.enosys_ok = true                                                               \
	}
static const struct call runc_12_nnp[] = {
	RUNC_12_EXTRA,
	{ "close", BREAKS, KUBE_STARTUP_START, "cannot start a stopped process", NULL },
	{ "openat", BREAKS, KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start a container that has stopped", NULL },
	{ "futex", BREAKS, KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start an already running container", NULL },
	{ "write", BREAKS, KUBE_STARTUP_START,
	  "OCI runtime start failed: cannot start an already running container", NULL },
	{ "fstatfs", FAILS, KUBE_STARTUP_EXEC, "ensure /proc/self/fd is on procfs: %s", NULL },
	{ "getdents64", FAILS, KUBE_STARTUP_EXEC, "readdirent /proc/self/fd: %s", NULL },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL },
};
static const struct call runc_12[] = {
	RUNC_12_EXTRA,
	{ "openat", FAILS, KUBE_STARTUP_CREATE, "error closing exec fds: open /proc/self/fd: %s",
	  NULL },
	{ "fstatfs", FAILS, KUBE_STARTUP_CREATE,
	  "error closing exec fds: ensure /proc/self/fd is on procfs: %s", NULL },
	{ "getdents64", FAILS, KUBE_STARTUP_CREATE,
	  "error closing exec fds: readdirent /proc/self/fd: %s", NULL },
	{ "close", BREAKS, KUBE_STARTUP_START, "cannot start a stopped process", NULL },
	{ "chdir", FAILS, KUBE_STARTUP_CREATE, "chdir to cwd (\"/\") set in config.json failed: %s",
	  NULL },
	{ "capget", FAILS, KUBE_STARTUP_CREATE, "%s", NULL },
	{ "read", FAILS, KUBE_STARTUP_CREATE, "read /proc/self/status: %s", NULL },
	{ "prctl", FAILS, KUBE_STARTUP_CREATE, "unable to apply bounding set: %s", NULL },
	{ "setgroups", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: setgroups: %s", NULL },
	{ "setgid", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: %s", NULL },
	{ "setuid", FAILS, KUBE_STARTUP_CREATE, "unable to setup user: %s", NULL },
	{ "capset", FAILS, KUBE_STARTUP_CREATE, "unable to apply caps: %s", NULL },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL },
};

/* crun reporting a failed execve with no_new_privs: with write denied too it crashes, silent
 * (measured: the tutorial's violation.json with no_new_privs, exit code 139; without
 * no_new_privs crun's parent reports the failure) */
#define CRUN_REPORT                                                                    \
	{                                                                              \
		.name = "write", .effect = BREAKS, .phase = KUBE_STARTUP_EXEC,         \
		.message = "crun crashes reporting the failure (SIGSEGV, no message)", \
		.exit_code = 139, .on_failure = true                                   \
	}

/* crun 1.8.1 with no_new_privs: the filter goes in just before execve. */
static const struct call crun_nnp[] = {
	{ "close", TOLERATED, 0, NULL, NULL },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec container process `<command>`: %s", NULL },
	CRUN_REPORT,
};

/* crun 1.8.1 without no_new_privs: before it drops capabilities and sets the user. */
static const struct call crun[] = {
	{ "close", TOLERATED, 0, NULL, NULL },
	{ "prctl",
	  FAILS,
	  KUBE_STARTUP_CREATE,
	  "prctl drop bounding: %s",
	  "PR_CAPBSET_DROP, CAP_*; PR_SET_KEEPCAPS, 1; PR_CAP_AMBIENT, CLEAR_ALL and RAISE",
	  false,
	  0,
	  4,
	  { { PR_CAPBSET_DROP_, 0 },
	    { PR_SET_KEEPCAPS_, 1 },
	    { PR_CAP_AMBIENT_, 4 },
	    { PR_CAP_AMBIENT_, 2 } } },
	{ "setresgid", FAILS, KUBE_STARTUP_CREATE, "cannot setresgid to GID: %s", "GID, GID, GID" },
	{ "setresuid", FAILS, KUBE_STARTUP_CREATE, "cannot setresuid to UID: %s", "UID, UID, UID" },
	{ "capset", FAILS, KUBE_STARTUP_CREATE, "capset: %s", NULL },
	{ "rt_sigprocmask", ANYWHERE, KUBE_STARTUP_CREATE, "read from the init process", NULL },
	{ "rt_sigaction", ANYWHERE, KUBE_STARTUP_CREATE, "read from the init process", NULL },
	{ "write", BREAKS, KUBE_STARTUP_CREATE, "read from the init process", NULL },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec container process `<command>`: %s", NULL },
};

/* kseccomp's own launcher (src/lib/exec.c, runc's order): with no_new_privs nothing but
 * execve after the filter; without it the capabilities, then execve. A setup failure exits
 * 128 with its message in the log, a failed execve 126. */
static const struct call kseccomp_nnp[] = {
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL, false, 126 },
};
static const struct call kseccomp_launcher[] = {
	{ "capget", FAILS, KUBE_STARTUP_EXEC, "capget: %s", NULL, false, 128 },
	{ "prctl",
	  FAILS,
	  KUBE_STARTUP_EXEC,
	  "cannot drop capability CAP from the bounding set: %s",
	  "PR_CAPBSET_DROP, CAP_*",
	  false,
	  128,
	  1,
	  { { PR_CAPBSET_DROP_, 2 } } },
	{ "capset", FAILS, KUBE_STARTUP_EXEC, "capset: %s", NULL, false, 128 },
	{ "execve", FAILS, KUBE_STARTUP_EXEC, "exec <command>: %s", NULL, false, 126 },
};

#define SET(rt, a, b, c, d, nnp, measured, source, calls)                       \
	{                                                                       \
		rt, a, b, c, d, nnp, measured, source, calls, ELEMENTSOF(calls) \
	}

static const struct call_set call_sets[] = {
	SET(KUBE_OCI_RUNC, 1, 0, 1, 1, true, true,
	    "measured: Debian's runc 1.1.5+ds1-1+deb12u1, directly and under containerd 1.6.20",
	    runc_11_nnp),
	SET(KUBE_OCI_RUNC, 1, 0, 1, 1, false, true,
	    "measured: Debian's runc 1.1.5+ds1-1+deb12u1, directly and under containerd 1.6.20",
	    runc_11),
	SET(KUBE_OCI_RUNC, 1, 2, 99, 99, true, false,
	    "read: runc 1.1's calls with openat2 and statx (security-profiles-operator #3041)",
	    runc_12_nnp),
	SET(KUBE_OCI_RUNC, 1, 2, 99, 99, false, false,
	    "read: runc 1.1's calls with openat2 and statx (security-profiles-operator #3041)",
	    runc_12),
	SET(KUBE_OCI_CRUN, 1, 0, 99, 99, true, true,
	    "measured: Debian's crun 1.8.1 (other releases are taken to do the same)", crun_nnp),
	SET(KUBE_OCI_CRUN, 1, 0, 99, 99, false, true,
	    "measured: Debian's crun 1.8.1 (other releases are taken to do the same)", crun),
	SET(KUBE_OCI_KSECCOMP, 0, 0, 99, 99, true, false, "read: kseccomp's own exec sequence",
	    kseccomp_nnp),
	SET(KUBE_OCI_KSECCOMP, 0, 0, 99, 99, false, false, "read: kseccomp's own exec sequence",
	    kseccomp_launcher),
};
