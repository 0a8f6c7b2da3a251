/* SPDX-License-Identifier: Apache-2.0 */
/*
 * defaults: RuntimeDefault against the real default profiles, by their decisions (each
 * profile's filter model, on every syscall number and every boundary argument value):
 *   - containerd for amd64 with Kubernetes' default capabilities is what containerd renders
 *     (tests/fixtures/profiles/default/containerd-default-rendered-amd64-default-caps.json);
 *   - docker is moby's default.json expanded by the same rules, for several targets;
 *   - podman against the installed containers-common profile, an older version: what must
 *     still hold holds, and the differences are the ones documented here.
 *
 * Usage: test-defaults FIXTURES_DIR
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kseccomp.h"
#include "macro.h"
#include "tap.h"

static const char *fixtures;

static struct ksc_profile *
load(const char *rel)
{
	struct ksc_profile *p = NULL;
	struct ksc_error *e = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fixtures, rel);
	if (ksc_profile_load(path, NULL, &p, NULL, &e) < 0) {
		printf("# cannot load %s: %s\n", path, e ? ksc_error_message(e) : "?");
		ksc_error_free(e);
		return NULL;
	}
	return p;
}

/* Equivalent as runc enforces them on an x86_64 host; prints the first differences. */
static bool
equivalent(const struct ksc_profile *a, const struct ksc_profile *b, enum ksc_arch native,
           size_t *ret_cases)
{
	struct ksc_compile_opts opts = { .native = native };
	struct ksc_difference diffs[5];
	struct ksc_error *e = NULL;
	size_t n_diffs = 0;

	*ret_cases = 0;
	if (!a || !b)
		return false;
	if (ksc_profile_compare(a, b, &opts, ret_cases, diffs, ELEMENTSOF(diffs), &n_diffs, &e) <
	    0) {
		printf("# %s\n", e ? ksc_error_message(e) : "compare failed");
		ksc_error_free(e);
		return false;
	}
	for (size_t i = 0; i < MIN(n_diffs, ELEMENTSOF(diffs)); i++) {
		enum ksc_arch arch = KSC_ARCH_NONE;
		const char *name;

		(void)ksc_arch_from_audit_token(diffs[i].data.arch, (uint32_t)diffs[i].data.nr,
		                                &arch);
		name = ksc_syscall_name(arch, (uint32_t)diffs[i].data.nr);
		printf("# %s %s (%d) args %" PRIx64 " %" PRIx64 ": %08x vs %08x\n",
		       arch ? ksc_arch_name(arch) : "?", name ? name : "?", diffs[i].data.nr,
		       diffs[i].data.args[0], diffs[i].data.args[1], diffs[i].ret_a,
		       diffs[i].ret_b);
	}
	return n_diffs == 0;
}

static uint32_t
decide(const struct ksc_profile *p, enum ksc_arch arch, const char *syscall, uint64_t arg0)
{
	struct ksc_compile_opts opts = { .native = KSC_ARCH_X86_64 };
	struct ksc_filter *f = NULL;
	struct ksc_seccomp_data d = { .arch = ksc_arch_audit_token(arch) };
	uint32_t nr = 0, ret;

	if (!p || ksc_syscall_resolve_name(arch, syscall, &nr) < 0 ||
	    ksc_filter_new(p, &opts, &f, NULL, NULL) < 0)
		return 0xdeadbeef;
	d.nr = (int32_t)nr;
	d.args[0] = arg0;
	ret = ksc_filter_decide(f, &d, NULL);
	ksc_filter_free(f);
	return ret;
}

/* The names of the syscalls of arch on which two profiles differ, sorted, space-separated.
 * Static storage. */
