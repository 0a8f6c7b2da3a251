/* SPDX-License-Identifier: Apache-2.0 */
/*
 * containerd's RuntimeDefault as a given release renders it: its DefaultProfile() template
 * (data/containerd/VERSION.json, read from each release's Go source) appended rule by rule in
 * the order containerd appends them: the fixed list, the rules the running kernel allows, the
 * GOARCH's, each capability's in the order of the container's bounding set, and, without
 * CAP_SYS_ADMIN, the namespace-masked clone and clone3's ENOSYS. The bounding set's order is
 * containerd's CRI WithCapabilities(): Kubernetes' default set in its order (every
 * capability when "ALL" is added, none when "ALL" is dropped), the added ones appended as
 * written, the dropped ones removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "defaults-containerd.h"
#include "doc.h"
#include "error.h"
#include "ksc-cleanup.h"
#include "macro.h"
#include "profile.h"
#include "strbuf.h"

/* The templates, oldest first (data/containerd/README.md): each the first release with it. */
/* clang-format off */
#define TEMPLATES(X) \
	X(1, 6, 0) X(1, 6, 7) X(1, 6, 9) X(1, 6, 16) X(1, 6, 22) X(1, 6, 28) \
	X(1, 7, 0) X(1, 7, 3) X(1, 7, 13) X(1, 7, 32) \
	X(2, 0, 0) X(2, 0, 9) X(2, 1, 0) X(2, 2, 0) X(2, 2, 4)
/* clang-format on */

#define DECLARE(a, b, c)                                \
	extern const char containerd_##a##_##b##_##c[]; \
	extern const size_t containerd_##a##_##b##_##c##_len;
TEMPLATES(DECLARE)

struct release_template {
	unsigned major, minor, patch;
	const char *text;
	const size_t *len;
};

#define ENTRY(a, b, c) { a, b, c, containerd_##a##_##b##_##c, &containerd_##a##_##b##_##c##_len },
static const struct release_template templates[] = { TEMPLATES(ENTRY) };

static int
template_for(const char *version, const struct release_template **ret, struct ksc_error **reterr)
{
	const struct release_template *pick = NULL;
	unsigned major = 0, minor = 0, patch = 0;
	int n;

	if (version && streq(version, "latest")) {
		*ret = &templates[ELEMENTSOF(templates) - 1];
		return 0;
	}
	if (version && (*version == 'v' || *version == 'V'))
		version++;
	n = version ? sscanf(version, "%u.%u.%u", &major, &minor, &patch) : 0;
	if (n < 2)
		return ksc_error_setf(reterr, -EINVAL,
		                      "containerd version '%s': expected MAJOR.MINOR[.PATCH], e.g. "
		                      "1.6 or 1.7.20",
		                      version ? version : "");
	if (major < 1 || (major == 1 && minor < 6))
		return ksc_error_setf(
		        reterr, -EOPNOTSUPP,
		        "containerd %u.%u: kseccomp knows containerd's RuntimeDefault "
		        "from 1.6 on",
		        major, minor);
	for (size_t i = 0; i < ELEMENTSOF(templates); i++) {
		const struct release_template *t = &templates[i];

		/* a newer release than every template: the newest ("2.2 and later") */
		if (t->major < major || (t->major == major && t->minor < minor))
			pick = t;
		else if (t->major == major && t->minor == minor && (n < 3 || t->patch <= patch))
			pick = t;
	}
	*ret = pick;
	return 0;
}

int
ksc_containerd_template_release(const char *version, char *buf, size_t size,
                                struct ksc_error **reterr)
{
	const struct release_template *t = NULL;
	int r = template_for(version, &t, reterr);

	if (r < 0)
		return r;
	snprintf(buf, size, "%u.%u.%u", t->major, t->minor, t->patch);
	return 0;
}

static bool
in_list(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], name))
			return true;
	return false;
}

/* A capability as the kubelet hands it on ("NET_ADMIN", "CAP_NET_ADMIN", "all"), as
 * containerd names it: "CAP_" and upper case. */
static void
cap_name(const char *written, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "CAP_%s", written);
	for (n = 0; buf[n]; n++)
		if (buf[n] >= 'a' && buf[n] <= 'z')
			buf[n] = (char)(buf[n] - 'a' + 'A');
}

