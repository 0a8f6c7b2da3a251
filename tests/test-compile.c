/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (libseccomp backend): the refusals that protect runc's users. libseccomp 2.5.4 loops
 * forever on some rule pairs (runc's init then spins and the container never starts): the
 * backend gives up after its deadline with a reason. Errno values libseccomp refuses and
 * byte-order mixes are refused up front with their position. Rules runc and crun leave out
 * (ksc_profile_unenforced()) are reported where, and only where, the real libseccomp's
 * program lets the call through.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kseccomp.h"
#include "tap.h"

/* Found by random testing: two rules on one syscall sharing arg0 >= 2^32. Under Debian's
 * runc 1.1.5, `runc init` spins at 100% CPU forever with this profile. */
static const char hang[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
        "{\"names\": [\"fsync\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 10, \"args\": ["
        "{\"index\": 0, \"value\": 4294967296, \"op\": \"SCMP_CMP_GE\"},"
        "{\"index\": 2, \"value\": 2, \"op\": \"SCMP_CMP_LE\"}]},"
        "{\"names\": [\"fsync\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 11, \"args\": ["
        "{\"index\": 0, \"value\": 4294967296, \"op\": \"SCMP_CMP_GE\"},"
        "{\"index\": 2, \"value\": 4, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";

static int
compile(const char *json, const struct ksc_compile_opts *opts, char **ret_msg)
{
	struct ksc_profile *p = NULL;
	struct ksc_bpf *prog = NULL;
	struct ksc_error *e = NULL;
	int r;

	*ret_msg = NULL;
	r = ksc_profile_parse("p.json", json, strlen(json), NULL, &p, NULL, &e);
	if (r == 0)
		r = ksc_profile_compile(p, opts, &prog, NULL, &e);
	if (e && ksc_error_message(e))
		*ret_msg = strdup(ksc_error_message(e));
	ksc_error_free(e);
	ksc_bpf_free(prog);
	ksc_profile_free(p);
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* Rules runc and crun leave out (ksc_profile_unenforced()), checked against the program the  */
/* real libseccomp builds: a reported rule's call gets the default action there, and a rule  */
/* that is not reported is in the program.                                                    */

struct call {
	enum ksc_arch arch;
	const char *name;
	uint64_t arg1;
	uint32_t want; /* what libseccomp's program returns */
};

struct unenforced_case {
	const char *what;
	const char *json;
	size_t count;          /* diagnostics */
	const char *expect[4]; /* each a substring of the diagnostic's message, in order */
	struct call calls[4];  /* checked in libseccomp's program (name NULL: end) */
};

#define ARCHES3 "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]"

static const struct unenforced_case unenforced_cases[] = {
	{ "deny rules for syscalls libseccomp does not know, under an ALLOW default",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", " ARCHES3 ", \"syscalls\": [\n"
	  "  {\"names\": [\"mkdir\", \"mseal\", \"statmount\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
	  "  {\"names\": [\"open_tree_attr\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},\n"
	  "  {\"names\": [\"lsm_list_modules\"], \"action\": \"SCMP_ACT_LOG\"},\n"
	  "  {\"names\": [\"listmount\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	  4,
	  { "p.json:2:23: syscalls[0].names[1]: runc and crun (libseccomp 2.5.4) do not enforce "
	    "this rule for \"mseal\" on x86_64, x86 and x32: libseccomp does not know the syscall "
	    "and they skip it, so the call gets the default action ALLOW, not ERRNO(1)",
	    "p.json:2:32: syscalls[0].names[2]: runc and crun (libseccomp 2.5.4) do not enforce "
	    "this rule for \"statmount\" on x86_64, x86 and x32",
	    "p.json:3:14: syscalls[1].names[0]: runc and crun (libseccomp 2.5.4) do not enforce "
	    "this rule for \"open_tree_attr\"",
	    "syscalls[2].names[0]: runc and crun (libseccomp 2.5.4) do not enforce this rule for "
	    "\"lsm_list_modules\" on x86_64, x86 and x32: libseccomp does not know the syscall and "
	    "they skip it, so the call gets the default action ALLOW, not LOG" },
	  { { KSC_ARCH_X86_64, "mseal", 0, KSC_RET_ALLOW },
	    { KSC_ARCH_X86_64, "statmount", 0, KSC_RET_ALLOW },
	    { KSC_ARCH_X86_64, "mkdir", 0, KSC_RET_ERRNO | 1 },
	    { KSC_ARCH_X86_64, "open_tree_attr", 0, KSC_RET_ALLOW } } },
	{ "a LOG default lets the call run too",
	  "{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": [{\"names\": [\"mseal\"], "
	  "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
	  1,
	  { "\"mseal\" on x86_64: libseccomp does not know the syscall and they skip it, so the "
	    "call gets the default action LOG, not ERRNO(38)" },
	  { { KSC_ARCH_X86_64, "mseal", 0, KSC_RET_LOG } } },
	{ "a NOTIFY rule left out never reaches the agent",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\", "
	  "\"syscalls\": [{\"names\": [\"listmount\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
	  1,
	  { "\"listmount\" on x86_64: libseccomp does not know the syscall and they skip it, so "
	    "the call gets the default action ALLOW, not NOTIFY" },
	  { { 0 } } },
	{ "rules left out under a deny default fail closed: not reported",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
	  "  {\"names\": [\"read\", \"mseal\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
	  "  {\"names\": [\"statmount\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},\n"
	  "  {\"names\": [\"listmount\"], \"action\": \"SCMP_ACT_LOG\"}]}",
	  0,
	  { NULL },
	  { { KSC_ARCH_X86_64, "mseal", 0, KSC_RET_ERRNO | 1 },
	    { KSC_ARCH_X86_64, "statmount", 0, KSC_RET_ERRNO | 1 },
	    { KSC_ARCH_X86_64, "read", 0, KSC_RET_ALLOW } } },
	{ "a rule equal to the default is no rule",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mseal\"], "
	  "\"action\": \"SCMP_ACT_ALLOW\"}]}",
	  0,
	  { NULL },
	  { { 0 } } },
	{ "x86 blind: libseccomp's x86 part never loads the syscall number",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	  " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
	  " \"syscalls\": [{\"names\": [\"accept\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
	  "13},\n"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	  "   \"args\": [{\"index\": 1, \"value\": 511, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  2,
	  { "p.json:3:26: syscalls[0].names[0]: runc and crun (libseccomp 2.5.4) do not enforce "
	    "this rule for \"accept\" on x86: libseccomp builds the x86 part of the filter without "
	    "loading the syscall number (its first syscall there, \"accept\", has no number of its "
	    "own on x86), so no rule takes effect there and the call gets the default action "
	    "ALLOW, not ERRNO(13)",
	    "p.json:4:14: syscalls[1].names[0]: runc and crun (libseccomp 2.5.4) do not enforce "
	    "this rule for \"mkdir\" on x86: " },
	  { { KSC_ARCH_X86, "mkdir", 511, KSC_RET_ALLOW },
	    { KSC_ARCH_X86_64, "mkdir", 511, KSC_RET_ERRNO | 1 },
	    { KSC_ARCH_X86_64, "accept", 0, KSC_RET_ERRNO | 13 } } },
	{ "x86_64 alone loads the number in its ABI check: not blind",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
	  " \"syscalls\": [{\"names\": [\"accept\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
	  "13},"
	  "  {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  0,
	  { NULL },
	  { { KSC_ARCH_X86_64, "mkdir", 0, KSC_RET_ERRNO | 1 } } },
};

/* The same x86-blind rules, with more than 32 names: runc asks for libseccomp's binary tree,
 * which loads the number itself, so every rule takes effect. */
static char *
blind_bintree(void)
{
	static const char *const more[] = {
		"fchmod",     "fchown",  "fsync",       "fdatasync",     "ftruncate", "truncate",
		"flock",      "getpgid", "setpgid",     "umask",         "getsid",    "chdir",
		"fchdir",     "rmdir",   "link",        "unlink",        "symlink",   "readlink",
		"chmod",      "lchown",  "utime",       "mknod",         "chroot",    "sync",
		"acct",       "swapoff", "sethostname", "setdomainname", "syslog",    "vhangup",
		"pivot_root",
	};
	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);

	if (!f)
		return NULL;
	fputs("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", "
	      "\"SCMP_ARCH_X86\"], \"syscalls\": [{\"names\": [\"accept\"], \"action\": "
	      "\"SCMP_ACT_ERRNO\", \"errnoRet\": 13}, {\"names\": [\"mkdir\"",
	      f);
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		fprintf(f, ", \"%s\"", more[i]);
	fputs("], \"action\": \"SCMP_ACT_ERRNO\"}]}", f);
	fclose(f);
	return json;
}

static void
check_unenforced(const char *what, const char *json, size_t count, const char *const *expect,
                 const struct call *calls, size_t n_calls)
{
	struct ksc_compile_opts opts = { .backend = KSC_BACKEND_LIBSECCOMP,
		                         .native = KSC_ARCH_X86_64 };
	struct ksc_diags *diags = ksc_diags_new();
	struct ksc_profile *p = NULL;
	struct ksc_bpf *prog = NULL;
	int r;

	r = ksc_profile_parse("p.json", json, strlen(json), NULL, &p, NULL, NULL);
	is_int(r, 0, "%s: the profile is valid", what);
	if (r < 0 || !diags) {
		ksc_diags_free(diags);
		return;
	}
	r = ksc_profile_unenforced(p, &opts, KSC_SEVERITY_WARNING, diags);
	is_int(r, (int)count, "%s: %zu rule name%s reported", what, count, count == 1 ? "" : "s");
	is_int((int)ksc_diags_count(diags), (int)count, "%s: as many diagnostics", what);
	for (size_t i = 0; i < count && i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);

		ok(ksc_diag_severity(d) == KSC_SEVERITY_WARNING && ksc_diag_line(d) > 0 &&
		           strstr(ksc_diag_message(d), expect[i]),
		   "%s: #%zu says '%s' (%s)", what, i, expect[i], ksc_diag_message(d));
	}
	/* The real libseccomp, driven as runc drives it: what the warning claims is what its
	 * program does. */
	r = ksc_profile_compile(p, &opts, &prog, NULL, NULL);
	is_int(r, 0, "%s: libseccomp compiles it", what);
	for (size_t i = 0; r == 0 && i < n_calls && calls[i].name; i++) {
		struct ksc_seccomp_data d = { .arch = ksc_arch_audit_token(calls[i].arch),
			                      .args = { 0, calls[i].arg1 } };
		uint32_t nr = 0, mux, call;
		char got[32], want[32];

		if (ksc_syscall_resolve_name(calls[i].arch, calls[i].name, &nr) < 0 &&
		    ksc_syscall_multiplexed(calls[i].arch, calls[i].name, &mux, &call) > 0) {
			nr = mux; /* socketcall(call, args) */
			d.args[0] = call;
		}
		d.nr = (int32_t)nr;
		ksc_ret_format(ksc_bpf_run(prog, &d), got, sizeof(got));
		ksc_ret_format(calls[i].want, want, sizeof(want));
		is_str(got, want, "%s: libseccomp's program: %s %s -> %s", what,
		       ksc_arch_name(calls[i].arch), calls[i].name, got);
	}
	ksc_bpf_free(prog);
	ksc_profile_free(p);
	ksc_diags_free(diags);
}

static void
test_unenforced(void)
{
	for (size_t i = 0; i < sizeof(unenforced_cases) / sizeof(unenforced_cases[0]); i++) {
		const struct unenforced_case *c = &unenforced_cases[i];

		check_unenforced(c->what, c->json, c->count, c->expect, c->calls,
		                 sizeof(c->calls) / sizeof(c->calls[0]));
	}
	{
		static const struct call calls[] = {
			{ KSC_ARCH_X86, "mkdir", 511, KSC_RET_ERRNO | 1 },
			{ KSC_ARCH_X86, "accept", 0, KSC_RET_ERRNO | 13 },
		};
		char *json = blind_bintree();

		ok(json != NULL, "blind profile with 33 names");
		if (json)
			check_unenforced("more than 32 names: the binary tree loads the number",
			                 json, 0, NULL, calls, sizeof(calls) / sizeof(calls[0]));
		free(json);
	}
	/* no rule, no profile */
	{
		struct ksc_diags *diags = ksc_diags_new();
		struct ksc_profile *p = NULL;
		int r = ksc_profile_parse("p.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}", 35,
		                          NULL, &p, NULL, NULL);

		is_int(r, 0, "an allow-nothing profile");
		is_int(ksc_profile_unenforced(p, NULL, KSC_SEVERITY_ERROR, diags), 0,
		       "no rule: nothing reported");
		is_int(ksc_profile_unenforced(NULL, NULL, KSC_SEVERITY_ERROR, diags), -EINVAL,
		       "no profile: -EINVAL");
		ksc_profile_free(p);
		ksc_diags_free(diags);
	}
}

int
main(void)
{
	struct ksc_compile_opts opts = { .backend = KSC_BACKEND_LIBSECCOMP, .timeout_ms = 500 };
	struct timespec a, b;
	char *msg = NULL;
	double secs;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = compile(hang, &opts, &msg);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	is_int(r, -ETIMEDOUT, "a rule set libseccomp loops on is refused");
	is_str(msg,
	       "p.json:1:227: syscalls[1]: libseccomp 2.5.4 loops forever adding the rule for "
	       "fsync after the earlier rules for it (its comparison tree becomes a cycle): runc "
	       "would hang creating the container",
	       "by the filter model, naming the rule");
	ok(secs < 0.4, "before libseccomp is given the chance to hang (%.2f s)", secs);
	free(msg);

	/* The deadline itself, for what is slow, not looping: 1 ms is too short for a profile
	 * of 3000 rules on one syscall (libseccomp's merge is quadratic in them). */
	{
		struct ksc_compile_opts tight = { .backend = KSC_BACKEND_LIBSECCOMP,
			                          .timeout_ms = 1 };
		size_t len = 0, cap = 512 * 1024;
		char *big = malloc(cap);

		len += (size_t)snprintf(big + len, cap - len,
		                        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [");
		for (int i = 0; i < 3000; i++)
			len += (size_t)snprintf(big + len, cap - len,
			                        "%s{\"names\": [\"read\"], \"action\": "
			                        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
			                        "\"value\": %d, \"op\": \"SCMP_CMP_EQ\"}]}",
			                        i ? ", " : "", i);
		snprintf(big + len, cap - len, "]}");
		r = compile(big, &tight, &msg);
		is_int(r, -ETIMEDOUT, "libseccomp runs under a deadline");
		ok(msg && strstr(msg, "did not finish compiling this profile within 1 ms") &&
		           strstr(msg, "does not loop") && strncmp(msg, "p.json: ", 8) == 0,
		   "the message names the profile and the reason (%s)", msg ? msg : "");
		free(msg);
		free(big);
	}

	r = compile(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"fsync\"], "
	        "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 10, \"args\": [{\"index\": 0, "
	        "\"value\": 4294967296, \"op\": \"SCMP_CMP_GE\"}]}]}",
	        &opts, &msg);
	is_int(r, 0, "one of the two rules alone compiles");
	free(msg);

	r = compile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 4095}", NULL,
	            &msg);
	is_int(r, -EINVAL, "errno 4095 is refused");
	is_str(msg,
	       "p.json:1:56: defaultErrnoRet: libseccomp 2.5.4 refuses errno 4095 (above 4094): "
	       "runc "
	       "would not start the container",
	       "with its position");
	free(msg);

	{
		struct ksc_compile_opts be = { .backend = KSC_BACKEND_LIBSECCOMP,
			                       .native = KSC_ARCH_S390X };

		r = compile("{\"defaultAction\": \"SCMP_ACT_LOG\"}", &be, &msg);
		is_int(r, -EOPNOTSUPP, "a big-endian target on this host is refused");
		ok(msg && strstr(msg, "cannot compile for s390x on this little-endian host"),
		   "clearly (%s)", msg ? msg : "");
		free(msg);
	}
	test_unenforced();
	return tap_done();
}