static const char *
differing_names(const struct ksc_profile *a, const struct ksc_profile *b, enum ksc_arch arch)
{
	static char out[2048];
	static struct ksc_difference diffs[4096];
	struct ksc_compile_opts opts = { .native = KSC_ARCH_X86_64 };
	const char *names[256];
	size_t cases = 0, n_diffs = 0, n = 0, len = 0;

	out[0] = '\0';
	if (ksc_profile_compare(a, b, &opts, &cases, diffs, ELEMENTSOF(diffs), &n_diffs, NULL) < 0)
		return "(compare failed)";
	for (size_t i = 0; i < MIN(n_diffs, ELEMENTSOF(diffs)); i++) {
		const char *name;
		bool seen = false;

		if (diffs[i].data.arch != ksc_arch_audit_token(arch) ||
		    (arch == KSC_ARCH_X86_64 && (diffs[i].data.nr & KSC_X32_SYSCALL_BIT)))
			continue;
		name = ksc_syscall_name(arch, (uint32_t)diffs[i].data.nr);
		for (size_t k = 0; k < n && name; k++)
			seen = seen || streq(names[k], name);
		if (name && !seen && n < ELEMENTSOF(names))
			names[n++] = name;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (strcmp(names[k], names[i]) < 0) {
				const char *tmp = names[i];

				names[i] = names[k];
				names[k] = tmp;
			}
	for (size_t i = 0; i < n && len < sizeof(out); i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "",
		                        names[i]);
	return out;
}

static bool
mentions(const struct ksc_profile *p, const char *name)
{
	char *text = NULL, needle[96];
	size_t len = 0;
	bool found;

	if (!p || ksc_profile_write_json(p, &text, &len) < 0)
		return false;
	snprintf(needle, sizeof(needle), "\"%s\"", name);
	found = strstr(text, needle) != NULL;
	free(text);
	return found;
}

static struct ksc_profile *
flavor(enum ksc_flavor fl, enum ksc_arch arch, uint64_t caps, unsigned major, unsigned minor)
{
	struct ksc_expand_opts o = { arch, caps, major, minor };
	struct ksc_profile *p = NULL;
	struct ksc_error *e = NULL;

	if (ksc_default_profile(fl, &o, &p, &e) < 0) {
		printf("# %s\n", e ? ksc_error_message(e) : "?");
		ksc_error_free(e);
	}
	return p;
}

static struct ksc_profile *
expand(const struct ksc_profile *t, enum ksc_arch arch, uint64_t caps, unsigned major,
       unsigned minor)
{
	struct ksc_expand_opts o = { arch, caps, major, minor };
	struct ksc_profile *p = NULL;

	if (!t || ksc_profile_expand(t, &o, &p, NULL) < 0)
		return NULL;
	return p;
}

int
main(int argc, char **argv)
{
	uint64_t k8s = ksc_caps_kubernetes_default(), all = ksc_caps_all();
	struct ksc_profile *rendered, *moby, *installed, *p, *q;
	size_t cases = 0;
	bool same;

	if (argc < 2) {
		fprintf(stderr, "usage: test-defaults FIXTURES_DIR\n");
		return 2;
	}
	fixtures = argv[1];

	/* containerd, as containerd renders it for amd64 and the default capabilities */
	rendered = load("profiles/default/containerd-default-rendered-amd64-default-caps.json");
	p = flavor(KSC_FLAVOR_CONTAINERD, KSC_ARCH_X86_64, k8s, 6, 1);
	same = equivalent(p, rendered, KSC_ARCH_X86_64, &cases);
	ok(same,
	   "containerd flavour (amd64, Kubernetes' default caps) decides as containerd's "
	   "rendering (%zu inputs)",
	   cases);
	is_int(decide(p, KSC_ARCH_X86_64, "unshare", 0x10000000), KSC_RET_ERRNO | EPERM,
	       "unshare is denied without CAP_SYS_ADMIN");
	is_int(decide(p, KSC_ARCH_X86_64, "clone3", 0), KSC_RET_ERRNO | ENOSYS,
	       "clone3 is ENOSYS, so that glibc falls back to clone");
	is_int(decide(p, KSC_ARCH_X86_64, "clone", 0x10000000), KSC_RET_ERRNO | EPERM,
	       "clone with CLONE_NEWUSER is denied");
	is_int(decide(p, KSC_ARCH_X86_64, "clone", 0x3d0f00), KSC_RET_ALLOW,
	       "clone for a thread is allowed");
	is_int(decide(p, KSC_ARCH_X86_64, "io_uring_setup", 0), KSC_RET_ERRNO | EPERM,
	       "io_uring_setup is denied (containerd's own test)");
	is_int(decide(p, KSC_ARCH_X86, "socketcall", 1), KSC_RET_ALLOW,
	       "socketcall is allowed for i386");
	ksc_profile_free(p);

	/* with CAP_SYS_ADMIN, clone, clone3, mount and unshare are allowed */
	p = flavor(KSC_FLAVOR_CONTAINERD, KSC_ARCH_X86_64, all, 6, 1);
	is_int(decide(p, KSC_ARCH_X86_64, "unshare", 0x10000000), KSC_RET_ALLOW,
	       "with all capabilities unshare is allowed");
	is_int(decide(p, KSC_ARCH_X86_64, "clone3", 0), KSC_RET_ALLOW, "and clone3");
	ksc_profile_free(p);

	/* an old kernel: no ptrace (minKernel 4.8) */
	p = flavor(KSC_FLAVOR_CONTAINERD, KSC_ARCH_X86_64, k8s, 4, 4);
	is_int(decide(p, KSC_ARCH_X86_64, "ptrace", 0), KSC_RET_ERRNO | EPERM,
	       "kernel 4.4: ptrace is denied (minKernel 4.8)");
	ksc_profile_free(p);
	p = flavor(KSC_FLAVOR_CONTAINERD, KSC_ARCH_X86_64, k8s, 4, 8);
	is_int(decide(p, KSC_ARCH_X86_64, "ptrace", 0), KSC_RET_ALLOW, "kernel 4.8: allowed");
	ksc_profile_free(p);

	/* docker: moby's default.json expanded by the same rules, for several targets */
	moby = load("profiles/default/moby-profiles-seccomp-default.json");
	{
		static const struct {
			enum ksc_arch arch;
			unsigned major, minor;
		} targets[] = {
			{ KSC_ARCH_X86_64, 6, 1 },
			{ KSC_ARCH_X86_64, 4, 4 },
			{ KSC_ARCH_AARCH64, 6, 1 },
			{ KSC_ARCH_RISCV64, 6, 8 },
		};
		const uint64_t capsets[] = { k8s, all, 0 };

		for (size_t t = 0; t < ELEMENTSOF(targets); t++)
			for (size_t c = 0; c < ELEMENTSOF(capsets); c++) {
				p = flavor(KSC_FLAVOR_DOCKER, targets[t].arch, capsets[c],
				           targets[t].major, targets[t].minor);
				q = expand(moby, targets[t].arch, capsets[c], targets[t].major,
				           targets[t].minor);
				same = equivalent(p, q, targets[t].arch, &cases);
				ok(same,
				   "docker flavour = moby's default.json for %s, kernel %u.%u, "
				   "caps "
				   "%s (%zu inputs)",
				   ksc_arch_name(targets[t].arch), targets[t].major,
				   targets[t].minor,
				   c == 0   ? "default"
				   : c == 1 ? "all"
				            : "none",
				   cases);
				ksc_profile_free(p);
				ksc_profile_free(q);
			}
	}

	/* containerd and docker differ only where the reference says (lsm_*, riscv_hwprobe) */
	p = flavor(KSC_FLAVOR_CONTAINERD, KSC_ARCH_X86_64, k8s, 6, 1);
	q = flavor(KSC_FLAVOR_DOCKER, KSC_ARCH_X86_64, k8s, 6, 1);
	/* libseccomp 2.5.4 does not know lsm_*: runc drops the rule and the ENOSYS stub
	 * answers, so the difference shows in the profiles, not in what this machine enforces */
	ok(mentions(p, "lsm_list_modules"), "containerd allows lsm_list_modules");
	ok(!mentions(q, "lsm_list_modules"), "docker only with CAP_SYS_ADMIN");
	is_int(decide(p, KSC_ARCH_X86_64, "lsm_list_modules", 0), KSC_RET_ERRNO | ENOSYS,
	       "which libseccomp 2.5.4 cannot express: ENOSYS from runc's stub");
	is_int(decide(q, KSC_ARCH_X86_64, "riscv_hwprobe", 0), 0xdeadbeef,
	       "riscv_hwprobe is not an x86_64 syscall (both flavours decide nothing for it)");
	ksc_profile_free(p);
	ksc_profile_free(q);

	/* podman against the installed containers-common (older): what must still hold */
	if (access("/usr/share/containers/seccomp.json", R_OK) == 0) {
		installed = NULL;
		{
			struct ksc_profile *t = NULL;

			if (ksc_profile_load("/usr/share/containers/seccomp.json", NULL, &t, NULL,
			                     NULL) == 0)
				installed = expand(t, KSC_ARCH_X86_64, k8s, 6, 1);
			ksc_profile_free(t);
		}
		p = flavor(KSC_FLAVOR_PODMAN, KSC_ARCH_X86_64, k8s, 6, 1);
		ok(installed && p, "the installed containers-common profile expands");
		if (installed && p) {
			static const char *const alike[] = { "read",   "clone",  "clone3", "mount",
				                             "ptrace", "keyctl", "unshare" };

			is_int(decide(p, KSC_ARCH_X86_64, "kexec_load", 0),
			       decide(installed, KSC_ARCH_X86_64, "kexec_load", 0),
			       "kexec_load: EPERM in both");
			is_int(decide(p, KSC_ARCH_X86_64, "1000", 0), 0xdeadbeef,
			       "(a number is not a name)");
			for (size_t i = 0; i < ELEMENTSOF(alike); i++)
				is_int(decide(p, KSC_ARCH_X86_64, alike[i], 0),
				       decide(installed, KSC_ARCH_X86_64, alike[i], 0),
				       "%s: decided alike (podman relies on capabilities)",
				       alike[i]);
			is_int(decide(p, KSC_ARCH_X86_64, "userfaultfd", 0), KSC_RET_ERRNO | EPERM,
			       "userfaultfd: EPERM, not ENOSYS");
			/* The documented differences on x86_64: newer syscalls moved from
			 * ENOSYS to ALLOW (fchmodat2, futex_*) or to the EPERM list (cachestat,
			 * map_shadow_stack, quotactl_fd), fanotify_init allowed, and socket
			 * restricted by domain (AF_ALG, AF_VSOCK), as in moby. */
			is_str(differing_names(installed, p, KSC_ARCH_X86_64),
			       "cachestat fanotify_init fchmodat2 futex_requeue futex_wait "
			       "futex_waitv futex_wake map_shadow_stack quotactl_fd socket",
			       "the installed (older) profile differs from the podman flavour on "
			       "these x86_64 syscalls only");
		}
		ksc_profile_free(p);
		ksc_profile_free(installed);
	} else
		printf("ok - podman vs installed # SKIP no /usr/share/containers/seccomp.json\n");

	ksc_profile_free(rendered);
	ksc_profile_free(moby);
	return tap_done();
}
