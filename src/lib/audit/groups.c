/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdio.h>

#include "error.h"
#include "groups.h"
#include "macro.h"
#include "strbuf.h"

static uint64_t
group_hash(const char *comm, enum ksc_arch arch, uint32_t syscall, uint32_t code)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const char *c = comm; *c && c < comm + sizeof(((struct audit_group *)0)->comm) - 1;
	     c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	h = (h ^ (uint64_t)arch) * 1099511628211ull;
	h = (h ^ syscall) * 1099511628211ull;
	h = (h ^ code) * 1099511628211ull;
	/* the multiplications leave the low bits, which index the table, poorly mixed */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static int
grow_slots(struct audit_groups *g)
{
	size_t n = g->n_slots ? g->n_slots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		const struct audit_group *e = &g->v[i];
		size_t k = group_hash(e->comm, e->arch, e->syscall, e->code) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(g->slots);
	g->slots = slots;
	g->n_slots = n;
	return 0;
}

int
audit_groups_add(struct audit_groups *g, const char *comm, enum ksc_arch arch, uint32_t syscall,
                 uint32_t code, uint64_t n)
{
	struct audit_group *grown;
	size_t k;

	if (g->n * 2 >= g->n_slots && grow_slots(g) < 0)
		return -ENOMEM;
	k = group_hash(comm, arch, syscall, code) & (g->n_slots - 1);
	for (; g->slots[k]; k = (k + 1) & (g->n_slots - 1)) {
		struct audit_group *e = &g->v[g->slots[k] - 1];

		if (e->arch == arch && e->syscall == syscall && e->code == code &&
		    strncmp(e->comm, comm, sizeof(e->comm) - 1) == 0) {
			e->count += n;
			return 0;
		}
	}
	if (g->n % 1024 == 0) {
		grown = reallocarray(g->v, g->n + 1024, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		g->v = grown;
	}
	g->v[g->n] =
	        (struct audit_group){ .arch = arch, .syscall = syscall, .code = code, .count = n };
	{
		char *c = g->v[g->n].comm;
		size_t len = strnlen(comm, sizeof(g->v[0].comm) - 1);

		memcpy(c, comm, len);
		c[len] = '\0';
	}
	g->slots[k] = (uint32_t)++g->n;
	return 0;
}

static int
group_cmp(const void *a, const void *b)
{
	const struct audit_group *x = a, *y = b;

	int c;

	/* most frequent first; ties in a fixed order, whatever order the records came in */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->comm, y->comm);
	if (c)
		return c;
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	if (x->syscall != y->syscall)
		return x->syscall < y->syscall ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

void
audit_groups_sort(struct audit_groups *g)
{
	/* qsort()'s array may not be NULL, even for no element (C11 7.22.5) */
	if (g->n)
		qsort(g->v, g->n, sizeof(*g->v), group_cmp);
	/* the slots index the old order: the next audit_groups_add() builds them again */
	free(g->slots);
	g->slots = NULL;
	g->n_slots = 0;
}

void
audit_groups_done(struct audit_groups *g)
{
	free(g->v);
	free(g->slots);
	*g = (struct audit_groups){ 0 };
}

/* The syscall names the groups show (static storage, each once, sorted, execve among them)
 * and their arches, this machine's first. */
static int
profile_names(const struct audit_groups *g, const char **names, size_t *ret_n_names,
              enum ksc_arch *arches, size_t max_arches, size_t *ret_n_arches,
              struct ksc_diags *diags)
{
	size_t n_names = 0, n_arches = 0;
	int r;

	arches[n_arches++] = ksc_arch_native();
	for (size_t i = 0; i < g->n; i++) {
		const struct audit_group *e = &g->v[i];
		const char *name = e->arch ? ksc_syscall_name(e->arch, e->syscall) : NULL;
		bool seen = false;

		if (!name) {
			r = ksc_diags_addf(
			        diags, KSC_SEVERITY_WARNING, "", 0, 0, "",
			        "%s syscall %" PRIu32 " has no name: left out of the profile",
			        e->arch ? ksc_arch_name(e->arch) : "an unknown arch's", e->syscall);
			if (r < 0)
				return r;
			continue;
		}
		for (size_t k = 0; k < n_arches && !seen; k++)
			seen = arches[k] == e->arch;
		if (!seen && n_arches < max_arches)
			arches[n_arches++] = e->arch;
		seen = false;
		for (size_t k = 0; k < n_names && !seen; k++)
			seen = streq(names[k], name);
		if (!seen)
			names[n_names++] = name;
	}
	if (n_names == 0)
		return -ENOENT;
	/* The runtime executes the workload after it installs the filter, and that execve is
	 * logged under the runtime's name, not the workload's: allow it. */
	{
		bool seen = false;

		for (size_t k = 0; k < n_names && !seen; k++)
			seen = streq(names[k], "execve");
		if (!seen)
			names[n_names++] = "execve";
	}
	qsort(names, n_names, sizeof(*names), strp_cmp);
	*ret_n_names = n_names;
	*ret_n_arches = n_arches;
	return 0;
}

int
audit_profile_generate(const struct audit_groups *g, const char *name, struct audit_profile *ret,
                       struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(freep) const char **names = calloc(g->n + 2, sizeof(char *));
	_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
	_cleanup_(freep) char *text = NULL;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct strbuf sb = { 0 };
	struct audit_profile out = { 0 };
	size_t n_names = 0, n_arches = 0, len = 0;
	int r;

	if (!names)
		return -ENOMEM;
	r = profile_names(g, names, &n_names, arches, ELEMENTSOF(arches), &n_arches, diags);
	if (r == -ENOENT)
		return ksc_error_setf(reterr, r, "no records selected: no profile written");
	if (r < 0)
		return r;
	strbuf_puts(&sb, "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [");
	for (size_t i = 0; i < n_arches; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", ksc_arch_oci_name(arches[i]));
	strbuf_puts(&sb, "],\n  \"syscalls\": [{\"names\": [");
	for (size_t i = 0; i < n_names; i++)
		strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", names[i]);
	strbuf_puts(&sb, "], \"action\": \"SCMP_ACT_ALLOW\"}]\n}\n");
	r = strbuf_finish(&sb, &text, &len);
	if (r < 0)
		return r;
	/* the canonical form, as 'profile fmt' writes it */
	r = ksc_profile_parse(name, text, len, NULL, &p, NULL, reterr);
	if (r < 0)
		return r;
	r = ksc_profile_write_json(p, &out.json, &out.len);
	if (r < 0)
		return r;
	out.n_syscalls = n_names;
	out.n_arches = n_arches;
	*ret = out;
	return 0;
}
