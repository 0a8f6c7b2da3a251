/* SPDX-License-Identifier: Apache-2.0 */
/*
 * psa: Pod Security Admission's policy checks (k8s.io/pod-security-admission, package policy).
 *
 * What is reproduced, and where it comes from:
 *   - the checks and their versions: each check has variants by minimum policy version; a
 *     version uses the newest variant not newer than itself (registry.go, inflateVersions);
 *   - at restricted, the restricted checks plus every baseline check that no restricted
 *     variant of that version overrides (registry.go, populate);
 *   - the order of results: baseline IDs sorted, then restricted IDs sorted (Go string order,
 *     bytes), whatever the level;
 *   - containers visited as visitContainers() does: initContainers, containers, then
 *     ephemeralContainers;
 *   - the reasons and details word for word, with Go's pluralisation (one item: singular),
 *     sets that come back sorted and deduplicated (sets.String.List()) where the library uses
 *     them and plain lists in visiting order where it does not, and %q quoting
 *     (strconv.Quote) in the annotation details.
 *
 * The pod is read from the document the way the API server's typed decoding (into
 * corev1.PodSpec) would see it: a null value is the zero value, an absent field a nil
 * pointer. The manifest reader (kube.c) has already refused a pod whose container lists,
 * securityContexts, capabilities, seccompProfile, privileged, allowPrivilegeEscalation,
 * runAsUser, os or seccomp annotations have the wrong JSON type. Every other field is
 * checked here: the API server would refuse to decode a wrong-typed one, so the pod would
 * never run; rather than let it through, a wrong-typed value counts as the check's forbidden
 * value (a boolean as true, runAsNonRoot as false, runAsUser as 0, a string as itself, which
 * no allow-list matches) and is shown by its text, or by its JSON type for an object or a
 * list.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "psa.h"
#include "strbuf.h"

#define ANNOTATION_SECCOMP_POD       "seccomp.security.alpha.kubernetes.io/pod"
#define ANNOTATION_SECCOMP_CONTAINER "container.seccomp.security.alpha.kubernetes.io/"
#define ANNOTATION_APPARMOR          "container.apparmor.security.beta.kubernetes.io/"

/* ---------------------------------------------------------------------------------------- */
/* Reading the document as corev1.PodSpec                                                     */

/* A field's value; NULL when absent or null (Go leaves the field zero, a pointer nil). */
static const struct ksc_node *
field(const struct ksc_node *map, const char *key)
{
	const struct ksc_node *n = ksc_node_get(map, key); /* NULL for a NULL or non-map */

	return n && !ksc_node_is_null(n) ? n : NULL;
}

static bool
is_map(const struct ksc_node *n)
{
	return n && n->kind == KSC_NODE_MAP;
}

static bool
is_string(const struct ksc_node *n)
{
	return n && n->kind == KSC_NODE_SCALAR && n->type == KSC_SCALAR_STRING;
}

/* A string equal to s, every byte of it. */
static bool
str_is(const struct ksc_node *n, const char *s)
{
	return is_string(n) && streq_n(n->text, n->len, s);
}

static bool
str_in(const struct ksc_node *n, const char *const *set, size_t n_set)
{
	for (size_t i = 0; i < n_set; i++)
		if (str_is(n, set[i]))
			return true;
	return false;
}

/* A string field that is not empty; a value of another type counts as set. */
static bool
str_set(const struct ksc_node *n)
{
	return n && !(is_string(n) && n->len == 0);
}

/* How a value appears in a detail: a scalar's text (a string as it is, a number or a boolean
 * as written), "" for none, the JSON type for an object or a list. */
static const char *
shown(const struct ksc_node *n)
{
	if (!n || ksc_node_is_null(n))
		return "";
	if (n->kind == KSC_NODE_SCALAR)
		return n->text;
	return ksc_node_type_name(n);
}

/* A boolean field: false when absent or null (*ret_set false), `if_wrong_type` for a value
 * that is not a boolean. */
static bool
flag(const struct ksc_node *map, const char *key, bool if_wrong_type, bool *ret_set)
{
	const struct ksc_node *n = field(map, key);
	const char *reason = NULL;
	bool v;

	if (ret_set)
		*ret_set = n != NULL;
	if (!n)
		return false;
	if (ksc_node_to_bool(n, &v, &reason) < 0)
		return if_wrong_type;
	return v;
}

/* A number as Go's decoder reads it into a signed integer of `bits` bits (strconv.ParseInt
 * on the JSON literal): 0 and *ret, or -ERANGE / -EINVAL for anything else (a fraction, an
 * exponent, a string, a value out of range). */
