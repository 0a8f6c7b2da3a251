/* SPDX-License-Identifier: Apache-2.0 */
/*
 * defaults: RuntimeDefault, as the runtimes build it for a container.
 *
 * Each flavour is a template in Docker's format (data/defaults/, compiled in): rules with
 * `includes`/`excludes` on capabilities, architectures and the kernel version, and an
 * `archMap`. Expanding it for a target follows moby's setupSeccomp() (profiles/seccomp/
 * seccomp_linux.go), which containerd's DefaultProfile() and containers/common repeat:
 *
 *   - architectures: the archMap entry of the target's architecture and its
 *     subArchitectures (none when the map has no entry for it);
 *   - a rule is dropped when an excluded architecture is the target's, an excluded
 *     capability is in the bounding set, or the kernel is at least an excluded minKernel;
 *     and when an included architecture list lacks the target's, an included capability is
 *     missing, or the kernel is older than an included minKernel;
 *   - what remains is written as OCI: names, action, errnoRet, args.
 *
 * Architectures are compared by the names moby compares (libseccomp-golang's: amd64, x86,
 * x32, arm64, ...), which is why "x32" in includes.arches never matches on an amd64 host.
 */
#include <ctype.h>
#include <sys/utsname.h>

#include "caps.h"
#include "defaults-containerd.h"
#include "error.h"
#include "profile.h"

extern const char defaults_containerd[], defaults_docker[], defaults_podman[];
extern const size_t defaults_containerd_len, defaults_docker_len, defaults_podman_len;

static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} flavors[] = {
	[KSC_FLAVOR_CONTAINERD] = { "containerd", defaults_containerd, &defaults_containerd_len },
	[KSC_FLAVOR_DOCKER] = { "docker", defaults_docker, &defaults_docker_len },
	[KSC_FLAVOR_PODMAN] = { "podman", defaults_podman, &defaults_podman_len },
};

int
ksc_flavor_from_name(const char *name, enum ksc_flavor *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(flavors); i++)
		if (name && streq(name, flavors[i].name)) {
			*ret = (enum ksc_flavor)i;
			return 0;
		}
	return -EINVAL;
}

const char *
ksc_flavor_name(enum ksc_flavor flavor)
{
	return (size_t)flavor < ELEMENTSOF(flavors) ? flavors[flavor].name : NULL;
}

int
ksc_default_template(enum ksc_flavor flavor, const char **ret_text, size_t *ret_len)
{
	if ((size_t)flavor >= ELEMENTSOF(flavors))
		return -EINVAL;
	*ret_text = flavors[flavor].text;
	*ret_len = *flavors[flavor].len;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Capability sets                                                                            */

/* containerd's and Docker's default capabilities, which Kubernetes containers get unless the
 * securityContext adds or drops some (oci.WithDefaultCapabilities / moby's caps.DefaultCapabilities). */
const char *const kubernetes_default_caps[KUBERNETES_DEFAULT_CAPS] = {
	"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
	"CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	"CAP_KILL",    "CAP_AUDIT_WRITE",
};

uint64_t
ksc_caps_kubernetes_default(void)
{
	uint64_t set = 0;

	for (size_t i = 0; i < ELEMENTSOF(kubernetes_default_caps); i++)
		set |= UINT64_C(1) << ksc_cap_from_name(kubernetes_default_caps[i]);
	return set;
}

uint64_t
ksc_caps_all(void)
{
	return (UINT64_C(1) << (KSC_CAP_LAST + 1)) - 1;
}

int
ksc_caps_parse(const char *list, uint64_t *ret_set, struct ksc_error **reterr)
{
	_cleanup_(freep) char *copy = NULL;
	uint64_t set = 0;
	char *save = NULL;

	if (!list)
		return -EINVAL;
	if (streq(list, "default")) {
		*ret_set = ksc_caps_kubernetes_default();
		return 0;
	}
	if (streq(list, "all")) {
		*ret_set = ksc_caps_all();
		return 0;
	}
	if (streq(list, "none") || streq(list, "")) {
		*ret_set = 0;
		return 0;
	}
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char name[64];
		int cap;

		/* Kubernetes writes NET_ADMIN, OCI and Docker CAP_NET_ADMIN */
		snprintf(name, sizeof(name), "%s%s", startswith(w, "CAP_") ? "" : "CAP_", w);
		for (char *c = name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		cap = ksc_cap_from_name(name);
		if (cap < 0)
			return ksc_error_setf(reterr, -EINVAL, "unknown capability \"%s\"", w);
		set |= UINT64_C(1) << cap;
	}
	*ret_set = set;
	return 0;
}

int
ksc_caps_bounding(uint64_t *ret_set)
{
	_cleanup_(fclosep) FILE *f = fopen("/proc/self/status", "re");
	char line[256];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "CapBnd: %llx", &v) == 1) {
			*ret_set = (uint64_t)v & ksc_caps_all();
			return 0;
		}
	}
	return -ENOENT;
}

/* ---------------------------------------------------------------------------------------- */
/* Expansion                                                                                  */

static bool
name_in(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name && streq(list[i], name))
			return true;
	return false;
}