static bool
list_has_all(const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], "ALL") == 0)
			return true;
	return false;
}

/* The container's bounding set in containerd's order; names point into static storage or
 * bufs (one per added name, N_ADDED at most). Returns how many. */
#define N_ADDED 64
static size_t
bounding_order(const struct ksc_expand_opts *opts, const char **out, char (*bufs)[48], size_t max)
{
	uint64_t caps = opts ? opts->caps : ksc_caps_kubernetes_default();
	const char *const *added = opts ? opts->caps_added : NULL;
	size_t n = 0, kept = 0;

	if (opts && list_has_all(opts->caps_dropped)) {
		/* nothing of the defaults stays but what is added again */
	} else if (list_has_all(added)) {
		for (unsigned c = 0; c <= KSC_CAP_LAST && n < max; c++)
			if (ksc_cap_name(c))
				out[n++] = ksc_cap_name(c);
	} else
		for (size_t i = 0; i < ELEMENTSOF(kubernetes_default_caps) && n < max; i++)
			out[n++] = kubernetes_default_caps[i];
	for (size_t i = 0; added && added[i] && i < N_ADDED && n < max; i++) {
		if (strcasecmp(added[i], "ALL") == 0)
			continue;
		cap_name(added[i], bufs[i], sizeof(*bufs));
		if (!in_list(out, n, bufs[i]))
			out[n++] = bufs[i];
	}
	/* a set given without its added list (--caps): the others by number */
	for (unsigned c = 0; c <= KSC_CAP_LAST && n < max; c++)
		if ((caps & (UINT64_C(1) << c)) && ksc_cap_name(c) &&
		    !in_list(out, n, ksc_cap_name(c)))
			out[n++] = ksc_cap_name(c);
	/* the dropped ones, and any the node cannot give, go: the final set decides */
	for (size_t i = 0; i < n; i++) {
		int cap = ksc_cap_from_name(out[i]);

		if (cap >= 0 && (caps & (UINT64_C(1) << cap)))
			out[kept++] = out[i];
	}
	return kept;
}

/* One rule of the template, as containerd marshals it. */
static void
put_rule(struct strbuf *sb, const struct ksc_node *r, bool *first)
{
	const struct ksc_node *names = ksc_node_get(r, "names"),
	                      *action = ksc_node_get(r, "action"),
	                      *errno_ret = ksc_node_get(r, "errnoRet"),
	                      *args = ksc_node_get(r, "args");

	strbuf_puts(sb, *first ? "\n{\"names\": [" : ",\n{\"names\": [");
	*first = false;
	for (size_t i = 0; names && i < names->count; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_str(sb, names->items[i]->text);
	}
	strbuf_puts(sb, "], \"action\": ");
	strbuf_put_json_str(sb, action ? action->text : "");
	if (errno_ret) {
		strbuf_puts(sb, ", \"errnoRet\": ");
		strbuf_puts(sb, errno_ret->text);
	}
	if (args && args->count) {
		strbuf_puts(sb, ", \"args\": [");
		for (size_t i = 0; i < args->count; i++) {
			const struct ksc_node *a = args->items[i],
			                      *v2 = ksc_node_get(a, "valueTwo");

			strbuf_printf(sb, "%s{\"index\": %s, \"value\": %s", i ? ", " : "",
			              ksc_node_get(a, "index")->text,
			              ksc_node_get(a, "value")->text);
			if (v2)
				strbuf_printf(sb, ", \"valueTwo\": %s", v2->text);
			strbuf_puts(sb, ", \"op\": ");
			strbuf_put_json_str(sb, ksc_node_get(a, "op")->text);
			strbuf_puts(sb, "}");
		}
		strbuf_puts(sb, "]");
	}
	strbuf_puts(sb, "}");
}

static void
put_rules(struct strbuf *sb, const struct ksc_node *list, bool *first)
{
	for (size_t i = 0; list && i < list->count; i++)
		put_rule(sb, list->items[i], first);
}

/* The GOARCH's entry of a map, else its "default". */
static const struct ksc_node *
for_goarch(const struct ksc_node *map, const char *goarch, bool fallback)
{
	const struct ksc_node *v = map && goarch ? ksc_node_get(map, goarch) : NULL;

	return v || !fallback || !map ? v : ksc_node_get(map, "default");
}

