/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp describe pod NAME -o json|yaml: what the text shows, as data (describe.c). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pods.h"
#include "strbuf.h"

/* ", \"key\": " and a time as RFC 3339, or null when it is not known (0). */
static void
json_time(struct strbuf *sb, const char *key, int64_t t)
{
	char buf[40];

	strbuf_printf(sb, ", \"%s\": ", key);
	if (t <= 0) {
		strbuf_puts(sb, "null");
		return;
	}
	node_format_rfc3339(t, buf, sizeof(buf));
	strbuf_printf(sb, "\"%s\"", buf);
}

static void
json_key_str(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_printf(sb, ", \"%s\": ", key);
	strbuf_put_json_str(sb, value);
}

static void
json_state(struct strbuf *sb, const char *state, const char *reason, const char *message,
           int exit_code, int sig, int64_t started, int64_t finished)
{
	strbuf_printf(sb, "{\"state\": \"%s\"", state);
	if (!streq(state, "running"))
		json_key_str(sb, "reason", reason);
	if (message && *message)
		json_key_str(sb, "message", message);
	if (streq(state, "terminated")) {
		strbuf_printf(sb, ", \"exitCode\": %d, \"signal\": %d", exit_code, sig);
		if (sig && sigabbrev_np(sig))
			strbuf_printf(sb, ", \"signalName\": \"SIG%s\"", sigabbrev_np(sig));
	}
	if (!streq(state, "waiting"))
		json_time(sb, "startedAt", started);
	if (streq(state, "terminated"))
		json_time(sb, "finishedAt", finished);
	strbuf_putc(sb, '}');
}

/* The effective profile, "Localhost PATH (complain mode)" and the like (the monitor's words,
 * src/lib/node/monitor.c), as its type, path and notes; null before it is resolved. */
static void
json_profile(struct strbuf *sb, const char *profile)
{
	static const struct {
		const char *suffix, *key;
	} notes[] = {
		{ " (complain mode)", "complainMode" },
		{ " (privileged)", "privileged" },
		{ " (seccompDefault)", "seccompDefault" },
	};
	size_t len = strlen(profile), type_len = strcspn(profile, " ");
	bool noted[ELEMENTSOF(notes)] = { false };

	if (!*profile) {
		strbuf_puts(sb, "null");
		return;
	}
	/* each note once, in whatever order they were added */
	for (size_t round = 0; round < ELEMENTSOF(notes); round++)
		for (size_t k = 0; k < ELEMENTSOF(notes); k++) {
			size_t n = strlen(notes[k].suffix);

			if (!noted[k] && len > n &&
			    memcmp(profile + len - n, notes[k].suffix, n) == 0) {
				noted[k] = true;
				len -= n;
			}
		}
	strbuf_puts(sb, "{\"type\": ");
	strbuf_put_json_string(sb, profile, MIN(type_len, len));
	if (type_len < len) {
		strbuf_puts(sb, ", \"localhostProfile\": ");
		strbuf_put_json_string(sb, profile + type_len + 1, len - type_len - 1);
	}
	for (size_t k = 0; k < ELEMENTSOF(notes); k++)
		if (noted[k])
			strbuf_printf(sb, ", \"%s\": true", notes[k].key);
	strbuf_putc(sb, '}');
}

static void
json_list(struct strbuf *sb, const char *key, const char *const *v)
{
	if (!v)
		return;
	strbuf_printf(sb, ", \"%s\": [", key);
	for (size_t i = 0; v[i]; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_str(sb, v[i]);
	}
	strbuf_putc(sb, ']');
}

static void
json_container(struct strbuf *sb, const struct pod_container_status *c,
               const struct kube_container *kc)
{
	strbuf_puts(sb, "{\"name\": ");
	strbuf_put_json_str(sb, c->name);
	if (kc) {
		json_key_str(sb, "image", kc->image ? kc->image : "");
		json_list(sb, "command", kc->command);
		json_list(sb, "args", kc->args);
	}
	if (streq(c->kind, "sidecar"))
		strbuf_puts(sb, ", \"restartPolicy\": \"Always\"");
	strbuf_puts(sb, ",\n      \"state\": ");
	json_state(sb, c->state, c->reason, c->message, c->exit_code, c->signal, c->started,
	           c->finished);
	if (*c->last_reason && !streq(c->state, "terminated")) {
		strbuf_puts(sb, ",\n      \"lastState\": ");
		json_state(sb, "terminated", c->last_reason, "", c->last_exit, c->last_signal,
		           c->last_started, c->last_finished);
	}
	strbuf_printf(sb, ",\n      \"ready\": %s, \"restartCount\": %d, \"seccompProfile\": ",
	              c->ready ? "true" : "false", c->restarts);
	json_profile(sb, c->profile);
	if (kc && kc->has_security_context && kc->allow_privilege_escalation_set)
		strbuf_printf(sb, ", \"noNewPrivs\": %s",
		              kc->allow_privilege_escalation ? "false" : "true");
	strbuf_putc(sb, '}');
}

