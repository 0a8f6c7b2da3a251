/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (libseccomp backend): the refusals that protect runc's users. libseccomp 2.5.4 loops
 * forever on some rule pairs (runc's init then spins and the container never starts): the
 * backend gives up after its deadline with a reason. Errno values libseccomp refuses and
 * byte-order mixes are refused up front with their position.
 */
#include <errno.h>
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

	/* The deadline itself, for loops the model would not know: 1 ms is too short for a
	 * profile of 3000 rules on one syscall (libseccomp's merge is quadratic in them). */
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
		           strncmp(msg, "p.json: ", 8) == 0,
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
	return tap_done();
}
