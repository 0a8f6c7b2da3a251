/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI runtime models (src/lib/kube/ocirt.c) version by version: what differs between
 * runc 1.1, 1.2, 1.5, crun 1.8.1, 1.8.6 and 1.25 (data/oci-runtimes/README.md). The
 * versions installed here are also checked against the runtimes themselves by
 * tests/cri-differential.py; these are the ones that are not installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/ocirt.h"
#include "macro.h"
#include "tap.h"

#define ALLOW     "{\"defaultAction\": \"SCMP_ACT_ALLOW\""
#define RUNC_INIT "runc create failed: unable to start container process: "

/* "no seccomp", "ok", or the message. */
static char *
verdict(const char *rt_text, bool nnp, const char *spec)
{
	struct kube_oci rt;
	struct kube_oci_result res;
	char why[160], *out;

	if (kube_oci_parse(rt_text, &rt, why, sizeof(why)) < 0)
		return strdup(why);
	if (kube_oci_seccomp(&rt, spec, nnp, &res) < 0)
		return strdup("(failed)");
	out = strdup(res.error ? res.error : res.no_seccomp ? "no seccomp" : "ok");
	kube_oci_result_done(&res);
	return out;
}

static void
check(const char *rt, bool nnp, const char *spec, const char *want)
{
	char *got = verdict(rt, nnp, spec);

	is_str(got, want, "%s%s: %s", rt, nnp ? " (no_new_privs)" : "", spec);
	free(got);
}

static void
versions(void)
{
	/* flags: refused by runc 1.1, known by name from 1.2, WAIT_KILLABLE_RECV from 1.5 */
	const char *log = ALLOW ", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}";
	const char *wkr = ALLOW ", \"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}";
	const char *nope = ALLOW ", \"flags\": [\"SECCOMP_FILTER_FLAG_NOPE\"]}";

	check("runc@1.1.5", false, log,
	      "runc create failed: seccomp flags are not yet supported by runc");
	check("runc@1.2", false, log, "ok");
	check("runc@1.4.1", false, wkr,
	      "runc create failed: seccomp flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not "
	      "known "
	      "to runc");
	check("runc@1.5", false, wkr, "ok");
	check("runc@1.2", false, nope,
	      "runc create failed: seccomp flag SECCOMP_FILTER_FLAG_NOPE is not known to runc");
	check("crun@1.8.1", false, nope, "unknown seccomp option SECCOMP_FILTER_FLAG_NOPE");
	check("crun@1.8.6", false, nope, "unknown seccomp option `SECCOMP_FILTER_FLAG_NOPE`");
	check("crun", false, wkr, "ok");

	/* arches by release */
	check("runc@1.1.5", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_RISCV64\"]}",
	      "runc create failed: string SCMP_ARCH_RISCV64 is not a valid arch for seccomp");
	check("runc@1.1.8", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_RISCV64\"]}", "ok");
	check("runc@1.4.0", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_LOONGARCH64\"]}",
	      "runc create failed: string SCMP_ARCH_LOONGARCH64 is not a valid arch for seccomp");
	check("crun@1.8.5", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
	      "seccomp unknown architecture VAX");
	check("crun@1.8.6", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
	      "seccomp unknown architecture `VAX`");
	check("crun@1.8.1", false, ALLOW ", \"architectures\": [\"x86_64\"]}", "ok");
	check("runc@1.1.5", false, ALLOW ", \"architectures\": [\"SCMP_ARCH_S390X\"]}",
	      RUNC_INIT "error adding architecture to seccomp filter: numerical argument out of "
	                "domain");

	/* actions: KILL_PROCESS from runc 1.1.3; crun's words from 1.25 */
	check("runc@1.1.2", false, "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\"}",
	      "runc create failed: string SCMP_ACT_KILL_PROCESS is not a valid action for seccomp");
	check("runc@1.1.3", false, "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\"}", "ok");
	check("crun@1.24", false, "{\"defaultAction\": \"SCMP_ACT_LOGG\"}",
	      "invalid seccomp action `SCMP_ACT_LOGG`");
	check("crun@1.25", false, "{\"defaultAction\": \"SCMP_ACT_LOGG\"}",
	      "seccomp get action `SCMP_ACT_LOGG`");

	/* the init process's errors: wrapped once more from runc 1.2, and with no_new_privs */
	const char *idx = ALLOW ", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
	                        "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, "
	                        "\"op\": \"SCMP_CMP_EQ\"}]}]}";

	check("runc@1.1.5", false, idx,
	      RUNC_INIT "error creating seccomp syscall condition for syscall mkdir: syscalls only "
	                "have up to 6 arguments (6 given)");
	check("runc@1.1.5", true, idx,
	      RUNC_INIT "unable to init seccomp: error creating seccomp syscall condition for "
	                "syscall mkdir: syscalls only have up to 6 arguments (6 given)");
	check("runc@1.2", true, idx,
	      RUNC_INIT "error during container init: unable to init seccomp: error creating "
	                "seccomp syscall condition for syscall mkdir: syscalls only have up to 6 "
	                "arguments (6 given)");
	check("crun@1.8.1", false, idx, "invalid seccomp index 0");
	check("crun@1.8.6", false, idx, "invalid seccomp index `0`");

	/* the listener */
	const char *notify = ALLOW ", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
	                           "\"SCMP_ACT_NOTIFY\"}]}";

	check("runc@1.1.5", false, notify, RUNC_INIT "listenerPath is not set");
	check("runc@1.3", false, notify,
	      RUNC_INIT "error during container init: seccomp listenerPath is not set");
	check("crun@1.8.1", false, notify, "ok");

	/* nothing at all: no filter under runc, refused by crun */
	check("runc@1.1.5", false, "{\"defaultAction\": \"\"}", "no seccomp");
	check("runc@1.5", false, "{\"defaultAction\": \"\", \"flags\": [\"X\"]}", "no seccomp");
	check("crun@1.8.1", false, "{\"defaultAction\": \"\"}", "invalid seccomp action ``");

	/* errnoRet where the action takes none: runc ignores it, crun refuses it */
	const char *kill_errno = ALLOW ", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
	                               "\"SCMP_ACT_KILL\", \"errnoRet\": 5}]}";

	check("runc@1.1.5", false, kill_errno, "ok");
	check("crun@1.8.1", false, kill_errno, "errno value specified for action `SCMP_ACT_KILL`");
}

