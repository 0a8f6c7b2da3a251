/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtimes' start-up model (src/lib/kube/startup.c) where no runtime here can show it:
 * versions not installed (runc 1.2 and later), actions other than EPERM (ENOSYS, KILL,
 * KILL_THREAD, TRAP), argument conditions, crun's C error texts, the precedence of a broken
 * runtime over a failing call, and profile fix. tests/startup-check.sh checks the installed
 * runc and crun, and containerd, against themselves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/startup.h"
#include "macro.h"
#include "tap.h"

/* Every call runc 1.1 and crun 1.8 make after the filter, both settings. */
#define RUNTIME_CALLS                                                                         \
	"\"openat\", \"epoll_ctl\", \"fstatfs\", \"getdents64\", \"fcntl\", \"close\", "      \
	"\"chdir\", \"capget\", \"read\", \"prctl\", \"newfstatat\", \"fstat\", "             \
	"\"setgroups\", \"setgid\", \"setuid\", \"getcwd\", \"capset\", \"futex\", "          \
	"\"execve\", \"write\", \"getpid\", \"rt_sigreturn\", \"setresgid\", \"setresuid\", " \
	"\"rt_sigprocmask\", \"rt_sigaction\", \"getppid\", \"faccessat2\""

static struct ksc_profile *
profile(const char *json)
{
	struct ksc_profile *p = NULL;

	if (ksc_profile_parse("test", json, strlen(json), NULL, &p, NULL, NULL) < 0)
		return NULL;
	return p;
}

/* "starts", or the runtime's message; "(error)" when the model fails. */
static char *
outcome(const char *rt_text, bool nnp, const char *json, int *ret_exit)
{
	struct ksc_profile *p = profile(json);
	struct kube_startup s;
	struct kube_oci rt;
	char why[128], *out;

	if (!p || kube_oci_parse(rt_text, &rt, why, sizeof(why)) < 0 ||
	    kube_startup_check(p, &rt, nnp, &s, NULL) < 0) {
		ksc_profile_free(p);
		return strdup("(error)");
	}
	out = strdup(s.starts ? "starts" : s.message);
	if (ret_exit)
		*ret_exit = s.exit_code;
	kube_startup_done(&s);
	ksc_profile_free(p);
	return out;
}

static void
expect(const char *rt, bool nnp, const char *json, const char *want, const char *what)
{
	char *got = outcome(rt, nnp, json, NULL);

	is_str(got, want, "%s (%s, no_new_privs %s)", what, rt, nnp ? "on" : "off");
	free(got);
}

