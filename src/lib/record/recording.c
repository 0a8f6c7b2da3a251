/* SPDX-License-Identifier: Apache-2.0 */
/* What a recorder saw, and the least-privilege profile it makes. */
#include <inttypes.h>
#include <stdio.h>

#include "coverage.h"
#include "error.h"
#include "recording.h"
#include "strbuf.h"

/* The namespace bits of clone's flags that RuntimeDefault allows only with CAP_SYS_ADMIN:
 * CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
#define CLONE_NAMESPACE_BITS UINT64_C(0x7E020000)

static const struct {
	const char *name;
	int arg;
} refined[] = {
	{ "socket", 0 },      /* the address family: AF_VSOCK is what RuntimeDefault denies */
	{ "personality", 0 }, /* the persona */
	{ "clone", 0 },       /* the flags: namespace bits or not */
};

int
recording_refined_arg(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(refined); i++)
		if (streq(name, refined[i].name))
			return refined[i].arg;
	return -1;
}

static uint32_t
slot_hash(enum ksc_arch arch, uint32_t nr)
{
	uint32_t h = (uint32_t)arch * 0x9e3779b1u ^ nr * 0x85ebca6bu;

	return h ^ (h >> 15);
}

static int
find(const struct recording *rec, enum ksc_arch arch, uint32_t nr, size_t *ret_slot)
{
	size_t mask = rec->n_slots - 1, k;

	if (!rec->n_slots)
		return -1;
	for (k = slot_hash(arch, nr) & mask; rec->slots[k]; k = (k + 1) & mask) {
		size_t i = rec->slots[k] - 1;

		if (rec->seen[i].arch == arch && rec->seen[i].nr == nr)
			return (int)i;
	}
	if (ret_slot)
		*ret_slot = k;
	return -1;
}

static int
grow_slots(struct recording *rec)
{
	size_t n = rec->n_slots ? rec->n_slots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	free(rec->slots);
	rec->slots = slots;
	rec->n_slots = n;
	for (size_t i = 0; i < rec->n_seen; i++) {
		size_t k = slot_hash(rec->seen[i].arch, rec->seen[i].nr) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = (uint32_t)i + 1;
	}
	return 0;
}

bool
recording_has(const struct recording *rec, enum ksc_arch arch, uint32_t nr)
{
	return find(rec, arch, nr, NULL) >= 0;
}

/* The argument values noted for (arch, nr), added empty when there are none; NULL when out
 * of memory (rec->oom set). */
static struct recording_args *
args_of(struct recording *rec, enum ksc_arch arch, uint32_t nr)
{
	struct recording_args *a = NULL;

	for (size_t i = 0; i < rec->n_args && !a; i++)
		if (rec->args[i].arch == arch && rec->args[i].nr == nr)
			a = &rec->args[i];
	if (!a) {
		if (rec->n_args == rec->cap_args) {
			size_t cap = rec->cap_args ? rec->cap_args * 2 : 8;
			struct recording_args *grown = reallocarray(rec->args, cap, sizeof(*grown));

			if (!grown) {
				rec->oom = true;
				return NULL;
			}
			rec->args = grown;
			rec->cap_args = cap;
		}
		a = &rec->args[rec->n_args++];
		*a = (struct recording_args){ .arch = arch, .nr = nr };
	}
	return a;
}

static void
add_value(struct recording *rec, enum ksc_arch arch, uint32_t nr, uint64_t value)
{
	struct recording_args *a = args_of(rec, arch, nr);

	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->values[i] == value)
			return;
	if (a->n == RECORDING_MAX_VALUES)
		a->overflow = true;
	else
		a->values[a->n++] = value;
}

void
recording_add(struct recording *rec, enum ksc_arch arch, uint32_t nr, const uint64_t *args)
{
	size_t slot = 0;

	if (args) {
		const char *name = ksc_syscall_name(arch, nr);
		int arg = name ? recording_refined_arg(name) : -1;

		if (arg >= 0)
			add_value(rec, arch, nr, args[arg]);
	}
	if (find(rec, arch, nr, &slot) >= 0)
		return;
	if (rec->n_seen == rec->cap_seen) {
		size_t cap = rec->cap_seen ? rec->cap_seen * 2 : 256;
		void *grown = reallocarray(rec->seen, cap, sizeof(*rec->seen));

		if (!grown) {
			rec->oom = true;
			return;
		}
		rec->seen = grown;
		rec->cap_seen = cap;
	}
	rec->seen[rec->n_seen].arch = arch;
	rec->seen[rec->n_seen].nr = nr;
	rec->n_seen++;
	if (rec->n_seen * 2 > rec->n_slots) {
		if (grow_slots(rec) < 0)
			rec->oom = true;
	} else
		rec->slots[slot] = (uint32_t)rec->n_seen;
}