static void
json_containers(struct strbuf *sb, const struct pod_row *row, const struct kube_pod *pod, bool init)
{
	bool any = false;

	strbuf_printf(sb, ",\n  \"%s\": [", init ? "initContainers" : "containers");
	for (size_t i = 0; i < row->st.n; i++) {
		const struct pod_container_status *c = &row->st.c[i];
		const struct kube_container *kc = NULL;
		bool is_init = streq(c->kind, "init") || streq(c->kind, "sidecar");

		if (is_init != init || streq(c->kind, "ephemeral"))
			continue;
		for (size_t k = 0; pod && k < pod->n_containers; k++)
			if (streq(pod->containers[k].name, c->name))
				kc = &pod->containers[k];
		strbuf_puts(sb, any ? ",\n    " : "\n    ");
		json_container(sb, c, kc);
		any = true;
	}
	strbuf_puts(sb, any ? "\n  ]" : "]");
}

static void
json_events(struct strbuf *sb, const struct node_opts *o, const char *name)
{
	struct pod_event *events = NULL;
	char dir[PATH_MAX];
	size_t n = 0;

	(void)pod_dir(o, name, dir, sizeof(dir));
	if (pod_events_read(dir, &events, &n) < 0)
		n = 0;
	strbuf_puts(sb, ",\n  \"events\": [");
	for (size_t i = 0; i < n; i++) {
		const struct pod_event *e = &events[i];

		strbuf_puts(sb, i ? ",\n    {\"type\": " : "\n    {\"type\": ");
		strbuf_put_json_str(sb, e->type);
		json_key_str(sb, "reason", e->reason);
		json_time(sb, "time", e->time);
		json_key_str(sb, "from", e->from);
		json_key_str(sb, "message", e->message);
		strbuf_putc(sb, '}');
	}
	strbuf_puts(sb, n ? "\n  ]" : "]");
	pod_events_free(events, n);
}

void
describe_pod_json(struct strbuf *sb, const struct node_opts *o, const struct pod_row *row,
                  const struct kube_pod *pod)
{
	char root[PATH_MAX + 16];

	strbuf_puts(sb, "{\n  \"name\": ");
	strbuf_put_json_str(sb, row->name);
	json_key_str(sb, "namespace", pod && *pod->namespace ? pod->namespace : "default");
	json_key_str(sb, "node", row->info.node);
	json_key_str(sb, "runtime", executor_name(row->info.executor));
	json_time(sb, "startTime", row->created);
	json_key_str(sb, "status", row->status);
	if (pod && !streq(pod->kind, "Pod")) {
		strbuf_puts(sb, ",\n  \"controlledBy\": {\"kind\": ");
		strbuf_put_json_str(sb, pod->kind);
		json_key_str(sb, "name", pod->name);
		strbuf_putc(sb, '}');
	}
	if (pod && pod->seccomp.set && pod->seccomp.type) {
		strbuf_puts(sb, ",\n  \"seccompProfile\": {\"type\": ");
		strbuf_put_json_str(sb, pod->seccomp.type);
		if (pod->seccomp.has_localhost)
			json_key_str(sb, "localhostProfile", pod->seccomp.localhost);
		strbuf_putc(sb, '}');
	}
	snprintf(root, sizeof(root), "%s/seccomp", row->info.root_dir);
	strbuf_printf(sb, ",\n  \"seccompDefault\": %s",
	              row->info.seccomp_default ? "true" : "false");
	json_key_str(sb, "profileRoot", root);
	strbuf_printf(sb, ", \"complainMode\": %s", row->info.complain ? "true" : "false");
	if (*row->info.containerd_version)
		json_key_str(sb, "containerdVersion", row->info.containerd_version);
	json_containers(sb, row, pod, true);
	json_containers(sb, row, pod, false);
	json_events(sb, o, row->name);
	strbuf_puts(sb, "\n}");
}