static bool
caps_all_in(const struct ksc_rule_filter *f, uint64_t caps)
{
	for (size_t i = 0; i < f->n_caps; i++) {
		int cap = ksc_cap_from_name(f->caps[i]);

		if (cap < 0 || !(caps & (UINT64_C(1) << cap)))
			return false;
	}
	return true;
}

static bool
caps_any_in(const struct ksc_rule_filter *f, uint64_t caps)
{
	for (size_t i = 0; i < f->n_caps; i++) {
		int cap = ksc_cap_from_name(f->caps[i]);

		if (cap >= 0 && (caps & (UINT64_C(1) << cap)))
			return true;
	}
	return false;
}

static bool
kernel_at_least(const struct ksc_rule_filter *f, unsigned major, unsigned minor)
{
	return major > f->min_kernel_major ||
	       (major == f->min_kernel_major && minor >= f->min_kernel_minor);
}

/* moby's setupSeccomp() loop: does the rule apply to this target? */
static bool
rule_applies(const struct ksc_rule *r, const char *arch, uint64_t caps, unsigned major,
             unsigned minor)
{
	if (r->excludes.n_arches && name_in(r->excludes.arches, r->excludes.n_arches, arch))
		return false;
	if (r->excludes.n_caps && caps_any_in(&r->excludes, caps))
		return false;
	if (r->excludes.min_kernel && kernel_at_least(&r->excludes, major, minor))
		return false;
	if (r->includes.n_arches && !name_in(r->includes.arches, r->includes.n_arches, arch))
		return false;
	if (r->includes.n_caps && !caps_all_in(&r->includes, caps))
		return false;
	if (r->includes.min_kernel && !kernel_at_least(&r->includes, major, minor))
		return false;
	return true;
}

int
ksc_kernel_running(unsigned *ret_major, unsigned *ret_minor)
{
	struct utsname u;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", ret_major, ret_minor) != 2)
		return -EIO;
	return 0;
}

int
ksc_profile_expand(const struct ksc_profile *t, const struct ksc_expand_opts *opts,
                   struct ksc_profile **ret, struct ksc_error **reterr)
{
	_cleanup_(freep) bool *keep = NULL;
	_cleanup_(freep) char *text = NULL;
	enum ksc_arch arch = opts && opts->arch != KSC_ARCH_NONE ? opts->arch : ksc_arch_native();
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct ksc_profile_parse_opts popts = { .native_arch = arch };
	unsigned major = opts ? opts->kernel_major : 0, minor = opts ? opts->kernel_minor : 0;
	uint64_t caps = opts ? opts->caps : ksc_caps_kubernetes_default();
	size_t n_arches = 0, len = 0;
	char source[160];
	int r;

	if (!t || !ret)
		return -EINVAL;
	if (major == 0 && minor == 0) {
		r = ksc_kernel_running(&major, &minor);
		if (r < 0)
			return ksc_error_setf(reterr, r,
			                      "cannot tell the running kernel's version");
	}
	/* architectures as written, or the archMap entry of the target */
	if (t->n_arches > 0) {
		for (size_t i = 0; i < t->n_arches && n_arches < ELEMENTSOF(arches); i++)
			arches[n_arches++] = t->arches[i];
	} else
		for (size_t i = 0; i < t->n_arch_map; i++) {
			if (t->arch_map[i].arch != arch)
				continue;
			arches[n_arches++] = arch;
			for (size_t k = 0;
			     k < t->arch_map[i].n_subs && n_arches < ELEMENTSOF(arches); k++)
				arches[n_arches++] = t->arch_map[i].subs[k];
		}

	keep = calloc(t->n_rules ? t->n_rules : 1, sizeof(bool));
	if (!keep)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_rules; i++)
		keep[i] = rule_applies(&t->rules[i], ksc_arch_go_name(arch), caps, major, minor);
	r = profile_write_oci(t, arches, n_arches, keep, &text, &len);
	if (r < 0)
		return r;
	snprintf(source, sizeof(source), "%s expanded for %s", t->source, ksc_arch_name(arch));
	r = ksc_profile_parse(source, text, len, &popts, ret, NULL, reterr);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "internal error: the expansion is invalid: ");
	return 0;
}

int
ksc_default_profile(enum ksc_flavor flavor, const struct ksc_expand_opts *opts,
                    struct ksc_profile **ret, struct ksc_error **reterr)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *t = NULL;
	enum ksc_arch arch = opts && opts->arch != KSC_ARCH_NONE ? opts->arch : ksc_arch_native();
	struct ksc_profile_parse_opts popts = { .native_arch = arch };
	const char *text;
	char source[64];
	size_t len;
	int r;

	if (flavor == KSC_FLAVOR_CONTAINERD && opts && opts->containerd_version)
		return containerd_default_profile(opts->containerd_version, opts, ret, reterr);
	r = ksc_default_template(flavor, &text, &len);
	if (r < 0)
		return ksc_error_setf(reterr, r, "unknown RuntimeDefault flavour");
	snprintf(source, sizeof(source), "RuntimeDefault(%s)", ksc_flavor_name(flavor));
	r = ksc_profile_parse(source, text, len, &popts, &t, NULL, reterr);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "internal error: the template is invalid: ");
	return ksc_profile_expand(t, opts, ret, reterr);
}
