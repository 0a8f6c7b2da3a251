/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What entered a recorded container from outside (kubectl exec, exec probes): each such
 * process tree, by the command it exec'd, said apart with the calls only it made, and
 * put in the container's profile, or left out with --exclude-exec unless it is a probe
 * (--probe-command).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/kube.h"
#include "record-cri.h"

/* Whether a session's command is the probe's argv, as far as the recorder kept it: at most
 * RECORDING_COMMAND_ARGS arguments, each cut to RECORDING_COMMAND_ARG - 1 bytes. */
static bool
is_probe(const struct recording_session *s, char *const *probe)
{
	size_t a = 0;

	for (; probe[a]; a++) {
		size_t len = strlen(probe[a]), kept;

		if (a == RECORDING_COMMAND_ARGS)
			return true; /* the rest was not kept */
		kept = len < RECORDING_COMMAND_ARG - 1 ? len : RECORDING_COMMAND_ARG - 1;
		if (!s->argv[a] || strlen(s->argv[a]) != kept ||
		    strncmp(s->argv[a], probe[a], kept) != 0)
			return false;
	}
	return a > 0 && !s->argv[a];
}

static bool
session_is_probe(const struct recording_session *s, const struct record_session_opts *o)
{
	for (size_t i = 0; i < o->n_probes; i++)
		if (is_probe(s, o->probes[i]))
			return true;
	return false;
}

static void
free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int
record_probe_add(struct record_session_opts *o, const char *const *argv)
{
	size_t n = 0;
	char **copy, ***grown;

	while (argv[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(argv[i]))) {
			free_argv(copy);
			copy = NULL;
		}
	grown = copy ? reallocarray(o->probes, o->n_probes + 1, sizeof(*grown)) : NULL;
	if (!grown) {
		free_argv(copy);
		return -ENOMEM;
	}
	grown[o->n_probes++] = copy;
	o->probes = grown;
	return 0;
}

int
record_probe_add_words(struct record_session_opts *o, const char *words)
{
	_cleanup_(freep) char *text = strdup(words);
	const char *argv[64] = { 0 };
	size_t n = 0;

	if (!text)
		return -ENOMEM;
	for (char *save = NULL, *w = strtok_r(text, " ", &save); w && n < ELEMENTSOF(argv) - 1;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	return record_probe_add(o, argv);
}

int
record_probes_from(struct record_session_opts *o, const char *manifest, size_t index,
                   const char *container, size_t *ret_added)
{
	struct kube_manifest *m = NULL;
	struct ksc_error *error = NULL;
	int r = kube_manifest_read(manifest, &m, &error);

	*ret_added = 0;
	if (r < 0)
		return cli_fail(r, error, manifest);
	for (size_t i = 0; r >= 0 && i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];

		if (index != SIZE_MAX && i != index)
			continue;
		for (size_t c = 0; r >= 0 && c < pod->n_containers; c++) {
			const struct kube_container *k = &pod->containers[c];

			if (container && !streq(k->name, container))
				continue;
			for (size_t p = 0; r >= 0 && p < ELEMENTSOF(k->probe_commands); p++)
				if (k->probe_commands[p] && k->probe_commands[p][0] &&
				    (r = record_probe_add(o, k->probe_commands[p])) == 0)
					(*ret_added)++;
		}
	}
	kube_manifest_free(m);
	return r < 0 ? cli_fail(r, NULL, manifest) : 0;
}

void
record_session_opts_done(struct record_session_opts *o)
{
	for (size_t i = 0; i < o->n_probes; i++)
		free_argv(o->probes[i]);
	free(o->probes);
	o->probes = NULL;
	o->n_probes = 0;
}

/* "sh -c \"cat /tmp/healthy\"", escaped, into buf: an argument with a space, or empty, in
 * double quotes, one the recorder may have cut followed by "...". */
static void
command_text(const struct recording_session *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t a = 0; s->argv[a] && len < size; a++) {
		const char *q = !*s->argv[a] || strchr(s->argv[a], ' ') ? "\"" : "";

		/* an argument as long as the recorder keeps them may have been cut */
		const char *cut = strlen(s->argv[a]) == RECORDING_COMMAND_ARG - 1 ? "..." : "";

		len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s%s", a ? " " : "", q,
		                        cli_escape(s->argv[a]), cut, q);
	}
}

/* The summary line of one session: what it is, how many calls, which only it made. */
static void
say_session(const char *what, const struct recording *own, const struct recording_session *s,
            bool probe, bool included)
{
	char command[RECORDING_COMMAND_ARGS * RECORDING_COMMAND_ARG * 4 + 16];
	size_t extra = 0;

	if (s->key == 1)
		snprintf(command, sizeof(command), "%s",
		         "what entered, before its command's execve (the runtime's exec)");
	else if (!s->argv[0])
		snprintf(command, sizeof(command), "%s", "a command the recorder could not keep");
	else {
		char text[sizeof(command) - 16];

		command_text(s, text, sizeof(text));
		snprintf(command, sizeof(command), "exec'd '%s'", text);
	}
	fprintf(stderr, "kseccomp: %s: %s%s: %zu syscalls", what, command,
	        probe ? " (a probe)" : "", s->calls.n_seen);
	for (size_t i = 0; i < s->calls.n_seen; i++) {
		const char *name = ksc_syscall_name(s->calls.seen[i].arch, s->calls.seen[i].nr);

		if (recording_has(own, s->calls.seen[i].arch, s->calls.seen[i].nr) || !name)
			continue;
		fprintf(stderr, "%s%s", extra ? " " : ", not made by the container itself: ", name);
		extra++;
	}
	fprintf(stderr, "; %s\n", included ? "in the profile" : "left out (--exclude-exec)");
}

/* The runtime's exec first, then by command. */
static int
session_order(const void *a, const void *b)
{
	const struct recording_session *x = a, *y = b;

	if ((x->key == 1) != (y->key == 1))
		return x->key == 1 ? -1 : 1;
	for (size_t i = 0; i <= RECORDING_COMMAND_ARGS; i++) {
		int c;

		if (!x->argv[i] || !y->argv[i])
			return !!x->argv[i] - !!y->argv[i];
		c = strcmp(x->argv[i], y->argv[i]);
		if (c)
			return c;
	}
	return 0;
}

void
record_sessions_apply(struct recording *rec, const char *what, const struct record_session_opts *o)
{
	/* what the container's own processes made, before anything is added to it */
	struct recording own = { 0 };
	bool any_probe = false;

	recording_include(&own, rec);
	if (rec->n_sessions > 1)
		qsort(rec->sessions, rec->n_sessions, sizeof(*rec->sessions), session_order);
	for (size_t i = 0; i < rec->n_sessions; i++)
		any_probe |= session_is_probe(&rec->sessions[i], o);
	for (size_t i = 0; i < rec->n_sessions; i++) {
		const struct recording_session *s = &rec->sessions[i];
		bool probe = session_is_probe(s, o);
		/* a probe needs the runtime's exec too */
		bool included = !o->exclude_exec || probe || (s->key == 1 && any_probe);

		if (!o->quiet)
			say_session(what, &own, s, probe, included);
		if (included)
			recording_include(rec, &s->calls);
	}
	recording_done(&own);
}
