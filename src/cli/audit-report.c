/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What kseccomp audit reports once the records are read: the counts of -o summary, the
 * profile of --generate, and for --against PROFILE the calls that profile (the one a
 * complain-mode profile was derived from) would have denied: which rule or default, which
 * process, how often.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "audit-report.h"
#include "audit/against.h"

/* One line of the report: a call of a command the profile would deny, and how. */
struct denial {
	char comm[64];
	int64_t pid; /* the first seen */
	char pod[256], container[64];
	enum ksc_arch arch;
	uint32_t nr;
	const char *name;
	struct audit_verdict verdict;
	uint64_t count;
};

int
against_open(struct against *a, const char *path)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r;

	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	a->path = path;
	r = ksc_profile_load(path, NULL, &a->profile, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, TAKE_PTR(error), path);
	r = ksc_filter_new(a->profile, NULL, &a->filter, NULL, &error);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), path);
	return 0;
}

void
against_close(struct against *a)
{
	ksc_filter_free(a->filter);
	ksc_profile_free(a->profile);
	free(a->denials);
	*a = (struct against){ 0 };
}

void
against_record(struct against *a, const struct audit_record *r, const struct audit_who *who)
{
	struct audit_verdict v;
	struct denial *d = NULL;

	a->checked++;
	if (audit_against(a->profile, a->filter, r, &v) < 0) {
		a->unknown_arch++;
		return;
	}
	if (!v.denied)
		return;
	a->denied++;
	for (size_t i = 0; i < a->n_denials && !d; i++) {
		struct denial *e = &a->denials[i];

		if (e->arch == r->arch && e->nr == r->syscall && streq(e->comm, r->comm) &&
		    streq(e->pod, who->pod) && streq(e->container, who->container) &&
		    e->verdict.decision.ret == v.decision.ret)
			d = e;
	}
	if (!d) {
		struct denial *n = reallocarray(a->denials, a->n_denials + 1, sizeof(*n));

		if (!n) {
			a->oom = true;
			return;
		}
		a->denials = n;
		d = &a->denials[a->n_denials++];
		*d = (struct denial){ .pid = r->pid,
			              .arch = r->arch,
			              .nr = r->syscall,
			              .name = r->name,
			              .verdict = v };
		snprintf(d->comm, sizeof(d->comm), "%s", r->comm);
		snprintf(d->pod, sizeof(d->pod), "%s", who->pod);
		snprintf(d->container, sizeof(d->container), "%s", who->container);
	}
	d->count++;
}

static int
by_count(const void *x, const void *y)
{
	const struct denial *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(a->comm, b->comm);
}

void
audit_format_time(double t, char *buf, size_t size)
{
	time_t secs = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, size, "%.3f", t);
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (int)((t - (double)secs) * 1000 + 0.5) % 1000);
}

void
audit_record_json(struct strbuf *sb, const struct audit_record *r, const struct audit_who *who)
{
	char when[64], action[32], number[16];
	const char *name = r->name;

	if (!name) {
		snprintf(number, sizeof(number), "%" PRIu32, r->syscall);
		name = number;
	}
	audit_format_time(r->time, when, sizeof(when));
	audit_action_format(r->code, action, sizeof(action));
	strbuf_printf(sb,
	              "{\"time\": \"%s\", \"record\": \"audit(%.3f:%" PRIu64
	              ")\", \"serial\": %" PRIu64 ", \"pid\": %" PRId64 ", \"comm\": ",
	              when, r->time, r->serial, r->serial, r->pid);
	strbuf_put_json_str(sb, r->comm);
	strbuf_puts(sb, ", \"exe\": ");
	strbuf_put_json_str(sb, r->exe);
	strbuf_printf(sb, ", \"arch\": \"%s\", \"syscall\": ",
	              r->arch ? ksc_arch_name(r->arch) : "unknown");
	strbuf_put_json_str(sb, name);
	strbuf_printf(sb,
	              ", \"nr\": %" PRIu32 ", \"action\": \"%s\", \"code\": \"0x%08" PRIx32
	              "\", \"sig\": %d, \"compat\": %d, \"ip\": \"0x%" PRIx64
	              "\", \"auid\": %" PRId64 ", \"uid\": %" PRId64 ", \"gid\": %" PRId64
	              ", \"ses\": %" PRId64,
	              r->syscall, action, r->code, r->sig, r->compat, r->ip, r->auid, r->uid,
	              r->gid, r->ses);
	if (*r->subj) {
		strbuf_puts(sb, ", \"subj\": ");
		strbuf_put_json_str(sb, r->subj);
	}
	/* hex and dashes from the process's cgroup path (audit_attribute), written through
	 * the one JSON string writer all the same */
	if (*who->pod_uid) {
		strbuf_puts(sb, ", \"pod_uid\": ");
		strbuf_put_json_str(sb, who->pod_uid);
	}
	if (*who->container_id) {
		strbuf_puts(sb, ", \"container_id\": ");
		strbuf_put_json_str(sb, who->container_id);
	}
	if (*who->pod) {
		strbuf_puts(sb, ", \"pod\": ");
		strbuf_put_json_str(sb, who->pod);
		strbuf_puts(sb, ", \"container\": ");
		strbuf_put_json_str(sb, who->container);
	}
	strbuf_putc(sb, '}');
}