static int
integer(const struct ksc_node *n, unsigned bits, int64_t *ret)
{
	const uint64_t limit = UINT64_C(1) << (bits - 1);
	const char *p = n->text;
	bool negative = false;
	uint64_t v = 0;

	if (n->kind != KSC_NODE_SCALAR || n->type != KSC_SCALAR_NUMBER)
		return -EINVAL;
	if (*p == '-') {
		negative = true;
		p++;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (limit - (unsigned)(*p - '0')) / 10)
			return -ERANGE; /* past limit: too large for either sign */
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (!negative && v >= limit)
		return -ERANGE;
	*ret = negative ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* The i-th item of a list field. A value that is not a list stands for a single item, marked
 * *ret_wrong_type, as is an item that is not an object when want_map says items are. */
static const struct ksc_node *
item(const struct ksc_node *list, size_t i, bool want_map, bool *ret_wrong_type)
{
	const struct ksc_node *it;

	if (list->kind != KSC_NODE_SEQ) {
		*ret_wrong_type = true;
		return list;
	}
	it = list->items[i];
	*ret_wrong_type = want_map && !is_map(it);
	return it;
}

static size_t
n_items(const struct ksc_node *list)
{
	if (!list)
		return 0;
	return list->kind == KSC_NODE_SEQ ? list->count : 1;
}

/* The pod as the checks see it. Nodes are borrowed from the manifest. */
struct pod_view {
	const struct ksc_node *spec; /* NULL: an empty PodSpec */
	const struct ksc_node *meta;
	const struct ksc_node *sc;          /* spec.securityContext */
	const struct ksc_node *annotations; /* metadata.annotations */
	const struct ksc_node **containers; /* in visitContainers() order (owned array) */
	size_t n_containers;
	/* containers[0..n_host_port_defaulted): the init and regular containers of a Pod on
	 * the host's network, whose hostPort 0 the API server turns into the containerPort */
	size_t n_host_port_defaulted;
	/* spec.os.name is "windows" */
	bool windows;
	/* spec.hostUsers is false: the pod runs in a user namespace */
	bool userns;
};

static int
pod_view_init(const struct kube_pod *pod, struct pod_view *ret)
{
	static const char *const lists[] = { "initContainers", "containers",
		                             "ephemeralContainers" };
	const struct ksc_node *spec = is_map(pod->spec_node) ? pod->spec_node : NULL;
	size_t n = 0;
	bool set = false;

	*ret = (struct pod_view){ .spec = spec, .meta = pod->meta_node };
	ret->sc = field(spec, "securityContext");
	ret->annotations = field(pod->meta_node, "annotations");
	ret->windows = str_is(field(field(spec, "os"), "name"), "windows");
	/* relaxPolicyForUserNamespacePod(): hostUsers set, and to false */
	ret->userns = !flag(spec, "hostUsers", true, &set) && set;
	for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
		const struct ksc_node *seq = field(spec, lists[l]);

		if (seq && seq->kind == KSC_NODE_SEQ)
			n += seq->count;
	}
	ret->containers = calloc(n + 1, sizeof(*ret->containers));
	if (!ret->containers)
		return -ENOMEM;
	for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
		const struct ksc_node *seq = field(spec, lists[l]);

		for (size_t i = 0; seq && seq->kind == KSC_NODE_SEQ && i < seq->count; i++)
			ret->containers[ret->n_containers++] = seq->items[i];
		/* The API server defaults a Pod's (not a template's) ports when it uses the host's
		 * network: a hostPort of 0 becomes the containerPort, in init and regular
		 * containers (SetDefaults_Pod, defaultHostNetworkPorts). Admission sees that. */
		if (l == 1 && pod->is_pod && flag(spec, "hostNetwork", false, NULL))
			ret->n_host_port_defaulted = ret->n_containers;
	}
	return 0;
}

static const char *
container_name(const struct ksc_node *c)
{
	return shown(field(c, "name"));
}

static const struct ksc_node *
container_sc(const struct ksc_node *c)
{
	return field(c, "securityContext");
}

/* ---------------------------------------------------------------------------------------- */
/* Lists of names, and the phrases details are made of                                      */

struct names {
	char **v; /* owned copies */
	size_t n, cap;
	bool oom;
};

static void
names_done(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct names){ 0 };
}

static void
names_add(struct names *l, const char *s)
{
	char *copy;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **v = reallocarray(l->v, cap, sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	copy = strdup(s);
	if (!copy) {
		l->oom = true;
		return;
	}
	l->v[l->n++] = copy;
}

/* Sorted by bytes, repeats dropped: what a Go set gives back from List(). */
static void
names_sort_unique(struct names *l)
{
	size_t k = 0;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), strp_cmp);
	for (size_t i = 0; i < l->n; i++) {
		if (k > 0 && streq(l->v[k - 1], l->v[i])) {
			free(l->v[i]);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* `"a", "b"` (joinQuote()) */
static void
put_quoted(struct strbuf *sb, const struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		strbuf_printf(sb, "%s\"%s\"", i ? ", " : "", l->v[i]);
}

static void
put_joined(struct strbuf *sb, const struct names *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++) {
		strbuf_puts(sb, i ? sep : "");
		strbuf_puts(sb, l->v[i]);
	}
}

/* `container "a"`, `containers "a", "b"` */
static void
put_containers(struct strbuf *sb, const struct names *containers)
{
	strbuf_printf(sb, "%s ", plural(containers->n, "container", "containers"));
	put_quoted(sb, containers);
}

/* Who set a forbidden value, joined by " and ": the pod, the containers, then `extra`. */
static void
put_setters(struct strbuf *sb, bool pod, const struct names *containers, const char *extra)
{
	const char *sep = "";

	if (pod) {
		strbuf_puts(sb, "pod");
		sep = " and ";
	}
	if (containers->n) {
		strbuf_puts(sb, sep);
		put_containers(sb, containers);
		sep = " and ";
	}
	if (extra) {
		strbuf_puts(sb, sep);
		strbuf_puts(sb, extra);
	}
}

/* Whether Go's unicode.IsPrint() holds for a code point above ASCII. Without Unicode's
 * tables this knows the ranges that matter in practice (C1 controls, spaces other than
 * U+0020, format characters, private use, noncharacters) and takes every other code point,
 * unassigned ones included, as printable. */
static bool
go_printable(uint32_t cp)
{
	static const struct {
		uint32_t lo, hi;
	} unprintable[] = {
		{ 0x80, 0xa0 },       { 0xad, 0xad },       { 0x600, 0x605 },
		{ 0x61c, 0x61c },     { 0x6dd, 0x6dd },     { 0x70f, 0x70f },
		{ 0x890, 0x891 },     { 0x8e2, 0x8e2 },     { 0x1680, 0x1680 },
		{ 0x180e, 0x180e },   { 0x2000, 0x200f },   { 0x2028, 0x202f },
		{ 0x205f, 0x2064 },   { 0x2066, 0x206f },   { 0x3000, 0x3000 },
		{ 0xe000, 0xf8ff },   { 0xfdd0, 0xfdef },   { 0xfeff, 0xfeff },
		{ 0xfff9, 0xfffb },   { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd },
		{ 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
		{ 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f }, { 0xf0000, 0x10ffff },
	};

	if ((cp & 0xfffe) == 0xfffe)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(unprintable); i++)
		if (cp >= unprintable[i].lo && cp <= unprintable[i].hi)
			return false;
	return true;
}

/* One UTF-8 sequence as Go's utf8.DecodeRune() takes it: the code point and its length, or
 * -1 and length 1 for a byte that starts no valid sequence (overlong forms and surrogates
 * included). */
static int32_t
utf8_decode(const unsigned char *s, size_t len, size_t *ret_size)
{
	uint32_t cp;
	size_t n;

	*ret_size = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return -1;
	if (len < n)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*ret_size = n;
	return (int32_t)cp;
}

/* s as Go's %q writes a string (strconv.Quote): in double quotes, with Go's escapes for the
 * quote, the backslash, control characters, invalid UTF-8 and unprintable code points. */
static void
put_go_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	strbuf_putc(sb, '"');
	while (len > 0) {
		size_t size;
		int32_t cp = utf8_decode(p, len, &size);

		if (cp < 0)
			strbuf_printf(sb, "\\x%02x", p[0]);
		else if (cp == '"' || cp == '\\')
			strbuf_printf(sb, "\\%c", (char)cp);
		else if ((cp >= 0x20 && cp < 0x7f) || (cp >= 0x80 && go_printable((uint32_t)cp)))
			strbuf_append(sb, (const char *)p, size);
		else if (cp == '\a' || cp == '\b' || cp == '\f' || cp == '\n' || cp == '\r' ||
		         cp == '\t' || cp == '\v')
			strbuf_printf(sb, "\\%c", "abtnvfr"[cp - '\a']);
		else if (cp < 0x80)
			strbuf_printf(sb, "\\x%02x", (unsigned)cp);
		else if (cp < 0x10000)
			strbuf_printf(sb, "\\u%04x", (unsigned)cp);
		else
			strbuf_printf(sb, "\\U%08x", (unsigned)cp);
		p += size;
		len -= size;
	}
	strbuf_putc(sb, '"');
}