void
recording_done(struct recording *rec)
{
	for (size_t i = 0; i < rec->n_sessions; i++) {
		for (size_t a = 0; rec->sessions[i].argv[a]; a++)
			free(rec->sessions[i].argv[a]);
		recording_done(&rec->sessions[i].calls);
	}
	free(rec->sessions);
	free(rec->seen);
	free(rec->args);
	free(rec->slots);
	*rec = (struct recording){ 0 };
}

struct recording *
recording_find_session(struct recording *rec, uint64_t key)
{
	for (size_t i = 0; i < rec->n_sessions; i++)
		if (rec->sessions[i].key == key)
			return &rec->sessions[i].calls;
	return NULL;
}

struct recording *
recording_session(struct recording *rec, uint64_t key, const char *const *argv)
{
	struct recording_session *s, *grown;
	struct recording *known = recording_find_session(rec, key);

	if (known)
		return known;
	grown = reallocarray(rec->sessions, rec->n_sessions + 1, sizeof(*grown));
	if (!grown) {
		rec->oom = true;
		return NULL;
	}
	rec->sessions = grown;
	s = &rec->sessions[rec->n_sessions++];
	*s = (struct recording_session){ .key = key };
	for (size_t a = 0; argv && argv[a] && a < RECORDING_COMMAND_ARGS; a++)
		if (!(s->argv[a] = strdup(argv[a]))) {
			rec->oom = true;
			break;
		}
	return &s->calls;
}

void
recording_include(struct recording *rec, const struct recording *from)
{
	for (size_t i = 0; i < from->n_args; i++) {
		const struct recording_args *a = &from->args[i];
		/* the entry exists from here on: add_value() finds it and moves nothing */
		struct recording_args *to = args_of(rec, a->arch, a->nr);

		if (!to)
			continue;
		for (size_t v = 0; v < a->n; v++)
			add_value(rec, a->arch, a->nr, a->values[v]);
		to->overflow |= a->overflow;
	}
	for (size_t i = 0; i < from->n_seen; i++)
		recording_add(rec, from->seen[i].arch, from->seen[i].nr, NULL);
	rec->oom |= from->oom;
}

int
recording_coverage(const struct recording *const *recs, size_t n, struct ksc_coverage **ret,
                   size_t *ret_n)
{
	struct coverage_builder b = { .n_inputs = n };

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < recs[i]->n_seen; k++) {
			const char *name =
			        ksc_syscall_name(recs[i]->seen[k].arch, recs[i]->seen[k].nr);

			if (name)
				coverage_note(&b, name, i);
		}
	return coverage_finish(&b, ret, ret_n);
}

/* The values seen for name on every arch; false when one arch overflowed or recorded the
 * call without its arguments (then the rule stays unconditional). */
static bool
union_values(const struct recording *rec, const char *name, uint64_t *values, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < rec->n_seen; i++) {
		const char *seen = ksc_syscall_name(rec->seen[i].arch, rec->seen[i].nr);
		const struct recording_args *a = NULL;

		if (!seen || !streq(seen, name))
			continue;
		for (size_t k = 0; k < rec->n_args && !a; k++)
			if (rec->args[k].arch == rec->seen[i].arch &&
			    rec->args[k].nr == rec->seen[i].nr)
				a = &rec->args[k];
		/* s390's clone takes the flags second: not refined there */
		if (!a || a->overflow ||
		    (streq(name, "clone") &&
		     (rec->seen[i].arch == KSC_ARCH_S390 || rec->seen[i].arch == KSC_ARCH_S390X)))
			return false;
		for (size_t v = 0; v < a->n; v++) {
			bool dup = false;

			for (size_t k = 0; k < *n && !dup; k++)
				dup = values[k] == a->values[v];
			if (!dup && *n < RECORDING_MAX_VALUES * 4)
				values[(*n)++] = a->values[v];
		}
	}
	return *n > 0;
}