int
main(void)
{
	const char *all = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                  "[" RUNTIME_CALLS "], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	int exit_code = 0;
	char *got;

	/* a profile that allows the runtime's calls starts everywhere */
	expect("runc@1.1.5", false, all, "starts", "every runtime call allowed");
	expect("runc@1.1.5", true, all, "starts", "every runtime call allowed");
	expect("crun@1.8.1", false, all, "starts", "every runtime call allowed");
	expect("crun@1.8.1", true, all, "starts", "every runtime call allowed");

	/* the errno's text: Go's for runc, C's for crun */
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"capset\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}",
	       "unable to apply caps: permission denied", "capset denied with EACCES");
	expect("crun@1.8.1", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"capset\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "capset: Operation not permitted", "capset denied");
	/* with no_new_privs the filter goes in after the capabilities */
	expect("runc@1.1.5", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"capset\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "starts", "capset denied");

	/* tolerated calls: runc carries on past getpid and epoll_ctl */
	expect("runc@1.1.5", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\", "
	       "\"epoll_ctl\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "starts", "getpid and epoll_ctl denied");

	/* KILL_THREAD: runc hangs (measured); crun dies by SIGSYS; KILL_PROCESS at execve: 159 */
	expect("runc@1.1.5", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"close\"], "
	       "\"action\": \"SCMP_ACT_KILL_THREAD\"}]}",
	       "runc init's thread is killed at close and runc never returns (the container "
	       "stays created, its init a zombie, until killed)",
	       "close killed");
	got = outcome("runc@1.1.5", true,
	              "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	              "[\"execve\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
	              &exit_code);
	is_str(got, "killed by SIGSYS at execve (exit code 159, no message)", "execve killed");
	is_int(exit_code, 159, "execve killed: exit code");
	free(got);
	expect("crun@1.8.1", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"prctl\"], "
	       "\"action\": \"SCMP_ACT_TRAP\"}]}",
	       "read from the init process", "prctl trapped (crun's parent reports)");

	/* Go's own calls denied break runc wherever they come: they win over a failing call */
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"capget\", "
	       "\"futex\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "container process is already dead", "capget and futex denied");

	/* argument conditions: prctl allowed only for PR_SET_NAME still denies PR_CAPBSET_DROP */
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"prctl\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 15, \"op\": "
	       "\"SCMP_CMP_NE\"}]}]}",
	       "unable to apply bounding set: operation not permitted",
	       "prctl denied but for PR_SET_NAME");
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"prctl\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 15, \"op\": "
	       "\"SCMP_CMP_EQ\"}]}]}",
	       "starts", "prctl denied only for PR_SET_NAME");

	/* faccessat2 denied: Go falls back to faccessat, and fails only when that is denied too */
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	       "[\"faccessat2\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "starts", "faccessat2 denied, faccessat allowed");
	expect("runc@1.1.5", false,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	       "[\"faccessat2\", \"faccessat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "exec <command>: operation not permitted", "faccessat2 and faccessat denied");

	/* runc 1.2 and later (read): openat2 and statx, ENOSYS makes it fall back */
	expect("runc@1.3", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"statx\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "runc checks /proc/self/fd with statx after the filter (read: runc 1.2 and later; "
	       "ENOSYS makes it fall back)",
	       "statx denied with EPERM");
	expect("runc@1.3", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"statx\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
	       "starts", "statx denied with ENOSYS");
	expect("runc@1.1.5", true,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"statx\"], "
	       "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	       "starts", "statx denied: runc 1.1 does not call it");

	/* profile fix: exactly the fatal calls added, and then it starts */
	{
		struct ksc_profile *p = profile(
		                           "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
		                           "[{\"names\": [\"futex\", \"write\", \"close\", "
		                           "\"openat\", \"fstatfs\", \"getdents64\"], "
		                           "\"action\": \"SCMP_ACT_ALLOW\"}]}"),
		                   *fixed = NULL;
		struct kube_oci rt;
		struct kube_startup s, again;
		char why[64], *json = NULL;
		size_t len = 0;

		ok(p && kube_oci_parse("runc@1.1.5", &rt, why, sizeof(why)) == 0 &&
		           kube_startup_check(p, &rt, true, &s, NULL) == 0 && !s.starts,
		   "fix: the profile misses execve");
		ok(kube_startup_fix(p, &s, &fixed, &json, &len, NULL) == 0, "fix: done");
		ok(json && strstr(json, "\"execve\"") && !strstr(json, "\"getpid\""),
		   "fix: execve added, getpid (tolerated) not");
		ok(fixed && kube_startup_check(fixed, &rt, true, &again, NULL) == 0 && again.starts,
		   "fix: and now it starts");
		kube_startup_done(&again);
		kube_startup_done(&s);
		ksc_profile_free(fixed);
		free(json);
		ksc_profile_free(p);
	}
	{
		/* a rule that denies a call the runtime needs is not overridden */
		struct ksc_profile *p = profile(
		                           "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		                           "[{\"names\": [\"execve\"], \"action\": "
		                           "\"SCMP_ACT_ERRNO\"}]}"),
		                   *fixed = NULL;
		struct kube_oci rt;
		struct kube_startup s;
		struct ksc_error *error = NULL;
		char why[64], *json = NULL;
		size_t len = 0;

		ok(p && kube_oci_parse("runc@1.1.5", &rt, why, sizeof(why)) == 0 &&
		           kube_startup_check(p, &rt, true, &s, NULL) == 0 && !s.starts,
		   "fix: a rule denies execve");
		is_int(kube_startup_fix(p, &s, &fixed, &json, &len, &error), -EEXIST,
		       "fix: refused over a rule");
		ok(error && strstr(ksc_error_message(error), "syscalls[0] (execve) denies execve"),
		   "fix: naming the rule");
		ksc_error_free(error);
		kube_startup_done(&s);
		ksc_profile_free(p);
	}
	return tap_done();
}