/* `KEY="VALUE"` as fmt.Sprintf("%s=%q") writes it, into l. */
static void
names_add_annotation(struct names *l, const char *key, const struct ksc_node *value)
{
	struct strbuf sb = { 0 };
	char *s = NULL;

	strbuf_puts(&sb, key);
	strbuf_putc(&sb, '=');
	put_go_quoted(&sb, shown(value));
	if (strbuf_finish(&sb, &s, NULL) < 0) {
		l->oom = true;
		return;
	}
	names_add(l, s);
	free(s);
}

/* ---------------------------------------------------------------------------------------- */
/* The checks                                                                                 */

/* What a check found: its ForbiddenReason (static) and ForbiddenDetail. */
struct verdict {
	const char *reason;
	struct strbuf detail;
};

/* A check: 0 allowed, 1 forbidden (*v filled), -ENOMEM. */
typedef int (*check_fn)(const struct pod_view *pod, struct verdict *v);

/* 1 after a forbidden verdict, unless a list ran out of memory. */
static int
forbidden(struct verdict *v, const char *reason, bool oom)
{
	v->reason = reason;
	return oom ? -ENOMEM : 1;
}

static int
check_privileged(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++)
		if (flag(container_sc(pod->containers[i]), "privileged", true, NULL))
			names_add(&bad, container_name(pod->containers[i]));
	if (bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	put_containers(&v->detail, &bad);
	strbuf_puts(&v->detail, " must not set securityContext.privileged=true");
	return forbidden(v, "privileged", bad.oom);
}

static int
check_host_namespaces(const struct pod_view *pod, struct verdict *v)
{
	static const char *const keys[] = { "hostNetwork", "hostPID", "hostIPC" };
	const char *sep = "";

	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (flag(pod->spec, keys[i], true, NULL)) {
			strbuf_printf(&v->detail, "%s%s=true", sep, keys[i]);
			sep = ", ";
		}
	if (!*sep)
		return 0;
	return forbidden(v, "host namespaces", false);
}

static int
check_host_path_volumes(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };
	const struct ksc_node *volumes = field(pod->spec, "volumes");

	for (size_t i = 0; i < n_items(volumes); i++) {
		bool wrong = false;
		const struct ksc_node *vol = item(volumes, i, true, &wrong);

		if (wrong || field(vol, "hostPath"))
			names_add(&bad, wrong ? "" : shown(field(vol, "name")));
	}
	if (bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	strbuf_printf(&v->detail, "%s ", plural(bad.n, "volume", "volumes"));
	put_quoted(&v->detail, &bad);
	return forbidden(v, "hostPath volumes", bad.oom);
}

/* The forbidden hostPorts of one container into ports (as strconv.Itoa writes them);
 * defaulted: a hostPort of 0 takes the containerPort. */
static bool
container_host_ports(const struct ksc_node *c, bool defaulted, struct names *ports)
{
	const struct ksc_node *list = field(c, "ports");
	bool found = false;

	for (size_t i = 0; i < n_items(list); i++) {
		bool wrong = false;
		const struct ksc_node *port = item(list, i, true, &wrong);
		const struct ksc_node *host_port = wrong ? port : field(port, "hostPort");
		char text[24];
		int64_t nr;

		if (!wrong && defaulted &&
		    (!host_port || (integer(host_port, 32, &nr) == 0 && nr == 0)))
			host_port = field(port, "containerPort");
		if (!host_port)
			continue; /* 0: none */
		if (!wrong && integer(host_port, 32, &nr) == 0) {
			if (nr == 0)
				continue;
			snprintf(text, sizeof(text), "%" PRId64, nr);
			names_add(ports, text);
		} else
			names_add(ports, shown(host_port));
		found = true;
	}
	return found;
}

static int
check_host_ports(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 }, ports = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++)
		if (container_host_ports(pod->containers[i], i < pod->n_host_port_defaulted,
		                         &ports))
			names_add(&bad, container_name(pod->containers[i]));
	if (bad.n == 0)
		return bad.oom || ports.oom ? -ENOMEM : 0;
	names_sort_unique(&ports);
	put_containers(&v->detail, &bad);
	strbuf_printf(&v->detail, " %s %s ", plural(bad.n, "uses", "use"),
	              plural(ports.n, "hostPort", "hostPorts"));
	put_joined(&v->detail, &ports, ", ");
	return forbidden(v, "hostPort", bad.oom || ports.oom);
}