/* The would-be denials as JSON lines, or YAML documents. */
static void
print_records(const struct against *a, bool yaml)
{
	for (size_t i = 0; i < a->n_denials; i++) {
		const struct denial *d = &a->denials[i];
		struct strbuf sb = { 0 };
		char action[32], by[256];

		ksc_ret_format(d->verdict.decision.ret, action, sizeof(action));
		audit_verdict_describe(&d->verdict, by, sizeof(by));
		strbuf_printf(&sb, "{\"count\": %" PRIu64 ", \"comm\": ", d->count);
		strbuf_put_json_str(&sb, d->comm);
		strbuf_printf(&sb,
		              ", \"pid\": %" PRId64 ", \"arch\": \"%s\", \"syscall\": ", d->pid,
		              d->arch ? ksc_arch_name(d->arch) : "unknown");
		strbuf_put_json_str(&sb, d->name);
		strbuf_printf(&sb, ", \"nr\": %" PRIu32 ", \"action\": \"%s\", \"by\": ", d->nr,
		              action);
		strbuf_put_json_str(&sb, by);
		strbuf_printf(&sb, ", \"dependsOnArgs\": %s",
		              d->verdict.depends_on_args ? "true" : "false");
		if (*d->pod) {
			strbuf_puts(&sb, ", \"pod\": ");
			strbuf_put_json_str(&sb, d->pod);
			strbuf_puts(&sb, ", \"container\": ");
			strbuf_put_json_str(&sb, d->container);
		}
		strbuf_putc(&sb, '}');
		(void)cli_print_record(&sb, yaml);
	}
}

int
against_report(struct against *a, bool json, bool yaml)
{
	if (a->oom)
		return cli_fail(-ENOMEM, NULL, NULL);
	if (a->n_denials > 1)
		qsort(a->denials, a->n_denials, sizeof(*a->denials), by_count);
	if (json || yaml)
		print_records(a, yaml);
	else if (a->n_denials) {
		printf("%-8s %-16s %-7s %-8s %-20s %-14s %s\n", "COUNT", "COMM", "PID", "ARCH",
		       "SYSCALL", "WOULD-BE", "BY");
		for (size_t i = 0; i < a->n_denials; i++) {
			const struct denial *d = &a->denials[i];
			char action[32], by[256], number[16];
			const char *name = d->name;

			if (!name) {
				snprintf(number, sizeof(number), "%" PRIu32, d->nr);
				name = number;
			}
			ksc_ret_format(d->verdict.decision.ret, action, sizeof(action));
			audit_verdict_describe(&d->verdict, by, sizeof(by));
			printf("%-8" PRIu64 " %-16s %-7" PRId64 " %-8s %-20s %-14s %s", d->count,
			       cli_escape(d->comm), d->pid,
			       d->arch ? ksc_arch_name(d->arch) : "unknown", name, action, by);
			if (*d->pod)
				printf(" pod=%s container=%s", cli_escape(d->pod),
				       cli_escape(d->container));
			putchar('\n');
		}
	}
	if (a->unknown_arch)
		cli_warning("%" PRIu64 " record%s of an architecture kseccomp does not know: not "
		            "checked",
		            a->unknown_arch, a->unknown_arch == 1 ? "" : "s");
	if (a->denied)
		fprintf(stderr,
		        "kseccomp: %s would deny %" PRIu64 " of the %" PRIu64
		        " calls recorded (%zu distinct)\n",
		        cli_escape(a->path), a->denied, a->checked, a->n_denials);
	else
		fprintf(stderr, "kseccomp: %s would deny none of the %" PRIu64 " calls recorded\n",
		        cli_escape(a->path), a->checked);
	return 0;
}

void
print_summary(struct audit_groups *groups)
{
	uint64_t max = 1;

	audit_groups_sort(groups);
	for (size_t i = 0; i < groups->n; i++)
		max = MAX(max, groups->v[i].count);
	printf("%-8s %-16s %-8s %-20s %-13s %s\n", "COUNT", "COMM", "ARCH", "SYSCALL", "ACTION",
	       "CALLS");
	for (size_t i = 0; i < groups->n; i++) {
		const struct audit_group *g = &groups->v[i];
		const char *name = g->arch ? ksc_syscall_name(g->arch, g->syscall) : NULL;
		char action[32], number[16];

		if (!name) {
			snprintf(number, sizeof(number), "%" PRIu32, g->syscall);
			name = number;
		}
		/* a bar of up to 30 #, at least one: the calls against the most frequent */
		int bar = (int)MAX((g->count * 30 + max / 2) / max, UINT64_C(1));

		audit_action_format(g->code, action, sizeof(action));
		printf("%-8" PRIu64 " %-16s %-8s %-20s %-13s %.*s\n", g->count, cli_escape(g->comm),
		       g->arch ? ksc_arch_name(g->arch) : "unknown", name, action, bar,
		       "##############################");
	}
}

/* --generate: the profile the selected records call for, written to path. 0 or -errno. */
int
write_profile(const struct audit_groups *groups, const char *path)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(freep) char *json = NULL;
	struct audit_profile profile = { 0 };
	struct ksc_error *error = NULL;
	int r;

	if (!diags) {
		(void)cli_fail(-ENOMEM, NULL, NULL);
		return -ENOMEM;
	}
	r = audit_profile_generate(groups, path, &profile, diags, &error);
	cli_print_warnings(diags);
	if (r < 0) {
		(void)cli_fail(r, error, NULL);
		return r;
	}
	json = profile.json;
	r = cli_write_file(path, json, profile.len);
	if (r < 0)
		return r;
	fprintf(stderr, "kseccomp: wrote %s: %zu syscalls on %zu architecture%s\n",
	        cli_escape(path), profile.n_syscalls, profile.n_arches,
	        profile.n_arches == 1 ? "" : "s");
	return 0;
}
