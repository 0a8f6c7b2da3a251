/* SPDX-License-Identifier: Apache-2.0 */
/* What the recorders share: the runtimes' baselines, and a launched child's failure report. */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "record.h"

/* What an OCI runtime calls itself after it installs the filter and before the workload's
 * execve: the profile must allow these, or the runtime cannot start the container. Measured
 * (tests/live-record.sh measures it again): SCMP_ACT_LOG profiles run by runc 1.1.5 and
 * crun 1.8.1, with and without no_new_privs (which moves the filter's place in runc), the
 * records of their init process read with `kseccomp audit`; plus, for runc, the Go
 * runtime's scheduling calls its init thread may make at any time. */
static const char *const runc_baseline[] = {
	"capget",  "capset",     "chdir",        "close",          "epoll_ctl",    "epoll_pwait",
	"execve",  "exit_group", "faccessat2",   "fcntl",          "fstat",        "fstatfs",
	"futex",   "getcwd",     "getdents64",   "getpid",         "getppid",      "gettid",
	"madvise", "mmap",       "munmap",       "nanosleep",      "newfstatat",   "openat",
	"prctl",   "read",       "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_yield",
	"setgid",  "setgroups",  "setuid",       "sigaltstack",    "tgkill",       "write",
};

static const char *const crun_baseline[] = {
	"capset",         "close",     "execve",    "prctl", "rt_sigaction",
	"rt_sigprocmask", "setresgid", "setresuid", "write",
};

int
record_add_runtime_baseline(struct recording *rec, const char *runtime)
{
	const char *const *names;
	size_t n;

	if (streq(runtime, "runc")) {
		names = runc_baseline;
		n = ELEMENTSOF(runc_baseline);
	} else if (streq(runtime, "crun")) {
		names = crun_baseline;
		n = ELEMENTSOF(crun_baseline);
	} else
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint32_t nr;

		if (ksc_syscall_resolve_name(ksc_arch_native(), names[i], &nr) == 0)
			recording_add(rec, ksc_arch_native(), nr, NULL);
	}
	return 0;
}

size_t
record_runtime_default_allowed(void)
{
	struct ksc_profile *p = NULL;
	const char **names;
	size_t n = 0, cap = 0;

	if (ksc_default_profile(KSC_FLAVOR_CONTAINERD, NULL, &p, NULL) < 0)
		return 0;
	for (size_t i = 0; i < ksc_profile_rule_count(p); i++)
		cap += ksc_rule_name_count(ksc_profile_rule(p, i));
	names = calloc(cap + 1, sizeof(*names));
	for (size_t i = 0; names && i < ksc_profile_rule_count(p); i++) {
		const struct ksc_rule *rule = ksc_profile_rule(p, i);

		if (ksc_rule_action(rule) != KSC_ACT_ALLOW)
			continue;
		for (size_t k = 0; k < ksc_rule_name_count(rule); k++) {
			const char *name = ksc_rule_name(rule, k);
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = streq(names[j], name);
			if (!dup)
				names[n++] = name;
		}
	}
	free(names);
	ksc_profile_free(p);
	return n;
}

/* What a child sends: errno, then what failed (NUL-terminated; a path at most). */
struct child_report {
	int err;
	char what[PATH_MAX + 64];
};

void
record_child_report(int fd, const char *what, int err)
{
	struct child_report rep = { .err = err };
	size_t len = strnlen(what, sizeof(rep.what) - 1);

	/* one write, no allocation: this runs between fork and execve */
	memcpy(rep.what, what, len);
	rep.what[len] = '\0';
	(void)!write(fd, &rep, offsetof(struct child_report, what) + len + 1);
}

int
record_child_diag(int fd, struct ksc_diags *diags)
{
	struct child_report rep;
	ssize_t n;

	do
		n = read(fd, &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	if (n <= (ssize_t)offsetof(struct child_report, what))
		return 0; /* it got to execve: the pipe closed with nothing in it */
	rep.what[sizeof(rep.what) - 1] = '\0';
	return ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL, "%s: %s", rep.what,
	                      strerror(rep.err));
}