/* The hosts a probe or lifecycle handler names (httpGet.host, tcpSocket.host, "" is none). */
static bool
handler_hosts(const struct ksc_node *handler, struct names *hosts)
{
	static const char *const actions[] = { "httpGet", "tcpSocket" };
	bool found = false;

	if (!handler)
		return false;
	if (!is_map(handler)) {
		names_add(hosts, shown(handler));
		return true;
	}
	for (size_t i = 0; i < ELEMENTSOF(actions); i++) {
		const struct ksc_node *action = field(handler, actions[i]);
		const struct ksc_node *host = is_map(action) ? field(action, "host") : action;

		if (str_set(host)) {
			names_add(hosts, shown(host));
			found = true;
		}
	}
	return found;
}

static bool
container_hosts(const struct ksc_node *c, struct names *hosts)
{
	static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
	static const char *const hooks[] = { "postStart", "preStop" };
	const struct ksc_node *lifecycle = field(c, "lifecycle");
	bool found = false;

	for (size_t i = 0; i < ELEMENTSOF(probes); i++)
		found |= handler_hosts(field(c, probes[i]), hosts);
	if (lifecycle && !is_map(lifecycle))
		found |= handler_hosts(lifecycle, hosts);
	for (size_t i = 0; is_map(lifecycle) && i < ELEMENTSOF(hooks); i++)
		found |= handler_hosts(field(lifecycle, hooks[i]), hosts);
	return found;
}

static int
check_host_probes(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 }, hosts = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++)
		if (container_hosts(pod->containers[i], &hosts))
			names_add(&bad, container_name(pod->containers[i]));
	if (bad.n == 0)
		return bad.oom || hosts.oom ? -ENOMEM : 0;
	/* both are sets here, the container names too */
	names_sort_unique(&bad);
	names_sort_unique(&hosts);
	put_containers(&v->detail, &bad);
	strbuf_printf(&v->detail, " %s %s ", plural(bad.n, "uses", "use"),
	              plural(hosts.n, "probe or lifecycle host", "probe or lifecycle hosts"));
	put_quoted(&v->detail, &hosts);
	return forbidden(v, "probe or lifecycle host", bad.oom || hosts.oom);
}

/* The capabilities a container may add at baseline: the runtime's default set. */
static const char *const default_caps[] = {
	"AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT",
};

/* capabilities.add entries outside allowed[0..n_allowed) into caps. */
static bool
added_caps(const struct ksc_node *caps, const char *const *allowed, size_t n_allowed,
           struct names *forbidden_caps)
{
	const struct ksc_node *add = field(caps, "add");
	bool found = false;

	for (size_t i = 0; i < n_items(add); i++) {
		bool wrong = false;
		const struct ksc_node *cap = item(add, i, false, &wrong);

		if (wrong || !str_in(cap, allowed, n_allowed)) {
			names_add(forbidden_caps, shown(cap));
			found = true;
		}
	}
	return found;
}

static int
check_caps_baseline(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 }, caps = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];

		if (added_caps(field(container_sc(c), "capabilities"), default_caps,
		               ELEMENTSOF(default_caps), &caps))
			names_add(&bad, container_name(c));
	}
	if (bad.n == 0)
		return bad.oom || caps.oom ? -ENOMEM : 0;
	names_sort_unique(&caps);
	put_containers(&v->detail, &bad);
	strbuf_puts(&v->detail, " must not include ");
	put_quoted(&v->detail, &caps);
	strbuf_puts(&v->detail, " in securityContext.capabilities.add");
	return forbidden(v, "non-default capabilities", bad.oom || caps.oom);
}

static bool
drops_all(const struct ksc_node *caps)
{
	const struct ksc_node *drop = field(caps, "drop");

	for (size_t i = 0; i < n_items(drop); i++) {
		bool wrong = false;
		const struct ksc_node *cap = item(drop, i, false, &wrong);

		if (!wrong && str_is(cap, "ALL"))
			return true;
	}
	return false;
}

static int
check_caps_restricted(const struct pod_view *pod, struct verdict *v)
{
	static const char *const may_add[] = { "NET_BIND_SERVICE" };
	_cleanup_(names_done) struct names missing = { 0 }, adding = { 0 }, caps = { 0 };
	bool oom;

	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];
		const struct ksc_node *cc = field(container_sc(c), "capabilities");

		if (!drops_all(cc))
			names_add(&missing, container_name(c));
		if (added_caps(cc, may_add, ELEMENTSOF(may_add), &caps))
			names_add(&adding, container_name(c));
	}
	oom = missing.oom || adding.oom || caps.oom;
	if (missing.n == 0 && adding.n == 0)
		return oom ? -ENOMEM : 0;
	if (missing.n) {
		put_containers(&v->detail, &missing);
		strbuf_puts(&v->detail, " must set securityContext.capabilities.drop=[\"ALL\"]");
	}
	if (adding.n) {
		names_sort_unique(&caps);
		strbuf_puts(&v->detail, missing.n ? "; " : "");
		put_containers(&v->detail, &adding);
		strbuf_puts(&v->detail, " must not include ");
		put_quoted(&v->detail, &caps);
		strbuf_puts(&v->detail, " in securityContext.capabilities.add");
	}
	return forbidden(v, "unrestricted capabilities", oom);
}

static int
check_caps_restricted_1_25(const struct pod_view *pod, struct verdict *v)
{
	/* from 1.25 a pod that says it runs on Windows is exempt (the API refuses the field
	 * there) */
	return pod->windows ? 0 : check_caps_restricted(pod, v);
}

static int
check_ape(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];
		bool set = false;
		bool allowed = flag(container_sc(c), "allowPrivilegeEscalation", true, &set);

		if (!set || allowed)
			names_add(&bad, container_name(c));
	}
	if (bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	put_containers(&v->detail, &bad);
	strbuf_puts(&v->detail, " must set securityContext.allowPrivilegeEscalation=false");
	return forbidden(v, "allowPrivilegeEscalation != false", bad.oom);
}

static int
check_ape_1_25(const struct pod_view *pod, struct verdict *v)
{
	return pod->windows ? 0 : check_ape(pod, v);
}

/* An appArmorProfile or seccompProfile object whose type is one of the two allowed; else its
 * type (or, for a value that is not an object, the value) goes into values. */
static bool
profile_type_ok(const struct ksc_node *profile, struct names *values)
{
	const struct ksc_node *type = is_map(profile) ? field(profile, "type") : profile;

	if (str_is(type, "RuntimeDefault") || str_is(type, "Localhost"))
		return true;
	names_add(values, shown(type));
	return false;
}