static void
parsing(void)
{
	struct kube_oci rt;
	char why[160], text[32];

	ok(kube_oci_parse("runc", &rt, why, sizeof(why)) == 0 && rt.name == KUBE_OCI_RUNC &&
	           rt.major == 1 && rt.minor == 5,
	   "runc alone is the newest runc");
	ok(kube_oci_parse("crun@1.8.1", &rt, why, sizeof(why)) == 0 && rt.name == KUBE_OCI_CRUN &&
	           rt.minor == 8 && rt.patch == 1,
	   "crun@1.8.1");
	kube_oci_format(&rt, text, sizeof(text));
	is_str(text, "crun 1.8.1", "formatted");
	ok(kube_oci_parse("youki", &rt, why, sizeof(why)) == -EINVAL, "youki is refused");
	is_str(why, "'youki' is not an OCI runtime kseccomp models (runc or crun)", "and says why");
	ok(kube_oci_parse("runc@1", &rt, why, sizeof(why)) == -EINVAL, "runc@1 is refused");
	ok(kube_oci_parse("runc@1.1.5+ds1", &rt, why, sizeof(why)) == -EINVAL,
	   "a build suffix is not a version to ask for");
	ok(kube_oci_parse("runc@1.0", &rt, why, sizeof(why)) == -EINVAL, "runc 1.0 is too old");
	ok(kube_oci_parse("crun@1.7", &rt, why, sizeof(why)) == -EINVAL, "crun 1.7 is too old");
	ok(kube_oci_parse_version_output(KUBE_OCI_RUNC,
	                                 "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\n",
	                                 &rt) == 0 &&
	           rt.major == 1 && rt.minor == 1 && rt.patch == 5,
	   "runc --version of Debian's");
	ok(kube_oci_parse_version_output(KUBE_OCI_CRUN, "crun version 1.8.1\ncommit: f8a0\n",
	                                 &rt) == 0 &&
	           rt.name == KUBE_OCI_CRUN && rt.minor == 8 && rt.patch == 1,
	   "crun --version");
	ok(kube_oci_parse_version_output(KUBE_OCI_RUNC, "runc version\n", &rt) == -EINVAL,
	   "no version, no answer");
}

static void
enforced(void)
{
	struct kube_oci rt = { KUBE_OCI_RUNC, 1, 1, 5 }, crun = { KUBE_OCI_CRUN, 1, 8, 1 };
	struct kube_oci_result res;

	ok(kube_oci_seccomp(&rt,
	                    ALLOW ", \"syscalls\": [{\"names\": null, \"action\": "
	                          "\"SCMP_ACT_ERRNO\"}, {\"names\": [\"mkdir\"], \"action\": "
	                          "\"SCMP_ACT_KILL\", \"errnoRet\": 5}, {\"names\": [\"rmdir\"], "
	                          "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 65537}, "
	                          "{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                          "\"args\": [{\"index\": 9, \"value\": 1, \"op\": "
	                          "\"SCMP_CMP_EQ\"}]}]}",
	                    false, &res) == 0 &&
	           res.enforced,
	   "runc takes it");
	is_str(res.enforced,
	       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	       "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_KILL\"},\n"
	       "{\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}\n"
	       "]}\n",
	       "and enforces the rules with names, errnoRet where it counts, in 16 bits");
	kube_oci_result_done(&res);
	ok(kube_oci_seccomp(&crun,
	                    ALLOW ", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
	                          "\"SCMP_ACT_NOTIFY\"}]}",
	                    false, &res) == 0 &&
	           res.enforced,
	   "crun takes NOTIFY without a listener");
	ok(res.enforced && strstr(res.enforced, "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38"),
	   "and the kernel answers it with ENOSYS");
	kube_oci_result_done(&res);
	ok(kube_oci_seccomp(&(struct kube_oci){ 0 }, ALLOW "}", false, &res) == -EINVAL,
	   "a runtime not filled in is refused");
	ok(kube_oci_seccomp(&rt, "[", false, &res) == -EINVAL, "a spec that is not JSON");
}

int
main(void)
{
	versions();
	parsing();
	enforced();
	return tap_done();
}
