/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What entered a recorded container from outside (kubectl exec, exec probes): each such
 * process tree, by the command it exec'd, said apart with the calls only it made, and
 * put in the container's profile, or left out with --exclude-exec unless it is a probe
 * (--probe-command).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record-cri.h"

/* How many of a session's own calls the summary names before "and N more". */
#define NAMES_SHOWN 12

/* Whether a session's command is the probe command probe (words separated by spaces),
 * as far as the recorder kept it: at most RECORDING_COMMAND_ARGS arguments, each cut to
 * RECORDING_COMMAND_ARG - 1 bytes. */
static bool
is_probe(const struct recording_session *s, const char *probe)
{
	size_t a = 0;

	for (const char *p = probe; *p;) {
		size_t len, kept;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (a == RECORDING_COMMAND_ARGS)
			return true; /* the rest was not kept */
		kept = len < RECORDING_COMMAND_ARG - 1 ? len : RECORDING_COMMAND_ARG - 1;
		if (!s->argv[a] || strlen(s->argv[a]) != kept || strncmp(s->argv[a], p, kept) != 0)
			return false;
		a++;
		p += len;
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

/* "ls -l /", escaped, into buf. */
static void
command_text(const struct recording_session *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t a = 0; s->argv[a] && len < size; a++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", a ? " " : "",
		                        cli_escape(s->argv[a]));
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
		if (extra < NAMES_SHOWN)
			fprintf(stderr, "%s%s",
			        extra ? " " : ", not made by the container itself: ", name);
		extra++;
	}
	if (extra > NAMES_SHOWN)
		fprintf(stderr, " and %zu more", extra - NAMES_SHOWN);
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