static bool
apparmor_annotation_ok(const struct ksc_node *value)
{
	return is_string(value) &&
	       (value->len == 0 || streq_n(value->text, value->len, "runtime/default") ||
	        startswith_n(value->text, value->len, "localhost/"));
}

static int
check_apparmor(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 }, values = { 0 }, annotations = { 0 };
	const struct ksc_node *ann = pod->annotations, *profile;
	bool pod_bad = false, oom;

	profile = field(pod->sc, "appArmorProfile");
	if (profile && !profile_type_ok(profile, &values))
		pod_bad = true;
	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];

		profile = field(container_sc(c), "appArmorProfile");
		if (profile && !profile_type_ok(profile, &values))
			names_add(&bad, container_name(c));
	}
	for (size_t i = 0; is_map(ann) && i < ann->count; i++) {
		const char *key = ann->keys[i]->text;

		if (startswith(key, ANNOTATION_APPARMOR) && !apparmor_annotation_ok(ann->items[i]))
			names_add_annotation(&annotations, key, ann->items[i]);
	}
	oom = bad.oom || values.oom || annotations.oom;
	if (!pod_bad && bad.n == 0 && annotations.n == 0)
		return oom ? -ENOMEM : 0;
	names_sort_unique(&values);
	names_sort_unique(&annotations);
	put_setters(&v->detail, pod_bad, &bad,
	            annotations.n ? plural(annotations.n, "annotation", "annotations") : NULL);
	strbuf_puts(&v->detail, " must not set AppArmor profile type to ");
	put_quoted(&v->detail, &values);
	strbuf_puts(&v->detail, values.n && annotations.n ? ", " : "");
	put_quoted(&v->detail, &annotations);
	return forbidden(v,
	                 plural(values.n + annotations.n, "forbidden AppArmor profile",
	                        "forbidden AppArmor profiles"),
	                 oom);
}

static int
procmount(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 }, values = { 0 };

	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];
		const struct ksc_node *pm = field(container_sc(c), "procMount");

		if (pm && !str_is(pm, "Default")) {
			names_add(&bad, container_name(c));
			names_add(&values, shown(pm));
		}
	}
	if (bad.n == 0)
		return bad.oom || values.oom ? -ENOMEM : 0;
	names_sort_unique(&values);
	put_containers(&v->detail, &bad);
	strbuf_puts(&v->detail, " must not set securityContext.procMount to ");
	put_quoted(&v->detail, &values);
	return forbidden(v, "procMount", bad.oom || values.oom);
}

static int
procmount_1_35(const struct pod_view *pod, struct verdict *v)
{
	/* from 1.35 baseline allows any procMount in a user namespace */
	return pod->userns ? 0 : procmount(pod, v);
}

static int
check_restricted_volumes(const struct pod_view *pod, struct verdict *v)
{
	static const char *const allowed[] = {
		"configMap", "csi",   "downwardAPI",           "emptyDir",
		"ephemeral", "image", "persistentVolumeClaim", "projected",
		"secret",
	};
	/* in the order the library names a volume's type when it has several */
	static const char *const restricted[] = {
		"hostPath",
		"gcePersistentDisk",
		"awsElasticBlockStore",
		"gitRepo",
		"nfs",
		"iscsi",
		"glusterfs",
		"rbd",
		"flexVolume",
		"cinder",
		"cephfs",
		"flocker",
		"fc",
		"azureFile",
		"vsphereVolume",
		"quobyte",
		"azureDisk",
		"photonPersistentDisk",
		"portworxVolume",
		"scaleIO",
		"storageos",
	};
	_cleanup_(names_done) struct names bad = { 0 }, types = { 0 };
	const struct ksc_node *volumes = field(pod->spec, "volumes");

	for (size_t i = 0; i < n_items(volumes); i++) {
		bool wrong = false, ok = false, any = false;
		const struct ksc_node *vol = item(volumes, i, true, &wrong);
		const char *type = "unknown";

		/* an allowed source counts only as an object: another type would not decode */
		for (size_t k = 0; !wrong && !ok && k < ELEMENTSOF(allowed); k++)
			ok = is_map(field(vol, allowed[k]));
		for (size_t k = 0; !wrong && !any && k < ELEMENTSOF(allowed); k++)
			any = field(vol, allowed[k]) != NULL;
		for (size_t k = 0; !wrong && !any && k < ELEMENTSOF(restricted); k++)
			any = field(vol, restricted[k]) != NULL;
		/* a volume without any source is an emptyDir once the API server has defaulted
		 * it (SetDefaults_Volume), which admission sees */
		if (ok || (!wrong && !any))
			continue;
		for (size_t k = 0; !wrong && k < ELEMENTSOF(restricted); k++)
			if (field(vol, restricted[k])) {
				type = restricted[k];
				break;
			}
		names_add(&bad, wrong ? "" : shown(field(vol, "name")));
		names_add(&types, type);
	}
	if (bad.n == 0)
		return bad.oom || types.oom ? -ENOMEM : 0;
	names_sort_unique(&types);
	strbuf_printf(&v->detail, "%s ", plural(bad.n, "volume", "volumes"));
	put_quoted(&v->detail, &bad);
	strbuf_printf(&v->detail, " %s %s ", plural(bad.n, "uses", "use"),
	              plural(types.n, "restricted volume type", "restricted volume types"));
	put_quoted(&v->detail, &types);
	return forbidden(v, "restricted volume types", bad.oom || types.oom);
}

static int
check_run_as_non_root(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names explicit = { 0 }, implicit = { 0 };
	bool set = false, pod_value, oom;

	/* a value that is not a boolean counts as false */
	pod_value = flag(pod->sc, "runAsNonRoot", false, &set);
	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];
		bool c_set = false;
		bool value = flag(container_sc(c), "runAsNonRoot", false, &c_set);

		if (c_set && !value)
			names_add(&explicit, container_name(c));
		else if (!c_set && !(set && pod_value))
			names_add(&implicit, container_name(c));
	}
	oom = explicit.oom || implicit.oom;
	if ((set && !pod_value) || explicit.n) {
		put_setters(&v->detail, set && !pod_value, &explicit, NULL);
		strbuf_puts(&v->detail, " must not set securityContext.runAsNonRoot=false");
		return forbidden(v, "runAsNonRoot != true", oom);
	}
	if (implicit.n == 0)
		return oom ? -ENOMEM : 0;
	strbuf_puts(&v->detail, "pod or ");
	put_containers(&v->detail, &implicit);
	strbuf_puts(&v->detail, " must set securityContext.runAsNonRoot=true");
	return forbidden(v, "runAsNonRoot != true", oom);
}