static int
render(const struct ksc_node *t, const char *goarch, unsigned kmajor, unsigned kminor,
       const char *const *bounding, size_t n_bounding, struct strbuf *sb)
{
	const struct ksc_node *arches = for_goarch(ksc_node_get(t, "arches"), goarch, false),
	                      *kernel = ksc_node_get(t, "kernel"), *caps = ksc_node_get(t, "caps"),
	                      *not_admin = ksc_node_get(t, "notAdmin");
	bool first = true, admin = false;

	strbuf_puts(sb, "{\"defaultAction\": ");
	strbuf_put_json_str(sb, ksc_node_get(t, "defaultAction")->text);
	/* omitempty: a GOARCH without architectures has none in the JSON */
	if (arches && arches->count) {
		strbuf_puts(sb, ", \"architectures\": [");
		for (size_t i = 0; i < arches->count; i++) {
			strbuf_puts(sb, i ? ", " : "");
			strbuf_put_json_str(sb, arches->items[i]->text);
		}
		strbuf_puts(sb, "]");
	}
	strbuf_puts(sb, ", \"syscalls\": [");
	put_rules(sb, ksc_node_get(t, "syscalls"), &first);
	for (size_t i = 0; kernel && i < kernel->count; i++) {
		const struct ksc_node *min = ksc_node_get(kernel->items[i], "min");
		unsigned want_major = (unsigned)strtoul(min->items[0]->text, NULL, 10),
		         want_minor = (unsigned)strtoul(min->items[1]->text, NULL, 10);

		if (kmajor > want_major || (kmajor == want_major && kminor >= want_minor))
			put_rules(sb, ksc_node_get(kernel->items[i], "syscalls"), &first);
	}
	put_rules(sb, for_goarch(ksc_node_get(t, "arch"), goarch, false), &first);
	for (size_t i = 0; i < n_bounding; i++) {
		const struct ksc_node *c = caps ? ksc_node_get(caps, bounding[i]) : NULL,
		                      *is_admin = c ? ksc_node_get(c, "admin") : NULL;

		if (!c)
			continue;
		admin = admin || (is_admin && streq(is_admin->text, "true"));
		put_rules(sb, ksc_node_get(c, "syscalls"), &first);
	}
	if (!admin && not_admin) {
		put_rules(sb, for_goarch(ksc_node_get(not_admin, "arch"), goarch, true), &first);
		put_rules(sb, ksc_node_get(not_admin, "syscalls"), &first);
	}
	strbuf_puts(sb, "\n]}\n");
	return sb->oom ? -ENOMEM : 0;
}

int
containerd_default_profile(const char *version, const struct ksc_expand_opts *opts,
                           struct ksc_profile **ret, struct ksc_error **reterr)
{
	const struct release_template *t = NULL;
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	enum ksc_arch arch = opts && opts->arch != KSC_ARCH_NONE ? opts->arch : ksc_arch_native();
	struct ksc_profile_parse_opts popts = { .native_arch = arch };
	unsigned kmajor = opts ? opts->kernel_major : 0, kminor = opts ? opts->kernel_minor : 0;
	const char *bounding[KSC_CAP_LAST + 1 + N_ADDED];
	char bufs[N_ADDED][48], source[96];
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	size_t n, len = 0;
	int r;

	r = template_for(version, &t, reterr);
	if (r < 0)
		return r;
	if (kmajor == 0 && kminor == 0 && ksc_kernel_running(&kmajor, &kminor) < 0)
		return ksc_error_setf(reterr, -EIO, "cannot tell the running kernel's version");
	r = ksc_doc_parse("containerd template", t->text, *t->len, KSC_DOC_JSON, &doc, reterr);
	if (r < 0)
		return r;
	n = bounding_order(opts, bounding, bufs, ELEMENTSOF(bounding));
	r = render(ksc_doc_root(doc, 0), ksc_arch_go_name(arch), kmajor, kminor, bounding, n, &sb);
	if (r >= 0)
		r = strbuf_finish(&sb, &text, &len);
	if (r < 0) {
		strbuf_done(&sb);
		return r;
	}
	snprintf(source, sizeof(source), "RuntimeDefault(containerd %u.%u.%u)", t->major, t->minor,
	         t->patch);
	r = ksc_profile_parse(source, text, len, &popts, ret, NULL, reterr);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "internal error: the rendering is invalid: ");
	return 0;
}