int
recording_profile(const struct recording *rec, bool refine, struct ksc_profile **ret,
                  size_t *ret_n_names, struct ksc_diags *diags, struct ksc_error **reterr)
{
	enum ksc_arch arches[_KSC_ARCH_MAX];
	_cleanup_(freep) const char **names = calloc(rec->n_seen + 2, sizeof(*names));
	_cleanup_(freep) char *text = NULL;
	struct strbuf sb = { 0 };
	size_t n_arches = 0, n_names = 0, len = 0;
	bool first_rule = true;
	int r;

	if (!names || rec->oom)
		return -ENOMEM;
	/* an argument value the recorder could not note may be any: no rule is conditional */
	if (rec->lost_args)
		refine = false;
	arches[n_arches++] = ksc_arch_native();
	for (size_t i = 0; i < rec->n_seen; i++) {
		const char *name = ksc_syscall_name(rec->seen[i].arch, rec->seen[i].nr);
		bool dup = false;

		for (size_t k = 0; k < n_arches && !dup; k++)
			dup = arches[k] == rec->seen[i].arch;
		if (!dup && n_arches < ELEMENTSOF(arches))
			arches[n_arches++] = rec->seen[i].arch;
		if (!name) {
			r = ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
			                   "%s syscall %" PRIu32
			                   " has no name: left out of the profile",
			                   ksc_arch_name(rec->seen[i].arch), rec->seen[i].nr);
			if (r < 0)
				return r;
			continue;
		}
		dup = false;
		for (size_t k = 0; k < n_names && !dup; k++)
			dup = streq(names[k], name);
		if (!dup)
			names[n_names++] = name;
	}
	{
		bool have_execve = false;

		for (size_t k = 0; k < n_names && !have_execve; k++)
			have_execve = streq(names[k], "execve");
		if (!have_execve)
			names[n_names++] = "execve";
	}
	qsort(names, n_names, sizeof(*names), strp_cmp);

	strbuf_puts(&sb, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [");
	for (size_t i = 0; i < n_arches; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", ksc_arch_oci_name(arches[i]));
	strbuf_puts(&sb, "], \"syscalls\": [{\"names\": [");
	for (size_t i = 0; i < n_names; i++) {
		uint64_t values[RECORDING_MAX_VALUES * 4];
		size_t n;

		if (refine && recording_refined_arg(names[i]) >= 0 &&
		    union_values(rec, names[i], values, &n))
			continue; /* conditional rules below */
		strbuf_printf(&sb, "%s\"%s\"", first_rule ? "" : ", ", names[i]);
		first_rule = false;
	}
	strbuf_puts(&sb, "], \"action\": \"SCMP_ACT_ALLOW\"}");
	for (size_t i = 0; refine && i < n_names; i++) {
		uint64_t values[RECORDING_MAX_VALUES * 4];
		int arg = recording_refined_arg(names[i]);
		size_t n;

		if (arg < 0 || !union_values(rec, names[i], values, &n))
			continue;
		if (streq(names[i], "clone")) {
			bool namespaces = false;

			for (size_t v = 0; v < n; v++)
				namespaces = namespaces || (values[v] & CLONE_NAMESPACE_BITS);
			if (namespaces)
				strbuf_puts(&sb, ", {\"names\": [\"clone\"], \"action\": "
				                 "\"SCMP_ACT_ALLOW\"}");
			else
				strbuf_printf(
				        &sb,
				        ", {\"names\": [\"clone\"], \"action\": "
				        "\"SCMP_ACT_ALLOW\", "
				        "\"args\": [{\"index\": %d, \"value\": %" PRIu64
				        ", \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}",
				        arg, CLONE_NAMESPACE_BITS);
			continue;
		}
		for (size_t v = 0; v < n; v++)
			strbuf_printf(
			        &sb,
			        ", {\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
			        "[{\"index\": %d, \"value\": %" PRIu64
			        ", \"op\": \"SCMP_CMP_EQ\"}]}",
			        names[i], arg, values[v]);
	}
	strbuf_puts(&sb, "]}\n");
	r = strbuf_finish(&sb, &text, &len);
	if (r < 0)
		return r;
	if (ret_n_names)
		*ret_n_names = n_names;
	return ksc_profile_parse("recording", text, len, NULL, ret, NULL, reterr);
}