static int
check_run_as_non_root_1_35(const struct pod_view *pod, struct verdict *v)
{
	/* from 1.35 a pod in a user namespace may run as root (KEP-127) */
	return pod->userns ? 0 : check_run_as_non_root(pod, v);
}

/* runAsUser is 0; a value that is not an int64 counts as 0 */
static bool
runs_as_root(const struct ksc_node *sc)
{
	const struct ksc_node *n = field(sc, "runAsUser");
	int64_t uid;

	if (!n)
		return false;
	return integer(n, 64, &uid) < 0 || uid == 0;
}

static int
check_run_as_user(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };
	bool pod_bad = runs_as_root(pod->sc);

	for (size_t i = 0; i < pod->n_containers; i++)
		if (runs_as_root(container_sc(pod->containers[i])))
			names_add(&bad, container_name(pod->containers[i]));
	if (!pod_bad && bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	put_setters(&v->detail, pod_bad, &bad, NULL);
	strbuf_puts(&v->detail, " must not set runAsUser=0");
	return forbidden(v, "runAsUser=0", bad.oom);
}

static int
check_run_as_user_1_35(const struct pod_view *pod, struct verdict *v)
{
	return pod->userns ? 0 : check_run_as_user(pod, v);
}

/* The SELinux types a pod may ask for: up to 1.30 the first four, from 1.31 all five. */
static const char *const selinux_types[] = {
	"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t",
};

/* Whether seLinuxOptions are allowed; what is wrong goes into types, *user and *role. An
 * seLinuxOptions that is not an object counts as a forbidden type. */
static bool
selinux_ok(const struct ksc_node *opts, size_t n_types, struct names *types, bool *user, bool *role)
{
	const struct ksc_node *type = is_map(opts) ? field(opts, "type") : opts;
	bool ok = true;

	if (type && !str_in(type, selinux_types, n_types)) {
		names_add(types, shown(type));
		ok = false;
	}
	if (is_map(opts) && str_set(field(opts, "user"))) {
		*user = true;
		ok = false;
	}
	if (is_map(opts) && str_set(field(opts, "role"))) {
		*role = true;
		ok = false;
	}
	return ok;
}

static int
selinux(const struct pod_view *pod, struct verdict *v, size_t n_types)
{
	_cleanup_(names_done) struct names bad = { 0 }, types = { 0 };
	const struct ksc_node *opts = field(pod->sc, "seLinuxOptions");
	bool user = false, role = false, pod_bad, oom;
	const char *sep = ": ";

	pod_bad = opts && !selinux_ok(opts, n_types, &types, &user, &role);
	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];

		opts = field(container_sc(c), "seLinuxOptions");
		if (opts && !selinux_ok(opts, n_types, &types, &user, &role))
			names_add(&bad, container_name(c));
	}
	oom = bad.oom || types.oom;
	if (!pod_bad && bad.n == 0)
		return oom ? -ENOMEM : 0;
	names_sort_unique(&types);
	put_setters(&v->detail, pod_bad, &bad, NULL);
	strbuf_puts(&v->detail, " set forbidden securityContext.seLinuxOptions");
	if (types.n) {
		strbuf_printf(&v->detail, "%s%s ", sep, plural(types.n, "type", "types"));
		put_quoted(&v->detail, &types);
		sep = "; ";
	}
	if (user) {
		strbuf_printf(&v->detail, "%suser may not be set", sep);
		sep = "; ";
	}
	if (role)
		strbuf_printf(&v->detail, "%srole may not be set", sep);
	return forbidden(v, "seLinuxOptions", oom);
}

static int
check_selinux_1_0(const struct pod_view *pod, struct verdict *v)
{
	return selinux(pod, v, 4);
}

static int
check_selinux_1_31(const struct pod_view *pod, struct verdict *v)
{
	return selinux(pod, v, 5);
}

static bool
seccomp_annotation_ok(const struct ksc_node *value)
{
	return str_is(value, "runtime/default") || str_is(value, "docker/default") ||
	       (is_string(value) && startswith_n(value->text, value->len, "localhost/"));
}

/* Before 1.19: the alpha annotations, the pod's and those of the pod's containers (by name;
 * an annotation for a container the pod does not have is not looked at). */
static int
check_seccomp_annotations(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };
	const struct ksc_node *value = ksc_node_get(pod->annotations, ANNOTATION_SECCOMP_POD);

	if (value && !seccomp_annotation_ok(value))
		names_add_annotation(&bad, ANNOTATION_SECCOMP_POD, value);
	for (size_t i = 0; pod->annotations && i < pod->n_containers; i++) {
		struct strbuf key = { 0 };
		char *k = NULL;

		strbuf_printf(&key, ANNOTATION_SECCOMP_CONTAINER "%s",
		              container_name(pod->containers[i]));
		if (strbuf_finish(&key, &k, NULL) < 0)
			return -ENOMEM;
		value = ksc_node_get(pod->annotations, k);
		if (value && !seccomp_annotation_ok(value))
			names_add_annotation(&bad, k, value);
		free(k);
	}
	if (bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	names_sort_unique(&bad);
	strbuf_printf(&v->detail, "forbidden %s ", plural(bad.n, "annotation", "annotations"));
	put_joined(&v->detail, &bad, ", ");
	return forbidden(v, "seccompProfile", bad.oom);
}

/* From 1.19: securityContext.seccompProfile; restricted also wants it set everywhere. */
static int
seccomp_fields(const struct pod_view *pod, struct verdict *v, bool restricted)
{
	_cleanup_(names_done) struct names explicit = { 0 }, implicit = { 0 }, values = { 0 };
	const struct ksc_node *profile = field(pod->sc, "seccompProfile");
	bool pod_bad = profile && !profile_type_ok(profile, &values);
	bool pod_ok = profile && !pod_bad;
	bool oom;

	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct ksc_node *c = pod->containers[i];

		profile = field(container_sc(c), "seccompProfile");
		if (profile && !profile_type_ok(profile, &values))
			names_add(&explicit, container_name(c));
		else if (!profile && !pod_ok)
			names_add(&implicit, container_name(c));
	}
	oom = explicit.oom || implicit.oom || values.oom;
	if (pod_bad || explicit.n) {
		names_sort_unique(&values);
		put_setters(&v->detail, pod_bad, &explicit, NULL);
		strbuf_puts(&v->detail, " must not set securityContext.seccompProfile.type to ");
		put_quoted(&v->detail, &values);
		return forbidden(v, "seccompProfile", oom);
	}
	if (!restricted || implicit.n == 0)
		return oom ? -ENOMEM : 0;
	strbuf_puts(&v->detail, "pod or ");
	put_containers(&v->detail, &implicit);
	strbuf_puts(&v->detail, " must set securityContext.seccompProfile.type to "
	                        "\"RuntimeDefault\" or \"Localhost\"");
	return forbidden(v, "seccompProfile", oom);
}

static int
check_seccomp_baseline(const struct pod_view *pod, struct verdict *v)
{
	return seccomp_fields(pod, v, false);
}

static int
check_seccomp_restricted(const struct pod_view *pod, struct verdict *v)
{
	return seccomp_fields(pod, v, true);
}

static int
check_seccomp_restricted_1_25(const struct pod_view *pod, struct verdict *v)
{
	return pod->windows ? 0 : seccomp_fields(pod, v, true);
}

/* The safe sysctls in the order versions added them: 1.0 the first five, 1.27 six, 1.29 ten,
 * 1.32 twelve, 1.37 all. */
static const char *const safe_sysctls[] = {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_notsent_lowat",
};

static int
sysctls(const struct pod_view *pod, struct verdict *v, size_t n_safe)
{
	_cleanup_(names_done) struct names bad = { 0 };
	const struct ksc_node *list = field(pod->sc, "sysctls");

	/* in the pod's order, repeats kept */
	for (size_t i = 0; i < n_items(list); i++) {
		bool wrong = false;
		const struct ksc_node *sysctl = item(list, i, true, &wrong);
		const struct ksc_node *name = wrong ? sysctl : field(sysctl, "name");

		if (wrong || !str_in(name, safe_sysctls, n_safe))
			names_add(&bad, shown(name));
	}
	if (bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	put_joined(&v->detail, &bad, ", ");
	return forbidden(v, "forbidden sysctls", bad.oom);
}

static int
check_sysctls_1_0(const struct pod_view *pod, struct verdict *v)
{
	return sysctls(pod, v, 5);
}

static int
check_sysctls_1_27(const struct pod_view *pod, struct verdict *v)
{
	return sysctls(pod, v, 6);
}

static int
check_sysctls_1_29(const struct pod_view *pod, struct verdict *v)
{
	return sysctls(pod, v, 10);
}

static int
check_sysctls_1_32(const struct pod_view *pod, struct verdict *v)
{
	return sysctls(pod, v, 12);
}

static int
check_sysctls_1_37(const struct pod_view *pod, struct verdict *v)
{
	return sysctls(pod, v, ELEMENTSOF(safe_sysctls));
}

/* windowsOptions.hostProcess is true (windowsOptions of another type counts as true) */
static bool
host_process(const struct ksc_node *sc)
{
	const struct ksc_node *opts = field(sc, "windowsOptions");

	if (!opts)
		return false;
	return !is_map(opts) || flag(opts, "hostProcess", true, NULL);
}

static int
check_host_process(const struct pod_view *pod, struct verdict *v)
{
	_cleanup_(names_done) struct names bad = { 0 };
	bool pod_bad = host_process(pod->sc);

	for (size_t i = 0; i < pod->n_containers; i++)
		if (host_process(container_sc(pod->containers[i])))
			names_add(&bad, container_name(pod->containers[i]));
	if (!pod_bad && bad.n == 0)
		return bad.oom ? -ENOMEM : 0;
	put_setters(&v->detail, pod_bad, &bad, NULL);
	strbuf_puts(&v->detail, " must not set securityContext.windowsOptions.hostProcess=true");
	return forbidden(v, "hostProcess", bad.oom);
}

/* ---------------------------------------------------------------------------------------- */
/* The registry                                                                               */

struct variant {
	unsigned since; /* the first policy version (minor) it applies to */
	check_fn fn;
	const char *overrides; /* the baseline check it replaces at restricted, or NULL */
};

struct check {
	const char *id;
	enum kube_psa_level level;
	struct variant variants[5]; /* by `since`, ascending; unused ones have fn NULL */
};

/* policy/check_*.go: every default check with its versions (the library's experimental
 * checks, which have no version, are not part of any policy). */
static const struct check checks[] = {
	{ "allowPrivilegeEscalation",
	  KUBE_PSA_RESTRICTED,
	  { { 8, check_ape, NULL }, { 25, check_ape_1_25, NULL } } },
	{ "appArmorProfile", KUBE_PSA_BASELINE, { { 0, check_apparmor, NULL } } },
	{ "capabilities_baseline", KUBE_PSA_BASELINE, { { 0, check_caps_baseline, NULL } } },
	{ "capabilities_restricted",
	  KUBE_PSA_RESTRICTED,
	  { { 22, check_caps_restricted, "capabilities_baseline" },
	    { 25, check_caps_restricted_1_25, "capabilities_baseline" } } },
	{ "hostNamespaces", KUBE_PSA_BASELINE, { { 0, check_host_namespaces, NULL } } },
	{ "hostPathVolumes", KUBE_PSA_BASELINE, { { 0, check_host_path_volumes, NULL } } },
	{ "hostPorts", KUBE_PSA_BASELINE, { { 0, check_host_ports, NULL } } },
	{ "hostProbesAndHostLifecycle", KUBE_PSA_BASELINE, { { 34, check_host_probes, NULL } } },
	{ "privileged", KUBE_PSA_BASELINE, { { 0, check_privileged, NULL } } },
	{ "procMount",
	  KUBE_PSA_BASELINE,
	  { { 0, procmount, NULL }, { 35, procmount_1_35, NULL } } },
	/* from 1.35 restricted keeps the unconditional procMount check */
	{ "procMount_restricted", KUBE_PSA_RESTRICTED, { { 35, procmount, "procMount" } } },
	{ "restrictedVolumes",
	  KUBE_PSA_RESTRICTED,
	  { { 0, check_restricted_volumes, "hostPathVolumes" } } },
	{ "runAsNonRoot",
	  KUBE_PSA_RESTRICTED,
	  { { 0, check_run_as_non_root, NULL }, { 35, check_run_as_non_root_1_35, NULL } } },
	{ "runAsUser",
	  KUBE_PSA_RESTRICTED,
	  { { 23, check_run_as_user, NULL }, { 35, check_run_as_user_1_35, NULL } } },
	{ "seLinuxOptions",
	  KUBE_PSA_BASELINE,
	  { { 0, check_selinux_1_0, NULL }, { 31, check_selinux_1_31, NULL } } },
	{ "seccompProfile_baseline",
	  KUBE_PSA_BASELINE,
	  { { 0, check_seccomp_annotations, NULL }, { 19, check_seccomp_baseline, NULL } } },
	{ "seccompProfile_restricted",
	  KUBE_PSA_RESTRICTED,
	  { { 19, check_seccomp_restricted, "seccompProfile_baseline" },
	    { 25, check_seccomp_restricted_1_25, "seccompProfile_baseline" } } },
	{ "sysctls",
	  KUBE_PSA_BASELINE,
	  { { 0, check_sysctls_1_0, NULL },
	    { 27, check_sysctls_1_27, NULL },
	    { 29, check_sysctls_1_29, NULL },
	    { 32, check_sysctls_1_32, NULL },
	    { 37, check_sysctls_1_37, NULL } } },
	{ "windowsHostProcess", KUBE_PSA_BASELINE, { { 0, check_host_process, NULL } } },
};

unsigned
kube_psa_latest_minor(void)
{
	unsigned latest = 0;

	for (size_t i = 0; i < ELEMENTSOF(checks); i++)
		for (size_t k = 0; k < ELEMENTSOF(checks[i].variants) && checks[i].variants[k].fn;
		     k++)
			latest = MAX(latest, checks[i].variants[k].since);
	return latest;
}

/* The variant in force at minor, NULL before the check's first version. */
static const struct variant *
variant_at(const struct check *c, unsigned minor)
{
	const struct variant *found = NULL;

	for (size_t k = 0; k < ELEMENTSOF(c->variants) && c->variants[k].fn; k++)
		if (c->variants[k].since <= minor)
			found = &c->variants[k];
	return found;
}

/* One check to run: which, and in which variant. */
struct planned {
	const struct check *check;
	const struct variant *variant;
};

/* Baseline before restricted, then by ID in Go's string order. */
static int
planned_cmp(const void *a, const void *b)
{
	const struct planned *x = a, *y = b;

	if (x->check->level != y->check->level)
		return x->check->level < y->check->level ? -1 : 1;
	return strcmp(x->check->id, y->check->id);
}

static bool
overridden(const struct check *c, unsigned minor)
{
	for (size_t i = 0; i < ELEMENTSOF(checks); i++) {
		const struct variant *v = checks[i].level == KUBE_PSA_RESTRICTED
		                                  ? variant_at(&checks[i], minor)
		                                  : NULL;

		if (v && v->overrides && streq(v->overrides, c->id))
			return true;
	}
	return false;
}

/* The checks of a level and version, in the library's order; returns how many. */
static size_t
plan(enum kube_psa_level level, unsigned minor, struct planned *ret)
{
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(checks); i++) {
		const struct check *c = &checks[i];
		const struct variant *v = variant_at(c, minor);

		if (!v || c->level > level)
			continue;
		if (level == KUBE_PSA_RESTRICTED && c->level == KUBE_PSA_BASELINE &&
		    overridden(c, minor))
			continue;
		ret[n++] = (struct planned){ c, v };
	}
	qsort(ret, n, sizeof(*ret), planned_cmp);
	return n;
}

void
kube_psa_result_done(struct kube_psa_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].detail);
	free(r->v);
	*r = (struct kube_psa_result){ 0 };
}

static void
view_done(struct pod_view *view)
{
	free(view->containers);
}

int
kube_psa_evaluate(const struct kube_pod *pod, enum kube_psa_level level, unsigned minor,
                  struct kube_psa_result *ret)
{
	_cleanup_(view_done) struct pod_view view = { 0 };
	_cleanup_(kube_psa_result_done) struct kube_psa_result result = { 0 };
	struct planned planned[ELEMENTSOF(checks)];
	size_t n;
	int r;

	if (level != KUBE_PSA_BASELINE && level != KUBE_PSA_RESTRICTED)
		return -EINVAL;
	r = pod_view_init(pod, &view);
	if (r < 0)
		return r;
	n = plan(level, minor, planned);
	result.v = calloc(n + 1, sizeof(*result.v));
	if (!result.v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct verdict verdict = { 0 };
		char *detail = NULL;

		r = planned[i].variant->fn(&view, &verdict);
		if (r > 0)
			r = strbuf_finish(&verdict.detail, &detail, NULL);
		strbuf_done(&verdict.detail);
		if (r < 0)
			return r;
		if (detail)
			result.v[result.n++] = (struct kube_psa_violation){
				.check = planned[i].check->id,
				.reason = verdict.reason,
				.detail = detail,
			};
	}
	result.allowed = result.n == 0;
	*ret = result;
	result = (struct kube_psa_result){ 0 };
	return 0;
}

char *
kube_psa_message(const struct kube_psa_result *r)
{
	struct strbuf sb = { 0 };
	char *text = NULL;

	for (size_t i = 0; i < r->n; i++) {
		strbuf_puts(&sb, i ? ", " : "");
		strbuf_puts(&sb, r->v[i].reason);
		if (*r->v[i].detail)
			strbuf_printf(&sb, " (%s)", r->v[i].detail);
	}
	if (strbuf_finish(&sb, &text, NULL) < 0)
		return NULL;
	return text;
}
